"""Detail reads every module makes: one row by its primary key, through the fast path."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from core import fastpath
from core.body import MAX_PK
from core.errors import NotFound

M = TypeVar("M", bound=Model)


def pk_or_404(queryset: QuerySet[M], pk: Any, *, message: str | None = None) -> M:
    """The row of ``queryset`` (already scoped to what the caller may see) with this primary
    key, or ``NotFound`` with ``message``. An integer beyond any key the database can hold is
    not found too, without reaching SQL (where it would overflow)."""
    if isinstance(pk, bool) or (isinstance(pk, int) and not 0 < pk <= MAX_PK):
        raise NotFound(message)
    try:
        found = fastpath.first(queryset.filter(pk=pk))
    except (TypeError, ValueError):  # a value no key of this type can equal
        found = None
    if found is None:
        raise NotFound(message)
    return found
