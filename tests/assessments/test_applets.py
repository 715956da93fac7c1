"""Spec §7 (#16, #21, #22): creating applets, the list and one applet."""

import uuid

import pytest

from modules.assessments.models import (
    Activity,
    ActivityFlowItem,
    ActivityHistory,
    ActivityItem,
    ActivityItemHistory,
    Applet,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    Subject,
    UserAppletAccess,
)
from tests.assessments.conftest import (
    activity,
    applet_body,
    call,
    create_applet,
    error,
    grant,
    single_select,
    text_item,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def roles(user, applet_id):
    return sorted(
        UserAppletAccess.objects.filter(
            user=user, applet_id=applet_id, is_deleted=False
        ).values_list("role", flat=True)
    )


def test_create_answers_the_applet_at_1_1_0_with_its_structure(client, owner):
    body = applet_body(
        activities=[activity("Daily", [single_select(), text_item()]), activity("Night")]
    )
    applet = create_applet(client, owner, body)
    stored = Applet.objects.get(pk=applet["id"])
    assert (stored.version, stored.owner, stored.creator) == ("1.1.0", owner, owner)
    assert applet["version"] == "1.1.0"
    assert applet["ownerId"] == str(owner.public_id)
    assert [a["name"] for a in applet["activities"]] == ["Daily", "Night"]
    assert [a["order"] for a in applet["activities"]] == [1, 2]
    daily = applet["activities"][0]
    assert [i["name"] for i in daily["items"]] == ["mood_1", "note"]
    assert {i["activityId"] for i in daily["items"]} == {daily["id"]}
    assert daily["items"][1]["responseValues"] is None
    (flow,) = applet["activityFlows"]
    assert flow["items"] == [
        {
            "id": flow["items"][0]["id"],
            "activityFlowId": flow["id"],
            "activityId": daily["id"],
            "order": 1,
        }
    ]
    assert Activity.objects.filter(applet=stored).count() == 2
    assert ActivityItem.objects.filter(activity__applet=stored).count() == 3
    assert ActivityFlowItem.objects.filter(activity_flow__applet=stored).count() == 1


def test_create_fills_defaults(client, owner):
    body = applet_body(
        activities=[{"key": str(uuid.uuid4()), "name": "Bare", "items": [single_select()]}],
        flows=[],
    )
    applet = create_applet(client, owner, body)
    bare = applet["activities"][0]
    assert (bare["autoAssign"], bare["isHidden"], bare["isReviewable"], bare["description"]) == (
        True,
        False,
        False,
        {},
    )
    assert (applet["themeId"], applet["reportRecipients"], applet["activityFlows"]) == (
        None,
        [],
        [],
    )
    item = bare["items"][0]
    assert (item["isHidden"], item["allowEdit"], item["conditionalLogic"]) == (False, False, None)


def test_create_writes_the_first_version_to_history(client, owner):
    applet = create_applet(client, owner)
    version = AppletHistory.objects.get(id=applet["id"])
    assert (version.id_version, version.version, version.user) == (
        f"{applet['id']}_1.1.0",
        "1.1.0",
        owner,
    )
    daily = applet["activities"][0]
    assert ActivityHistory.objects.get(applet=version).id_version == f"{daily['id']}_1.1.0"
    assert ActivityItemHistory.objects.get().id_version == f"{daily['items'][0]['id']}_1.1.0"
    assert FlowHistory.objects.get(applet=version).id == uuid.UUID(applet["activityFlows"][0]["id"])
    assert FlowItemHistory.objects.get().activity_id == f"{daily['id']}_1.1.0"


def test_the_owner_becomes_owner_and_respondent_with_a_team_subject(client, owner):
    applet = create_applet(client, owner)
    assert roles(owner, applet["id"]) == ["owner", "respondent"]
    subject = Subject.objects.get(applet_id=applet["id"], user=owner)
    assert (subject.tag, subject.nickname, subject.email) == (
        "Team",
        "Olivia Owner",
        "olivia@example.com",
    )
    uuid.UUID(subject.secret_user_id)
    meta = UserAppletAccess.objects.get(user=owner, role="respondent").meta
    assert meta == {"subjectId": str(subject.pk), "secretUserId": subject.secret_user_id}


@pytest.mark.parametrize(("held", "given"), [("manager", "manager"), ("editor", "editor")])
def test_an_editor_in_the_workspace_creates_applets_there(client, owner, held, given):
    first = create_applet(client, owner)
    member = make_user(first_name="Eddie", last_name="Editor")
    grant(member, first["id"], held)
    applet = create_applet(client, owner, applet_body(name="Sleep"), creator=member)
    assert applet["ownerId"] == str(owner.public_id)
    assert roles(owner, applet["id"]) == ["owner", "respondent"]
    assert roles(member, applet["id"]) == sorted([given, "respondent"])
    assert Subject.objects.get(applet_id=applet["id"], user=member).nickname == "Eddie Editor"
    assert Applet.objects.get(pk=applet["id"]).creator == member


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "respondent", None])
def test_others_may_not_create_in_a_workspace(client, owner, unchanged, role):
    first = create_applet(client, owner)
    member = make_user()
    if role:
        grant(member, first["id"], role)
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(name="Sleep"),
            user=member,
        )
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to create applet in current workspace.", "ACCESS_DENIED"),
    )


