"""POST /api/token: the API-key exchange of spec §2, sharing the path with core's login."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from ninja_jwt.tokens import AccessToken

from core.models import User
from modules.batches.models import ApiKey, BatchProfile
from modules.batches.services.keys import api_key_create
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def exchange(client, body=None, *, path="/api/token", **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


def with_key(key):
    return {"HTTP_X_API_KEY": key}


def test_known_cuid_gets_a_one_hour_access_token(client, member, api_key):
    record, key = api_key
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(key))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "expires_in"]
    assert body["expires_in"] == 3600
    token = AccessToken(body["access_token"])
    assert token["token_type"] == "access"
    assert token["user_id"] == member.pk
    assert token["exp"] - token["iat"] == 3600
    assert token["jti"]
    record.refresh_from_db()
    assert record.last_used_at is not None
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.json()["email"] == member.email


def test_token_lifetime_is_a_setting(client, member, api_key, settings):
    settings.BATCH_TOKEN_LIFETIME = 600
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(api_key[1]))
    assert response.json()["expires_in"] == 600
    token = AccessToken(response.json()["access_token"])
    assert token["exp"] - token["iat"] == 600


@pytest.mark.parametrize("path", ["/api/token", "/api/token/"])
def test_legacy_raw_authorization_header_and_lower_case_cuid(client, member, api_key, path):
    response = exchange(client, {"cuid": "abcd1234"}, path=path, HTTP_AUTHORIZATION=api_key[1])
    assert response.status_code == 200
    assert AccessToken(response.json()["access_token"])["user_id"] == member.pk


def test_x_api_key_wins_over_authorization(client, member, api_key):
    response = exchange(
        client, {"cuid": "ABCD1234"}, HTTP_AUTHORIZATION="not-a-key", **with_key(api_key[1])
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "API Key missing"),
        ({"HTTP_X_API_KEY": ""}, "API Key missing"),
        ({"HTTP_AUTHORIZATION": "Bearer something"}, "API Key missing"),
        ({"HTTP_X_API_KEY": "nope"}, "Invalid API Key"),
    ],
)
def test_missing_or_unknown_key(client, member, api_key, headers, message):
    response = exchange(client, {"cuid": "ABCD1234"}, **headers)
    assert response.status_code == 401
    assert response.json() == {"error": message}


def test_right_prefix_wrong_key_is_invalid(client, member, api_key):
    _, key = api_key
    forged = key[:8] + ("a" if key[8] != "a" else "b") + key[9:]
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(forged))
    assert response.json() == {"error": "Invalid API Key"}


@pytest.mark.parametrize("change", ["revoked", "expired"])
def test_revoked_or_expired_key(client, member, api_key, change):
    record, key = api_key
    if change == "revoked":
        ApiKey.objects.filter(pk=record.pk).update(revoked_at=timezone.now())
    else:
        ApiKey.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(key))
    assert response.status_code == 401
    assert response.json() == {"error": "API Key expired or revoked"}


def test_key_errors_come_before_field_errors(client, api_key):
    response = exchange(client, {"cuid": "bad", "email": "x"}, **with_key("wrong-key"))
    assert response.json() == {"error": "Invalid API Key"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"cuid": ["This field is required."]}),
        ({"cuid": ""}, {"cuid": ["This field is required."]}),
        ({"cuid": None}, {"cuid": ["This field is required."]}),
        ({"cuid": "ABC1234"}, {"cuid": ["Cuid not valid."]}),
        ({"cuid": "ABCD12345"}, {"cuid": ["Cuid not valid."]}),
        ({"cuid": "ÀBCD1234"}, {"cuid": ["Cuid not valid."]}),
        ({"cuid": "\u0131bcd1234"}, {"cuid": ["Cuid not valid."]}),  # dotless i: upper() is "I"
        ({"cuid": "\u017fbcd1234"}, {"cuid": ["Cuid not valid."]}),  # long s: upper() is "S"
        ({"cuid": "ABCD\uff11\uff12\uff13\uff14"}, {"cuid": ["Cuid not valid."]}),
        ({"cuid": 12345678}, {"cuid": ["Cuid not valid."]}),
        (
            {"cuid": "nope", "email": "not-an-email"},
            {"cuid": ["Cuid not valid."], "email": ["Enter a valid email address."]},
        ),
        ({"cuid": "WXYZ0001", "email": "a@"}, {"email": ["Enter a valid email address."]}),
    ],
)
def test_field_errors_come_together(client, api_key, body, errors):
    users = User.objects.count()
    response = exchange(client, body, **with_key(api_key[1]))
    assert response.status_code == 400
    assert response.json() == errors
    assert User.objects.count() == users
    assert not BatchProfile.objects.exists()


def test_key_without_body_is_a_cuid_error(client, api_key):
    response = client.post("/api/token", HTTP_X_API_KEY=api_key[1])
    assert response.status_code == 400
    assert response.json() == {"cuid": ["This field is required."]}


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        (["orange.com"], "Email must be from the domain '@orange.com'."),
        (["@a.com", "b.com"], "Email must be from one of the domains '@a.com', '@b.com'."),
    ],
)
def test_email_domain_setting(client, api_key, settings, domains, message):
    settings.BATCH_ALLOWED_EMAIL_DOMAINS = domains
    response = exchange(
        client, {"cuid": "WXYZ0001", "email": "x@gmail.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 400
    assert response.json() == {"email": [message]}
    assert not User.objects.filter(email="x@gmail.com").exists()


def test_allowed_domain_matches_any_case(client, api_key, settings, organization):
    settings.BATCH_ALLOWED_EMAIL_DOMAINS = ["orange.com"]
    response = exchange(
        client, {"cuid": "WXYZ0001", "email": "New.Person@ORANGE.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 200


def test_unknown_cuid_without_email(client, api_key):
    response = exchange(client, {"cuid": "WXYZ0001"}, **with_key(api_key[1]))
    assert response.status_code == 400
    assert response.json() == {"error": "Email required for new user registration"}
    assert not BatchProfile.objects.exists()


def test_unknown_cuid_with_email_registers_a_member(client, api_key, organization):
    response = exchange(
        client, {"cuid": "wxyz0001", "email": "new@example.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 200
    user = User.objects.get(email="new@example.com")
    assert not user.has_usable_password()
    assert user.batch_profile.cuid == "WXYZ0001"
    assert list(user.groups.all()) == [organization]
    assert AccessToken(response.json()["access_token"])["user_id"] == user.pk
    again = exchange(client, {"cuid": "WXYZ0001"}, **with_key(api_key[1]))
    assert AccessToken(again.json()["access_token"])["user_id"] == user.pk


def test_existing_plain_member_takes_the_cuid(client, api_key, organization):
    user = make_user(email="member@example.com")
    user.groups.add(organization)
    response = exchange(
        client, {"cuid": "WXYZ0001", "email": "MEMBER@example.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 200
    assert BatchProfile.objects.get(cuid="WXYZ0001").user == user
    assert user.has_usable_password()


@pytest.mark.parametrize("case", ["staff", "has_cuid", "not_member"])
def test_existing_account_that_cannot_take_the_cuid(client, api_key, organization, case):
    user = make_user(email="taken@example.com", is_staff=case == "staff")
    if case != "not_member":
        user.groups.add(organization)
    if case == "has_cuid":
        BatchProfile.objects.create(user=user, cuid="OLDC0001")
    response = exchange(
        client, {"cuid": "WXYZ0001", "email": "taken@example.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["A user with this email already exists."]}
    assert not BatchProfile.objects.filter(cuid="WXYZ0001").exists()


def test_a_disabled_member_does_not_take_a_new_cuid(client, api_key, organization):
    user = make_user(email="asleep@example.com", is_active=False)
    user.groups.add(organization)
    response = exchange(
        client, {"cuid": "WXYZ0001", "email": "asleep@example.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 403
    assert response.json() == {"error": "User account is disabled"}
    assert not BatchProfile.objects.exists()


def test_known_cuid_ignores_the_email(client, member, api_key):
    response = exchange(
        client, {"cuid": "ABCD1234", "email": "someone.else@example.com"}, **with_key(api_key[1])
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="someone.else@example.com").exists()


def test_disabled_user(client, member, api_key):
    User.objects.filter(pk=member.pk).update(is_active=False)
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(api_key[1]))
    assert response.status_code == 403
    assert response.json() == {"error": "User account is disabled"}


def test_user_of_another_organization(client, member):
    _, other_key = api_key_create(organization=Group.objects.create(name="other"))
    response = exchange(client, {"cuid": "ABCD1234"}, **with_key(other_key))
    assert response.status_code == 403
    assert response.json() == {"error": "User does not belong to this API key's organization"}


def test_the_exchange_is_throttled_like_the_login(client, member, api_key, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    statuses = [
        exchange(client, {"cuid": "ABCD1234"}, **with_key(api_key[1])).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_core_login_is_unchanged(client, member):
    member.set_password("pass-word-123")
    member.save()
    ok = client.post(
        "/api/token/",
        {"email": member.email, "password": "pass-word-123"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert list(ok.json()) == ["refresh", "access"]
    bad = client.post(
        "/api/token", {"email": member.email, "password": "no"}, content_type="application/json"
    )
    assert bad.status_code == 401
    assert bad.json() == {"detail": "No active account found with the given credentials"}
    missing = client.post("/api/token/", {}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json() == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }
    form = client.post("/api/token/", {"email": member.email, "password": "pass-word-123"})
    assert form.status_code == 200


def test_login_with_a_bearer_header_still_goes_to_core(client, member, api_key):
    member.set_password("pass-word-123")
    member.save()
    response = client.post(
        "/api/token/",
        {"email": member.email, "password": "pass-word-123"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer stale-token",
    )
    assert list(response.json()) == ["refresh", "access"]


def test_openapi_documents_both_token_shapes(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/token/"]["post"]
    shapes = operation["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    components = schema["components"]["schemas"]
    # Body shapes are components, which client generators turn into classes.
    properties = [
        set(components[shape["$ref"].rsplit("/", 1)[1]]["properties"]) for shape in shapes
    ]
    assert {"email", "password"} in properties
    assert {"cuid", "email"} in properties

    def refs(status):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        return [shape["$ref"].rsplit("/", 1)[1] for shape in schema["anyOf"]]

    assert refs("200") == ["TokenPairOut", "BatchTokenOut"]
    assert refs("401") == ["ErrorOut", "LegacyErrorOut"]
    assert operation["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LegacyErrorOut"
    }
    assert set(schema["components"]["schemas"]["BatchTokenOut"]["properties"]) == {
        "access_token",
        "expires_in",
    }


def test_odd_keys_and_emails_are_client_errors(client, api_key, organization):
    assert exchange(client, {"cuid": "ABCD1234"}, HTTP_X_API_KEY="abc\x00def").json() == {
        "error": "Invalid API Key"
    }
    response = client.post(
        "/api/token",
        '{"cuid": "WXYZ0001", "email": "a@b\\ud800.com"}',
        content_type="application/json",
        HTTP_X_API_KEY=api_key[1],
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}
    assert not BatchProfile.objects.exists()
