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


NEW_PASSWORD = "Wh1te-rabbit-hole"


def add_user(staff_client, **fields):
    data = {
        "email": "new@example.com",
        "username": "",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **fields,
    }
    return staff_client.post("/admin/core/user/add/", data)


@pytest.mark.parametrize("username", ["", "   "])
def test_admin_adds_users_without_a_username_as_null(staff_client, username):
    make_user(email="other@example.com", username=None)
    response = add_user(staff_client, username=username)
    assert response.status_code == 302
    created = User.objects.get(email="new@example.com")
    assert created.username is None
    assert created.check_password(NEW_PASSWORD)


def test_admin_add_still_normalizes_a_given_username(staff_client):
    assert add_user(staff_client, username="\uff50eter").status_code == 302
    assert User.objects.get(email="new@example.com").username == "peter"


def test_admin_add_refuses_an_email_differing_only_in_case(staff_client):
    make_user(email="ada@example.com")
    response = add_user(staff_client, email="ADA@example.com")
    assert response.status_code == 200
    assert "A user with that email already exists." in response.content.decode()
    assert (
        not User.objects.filter(email__iexact="ada@example.com")
        .exclude(email="ada@example.com")
        .exists()
    )


def test_admin_change_form_clears_a_username_to_null(staff_client):
    user = make_user(email="peter@example.com", username="peter", first_name="Peter")
    response = staff_client.post(
        f"/admin/core/user/{user.pk}/change/",
        {
            "email": "peter@example.com",
            "username": "",
            "first_name": "Peter",
            "last_name": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.username is None
    assert user.first_name == "Peter"
