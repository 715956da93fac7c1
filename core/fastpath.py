"""Kept SQL for the reads every request repeats: the one fast path for lists, details and auth.

Compiling a queryset to SQL cost the short reads of this API more than running it. Here a read
is keyed by its whole state, the pickled ``Query`` (every filter, ordering, slice and parameter
value) plus the active time zone (date lookups write its name into the SQL). The first read of a
key compiles it through the ORM and keeps the SQL; later reads of the same key run the kept SQL
and build the objects as ``ModelIterable`` would. Rows are always read fresh.

A query built per request must build the same state each time: an output field made per call
(``Subquery(..., output_field=IntegerField())``) carries a fresh creation counter and makes every
request a miss; make such fields once, at module level.

Nothing is frozen: a parameter that differs (another id, another ``timezone.now()``) is another
key, compiled anew. What the kept form cannot reproduce is refused and takes the ORM path: a
queryset with prefetches, ``values()``, extra select columns, known related objects or a result
cache, a state that cannot be pickled, or a key too large to keep. ``QUERY_FAST_PATH = False``
turns the whole mechanism off.

It rebuilds rows with Django's ``SQLCompiler`` internals (``klass_info``, ``select``,
``get_converters``, ``get_related_populators``), checked against Django 5.2 (the range
``pyproject.toml`` pins). The tests compare every read with the ORM's and count hits, so an
upgrade that changes them fails the suite instead of silently falling back.
"""

import hashlib
import pickle
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Model, QuerySet, Value
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.utils import timezone

M = TypeVar("M", bound=Model)

# Distinct queries kept per database alias; past this the store starts again (pages of searches).
MAX_KEPT_QUERIES = 1024
# A query whose state is larger than this (a long search, say) is rare and runs through the ORM:
# pickling it would cost more than compiling. Keys are kept as 16-byte digests of the state.
MAX_KEPT_KEY_BYTES = 8192


@dataclass
class Stats:
    """How reads went since the last ``reset``: the tests' proof that the fast path is used."""

    hits: int = 0
    misses: int = 0
    refused: int = 0


stats = Stats()
_kept: dict[str, dict[bytes, "_RowsSql | _CountSql"]] = {}


def reset() -> None:
    """Forget every kept query and zero the counters (tests, and after a schema change)."""
    _kept.clear()
    _prepared.clear()
    stats.hits = stats.misses = stats.refused = 0


def enabled() -> bool:
    return bool(getattr(settings, "QUERY_FAST_PATH", True))


@dataclass(frozen=True, slots=True)
class _CountSql:
    sql: str
    params: tuple[Any, ...]

    def run(self, connection: BaseDatabaseWrapper) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return int(cursor.fetchone()[0])


@dataclass(frozen=True, slots=True)
class _RowsSql:
    """A query's SQL and what ModelIterable needs to turn its rows into model objects."""

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
    def compile(cls, queryset: QuerySet[Any], connection: BaseDatabaseWrapper) -> "_RowsSql | None":
        """None when the rows cannot be rebuilt from the kept form (they take the ORM path)."""
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

    def run(
        self, connection: BaseDatabaseWrapper, db: str, *, params: list[Any] | None = None
    ) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params if params is None else params)
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


def _keepable(queryset: Any, *, values: bool = False) -> bool:
    iterables = (ModelIterable, ValuesIterable, ValuesListIterable) if values else (ModelIterable,)
    return (
        enabled()
        and isinstance(queryset, QuerySet)
        and queryset._iterable_class in iterables
        and queryset._result_cache is None
        and not getattr(queryset, "_prefetch_related_lookups", ())
        and not getattr(queryset, "_known_related_objects", {})
    )


