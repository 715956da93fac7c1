"""Spec §6 (#19, #20): an applet's respondents, and taking team roles away."""

import uuid

import pytest

from modules.assessments.models import Invitation, Subject, UserAppletAccess
from tests.assessments.conftest import applet_body, call, create_applet, error, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def respondents_url(owner, applet, query=""):
    return f"/workspaces/{owner.public_id}/applets/{applet['id']}/respondents{query}"


@pytest.fixture
def mood(client, owner):
    return create_applet(client, owner)


def limited(applet, secret, **fields):
    return Subject.objects.create(
        applet_id=applet["id"], secret_user_id=secret, nickname=f"nick {secret}", **fields
    )


def test_respondents_are_accounts_and_limited_subjects(client, owner, mood):
    respondent = make_user(email="rhea@example.com")
    access = grant(respondent, mood["id"], "respondent")
    subject = Subject.objects.get(pk=access.meta["subjectId"])
    shell = limited(mood, "S-1", first_name="Lim", last_name="Ited", tag="Child")
    invited = limited(mood, "S-2")
    invitation = Invitation.objects.create(
        applet_id=mood["id"],
        email="s2@example.com",
        email_hash="h",
        role="respondent",
        subject=invited,
    )
    response = call(client, "GET", respondents_url(owner, mood, "?ordering=createdAt"), user=owner)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4  # the owner's own subject too
    rows = {tuple(row["secretIds"]): row for row in body["result"]}
    row = rows[(subject.secret_user_id,)]
    assert (row["id"], row["status"], row["email"], row["subjects"]) == (
        str(respondent.public_id),
        "invited",
        "rhea@example.com",
        [str(subject.pk)],
    )
    assert row["details"][0]["accessId"] == str(access.pk)
    assert row["details"][0]["appletDisplayName"] == "Mood"
    shell_row = rows[("S-1",)]
    assert (shell_row["id"], shell_row["status"], shell_row["nicknames"]) == (
        None,
        "not_invited",
        ["nick S-1"],
    )
    assert shell_row["details"][0] | {"subjectCreatedAt": None, "encryption": None} == {
        "appletId": mood["id"],
        "appletDisplayName": "Mood",
        "appletImage": "",
        "accessId": None,
        "respondentNickname": "nick S-1",
        "respondentSecretId": "S-1",
        "hasIndividualSchedule": False,
        "encryption": None,
        "subjectId": str(shell.pk),
        "subjectTag": "Child",
        "subjectFirstName": "Lim",
        "subjectLastName": "Ited",
        "subjectCreatedAt": None,
        "invitation": None,
    }
    pending = rows[("S-2",)]
    assert pending["status"] == "pending"
    assert pending["details"][0]["invitation"]["key"] == str(invitation.key)


def test_respondent_filters(client, owner, mood):
    respondent = make_user()
    grant(respondent, mood["id"], "respondent")
    limited(mood, "S-1")
    shells = call(client, "GET", respondents_url(owner, mood, "?shell=true"), user=owner).json()
    assert [row["secretIds"] for row in shells["result"]] == [["S-1"]]
    by_user = call(
        client, "GET", respondents_url(owner, mood, f"?userId={respondent.public_id}"), user=owner
    ).json()
    assert [row["id"] for row in by_user["result"]] == [str(respondent.public_id)]
    by_secret = call(
        client, "GET", respondents_url(owner, mood, "?respondentSecretId=S-1"), user=owner
    ).json()
    assert by_secret["count"] == 1
    searched = call(client, "GET", respondents_url(owner, mood, "?search=nick"), user=owner).json()
    assert searched["count"] == 1
    owners = call(client, "GET", respondents_url(owner, mood, "?role=owner"), user=owner).json()
    assert [row["id"] for row in owners["result"]] == [str(owner.public_id)]


