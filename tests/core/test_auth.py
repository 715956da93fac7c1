import importlib.util
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from ninja_jwt.settings import api_settings
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import AccessToken, RefreshToken
from ninja_jwt.utils import aware_utcnow

from core.models import User
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

BAD_CREDENTIALS = {"detail": "No active account found with the given credentials"}


def obtain(client, email, password, **extra):
    return client.post(
        "/api/token/",
        {"email": email, "password": password},
        content_type="application/json",
        **extra,
    )


def test_obtain_pair_returns_refresh_then_access_and_email_is_case_insensitive(client):
    user = make_user(email="Ada@Example.com", password="s3cret-pass")
    response = obtain(client, "ada@EXAMPLE.com", "s3cret-pass")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["refresh", "access"]
    assert AccessToken(body["access"])["user_id"] == user.pk
    assert RefreshToken(body["refresh"])["user_id"] == user.pk
    user.refresh_from_db()
    assert user.last_seen_at is not None and user.last_login is not None


@pytest.mark.parametrize(
    ("email", "password", "active"),
    [("ada@example.com", "wrong", True), ("nobody@example.com", "s3cret-pass", True),
     ("ada@example.com", "s3cret-pass", False)],
)  # fmt: skip
def test_bad_credentials_are_401_and_issue_nothing(client, email, password, active):
    make_user(email="ada@example.com", password="s3cret-pass", is_active=active)
    response = obtain(client, email, password)
    assert response.status_code == 401
    assert response.json() == BAD_CREDENTIALS
    assert OutstandingToken.objects.count() == 0


def test_missing_fields_are_reported_together(client):
    user = make_user(email="ada@example.com", password="s3cret-pass")
    response = client.post("/api/token/", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }
    assert OutstandingToken.objects.count() == 0
    user.refresh_from_db()
    assert (user.last_login, user.last_seen_at) == (None, None)


def test_tokens_are_hs256_signed_with_the_jwt_signing_key_for_30_minutes_and_7_days(
    client, settings
):
    make_user(email="ada@example.com", password="s3cret-pass")
    before = int(time.time())
    pair = obtain(client, "ada@example.com", "s3cret-pass").json()
    after = int(time.time()) + 1
    for raw, kind, lifetime in [
        (pair["access"], "access", 30 * 60),
        (pair["refresh"], "refresh", 7 * 24 * 60 * 60),
    ]:
        assert jwt.get_unverified_header(raw) == {"alg": "HS256", "typ": "JWT"}
        claims = jwt.decode(raw, settings.JWT_SIGNING_KEY, algorithms=["HS256"])
        assert claims["token_type"] == kind
        assert before <= claims["iat"] <= after
        assert claims["exp"] - claims["iat"] == lifetime, kind


def _signed_access(user, key):
    now = int(time.time())
    claims = {
        "token_type": "access", "exp": now + 300, "iat": now, "jti": uuid.uuid4().hex,
        "user_id": user.pk,
    }  # fmt: skip
    return jwt.encode(claims, key, algorithm="HS256")


def test_a_token_signed_with_another_key_is_401(client, settings):
    user = make_user()
    ours = _signed_access(user, settings.JWT_SIGNING_KEY)
    theirs = _signed_access(user, "some-other-signing-key-0123456789-abcdefghij")
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {ours}").status_code == 200
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {theirs}")
    assert response.status_code == 401
    assert response.json() == {"detail": "Given token not valid for any token type"}


