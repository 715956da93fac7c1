"""The rules of an applet body as a whole (spec §7): each item (``rules.check_item``), names
unique where the legacy API wanted them, one assessment at most, flows naming listed
activities, and on update no id twice."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from modules.assessments import errors as e
from modules.assessments.errors import BadRequest
from modules.assessments.items.rules import check_conditions, check_item, fail
from modules.assessments.items.types import performance_task_type
from modules.assessments.schemas.applets_in import ActivityIn, FlowIn


def check_applet(activities: list[ActivityIn], flows: list[FlowIn], *, update: bool) -> None:
    """Raise the first broken rule; on success items are normalised in place."""
    for index, activity in enumerate(activities):
        path = ("activities", index, "items")
        for position, item in enumerate(activity.items):
            check_item(item, (*path, position))
        if _repeats(item.name for item in activity.items):
            fail(path, e.ITEM_NAMES_DUPLICATED)
        check_conditions(activity.items, path)
        _note_performance_task(activity)
    if _repeats(activity.name for activity in activities):
        fail(("activities",), e.ACTIVITY_NAMES_DUPLICATED)
    if sum(activity.is_reviewable for activity in activities) > 1:
        fail(("activities",), e.ASSESSMENTS_COUNT)
    if update and _repeats(a.id for a in activities if a.id is not None):
        fail(("activities",), e.ACTIVITY_IDS_DUPLICATED)
    if update and _repeats(i.id for a in activities for i in a.items if i.id is not None):
        fail(("activities",), e.ITEM_IDS_DUPLICATED)
    if _repeats(flow.name for flow in flows):
        fail(("activityFlows",), e.FLOW_NAMES_DUPLICATED)
    if update and _repeats(flow.id for flow in flows if flow.id is not None):
        fail(("activityFlows",), e.FLOW_IDS_DUPLICATED)
    keys = {activity.key for activity in activities}
    if any(item.activity_key not in keys for flow in flows for item in flow.items):
        raise BadRequest(e.FLOW_KEY_NOT_FOUND)


def _repeats(values: Iterable[Any]) -> bool:
    return any(count > 1 for count in Counter(values).values())


def _note_performance_task(activity: ActivityIn) -> None:
    """A performance task's type, unless the client named one, is that of its first
    flanker, stability tracker, A/B trails or Unity item."""
    if activity.performance_task_type is None:
        kinds = (performance_task_type(item.response_type, item.config) for item in activity.items)
        activity.performance_task_type = next((kind for kind in kinds if kind), None)
