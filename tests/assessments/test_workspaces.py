"""Spec §6 (#13-#18): workspaces, their applets, your roles there and the team."""

import uuid

import pytest

from modules.assessments.models import Workspace
from tests.assessments.conftest import applet_body, call, create_applet, error, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_your_workspace_first_made_on_first_use_then_team_ones(client, owner):
    other = make_user(first_name="Omar", last_name="Other")
    theirs = create_applet(client, other)
    assert not Workspace.objects.filter(owner=owner).exists()
    grant(owner, theirs["id"], "editor")
    response = call(client, "GET", "/workspaces", user=owner)
    assert response.json() == {
        "result": [
            {
                "ownerId": str(owner.public_id),
                "workspaceName": "Olivia Owner",
                "useArbitrary": False,
            },
            {"ownerId": str(other.public_id), "workspaceName": "Omar Other", "useArbitrary": False},
        ],
        "count": 2,
    }
    assert Workspace.objects.filter(owner=owner).exists()


def test_respondents_and_deleted_accesses_make_no_member(client, owner):
    other = make_user()
    theirs = create_applet(client, other)
    grant(owner, theirs["id"], "respondent")
    grant(owner, theirs["id"], "manager", is_deleted=True)
    result = call(client, "GET", "/workspaces", user=owner).json()["result"]
    assert [each["ownerId"] for each in result] == [str(owner.public_id)]
    response = call(client, "GET", f"/workspaces/{other.public_id}", user=owner)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to workspace.", "ACCESS_DENIED"),
    )


def test_a_workspace_for_its_members(client, owner):
    response = call(client, "GET", f"/workspaces/{owner.public_id}", user=owner)
    assert response.json() == {"result": {"name": "Olivia Owner", "hasManagers": False}}
    applet = create_applet(client, owner)
    reviewer = make_user()
    grant(reviewer, applet["id"], "reviewer")
    as_reviewer = call(client, "GET", f"/workspaces/{owner.public_id}", user=reviewer)
    assert as_reviewer.json() == {"result": {"name": "Olivia Owner", "hasManagers": True}}


def test_a_stranger_is_refused_and_a_missing_workspace_is_404(client, owner, stranger, unchanged):
    create_applet(client, owner)
    lonely = make_user()
    with unchanged():
        denied = call(client, "GET", f"/workspaces/{owner.public_id}", user=stranger)
        missing = call(client, "GET", f"/workspaces/{uuid.uuid4()}", user=stranger)
        no_workspace = call(client, "GET", f"/workspaces/{lonely.public_id}", user=stranger)
    assert (denied.status_code, denied.json()) == (
        403,
        error("Access denied to workspace.", "ACCESS_DENIED"),
    )
    assert (missing.status_code, missing.json()) == (
        404,
        error("Workspace does not exist.", "NOT_FOUND"),
    )
    assert no_workspace.status_code == 404


def test_workspace_applets_with_your_highest_role(client, owner):
    mood = create_applet(client, owner, applet_body(name="Mood", description={"en": "Daily"}))
    sleep = create_applet(client, owner, applet_body(name="Sleep"))
    coordinator = make_user()
    grant(coordinator, mood["id"], "coordinator")
    grant(coordinator, mood["id"], "respondent")
    mine = call(client, "GET", f"/workspaces/{owner.public_id}/applets", user=owner).json()
    assert mine["count"] == 2
    assert [each["displayName"] for each in mine["result"]] == ["Sleep", "Mood"]
    first = mine["result"][1]
    assert first == {
        "id": mood["id"],
        "displayName": "Mood",
        "image": "",
        "isPinned": False,
        "encryption": mood["encryption"],
        "createdAt": mood["createdAt"],
        "updatedAt": mood["updatedAt"],
        "version": "1.1.0",
        "role": "owner",
        "type": "applet",
        "foldersAppletCount": 0,
        "description": {"en": "Daily"},
        "activityCount": 1,
    }
    theirs = call(client, "GET", f"/workspaces/{owner.public_id}/applets", user=coordinator).json()
    assert [(each["displayName"], each["role"]) for each in theirs["result"]] == [
        ("Mood", "coordinator")
    ]
    filtered = call(
        client,
        "GET",
        f"/workspaces/{owner.public_id}/applets?roles=respondent&folderId=x&flatList=true",
        user=coordinator,
    ).json()
    assert filtered["count"] == 1
    none = call(
        client, "GET", f"/workspaces/{owner.public_id}/applets?roles=editor", user=coordinator
    ).json()
    assert none == {"result": [], "count": 0}
    assert sleep["id"] not in [each["id"] for each in theirs["result"]]


