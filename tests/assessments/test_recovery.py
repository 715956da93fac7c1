"""Spec §5 (#10-#12): password recovery by single-use keys mailed through the outbox."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxEmail
from modules.assessments.models import PasswordRecovery
from tests.assessments.conftest import call, error
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NEW = "correct-Horse-battery-9"


@pytest.fixture
def ada():
    return make_user(email="ada@example.com", first_name="Ada")


def ask(client, email="ada@example.com", **headers):
    return call(client, "POST", "/users/me/password/recover", {"email": email}, **headers)


def link_of(email: OutboxEmail) -> tuple[str, dict[str, list[str]]]:
    (link,) = re.findall(r"https?://\S+", email.text)
    parsed = urlparse(link)
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path}", parse_qs(parsed.query)


def test_asking_mails_a_link_with_a_key(client, ada, settings):
    settings.ASSESSMENTS_PASSWORD_RECOVERY_URL = "https://web.example.org/password-recovery"
    response = ask(client, email="ADA@example.com")
    assert (response.status_code, response.content) == (201, b"")
    email = OutboxEmail.objects.get()
    assert (email.to, email.subject, email.status) == (
        ["ada@example.com"],
        "Password reset",
        "sent",
    )
    base, query = link_of(email)
    assert base == "https://web.example.org/password-recovery"
    assert query["email"] == ["ada@example.com"]
    recovery = PasswordRecovery.objects.get(user=ada)
    assert recovery.key_hash != query["key"][0]  # only its hash is kept
    assert recovery.expires_at - timezone.now() > timedelta(seconds=890)
    assert len(mail.outbox) == 1


def test_the_admin_client_gets_its_own_link(client, ada, settings):
    settings.ASSESSMENTS_ADMIN_PASSWORD_RECOVERY_URL = "https://admin.example.org/recover"
    ask(client, HTTP_MINDLOGGER_CONTENT_SOURCE="admin")
    base, _ = link_of(OutboxEmail.objects.get())
    assert base == "https://admin.example.org/recover"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, unchanged):
    with unchanged():
        response = ask(client, email="nobody@example.com")
    assert (response.status_code, response.content) == (201, b"")


def test_a_new_request_replaces_the_earlier_keys(client, ada):
    ask(client)
    first = link_of(OutboxEmail.objects.order_by("pk").first())[1]["key"][0]
    ask(client)
    assert PasswordRecovery.objects.filter(user=ada).count() == 1
    check = call(
        client, "GET", f"/users/me/password/recover/healthcheck?email=ada@example.com&key={first}"
    )
    assert check.status_code == 404


def _key(client):
    ask(client)
    return link_of(OutboxEmail.objects.order_by("-pk").first())[1]["key"][0]


def test_healthcheck_says_whether_the_link_works(client, ada):
    key = _key(client)
    good = call(
        client, "GET", f"/users/me/password/recover/healthcheck?email=ada@example.com&key={key}"
    )
    assert (good.status_code, good.content) == (200, b"null")
    bad = call(
        client, "GET", "/users/me/password/recover/healthcheck?email=ada@example.com&key=nope"
    )
    assert (bad.status_code, bad.json()) == (404, error("Invalid or Expired Link.", "NOT_FOUND"))


def approve(client, key, email="ada@example.com", password=NEW):
    return call(
        client,
        "POST",
        "/users/me/password/recover/approve",
        {"email": email, "key": key, "password": password},
    )


def test_approving_sets_the_password_and_uses_every_key(client, ada):
    key = _key(client)
    response = approve(client, key)
    assert response.status_code == 200
    assert response.json()["result"]["email"] == "ada@example.com"
    ada.refresh_from_db()
    assert ada.check_password(NEW)
    assert not PasswordRecovery.objects.filter(user=ada, used_at__isnull=True).exists()
    again = approve(client, key, password="another-Passw0rd-x")
    assert (again.status_code, again.json()) == (
        404,
        error("Password recovery key not found.", "NOT_FOUND"),
    )


@pytest.mark.parametrize("case", ["unknown", "expired", "other email"])
def test_a_key_that_does_not_work_is_404(client, ada, unchanged, case):
    make_user(email="eve@example.com")
    key = _key(client)
    if case == "expired":
        PasswordRecovery.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with unchanged():
        response = approve(
            client,
            "unknown" if case == "unknown" else key,
            email="eve@example.com" if case == "other email" else "ada@example.com",
        )
    assert (response.status_code, response.json()) == (
        404,
        error("Password recovery key not found.", "NOT_FOUND"),
    )


def test_the_new_password_meets_the_platform_rules(client, ada, unchanged):
    key = _key(client)
    with unchanged():
        response = approve(client, key, password="with space")
    assert (response.status_code, response.json()) == (
        400,
        error("Password should not contain blank spaces", "BAD_REQUEST"),
    )
