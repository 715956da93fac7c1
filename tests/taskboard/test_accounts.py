"""Registration, login and logout: the legacy bodies on core's users and bearer tokens."""

import pytest

from core.models import User
from tests.conftest import make_user
from tests.taskboard.conftest import send, snapshot

pytestmark = pytest.mark.django_db

STRONG = "secretpasswd951"


def register(client, **body):
    return send(client, "post", "/api/registration/", body)


def test_registration_creates_an_active_user_who_is_not_logged_in(client):
    response = register(client, username="Peter", email="pparker62@gmail.com", password=STRONG)

    user = User.objects.get(username="Peter")
    assert response.status_code == 201
    assert response.json() == {"Success. User ID": user.pk}
    assert user.email == "pparker62@gmail.com"
    assert user.is_active and not user.is_staff
    assert user.check_password(STRONG)
    assert user.last_login is None
    assert "Set-Cookie" not in response.headers


def test_registration_accepts_a_form_body(client):
    response = client.post(
        "/api/registration/", {"username": "mary", "email": "m@example.com", "password": STRONG}
    )

    assert response.status_code == 201
    assert User.objects.filter(username="mary", email="m@example.com").exists()


def test_registration_requires_every_field(client):
    before = snapshot()

    response = send(client, "post", "/api/registration/", {})

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "email": ["This field is required."],
        "password": ["This field is required."],
    }
    assert snapshot() == before


def test_registration_refuses_blank_and_null_fields(client):
    before = snapshot()

    response = register(client, username="  ", email=None, password="")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field may not be blank."],
        "email": ["This field may not be null."],
        "password": ["This field may not be blank."],
    }
    assert snapshot() == before


def test_registration_reports_taken_username_and_email_together(client):
    make_user(username="peter", email="Peter@Example.com")
    before = snapshot()

    response = register(client, username="peter", email="peter@example.COM", password=STRONG)

    assert response.status_code == 400
    assert response.json() == {
        "username": ["username already exist"],
        "email": ["email already exist"],
    }
    assert snapshot() == before


def test_registration_username_match_is_exact(client):
    make_user(username="peter", email="peter@example.com")

    response = register(client, username="Peter", email="other@example.com", password=STRONG)

    assert response.status_code == 201


def test_registration_runs_the_password_validators_with_username_and_email(client):
    before = snapshot()

    response = register(client, username="maryjane", email="mj@example.com", password="maryjane")

    assert response.status_code == 400
    assert response.json() == {
        "password": [
            "The password is too similar to the username.",
            "This password is too common.",
        ]
    }
    assert snapshot() == before


def test_registration_compares_the_password_with_the_new_email(client):
    response = register(
        client, username="pp", email="webslinger@example.com", password="webslinger"
    )

    assert response.status_code == 400
    assert response.json() == {"password": ["The password is too similar to the email address."]}


