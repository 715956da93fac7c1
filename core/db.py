"""Case folding that covers every letter on SQLite too, registered once for every module; and
datetimes rendered as text by the database, for lists of many rows.

PostgreSQL folds Unicode in ``UPPER``/``LOWER`` and so in ``ILIKE``-style lookups; SQLite's
``LIKE`` and ``LOWER`` fold ASCII letters only, so ``ÉTÉ`` would never find ``été`` there. Each
new SQLite connection gets a ``LIKE`` (which Django's ``iexact``/``icontains``/``istartswith``
use there) that ignores the case of every letter, and a ``UNICODE_LOWER`` function for
expressions (``Lowered``). ``LOWER`` itself is left alone: the unique index on ``LOWER(email)``
was built with it.
"""

import functools
import re
import sqlite3
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func

SQLITE_LOWER = "UNICODE_LOWER"


class Lowered(Func):
    """``LOWER(expression)`` folding every letter, SQLite included."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_LOWER, **extra)


class UtcIsoText(Func):
    """A datetime column as DRF and ninja's clients read it: ISO 8601 in UTC with ``Z``,
    microseconds only when there are some (``2025-01-05T10:00:00Z``).

    Made by the database, so a list of many rows skips parsing each value into an aware
    datetime and formatting it back (a third of a 50-row list's time). SQLite keeps Django's
    ``str()`` of the naive UTC value, which only needs the ``T`` and the ``Z``.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="(REPLACE(%(expressions)s, ' ', 'T') || 'Z')", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        utc = "(%(expressions)s AT TIME ZONE 'UTC')"
        template = (
            f"(TO_CHAR({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            f"MOD(EXTRACT(MICROSECONDS FROM {utc})::bigint, 1000000) = 0 THEN '' "
            f"ELSE TO_CHAR({utc}, '.US') END || 'Z')"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotSupportedError(
            f"UtcIsoText supports SQLite and PostgreSQL, not {connection.vendor}."
        )


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@functools.lru_cache(maxsize=1024)
def _like_pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if escape and char == escape and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        position += 1
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def sqlite_like(pattern: Any, value: Any, escape: Any = None) -> int | None:
    """SQLite's ``like(pattern, value[, escape])``, ignoring the case of every letter."""
    if pattern is None or value is None:
        return None
    return int(_like_pattern(str(pattern), escape).fullmatch(str(value)) is not None)


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver (``CoreConfig.ready``).

    Also refreshes the planner's statistics, sampling at most a few hundred rows per index
    (``analysis_limit``), so that it knows a list's ordered index beats collecting and sorting
    every row; SQLite before 3.46 has no way to do that only for tables that changed. A database
    busy with a writer keeps the statistics it has. PostgreSQL keeps its own (autovacuum).
    """
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
        raw.create_function("like", 2, sqlite_like, deterministic=True)
        raw.create_function("like", 3, sqlite_like, deterministic=True)
        try:
            raw.execute("PRAGMA analysis_limit=400")
            raw.execute("ANALYZE")
        except sqlite3.OperationalError:  # locked by a writer: next connection
            pass
