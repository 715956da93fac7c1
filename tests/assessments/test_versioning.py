"""Spec §10 and #23, #25-#27: every PUT bumps the version, keeps ids and records it whole."""

import uuid

import pytest

from modules.assessments.models import (
    Activity,
    ActivityHistory,
    ActivityItem,
    ActivityItemHistory,
    Applet,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
)
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
    body = applet_body(
        activities=[
            activity("Daily", [item("singleSelect", name="a"), item("text", name="b")]),
            activity("Night"),
        ]
    )
    return create_applet(client, owner, body)


def put(client, user, applet_id, body):
    return call(client, "PUT", f"/applets/{applet_id}", body, user=user)


def test_an_unchanged_put_bumps_the_patch_and_keeps_every_id(client, owner, applet):
    response = put(client, owner, applet["id"], update_body(applet))
    assert response.status_code == 200
    updated = response.json()["result"]
    assert updated["version"] == "1.1.1"
    assert [a["id"] for a in updated["activities"]] == [a["id"] for a in applet["activities"]]
    assert [i["id"] for i in updated["activities"][0]["items"]] == [
        i["id"] for i in applet["activities"][0]["items"]
    ]
    assert [f["id"] for f in updated["activityFlows"]] == [f["id"] for f in applet["activityFlows"]]
    assert (
        updated["activityFlows"][0]["items"][0]["id"]
        == applet["activityFlows"][0]["items"][0]["id"]
    )
    assert Applet.objects.get(pk=applet["id"]).version == "1.1.1"


def test_a_new_item_bumps_the_minor(client, owner, applet):
    body = update_body(applet)
    body["activities"][0]["items"].append(item("date", name="c"))
    updated = put(client, owner, applet["id"], body).json()["result"]
    assert updated["version"] == "1.2.0"
    assert [i["name"] for i in updated["activities"][0]["items"]] == ["a", "b", "c"]
    assert [i["order"] for i in updated["activities"][0]["items"]] == [1, 2, 3]
    removed = update_body(updated)
    removed["activities"][0]["items"].pop(0)
    assert put(client, owner, applet["id"], removed).json()["result"]["version"] == "1.3.0"


@pytest.mark.parametrize("change", ["new activity", "removed activity", "new flow", "null flow id"])
def test_a_changed_set_of_activities_or_flows_bumps_the_major(client, owner, applet, change):
    body = update_body(applet)
    if change == "new activity":
        body["activities"].append(activity("Extra"))
    elif change == "removed activity":
        body["activities"].pop()
    elif change == "new flow":
        body["activityFlows"].append({"name": "F2", "items": []})
    else:
        body["activityFlows"][0]["id"] = None
    updated = put(client, owner, applet["id"], body).json()["result"]
    assert updated["version"] == "2.0.0"
    again = put(client, owner, applet["id"], update_body(updated)).json()["result"]
    assert again["version"] == "2.0.1"


def test_reordering_keeps_ids_and_renumbers(client, owner, applet):
    body = update_body(applet)
    body["activities"].reverse()
    updated = put(client, owner, applet["id"], body).json()["result"]
    assert updated["version"] == "1.1.1"
    assert [(a["name"], a["order"]) for a in updated["activities"]] == [("Night", 1), ("Daily", 2)]


def test_each_put_writes_a_full_snapshot_and_history_outlives_changes(client, owner, applet):
    body = update_body(applet)
    body["activities"].pop()
    put(client, owner, applet["id"], body)
    assert list(
        AppletHistory.objects.filter(id=applet["id"])
        .order_by("created_at")
        .values_list("version", flat=True)
    ) == ["1.1.0", "2.0.0"]
    assert ActivityHistory.objects.filter(applet__version="1.1.0").count() == 2
    assert ActivityHistory.objects.filter(applet__version="2.0.0").count() == 1
    assert ActivityItemHistory.objects.filter(activity__applet__version="2.0.0").count() == 2
    assert FlowHistory.objects.count() == FlowItemHistory.objects.count() == 2
    # Live rows hold the current version only.
    assert Activity.objects.filter(applet_id=applet["id"]).count() == 1
    night = applet["activities"][1]["id"]
    assert ActivityHistory.objects.filter(id_version=f"{night}_1.1.0").exists()
    with pytest.raises(TypeError):
        AppletHistory.objects.get(version="1.1.0").save()


