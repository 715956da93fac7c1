"""#24, #28, #29: deleting, duplicating and setting an applet's encryption."""

import uuid

import pytest

from modules.assessments.models import (
    Activity,
    ActivityItem,
    Applet,
    AppletHistory,
    Invitation,
    Subject,
    UserAppletAccess,
)
from tests.assessments.conftest import ENCRYPTION, applet_body, call, create_applet, error, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def applet(client, owner):
    return create_applet(
        client,
        owner,
        applet_body(reportServerIp="https://reports.example.org", reportRecipients=["r@x.org"]),
    )


def test_delete_soft_deletes_the_applet_its_accesses_and_subjects(client, owner, applet):
    respondent = make_user()
    grant(respondent, applet["id"], "respondent")
    pending = Invitation.objects.create(
        applet_id=applet["id"], email="p@x.org", email_hash="p", role="respondent"
    )
    done = Invitation.objects.create(
        applet_id=applet["id"],
        email="d@x.org",
        email_hash="d",
        role="respondent",
        status="approved",
    )
    response = call(client, "DELETE", f"/applets/{applet['id']}", user=owner)
    assert (response.status_code, response.content) == (204, b"")
    assert Applet.objects.get(pk=applet["id"]).is_deleted
    assert not UserAppletAccess.objects.filter(applet_id=applet["id"], is_deleted=False).exists()
    assert not Subject.objects.filter(applet_id=applet["id"], is_deleted=False).exists()
    assert list(Invitation.objects.values_list("pk", flat=True)) == [done.pk]
    assert not Invitation.objects.filter(pk=pending.pk).exists()
    assert AppletHistory.objects.filter(id=applet["id"]).exists()
    again = call(client, "DELETE", f"/applets/{applet['id']}", user=owner)
    assert (again.status_code, again.json()) == (
        404,
        error(f"No such applets with id={applet['id']}.", "NOT_FOUND"),
    )
    assert call(client, "GET", "/applets", user=respondent).json()["count"] == 0


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "respondent", None])
def test_only_editors_delete(client, owner, applet, unchanged, role):
    member = make_user()
    if role:
        grant(member, applet["id"], role)
    with unchanged():
        response = call(client, "DELETE", f"/applets/{applet['id']}", user=member)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to delete applet in current workspace.", "ACCESS_DENIED"),
    )


def duplicate(client, user, applet, **changes):
    body = {"displayName": "Mood copy", "encryption": {**ENCRYPTION, "publicKey": "[9]"}, **changes}
    return call(client, "POST", f"/applets/{applet['id']}/duplicate", body, user=user)


def test_duplicate_copies_the_structure_under_new_ids(client, owner, applet):
    response = duplicate(client, owner, applet)
    assert response.status_code == 201
    copy = response.json()["result"]
    assert (copy["displayName"], copy["version"], copy["ownerId"]) == (
        "Mood copy",
        "1.1.0",
        str(owner.public_id),
    )
    assert copy["id"] != applet["id"]
    assert copy["encryption"]["publicKey"] == "[9]"
    assert (copy["reportServerIp"], copy["reportRecipients"]) == ("", [])
    old_ids = {a["id"] for a in applet["activities"]} | {
        i["id"] for a in applet["activities"] for i in a["items"]
    }
    new_ids = {a["id"] for a in copy["activities"]} | {
        i["id"] for a in copy["activities"] for i in a["items"]
    }
    assert not old_ids & new_ids
    assert [a["name"] for a in copy["activities"]] == [a["name"] for a in applet["activities"]]
    assert (
        copy["activities"][0]["items"][0]["config"] == applet["activities"][0]["items"][0]["config"]
    )
    (flow,) = copy["activityFlows"]
    assert flow["items"][0]["activityId"] == copy["activities"][0]["id"]
    assert AppletHistory.objects.get(id=copy["id"]).version == "1.1.0"
    assert sorted(
        UserAppletAccess.objects.filter(applet_id=copy["id"]).values_list("role", flat=True)
    ) == ["owner", "respondent"]
    assert Activity.objects.filter(applet_id=applet["id"]).count() == 1  # the source is untouched
    assert ActivityItem.objects.count() == 2


