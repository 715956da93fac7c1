"""Helpers for the assessments API tests: JSON calls with real tokens, applet bodies, and
applets made through the API as their owners would."""

import copy
import json
import uuid
from typing import Any

import pytest

from core.models import User
from tests.conftest import bearer, make_user

BASE = "/api/assessments"
ENCRYPTION = {
    "publicKey": "[12,34]",
    "prime": "[255,7]",
    "base": "[2]",
    "accountId": "00000000-0000-4000-8000-000000000001",
}
SINGLE_CONFIG = {
    "removeBackButton": False,
    "skippableItem": False,
    "randomizeOptions": False,
    "timer": 0,
    "addScores": False,
    "setAlerts": False,
    "addTooltip": False,
    "setPalette": False,
    "additionalResponseOption": {"textInputOption": False, "textInputRequired": False},
}
TEXT_CONFIG = {
    "removeBackButton": False,
    "skippableItem": False,
    "maxResponseLength": 300,
    "correctAnswerRequired": False,
    "numericalResponseRequired": False,
    "responseDataIdentifier": False,
    "responseRequired": False,
}


def call(client, method, path, body=None, user=None, **headers):
    """A JSON request to the assessments API; ``user`` adds a real bearer token."""
    extra = dict(headers)
    if user is not None:
        extra.update(bearer(user))
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, f"{BASE}{path}", data, content_type="application/json", **extra)


def error(message, kind, path=()):
    return {"result": [{"message": message, "type": kind, "path": list(path)}]}


def single_select(name="mood_1", **changes):
    item = {
        "name": name,
        "question": {"en": "How are you?"},
        "responseType": "singleSelect",
        "config": copy.deepcopy(SINGLE_CONFIG),
        "responseValues": {"options": [{"text": "Good", "value": 0}, {"text": "Bad", "value": 1}]},
    }
    item.update(changes)
    return item


def text_item(name="note", **changes):
    item = {
        "name": name,
        "question": {"en": "Anything else?"},
        "responseType": "text",
        "config": copy.deepcopy(TEXT_CONFIG),
        "responseValues": None,
    }
    item.update(changes)
    return item


def activity(name="Daily", items=None, **changes):
    found = {
        "key": str(uuid.uuid4()),
        "name": name,
        "description": {"en": ""},
        "isReviewable": False,
        "items": items if items is not None else [single_select()],
    }
    found.update(changes)
    return found


def applet_body(name="Mood", activities=None, flows=None, **changes):
    activities = activities if activities is not None else [activity()]
    if flows is None:
        flows = (
            [
                {
                    "name": "F1",
                    "description": {"en": ""},
                    "items": [{"activityKey": activities[0]["key"]}],
                }
            ]
            if activities
            else []
        )
    body = {
        "displayName": name,
        "description": {"en": "Daily check"},
        "about": {"en": ""},
        "image": "",
        "watermark": "",
        "encryption": dict(ENCRYPTION),
        "activities": activities,
        "activityFlows": flows,
    }
    body.update(changes)
    return body


def create_applet(client, owner: User, body=None, *, creator: User | None = None) -> dict[str, Any]:
    """Create through the API (#16); returns the Applet answered."""
    body = body if body is not None else applet_body()
    response = call(
        client, "POST", f"/workspaces/{owner.public_id}/applets", body, user=creator or owner
    )
    assert response.status_code == 201, response.content
    return response.json()["result"]


def update_body(applet: dict[str, Any], **changes) -> dict[str, Any]:
    """An AppletUpdate that sends ``applet`` back unchanged (ids and keys kept)."""
    activities = []
    keys = {}
    for each in applet["activities"]:
        key = str(uuid.uuid4())
        keys[each["id"]] = key
        activities.append(
            {
                "id": each["id"],
                "key": key,
                "name": each["name"],
                "description": each["description"],
                "isReviewable": each["isReviewable"],
                "items": [
                    {
                        "id": item["id"],
                        "name": item["name"],
                        "question": item["question"],
                        "responseType": item["responseType"],
                        "responseValues": item["responseValues"],
                        "config": item["config"],
                        "isHidden": item["isHidden"],
                        "conditionalLogic": item["conditionalLogic"],
                    }
                    for item in each["items"]
                ],
            }
        )
    flows = [
        {
            "id": flow["id"],
            "name": flow["name"],
            "description": flow["description"],
            "items": [
                {"id": item["id"], "activityKey": keys[item["activityId"]]}
                for item in flow["items"]
            ],
        }
        for flow in applet["activityFlows"]
    ]
    body = {
        "displayName": applet["displayName"],
        "description": applet["description"],
        "about": applet["about"],
        "encryption": applet["encryption"] or dict(ENCRYPTION),
        "activities": activities,
        "activityFlows": flows,
    }
    body.update(changes)
    return body


@pytest.fixture
def owner() -> User:
    return make_user(email="olivia@example.com", first_name="Olivia", last_name="Owner")


@pytest.fixture
def stranger() -> User:
    return make_user(email="stranger@example.com", first_name="Sam", last_name="Stranger")


def db_state() -> dict[str, list[dict[str, Any]]]:
    """Every row a request could write: the module's tables, accounts, the outbox and the
    token blacklist. A refused request must leave all of it as it was."""
    from django.apps import apps

    models = [
        *apps.get_app_config("assessments").get_models(),
        apps.get_model("core", "User"),
        apps.get_model("core", "OutboxEmail"),
        apps.get_model("core", "TokenBlacklist"),
    ]
    state = {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}
    # Being seen (a token issued for the test, a request authenticated) is not a write.
    for row in state["core.User"]:
        row.pop("last_login")
        row.pop("last_seen_at")
    return state


@pytest.fixture
def unchanged():
    """``with unchanged(): ...`` fails when the block wrote anything."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = db_state()
        yield
        after = db_state()
        changed = [label for label in before if before[label] != after[label]]
        assert changed == [], f"refused request wrote to {changed}"

    return check


def grant(user: User, applet_id, role: str, **fields):
    """A live access (and, for a respondent, its subject) made directly."""
    from modules.assessments.models import Applet, Subject, UserAppletAccess

    applet = Applet.objects.get(pk=applet_id)
    meta = fields.pop("meta", {})
    if role == "respondent" and not meta:
        subject = Subject.objects.create(
            applet=applet, user=user, secret_user_id=str(uuid.uuid4()), nickname=user.email
        )
        meta = {"subjectId": str(subject.pk), "secretUserId": subject.secret_user_id}
    return UserAppletAccess.objects.create(
        user=user, applet=applet, role=role, owner=applet.owner, meta=meta, **fields
    )
