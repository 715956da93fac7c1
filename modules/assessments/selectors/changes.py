"""What a version changed against the one before (#27), in words: ``<X> was added|removed``,
``<Label> was changed to <value>|cleared|enabled|disabled``; only changed objects are listed.
The first version lists everything as added."""

from typing import Any
from uuid import UUID

from core.models import User
from modules.assessments import errors
from modules.assessments.models import AppletHistory
from modules.assessments.models.applets import APPLET_BODY_FIELDS
from modules.assessments.roles import ALL
from modules.assessments.selectors.access import applet_for
from modules.assessments.selectors.history import previous_snapshot, snapshot_get
from modules.assessments.text import stored_order

ACTIVITY_FIELDS = (
    "name",
    "description",
    "splash_screen",
    "image",
    "show_all_at_once",
    "is_skippable",
    "is_reviewable",
    "response_is_editable",
    "is_hidden",
    "scores_and_reports",
    "subscale_setting",
    "report_included_item_name",
    "auto_assign",
)
ITEM_FIELDS = (
    "name",
    "question",
    "response_type",
    "response_values",
    "config",
    "is_hidden",
    "conditional_logic",
    "allow_edit",
)
FLOW_FIELDS = (
    "name",
    "description",
    "is_single_report",
    "hide_badge",
    "is_hidden",
    "report_included_activity_name",
    "report_included_item_name",
    "auto_assign",
)
EMPTY: tuple[Any, ...] = (None, "", {}, [])


def label(field: str) -> str:
    """``report_email_body`` → ``Report email body``."""
    return field.replace("_", " ").capitalize()


def shown(value: Any) -> str:
    """A value in a sentence: a dict by its first value, a list joined by commas."""
    if isinstance(value, dict):
        return shown(value[min(value, key=stored_order)]) if value else ""
    if isinstance(value, list):
        return ", ".join(shown(each) for each in value)
    return str(value)


def field_changes(old: Any, new: Any, fields: tuple[str, ...]) -> list[str]:
    changes = []
    for field in fields:
        before, after = getattr(old, field), getattr(new, field)
        if before == after or (before in EMPTY and after in EMPTY):
            continue
        if isinstance(after, bool):
            changes.append(f"{label(field)} was {'enabled' if after else 'disabled'}")
        elif after in EMPTY:
            changes.append(f"{label(field)} was cleared")
        else:
            changes.append(f"{label(field)} was changed to {shown(after)}")
    return changes


def _added(name: str) -> list[str]:
    return [f"{name} was added"]


def _removed(name: str) -> list[str]:
    return [f"{name} was removed"]


def _compare(
    old: list[Any], new: list[Any], fields: tuple[str, ...], inner: Any = None
) -> list[dict[str, Any]]:
    """Changed objects of two lists matched by id: added, removed, or with field changes (and
    changes inside them, by ``inner``)."""
    before = {each.id: each for each in old}
    result = []
    for each in new:
        previous = before.get(each.id)
        if previous is None:
            entry: dict[str, Any] = {"name": each.name, "changes": _added(each.name)}
            if inner is not None:
                entry["items"] = inner([], each)
            result.append(entry)
            continue
        entry = {"name": each.name, "changes": field_changes(previous, each, fields)}
        if inner is not None:
            entry["items"] = inner(previous, each)
        if entry["changes"] or entry.get("items"):
            result.append(entry)
    ids = {each.id for each in new}
    for each in old:
        if each.id not in ids:
            entry = {"name": each.name, "changes": _removed(each.name)}
            if inner is not None:
                entry["items"] = []
            result.append(entry)
    return result


def _items(old: Any, new: Any) -> list[dict[str, Any]]:
    return _compare(list(old.items.all()) if old else [], list(new.items.all()), ITEM_FIELDS)


def _flow_items(old: Any, new: Any) -> list[dict[str, Any]]:
    """A flow's activities: which were added to it or taken out."""
    before = {each.activity.id: each.activity.name for each in old.items.all()} if old else {}
    after = {each.activity.id: each.activity.name for each in new.items.all()}
    changes = [
        {"name": name, "changes": _added(name)} for key, name in after.items() if key not in before
    ]
    changes += [
        {"name": name, "changes": _removed(name)}
        for key, name in before.items()
        if key not in after
    ]
    return changes


def changes_between(old: AppletHistory | None, new: AppletHistory) -> dict[str, Any]:
    if old is None:
        applet_changes = _added(new.display_name)
    else:
        applet_changes = field_changes(old, new, APPLET_BODY_FIELDS)
    return {
        "display_name": new.display_name,
        "changes": applet_changes,
        "activities": _compare(
            list(old.activities.all()) if old else [],
            list(new.activities.all()),
            ACTIVITY_FIELDS,
            _items,
        ),
        "activity_flows": _compare(
            list(old.flows.all()) if old else [], list(new.flows.all()), FLOW_FIELDS, _flow_items
        ),
    }


def applet_changes(*, actor: User, applet_id: UUID, version: str) -> dict[str, Any]:
    """#27: what ``version`` changed against the version before it."""
    applet_for(actor, applet_id, allowed=ALL, denied=errors.APPLET_DENIED)
    current = snapshot_get(applet_id, version)
    return changes_between(previous_snapshot(current), current)