def test_workspace_applets_refuse_strangers(client, owner, stranger):
    create_applet(client, owner)
    response = call(client, "GET", f"/workspaces/{owner.public_id}/applets", user=stranger)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to workspace.", "ACCESS_DENIED"),
    )


def test_your_roles_per_applet_highest_first(client, owner):
    mood = create_applet(client, owner, applet_body(name="Mood"))
    sleep = create_applet(client, owner, applet_body(name="Sleep"))
    everything = call(client, "GET", f"/workspaces/{owner.public_id}/roles", user=owner)
    assert everything.json() == {
        "result": {mood["id"]: ["owner", "respondent"], sleep["id"]: ["owner", "respondent"]}
    }
    editor = make_user()
    grant(editor, sleep["id"], "respondent")
    grant(editor, sleep["id"], "editor")
    one = call(
        client,
        "GET",
        f"/workspaces/{owner.public_id}/roles?appletIds={sleep['id']},{mood['id']}",
        user=editor,
    )
    assert one.json() == {"result": {sleep["id"]: ["editor", "respondent"]}}
    repeated = call(
        client,
        "GET",
        f"/workspaces/{owner.public_id}/roles?appletIds={mood['id']}&appletIds={sleep['id']}",
        user=owner,
    )
    assert set(repeated.json()["result"]) == {mood["id"], sleep["id"]}
    bad = call(client, "GET", f"/workspaces/{owner.public_id}/roles?appletIds=nope", user=owner)
    assert bad.status_code == 422
    assert bad.json()["result"][0]["path"] == ["query", "appletIds", 0]


def test_managers_lists_the_team_with_roles_per_applet(client, owner):
    mood = create_applet(client, owner, applet_body(name="Mood"))
    reviewer = make_user(email="rita@example.com", first_name="Rita", last_name="Reviewer")
    subject = str(uuid.uuid4())
    access = grant(reviewer, mood["id"], "reviewer", meta={"subjects": [subject]}, title="Nurse")
    grant(make_user(), mood["id"], "respondent")  # not team
    response = call(
        client, "GET", f"/workspaces/{owner.public_id}/managers?ordering=-email", user=owner
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [each["email"] for each in body["result"]] == ["rita@example.com", "olivia@example.com"]
    rita = body["result"][0]
    assert rita["roles"] == ["reviewer"]
    assert rita["applets"] == [
        {
            "id": mood["id"],
            "displayName": "Mood",
            "image": "",
            "encryption": mood["encryption"],
            "roles": [
                {"accessId": str(access.pk), "role": "reviewer", "reviewerSubjects": [subject]}
            ],
        }
    ]
    assert (rita["title"], rita["titles"], rita["status"], rita["invitationKey"]) == (
        "Nurse",
        ["Nurse"],
        "approved",
        None,
    )
    assert (rita["firstName"], rita["lastName"], rita["id"]) == (
        "Rita",
        "Reviewer",
        str(reviewer.public_id),
    )
    found = call(
        client, "GET", f"/workspaces/{owner.public_id}/managers?search=RITA", user=owner
    ).json()
    assert [each["email"] for each in found["result"]] == ["rita@example.com"]


@pytest.mark.parametrize("role", ["coordinator", "editor", "reviewer"])
def test_managers_is_for_owners_and_managers(client, owner, role):
    mood = create_applet(client, owner)
    member, manager = make_user(), make_user()
    grant(member, mood["id"], role)
    grant(manager, mood["id"], "manager")
    refused = call(client, "GET", f"/workspaces/{owner.public_id}/managers", user=member)
    assert (refused.status_code, refused.json()) == (
        403,
        error("Access denied to workspace.", "ACCESS_DENIED"),
    )
    assert (
        call(client, "GET", f"/workspaces/{owner.public_id}/managers", user=manager).status_code
        == 200
    )
