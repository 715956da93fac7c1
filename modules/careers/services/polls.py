"""The caller's own polls: dream job and sweet spot (spec careers.md §4.4)."""

from collections.abc import Collection
from typing import Any

from core.models import User
from modules.careers.models import SLOTS, DreamJob, SweetSpot
from modules.careers.visits import Visit


def slot_columns(fields: dict[str, Any], keys: Collection[str] = SLOTS) -> dict[str, Any]:
    """Slots (``keys``) hold option ids: they are written to the foreign key's column."""
    return {f"{name}_id" if name in keys else name: value for name, value in fields.items()}


def dreamjob_create(*, actor: User, fields: dict[str, str], visit: Visit) -> DreamJob:
    """A new dream-job poll; absent fields are ""."""
    return DreamJob.objects.create(user=actor, **fields, **visit.fields())


def dreamjob_update(*, dreamjob: DreamJob, fields: dict[str, str], visit: Visit) -> DreamJob:
    """Replace the fields sent; the rest stay as they were."""
    for name, value in {**fields, **visit.fields()}.items():
        setattr(dreamjob, name, value)
    dreamjob.save()
    return dreamjob


def sweetspot_create(*, actor: User, fields: dict[str, Any], visit: Visit) -> SweetSpot:
    """A new sweet-spot poll; ``fields`` were checked against the active options."""
    return SweetSpot.objects.create(user=actor, **slot_columns(fields), **visit.fields())


def sweetspot_update(*, sweetspot: SweetSpot, fields: dict[str, Any], visit: Visit) -> SweetSpot:
    for name, value in {**slot_columns(fields), **visit.fields()}.items():
        setattr(sweetspot, name, value)
    sweetspot.save()
    return sweetspot


def sweetspot_slots(sweetspot: SweetSpot | None) -> dict[str, int | None]:
    """The option ids a poll holds now (all unset for a new one): what a PUT merges into."""
    return {name: getattr(sweetspot, f"{name}_id") if sweetspot else None for name in SLOTS}
