"""Fault injection with real processes: a wiped broker and an SMTP outage lose nothing.

A worker killed with SIGKILL mid-job is covered with the batch worker in
tests/batches/test_services_workers.py; here the broker loses every queued message while batch
jobs and emails wait, and the SMTP server goes away while emails are queued and being delivered.
"""

import time
from collections import Counter

import pytest
import redis
from huey.contrib.djhuey import HUEY

from core.mail import queue_email
from core.models import JobStatus, OutboxEmail
from core.tasks import sweep_jobs
from modules.batches.models import BatchAnswer, BatchJob
from tests.batches import test_services_workers as batch_run
from tests.batches.test_services_workers import PROMPTS, add_documents, submit_job
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SENT = OutboxEmail.Status.SENT


@pytest.fixture
def owner():
    """The cuid user of a batch organization, as in the batches services run."""
    return batch_run.owner.__wrapped__()


def outbox_ids(messages) -> Counter:
    """How many times each outbox row reached the SMTP server (its X-Outbox-ID header)."""
    return Counter(int(message["X-Outbox-ID"]) for message in messages)


def test_flushdb_while_jobs_and_emails_are_queued_loses_nothing(
    owner,
    huey_worker,
    smtp_sink,
    settings,
):
    """The broker's database is wiped with every wake-up still in it.

    FLUSHDB on the test's own Redis database (db 15 in the services run) stands for "the broker
    lost everything": every Huey key (queue, schedule, results) and the cache live there, while
    FLUSHALL would also wipe the other databases of a possibly shared server. One sweep must wake
    every lost row; the workers then finish everything without any further sweep.
    """
    smtp_sink.start()
    add_documents(owner, "ic01_a", 3)
    add_documents(owner, "ic01_b", 2)
    jobs = [submit_job(owner, "ic01_a"), submit_job(owner, "ic01_b")]
    emails = [queue_email(f"user{i}@example.com", f"Queued {i}", "body") for i in range(5)]

    # Every wake-up is in the Redis queue now: one per job and one per email.
    pending = Counter(task.name.rsplit(".", 1)[-1] for task in HUEY.pending())
    assert pending == {"process_next_batch_job": len(jobs), "deliver_email": len(emails)}
    assert HUEY.pending_count() == len(jobs) + len(emails)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    assert broker.dbsize() == 0
    assert HUEY.pending_count() == 0

    # Periodic tasks are off in the workers (HUEY_PERIODIC=0): nothing but the one sweep below.
    worker = huey_worker(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    time.sleep(2)
    assert set(BatchJob.objects.values_list("status", flat=True)) == {JobStatus.QUEUED}
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"queued"}
    assert smtp_sink.messages == []

    settings.OUTBOX_REQUEUE_AFTER = 0
    settings.BATCH_REQUEUE_AFTER = 0
    results = sweep_jobs.call_local()
    moved = {name: (r.woken, r.requeued, r.failed) for name, r in results.items()}
    assert {name: counts for name, counts in moved.items() if counts != (0, 0, 0)} == {
        "outbox": (len(emails), 0, 0),
        "batches": (len(jobs), 0, 0),
    }

    def all_done() -> bool:
        return not BatchJob.objects.exclude(status=JobStatus.FINISHED).exists() and (
            not OutboxEmail.objects.exclude(status=SENT).exists()
        )

    wait_for(all_done, timeout=60, interval=0.2)
    # Nothing is left to run, so no late duplicate can still arrive after the check below.
    wait_for(lambda: HUEY.pending_count() == 0 and HUEY.scheduled_count() == 0, timeout=10)
    time.sleep(0.5)

    # Each job was claimed once (the row's attempts count failures since progress, not claims).
    assert sorted(batch_run.claims(worker)[worker.process.pid]) == sorted(str(j.pk) for j in jobs)
    for job in BatchJob.objects.all():
        assert job.documents_done == job.documents_total
    answered = Counter(BatchAnswer.objects.values_list("job_id", "document_id", "prompt_name"))
    assert len(answered) == (3 + 2) * len(PROMPTS)
    assert set(answered.values()) == {1}, "a (document, prompt) answer was computed twice"

    rows = list(OutboxEmail.objects.all())
    assert len(rows) == len(emails) + len(jobs)  # the queued ones and each job's "finished"
    assert {row.attempts for row in rows} == {1}
    assert outbox_ids(smtp_sink.messages) == {row.pk: 1 for row in rows}
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    queued = [e.subject for e in emails]
    finished = [f"Batch {job.pk} finished" for job in jobs]
    assert subjects == sorted(queued + finished)


def test_smtp_server_stopped_while_emails_are_queued_delivers_each_email_once(
    huey_worker, smtp_sink, settings
):
    """The SMTP server dies with emails mid-delivery and more still queued, and comes back.

    The sink accepts four messages, then holds the next DATA commands unanswered; once both
    worker threads are stuck there it stops, cutting those two deliveries off, while the rest
    wait in the queue. Every email is tried against the dead server, and after the restart on
    the same port each one arrives exactly once.
    """
    settings.OUTBOX_RETRY_DELAY = 1
    settings.OUTBOX_MAX_RETRIES = 30
    delivered_first = 4
    smtp_sink.hold_after(delivered_first)
    smtp_sink.start()
    worker = huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}", EMAIL_TIMEOUT="3")
    emails = [queue_email(f"user{i}@example.com", f"Outage {i}", "body") for i in range(12)]
    by_pk = {email.pk: email for email in emails}

    # Both consumer threads (HUEY_WORKERS=2) are in DATA, waiting for an answer.
    wait_for(lambda: smtp_sink.waiting == 2, timeout=30)
    first = outbox_ids(smtp_sink.messages)
    cut_off = set(outbox_ids(smtp_sink.cut_off))
    assert len(first) == delivered_first and len(cut_off) == 2 and not cut_off & set(first)
    unsent = set(by_pk) - set(first)
    # With both threads held, the others are still queued, never tried.
    untried = OutboxEmail.objects.filter(pk__in=unsent - cut_off, status="queued", attempts=0)
    assert untried.count() == len(emails) - delivered_first - 2
    smtp_sink.stop()

    # While the server is down, every unsent email is tried and fails back to the queue.
    def all_failed_once() -> bool:
        rows = OutboxEmail.objects.filter(pk__in=unsent)
        return all(r.status == "queued" and r.attempts >= 1 and r.last_error for r in rows)

    wait_for(all_failed_once, timeout=30)
    # The two held deliveries failed on the dropped connection, not on a refused one.
    log = worker.log().decode()
    for pk in cut_off:
        assert f"email {pk} attempt 1 failed, retrying: SMTPServerDisconnected" in log, log
    assert len(smtp_sink.messages) == delivered_first

    smtp_sink.hold_after(None)
    smtp_sink.start()
    wait_for(lambda: not OutboxEmail.objects.exclude(status=SENT).exists(), timeout=60)
    wait_for(lambda: HUEY.pending_count() == 0 and HUEY.scheduled_count() == 0, timeout=10)
    time.sleep(0.5)

    assert outbox_ids(smtp_sink.messages) == {pk: 1 for pk in by_pk}
    assert sorted(m["Subject"] for m in smtp_sink.messages) == sorted(e.subject for e in emails)
    for row in OutboxEmail.objects.all():
        assert row.status == SENT and row.sent_at and row.last_error == "", row
        if row.pk in first:
            assert row.attempts == 1, row
        else:
            # At least one failed attempt during the outage, well within the retry budget.
            assert 2 <= row.attempts <= row.max_retries, row
