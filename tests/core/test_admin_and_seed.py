import pytest
from django.core.management import call_command

from core.models import OutboxEmail, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/core/user/", "/admin/core/outboxemail/", "/admin/core/user/add/"]
)
def test_admin_pages_render(staff_client, url):
    make_user(email="someone@example.com", username="someone")
    assert staff_client.get(url).status_code == 200


def test_admin_retry_action_requeues_failed_emails(staff_client):
    email = OutboxEmail.objects.create(
        to=["a@example.com"], subject="s", text="t", from_email="f@x", status="failed", attempts=4
    )
    response = staff_client.post(
        "/admin/core/outboxemail/", {"action": "retry", "_selected_action": [email.pk]}
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == "sent"
    assert email.attempts == 1


def test_user_emails_are_unique_case_insensitively():
    from django.db import IntegrityError, transaction

    make_user(email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ADA@example.com", password="x")


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == first
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.check_password("admin")


def test_seed_demo_makes_no_superuser_in_production(settings):
    settings.DEBUG = False
    call_command("seed_demo")
    assert not User.objects.filter(email="admin@example.com").exists()
