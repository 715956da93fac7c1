"""Applet writes (#16, #23, #24, #28, #29): each one transaction; every version is written
whole to history (spec §10). Names are unique among the live applets of a workspace."""

from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction

from core.db import Lowered
from core.models import User
from modules.assessments import errors
from modules.assessments.errors import BadRequest, Forbidden, Missing
from modules.assessments.items.applet import check_applet
from modules.assessments.models import (
    ActivityFlowItem,
    ActivityItem,
    Answer,
    Applet,
    Invitation,
    Subject,
    UserAppletAccess,
)
from modules.assessments.models.applets import APPLET_BODY_FIELDS
from modules.assessments.roles import EDITORS
from modules.assessments.schemas.applets_in import (
    AppletCreateIn,
    AppletDuplicateIn,
    AppletUpdateIn,
)
from modules.assessments.schemas.common import Encryption
from modules.assessments.selectors.access import applet_for, roles_in_workspace
from modules.assessments.selectors.applets import applet_full
from modules.assessments.services.grants import grant_new_applet
from modules.assessments.services.structure import (
    FIRST_VERSION,
    bumped,
    snapshot,
    structure_copy,
    structure_from_body,
)
from modules.assessments.services.workspaces import workspace_ensure


def _encryption(value: Encryption | None) -> dict[str, str] | None:
    return None if value is None else value.model_dump(by_alias=True, mode="json")


def _name_free(owner: User, name: str, *, other_than: Any = None) -> None:
    """400 ``Applet already exists.`` when a live applet of the workspace has this name, whatever
    the case of its letters."""
    taken = Applet.objects.annotate(lowered=Lowered("display_name")).filter(
        owner=owner, is_deleted=False, lowered=name.lower()
    )
    if taken.exclude(pk=other_than).exists():
        raise BadRequest(errors.APPLET_EXISTS)


def applet_create(*, actor: User, owner_id: UUID, body: AppletCreateIn) -> Applet:
    """A new applet at 1.1.0 in workspace ``owner_id`` (its owner's, or an editor's there)."""
    owner = User.objects.filter(public_id=owner_id).first()
    if owner is None or (owner.pk != actor.pk and not roles_in_workspace(actor, owner) & EDITORS):
        raise Forbidden(errors.CREATE_DENIED)
    check_applet(body.activities, body.activity_flows, update=False)
    try:
        with transaction.atomic():
            workspace_ensure(owner)
            _name_free(owner, body.display_name)
            applet = Applet.objects.create(
                owner=owner,
                creator=actor,
                version=FIRST_VERSION,
                encryption=_encryption(body.encryption),
                **{name: getattr(body, name) for name in APPLET_BODY_FIELDS},
            )
            built = structure_from_body(
                applet, body.activities, body.activity_flows, keep_ids=False
            )
            built.save()
            snapshot(applet, built, user=actor)
            grant_new_applet(applet, creator=actor)
    except IntegrityError:
        raise BadRequest(errors.APPLET_EXISTS) from None
    return applet_full(applet.pk)


def applet_update(*, actor: User, applet_id: UUID, body: AppletUpdateIn) -> Applet:
    """Replace the applet's structure, keeping the ids the body names, and record the new
    version. The applet row is locked, so concurrent updates are applied one after the other."""
    applet_for(actor, applet_id, allowed=EDITORS, denied=errors.EDIT_DENIED)
    check_applet(body.activities, body.activity_flows, update=True)
    try:
        with transaction.atomic():
            applet = (
                Applet.objects.select_for_update().filter(pk=applet_id, is_deleted=False).first()
            )
            if applet is None:  # deleted while this request waited for the lock
                raise Missing(errors.APPLET_NOT_FOUND.format(id=applet_id))
            live = _live_ids(applet)
            _check_ids(body, live)
            _name_free(applet.owner, body.display_name, other_than=applet.pk)
            applet.version = bumped(
                applet.version,
                activities=(set(live["activities"]), [a.id for a in body.activities]),
                flows=(set(live["flows"]), [f.id for f in body.activity_flows]),
                items=(
                    {item for items in live["activities"].values() for item in items},
                    [i.id for a in body.activities for i in a.items],
                ),
            )
            ActivityFlowItem.objects.filter(activity_flow__applet=applet).delete()
            applet.flows.all().delete()
            ActivityItem.objects.filter(activity__applet=applet).delete()
            applet.activities.all().delete()
            for name in APPLET_BODY_FIELDS:
                setattr(applet, name, getattr(body, name))
            applet.encryption = _encryption(body.encryption)
            applet.save()
            built = structure_from_body(
                applet,
                body.activities,
                body.activity_flows,
                keep_ids=True,
                flow_item_ids=live["flows"],
            )
            built.save()
            snapshot(applet, built, user=actor)
    except IntegrityError:
        raise BadRequest(errors.APPLET_EXISTS) from None
    return applet_full(applet.pk)