def test_a_name_taken_in_the_workspace_whatever_the_case_is_400(client, owner, unchanged):
    create_applet(client, owner, applet_body(name="Mood"))
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(name="MOOD"),
            user=owner,
        )
    assert (response.status_code, response.json()) == (
        400,
        error("Applet already exists.", "BAD_REQUEST"),
    )
    # Unique per workspace: another owner may use it.
    other = make_user()
    assert (
        call(
            client,
            "POST",
            f"/workspaces/{other.public_id}/applets",
            applet_body(name="Mood"),
            user=other,
        ).status_code
        == 201
    )


def test_a_name_is_free_again_once_its_applet_is_deleted(client, owner):
    applet = create_applet(client, owner)
    assert call(client, "DELETE", f"/applets/{applet['id']}", user=owner).status_code == 204
    assert (
        call(
            client, "POST", f"/workspaces/{owner.public_id}/applets", applet_body(), user=owner
        ).status_code
        == 201
    )


def test_create_without_encryption_keeps_it_out_of_the_list(client, owner):
    applet = create_applet(client, owner, applet_body(encryption=None))
    assert applet["encryption"] is None
    assert call(client, "GET", "/applets", user=owner).json() == {"result": [], "count": 0}


def test_the_list_shows_the_applet_fields_in_one_language(client, owner):
    applet = create_applet(client, owner, applet_body(about={"en": "About us"}))
    (listed,) = call(client, "GET", "/applets", user=owner).json()["result"]
    assert listed == {
        "id": applet["id"],
        "displayName": "Mood",
        "version": "1.1.0",
        "description": "Daily check",
        "about": "About us",
        "image": "",
        "watermark": "",
        "themeId": None,
        "encryption": applet["encryption"],
        "createdAt": applet["createdAt"],
        "updatedAt": applet["updatedAt"],
        "ownerId": str(owner.public_id),
        "reportServerIp": "",
        "reportPublicKey": "",
        "reportRecipients": [],
        "reportIncludeUserId": False,
        "reportIncludeCaseId": False,
        "reportEmailBody": "",
        "link": None,
        "requireLogin": None,
        "pinnedAt": None,
        "retentionPeriod": None,
        "retentionType": None,
        "streamEnabled": False,
        "streamIpAddress": None,
        "streamPort": None,
    }


def test_the_list_filters_by_roles(client, owner):
    applet = create_applet(client, owner)
    reviewer = make_user()
    grant(reviewer, applet["id"], "reviewer")
    assert call(client, "GET", "/applets?roles=reviewer", user=reviewer).json()["count"] == 1
    assert call(client, "GET", "/applets?roles=manager,editor", user=reviewer).json()["count"] == 0
    deleted = make_user()
    grant(deleted, applet["id"], "manager", is_deleted=True)
    assert call(client, "GET", "/applets", user=deleted).json()["count"] == 0


def test_one_applet_for_any_role_with_your_subject(client, owner):
    body = applet_body(
        activities=[
            activity(
                "Daily", isReviewable=True, description={"en": "Every day", "fr": "Chaque jour"}
            )
        ]
    )
    applet = create_applet(client, owner, body)
    response = call(
        client, "GET", f"/applets/{applet['id']}", user=owner, HTTP_CONTENT_LANGUAGE="fr-FR"
    )
    assert response.status_code == 200
    data = response.json()
    subject = Subject.objects.get(applet_id=applet["id"], user=owner)
    assert data["respondentMeta"] == {
        "subjectId": str(subject.pk),
        "secretUserId": subject.secret_user_id,
        "nickname": "Olivia Owner",
        "tag": "Team",
    }
    assert data["appletMeta"] == {"hasAssessment": True}
    result = data["result"]
    assert result["description"] == "Daily check"
    (daily,) = result["activities"]
    assert daily["description"] == "Chaque jour"
    assert "items" not in daily
    (flow,) = result["activityFlows"]
    assert flow == {
        "id": applet["activityFlows"][0]["id"],
        "name": "F1",
        "description": "",
        "order": 1,
        "activityIds": [daily["id"]],
        "isSingleReport": False,
        "hideBadge": False,
        "isHidden": False,
        "autoAssign": True,
    }
    reviewer = make_user()
    grant(reviewer, applet["id"], "reviewer")
    as_reviewer = call(client, "GET", f"/applets/{applet['id']}", user=reviewer).json()
    assert (as_reviewer["respondentMeta"], as_reviewer["result"]["id"]) == (None, applet["id"])


def test_one_applet_refuses_strangers_and_misses_deleted_ones(client, owner, stranger, unchanged):
    applet = create_applet(client, owner)
    with unchanged():
        denied = call(client, "GET", f"/applets/{applet['id']}", user=stranger)
    assert (denied.status_code, denied.json()) == (
        403,
        error("Access denied to applet.", "ACCESS_DENIED"),
    )
    Applet.objects.filter(pk=applet["id"]).update(is_deleted=True)
    missing = call(client, "GET", f"/applets/{applet['id']}", user=owner)
    assert (missing.status_code, missing.json()) == (
        404,
        error(f"No such applets with id={applet['id']}.", "NOT_FOUND"),
    )
