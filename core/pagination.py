"""The two legacy list envelopes: page numbers (payments, batches) and limit/offset (taskboard).

Both answer ``{"count", "next", "previous", "results"}`` with absolute links that keep every other
query parameter, and run two queries (count and page) whatever the page size.

Compiling those two queries cost list endpoints more than running them, so their SQL is kept per
database alias, keyed by the pickled query (every bit of state the SQL is made from, parameter
values included). A page whose query was seen before runs its kept SQL; rows are always read
fresh. Anything the kept form cannot reproduce (prefetches, values(), extra select columns, an
unpicklable query) takes the ordinary ORM path.
"""

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.pagination import PaginationBase

from core.errors import NotFound
from core.messages import INVALID_PAGE

# Distinct queries kept per database alias; past this the store starts again (pages of searches).
MAX_KEPT_QUERIES = 1024
# A query whose state is larger than this (a long search, say) is rare and runs through the ORM,
# so the store stays within a few megabytes.
MAX_KEPT_KEY_BYTES = 4096
_kept: dict[str, dict[bytes, "_PageSql | _CountSql"]] = {}


@dataclass(frozen=True, slots=True)
class _CountSql:
    sql: str
    params: tuple[Any, ...]

    def run(self, connection: BaseDatabaseWrapper) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchone()[0]


@dataclass(frozen=True, slots=True)
class _PageSql:
    """A page query's SQL and what ModelIterable needs to turn its rows into model objects."""

    sql: str
    params: tuple[Any, ...]
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]
    converters: list[tuple[int, list[Callable[..., Any]], Any]]

    @classmethod
    def compile(cls, queryset: QuerySet, connection: BaseDatabaseWrapper) -> "_PageSql | None":
        """None when the page cannot be kept (it then runs through the ORM)."""
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        info, select = compiler.klass_info, compiler.select
        fields = [column[0] for column in select]
        if info is None or compiler.has_extra_select or compiler.has_composite_fields(fields):
            return None
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        return cls(
            sql=sql,
            params=tuple(params),
            model=info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(info, select, queryset.db),
            annotations=dict(compiler.annotation_col_map or {}),
            converters=[
                (pos, funcs, expr) for pos, (funcs, expr) in compiler.get_converters(fields).items()
            ],
        )

    def run(self, connection: BaseDatabaseWrapper, db: str) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        objects = []
        for raw in rows:
            row = list(raw)
            for pos, funcs, expression in self.converters:
                for convert in funcs:
                    row[pos] = convert(row[pos], expression, connection)
            obj = self.model.from_db(db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, pos in self.annotations.items():
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects


def _keepable(queryset: Any) -> bool:
    return (
        isinstance(queryset, QuerySet)
        and queryset._iterable_class is ModelIterable
        and queryset._result_cache is None
        and not queryset._prefetch_related_lookups
        and not queryset._known_related_objects
    )


def _key(kind: str, queryset: QuerySet) -> bytes | None:
    """The query's whole state, and the active time zone (date lookups put its name in the SQL)."""
    try:
        state = pickle.dumps(queryset.query, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return f"{kind}:{timezone.get_current_timezone_name()}:".encode() + state


def _keep(db: str, key: bytes, sql: "_PageSql | _CountSql") -> None:
    if len(key) > MAX_KEPT_KEY_BYTES:
        return
    kept = _kept.setdefault(db, {})
    if len(kept) >= MAX_KEPT_QUERIES:
        kept.clear()
    kept[key] = sql


def count_items(queryset: QuerySet) -> int:
    """``queryset.count()``, by its kept SQL when the same count ran before."""
    key = _key("count", queryset)
    if key is None:
        return queryset.count()
    db = queryset.db
    connection = connections[db]
    kept = _kept.get(db, {}).get(key)
    if isinstance(kept, _CountSql):
        return kept.run(connection)
    statements: list[tuple[str, Any]] = []

    def note(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, *args)

    with connection.execute_wrapper(note):
        count = queryset.count()
    if len(statements) == 1:
        sql, params = statements[0]
        _keep(db, key, _CountSql(sql, tuple(params or ())))
    return count


def page_items(queryset: QuerySet, start: int, stop: int) -> list[Any]:
    """``list(queryset[start:stop])``, by its kept SQL when the same page was read before."""
    page = queryset[start:stop]
    key = _key("page", page)
    if key is None:
        return list(page)
    db = page.db
    connection = connections[db]
    kept = _kept.get(db, {}).get(key)
    if not isinstance(kept, _PageSql):
        try:
            kept = _PageSql.compile(page, connection)
        except EmptyResultSet:
            return []
        if kept is None:
            return list(page)
        _keep(db, key, kept)
    return kept.run(connection, db)


def _count(paginator: PaginationBase, queryset: Any) -> int:
    if _keepable(queryset):
        return count_items(queryset)
    return paginator._items_count(queryset)


def _page(queryset: Any, start: int, stop: int) -> list[Any]:
    if _keepable(queryset):
        return page_items(queryset, start, stop)
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

    Output = PageOut
    items_attribute = "results"

    def __init__(self, page_size: int = 10, max_page_size: int = 100, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = min(_positive_int(pagination.page_size, self.page_size), self.max_page_size)
        count = _count(self, queryset)
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
        results = _page(queryset, start, start + size) if count else []
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

    Output = PageOut
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
        count = _count(self, queryset)
        results = _page(queryset, offset, offset + limit) if offset < count else []
        next_link = None
        if offset + limit < count:
            next_link = page_link(request, limit=limit, offset=offset + limit)
        previous = None
        if offset > 0:
            back = max(0, offset - limit)
            previous = page_link(request, limit=limit, offset=back or None)
        return {"count": count, "next": next_link, "previous": previous, "results": results}
