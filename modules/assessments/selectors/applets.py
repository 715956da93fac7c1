"""Applet reads (#21, #22, #30, #31) scoped to the caller's live accesses."""

from typing import Any
from uuid import UUID

from django.db.models import Count, F, Prefetch, QuerySet, Subquery

from core import fastpath
from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden, Missing
from modules.assessments.models import (
    Activity,
    ActivityFlow,
    ActivityFlowItem,
    ActivityItem,
    Applet,
    Subject,
    UserAppletAccess,
)
from modules.assessments.roles import ALL
from modules.assessments.selectors.access import applet_for, roles_in
from modules.assessments.selectors.paging import Page, order_by, searched

APPLET_ORDERING = {
    "displayName": "display_name",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "version": "version",
}


def roles_filter(raw: str | None) -> set[str]:
    """``roles=owner,manager`` → those roles; absent or empty: every role. Unknown names are
    ignored (and so match nothing)."""
    if raw is None or not raw.strip():
        return set(ALL)
    return {role.strip() for role in raw.split(",")} & set(ALL)


# The columns #21 answers with, and the live accesses it looks in (built once).
LISTED_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "display_name",
    "description",
    "about",
    "image",
    "watermark",
    "theme_id",
    "encryption",
    "report_server_ip",
    "report_public_key",
    "report_recipients",
    "report_include_user_id",
    "report_include_case_id",
    "report_email_body",
    "version",
)
LISTED = Applet.objects.filter(is_deleted=False, encryption__isnull=False)
LIVE_ACCESSES = UserAppletAccess.objects.filter(is_deleted=False)


def applet_list(*, actor: User, roles: str | None, page: Page) -> tuple[list[dict[str, Any]], int]:
    """#21: live applets with encryption where the caller holds one of ``roles``, as column
    values (the module's busiest read is prepared once per shape, ``core.fastpath.prepared``)."""
    wanted = sorted(roles_filter(roles))
    if not wanted:
        return [], 0
    ordering = (*order_by(page.ordering, APPLET_ORDERING, ["-created_at"]), "pk")
    start = (page.page - 1) * page.limit
    search = (page.search or "").strip() or None

    def matching(user_id: Any, text: str | None) -> QuerySet[Applet]:
        held = LIVE_ACCESSES.filter(user_id=user_id)
        if len(wanted) < len(ALL):
            held = held.filter(role__in=wanted)
        return searched(LISTED.filter(pk__in=held.values("applet_id")), text, ["display_name"])

    def total_of(user_id: Any, text: str | None) -> QuerySet[Any]:
        # The count as one row: every listed applet is live, so grouping by the flag groups all.
        counted = matching(user_id, text).order_by().values("is_deleted")
        return counted.annotate(total=Count("pk")).values("total")

    def page_of(user_id: Any, text: str | None) -> QuerySet[Any]:
        listed = matching(user_id, text).annotate(
            owner_public_id=F("owner__public_id"),
            listing_total=Subquery(total_of(user_id, text)),  # one read for the page and total
        )
        fields = (*LISTED_FIELDS, "owner_public_id", "listing_total")
        return listed.order_by(*ordering).values(*fields)[start : start + page.limit]

    shape = f"{wanted}:{search is not None}:{ordering}:{start}:{page.limit}"

    def read(name: str, build: Any) -> list[dict[str, Any]]:
        if search is None:
            return fastpath.prepared(name, lambda user_id: build(user_id, None), actor.pk)
        return fastpath.prepared(name, build, actor.pk, search)

    found = read(f"assessments.applet_list:{shape}", page_of)
    if found:
        return found, int(found[0]["listing_total"] or 0)
    if start == 0:
        return [], 0
    counted = read(f"assessments.applet_total:{shape}", total_of)
    return [], int(counted[0]["total"]) if counted else 0


def _structure(queryset: QuerySet[Applet]) -> QuerySet[Applet]:
    return queryset.annotate(owner_public_id=F("owner__public_id")).prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("order")),
        Prefetch("activities__items", queryset=ActivityItem.objects.order_by("order")),
        Prefetch("flows", queryset=ActivityFlow.objects.order_by("order")),
        Prefetch("flows__items", queryset=ActivityFlowItem.objects.order_by("order")),
    )


def applet_full(applet_id: Any) -> Applet:
    """The applet with its whole structure, for the answers of writes the caller just made."""
    return _structure(Applet.objects.filter(pk=applet_id)).get()


def own_subject(actor: User, applet_id: Any) -> Subject | None:
    return Subject.objects.filter(applet_id=applet_id, user=actor, is_deleted=False).first()


def applet_detail(*, actor: User, applet_id: UUID) -> dict[str, Any]:
    """#22: the applet for anyone holding a role in it, with the caller's own subject."""
    applet_for(actor, applet_id, allowed=ALL, denied=errors.APPLET_DENIED)
    applet = _structure(Applet.objects.filter(pk=applet_id)).get()
    return {
        "result": applet,
        "respondent_meta": own_subject(actor, applet_id),
        "applet_meta": {
            "has_assessment": any(a.is_reviewable for a in applet.activities.all()),
        },
    }


def applet_activities(*, actor: User, applet_id: UUID) -> dict[str, Any]:
    """#31: every activity with its items, the applet, and the caller's subject."""
    detail = applet_detail(actor=actor, applet_id=applet_id)
    applet = detail["result"]
    return {
        "activities_details": applet.activities.all(),
        "applet_detail": applet,
        "respondent_meta": detail["respondent_meta"],
    }


def activity_detail(*, actor: User, activity_id: UUID) -> Activity:
    """#30: one activity of a live applet where the caller holds any role."""
    activity = fastpath.first(Activity.objects.filter(pk=activity_id, applet__is_deleted=False))
    if activity is None:
        raise Missing(errors.ACTIVITY_DOES_NOT_EXIST)
    if not roles_in(actor, activity.applet_id):
        raise Forbidden(errors.APPLET_DENIED)
    return (
        Activity.objects.prefetch_related(
            Prefetch("items", queryset=ActivityItem.objects.order_by("order"))
        )
        .filter(pk=activity.pk)
        .get()
    )
