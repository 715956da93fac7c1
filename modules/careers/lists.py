"""The legacy lists are bare arrays; ``?limit=&offset=`` page them and ``X-Total-Count`` says
how long the whole list is (spec careers.md §1)."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from core import fastpath
from core.body import MAX_PK, MISSING, Body, Integer

M = TypeVar("M", bound=Model)

LIMIT_DEFAULT = 100
LIMIT_MAX = 500
TOTAL_HEADER = "X-Total-Count"


def bounds(request: HttpRequest) -> tuple[int, int]:
    """``limit`` and ``offset`` of a list request; one out of range is a 400 on that field."""
    query = Body(request.GET.dict())
    limit = query.get("limit", Integer(required=False, min_value=1, max_value=LIMIT_MAX))
    offset = query.get("offset", Integer(required=False, min_value=0, max_value=MAX_PK))
    query.raise_if_any()
    return LIMIT_DEFAULT if limit is MISSING else limit, 0 if offset is MISSING else offset


def page(request: HttpRequest, response: HttpResponse, queryset: QuerySet[M]) -> list[M]:
    """One page of ``queryset``; a ``limit`` or ``offset`` out of range is a 400 on that field.

    Read in the view, after the lookups, so a 404 comes before a 400. A first page shorter than
    the limit is the whole list, so the count query is skipped then.
    """
    limit, offset = bounds(request)
    rows = fastpath.rows(queryset[offset : offset + limit])
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        total = offset + len(rows)
    else:
        total = fastpath.count(queryset)
    response[TOTAL_HEADER] = str(total)
    return rows
