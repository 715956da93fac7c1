"""Password reset (spec careers.md §4.3, §9.10): a link mailed through the outbox, always the
same answer, and a confirmation that ends every session."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from ninja_jwt.tokens import RefreshToken

from core.auth import token_pair_for
from core.models import OutboxEmail, User
from tests.careers.conftest import V1, careers_state
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

RESET = f"{V1}/user/reset_password/"
CONFIRM = f"{V1}/user/reset_password/confirm/"
LINK = re.compile(r"http://localhost:8000/reset-password/(?P<uid>[\w-]+)/(?P<token>[\w-]+)/")


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, content_type="application/json", **extra)


def test_a_known_email_gets_a_link_through_the_outbox(client):
    user = make_user(email="alan@example.com")
    response = ask(client, "ALAN@example.com")
    assert response.status_code == 200
    assert response.json() == {"email": "ALAN@example.com"}
    email = OutboxEmail.objects.get()
    assert email.to == ["alan@example.com"]
    assert email.subject == "Reset your password"
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    found = LINK.search(email.text)
    assert found, email.text
    assert found["uid"] == urlsafe_base64_encode(force_bytes(user.pk))
    assert default_token_generator.check_token(user, found["token"])


def test_the_link_follows_the_reset_password_url_setting(client, settings):
    settings.RESET_PASSWORD_URL = "https://app.example.com/reset?u={uid}&t={token}"
    user = make_user(email="alan@example.com")
    ask(client, "alan@example.com")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert f"https://app.example.com/reset?u={uid}&t=" in OutboxEmail.objects.get().text


@pytest.mark.parametrize("active", [True, False])
def test_no_account_or_an_inactive_one_answers_the_same_and_sends_nothing(client, active):
    make_user(email="gone@example.com", is_active=False)
    before = careers_state()
    email = "nobody@example.com" if active else "gone@example.com"
    response = ask(client, email)
    assert response.status_code == 200
    assert response.json() == {"email": email}
    assert careers_state() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"email": ["This field is required."]}),
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"email": ""}, {"email": ["This field may not be blank."]}),
    ],
)
def test_a_missing_or_malformed_email_is_400(client, body, errors):
    before = careers_state()
    response = client.post(RESET, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == errors
    assert careers_state() == before


def test_reset_requests_are_throttled_with_core_auth_rate(client, settings):
    settings.AUTH_THROTTLE_RATE = "2/min"
    make_user(email="alan@example.com")
    assert [ask(client, "alan@example.com").status_code for _ in range(2)] == [200, 200]
    before = careers_state()
    refused = ask(client, "alan@example.com")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Request was throttled."}
    assert careers_state() == before


def _link(user):
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def confirm(client, **body):
    return client.post(CONFIRM, body, content_type="application/json")


def test_confirming_sets_the_password_and_ends_every_session(client):
    user = make_user(email="alan@example.com", password="old-pass-word")
    sessions = [token_pair_for(user)["refresh"] for _ in range(2)]
    user.refresh_from_db()  # logging in moved last_login, which the link's token covers
    uid, token = _link(user)
    response = confirm(client, uid=uid, token=token, password="brand-new-horse-7")
    assert response.status_code == 200
    assert response.json() == {"detail": "Password has been reset."}
    user.refresh_from_db()
    assert user.check_password("brand-new-horse-7")
    for refresh in sessions:
        rotated = client.post(
            "/api/token/refresh/", {"refresh": refresh}, content_type="application/json"
        )
        assert rotated.status_code == 401
    login = client.post(
        "/api/token/",
        {"email": "alan@example.com", "password": "brand-new-horse-7"},
        content_type="application/json",
    )
    assert login.status_code == 200
    RefreshToken(login.json()["refresh"])  # a session opened afterwards works


def test_a_used_link_is_refused(client):
    user = make_user(email="alan@example.com")
    uid, token = _link(user)
    assert confirm(client, uid=uid, token=token, password="brand-new-horse-7").status_code == 200
    response = confirm(client, uid=uid, token=token, password="another-horse-8")
    assert response.status_code == 400
    assert response.json() == {"token": ["Invalid or expired token."]}
    assert User.objects.get(pk=user.pk).check_password("brand-new-horse-7")


@pytest.mark.parametrize(
    "link",
    [
        lambda user, uid, token: (uid, token[:-1] + ("a" if token[-1] != "a" else "b")),
        lambda user, uid, token: (urlsafe_base64_encode(b"999999"), token),
        lambda user, uid, token: ("!!!", token),
        lambda user, uid, token: (urlsafe_base64_encode(b"9" * 40), token),
    ],
    ids=["forged-token", "unknown-user", "garbage-uid", "huge-uid"],
)
def test_a_bad_link_is_400_on_token_and_changes_nothing(client, link):
    user = make_user(email="alan@example.com", password="old-pass-word")
    uid, token = link(user, *_link(user))
    before = careers_state()
    response = confirm(client, uid=uid, token=token, password="brand-new-horse-7")
    assert response.status_code == 400
    assert response.json() == {"token": ["Invalid or expired token."]}
    assert careers_state() == before


def test_a_weak_password_is_400_with_the_validators_messages(client):
    user = make_user(email="alan@example.com", password="old-pass-word")
    uid, token = _link(user)
    before = careers_state()
    response = confirm(client, uid=uid, token=token, password="1234")
    assert response.status_code == 400
    assert response.json() == {
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert careers_state() == before


def test_every_field_is_required(client):
    response = confirm(client)
    assert response.status_code == 400
    required = ["This field is required."]
    assert response.json() == {"uid": required, "token": required, "password": required}


def test_a_bad_link_and_a_weak_password_are_reported_together(client):
    response = confirm(client, uid="MQ", token="nope", password="1234")
    assert response.status_code == 400
    assert set(response.json()) == {"token", "password"}


def test_confirmations_are_throttled(client, settings):
    settings.AUTH_THROTTLE_RATE = "1/min"
    assert confirm(client).status_code == 400
    response = confirm(client)
    assert response.status_code == 429
    assert response.json() == {"detail": "Request was throttled."}
