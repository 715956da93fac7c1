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
}
CALLERS = ("stranger", "respondent", "reviewer", "editor", "manager", "owner")
EVERY_ROLE = {"respondent", "reviewer", "editor", "manager", "owner"}
EDITORS = {"editor", "manager", "owner"}
MEMBERS = {"reviewer", "editor", "manager", "owner"}

APPLET_DENIED = "Access denied to applet."
EDIT_DENIED = "Access denied to edit applet in current workspace."
WORKSPACE_DENIED = "Access denied to workspace."


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
        for name, value in values.items():
            path = path.replace(f"{{{name}}}", value)
        return path


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
    # The applets are named in the body; a refused caller learns nothing about them.
    ("DELETE", "/workspaces/managers/removeAccess"): (
        {"manager", "owner"},
        APPLET_DENIED,
        lambda w: {"userId": str(w.users["target"].public_id), "appletIds": [w.applet["id"]]},
        True,
    ),
}


def key(method: str, path: str) -> tuple[str, str]:
    return method, path.removeprefix(PREFIX)