def test_duplicate_keeps_the_report_server_when_asked(client, owner, applet):
    copy = duplicate(client, owner, applet, includeReportServer=True).json()["result"]
    assert (copy["reportServerIp"], copy["reportRecipients"]) == (
        "https://reports.example.org",
        ["r@x.org"],
    )


def test_an_editor_duplicates_into_the_owners_workspace(client, owner, applet):
    editor = make_user()
    grant(editor, applet["id"], "editor")
    copy = duplicate(client, editor, applet).json()["result"]
    assert copy["ownerId"] == str(owner.public_id)
    assert sorted(
        UserAppletAccess.objects.filter(applet_id=copy["id"], user=editor).values_list(
            "role", flat=True
        )
    ) == ["editor", "respondent"]


def test_duplicate_names_are_unique_in_the_workspace(client, owner, applet, unchanged):
    with unchanged():
        response = duplicate(client, owner, applet, displayName="MOOD")
    assert (response.status_code, response.json()) == (
        400,
        error("Applet already exists.", "BAD_REQUEST"),
    )


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "respondent", None])
def test_only_editors_duplicate(client, owner, applet, unchanged, role):
    member = make_user()
    if role:
        grant(member, applet["id"], role)
    with unchanged():
        response = duplicate(client, member, applet)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to duplicate applet in current workspace.", "ACCESS_DENIED"),
    )


def test_encryption_is_set_once_without_a_new_version(client, owner):
    applet = create_applet(client, owner, applet_body(encryption=None))
    body = {"publicKey": "[1]", "prime": "[7]", "base": "[2]", "accountId": str(uuid.UUID(int=5))}
    response = call(client, "POST", f"/applets/{applet['id']}/encryption", body, user=owner)
    assert (response.status_code, response.json()) == (200, {"result": body})
    stored = Applet.objects.get(pk=applet["id"])
    assert (stored.encryption, stored.version) == (body, "1.1.0")
    assert AppletHistory.objects.filter(id=applet["id"]).count() == 1
    again = call(
        client,
        "POST",
        f"/applets/{applet['id']}/encryption",
        {**body, "publicKey": "[2]"},
        user=owner,
    )
    assert (again.status_code, again.json()) == (
        403,
        error("Access denied to update encryption.", "ACCESS_DENIED"),
    )
    assert Applet.objects.get(pk=applet["id"]).encryption == body


def test_encryption_is_for_editors(client, owner, unchanged):
    applet = create_applet(client, owner, applet_body(encryption=None))
    reviewer = make_user()
    grant(reviewer, applet["id"], "reviewer")
    body = {"publicKey": "[1]", "prime": "[7]", "base": "[2]", "accountId": str(uuid.UUID(int=5))}
    with unchanged():
        response = call(client, "POST", f"/applets/{applet['id']}/encryption", body, user=reviewer)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to edit applet in current workspace.", "ACCESS_DENIED"),
    )


def test_delete_removes_the_applets_answers_and_only_those(client, owner):
    from modules.assessments.models import Answer, AnswerAlert, AnswerItem
    from tests.assessments.answering import answer_body, make_world, submit

    doomed = make_world(client, owner, name="Doomed")
    kept = make_world(client, owner, name="Kept")
    alerts = [{"activityItemId": doomed.activity(0)["items"][0]["id"], "message": "High risk"}]
    for world, extra in ((doomed, {"alerts": alerts}), (kept, {})):
        response = submit(client, answer_body(world, **extra), world.respondent)
        assert response.status_code == 201, response.content
    kept_ids = set(Answer.objects.filter(applet_id=kept.id).values_list("pk", flat=True))
    assert AnswerAlert.objects.count() == 1

    response = call(client, "DELETE", f"/applets/{doomed.id}", user=owner)

    assert (response.status_code, response.content) == (204, b"")
    assert set(Answer.objects.values_list("pk", flat=True)) == kept_ids
    assert set(AnswerItem.objects.values_list("answer_row_id", flat=True)) == kept_ids
    assert AnswerAlert.objects.count() == 0
