"""Spec §5 (#5-#9): registration, the account, deactivation and password changes."""

import pytest

from core.models import TokenBlacklist, User
from modules.assessments.models import Workspace
from tests.assessments.conftest import call, error
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

GOOD = "correct-Horse-battery-9"


def register(client, **changes):
    body = {
        "email": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "password": GOOD,
    }
    body.update(changes)
    return call(client, "POST", "/users", body)


def test_register_makes_an_account_and_its_workspace(client):
    response = register(client, email="Ada@Example.com")
    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {
        "result": {
            "email": "ada@example.com",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "id": str(user.public_id),
        }
    }
    assert user.check_password(GOOD) and user.is_active
    assert Workspace.objects.get(owner=user).name == "Ada Lovelace"
    # One account for every module: the main API logs it in.
    token = client.post(
        "/api/token/",
        {"email": "ada@example.com", "password": GOOD},
        content_type="application/json",
    )
    assert token.status_code == 200


@pytest.mark.parametrize("email", ["ada@example.com", "ADA@example.com"])
def test_an_email_of_any_platform_account_is_taken(client, unchanged, email):
    make_user(email="ada@example.com")
    with unchanged():
        response = register(client, email=email)
    assert response.status_code == 400
    assert response.json() == error(
        "That email address is already associated with a MindLogger account.", "BAD_REQUEST"
    )


def test_a_password_with_spaces_is_refused(client, unchanged):
    with unchanged():
        response = register(client, password="correct horse battery")
    assert (response.status_code, response.json()) == (
        400,
        error("Password should not contain blank spaces", "BAD_REQUEST"),
    )


def test_every_failing_platform_validator_is_one_entry(client, unchanged):
    with unchanged():
        response = register(client, password="1234")
    assert response.status_code == 400
    messages = [entry["message"] for entry in response.json()["result"]]
    assert messages == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert {entry["type"] for entry in response.json()["result"]} == {"BAD_REQUEST"}


def test_a_bad_email_or_an_empty_name_is_422(client, unchanged):
    with unchanged():
        response = register(client, email="nope", firstName="")
    assert response.status_code == 422
    assert [entry["path"] for entry in response.json()["result"]] == [
        ["body", "email"],
        ["body", "firstName"],
    ]
    assert {entry["type"] for entry in response.json()["result"]} == {"UNDEFINED"}


def test_registration_is_throttled(client, settings):
    settings.AUTH_THROTTLE_RATE = "1/min"
    assert register(client).status_code == 201
    assert register(client, email="b@example.com").status_code == 429


def test_me_is_the_public_user(client, owner):
    response = call(client, "GET", "/users/me", user=owner)
    assert response.json() == {
        "result": {
            "email": "olivia@example.com",
            "firstName": "Olivia",
            "lastName": "Owner",
            "id": str(owner.public_id),
        }
    }


def test_renaming_the_account_renames_a_workspace_nobody_renamed(client, owner):
    Workspace.objects.create(owner=owner, name="Olivia Owner")
    response = call(
        client, "PUT", "/users/me", {"firstName": "Liv", "lastName": "Owens"}, user=owner
    )
    assert response.status_code == 200
    assert response.json()["result"]["firstName"] == "Liv"
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name) == ("Liv", "Owens")
    assert Workspace.objects.get(owner=owner).name == "Liv Owens"
    Workspace.objects.filter(owner=owner).update(name="Clinic", is_modified=True)
    call(client, "PUT", "/users/me", {"firstName": "Olivia", "lastName": "Owner"}, user=owner)
    assert Workspace.objects.get(owner=owner).name == "Clinic"


def test_renaming_needs_both_names(client, owner, unchanged):
    with unchanged():
        response = call(client, "PUT", "/users/me", {"firstName": "Liv"}, user=owner)
    assert response.json() == error("Field required", "UNDEFINED", ["body", "lastName"])


def test_deleting_the_account_deactivates_it_and_revokes_the_token(client, owner):
    headers = bearer(owner)
    response = client.delete("/api/assessments/users/me", **headers)
    assert (response.status_code, response.content) == (204, b"")
    owner.refresh_from_db()
    assert owner.is_active is False
    assert TokenBlacklist.objects.filter(user=owner, token_type="access").exists()
    assert client.get("/api/assessments/users/me", **headers).status_code == 401
    login = call(client, "POST", "/auth/login", {"email": owner.email, "password": "pass-word-123"})
    assert login.json() == error("User is deleted.", "NOT_FOUND")


def change(client, user, password=GOOD, prev="pass-word-123"):
    return call(
        client, "PUT", "/users/me/password", {"password": password, "prevPassword": prev}, user=user
    )


def test_changing_the_password(client, owner):
    response = change(client, owner)
    assert response.status_code == 200
    assert response.json()["result"]["id"] == str(owner.public_id)
    owner.refresh_from_db()
    assert owner.check_password(GOOD)


@pytest.mark.parametrize(
    ("password", "prev", "messages"),
    [
        ("has a space", "wrong", ["Password should not contain blank spaces"]),
        (GOOD, "wrong", ["Old password is incorrect."]),
        (
            "12345678",
            "pass-word-123",
            ["This password is too common.", "This password is entirely numeric."],
        ),
    ],
)
def test_password_change_refusals_in_order(client, owner, unchanged, password, prev, messages):
    with unchanged():
        response = change(client, owner, password=password, prev=prev)
    assert response.status_code == 400
    assert [entry["message"] for entry in response.json()["result"]] == messages
