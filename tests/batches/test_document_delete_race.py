"""A document deleted while a worker writes its answers (issue 11 item 7): the deletion never
fails and the job skips the document.

Django's CASCADE is the ORM's: it deletes the answers and links it can see, then the document.
An answer committed in between is a row the document's foreign key refuses at the deletion's
commit, unless the database cascades itself (migration 0003). The plain tests stage that gap in
one connection (any database); the services tests interleave two and three PostgreSQL
connections with a row lock as the barrier, so the order of events is fixed, not timed.
"""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from core.models import JobStatus
from modules.batches.engines import EngineAnswer
from modules.batches.models import BatchAnswer, BatchJobDocument, Document, DocumentChunk
from modules.batches.services.documents import documents_remove
from tests.batches.test_worker import PROMPTS, ScriptedEngine, queued_job
from tests.batches.test_worker_deleted_documents import assert_finished_without_b
from tests.support import wait_for

# Committed transactions: the foreign keys are checked as in production, at each commit.
pytestmark = pytest.mark.django_db(transaction=True)
services = pytest.mark.services


def answer_for(document: Document, job: Any, name: str = "late") -> BatchAnswer:
    return BatchAnswer.objects.create(job=job, document=document, prompt_name=name, answer="A")


def test_the_database_itself_cascades_a_document_to_its_answers_and_links(
    client, member, three_documents, wakeups
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    doomed = three_documents[1]
    answer_for(doomed, job)
    answer_for(three_documents[0], job)
    # Raw SQL, so no ORM cascade runs: only the database removes the answers and links. Chunks
    # are deleted first by hand: they are written with their document only, never after it.
    pk = Document._meta.pk.get_db_prep_value(doomed.pk, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        for model, column in ((DocumentChunk, "document_id"), (Document, "id")):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [pk])
    assert not Document.objects.filter(pk=doomed.pk).exists()
    assert not BatchAnswer.objects.filter(document_id=doomed.pk).exists()
    assert not BatchJobDocument.objects.filter(document_id=doomed.pk).exists()
    assert BatchAnswer.objects.filter(document=three_documents[0]).count() == 1
    assert BatchJobDocument.objects.filter(job=job).count() == 2


@pytest.fixture
def answer_after_the_orm_cascade() -> Iterator[list[Any]]:
    """While the deletion runs, after the ORM deleted the answers and links it collected and
    before it deletes the document, an answer and a link for it appear (what a worker's or a
    submission's commit does on PostgreSQL). Each item is ``(document, job)``."""
    pending: list[Any] = []

    def write(sender: Any, instance: DocumentChunk, **kwargs: Any) -> None:
        # Chunks are deleted after the fast deletes of answers and links, before the document.
        for document, job in list(pending):
            if document.pk == instance.document_id:
                pending.remove((document, job))
                answer_for(document, job)
                BatchJobDocument.objects.create(job=job, document=document, position=99)

    post_delete.connect(write, sender=DocumentChunk, dispatch_uid="late-answer")
    try:
        yield pending
    finally:
        post_delete.disconnect(sender=DocumentChunk, dispatch_uid="late-answer")


def test_an_answer_written_after_the_orm_cascade_goes_with_the_document(
    client, member, three_documents, wakeups, answer_after_the_orm_cascade
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    doomed = three_documents[1]
    answer_after_the_orm_cascade.append((doomed, job))
    assert documents_remove(documents=Document.objects.filter(pk=doomed.pk)) == 1
    assert answer_after_the_orm_cascade == [], "the staged write ran"
    assert not Document.objects.filter(pk=doomed.pk).exists()
    assert not BatchAnswer.objects.filter(document_id=doomed.pk).exists()
    assert not BatchJobDocument.objects.filter(document_id=doomed.pk).exists()
    assert BatchJobDocument.objects.filter(job=job).count() == 2


class RowLock:
    """A connection of its own holding FOR KEY SHARE on a document row: a DELETE of the row
    waits for it, while the foreign key checks of inserted answers (KEY SHARE too) do not."""

    def __init__(self) -> None:
        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = False

    def hold(self, document: Document) -> None:
        with self.raw.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM batches_document WHERE id = %s FOR KEY SHARE", [document.pk]
            )
            assert cursor.fetchone() == (1,)

    def blocks(self, pid: int) -> bool:
        with self.raw.cursor() as cursor:
            cursor.execute(
                "SELECT %s = ANY(pg_blocking_pids(%s))", [self.raw.info.backend_pid, pid]
            )
            row = cursor.fetchone()
        return bool(row and row[0])

    def release(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


class Deletion(threading.Thread):
    """``documents_remove`` on its own thread, so on its own database connection."""

    def __init__(self, document: Document) -> None:
        super().__init__(daemon=True)
        self.document = document
        self.pid = 0
        self.started_deleting = threading.Event()
        self.error: BaseException | None = None
        self.removed: int | None = None

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_deleting.set()
            self.removed = documents_remove(documents=Document.objects.filter(pk=self.document.pk))
        except BaseException as exc:
            self.error = exc
        finally:
            self.started_deleting.set()
            connection.close()


@services
def test_a_deletion_waiting_while_the_worker_commits_an_answer_still_succeeds(
    client, member, three_documents, wakeups, work
):
    """The deletion has deleted the answers it saw and waits for the document row; the worker
    commits b's first answer (its foreign key check passes: the row is still there); then the
    deletion goes on. Before the database cascade its commit failed on that answer."""
    job = queued_job(client, member, prompts=PROMPTS[1:])
    doomed = three_documents[1]
    lock = RowLock()
    deletion = Deletion(doomed)
    engine = ScriptedEngine()

    def behaviour(question: str, context: list[Any]) -> EngineAnswer:
        if len(engine.calls) == 3:  # b's first prompt: its answer is written after this call
            lock.hold(doomed)
            deletion.start()
            assert deletion.started_deleting.wait(10)
            wait_for(lambda: lock.blocks(deletion.pid) or not deletion.is_alive(), timeout=10)
            assert deletion.is_alive(), deletion.error
        if len(engine.calls) == 4:  # b's second prompt: b's first answer is committed by now
            assert BatchAnswer.objects.filter(job=job, document=doomed).count() == 1
            lock.release()
            deletion.join(timeout=30)
            assert not deletion.is_alive()
        return EngineAnswer(f"A:{question}")

    engine.behaviour = behaviour
    with connection.cursor() as cursor:
        # Were the worker's commit ever to queue behind the waiting deletion, fail, not hang.
        cursor.execute("SET lock_timeout = '20s'")
    try:
        assert work(engine=engine) == JobStatus.FINISHED
    finally:
        lock.release()
        lock.close()
        deletion.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert deletion.error is None, repr(deletion.error)
    assert deletion.removed == 1
    assert len(engine.calls) == 6
    assert not Document.objects.filter(pk=doomed.pk).exists()
    assert_finished_without_b(job)


@services
def test_a_deletion_committed_before_the_worker_commits_its_answer_is_a_skip(
    client, member, three_documents, wakeups, work
):
    """The worker has inserted b's answer, not yet committed; the deletion commits meanwhile
    (it cannot see the answer). The answer's foreign key fails at the worker's commit, and the
    worker skips b rather than failing the job."""
    job = queued_job(client, member, prompts=PROMPTS[1:])
    doomed = three_documents[1]
    deletion = Deletion(doomed)

    def delete_before_commit(sender: Any, instance: BatchAnswer, created: bool, **kwargs: Any):
        if created and instance.document_id == doomed.pk and deletion.ident is None:
            assert connection.in_atomic_block
            deletion.start()
            deletion.join(timeout=30)
            assert not deletion.is_alive()

    post_save.connect(delete_before_commit, sender=BatchAnswer, dispatch_uid="race")
    try:
        assert work(engine=ScriptedEngine()) == JobStatus.FINISHED
    finally:
        post_save.disconnect(sender=BatchAnswer, dispatch_uid="race")
    assert deletion.error is None, repr(deletion.error)
    assert deletion.removed == 1
    assert_finished_without_b(job)