def test_a_reviewer_sees_only_its_subjects(client, owner, mood):
    mine, other = limited(mood, "MINE"), limited(mood, "OTHER")
    reviewer = make_user()
    grant(reviewer, mood["id"], "reviewer", meta={"subjects": [str(mine.pk), "not-a-uuid"]})
    response = call(client, "GET", respondents_url(owner, mood), user=reviewer).json()
    assert [row["secretIds"] for row in response["result"]] == [["MINE"]]
    assert str(other.pk) not in str(response)


@pytest.mark.parametrize("role", ["editor", "respondent", None])
def test_respondents_are_refused_to_others(client, owner, mood, unchanged, role):
    caller = make_user()
    if role:
        grant(caller, mood["id"], role)
    with unchanged():
        response = call(client, "GET", respondents_url(owner, mood), user=caller)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to applet.", "ACCESS_DENIED"),
    )


def test_respondents_of_an_applet_elsewhere_is_404(client, owner, mood):
    other = make_user()
    create_applet(client, other)
    response = call(client, "GET", respondents_url(other, mood), user=owner)
    assert (response.status_code, response.json()) == (
        404,
        error(f"No such applets with id={mood['id']}.", "NOT_FOUND"),
    )


def remove(client, actor, user, applets):
    body = {"userId": str(user.public_id), "appletIds": [a["id"] for a in applets]}
    return call(client, "DELETE", "/workspaces/managers/removeAccess", body, user=actor)


def live_roles(user, applet):
    return set(
        UserAppletAccess.objects.filter(
            user=user, applet_id=applet["id"], is_deleted=False
        ).values_list("role", flat=True)
    )


def test_an_owner_removes_manager_and_below_and_their_pending_team_invitations(client, owner, mood):
    sleep = create_applet(client, owner, applet_body(name="Sleep"))
    member = make_user(email="mia@example.com")
    for role in ("manager", "editor", "respondent"):
        grant(member, mood["id"], role)
    grant(member, sleep["id"], "reviewer")
    Invitation.objects.create(
        applet_id=mood["id"], email="mia@example.com", email_hash="a", role="coordinator"
    )
    Invitation.objects.create(
        applet_id=sleep["id"], email="other@example.com", email_hash="b", role="manager"
    )
    response = remove(client, owner, member, [mood, sleep])
    assert (response.status_code, response.content) == (200, b"null")
    assert live_roles(member, mood) == {"respondent"}
    assert live_roles(member, sleep) == set()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["other@example.com"]


def test_a_manager_removes_coordinator_editor_and_reviewer_only(client, owner, mood, unchanged):
    manager, member, other_manager = make_user(), make_user(), make_user()
    grant(manager, mood["id"], "manager")
    grant(member, mood["id"], "editor")
    grant(other_manager, mood["id"], "manager")
    assert remove(client, manager, member, [mood]).status_code == 200
    assert live_roles(member, mood) == set()
    with unchanged():
        response = remove(client, manager, other_manager, [mood])
    assert (response.status_code, response.json()) == (
        403,
        error(f"User is not related to applets {mood['id']}", "ACCESS_DENIED"),
    )


def test_removing_your_own_access_is_refused(client, owner, mood, unchanged):
    with unchanged():
        response = remove(client, owner, owner, [mood])
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to remove own permission.", "ACCESS_DENIED"),
    )


def test_an_owner_of_some_applets_only_is_refused(client, owner, mood, unchanged):
    other = make_user()
    theirs = create_applet(client, other)
    member = make_user()
    grant(member, mood["id"], "editor")
    grant(member, theirs["id"], "editor")
    with unchanged():
        response = remove(client, owner, member, [mood, theirs])
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to applet.", "ACCESS_DENIED"),
    )


def test_a_missing_applet_is_404(client, owner, mood):
    member = make_user()
    ghost = {"id": str(uuid.uuid4())}
    response = remove(client, owner, member, [mood, ghost])
    assert (response.status_code, response.json()) == (
        404,
        error(f"No such applets with id={ghost['id']}.", "NOT_FOUND"),
    )
