"""Spec §8: item configs and values per response type, their rules and conditional logic."""

import uuid

import pytest

from modules.assessments.models import ActivityItem
from tests.assessments.conftest import activity, applet_body, call, error
from tests.assessments.items import CONFIGS, OPTION_ID, ROW_ID, item, with_config, with_values

pytestmark = pytest.mark.django_db

AT = ["body", "activities", 0, "items"]


def post(client, owner, items, **changes):
    body = applet_body(activities=[activity("Daily", items)], **changes)
    return call(client, "POST", f"/workspaces/{owner.public_id}/applets", body, user=owner)


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_every_response_type_accepts_its_shapes(client, owner, kind):
    response = post(client, owner, [item(kind)])
    assert response.status_code == 201, response.content


def _alert_row():
    values = item("sliderRows")["responseValues"]
    values["rows"][0]["alerts"] = [{"minValue": 1, "maxValue": 2, "alert": "!"}]
    return item(
        "sliderRows", config={**CONFIGS["sliderRows"], "setAlerts": True}, responseValues=values
    )


def _rows(kind="singleSelectRows", **changes):
    values = item(kind)["responseValues"]
    values.update(changes)
    return values


MATRIX = [{"rowId": ROW_ID, "options": [{"optionId": OPTION_ID, "score": 1}]}]

CASES_422 = {
    "name characters": (
        item("text", name="bad!name"),
        "Name must contain only alphanumeric symbols or underscore.",
        "name",
    ),
    "unknown type": (
        item("text", responseType="hologram"),
        "response_values must be of type ResponseType.",
        "responseType",
    ),
    "config missing a flag": (
        item(
            "singleSelect",
            config={k: v for k, v in CONFIGS["singleSelect"].items() if k != "timer"},
        ),
        "config must be of type SingleSelectionConfig.",
        "config",
    ),
    "config not an object": (
        item("slider", config=[1]),
        "config must be of type SliderConfig.",
        "config",
    ),
    "values of the wrong shape": (
        item("singleSelect", responseValues={"choices": []}),
        "response_values must be of type SingleSelectionValues.",
        "responseValues",
    ),
    "values where none are": (
        item("text", responseValues={}),
        "response_values must be of type TextValues.",
        "responseValues",
    ),
    "values missing": (
        item("audioPlayer", responseValues=None),
        "response_values must be of type AudioPlayerValues.",
        "responseValues",
    ),
    "bad option colour": (
        with_values("singleSelect", options=[{"text": "a", "color": "blue"}]),
        "response_values must be of type SingleSelectionValues.",
        "responseValues",
    ),
    "bad option id": (
        with_values("singleSelect", options=[{"text": "a", "id": "nope"}]),
        "response_values must be of type SingleSelectionValues.",
        "responseValues",
    ),
    "slider label too long": (
        with_values("slider", minLabel="x" * 101),
        "response_values must be of type SliderValues.",
        "responseValues",
    ),
    "unscored option": (
        item(
            "singleSelect",
            config={**CONFIGS["singleSelect"], "addScores": True},
            responseValues={"options": [{"text": "a", "score": 1}, {"text": "b"}]},
        ),
        "Score must be provided in each option of response_values.",
        "responseValues",
    ),
    "option alert without the flag": (
        with_values("multiSelect", options=[{"text": "a", "alert": "!"}]),
        "set_alerts flag is not set for (single, multi selection) items with alerts.",
        "responseValues",
    ),
    "number range": (
        with_values("numberSelect", minValue=5, maxValue=5),
        "min value must be less than max value.",
        "responseValues",
    ),
    "slider range": (
        with_values("slider", minValue=4, maxValue=2),
        "min value must be less than max value.",
        "responseValues",
    ),
    "slider scores length": (
        with_values("slider", scores=[1, 2]),
        "Scores must have the same length as the range of min_value and max_value",
        "responseValues",
    ),
    "slider scores missing": (
        with_config("slider", addScores=True),
        "Score can not be null.",
        "responseValues",
    ),
    "slider alerts without the flag": (
        with_values("slider", alerts=[{"value": 1, "alert": "!"}]),
        "set_alerts flag is not set for slider(rows) items with alerts.",
        "responseValues",
    ),
    "slider alert without value": (
        item(
            "slider",
            config={**CONFIGS["slider"], "setAlerts": True},
            responseValues={
                **item("slider")["responseValues"],
                "alerts": [{"minValue": 1, "maxValue": 2, "alert": "!"}],
            },
        ),
        "If continuous_slider is checked, min_value and max_value must be set. If not, then value must be set.",
        "responseValues",
    ),
    "continuous slider alert without a range": (
        item(
            "slider",
            config={**CONFIGS["slider"], "setAlerts": True, "continuousSlider": True},
            responseValues={
                **item("slider")["responseValues"],
                "alerts": [{"value": 1, "alert": "!"}],
            },
        ),
        "If continuous_slider is checked, min_value and max_value must be set. If not, then value must be set.",
        "responseValues",
    ),
    "slider row alert without value": (_alert_row(), "Only value must be set.", "responseValues"),
    "slider row range": (
        item(
            "sliderRows",
            responseValues={
                "rows": [
                    {"label": "r", "minLabel": "a", "maxLabel": "b", "minValue": 3, "maxValue": 1}
                ]
            },
        ),
        "min value must be less than max value.",
        "responseValues",
    ),
    "rows scores without a matrix": (
        with_config("singleSelectRows", addScores=True),
        "data_matrix must be provided.",
        "responseValues",
    ),
    "rows matrix length": (
        item("multiSelectRows", responseValues=_rows("multiSelectRows", dataMatrix=MATRIX * 2)),
        "data_matrix must have the same length as rows",
        "responseValues",
    ),
    "rows matrix options": (
        item(
            "singleSelectRows", responseValues=_rows(dataMatrix=[{"rowId": ROW_ID, "options": []}])
        ),
        "data_matrix must have the same length as options",
        "responseValues",
    ),
    "text correct answer": (
        with_config("text", correctAnswerRequired=True),
        "correct_answer must be set if correct_answer_required is True.",
        "config",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES_422))
