"""The two legacy list envelopes: page numbers (payments, batches) and limit/offset (taskboard).

Both answer ``{"count", "next", "previous", "results"}`` with absolute links that keep every other
query parameter, and run two queries (count and page) whatever the page size.
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase

from core.errors import INVALID_PAGE, NotFound


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


class PageNumberPagination(PaginationBase):
    """``?page=N|last&page_size=N``; a bad or out-of-range page is 404 ``Invalid page.``."""

    class Input(Schema):
        page: str | None = None
        page_size: str | None = None

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def __init__(self, page_size: int = 10, max_page_size: int = 100, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = min(_positive_int(pagination.page_size, self.page_size), self.max_page_size)
        count = self._items_count(queryset)
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
        results = list(queryset[start : start + size]) if count else []
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

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

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
        count = self._items_count(queryset)
        results = list(queryset[offset : offset + limit]) if offset < count else []
        next_link = None
        if offset + limit < count:
            next_link = page_link(request, limit=limit, offset=offset + limit)
        previous = None
        if offset > 0:
            back = max(0, offset - limit)
            previous = page_link(request, limit=limit, offset=back or None)
        return {"count": count, "next": next_link, "previous": previous, "results": results}