def _live_ids(applet: Applet) -> dict[str, dict[Any, set[Any]]]:
    """Live activity ids with their item ids, and live flow ids with their flow item ids."""
    activities: dict[Any, set[Any]] = {
        pk: set() for pk in applet.activities.values_list("pk", flat=True)
    }
    for item_id, activity_id in ActivityItem.objects.filter(activity__applet=applet).values_list(
        "pk", "activity_id"
    ):
        activities[activity_id].add(item_id)
    flows: dict[Any, set[Any]] = {pk: set() for pk in applet.flows.values_list("pk", flat=True)}
    for flow_item_id, flow_id in ActivityFlowItem.objects.filter(
        activity_flow__applet=applet
    ).values_list("pk", "activity_flow_id"):
        flows[flow_id].add(flow_item_id)
    return {"activities": activities, "flows": flows}


def _check_ids(body: AppletUpdateIn, live: dict[str, dict[Any, set[Any]]]) -> None:
    """Ids an update names must be live in this applet (items: in the same activity)."""
    for activity in body.activities:
        if activity.id is not None and activity.id not in live["activities"]:
            raise BadRequest(errors.ACTIVITY_NOT_FOUND)
    for flow in body.activity_flows:
        if flow.id is not None and flow.id not in live["flows"]:
            raise BadRequest(errors.FLOW_NOT_FOUND)
    for activity in body.activities:
        items = live["activities"].get(activity.id, set()) if activity.id else set()
        if any(item.id is not None and item.id not in items for item in activity.items):
            raise BadRequest(errors.ITEM_NOT_IN_ACTIVITY)


def applet_delete(*, actor: User, applet_id: UUID) -> None:
    """Soft-delete the applet with its accesses and subjects; pending invitations and answers
    go (items and alerts cascade). History stays."""
    applet, _ = applet_for(actor, applet_id, allowed=EDITORS, denied=errors.DELETE_DENIED)
    with transaction.atomic():
        Applet.objects.filter(pk=applet.pk).update(is_deleted=True)
        UserAppletAccess.objects.filter(applet=applet).update(is_deleted=True)
        Subject.objects.filter(applet=applet).update(is_deleted=True)
        Invitation.objects.filter(applet=applet, status=Invitation.Status.PENDING).delete()
        Answer.objects.filter(applet=applet).delete()


def applet_duplicate(*, actor: User, applet_id: UUID, body: AppletDuplicateIn) -> Applet:
    """A copy in the same workspace under new ids, starting its own history at 1.1.0."""
    source, _ = applet_for(actor, applet_id, allowed=EDITORS, denied=errors.DUPLICATE_DENIED)
    fields = {name: getattr(source, name) for name in APPLET_BODY_FIELDS}
    fields["display_name"] = body.display_name
    if not body.include_report_server:
        fields.update(
            report_server_ip="",
            report_public_key="",
            report_recipients=[],
            report_include_user_id=False,
            report_include_case_id=False,
            report_email_body="",
        )
    try:
        with transaction.atomic():
            _name_free(source.owner, body.display_name)
            applet = Applet.objects.create(
                owner=source.owner,
                creator=actor,
                version=FIRST_VERSION,
                encryption=_encryption(body.encryption),
                **fields,
            )
            built = structure_copy(source, applet)
            built.save()
            snapshot(applet, built, user=actor)
            grant_new_applet(applet, creator=actor)
    except IntegrityError:
        raise BadRequest(errors.APPLET_EXISTS) from None
    return applet_full(applet.pk)


def applet_set_encryption(*, actor: User, applet_id: UUID, body: Encryption) -> dict[str, str]:
    """Set the applet's keys once; no new version."""
    applet, _ = applet_for(actor, applet_id, allowed=EDITORS, denied=errors.EDIT_DENIED)
    encryption = _encryption(body) or {}
    updated = Applet.objects.filter(pk=applet.pk, encryption__isnull=True).update(
        encryption=encryption
    )
    if not updated:
        raise Forbidden(errors.ENCRYPTION_SET)
    return encryption
