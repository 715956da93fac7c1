"""The job lifecycle (spec §5): claim, answers in dependency order, resume, cancel, failures,
sweep and requeue, plus the emails of spec §8."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone

from core import jobs
from core.models import JobStatus, OutboxEmail
from modules.batches.engines import EngineAnswer, EngineError, PromptEngine
from modules.batches.models import BatchAnswer, BatchJob, BatchJobDocument
from modules.batches.services import jobs as batch_jobs
from modules.batches.services.worker import BATCH_QUEUE
from tests.batches.conftest import TERM, batch_body, submit

pytestmark = pytest.mark.django_db


class ScriptedEngine(PromptEngine):
    """Records every question; answers with ``behaviour(question, context)``."""

    name = "local"
    model = "scripted"

    def __init__(self, behaviour: Callable[[str, list[Any]], EngineAnswer] | None = None) -> None:
        self.calls: list[tuple[str, list[Any]]] = []
        self.behaviour = behaviour or (lambda question, context: EngineAnswer(f"A:{question}"))

    def answer(self, *, question: str, context: list[Any]) -> EngineAnswer:
        self.calls.append((question, context))
        return self.behaviour(question, context)


def queued_job(client, member, **overrides) -> BatchJob:
    response = submit(client, member, batch_body(**overrides))
    assert response.status_code == 202, response.content
    return BatchJob.objects.get(pk=response.json()["job_id"])


PROMPTS = [
    {"name": "follow", "value": "Restate the term", "dependencies": ["term"]},
    {"name": "term", "value": "What is the term of the agreement?"},
    {"name": "fees", "value": "When is the invoice due?"},
]


def test_a_job_runs_to_the_end(client, member, three_documents, wakeups, work, sweep):
    job = queued_job(client, member, prompts=PROMPTS)
    assert work() == JobStatus.FINISHED
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert job.documents_done == 3
    assert job.attempts == 0
    assert job.started_at and job.ended_at and job.started_at <= job.ended_at
    assert job.result_file.name == f"batches/results/{job.pk}.xlsx"
    assert default_storage.exists(job.result_file.name)
    answers = {
        (a.document.file_name, a.prompt_name): a.answer
        for a in BatchAnswer.objects.select_related("document")
    }
    assert len(answers) == 9
    assert answers[("a.txt", "term")] == "The term of this agreement is thirty six months."
    assert answers[("a.txt", "fees")] == "NA"
    assert answers[("b.txt", "term")] == "NA"
    assert answers[("b.txt", "fees")] == "The invoice is due within forty five days."
    # A dependent prompt answers from its dependencies: here the sentence naming the term.
    assert answers[("a.txt", "follow")] == "The term of this agreement is thirty six months."
    assert answers[("b.txt", "follow")] == "NA"
    assert set(BatchJobDocument.objects.values_list("done_at", flat=True)) != {None}
    assert [m.subject for m in mail.outbox] == [f"Batch {job.pk} finished"]


def test_prompts_run_in_dependency_order_with_request_order_ties(
    client, member, make_document, wakeups, work, sweep
):
    make_document(TERM)
    prompts = [
        {"name": "c", "value": "three", "dependencies": ["b"]},
        {"name": "a", "value": "one"},
        {"name": "b", "value": "two", "dependencies": ["a"]},
        {"name": "d", "value": "four"},
    ]
    queued_job(client, member, prompts=prompts)
    engine = ScriptedEngine()
    work(engine=engine)
    assert [question for question, _ in engine.calls] == ["one", "two", "three", "four"]
    # "two" gets the named answer of "a" as its context.
    assert [(piece.label, piece.text) for piece in engine.calls[1][1]] == [("a", "A:one")]


def test_dependents_of_na_or_error_answers_are_na_without_asking(
    client, member, make_document, wakeups, work, sweep
):
    make_document(TERM)
    prompts = [
        {"name": "a", "value": "first"},
        {"name": "b", "value": "second"},
        {"name": "c", "value": "third", "dependencies": ["a", "b"]},
    ]
    queued_job(client, member, prompts=prompts)

    def behaviour(question, context):
        if question == "first":
            return EngineAnswer("NA")
        raise EngineError("model unavailable")

    engine = ScriptedEngine(behaviour)
    assert work(engine=engine) == JobStatus.FINISHED
    assert [question for question, _ in engine.calls] == ["first", "second"]
    stored = dict(BatchAnswer.objects.values_list("prompt_name", "answer"))
    assert stored == {"a": "NA", "b": "ERROR", "c": "NA"}
    assert BatchAnswer.objects.get(prompt_name="b").error == "model unavailable"


def test_token_usage_is_stored_per_answer_and_summed(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member)
    engine = ScriptedEngine(lambda q, c: EngineAnswer("x", prompt_tokens=100, completion_tokens=7))
    work(engine=engine)
    job.refresh_from_db()
    assert (job.prompt_tokens, job.completion_tokens) == (300, 21)
    assert set(BatchAnswer.objects.values_list("prompt_tokens", "completion_tokens")) == {(100, 7)}


def test_a_resumed_job_skips_done_documents_and_existing_answers(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    first, second, _ = job.links.order_by("position")
    # A worker answered the first document and one prompt of the second, then died.
    now = timezone.now()
    BatchJob.objects.filter(pk=job.pk).update(
        status=JobStatus.STARTED, claimed_by="dead:1:1", attempts=1, started_at=now,
        heartbeat_at=now - timedelta(hours=1), documents_done=1,
    )  # fmt: skip
    BatchJobDocument.objects.filter(pk=first.pk).update(done_at=now)
    kept = [
        BatchAnswer.objects.create(job=job, document=first.document, prompt_name=name, answer="old")
        for name in ("term", "fees")
    ]
    kept.append(
        BatchAnswer.objects.create(
            job=job, document=second.document, prompt_name="term", answer="old"
        )
    )
    result = sweep()
    assert result.requeued == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert wakeups[-1] is None

    engine = ScriptedEngine()
    assert work(engine=engine) == JobStatus.FINISHED
    assert [question for question, _ in engine.calls] == [
        "When is the invoice due?",
        "What is the term of the agreement?",
        "When is the invoice due?",
    ]
    for answer in kept:
        answer.refresh_from_db()
        assert answer.answer == "old"
    assert BatchAnswer.objects.count() == 6
    job.refresh_from_db()
    assert job.documents_done == 3
    assert job.started_at == now


def test_cancel_between_documents_keeps_answers(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member)

    def behaviour(question, context):
        BatchJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return EngineAnswer("yes")

    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.CANCELED
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELED
    assert job.ended_at is not None
    assert job.documents_done == 1
    assert BatchAnswer.objects.count() == 1
    assert not job.result_file
    assert mail.outbox == []


def test_cancel_through_the_api_while_running(
    client, member, three_documents, wakeups, work, sweep
):
    from tests.conftest import bearer

    job = queued_job(client, member)

    def behaviour(question, context):
        client.delete(f"/api/batch/{job.pk}", **bearer(member))
        return EngineAnswer("yes")

    work(engine=ScriptedEngine(behaviour))
    status = client.get(f"/api/batch/{job.pk}", **bearer(member)).json()
    assert status["status"] == "canceled"
    assert status["progress"] == {"done": 1, "total": 3}


def test_consecutive_model_failures_fail_the_job(
    client, member, three_documents, settings, wakeups, work, sweep
):
    settings.BATCH_LLM_MAX_CONSECUTIVE_ERRORS = 2
    job = queued_job(client, member)

    def behaviour(question, context):
        raise EngineError("HTTP 500 from the model")

    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Language model failed 2 times in a row: HTTP 500 from the model"
    assert job.ended_at is not None
    assert list(BatchAnswer.objects.values_list("answer", flat=True)) == ["ERROR", "ERROR"]
    assert [m.subject for m in mail.outbox] == [f"Batch {job.pk} failed"]
    assert "Language model failed 2 times in a row" in mail.outbox[0].body
    assert "Documents done: 1 of 3" in mail.outbox[0].body


def test_a_success_resets_the_error_streak(
    client, member, three_documents, settings, wakeups, work, sweep
):
    settings.BATCH_LLM_MAX_CONSECUTIVE_ERRORS = 2
    queued_job(client, member)
    outcomes = iter([EngineError("boom"), "ok", EngineError("boom")])

    def behaviour(question, context):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return EngineAnswer(outcome)

    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.FINISHED
    assert list(BatchAnswer.objects.order_by("id").values_list("answer", flat=True)) == [
        "ERROR",
        "ok",
        "ERROR",
    ]


def test_database_errors_requeue_with_growing_delay(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member)

    def behaviour(question, context):
        raise OperationalError("server closed the connection unexpectedly")

    before = timezone.now()
    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.QUEUED
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.attempts == 1
    assert job.error == "OperationalError: server closed the connection unexpectedly"
    assert job.next_attempt_at >= before + timedelta(seconds=60)
    assert wakeups[-1] == job.next_attempt_at
    assert work() == "idle", "not due yet"

    BatchJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    work(engine=ScriptedEngine(behaviour))
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.next_attempt_at >= timezone.now() + timedelta(seconds=110)

    BatchJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert [m.subject for m in mail.outbox] == [f"Batch {job.pk} failed"]


def test_other_errors_fail_at_once(client, member, three_documents, wakeups, work, sweep):
    job = queued_job(client, member)

    def behaviour(question, context):
        raise KeyError("choices")

    assert work(engine=ScriptedEngine(behaviour)) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "KeyError: 'choices'"
    assert OutboxEmail.objects.get().subject == f"Batch {job.pk} failed"


def test_a_worker_that_lost_its_claim_stops_writing(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member)

    def behaviour(question, context):
        BatchJob.objects.filter(pk=job.pk).update(claimed_by="someone-else")
        return EngineAnswer("late")

    assert work(engine=ScriptedEngine(behaviour)) == "lost"
    assert not BatchAnswer.objects.exists()
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED
    assert mail.outbox == []


def test_idle_wake_ups_do_nothing(client, member, three_documents, wakeups, work, sweep):
    assert work() == "idle"
    job = queued_job(client, member)
    work()
    assert work() == "idle"
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED


def test_only_one_of_two_claims_wins(client, member, three_documents, wakeups, work, sweep):
    job = queued_job(client, member)
    assert jobs.claim(BATCH_QUEUE, job.pk, worker="w1")
    assert not jobs.claim(BATCH_QUEUE, job.pk, worker="w2")
    assert jobs.claim_next(BATCH_QUEUE, worker="w2") is None
    job.refresh_from_db()
    assert (job.claimed_by, job.attempts) == ("w1", 1)


def test_the_oldest_queued_job_goes_first(client, member, three_documents, wakeups, work, sweep):
    first = queued_job(client, member)
    second = queued_job(client, member)
    work()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (JobStatus.FINISHED, JobStatus.QUEUED)


def test_sweep_gives_up_at_the_attempt_limit(
    client, member, three_documents, settings, wakeups, work, sweep
):
    job = queued_job(client, member)
    BatchJob.objects.filter(pk=job.pk).update(
        status=JobStatus.STARTED,
        attempts=settings.BATCH_JOB_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.BATCH_HEARTBEAT_TIMEOUT + 1),
    )
    result = sweep()
    assert result.failed == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Worker stopped responding."
    assert job.ended_at is not None
    assert [m.subject for m in mail.outbox] == [f"Batch {job.pk} failed"]


def test_sweep_leaves_live_jobs_and_rewakes_lost_messages(
    client, member, three_documents, settings, wakeups, work, sweep
):
    job = queued_job(client, member)
    live = queued_job(client, member)
    BatchJob.objects.filter(pk=live.pk).update(
        status=JobStatus.STARTED, heartbeat_at=timezone.now(), claimed_by="alive"
    )
    wakeups.clear()
    assert sweep().woken == 0
    BatchJob.objects.filter(pk=job.pk).update(
        last_enqueued_at=timezone.now() - timedelta(seconds=settings.BATCH_REQUEUE_AFTER + 1)
    )
    result = sweep()
    assert (result.woken, result.requeued) == (1, 0)
    assert wakeups == [None]
    live.refresh_from_db()
    assert live.status == JobStatus.STARTED


def test_requeue_recomputes_error_answers_and_their_dependents(
    client, member, three_documents, wakeups, work, sweep
):
    prompts = [
        {"name": "a", "value": "first"},
        {"name": "b", "value": "second", "dependencies": ["a"]},
        {"name": "c", "value": "third"},
    ]
    job = queued_job(client, member, prompts=prompts)
    failing = {"first"}

    def behaviour(question, context):
        if question in failing:
            raise EngineError("flaky")
        return EngineAnswer(f"ok {question}")

    engine = ScriptedEngine(behaviour)
    work(engine=engine)
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    BatchJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error="x", ended_at=timezone.now()
    )
    ok_ids = set(BatchAnswer.objects.filter(prompt_name="c").values_list("pk", flat=True))

    assert batch_jobs.batch_jobs_requeue(job_ids=[job.pk]) == 1
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts, job.documents_done) == (JobStatus.QUEUED, "", 0, 0)
    assert job.ended_at is None
    assert set(BatchAnswer.objects.values_list("prompt_name", flat=True)) == {"c"}
    failing.clear()
    engine.calls.clear()
    work(engine=engine)
    assert [question for question, _ in engine.calls] == ["first", "second"] * 3
    assert set(BatchAnswer.objects.filter(prompt_name="c").values_list("pk", flat=True)) == ok_ids
    assert set(BatchAnswer.objects.values_list("answer", flat=True)) == {
        "ok first", "ok second", "ok third",
    }  # fmt: skip


def test_requeue_deletes_the_answers_to_redo_in_one_query(
    client, member, three_documents, wakeups, django_assert_num_queries
):
    prompts = [
        {"name": "a", "value": "first"},
        {"name": "b", "value": "second", "dependencies": ["a"]},
        {"name": "c", "value": "third"},
    ]
    job = queued_job(client, member, prompts=prompts)
    first, second, third = (link.document for link in job.links.order_by("position"))
    stored = {
        first: {"a": "ERROR", "b": "NA", "c": "ok"},  # a failed: b, built on it, goes too
        second: {"a": "ok", "b": "ok", "c": "ERROR"},
        third: {"a": "ok", "b": "ERROR", "c": "ERROR"},
    }
    for document, answers in stored.items():
        for name, answer in answers.items():
            BatchAnswer.objects.create(job=job, document=document, prompt_name=name, answer=answer)
    BatchJobDocument.objects.filter(job=job).update(done_at=timezone.now())
    BatchJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, documents_done=3)

    with django_assert_num_queries(9) as captured:
        assert batch_jobs.batch_jobs_requeue(job_ids=[job.pk]) == 1
    deletes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 1
    kept = set(BatchAnswer.objects.values_list("document__file_name", "prompt_name", "answer"))
    assert kept == {
        ("a.txt", "c", "ok"),
        ("b.txt", "a", "ok"),
        ("b.txt", "b", "ok"),
        ("c.txt", "a", "ok"),
    }
    job.refresh_from_db()
    assert (job.status, job.documents_done) == (JobStatus.QUEUED, 0)


def test_requeue_a_canceled_job_and_ignore_others(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member)
    running = queued_job(client, member)
    batch_jobs.batch_jobs_cancel(job_ids=[job.pk])
    BatchJob.objects.filter(pk=running.pk).update(status=JobStatus.STARTED)
    assert batch_jobs.batch_jobs_requeue(job_ids=[job.pk, running.pk]) == 1
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (JobStatus.QUEUED, False)
    running.refresh_from_db()
    assert running.status == JobStatus.STARTED


def test_finished_email_attaches_the_workbook(
    client, member, three_documents, wakeups, work, sweep
):
    job = queued_job(client, member, prompts=PROMPTS[1:])
    work()
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Documents: 3" in message.body
    assert "Prompts: 2" in message.body
    assert "NA answers: 2" in message.body
    assert "ERROR answers: 0" in message.body
    assert "0 hours and 0 minutes" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == f"{job.pk}.xlsx"
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    job.refresh_from_db()
    assert content == default_storage.open(job.result_file.name).read()
    assert message.alternatives[0][1] == "text/html"


def test_finished_email_points_to_a_big_workbook(
    client, member, three_documents, settings, wakeups, work, sweep
):
    settings.BATCH_EMAIL_MAX_ATTACHMENT = 100
    job = queued_job(client, member)
    work()
    message = mail.outbox[0]
    assert message.attachments == []
    assert f"/api/batch/{job.pk}/file?download=1" in message.body


def test_the_queue_path_through_huey(client, member, three_documents):
    response = submit(client, member)
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert job.status == JobStatus.FINISHED


def test_storage_errors_requeue_the_job(
    client, member, three_documents, wakeups, work, monkeypatch
):
    from django.core.files.storage import default_storage as storage

    job = queued_job(client, member)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "save", full)
    assert work() == JobStatus.QUEUED
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.error == "OSError: [Errno 28] No space left on device"
    assert job.documents_done == 3, "answers and progress are kept for the next attempt"
    assert BatchAnswer.objects.count() == 3
    assert mail.outbox == []