def _key(kind: str, queryset: QuerySet[Any]) -> bytes | None:
    try:
        state = pickle.dumps(queryset.query, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    if len(state) > MAX_KEPT_KEY_BYTES:
        return None
    prefix = f"{kind}:{timezone.get_current_timezone_name()}:".encode()
    return hashlib.blake2b(prefix + state, digest_size=16).digest()


def _keep(db: str, key: bytes, sql: "_RowsSql | _CountSql") -> None:
    kept = _kept.setdefault(db, {})
    if len(kept) >= MAX_KEPT_QUERIES:
        kept.clear()
    kept[key] = sql


def _keep_both(
    db: str, key: bytes, kind: str, queryset: QuerySet[Any], sql: "_RowsSql | _CountSql"
) -> None:
    """Keep ``sql`` under the key the query had, and the one it has now: compiling fills cached
    attributes of expressions that clones share, so a queryset built once and reused (a module's
    bearer, say) pickles differently after its first compilation."""
    _keep(db, key, sql)
    after = _key(kind, queryset)
    if after is not None and after != key:
        _keep(db, after, sql)


def rows(queryset: QuerySet[M]) -> list[M]:
    """``list(queryset)``, by its kept SQL when the same query was read before."""
    key = _key("rows", queryset) if _keepable(queryset) else None
    if key is None:
        stats.refused += 1
        return list(queryset)
    db = queryset.db
    connection = connections[db]
    kept = _kept.get(db, {}).get(key)
    if isinstance(kept, _RowsSql):
        stats.hits += 1
        return kept.run(connection, db)
    try:
        # A clone: compiling sets up aliases on the query, which would change its key.
        compiled = _RowsSql.compile(queryset._chain(), connection)  # type: ignore[attr-defined]
    except EmptyResultSet:
        return []
    if compiled is None:
        stats.refused += 1
        return list(queryset)
    stats.misses += 1
    _keep_both(db, key, "rows", queryset, compiled)
    return compiled.run(connection, db)


@dataclass(frozen=True, slots=True)
class _ValuesSql:
    """A ``values()`` query's SQL and the names and converters that turn rows into dicts, or a
    ``values_list()`` query's, whose rows stay tuples."""

    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    converters: list[tuple[int, list[Callable[..., Any]], Any]]
    tuples: bool = False

    @classmethod
    def compile(
        cls, queryset: QuerySet[Any], connection: BaseDatabaseWrapper
    ) -> "_ValuesSql | None":
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # As ValuesIterable names them: in the order ``values()`` was given, annotations
        # included, when the query keeps it.
        if query.selected:
            names: tuple[str, ...] = tuple(query.selected)
        else:
            names = (*query.values_select, *query.annotation_select)
        if compiler.has_extra_select or len(names) != len(compiler.select):
            return None
        expressions = [column[0] for column in compiler.select]
        converters = compiler.get_converters(expressions)
        return cls(
            sql=sql,
            params=tuple(params),
            names=tuple(names),
            converters=[(pos, funcs, expr) for pos, (funcs, expr) in converters.items()],
            tuples=queryset._iterable_class is ValuesListIterable,
        )

    def run(
        self, connection: BaseDatabaseWrapper, db: str, *, params: list[Any] | None = None
    ) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params if params is None else params)
            rows = cursor.fetchall()
        names, converters, tuples = self.names, self.converters, self.tuples
        if not converters:
            return rows if tuples else [dict(zip(names, raw, strict=True)) for raw in rows]
        found: list[Any] = []
        for raw in rows:
            row = list(raw)
            for pos, funcs, expression in converters:
                value = row[pos]
                for convert in funcs:
                    value = convert(value, expression, connection)
                row[pos] = value
            found.append(tuple(row) if tuples else dict(zip(names, row, strict=True)))
        return found


@dataclass(frozen=True, slots=True)
class _Prepared:
    reader: "_RowsSql | _ValuesSql"
    exact: tuple[tuple[int, int], ...]  # (parameter, argument)
    patterns: tuple[tuple[int, int, str], ...]  # (parameter, argument, stand-in) in LIKE patterns
    kinds: tuple[type, ...]
    db: str
    hex_uuids: tuple[tuple[int, int], ...] = ()  # (parameter, argument) sent as 32 hex digits

    def bind(self, args: tuple[Any, ...], connection: BaseDatabaseWrapper) -> list[Any]:
        params = list(self.reader.params)
        for index, position in self.exact:
            params[index] = args[position]
        for index, position in self.hex_uuids:
            params[index] = args[position].hex
        for index, position, mark in self.patterns:
            escaped = connection.ops.prep_for_like_query(args[position])
            params[index] = params[index].replace(mark, escaped)
        return params


# By (name, time zone): the prepared read, or None when it was refused.
_prepared: dict[tuple[str, str], _Prepared | None] = {}
_CLOCK_TYPES = (datetime, date, time)
# SQLite receives dates and times as ISO text.
_ISO_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}")


def _clock_value(param: Any) -> bool:
    return isinstance(param, _CLOCK_TYPES) or (
        isinstance(param, str) and _ISO_CLOCK.match(param) is not None
    )


