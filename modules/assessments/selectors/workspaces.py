"""Workspace reads (#13-#18): a workspace is its owner's; members are the owner and whoever holds
a team role on its live applets."""

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden
from modules.assessments.models import Applet, UserAppletAccess, Workspace
from modules.assessments.roles import ORGANIZERS, TEAM, highest, ranked
from modules.assessments.selectors.access import live_accesses, member_roles
from modules.assessments.selectors.applets import APPLET_ORDERING, roles_filter
from modules.assessments.selectors.paging import Page, listing
from modules.assessments.services.workspaces import workspace_ensure, workspace_name


def _name_of(owner: User) -> str:
    workspace = Workspace.objects.filter(owner=owner).first()
    return workspace.name if workspace else workspace_name(owner)


def workspace_list(*, actor: User) -> list[dict[str, Any]]:
    """#13: the caller's own workspace first (made on first use), then those where the caller
    holds a team role."""
    own = workspace_ensure(actor)
    owners = (
        User.objects.filter(
            pk__in=live_accesses(user=actor, role__in=sorted(TEAM))
            .exclude(applet__owner=actor)
            .values("applet__owner_id")
        )
        .select_related("assessments_workspace")
        .order_by("pk")
    )
    found = [{"owner_id": actor.public_id, "workspace_name": own.name, "use_arbitrary": False}]
    for owner in owners:
        workspace = getattr(owner, "assessments_workspace", None)
        name = workspace.name if workspace else workspace_name(owner)
        found.append({"owner_id": owner.public_id, "workspace_name": name, "use_arbitrary": False})
    return found


def workspace_detail(*, actor: User, owner_id: UUID) -> dict[str, Any]:
    """#14: the workspace's name and whether it has a team besides its owner."""
    owner, _ = member_roles(owner_id, actor=actor, denied=errors.WORKSPACE_DENIED)
    name = workspace_ensure(actor).name if owner.pk == actor.pk else _name_of(owner)
    has_managers = (
        live_accesses(applet__owner=owner, role__in=sorted(TEAM)).exclude(user=owner).exists()
    )
    return {"name": name, "has_managers": has_managers}


def workspace_applets(
    *, actor: User, owner_id: UUID, roles: str | None, page: Page
) -> tuple[list[Applet], int]:
    """#15: the workspace's live applets where the caller holds one of ``roles``, each with the
    caller's highest role there."""
    owner, _ = member_roles(owner_id, actor=actor, denied=errors.WORKSPACE_DENIED)
    wanted = sorted(roles_filter(roles))
    held = UserAppletAccess.objects.filter(user=actor, is_deleted=False, role__in=wanted)
    queryset: QuerySet[Applet] = Applet.objects.filter(
        owner=owner, is_deleted=False, pk__in=held.values("applet_id")
    ).annotate(activity_count=Count("activities"))
    applets, total = listing(
        queryset, page, search=["display_name"], ordering=APPLET_ORDERING, default=["-created_at"]
    )
    mine: dict[Any, set[str]] = defaultdict(set)
    for applet_id, role in held.filter(applet__in=[a.pk for a in applets]).values_list(
        "applet_id", "role"
    ):
        mine[applet_id].add(role)
    for applet in applets:
        applet.role = highest(mine[applet.pk])  # type: ignore[attr-defined]
    return applets, total


def workspace_roles(
    *, actor: User, owner_id: UUID, applet_ids: list[UUID] | None
) -> dict[str, list[str]]:
    """#17: the caller's roles on each applet of the workspace, highest first."""
    owner, _ = member_roles(owner_id, actor=actor, denied=errors.WORKSPACE_DENIED)
    accesses = live_accesses(user=actor, applet__owner=owner)
    if applet_ids is not None:
        accesses = accesses.filter(applet_id__in=applet_ids)
    roles: dict[str, set[str]] = defaultdict(set)
    for applet_id, role in accesses.values_list("applet_id", "role"):
        roles[str(applet_id)].add(role)
    return {applet_id: ranked(held) for applet_id, held in roles.items()}


MANAGER_ORDERING = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "createdAt": "date_joined",
    "lastSeen": "last_seen_at",
}


def workspace_managers(
    *, actor: User, owner_id: UUID, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """#18: every team member of the workspace with their roles per applet (organizers only)."""
    owner, roles = member_roles(owner_id, actor=actor, denied=errors.WORKSPACE_DENIED)
    if owner.pk != actor.pk and not roles & ORGANIZERS:
        raise Forbidden(errors.WORKSPACE_DENIED)
    team = live_accesses(applet__owner=owner, role__in=sorted(TEAM))
    users, total = listing(
        User.objects.filter(pk__in=team.values("user_id")),
        page,
        search=["first_name", "last_name", "email"],
        ordering=MANAGER_ORDERING,
        default=["email"],
    )
    accesses = defaultdict(list)
    for access in (
        team.filter(user__in=users)
        .select_related("applet")
        .order_by("applet__created_at", "created_at")
    ):
        accesses[access.user_id].append(access)
    return [_manager(user, accesses[user.pk]) for user in users], total


def _manager(user: User, accesses: list[UserAppletAccess]) -> dict[str, Any]:
    applets: dict[Any, dict[str, Any]] = {}
    for access in accesses:
        applet = access.applet
        entry = applets.setdefault(
            applet.pk,
            {
                "id": applet.pk,
                "display_name": applet.display_name,
                "image": applet.image,
                "encryption": applet.encryption,
                "roles": [],
            },
        )
        subjects = access.meta.get("subjects") if isinstance(access.meta, dict) else None
        entry["roles"].append(
            {"access_id": access.pk, "role": access.role, "reviewer_subjects": subjects or []}
        )
    titles = list(dict.fromkeys(a.title for a in accesses if a.title))
    return {
        "id": user.public_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": ranked({access.role for access in accesses}),
        "last_seen": user.last_seen_at,
        "created_at": user.date_joined,
        "is_pinned": any(a.is_pinned for a in accesses),
        "applets": list(applets.values()),
        "title": titles[0] if titles else None,
        "titles": titles,
        "status": "approved",
        "invitation_key": None,
    }
