"""``page``/``limit``/``search``/``ordering`` over a queryset (spec §1): two reads, the total
and the page, through core's fast path."""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet, Window

from core import fastpath

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page:
    page: int = 1
    limit: int = 10
    search: str | None = None
    ordering: str | None = None


def order_by(raw: str | None, fields: dict[str, str], default: list[str]) -> list[str]:
    """``"-createdAt,displayName"`` → ORM orderings; unknown fields are ignored."""
    chosen = []
    for part in (raw or "").split(","):
        name = part.strip()
        descending = name.startswith("-")
        column = fields.get(name.lstrip("-+"))
        if column:
            chosen.append(f"-{column}" if descending else column)
    return chosen or list(default)


def searched(queryset: QuerySet[M], text: str | None, fields: list[str]) -> QuerySet[M]:
    """Case-insensitive containment in any of ``fields`` (every letter folds, SQLite too)."""
    text = (text or "").strip()
    if not text or not fields:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    return queryset.filter(condition)


def paged(queryset: QuerySet[M], page: Page) -> tuple[list[M], int]:
    """One page and the total before paging, in one read: each row carries the total (a window
    count). Only a page past the end (empty, never an error) asks for the total apart."""
    start = (page.page - 1) * page.limit
    found = fastpath.rows(
        queryset.annotate(listing_total=Window(Count("pk")))[start : start + page.limit]
    )
    if found:
        return found, int(getattr(found[0], "listing_total", len(found)))
    return [], 0 if start == 0 else fastpath.count(queryset)


def listing(
    queryset: QuerySet[M],
    page: Page,
    *,
    search: list[str],
    ordering: dict[str, str],
    default: list[str],
) -> tuple[list[M], int]:
    queryset = searched(queryset, page.search, search)
    return paged(queryset.order_by(*order_by(page.ordering, ordering, default), "pk"), page)


def as_page(query: Any) -> Page:
    return Page(page=query.page, limit=query.limit, search=query.search, ordering=query.ordering)
