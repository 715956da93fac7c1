"""Who holds which role where: every applet-scoped read and write starts here.

An applet-scoped route checks the applet first (a missing or deleted one is 404 with its id),
then the caller's roles (403 with the operation's words); deleted accesses never count.
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from core import fastpath
from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden, Missing
from modules.assessments.models import Applet, UserAppletAccess, Workspace


def live_accesses(**filters: Any) -> QuerySet[UserAppletAccess]:
    """Live accesses on live applets."""
    return UserAppletAccess.objects.filter(is_deleted=False, applet__is_deleted=False, **filters)


def applet_get(applet_id: UUID) -> Applet:
    """The live applet, or 404 ``No such applets with id=<id>.``"""
    applet = fastpath.first(Applet.objects.filter(pk=applet_id, is_deleted=False))
    if applet is None:
        raise Missing(errors.APPLET_NOT_FOUND.format(id=applet_id))
    return applet


def roles_in(user: User, applet_id: Any) -> set[str]:
    return set(
        UserAppletAccess.objects.filter(
            user=user, applet_id=applet_id, is_deleted=False
        ).values_list("role", flat=True)
    )


def applet_for(
    user: User, applet_id: UUID, *, allowed: Iterable[str], denied: str
) -> tuple[Applet, set[str]]:
    """The live applet and the caller's roles there, when one of them is ``allowed``."""
    applet = applet_get(applet_id)
    roles = roles_in(user, applet.pk)
    if not roles & set(allowed):
        raise Forbidden(denied)
    return applet, roles


def workspace_owner(owner_id: UUID, *, actor: User) -> User:
    """The owner of workspace ``{o}``: 404 ``Workspace does not exist.`` unless the account
    exists and has a workspace (the caller's own is made on first use)."""
    owner = fastpath.first(User.objects.filter(public_id=owner_id))
    if owner is None:
        raise Missing(errors.WORKSPACE_NOT_FOUND)
    if owner.pk != actor.pk and not Workspace.objects.filter(owner=owner).exists():
        raise Missing(errors.WORKSPACE_NOT_FOUND)
    return owner


def roles_in_workspace(user: User, owner: User) -> set[str]:
    """Every role ``user`` holds on the live applets of ``owner``'s workspace."""
    return set(live_accesses(user=user, applet__owner=owner).values_list("role", flat=True))


def member_roles(owner_id: UUID, *, actor: User, denied: str) -> tuple[User, set[str]]:
    """The workspace's owner and the caller's roles in it, when the caller is a member: the
    owner, or a holder of a team role on its applets (403 ``denied`` otherwise)."""
    owner = workspace_owner(owner_id, actor=actor)
    roles = roles_in_workspace(actor, owner)
    if owner.pk != actor.pk and not roles - {"respondent"}:
        raise Forbidden(denied)
    return owner, roles