def test_registration_short_numeric_password(client):
    response = register(client, username="mary", email="m@example.com", password="1234")

    assert response.status_code == 400
    assert response.json() == {
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert not User.objects.exists()


def test_registration_refuses_bad_email_and_username(client):
    response = register(client, username="no spaces!", email="not-an-email", password=STRONG)

    assert response.status_code == 400
    assert response.json() == {
        "username": [
            "Enter a valid username. This value may contain only letters, numbers, "
            "and @/./+/-/_ characters."
        ],
        "email": ["Enter a valid email address."],
    }
    assert not User.objects.exists()


def test_registration_refuses_a_too_long_username(client):
    response = register(client, username="u" * 151, email="u@example.com", password=STRONG)

    assert response.status_code == 400
    assert response.json() == {"username": ["Ensure this field has no more than 150 characters."]}


def test_registration_malformed_json_is_a_400(client):
    response = client.post("/api/registration/", "{oops", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert not User.objects.exists()


def test_registration_is_throttled(client, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    for number in range(2):
        register(client, username=f"u{number}", email=f"u{number}@example.com", password=STRONG)

    response = register(client, username="u3", email="u3@example.com", password=STRONG)

    assert response.status_code == 429
    assert response.json() == {"detail": "Request was throttled."}
    assert not User.objects.filter(username="u3").exists()


def login(client, **body):
    return send(client, "post", "/api/login/", body)


@pytest.mark.parametrize("identifier", ["peter", "peter@example.com", "PETER@example.com"])
def test_login_by_username_or_email_answers_bearer_and_refresh(client, peter, identifier):
    response = login(client, username=identifier, password="peter-pass-1")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["Authorization", "refresh"]
    assert body["Authorization"].startswith("Bearer ")
    me = client.get("/api/tasks/", HTTP_AUTHORIZATION=body["Authorization"])
    assert me.status_code == 200


def test_login_tries_the_username_before_the_email(client):
    make_user(username="a@example.com", email="first@example.com", password="shared-pass-1")
    make_user(username="second", email="A@example.com", password="shared-pass-1")
    make_user(username="third", email="b@example.com", password="third-pass-1")

    def logged_in_as(identifier, password):
        token = login(client, username=identifier, password=password).json()["Authorization"]
        return client.get("/api/me/", HTTP_AUTHORIZATION=token).json()["email"]

    # Both accounts answer to "a@example.com" with this password: the username wins.
    assert logged_in_as("a@example.com", "shared-pass-1") == "first@example.com"
    # The email is still tried when the username's password does not fit.
    assert logged_in_as("B@EXAMPLE.COM", "third-pass-1") == "b@example.com"


@pytest.mark.parametrize(
    ("username", "password"),
    [("peter", "wrong-pass"), ("nobody", "peter-pass-1"), ("Peter", "peter-pass-1")],
)
def test_login_failure_is_the_legacy_400(client, peter, username, password):
    response = login(client, username=username, password=password)

    assert response.status_code == 400
    assert response.json() == {"error": "username or password invalid"}


@pytest.mark.parametrize(
    "identifier", ["x" * 60_000, "é" * 30_000 + "@example.com"], ids=["ascii", "accented-email"]
)
def test_login_with_an_identifier_longer_than_any_account_is_the_legacy_400(
    client, peter, identifier
):
    """SQLite refused the case-insensitive email lookup (LIKE pattern too long): a 500."""
    response = login(client, username=identifier, password="peter-pass-1")

    assert response.status_code == 400
    assert response.json() == {"error": "username or password invalid"}


def test_login_refuses_an_inactive_user(client):
    make_user(username="gone", email="gone@example.com", password="gone-pass-1", is_active=False)

    response = login(client, username="gone", password="gone-pass-1")

    assert response.status_code == 400
    assert response.json() == {"error": "username or password invalid"}


def test_login_missing_fields(client):
    response = send(client, "post", "/api/login/", {})

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_login_is_throttled(client, peter, settings):
    settings.AUTH_THROTTLE_RATE = "1/min"
    login(client, username="peter", password="wrong")

    response = login(client, username="peter", password="peter-pass-1")

    assert response.status_code == 429


def test_logout_revokes_the_refresh_token(client, peter):
    tokens = login(client, username="peter", password="peter-pass-1").json()

    response = send(client, "post", "/api/logout/", {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    assert response.json() == {"success": "Sucessfully logged out"}
    refreshed = send(client, "post", "/api/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401
    # The access token lives on until it expires.
    still = client.get("/api/tasks/", HTTP_AUTHORIZATION=tokens["Authorization"])
    assert still.status_code == 200


@pytest.mark.parametrize(
    "body", [None, {}, {"refresh": "garbage"}, {"refresh": None}, {"refresh": 5}]
)
def test_logout_always_succeeds(client, body):
    response = send(client, "post", "/api/logout/", body)

    assert response.status_code == 200
    assert response.json() == {"success": "Sucessfully logged out"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{", "application/json"),
        ("[1, 2]", "application/json"),
        (b"\xff\xfe", "application/json"),
        ("garbage", "text/plain"),
        ("--x\r\nnonsense", "multipart/form-data"),
    ],
    ids=["broken-json", "list", "not-utf8", "text", "broken-multipart"],
)
def test_logout_succeeds_whatever_the_body(client, peter, body, content_type):
    """Spec: always 200, even when the body cannot be read (it used to be a 400)."""
    tokens = login(client, username="peter", password="peter-pass-1").json()
    before = snapshot()

    response = client.post("/api/logout/", body, content_type=content_type)

    assert response.status_code == 200
    assert response.json() == {"success": "Sucessfully logged out"}
    assert snapshot() == before
    refreshed = send(client, "post", "/api/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200


def test_logout_revokes_a_token_sent_as_a_form(client, peter):
    tokens = login(client, username="peter", password="peter-pass-1").json()

    response = client.post("/api/logout/", {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    refreshed = send(client, "post", "/api/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401


def test_logout_with_a_token_that_is_not_ascii_succeeds(client, peter):
    """A lone surrogate made the JWT library raise UnicodeEncodeError: a 500."""
    tokens = login(client, username="peter", password="peter-pass-1").json()

    response = client.post(
        "/api/logout/", '{"refresh": "\\ud800"}', content_type="application/json"
    )
    accented = send(client, "post", "/api/logout/", {"refresh": tokens["refresh"] + "é"})

    assert (response.status_code, accented.status_code) == (200, 200)
    assert response.json() == {"success": "Sucessfully logged out"}
    refreshed = send(client, "post", "/api/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200


def test_logout_twice_is_fine(client, peter):
    tokens = login(client, username="peter", password="peter-pass-1").json()
    send(client, "post", "/api/logout/", {"refresh": tokens["refresh"]})

    response = send(client, "post", "/api/logout/", {"refresh": tokens["refresh"]})

    assert response.status_code == 200


def test_registration_lost_race_is_the_same_400(client, monkeypatch):
    """Both checks pass for two racers; the unique indexes stop the second."""
    from modules.taskboard import bodies

    make_user(username="peter", email="PETER@example.com")
    for name in ("_username_free", "_email_free"):
        check = getattr(bodies, name)
        calls = iter(range(100))

        def late(fields, value, check=check, calls=calls):
            # The first (pre-insert) check misses the rival; the re-check after the error sees it.
            if next(calls):
                check(fields, value)

        monkeypatch.setattr(bodies, name, late)
    before = snapshot()

    response = register(client, username="peter", email="peter@example.com", password=STRONG)

    assert response.status_code == 400
    assert response.json() == {
        "username": ["username already exist"],
        "email": ["email already exist"],
    }
    assert snapshot() == before
