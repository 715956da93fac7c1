"""Documents deleted while their job waits or runs (spec §1: the deletion cascades to the job's
links and answers): the job skips them, finishes, and its progress and workbook agree."""

import io

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from core.models import JobStatus
from modules.batches.engines import EngineAnswer
from modules.batches.models import BatchAnswer, BatchJob, Document
from modules.batches.services import worker
from modules.batches.services.documents import documents_remove
from tests.batches.test_worker import PROMPTS, ScriptedEngine, queued_job
from tests.conftest import bearer


def workbook_files(job: BatchJob) -> list[str]:
    with default_storage.open(job.result_file.name, "rb") as stored:
        book = load_workbook(io.BytesIO(stored.read()))
    return [row[1] for row in book["Results"].iter_rows(min_row=2, values_only=True)]


def deleting_engine(document: Document, on_call: int) -> ScriptedEngine:
    """Answers every question; during call ``on_call`` the document is deleted as the API does."""
    engine = ScriptedEngine()

    def behaviour(question, context):
        if len(engine.calls) == on_call:
            documents_remove(documents=Document.objects.filter(pk=document.pk))
        return EngineAnswer(f"A:{question}")

    engine.behaviour = behaviour
    return engine


def assert_finished_without_b(job: BatchJob) -> None:
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert job.error == ""
    assert (job.documents_done, job.documents_total) == (2, 2)
    assert workbook_files(job) == ["a.txt", "c.txt"]
    assert sorted(BatchAnswer.objects.values_list("document__file_name", "prompt_name")) == [
        ("a.txt", "fees"),
        ("a.txt", "term"),
        ("c.txt", "fees"),
        ("c.txt", "term"),
    ]


# Committed transactions, so the foreign key is checked as in production (at commit).
@pytest.mark.django_db(transaction=True)
def test_a_document_deleted_while_its_job_runs_is_skipped(
    client, member, three_documents, wakeups, work
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    engine = deleting_engine(three_documents[1], on_call=3)  # b.txt's first prompt
    assert work(engine=engine) == JobStatus.FINISHED
    assert len(engine.calls) == 5, "b.txt's second prompt is never asked"
    assert_finished_without_b(job)


@pytest.mark.django_db(transaction=True)
def test_a_deletion_between_the_check_and_the_commit_is_skipped_too(
    client, member, three_documents, wakeups, work, monkeypatch
):
    # The deletion commits after the worker looked: the answer's foreign key fails at commit.
    monkeypatch.setattr(worker, "_document_exists", lambda document_id: True)
    job = queued_job(client, member, prompts=PROMPTS[1:])
    engine = deleting_engine(three_documents[1], on_call=3)
    assert work(engine=engine) == JobStatus.FINISHED
    assert_finished_without_b(job)


@pytest.mark.django_db
def test_a_document_deleted_while_its_job_waits_is_not_counted(
    client, member, three_documents, wakeups, work
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    assert job.documents_total == 3
    documents_remove(documents=Document.objects.filter(pk=three_documents[1].pk))
    engine = ScriptedEngine()
    assert work(engine=engine) == JobStatus.FINISHED
    assert len(engine.calls) == 4
    assert_finished_without_b(job)
    response = client.get(f"/api/batch/{job.pk}", **bearer(member))
    assert response.json()["progress"] == {"done": 2, "total": 2}
