"""#30, #31: activities in one language with their items."""

import uuid

import pytest

from modules.assessments.models import Applet
from tests.assessments.conftest import activity, applet_body, call, create_applet, error, grant
from tests.assessments.items import item
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def applet(client, owner):
    question = {"en": "How are you?", "fr": "Comment ça va ?"}
    daily = activity(
        "Daily",
        [item("singleSelect", name="a", question=question), item("text", name="b")],
        description={"en": "Each day", "fr": "Chaque jour"},
    )
    return create_applet(client, owner, applet_body(activities=[daily, activity("Night")]))


def test_one_activity_with_its_items(client, owner, applet):
    daily = applet["activities"][0]
    response = call(
        client, "GET", f"/activities/{daily['id']}", user=owner, HTTP_CONTENT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    result = response.json()["result"]
    assert (result["id"], result["name"], result["description"], result["order"]) == (
        daily["id"],
        "Daily",
        "Chaque jour",
        1,
    )
    assert [i["name"] for i in result["items"]] == ["a", "b"]
    first = result["items"][0]
    assert first == {
        "id": daily["items"][0]["id"],
        "name": "a",
        "question": "Comment ça va ?",
        "responseType": "singleSelect",
        "responseValues": daily["items"][0]["responseValues"],
        "config": daily["items"][0]["config"],
        "order": 1,
        "isHidden": False,
        "conditionalLogic": None,
        "allowEdit": False,
    }


def test_an_activity_needs_a_role_and_a_live_applet(client, owner, applet, stranger, unchanged):
    daily = applet["activities"][0]["id"]
    with unchanged():
        denied = call(client, "GET", f"/activities/{daily}", user=stranger)
    assert (denied.status_code, denied.json()) == (
        403,
        error("Access denied to applet.", "ACCESS_DENIED"),
    )
    missing = call(client, "GET", f"/activities/{uuid.uuid4()}", user=owner)
    assert (missing.status_code, missing.json()) == (
        404,
        error("Activity does not exist.", "NOT_FOUND"),
    )
    Applet.objects.filter(pk=applet["id"]).update(is_deleted=True)
    assert call(client, "GET", f"/activities/{daily}", user=owner).json() == error(
        "Activity does not exist.", "NOT_FOUND"
    )


def test_every_activity_of_an_applet(client, owner, applet):
    respondent = make_user()
    access = grant(respondent, applet["id"], "respondent")
    response = call(client, "GET", f"/activities/applet/{applet['id']}", user=respondent)
    assert response.status_code == 200
    result = response.json()["result"]
    assert [a["name"] for a in result["activitiesDetails"]] == ["Daily", "Night"]
    assert result["activitiesDetails"][0]["items"][0]["question"] == "How are you?"
    detail = result["appletDetail"]
    assert (detail["id"], detail["displayName"], detail["description"]) == (
        applet["id"],
        "Mood",
        "Daily check",
    )
    assert "activities" not in detail
    assert detail["activityFlows"][0]["activityIds"] == [applet["activities"][0]["id"]]
    assert result["respondentMeta"]["subjectId"] == access.meta["subjectId"]


def test_every_activity_needs_a_role(client, owner, applet, stranger):
    response = call(client, "GET", f"/activities/applet/{applet['id']}", user=stranger)
    assert (response.status_code, response.json()) == (
        403,
        error("Access denied to applet.", "ACCESS_DENIED"),
    )
    ghost = uuid.uuid4()
    missing = call(client, "GET", f"/activities/applet/{ghost}", user=owner)
    assert missing.json() == error(f"No such applets with id={ghost}.", "NOT_FOUND")
