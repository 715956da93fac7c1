"""#25-#27: versions, one version whole, and what it changed."""

import pytest

from modules.assessments.models import Applet
from tests.assessments.conftest import (
    activity,
    applet_body,
    call,
    create_applet,
    error,
    grant,
    update_body,
)
from tests.assessments.items import item
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def applet(client, owner):
    return create_applet(
        client, owner, applet_body(activities=[activity("Daily", [item("singleSelect", name="a")])])
    )


def test_versions_newest_first_with_their_creator(client, owner, applet):
    editor = make_user(first_name="Eddie", last_name="Editor")
    grant(editor, applet["id"], "editor")
    call(client, "PUT", f"/applets/{applet['id']}", update_body(applet), user=editor)
    response = call(client, "GET", f"/applets/{applet['id']}/versions", user=owner)
    body = response.json()
    assert body["count"] == 2
    assert [(v["version"], v["creator"]) for v in body["result"]] == [
        ("1.1.1", {"firstName": "Eddie", "lastName": "Editor"}),
        ("1.1.0", {"firstName": "Olivia", "lastName": "Owner"}),
    ]
    assert body["result"][1]["createdAt"] <= body["result"][0]["createdAt"]


def test_a_version_whole(client, owner, applet):
    updated = call(
        client,
        "PUT",
        f"/applets/{applet['id']}",
        update_body(applet, displayName="Mood 2"),
        user=owner,
    ).json()["result"]
    response = call(client, "GET", f"/applets/{applet['id']}/versions/1.1.0", user=owner)
    assert response.status_code == 200
    snapshot = response.json()["result"]
    assert (snapshot["displayName"], snapshot["version"], snapshot["idVersion"]) == (
        "Mood",
        "1.1.0",
        f"{applet['id']}_1.1.0",
    )
    assert snapshot["ownerId"] == str(owner.public_id)
    (daily,) = snapshot["activities"]
    daily_id = applet["activities"][0]["id"]
    assert (daily["id"], daily["idVersion"]) == (daily_id, f"{daily_id}_1.1.0")
    (a,) = daily["items"]
    assert (a["name"], a["idVersion"], a["activityId"]) == (
        "a",
        f"{a['id']}_1.1.0",
        f"{daily_id}_1.1.0",
    )
    (flow,) = snapshot["activityFlows"]
    assert flow["idVersion"] == f"{flow['id']}_1.1.0"
    (flow_item,) = flow["items"]
    assert (flow_item["order"], flow_item["activityId"]) == (1, f"{daily_id}_1.1.0")
    assert flow_item["activity"]["name"] == "Daily"
    assert updated["version"] == "1.1.1"
    latest = call(client, "GET", f"/applets/{applet['id']}/versions/1.1.1", user=owner).json()[
        "result"
    ]
    assert latest["displayName"] == "Mood 2"


def test_an_unknown_version_is_404(client, owner, applet):
    response = call(client, "GET", f"/applets/{applet['id']}/versions/9.9.9", user=owner)
    assert (response.status_code, response.json()) == (
        404,
        error("Applet version not found.", "NOT_FOUND"),
    )
    changes = call(client, "GET", f"/applets/{applet['id']}/versions/9.9.9/changes", user=owner)
    assert (changes.status_code, changes.json()) == (
        404,
        error("Applet version not found.", "NOT_FOUND"),
    )


def test_history_reads_need_a_role_and_a_live_applet(client, owner, applet, stranger):
    for path in ("versions", "versions/1.1.0", "versions/1.1.0/changes"):
        denied = call(client, "GET", f"/applets/{applet['id']}/{path}", user=stranger)
        assert (denied.status_code, denied.json()) == (
            403,
            error("Access denied to applet.", "ACCESS_DENIED"),
        )
    respondent = make_user()
    grant(respondent, applet["id"], "respondent")
    assert (
        call(client, "GET", f"/applets/{applet['id']}/versions", user=respondent).status_code == 200
    )
    Applet.objects.filter(pk=applet["id"]).update(is_deleted=True)
    gone = call(client, "GET", f"/applets/{applet['id']}/versions", user=owner)
    assert gone.json() == error(f"No such applets with id={applet['id']}.", "NOT_FOUND")