def _sentinels(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Stand-ins that no real value equals, one per argument, found again among the params."""
    marks: list[Any] = []
    for position, arg in enumerate(args):
        if type(arg) is int:
            marks.append(-0x5EED_C0DE_0000 - position)
        elif type(arg) is str:
            marks.append(f"fastpath-slot-{position}-{uuid.uuid4().hex}")
        elif type(arg) is uuid.UUID:
            marks.append(uuid.uuid4())
        else:
            raise TypeError("only int, str and UUID arguments can be prepared")
    return tuple(marks)


def _reader(
    queryset: QuerySet[Any], connection: BaseDatabaseWrapper
) -> "_RowsSql | _ValuesSql | None":
    clone = queryset._chain()  # type: ignore[attr-defined]
    if queryset._iterable_class is ModelIterable:
        return _RowsSql.compile(clone, connection)
    if queryset._iterable_class in (ValuesIterable, ValuesListIterable):
        return _ValuesSql.compile(clone, connection)
    return None


def _prepare(build: Callable[..., QuerySet[Any]], args: tuple[Any, ...]) -> _Prepared | None:
    """Compile ``build`` with stand-ins, twice. Refused (None) when the two builds differ (a
    parameter computed anew each time, such as ``timezone.now()``), when a parameter other than
    the arguments holds a date or time (a value that drifts with the clock between builds), or
    when an argument is found nowhere among the parameters, neither as itself nor inside a LIKE
    pattern (where it is escaped as Django escapes it)."""
    try:
        marks = _sentinels(args)
    except TypeError:
        return None
    try:
        # A field may refuse a stand-in (a string where a UUID goes): the read is not prepared.
        first_build, second_build = build(*marks), build(*marks)
        if not _keepable(first_build, values=True):
            return None
        connection = connections[first_build.db]
        one, two = _reader(first_build, connection), _reader(second_build, connection)
    except (EmptyResultSet, ValidationError, ValueError, TypeError):
        return None
    if one is None or two is None or (one.sql, one.params) != (two.sql, two.params):
        return None
    exact: list[tuple[int, int]] = []
    patterns: list[tuple[int, int, str]] = []
    hex_uuids: list[tuple[int, int]] = []
    for position, mark in enumerate(marks):
        found = False
        for index, param in enumerate(one.params):
            if param == mark:
                exact.append((index, position))
                found = True
            elif isinstance(mark, uuid.UUID) and param == mark.hex:  # SQLite's form of a UUID
                hex_uuids.append((index, position))
                found = True
            elif isinstance(mark, str) and isinstance(param, str) and mark in param:
                patterns.append((index, position, mark))
                found = True
        if not found:
            return None
    bound = {index for index, _ in (*exact, *hex_uuids)} | {index for index, _, _ in patterns}
    fixed = [param for index, param in enumerate(one.params) if index not in bound]
    if any(_clock_value(param) for param in fixed):
        return None
    return _Prepared(
        reader=one,
        exact=tuple(exact),
        patterns=tuple(patterns),
        kinds=tuple(type(arg) for arg in args),
        db=first_build.db,
        hex_uuids=tuple(hex_uuids),
    )


def prepared(name: str, build: Callable[..., QuerySet[Any]], *args: Any) -> list[Any]:
    """``list(build(*args))`` for a read every request makes, skipping even the building of
    the queryset: its SQL is compiled once per ``name`` with the arguments as bound parameters
    (model objects, dicts for ``values()``, tuples for ``values_list()``). ``build`` must make
    the same query for the same arguments; what ``_prepare`` cannot prove that of takes the
    ordinary fast path."""
    if not enabled():
        return list(build(*args))
    key = (name, timezone.get_current_timezone_name())
    if key not in _prepared:
        if len(_prepared) >= MAX_KEPT_QUERIES:  # names made of pages and orderings add up
            _prepared.clear()
        _prepared[key] = _prepare(build, args)
    kept = _prepared[key]
    if kept is None or tuple(type(arg) for arg in args) != kept.kinds:
        stats.refused += 1
        return rows(build(*args))
    connection = connections[kept.db]
    stats.hits += 1
    return kept.reader.run(connection, kept.db, params=kept.bind(args, connection))


def prepared_first(name: str, build: Callable[..., QuerySet[M]], *args: Any) -> M | None:
    """``build(*args).first()`` by ``prepared``: the caller's user on every request."""
    found = prepared(f"{name}:first", lambda *values: build(*values)[:1], *args)
    return found[0] if found else None


def counting(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset``'s count as a ``values()`` query of one row, ``{"total": n}``: grouped by a
    constant, that is by nothing. Prepared like any read (``prepared_count``), or a page's
    ``Subquery`` annotation, so that the page and its total come in one query."""
    grouped = queryset.order_by().annotate(_all=Value(1)).values("_all")
    return grouped.annotate(total=Count("*")).values("total")


def prepared_count(name: str, build: Callable[..., QuerySet[Any]], *args: Any) -> int:
    """``build(*args).count()`` by ``prepared``: a list's total without compiling its count."""
    found = prepared(f"{name}:count", lambda *values: counting(build(*values)), *args)
    return int(found[0]["total"]) if found else 0


def first(queryset: QuerySet[M]) -> M | None:
    """``queryset.first()`` for a detail read; the queryset must be ordered or filtered by key."""
    found = rows(queryset[:1])
    return found[0] if found else None


def count(queryset: QuerySet[Any]) -> int:
    """``queryset.count()``, by its kept SQL when the same count ran before."""
    key = _key("count", queryset) if _keepable(queryset) else None
    if key is None:
        stats.refused += 1
        return queryset.count()
    db = queryset.db
    connection = connections[db]
    kept = _kept.get(db, {}).get(key)
    if isinstance(kept, _CountSql):
        stats.hits += 1
        return kept.run(connection)
    statements: list[tuple[str, Any]] = []

    def note(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, *args)

    with connection.execute_wrapper(note):
        total = queryset.count()
    if len(statements) == 1:
        sql, params = statements[0]
        stats.misses += 1
        _keep_both(db, key, "count", queryset, _CountSql(sql, tuple(params or ())))
    else:
        stats.refused += 1
    return total