def test_item_rules_are_422_invalid_value_at_the_item(client, owner, unchanged, case):
    broken, message, field = CASES_422[case]
    with unchanged():
        response = post(client, owner, [item("date", name="first"), broken])
    assert response.status_code == 422
    assert response.json() == error(message, "INVALID_VALUE", [*AT, 1, field])


def test_two_none_options_are_400(client, owner, unchanged):
    broken = with_values(
        "multiSelect",
        options=[{"text": "a", "isNoneAbove": True}, {"text": "b", "isNoneAbove": True}],
    )
    with unchanged():
        response = post(client, owner, [broken])
    assert (response.status_code, response.json()) == (
        400,
        error("No more than 1 none option is not allowed for multiselect.", "BAD_REQUEST"),
    )


def test_items_are_normalised_before_they_are_stored(client, owner):
    select = item(
        "singleSelect",
        name="my item",
        config={
            "remove_back_button": True,
            **{k: v for k, v in CONFIGS["singleSelect"].items() if k != "removeBackButton"},
            "custom": 1,
        },
        responseValues={
            "options": [
                {"text": "a", "value": 3},
                {"text": "b"},
                {"text": "c", "score": 1.239, "extra": "kept"},
            ]
        },
    )
    response = post(client, owner, [select, item("text")])
    assert response.status_code == 201
    stored = ActivityItem.objects.get(name="myitem")
    assert stored.config["removeBackButton"] is True
    assert (stored.config["custom"], stored.config["autoAdvance"]) == (1, False)
    options = stored.response_values["options"]
    assert [o["value"] for o in options] == [3, 4, 5]
    assert options[2]["score"] == 1.24 and options[2]["extra"] == "kept"
    assert all(uuid.UUID(o["id"]) for o in options)
    assert ActivityItem.objects.get(name="text_item").config["maxResponseLength"] == 300


@pytest.mark.parametrize(
    "kind", ["flanker", "stabilityTracker", "ABTrails", "unity", "phrasalTemplate"]
)
def test_task_items_are_stored_as_given(client, owner, kind):
    config = {"anything": [1, {"nested": True}], "userInputType": "touch"}
    response = post(client, owner, [item(kind, config=config, responseValues={"free": "form"})])
    assert response.status_code == 201
    stored = ActivityItem.objects.get()
    assert (stored.config, stored.response_values) == (config, {"free": "form"})
    (daily,) = response.json()["result"]["activities"]
    expected = {
        "flanker": "flanker",
        "stabilityTracker": "touch",
        "ABTrails": "ABTrails",
        "unity": "unity",
    }
    assert daily["isPerformanceTask"] is (kind != "phrasalTemplate")
    assert daily["performanceTaskType"] == expected.get(kind)


def test_item_names_are_unique_per_activity(client, owner, unchanged):
    with unchanged():
        response = post(client, owner, [item("text", name="same"), item("date", name="s a m e")])
    assert response.json() == error("Activity item names are duplicated.", "INVALID_VALUE", AT)
    other = applet_body(
        name="Other",
        activities=[
            activity("A", [item("text", name="same")]),
            activity("B", [item("text", name="same")]),
        ],
    )
    assert (
        call(
            client, "POST", f"/workspaces/{owner.public_id}/applets", other, user=owner
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("activities", "flows", "message", "path"),
    [
        (
            [activity("A"), activity("A")],
            None,
            "Activity names are duplicated.",
            ["body", "activities"],
        ),
        (
            [activity("A", isReviewable=True), activity("B", isReviewable=True)],
            None,
            "Assessments count can not be more than one.",
            ["body", "activities"],
        ),
        (
            [activity("A")],
            [{"name": "F", "items": []}, {"name": "F", "items": []}],
            "Activity flow names are duplicated.",
            ["body", "activityFlows"],
        ),
    ],
)
def test_applet_level_rules(client, owner, unchanged, activities, flows, message, path):
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(activities=activities, flows=flows),
            user=owner,
        )
    assert (response.status_code, response.json()) == (422, error(message, "INVALID_VALUE", path))


def test_a_flow_naming_an_unlisted_activity_key_is_400(client, owner, unchanged):
    flows = [{"name": "F", "items": [{"activityKey": str(uuid.uuid4())}]}]
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(flows=flows),
            user=owner,
        )
    assert (response.status_code, response.json()) == (
        400,
        error("Activity key from activity flow item is not found in activity list.", "BAD_REQUEST"),
    )
