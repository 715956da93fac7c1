"""The two legacy list envelopes: page numbers (payments, batches) and limit/offset (taskboard).

Both answer ``{"count", "next", "previous", "results"}`` with absolute links that keep every other
query parameter, and run two queries (count and page) whatever the page size, through the fast
path of ``core.fastpath``.
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase

from core import fastpath
from core.errors import NotFound
from core.messages import INVALID_PAGE


def count_items(queryset: Any) -> int:
    """How many items a list has: a queryset's count by the fast path, else its length."""
    if isinstance(queryset, QuerySet):
        return fastpath.count(queryset)
    return len(queryset)


def page_items(queryset: Any, start: int, stop: int) -> list[Any]:
    """One page of a list: a queryset's slice by the fast path, else the plain slice."""
    if isinstance(queryset, QuerySet):
        return fastpath.rows(queryset[start:stop])
    return list(queryset[start:stop])


def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def page_link(request: HttpRequest, **changes: Any) -> str:
    """The current URL with some query parameters replaced (None drops one), keys sorted as DRF."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(sorted(params.lists()), doseq=True)
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


class PageOut(Schema):
    """The DRF list envelope both paginations answer with."""

    count: int
    next: str | None
    previous: str | None
    results: list[Any]


class PageNumberPagination(PaginationBase):
    """``?page=N|last&page_size=N``; a bad or out-of-range page is 404 ``Invalid page.``."""

    class Input(Schema):
        page: str | None = None
        page_size: str | None = None

    Output = PageOut  # type: ignore[assignment]  # ninja declares a nested class
    items_attribute = "results"

    def __init__(self, page_size: int = 10, max_page_size: int = 100, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = min(_positive_int(pagination.page_size, self.page_size), self.max_page_size)
        count = count_items(queryset)
        last = max(1, -(-count // size))
        raw = (pagination.page or "1").strip()
        if raw == "last":
            number = last
        else:
            try:
                number = int(raw)
            except ValueError:
                raise NotFound(INVALID_PAGE) from None
        if number < 1 or number > last:
            raise NotFound(INVALID_PAGE)
        start = (number - 1) * size
        results = page_items(queryset, start, start + size) if count else []
        previous = None
        if number > 1:
            previous = page_link(request, page=number - 1 if number > 2 else None)
        return {
            "count": count,
            "next": page_link(request, page=number + 1) if number < last else None,
            "previous": previous,
            "results": results,
        }


class LimitOffsetPagination(PaginationBase):
    """``?limit=N&offset=N``; invalid values fall back to the defaults instead of failing."""

    class Input(Schema):
        limit: str | None = None
        offset: str | None = None

    Output = PageOut  # type: ignore[assignment]  # ninja declares a nested class
    items_attribute = "results"

    def __init__(self, default_limit: int = 10, max_limit: int = 100, **kwargs: Any) -> None:
        self.default_limit = default_limit
        self.max_limit = max_limit
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit = min(_positive_int(pagination.limit, self.default_limit), self.max_limit)
        try:
            offset = max(0, int(str(pagination.offset).strip()))
        except (TypeError, ValueError):
            offset = 0
        count = count_items(queryset)
        results = page_items(queryset, offset, offset + limit) if offset < count else []
        next_link = None
        if offset + limit < count:
            next_link = page_link(request, limit=limit, offset=offset + limit)
        previous = None
        if offset > 0:
            back = max(0, offset - limit)
            previous = page_link(request, limit=limit, offset=back or None)
        return {"count": count, "next": next_link, "previous": previous, "results": results}
