"""Version history reads (#25, #26): any role on the live applet reads every version."""

from typing import Any
from uuid import UUID

from django.db.models import F, Prefetch

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Missing
from modules.assessments.models import (
    ActivityHistory,
    ActivityItemHistory,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    id_version,
)
from modules.assessments.roles import ALL
from modules.assessments.selectors.access import applet_for


def applet_versions(*, actor: User, applet_id: UUID) -> tuple[list[AppletHistory], int]:
    """Every version, newest first, with who made it."""
    applet_for(actor, applet_id, allowed=ALL, denied=errors.APPLET_DENIED)
    versions = list(
        AppletHistory.objects.select_related("user")
        .filter(id=applet_id)
        .order_by("-created_at", "-version")
    )
    return versions, len(versions)


def snapshot_get(applet_id: Any, version: str) -> AppletHistory:
    """One whole recorded version, or 404 ``Applet version not found.``"""
    found = (
        AppletHistory.objects.annotate(owner_public_id=F("owner__public_id"))
        .prefetch_related(
            Prefetch("activities", queryset=ActivityHistory.objects.order_by("order")),
            Prefetch("activities__items", queryset=ActivityItemHistory.objects.order_by("order")),
            Prefetch("flows", queryset=FlowHistory.objects.order_by("order")),
            Prefetch(
                "flows__items",
                queryset=FlowItemHistory.objects.select_related("activity").order_by("order"),
            ),
        )
        .filter(id_version=id_version(applet_id, version))
        .first()
    )
    if found is None:
        raise Missing(errors.VERSION_NOT_FOUND)
    return found


def applet_snapshot(*, actor: User, applet_id: UUID, version: str) -> AppletHistory:
    applet_for(actor, applet_id, allowed=ALL, denied=errors.APPLET_DENIED)
    return snapshot_get(applet_id, version)


def previous_snapshot(current: AppletHistory) -> AppletHistory | None:
    """The version recorded just before ``current``, if any."""
    earlier = (
        AppletHistory.objects.filter(id=current.id, created_at__lt=current.created_at)
        .order_by("-created_at")
        .values_list("version", flat=True)
        .first()
    )
    return None if earlier is None else snapshot_get(current.id, earlier)
