"""Answers and job links go with their document in the database itself: ON DELETE CASCADE.

Django's CASCADE is done by the ORM: the deletion deletes the answers and links it can see, then
the document. On PostgreSQL (READ COMMITTED) a worker's answer, or a submission's link, committed
in between is a row the document's foreign key still refuses at the deletion's commit, and the
DELETE of a document failed. The database's own cascade removes whatever references the document
when its row goes, so that deletion cannot fail; the writer's foreign key fails instead, at its
own commit, and the worker takes that for a deleted document (services/worker.py).

Django 5.2 has no field option for it (``db_on_delete`` comes with Django 6.0), so the constraint
is rewritten here: PostgreSQL swaps the constraint, SQLite rebuilds the two tables (it cannot
alter a foreign key). Django knows nothing of it: a later migration that recreates these foreign
keys (or rebuilds the tables on SQLite) drops it again, and tests/batches/
test_document_delete_race.py fails on the database that lost it.
"""

from typing import Any

from django.db import migrations

TABLES = ("batches_batchanswer", "batches_batchjobdocument")
COLUMN = "document_id"
TARGET = ("batches_document", "id")


def _postgresql(schema_editor: Any, *, cascade: bool) -> None:
    connection, quote = schema_editor.connection, schema_editor.quote_name
    on_delete = " ON DELETE CASCADE" if cascade else ""
    for table in TABLES:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        names = [
            name
            for name, info in constraints.items()
            if info["foreign_key"] == TARGET and info["columns"] == [COLUMN]
        ]
        assert len(names) == 1, f"{table}.{COLUMN}: one foreign key expected, found {names}"
        name = quote(names[0])
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} "
            f"FOREIGN KEY ({quote(COLUMN)}) REFERENCES {quote(TARGET[0])} ({quote(TARGET[1])})"
            f"{on_delete} DEFERRABLE INITIALLY DEFERRED"
        )


def _sqlite(schema_editor: Any, *, cascade: bool) -> None:
    """The table made again from its own CREATE statement with only the reference changed; the
    schema editor has turned foreign key enforcement off for the copy, as Django's rebuilds do."""
    quote = schema_editor.quote_name
    plain = f"{quote(COLUMN)} char(32) NOT NULL REFERENCES {quote(TARGET[0])} ({quote(TARGET[1])})"
    off = f"{plain} DEFERRABLE INITIALLY DEFERRED"
    on = f"{plain} ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    before, after = (off, on) if cascade else (on, off)
    for table in TABLES:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
            )
            (create,) = cursor.fetchone()
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes = [row[0] for row in cursor.fetchall()]
        head = f"CREATE TABLE {quote(table)} ("
        assert create.startswith(head) and create.count(before) == 1, create
        temporary = quote(f"new__{table}")
        schema_editor.execute(
            create.replace(before, after).replace(head, f"CREATE TABLE {temporary} (", 1)
        )
        # Both names are this module's constants, quoted.
        schema_editor.execute(f"INSERT INTO {temporary} SELECT * FROM {quote(table)}")  # noqa: S608
        schema_editor.execute(f"DROP TABLE {quote(table)}")
        schema_editor.execute(f"ALTER TABLE {temporary} RENAME TO {quote(table)}")
        for index in indexes:
            schema_editor.execute(index)


def _rewrite(schema_editor: Any, *, cascade: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgresql(schema_editor, cascade=cascade)
    elif vendor == "sqlite":
        _sqlite(schema_editor, cascade=cascade)
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(f"ON DELETE CASCADE for {vendor}")


def cascade(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, cascade=True)


def uncascade(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, cascade=False)


class Migration(migrations.Migration):
    dependencies = [("batches", "0002_job_and_document_constraints")]

    operations = [migrations.RunPython(cascade, uncascade, elidable=False)]
