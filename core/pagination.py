"""The two legacy list envelopes: page numbers (payments, batches) and limit/offset (taskboard).

Both answer ``{"count", "next", "previous", "results"}`` with absolute links that keep every other
query parameter, and run two queries (count and page) whatever the page size, through the fast
path of ``core.fastpath``. A view may hand either one a ``Listing`` (its own prepared reads of
plain values) instead of a queryset, and write its finished items as they are
(``paginate_rendered``) instead of having them validated again.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.pagination import PaginationBase, paginate
from ninja.responses import NinjaJSONEncoder

from core import fastpath
from core.body import MAX_PK
from core.errors import NotFound
from core.messages import INVALID_PAGE


class Listing:
    """A list a module reads its own way (``core.fastpath.prepared`` reads of plain values, say)
    instead of a queryset: one page, with the total when that same read found it, and the total
    alone. A view hands one to either pagination in place of a queryset."""

    def page(self, start: int, stop: int) -> tuple[list[Any], int | None]:
        """Items ``start`` to ``stop`` and the whole list's length, None when not known."""
        raise NotImplementedError

    def total(self) -> int:
        raise NotImplementedError


class EmptyListing(Listing):
    """A list known to be empty without reading anything (a filter no row can match)."""

    def page(self, start: int, stop: int) -> tuple[list[Any], int | None]:
        return [], 0

    def total(self) -> int:
        return 0


def count_items(queryset: Any) -> int:
    """How many items a list has: a queryset's count by the fast path, else its length."""
    if isinstance(queryset, Listing):
        return queryset.total()
    if isinstance(queryset, QuerySet):
        return fastpath.count(queryset)
    return len(queryset)


def page_items(queryset: Any, start: int, stop: int) -> list[Any]:
    """One page of a list: a queryset's slice by the fast path, else the plain slice."""
    if isinstance(queryset, Listing):
        return queryset.page(start, stop)[0]
    if isinstance(queryset, QuerySet):
        return fastpath.rows(queryset[start:stop])
    return list(queryset[start:stop])


def _page_and_count(items: Listing, start: int, stop: int) -> tuple[list[Any], int]:
    """A page and the total in one read when the page is not empty (the total is then known).
    An offset no database takes (past a 64-bit integer) has no items: the total alone is read."""
    if stop > MAX_PK:
        return [], items.total()
    found, total = items.page(start, stop)
    return found, items.total() if total is None else total


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


def _page_number(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise NotFound(INVALID_PAGE) from None


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
        raw = (pagination.page or "1").strip()
        if isinstance(queryset, Listing) and raw != "last":
            number = _page_number(raw)
            if number < 1:
                raise NotFound(INVALID_PAGE)
            start = (number - 1) * size
            results, count = _page_and_count(queryset, start, start + size)
            last = max(1, -(-count // size))
        else:
            count = count_items(queryset)
            last = max(1, -(-count // size))
            number = last if raw == "last" else _page_number(raw)
            start = (number - 1) * size
            results = None
        if number < 1 or number > last:
            raise NotFound(INVALID_PAGE)
        if results is None:
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
        if isinstance(queryset, Listing):
            results, count = _page_and_count(queryset, offset, offset + limit)
        else:
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


JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def rendered(data: Any, response: HttpResponse | None = None) -> HttpResponse:
    """``data`` written as ninja's JSON renderer writes a validated answer, into ``response``
    (a view's temporal response, with its headers) or a new one. For lists whose items are
    already what their schema dumps: pydantic validating and dumping a page again cost more
    than reading it."""
    content = json.dumps(data, cls=NinjaJSONEncoder)
    if response is None:
        return HttpResponse(content, content_type=JSON_CONTENT_TYPE)
    response.content = content
    return response


def paginate_rendered(
    pagination_class: type[PaginationBase], **params: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``ninja.pagination.paginate`` for a view whose items are already what the item schema
    dumps (a ``Listing`` of finished dicts, say): the same query parameters, envelope and
    OpenAPI document, the page written as it is (``rendered``) instead of validated again."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        paginated = paginate(pagination_class, **params)(func)

        @wraps(paginated)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            return rendered(paginated(request, **kwargs))

        return view

    return decorate
