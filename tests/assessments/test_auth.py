"""Spec §4 (#1-#4): login, refresh without rotation, and logouts on core's shared blacklist."""

from datetime import timedelta

import pytest
from ninja_jwt.tokens import AccessToken, RefreshToken

from core.models import TokenBlacklist
from modules.assessments.models import UserDevice
from tests.assessments.conftest import call, error
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


@pytest.fixture
def olivia():
    return make_user(
        email="owner@example.com", first_name="Olivia", last_name="Owner", password=PASSWORD
    )


def login(client, email="owner@example.com", password=PASSWORD, **extra):
    return call(client, "POST", "/auth/login", {"email": email, "password": password, **extra})


def bearer_of(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_login_answers_a_token_pair_and_the_user(client, olivia):
    response = login(client, deviceId="phone-1")
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["user"] == {
        "email": "owner@example.com",
        "firstName": "Olivia",
        "lastName": "Owner",
        "id": str(olivia.public_id),
    }
    token = result["token"]
    assert set(token) == {"accessToken", "refreshToken", "tokenType"}
    assert token["tokenType"] == "Bearer"
    access = AccessToken(token["accessToken"])
    assert access["rjti"] == RefreshToken(token["refreshToken"])["jti"]
    assert list(UserDevice.objects.filter(user=olivia).values_list("device_id", flat=True)) == [
        "phone-1"
    ]
    # The platform's token: it works on the main API too.
    assert client.get("/api/me/", **bearer_of(token["accessToken"])).status_code == 200


def test_login_lowercases_the_email_and_upserts_the_device(client, olivia):
    assert login(client, email="OWNER@Example.COM", deviceId="phone-1").status_code == 200
    assert login(client, deviceId="phone-1").status_code == 200
    assert UserDevice.objects.filter(user=olivia).count() == 1


@pytest.mark.parametrize(
    ("email", "password"), [("owner@example.com", "wrong"), ("nobody@example.com", PASSWORD)]
)
def test_bad_credentials_are_401_access_denied(client, olivia, unchanged, email, password):
    with unchanged():
        response = login(client, email=email, password=password, deviceId="phone-1")
    assert response.status_code == 401
    assert response.json() == error("Incorrect email or password", "ACCESS_DENIED")


def test_a_deactivated_account_is_404_user_is_deleted(client, olivia, unchanged):
    olivia.is_active = False
    olivia.save()
    with unchanged():
        response = login(client)
    assert (response.status_code, response.json()) == (404, error("User is deleted.", "NOT_FOUND"))


def test_login_is_throttled(client, olivia, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    assert login(client).status_code == 200
    assert login(client).status_code == 200
    response = login(client)
    assert (response.status_code, response.json()) == (
        429,
        error("Too many requests.", "UNDEFINED"),
    )


def test_refresh_gives_a_new_access_token_and_keeps_the_refresh_token(client, olivia):
    pair = login(client).json()["result"]["token"]
    response = call(client, "POST", "/auth/token/refresh", {"refreshToken": pair["refreshToken"]})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["refreshToken"] == pair["refreshToken"]
    assert result["tokenType"] == "Bearer"
    assert result["accessToken"] != pair["accessToken"]
    assert AccessToken(result["accessToken"])["rjti"] == RefreshToken(pair["refreshToken"])["jti"]
    assert call(client, "GET", "/users/me", **bearer_of(result["accessToken"])).status_code == 200
    # Not rotated: the same refresh token works again.
    again = call(client, "POST", "/auth/token/refresh", {"refreshToken": pair["refreshToken"]})
    assert again.status_code == 200


def _expired_refresh(user):
    token = RefreshToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


@pytest.mark.parametrize("kind", ["garbage", "expired", "access", "inactive"])
def test_an_invalid_refresh_token_is_400(client, olivia, kind):
    pair = login(client).json()["result"]["token"]
    raw = {
        "garbage": "not-a-token",
        "expired": _expired_refresh(olivia),
        "access": pair["accessToken"],
        "inactive": pair["refreshToken"],
    }[kind]
    if kind == "inactive":
        olivia.is_active = False
        olivia.save()
    response = call(client, "POST", "/auth/token/refresh", {"refreshToken": raw})
    assert (response.status_code, response.json()) == (
        400,
        error("Invalid refresh token.", "BAD_REQUEST"),
    )


def test_logout_revokes_the_access_token_and_its_refresh_token_everywhere(client, olivia):
    pair = login(client, deviceId="phone-1").json()["result"]["token"]
    response = call(
        client, "POST", "/auth/logout", {"deviceId": "phone-1"}, **bearer_of(pair["accessToken"])
    )
    assert response.status_code == 200
    assert response.content == b""
    access = AccessToken(pair["accessToken"], verify=False)
    refresh = RefreshToken(pair["refreshToken"], verify=False)
    rows = dict(TokenBlacklist.objects.values_list("jti", "token_type"))
    assert rows == {access["jti"]: "access", refresh["jti"]: "refresh"}
    assert not UserDevice.objects.filter(user=olivia).exists()
    # Both refused here and on the main API.
    refused = call(client, "GET", "/users/me", **bearer_of(pair["accessToken"]))
    assert (refused.status_code, refused.json()) == (
        401,
        error("Could not validate credentials.", "UNDEFINED"),
    )
    assert client.get("/api/me/", **bearer_of(pair["accessToken"])).status_code == 401
    again = call(client, "POST", "/auth/token/refresh", {"refreshToken": pair["refreshToken"]})
    assert (again.status_code, again.json()) == (
        401,
        error("Could not validate credentials.", "UNDEFINED"),
    )
    main = client.post(
        "/api/token/refresh/", {"refresh": pair["refreshToken"]}, content_type="application/json"
    )
    assert main.status_code == 401


def test_logout_without_a_body_keeps_the_devices(client, olivia):
    pair = login(client, deviceId="phone-1").json()["result"]["token"]
    response = call(client, "POST", "/auth/logout", None, **bearer_of(pair["accessToken"]))
    assert response.status_code == 200
    assert UserDevice.objects.filter(user=olivia).count() == 1


def test_a_logout_on_the_main_api_counts_here(client, olivia):
    pair = login(client).json()["result"]["token"]
    assert (
        client.post(
            "/api/token/blacklist/",
            {"refresh": pair["refreshToken"]},
            content_type="application/json",
        ).status_code
        == 200
    )
    response = call(client, "POST", "/auth/token/refresh", {"refreshToken": pair["refreshToken"]})
    assert response.status_code == 401


def test_logout2_takes_the_refresh_token_as_bearer(client, olivia):
    pair = login(client).json()["result"]["token"]
    response = call(client, "POST", "/auth/logout2", None, **bearer_of(pair["refreshToken"]))
    assert (response.status_code, response.content) == (200, b"")
    refresh = RefreshToken(pair["refreshToken"], verify=False)
    assert TokenBlacklist.objects.filter(jti=refresh["jti"], token_type="refresh").exists()
    refused = call(client, "POST", "/auth/token/refresh", {"refreshToken": pair["refreshToken"]})
    assert (refused.status_code, refused.json()) == (
        401,
        error("Could not validate credentials.", "UNDEFINED"),
    )
    # Access tokens already issued live until they expire.
    assert call(client, "GET", "/users/me", **bearer_of(pair["accessToken"])).status_code == 200
    twice = call(client, "POST", "/auth/logout2", None, **bearer_of(pair["refreshToken"]))
    assert twice.status_code == 401


def test_logout2_refuses_an_access_token(client, olivia, unchanged):
    pair = login(client).json()["result"]["token"]
    with unchanged():
        response = call(client, "POST", "/auth/logout2", None, **bearer_of(pair["accessToken"]))
    assert (response.status_code, response.json()) == (
        401,
        error("Could not validate credentials.", "UNDEFINED"),
    )


def test_a_refresh_token_is_no_access_token(client, olivia):
    pair = login(client).json()["result"]["token"]
    response = call(client, "GET", "/users/me", **bearer_of(pair["refreshToken"]))
    assert (response.status_code, response.json()) == (
        401,
        error("Could not validate credentials.", "UNDEFINED"),
    )


def test_authenticated_calls_note_when_the_user_was_last_seen(client, olivia):
    pair = login(client).json()["result"]["token"]
    olivia.refresh_from_db()
    olivia.last_seen_at = None
    olivia.save()
    call(client, "GET", "/users/me", **bearer_of(pair["accessToken"]))
    olivia.refresh_from_db()
    assert olivia.last_seen_at is not None
