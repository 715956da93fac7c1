"""The assessments API's auth matrix (used by ``tests/quality/test_auth_matrix.py``): for every
operation of ``/api/assessments/openapi.json``, who may call it, and a world to call it in.

A world is an owner's applet with one caller per role (respondent, reviewer, editor, manager)
and a stranger. Refused callers must get the operation's own 403 (or 401 without a token),
see nothing of the applet, and write nothing; rightful callers succeed.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from core.models import User
from tests.assessments.conftest import ENCRYPTION, applet_body, create_applet, grant, update_body
from tests.conftest import make_user

PREFIX = "/api/assessments"
PUBLIC = {
    ("POST", f"{PREFIX}/auth/login"),
    ("POST", f"{PREFIX}/auth/token/refresh"),
    ("POST", f"{PREFIX}/users"),
    ("POST", f"{PREFIX}/users/me/password/recover"),
    ("POST", f"{PREFIX}/users/me/password/recover/approve"),
    ("GET", f"{PREFIX}/users/me/password/recover/healthcheck"),
    ("GET", f"{PREFIX}/liveness"),
}
# Operations about the caller alone (their account, their lists, their tokens): any valid token.
SELF = {
    ("POST", f"{PREFIX}/auth/logout"),
    ("POST", f"{PREFIX}/auth/logout2"),
    ("GET", f"{PREFIX}/users/me"),
    ("PUT", f"{PREFIX}/users/me"),
    ("DELETE", f"{PREFIX}/users/me"),
    ("PUT", f"{PREFIX}/users/me/password"),
    ("GET", f"{PREFIX}/workspaces"),
    ("GET", f"{PREFIX}/applets"),
    # Invitations sent to the caller's email (by key) and those the caller sent.
    ("GET", f"{PREFIX}/invitations"),
    ("GET", f"{PREFIX}/invitations/{{key}}"),
    ("POST", f"{PREFIX}/invitations/{{key}}/accept"),
    ("DELETE", f"{PREFIX}/invitations/{{key}}/decline"),
}
CALLERS = ("stranger", "respondent", "reviewer", "editor", "manager", "owner")
EVERY_ROLE = {"respondent", "reviewer", "editor", "manager", "owner"}
EDITORS = {"editor", "manager", "owner"}
MEMBERS = {"reviewer", "editor", "manager", "owner"}

APPLET_DENIED = "Access denied to applet."
EDIT_DENIED = "Access denied to edit applet in current workspace."
WORKSPACE_DENIED = "Access denied to workspace."
VIEW_ANSWERS_DENIED = "Access denied to view applet answers."
DATA_VIEWERS = {"reviewer", "manager", "owner"}
INVITES_DENIED = "Access denied to manipulate with invites of the applet."
ORGANIZERS = {"manager", "owner"}


def _invitee(kind: str, **fields: Any) -> Any:
    def body(w: "World") -> dict[str, Any]:
        return {
            "email": f"{kind}-{uuid.uuid4().hex[:8]}@example.com",
            "firstName": "Ivy",
            "lastName": "Invited",
            "language": "en",
            **fields,
        }

    return body


@dataclass
class World:
    owner: User
    applet: dict[str, Any]
    users: dict[str, User] = field(default_factory=dict)

    def url(self, path: str) -> str:
        values = {
            "owner_id": str(self.owner.public_id),
            "applet_id": self.applet["id"],
            "activity_id": self.applet["activities"][0]["id"],
            "version": "1.1.0",
        }
        if "{subject_id}" in path:
            values["subject_id"] = self.respondent_subject()
        if "/answers/applet/" in path:
            values["answer_id"] = answer_about_respondent(self)
            path += answers_query(self, path)
        for name, value in values.items():
            path = path.replace(f"{{{name}}}", value)
        return path

    def respondent_subject(self) -> str:
        from modules.assessments.models import Subject

        found = Subject.objects.get(applet_id=self.applet["id"], user=self.users["respondent"])
        return str(found.pk)


def answer_about_respondent(w: World) -> str:
    """An answer by the respondent about itself, and the reviewer given that subject: the
    answer reads (#43-#47) have something to show to each data viewer."""
    from django.utils import timezone

    from modules.assessments.models import Answer, AnswerItem, Subject, UserAppletAccess, id_version

    applet_id = w.applet["id"]
    subject = Subject.objects.get(applet_id=applet_id, user=w.users["respondent"])
    UserAppletAccess.objects.filter(
        applet_id=applet_id, user=w.users["reviewer"], role="reviewer"
    ).update(meta={"subjects": [str(subject.pk)]})
    activity_id = w.applet["activities"][0]["id"]
    answer = Answer.objects.create(
        applet_id=applet_id,
        version="1.1.0",
        submit_id=uuid.uuid4(),
        applet_history_id=id_version(applet_id, "1.1.0"),
        activity_history_id=id_version(activity_id, "1.1.0"),
        activity_id=activity_id,
        respondent=w.users["respondent"],
        target_subject=subject,
        source_subject=subject,
        client={"appId": "matrix", "appVersion": "1"},
    )
    AnswerItem.objects.create(
        answer_row=answer,
        respondent=w.users["respondent"],
        answer="00:00",
        item_ids=[],
        user_public_key="[1]",
        start_datetime=timezone.now(),
        end_datetime=timezone.now(),
    )
    return str(answer.pk)


def answers_query(w: World, path: str) -> str:
    """The answer reads a reviewer may make name one of its subjects."""
    if path.endswith("/data"):
        return ""
    query = f"?targetSubjectId={w.respondent_subject()}"
    return query + "&createdDate=2024-05-20" if path.endswith("/review/activities") else query


def _answer(w: World) -> dict[str, Any]:
    activity = w.applet["activities"][0]
    return {
        "appletId": w.applet["id"],
        "version": "1.1.0",
        "submitId": str(uuid.uuid4()),
        "activityId": activity["id"],
        "answer": {
            "answer": "00:00",
            "itemIds": [activity["items"][0]["id"]],
            "userPublicKey": "[1]",
            "startTime": 1716200000000,
            "endTime": 1716200060000,
        },
        "client": {"appId": "matrix", "appVersion": "1"},
    }


def _existence(w: World) -> dict[str, Any]:
    activity = w.applet["activities"][0]["id"]
    return {"appletId": w.applet["id"], "activityId": activity, "createdAt": 1716200060000}


def world(client: Any, *, encrypted: bool = True) -> World:
    owner = make_user(first_name="Matrix", last_name="Owner")
    body = applet_body(
        name=f"Matrix applet {uuid.uuid4()}", encryption=dict(ENCRYPTION) if encrypted else None
    )
    found = World(owner=owner, applet=create_applet(client, owner, body))
    found.users["owner"] = owner
    found.users["stranger"] = make_user()
    for role in ("respondent", "reviewer", "editor", "manager"):
        found.users[role] = make_user()
        grant(found.users[role], found.applet["id"], role)
    found.users["target"] = make_user()  # whose role #20 takes away
    grant(found.users["target"], found.applet["id"], "coordinator")
    return found


def _duplicate(w: World) -> dict[str, Any]:
    return {"displayName": f"Copy {uuid.uuid4()}", "encryption": ENCRYPTION}


# (method, path) -> (who may call it, the refusal message, the body for a world, the world's kind)
OPERATIONS: dict[tuple[str, str], tuple[set[str], str, Any, bool]] = {
    ("GET", "/applets/{applet_id}"): (EVERY_ROLE, APPLET_DENIED, None, True),
    ("PUT", "/applets/{applet_id}"): (EDITORS, EDIT_DENIED, lambda w: update_body(w.applet), True),
    ("DELETE", "/applets/{applet_id}"): (
        EDITORS,
        "Access denied to delete applet in current workspace.",
        None,
        True,
    ),
    ("GET", "/applets/{applet_id}/versions"): (EVERY_ROLE, APPLET_DENIED, None, True),
    ("GET", "/applets/{applet_id}/versions/{version}"): (EVERY_ROLE, APPLET_DENIED, None, True),
    ("GET", "/applets/{applet_id}/versions/{version}/changes"): (
        EVERY_ROLE,
        APPLET_DENIED,
        None,
        True,
    ),
    ("POST", "/applets/{applet_id}/duplicate"): (
        EDITORS,
        "Access denied to duplicate applet in current workspace.",
        _duplicate,
        True,
    ),
    ("POST", "/applets/{applet_id}/encryption"): (
        EDITORS,
        EDIT_DENIED,
        lambda w: ENCRYPTION,
        False,
    ),
    ("GET", "/activities/applet/{applet_id}"): (EVERY_ROLE, APPLET_DENIED, None, True),
    ("GET", "/activities/{activity_id}"): (EVERY_ROLE, APPLET_DENIED, None, True),
    ("GET", "/workspaces/{owner_id}"): (MEMBERS, WORKSPACE_DENIED, None, True),
    ("GET", "/workspaces/{owner_id}/applets"): (MEMBERS, WORKSPACE_DENIED, None, True),
    ("POST", "/workspaces/{owner_id}/applets"): (
        EDITORS,
        "Access denied to create applet in current workspace.",
        lambda w: applet_body(name=f"New {uuid.uuid4()}"),
        True,
    ),
    ("GET", "/workspaces/{owner_id}/roles"): (MEMBERS, WORKSPACE_DENIED, None, True),
    ("GET", "/workspaces/{owner_id}/managers"): (
        {"manager", "owner"},
        WORKSPACE_DENIED,
        None,
        True,
    ),
    ("GET", "/workspaces/{owner_id}/applets/{applet_id}/respondents"): (
        {"reviewer", "manager", "owner"},
        APPLET_DENIED,
        None,
        True,
    ),
    ("POST", "/invitations/{applet_id}/respondent"): (
        ORGANIZERS,
        INVITES_DENIED,
        lambda w: _invitee("respondent", secretUserId=str(uuid.uuid4()))(w),
        True,
    ),
    ("POST", "/invitations/{applet_id}/reviewer"): (
        ORGANIZERS,
        INVITES_DENIED,
        lambda w: _invitee("reviewer", subjects=[w.respondent_subject()])(w),
        True,
    ),
    ("POST", "/invitations/{applet_id}/managers"): (
        ORGANIZERS,
        INVITES_DENIED,
        _invitee("editor", role="editor"),
        True,
    ),
    ("POST", "/subjects"): (
        ORGANIZERS,
        INVITES_DENIED,
        lambda w: {
            "appletId": w.applet["id"],
            "language": "en",
            "firstName": "Sam",
            "lastName": "Subject",
            "secretUserId": str(uuid.uuid4()),
        },
        True,
    ),
    # Inviters, a reviewer given the subject, and the subject's own account.
    ("GET", "/subjects/{subject_id}"): (
        {"respondent", "manager", "owner"},
        "Access denied.",
        None,
        True,
    ),
    ("DELETE", "/subjects/{subject_id}"): (
        ORGANIZERS,
        APPLET_DENIED,
        lambda w: {"deleteAnswers": False},
        True,
    ),
    # The applets are named in the body; a refused caller learns nothing about them.
    ("DELETE", "/workspaces/managers/removeAccess"): (
        {"manager", "owner"},
        APPLET_DENIED,
        lambda w: {"userId": str(w.users["target"].public_id), "appletIds": [w.applet["id"]]},
        True,
    ),
    # Answers (#42-#47): respondents submit (the owner is one too); data viewers read, a
    # reviewer about its subjects; exporters export.
    ("POST", "/answers"): (
        {"respondent", "owner"},
        "Access denied to submit answer to applet.",
        _answer,
        True,
    ),
    ("POST", "/answers/check-existence"): (
        {"respondent", "owner"},
        "Access denied to check answer to applet.",
        _existence,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/activities/{activity_id}/answers"): (
        DATA_VIEWERS,
        VIEW_ANSWERS_DENIED,
        None,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/activities/{activity_id}/answers/{answer_id}"): (
        DATA_VIEWERS,
        VIEW_ANSWERS_DENIED,
        None,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/summary/activities"): (
        DATA_VIEWERS,
        VIEW_ANSWERS_DENIED,
        None,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/review/activities"): (
        DATA_VIEWERS,
        VIEW_ANSWERS_DENIED,
        None,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/dates"): (
        DATA_VIEWERS,
        VIEW_ANSWERS_DENIED,
        None,
        True,
    ),
    ("GET", "/answers/applet/{applet_id}/data"): (
        {"respondent", "reviewer", "manager", "owner"},
        APPLET_DENIED,
        None,
        True,
    ),
}


def key(method: str, path: str) -> tuple[str, str]:
    return method, path.removeprefix(PREFIX)