def _settings_from_env(monkeypatch, **env):
    """project/settings.py executed afresh (not the loaded module) under the given environment."""
    from project import settings as loaded

    for name in ("JWT_ACCESS_MINUTES", "JWT_REFRESH_DAYS", "JWT_SIGNING_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", loaded.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_token_lifetimes_and_key_come_from_the_environment(monkeypatch, settings):
    defaults = _settings_from_env(monkeypatch)
    assert defaults.NINJA_JWT["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=30)
    assert defaults.NINJA_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=7)
    assert defaults.NINJA_JWT["ALGORITHM"] == "HS256"
    assert defaults.NINJA_JWT["SIGNING_KEY"] == defaults.SECRET_KEY
    configured = _settings_from_env(
        monkeypatch, JWT_ACCESS_MINUTES="5", JWT_REFRESH_DAYS="2", JWT_SIGNING_KEY="k" * 40
    )
    assert configured.NINJA_JWT["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=5)
    assert configured.NINJA_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=2)
    assert configured.NINJA_JWT["SIGNING_KEY"] == configured.JWT_SIGNING_KEY == "k" * 40
    # And the running settings are what ninja-jwt actually signs with.
    assert api_settings.SIGNING_KEY == settings.JWT_SIGNING_KEY
    assert api_settings.ALGORITHM == "HS256"
    lifetimes = (api_settings.ACCESS_TOKEN_LIFETIME, api_settings.REFRESH_TOKEN_LIFETIME)
    assert lifetimes == (timedelta(minutes=30), timedelta(days=7))


def test_token_accepts_form_and_multipart_bodies(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    form = client.post(
        "/api/token/",
        "email=ada%40example.com&password=s3cret-pass",
        content_type="application/x-www-form-urlencoded",
    )
    multipart = client.post("/api/token/", {"email": "ada@example.com", "password": "s3cret-pass"})
    assert form.status_code == 200 and "access" in form.json()
    assert multipart.status_code == 200 and "access" in multipart.json()


def test_refresh_rotates_and_blacklists_the_used_token(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    first = obtain(client, "ada@example.com", "s3cret-pass").json()
    response = client.post(
        "/api/token/refresh/", {"refresh": first["refresh"]}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access", "refresh"]
    assert body["refresh"] != first["refresh"]
    assert (
        BlacklistedToken.objects.filter(
            token__jti=RefreshToken(body["refresh"], verify=False)["jti"]
        ).count()
        == 0
    )
    again = client.post(
        "/api/token/refresh/", {"refresh": first["refresh"]}, content_type="application/json"
    )
    assert again.status_code == 401
    assert "detail" in again.json()
    # The rotated token is itself usable and revocable.
    chained = client.post(
        "/api/token/refresh/", {"refresh": body["refresh"]}, content_type="application/json"
    )
    assert chained.status_code == 200


def test_refresh_for_deactivated_user_is_401(client):
    user = make_user(email="ada@example.com", password="s3cret-pass")
    pair = obtain(client, "ada@example.com", "s3cret-pass").json()
    User.objects.filter(pk=user.pk).update(is_active=False)
    seen = User.objects.values_list("last_login", "last_seen_at").get(pk=user.pk)
    response = client.post(
        "/api/token/refresh/", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "User is inactive or no longer exists."}
    # The used token is not spent: no rotation, no blacklisting, no "seen" update.
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [
        RefreshToken(pair["refresh"])["jti"]
    ]
    assert BlacklistedToken.objects.count() == 0
    assert User.objects.values_list("last_login", "last_seen_at").get(pk=user.pk) == seen


@pytest.mark.parametrize("token", ["garbage", "", "a.b.c"])
def test_refresh_with_garbage_is_401(client, token):
    user = make_user()
    response = client.post(
        "/api/token/refresh/", {"refresh": token}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}
    assert OutstandingToken.objects.count() == 0
    assert BlacklistedToken.objects.count() == 0
    user.refresh_from_db()
    assert (user.last_login, user.last_seen_at) == (None, None)


def test_verify(client):
    user = make_user()
    access = str(AccessToken.for_user(user))
    ok = client.post("/api/token/verify/", {"token": access}, content_type="application/json")
    bad = client.post(
        "/api/token/verify/", {"token": access + "x"}, content_type="application/json"
    )
    assert (ok.status_code, ok.json()) == (200, {})
    assert bad.status_code == 401


def test_blacklist_logs_out_a_refresh_token(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    pair = obtain(client, "ada@example.com", "s3cret-pass").json()
    out = client.post(
        "/api/token/blacklist/", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert (out.status_code, out.json()) == (200, {})
    refresh = client.post(
        "/api/token/refresh/", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    verify = client.post(
        "/api/token/verify/", {"token": pair["refresh"]}, content_type="application/json"
    )
    twice = client.post(
        "/api/token/blacklist/", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert refresh.status_code == 401
    assert verify.status_code == 401
    assert twice.status_code == 401


def test_protected_route_with_valid_token(client):
    user = make_user(email="ada@example.com", username="ada", first_name="Ada")
    response = client.get("/api/me/", **bearer(user))
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk, "public_id": str(user.public_id), "email": "ada@example.com",
        "username": "ada", "first_name": "Ada", "last_name": "", "is_staff": False,
    }  # fmt: skip


def _expired(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=5))
    return str(token)


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer garbage", "Given token not valid for any token type"),
        ("Token abc", "Given token not valid for any token type"),
        ("Bearer", "Given token not valid for any token type"),
        ("expired", "Given token not valid for any token type"),
        ("refresh", "Given token not valid for any token type"),
        ("inactive", "User is inactive or no longer exists."),
    ],
)
def test_bad_bearer_tokens_are_401_never_500(client, header, detail):
    user = make_user()
    if header == "expired":
        header = f"Bearer {_expired(user)}"
    elif header == "refresh":
        header = f"Bearer {RefreshToken.for_user(user)}"
    elif header == "inactive":
        header = bearer(user)["HTTP_AUTHORIZATION"]
        User.objects.filter(pk=user.pk).update(is_active=False)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/me/", **extra)
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_verified_token_is_still_refused_once_it_expires(client, monkeypatch):
    user = make_user()
    headers = bearer(user)
    assert client.get("/api/me/", **headers).status_code == 200
    assert client.get("/api/me/", **headers).status_code == 200  # the kept verification
    later = aware_utcnow() + timedelta(minutes=31)
    monkeypatch.setattr("core.auth.aware_utcnow", lambda: later)
    monkeypatch.setattr("ninja_jwt.tokens.aware_utcnow", lambda: later)
    response = client.get("/api/me/", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Given token not valid for any token type"}


def test_a_verified_token_stops_working_when_its_user_is_deactivated(client):
    user = make_user()
    headers = bearer(user)
    assert client.get("/api/me/", **headers).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/api/me/", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "User is inactive or no longer exists."}


def test_token_endpoints_are_throttled_per_address(client, settings):
    settings.AUTH_THROTTLE_RATE = "3/min"
    user = make_user(email="ada@example.com", password="s3cret-pass")
    statuses = [obtain(client, "ada@example.com", "nope").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    # Right credentials, but over the limit: refused before anything is issued or recorded.
    throttled = obtain(client, "ada@example.com", "s3cret-pass")
    assert throttled.status_code == 429
    assert throttled.json() == {"detail": "Request was throttled."}
    assert int(throttled["Retry-After"]) >= 1
    assert OutstandingToken.objects.count() == 0
    user.refresh_from_db()
    assert (user.last_login, user.last_seen_at) == (None, None)
    other = obtain(client, "ada@example.com", "s3cret-pass", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "answer"),
    [
        ("/api/token/refresh/", "refresh", ["access", "refresh"]),
        ("/api/token/verify/", "token", []),
        ("/api/token/blacklist/", "refresh", []),
    ],
)
def test_refresh_verify_and_blacklist_are_throttled_per_address(
    client, settings, path, field, answer
):
    settings.AUTH_THROTTLE_RATE = "2/min"
    user = make_user()
    valid = str(RefreshToken.for_user(user))

    def post(token, **extra):
        return client.post(path, {field: token}, content_type="application/json", **extra)

    assert [post("garbage").status_code for _ in range(2)] == [401, 401]
    # A good token over the limit: refused before it is rotated or revoked.
    throttled = post(valid)
    assert throttled.status_code == 429
    assert throttled.json() == {"detail": "Request was throttled."}
    assert int(throttled["Retry-After"]) >= 1
    assert OutstandingToken.objects.count() == 1
    assert BlacklistedToken.objects.count() == 0
    user.refresh_from_db()
    assert user.last_seen_at is None
    other = post(valid, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert list(other.json()) == answer


def test_bearer_reads_the_user_afresh_on_every_request(client):
    """The user query is compiled once, but a deactivated user is refused on the next request."""
    user = make_user()
    headers = bearer(user)
    assert client.get("/api/me/", **headers).status_code == 200
    assert client.get("/api/me/", **headers).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/api/me/", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "User is inactive or no longer exists."}


@pytest.mark.parametrize(("claim", "status"), [("text", 200), ("none", 401), ("missing", 401)])
def test_unusual_user_id_claims_keep_their_old_answers(client, claim, status):
    """Only integer ids take the compiled lookup; other claims are read by the ORM as before."""
    user = make_user()
    token = AccessToken.for_user(user)
    if claim == "text":
        token["user_id"] = str(user.pk)
    elif claim == "none":
        token["user_id"] = None
    else:
        del token["user_id"]
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == status
    if status == 401:
        assert response.json() == {"detail": "User is inactive or no longer exists."}


def test_a_spoofed_forwarded_for_header_does_not_escape_the_throttle(client, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    statuses = [
        obtain(client, "x@example.com", "nope", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
    assert not OutstandingToken.objects.exists()


def test_behind_one_proxy_the_throttle_keys_on_the_hop_the_proxy_added(client, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    settings.NUM_PROXIES = 1
    # The router appends the address it saw; anything before it is the client's own claim.
    spoofed = [
        obtain(client, "x@example.com", "nope", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7")
        for n in range(3)
    ]
    assert [response.status_code for response in spoofed] == [401, 401, 429]
    other_client = obtain(client, "x@example.com", "nope", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_client.status_code == 401


@pytest.mark.parametrize("key", ["not-a-key", "ak_" + "0" * 40])
def test_a_legacy_shaped_401_names_the_bearer_scheme_too(client, key):
    response = client.post(
        "/api/token",
        {"cuid": "ABCD1234"},
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API Key"}
    assert response["WWW-Authenticate"] == "Bearer"
    assert not OutstandingToken.objects.exists()
    assert not User.objects.exists()