def test_the_body_is_what_is_stored(client, owner, applet):
    body = update_body(applet, displayName="Mood v2", description={"en": "New"})
    body["activities"][0]["name"] = "Morning"
    body["activities"][0]["items"][1]["question"] = {"en": "Changed?"}
    updated = put(client, owner, applet["id"], body).json()["result"]
    assert (updated["displayName"], updated["description"]) == ("Mood v2", {"en": "New"})
    assert ActivityItem.objects.get(name="b").question == {"en": "Changed?"}
    assert Activity.objects.get(pk=applet["activities"][0]["id"]).name == "Morning"


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        ("activity", "Activity does not exist."),
        ("flow", "Flow does not exist."),
        ("item", "Activity does not have such item."),
        ("moved item", "Activity does not have such item."),
    ],
)
def test_ids_that_are_not_live_here_are_400(client, owner, applet, unchanged, breaks, message):
    other = create_applet(client, owner, applet_body(name="Other"))
    body = update_body(applet)
    if breaks == "activity":
        body["activities"][0]["id"] = other["activities"][0]["id"]
    elif breaks == "flow":
        body["activityFlows"][0]["id"] = str(uuid.uuid4())
    elif breaks == "item":
        body["activities"][0]["items"][0]["id"] = other["activities"][0]["items"][0]["id"]
    else:
        body["activities"][1]["items"].append(body["activities"][0]["items"].pop(0))
    with unchanged():
        response = put(client, owner, applet["id"], body)
    assert (response.status_code, response.json()) == (400, error(message, "BAD_REQUEST"))


@pytest.mark.parametrize(
    ("duplicate", "message", "path"),
    [
        ("activity", "Activity ids are duplicated.", ["body", "activities"]),
        ("flow", "Activity flow ids are duplicated.", ["body", "activityFlows"]),
        ("item", "Activity item ids are duplicated.", ["body", "activities"]),
    ],
)
def test_duplicated_ids_are_422(client, owner, applet, unchanged, duplicate, message, path):
    body = update_body(applet)
    if duplicate == "activity":
        body["activities"][1]["id"] = body["activities"][0]["id"]
        body["activities"][1]["name"] = "Other name"
    elif duplicate == "flow":
        body["activityFlows"].append({**body["activityFlows"][0], "name": "F2"})
    else:
        body["activities"][0]["items"][1]["id"] = body["activities"][0]["items"][0]["id"]
    with unchanged():
        response = put(client, owner, applet["id"], body)
    assert (response.status_code, response.json()) == (422, error(message, "INVALID_VALUE", path))


def test_update_needs_encryption(client, owner, applet, unchanged):
    body = update_body(applet)
    del body["encryption"]
    with unchanged():
        response = put(client, owner, applet["id"], body)
    assert response.json() == error("Field required", "UNDEFINED", ["body", "encryption"])


def test_update_keeps_names_unique_in_the_workspace(client, owner, applet, unchanged):
    create_applet(client, owner, applet_body(name="Sleep"))
    with unchanged():
        response = put(client, owner, applet["id"], update_body(applet, displayName="sleep"))
    assert (response.status_code, response.json()) == (
        400,
        error("Applet already exists.", "BAD_REQUEST"),
    )
    assert (
        put(client, owner, applet["id"], update_body(applet, displayName="MOOD")).status_code == 200
    )


@pytest.mark.parametrize("role", ["manager", "editor"])
def test_editors_update(client, owner, applet, role):
    member = make_user()
    grant(member, applet["id"], role)
    response = put(client, member, applet["id"], update_body(applet))
    assert response.status_code == 200
    assert AppletHistory.objects.get(id=applet["id"], version="1.1.1").user == member


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "respondent", None])
def test_others_may_not_update(client, owner, applet, unchanged, role):
    member = make_user()
    if role:
        grant(member, applet["id"], role)
    with unchanged():
        response = put(client, member, applet["id"], update_body(applet))
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to edit applet in current workspace.", "ACCESS_DENIED"),
    )


def test_a_missing_applet_is_404(client, owner, applet):
    ghost = str(uuid.uuid4())
    response = put(client, owner, ghost, update_body(applet))
    assert (response.status_code, response.json()) == (
        404,
        error(f"No such applets with id={ghost}.", "NOT_FOUND"),
    )
