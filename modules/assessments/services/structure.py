"""An applet's structure: live rows made from a body, and the full snapshot of a version.

Both run inside the caller's transaction. Rows are built in memory with their ids first (kept
ids on update, new uuid4 otherwise), written with one ``bulk_create`` per table, and the
snapshot copies the same objects, so a version costs a fixed number of queries whatever its
size (spec §10).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from core.models import User
from modules.assessments.items.types import PERFORMANCE_TASKS
from modules.assessments.models import (
    Activity,
    ActivityFlow,
    ActivityFlowItem,
    ActivityHistory,
    ActivityItem,
    ActivityItemHistory,
    Applet,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    id_version,
)
from modules.assessments.models.applets import (
    ActivityFields,
    AppletFields,
    FlowFields,
    ItemFields,
)
from modules.assessments.schemas.applets_in import ActivityIn, FlowIn

FIRST_VERSION = "1.1.0"


@dataclass
class Structure:
    activities: list[Activity] = field(default_factory=list)
    items: list[ActivityItem] = field(default_factory=list)
    flows: list[ActivityFlow] = field(default_factory=list)
    flow_items: list[ActivityFlowItem] = field(default_factory=list)

    def save(self) -> None:
        Activity.objects.bulk_create(self.activities)
        ActivityItem.objects.bulk_create(self.items)
        ActivityFlow.objects.bulk_create(self.flows)
        ActivityFlowItem.objects.bulk_create(self.flow_items)


def _names(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.get_fields() if isinstance(f, models.Field)]


APPLET_FIELDS = _names(AppletFields)
ACTIVITY_FIELDS = _names(ActivityFields)
ITEM_FIELDS = _names(ItemFields)
FLOW_FIELDS = _names(FlowFields)


def _pick(source: Any, names: list[str], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: getattr(source, name) for name in names if name not in skip}


def structure_from_body(
    applet: Applet,
    activities: list[ActivityIn],
    flows: list[FlowIn],
    *,
    keep_ids: bool,
    flow_item_ids: dict[Any, set[Any]] | None = None,
) -> Structure:
    """Live rows for a checked body. ``keep_ids`` keeps the ids an update named (already checked
    to be live here); a flow item keeps its id only if it was live in the same flow."""
    built = Structure()
    by_key: dict[Any, Activity] = {}
    for order, incoming in enumerate(activities, start=1):
        activity = Activity(
            id=incoming.id if keep_ids and incoming.id else uuid.uuid4(),
            applet=applet,
            order=order,
            is_performance_task=any(i.response_type in PERFORMANCE_TASKS for i in incoming.items),
            **_pick(incoming, ACTIVITY_FIELDS, skip=("order", "is_performance_task")),
        )
        by_key.setdefault(incoming.key, activity)
        built.activities.append(activity)
        for position, item in enumerate(incoming.items, start=1):
            built.items.append(
                ActivityItem(
                    id=item.id if keep_ids and item.id else uuid.uuid4(),
                    activity=activity,
                    order=position,
                    **_pick(item, ITEM_FIELDS, skip=("order",)),
                )
            )
    kept = flow_item_ids or {}
    for order, incoming_flow in enumerate(flows, start=1):
        flow = ActivityFlow(
            id=incoming_flow.id if keep_ids and incoming_flow.id else uuid.uuid4(),
            applet=applet,
            order=order,
            **_pick(incoming_flow, FLOW_FIELDS, skip=("order",)),
        )
        built.flows.append(flow)
        for position, flow_item in enumerate(incoming_flow.items, start=1):
            keep = keep_ids and flow_item.id in kept.get(flow.id, set())
            built.flow_items.append(
                ActivityFlowItem(
                    id=flow_item.id if keep else uuid.uuid4(),
                    activity_flow=flow,
                    activity=by_key[flow_item.activity_key],
                    order=position,
                )
            )
    return built


def structure_copy(source: Applet, applet: Applet) -> Structure:
    """The live structure of ``source`` under new ids, for ``applet`` (a duplicate)."""
    built = Structure()
    activities: dict[Any, Activity] = {}
    for old in source.activities.order_by("order"):
        activities[old.pk] = Activity(id=uuid.uuid4(), applet=applet, **_pick(old, ACTIVITY_FIELDS))
        built.activities.append(activities[old.pk])
    for old_item in ActivityItem.objects.filter(activity__applet=source).order_by(
        "activity__order", "order"
    ):
        built.items.append(
            ActivityItem(
                id=uuid.uuid4(),
                activity=activities[old_item.activity_id],
                **_pick(old_item, ITEM_FIELDS),
            )
        )
    flows: dict[Any, ActivityFlow] = {}
    for old_flow in source.flows.order_by("order"):
        flows[old_flow.pk] = ActivityFlow(
            id=uuid.uuid4(), applet=applet, **_pick(old_flow, FLOW_FIELDS)
        )
        built.flows.append(flows[old_flow.pk])
    for old_flow_item in ActivityFlowItem.objects.filter(activity_flow__applet=source).order_by(
        "activity_flow__order", "order"
    ):
        built.flow_items.append(
            ActivityFlowItem(
                id=uuid.uuid4(),
                activity_flow=flows[old_flow_item.activity_flow_id],
                activity=activities[old_flow_item.activity_id],
                order=old_flow_item.order,
            )
        )
    return built


def snapshot(applet: Applet, built: Structure, *, user: User) -> AppletHistory:
    """Write the whole version (applet, activities, items, flows, flow items) to history."""
    version = applet.version
    history = AppletHistory.objects.create(
        id_version=id_version(applet.pk, version),
        id=applet.pk,
        version=version,
        owner_id=applet.owner_id,
        user=user,
        applet_created_at=applet.created_at,
        **_pick(applet, APPLET_FIELDS),
    )
    activities = {
        activity.pk: ActivityHistory(
            id_version=id_version(activity.pk, version),
            id=activity.pk,
            applet=history,
            **_pick(activity, ACTIVITY_FIELDS),
        )
        for activity in built.activities
    }
    ActivityHistory.objects.bulk_create(activities.values())
    ActivityItemHistory.objects.bulk_create(
        ActivityItemHistory(
            id_version=id_version(item.pk, version),
            id=item.pk,
            activity=activities[item.activity.pk],
            **_pick(item, ITEM_FIELDS),
        )
        for item in built.items
    )
    flows = {
        flow.pk: FlowHistory(
            id_version=id_version(flow.pk, version),
            id=flow.pk,
            applet=history,
            **_pick(flow, FLOW_FIELDS),
        )
        for flow in built.flows
    }
    FlowHistory.objects.bulk_create(flows.values())
    FlowItemHistory.objects.bulk_create(
        FlowItemHistory(
            id_version=id_version(flow_item.pk, version),
            id=flow_item.pk,
            activity_flow=flows[flow_item.activity_flow.pk],
            activity=activities[flow_item.activity.pk],
            order=flow_item.order,
        )
        for flow_item in built.flow_items
    )
    return history


def bumped(
    version: str,
    *,
    activities: tuple[set[Any], list[Any]],
    flows: tuple[set[Any], list[Any]],
    items: tuple[set[Any], list[Any]],
) -> str:
    """The next version: MAJOR when the set of activity or flow ids changes, else MINOR when the
    set of item ids does, else PATCH. Each pair is (live ids, requested ids); a null requested id
    is new, so it never matches."""
    major, minor, patch = (int(part) for part in version.split("."))

    def same(pair: tuple[set[Any], list[Any]]) -> bool:
        live, requested = pair
        return None not in requested and set(requested) == live

    if not same(activities) or not same(flows):
        return f"{major + 1}.0.0"
    if not same(items):
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