def test_the_first_version_lists_everything_as_added(client, owner, applet):
    response = call(client, "GET", f"/applets/{applet['id']}/versions/1.1.0/changes", user=owner)
    assert response.json() == {
        "result": {
            "displayName": "Mood",
            "changes": ["Mood was added"],
            "activities": [
                {
                    "name": "Daily",
                    "changes": ["Daily was added"],
                    "items": [{"name": "a", "changes": ["a was added"]}],
                }
            ],
            "activityFlows": [
                {
                    "name": "F1",
                    "changes": ["F1 was added"],
                    "items": [{"name": "Daily", "changes": ["Daily was added"]}],
                }
            ],
        }
    }


def test_changes_against_the_version_before(client, owner, applet):
    body = update_body(
        applet,
        displayName="Mood 2",
        description={},
        reportIncludeUserId=True,
        reportRecipients=["a@x.org", "b@x.org"],
    )
    body["activities"][0]["isHidden"] = True
    body["activities"][0]["description"] = {"en": "Every day", "fr": "Chaque jour"}
    body["activities"][0]["items"].append(item("text", name="b"))
    body["activities"].append(activity("Night", [item("date", name="when")]))
    body["activityFlows"][0]["items"].append({"activityKey": body["activities"][1]["key"]})
    call(client, "PUT", f"/applets/{applet['id']}", body, user=owner)
    changes = call(
        client, "GET", f"/applets/{applet['id']}/versions/2.0.0/changes", user=owner
    ).json()["result"]
    assert changes["displayName"] == "Mood 2"
    assert changes["changes"] == [
        "Display name was changed to Mood 2",
        "Description was cleared",
        "Report recipients was changed to a@x.org, b@x.org",
        "Report include user id was enabled",
    ]
    assert changes["activities"] == [
        {
            "name": "Daily",
            "changes": ["Description was changed to Every day", "Is hidden was enabled"],
            "items": [{"name": "b", "changes": ["b was added"]}],
        },
        {
            "name": "Night",
            "changes": ["Night was added"],
            "items": [{"name": "when", "changes": ["when was added"]}],
        },
    ]
    assert changes["activityFlows"] == [
        {"name": "F1", "changes": [], "items": [{"name": "Night", "changes": ["Night was added"]}]}
    ]


def test_removed_objects_and_unchanged_ones(client, owner, applet):
    body = update_body(applet)
    body["activities"][0]["items"] = [item("date", name="other")]
    body["activityFlows"] = []
    call(client, "PUT", f"/applets/{applet['id']}", body, user=owner)
    changes = call(
        client, "GET", f"/applets/{applet['id']}/versions/2.0.0/changes", user=owner
    ).json()["result"]
    assert changes["changes"] == []
    assert changes["activities"] == [
        {
            "name": "Daily",
            "changes": [],
            "items": [
                {"name": "other", "changes": ["other was added"]},
                {"name": "a", "changes": ["a was removed"]},
            ],
        }
    ]
    assert changes["activityFlows"] == [{"name": "F1", "changes": ["F1 was removed"], "items": []}]


def test_disabled_flags_read_as_disabled(client, owner, applet):
    body = update_body(applet)
    body["activities"][0]["isHidden"] = True
    first = call(client, "PUT", f"/applets/{applet['id']}", body, user=owner).json()["result"]
    body = update_body(first)
    body["activities"][0]["isHidden"] = False
    second = call(client, "PUT", f"/applets/{applet['id']}", body, user=owner).json()["result"]
    changes = call(
        client, "GET", f"/applets/{applet['id']}/versions/{second['version']}/changes", user=owner
    ).json()["result"]
    assert changes["activities"] == [
        {"name": "Daily", "changes": ["Is hidden was disabled"], "items": []}
    ]
