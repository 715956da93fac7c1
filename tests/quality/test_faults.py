"""Fault injection with real processes: a flushed broker and an SMTP outage lose nothing.

A worker killed with SIGKILL mid-job is covered with the batch worker in
tests/batches/test_services_workers.py; here the broker loses every queued message while batch
jobs and emails wait, and the SMTP server disappears while emails are queued.
"""

import time

import pytest
import redis

from core.mail import queue_email
from core.models import JobStatus, OutboxEmail
from core.tasks import sweep_jobs
from modules.batches.models import BatchAnswer, BatchJob
from tests.batches import test_services_workers as batch_run
from tests.batches.test_services_workers import PROMPTS, add_documents, submit_job
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner():
    """The cuid user of a batch organization, as in the batches services run."""
    return batch_run.owner.__wrapped__()


def test_flushall_while_jobs_and_emails_are_queued_loses_nothing(
    owner,
    huey_worker,
    smtp_sink,
    settings,
):
    smtp_sink.start()
    add_documents(owner, "ic01_a", 3)
    add_documents(owner, "ic01_b", 2)
    jobs = [submit_job(owner, "ic01_a"), submit_job(owner, "ic01_b")]
    emails = [queue_email(f"user{i}@example.com", f"Queued {i}", "body") for i in range(5)]
    # Every wake-up is in Redis now; the broker forgets them all.
    redis.Redis.from_url(settings.REDIS_URL).flushall()
    huey_worker(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    time.sleep(2)
    assert set(BatchJob.objects.values_list("status", flat=True)) == {JobStatus.QUEUED}
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"queued"}

    settings.OUTBOX_REQUEUE_AFTER = 0
    settings.BATCH_REQUEUE_AFTER = 0
    results = sweep_jobs.call_local()
    assert results["outbox"].woken == 5
    assert sum(r.woken for name, r in results.items() if name != "outbox") >= 1

    def all_done() -> bool:
        done = all(
            s == JobStatus.FINISHED for s in BatchJob.objects.values_list("status", flat=True)
        )
        # The sweep wakes one batch worker per lost message; finishing jobs wake the next.
        if not done:
            sweep_jobs.call_local()
        return done and not OutboxEmail.objects.exclude(status="sent").exists()

    wait_for(all_done, timeout=90, interval=1)
    assert BatchAnswer.objects.count() == (3 + 2) * len(PROMPTS)
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    queued = sorted(e.subject for e in emails)
    finished = sorted(f"Batch {job.pk} finished" for job in jobs)
    assert subjects == sorted(queued + finished)


def test_smtp_outage_then_recovery_delivers_each_email_once(huey_worker, smtp_sink):
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    emails = [
        queue_email(f"user{i}@example.com", f"Outage {i}", "body", retry_delay=1) for i in range(5)
    ]
    wait_for(lambda: OutboxEmail.objects.filter(attempts__gte=1).count() == 5)
    assert smtp_sink.messages == []
    smtp_sink.start()
    wait_for(lambda: not OutboxEmail.objects.exclude(status="sent").exists(), timeout=60)
    time.sleep(2)
    assert sorted(m["Subject"] for m in smtp_sink.messages) == sorted(e.subject for e in emails)
