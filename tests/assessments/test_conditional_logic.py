"""Spec §8: conditional logic names an earlier item of the same activity, of a type conditions
can read, and (for options) one of its options; a hidden item cannot have any."""

import pytest

from modules.assessments.models import ActivityItem
from tests.assessments.conftest import activity, applet_body, call, error
from tests.assessments.items import OPTION_ID, item

pytestmark = pytest.mark.django_db

AT = ["body", "activities", 0, "items"]


def post(client, owner, items):
    body = applet_body(activities=[activity("Daily", items)])
    return call(client, "POST", f"/workspaces/{owner.public_id}/applets", body, user=owner)


def test_a_hidden_item_with_conditional_logic_is_400(client, owner, unchanged):
    source = item("singleSelect", name="source")
    logic = {
        "match": "all",
        "conditions": [
            {"itemName": "source", "type": "EQUAL_TO_OPTION", "payload": {"optionValue": "0"}}
        ],
    }
    with unchanged():
        response = post(
            client, owner, [source, item("text", isHidden=True, conditionalLogic=logic)]
        )
    assert (response.status_code, response.json()) == (
        400,
        error("Item type cannot be hidden if conditional logic is set.", "BAD_REQUEST"),
    )


def logic(item_name="source", kind="EQUAL_TO_OPTION", payload=None):
    return {
        "match": "any",
        "conditions": [
            {"itemName": item_name, "type": kind, "payload": payload or {"optionValue": "1"}}
        ],
    }


def test_conditional_logic_on_an_earlier_item_is_kept(client, owner):
    rows = item("singleSelectRows", name="grid")
    target = item("text", conditionalLogic=logic())
    other = item(
        "date",
        name="later",
        conditionalLogic=logic(
            "grid", "EQUAL_TO_ROW_OPTION", {"optionValue": OPTION_ID, "rowIndex": "0"}
        ),
    )
    response = post(client, owner, [item("singleSelect", name="source"), rows, target, other])
    assert response.status_code == 201
    stored = ActivityItem.objects.get(name="text_item")
    assert stored.conditional_logic == logic()


@pytest.mark.parametrize(
    ("items", "status", "message"),
    [
        (
            [item("singleSelect", name="source"), item("text", conditionalLogic=logic("nobody"))],
            422,
            "Condition item does not exist.",
        ),
        (
            [item("text", conditionalLogic=logic()), item("singleSelect", name="source")],
            400,
            "Selected position of the Item in the list contradicts the Item Flow.",
        ),
        (
            [item("text", name="source"), item("date", conditionalLogic=logic())],
            400,
            "Item type is not supported for conditional logic.",
        ),
        (
            [
                item("singleSelect", name="source"),
                item("text", conditionalLogic=logic(payload={"optionValue": "7"})),
            ],
            422,
            "Condition option does not exist.",
        ),
        (
            [
                item("singleSelect", name="source"),
                item("text", conditionalLogic=logic(kind="MAYBE")),
            ],
            422,
            "Conditional logic is not valid.",
        ),
        (
            [
                item("singleSelect", name="source"),
                item("text", conditionalLogic={"match": "some", "conditions": []}),
            ],
            422,
            "Conditional logic is not valid.",
        ),
    ],
)
def test_conditional_logic_rules(client, owner, unchanged, items, status, message):
    with unchanged():
        response = post(client, owner, items)
    assert response.status_code == status
    if status == 422:
        assert response.json() == error(message, "INVALID_VALUE", [*AT, 1, "conditionalLogic"])
    else:
        assert response.json() == error(message, "BAD_REQUEST")
