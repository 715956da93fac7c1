"""Case folding the database can do for scope filters on every backend.

SQLite's own ``LOWER`` folds ASCII letters only, so ``ÉTÉ`` would never match a filter on ``été``
there; batches registers a Unicode-aware function on each SQLite connection and uses it instead.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func

SQLITE_LOWER = "BATCHES_LOWER"


class Lowered(Func):
    """``LOWER(expression)`` that folds every letter, SQLite included."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_LOWER, **extra)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: teach each new SQLite connection ``BATCHES_LOWER``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
