"""Roles given with a new applet (#16, #28): the workspace owner is owner and respondent; a
team member who creates it is editor (if already one in the workspace) or manager, and
respondent. Every respondent access comes with its subject."""

import uuid

from core.models import User
from modules.assessments.models import Applet, Subject, UserAppletAccess
from modules.assessments.roles import Role
from modules.assessments.selectors.access import live_accesses

TEAM_TAG = "Team"


def grant(
    applet: Applet, user: User, role: str, *, invitor: User, meta: dict | None = None
) -> None:
    UserAppletAccess.objects.create(
        applet=applet, user=user, role=role, owner=applet.owner, invitor=invitor, meta=meta or {}
    )


def grant_respondent(applet: Applet, user: User, *, invitor: User) -> Subject:
    """A team member's own respondent access and subject (tag ``Team``, named after them)."""
    subject = Subject.objects.create(
        applet=applet,
        user=user,
        creator=invitor,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        nickname=f"{user.first_name} {user.last_name}".strip(),
        secret_user_id=str(uuid.uuid4()),
        tag=TEAM_TAG,
    )
    meta = {"subjectId": str(subject.pk), "secretUserId": subject.secret_user_id}
    grant(applet, user, Role.RESPONDENT, invitor=invitor, meta=meta)
    return subject


def grant_new_applet(applet: Applet, *, creator: User) -> None:
    owner = applet.owner
    grant(applet, owner, Role.OWNER, invitor=creator)
    grant_respondent(applet, owner, invitor=creator)
    if creator.pk == owner.pk:
        return
    is_editor = (
        live_accesses(user=creator, applet__owner=owner, role=Role.EDITOR)
        .exclude(applet=applet)
        .exists()
    )
    grant(applet, creator, Role.EDITOR if is_editor else Role.MANAGER, invitor=creator)
    grant_respondent(applet, creator, invitor=creator)
