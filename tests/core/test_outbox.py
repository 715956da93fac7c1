import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core import jobs
from core.mail import queue_email, services
from core.mail.services import OUTBOX_QUEUE, email_deliver, email_retry
from core.models import OutboxEmail
from core.tasks import SWEEP_LOCK_KEY, SWEEP_LOCK_SECONDS, sweep_jobs
from tests.core import backends

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks, monkeypatch):
    """Service calls here stand for a committed request: run their on-commit callbacks at once."""
    import core.mail.services as services

    original = services.queue_email

    def committed(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    monkeypatch.setattr("tests.core.test_outbox.queue_email", committed)
    yield


DISCONNECTED = "tests.core.backends.DisconnectedBackend"


def test_queued_email_is_delivered_by_the_worker_after_commit():
    email = queue_email(
        ["ada@example.com", "ADA@example.com", "", None, "bob@example.com"],
        "Hello",
        "plain body",
        html="<p>html body</p>",
        attachments=[("report.txt", b"numbers", "text/plain")],
    )
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1 and email.sent_at is not None and email.last_error == ""
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com", "bob@example.com"]
    assert message.subject == "Hello"
    assert message.body == "plain body"
    assert message.alternatives[0][0] == "<p>html body</p>"
    assert message.attachments[0][:2] == ("report.txt", "numbers")
    assert message.from_email == "Platform <noreply@example.com>"


def test_nobody_to_send_to_writes_nothing():
    assert queue_email(["", None], "Hello", "body") is None
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.queue_email("ada@example.com", "Hello", "body")
        raise RuntimeError("the business write failed")
    assert callbacks == []
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_transient_failure_is_retried_later_with_the_reason(settings):
    settings.EMAIL_BACKEND = DISCONNECTED
    before = timezone.now()
    email = queue_email("ada@example.com", "Hello", "body")
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    expected = before + timedelta(seconds=300)
    assert expected <= email.next_attempt_at <= timezone.now() + timedelta(seconds=300)
    # The retry waits in the queue's schedule instead of running now.
    assert len(HUEY.scheduled()) == 1
    assert HUEY.scheduled()[0].eta is not None


def _run_due(email):
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    return email_deliver(email_id=email.pk)


def test_three_retries_then_failed(settings):
    settings.EMAIL_BACKEND = "tests.core.backends.RefusedBackend"
    email = queue_email("ada@example.com", "Hello", "body")
    assert [_run_due(email) for _ in range(3)] == ["queued", "queued", "failed"]
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 4
    assert "ConnectionRefusedError" in email.last_error
    assert _run_due(email) == "skipped"


def test_per_call_retry_policy(settings):
    settings.EMAIL_BACKEND = DISCONNECTED
    email = queue_email("ada@example.com", "Hello", "body", max_retries=0)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    other = queue_email("bob@example.com", "Hello", "body", max_retries=5, retry_delay=10)
    other.refresh_from_db()
    assert other.status == OutboxEmail.Status.QUEUED
    assert other.next_attempt_at <= timezone.now() + timedelta(seconds=10)


def test_permanent_error_fails_at_once(settings):
    settings.EMAIL_BACKEND = "tests.core.backends.BrokenBackend"
    email = queue_email("ada@example.com", "Hello", "body")
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 1
    assert email.last_error == "ValueError: cannot encode header"


def test_duplicate_wake_up_sends_once():
    email = queue_email("ada@example.com", "Hello", "body")
    assert email_deliver(email_id=email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_claim_has_one_winner():
    email = OutboxEmail.objects.create(
        to=["a@example.com"], subject="s", text="t", from_email="f@x"
    )
    assert jobs.claim(OUTBOX_QUEUE, email.pk) is True
    assert jobs.claim(OUTBOX_QUEUE, email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENDING and email.attempts == 1


def test_staff_retry_gives_failed_email_new_attempts(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = DISCONNECTED
    email = queue_email("ada@example.com", "Hello", "body", max_retries=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email_ids=[email.pk]) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert email_retry(email_ids=[email.pk]) == 0


def test_sweep_wakes_rows_whose_message_was_lost(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_REQUEUE_AFTER = 60
    lost = OutboxEmail.objects.create(
        to=["a@example.com"], subject="lost", text="t", from_email="f@x",
        last_enqueued_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    recent = OutboxEmail.objects.create(
        to=["b@example.com"], subject="recent", text="t", from_email="f@x",
        last_enqueued_at=timezone.now(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_jobs.call_local()["outbox"]
    assert (result.woken, result.requeued, result.failed) == (1, 0, 0)
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == OutboxEmail.Status.SENT
    assert recent.status == OutboxEmail.Status.QUEUED
    assert [m.subject for m in mail.outbox] == ["lost"]


def test_sweep_requeues_rows_of_a_dead_worker_and_gives_up_when_exhausted(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_HEARTBEAT_TIMEOUT = 60
    old = timezone.now() - timedelta(minutes=10)
    common = {
        "subject": "s",
        "text": "t",
        "from_email": "f@x",
        "status": "sending",
        "heartbeat_at": old,
    }
    dead = OutboxEmail.objects.create(to=["a@example.com"], attempts=1, **common)
    exhausted = OutboxEmail.objects.create(to=["b@example.com"], attempts=4, **common)
    alive = OutboxEmail.objects.create(
        to=["c@example.com"], attempts=1, **{**common, "heartbeat_at": timezone.now()}
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_jobs.call_local()["outbox"]
    assert (result.requeued, result.failed) == (1, 1)
    dead.refresh_from_db()
    exhausted.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "sent" and dead.attempts == 2
    assert exhausted.status == "failed" and exhausted.last_error == "Worker stopped responding."
    assert alive.status == "sending"


def test_a_sweep_while_another_holds_the_lock_does_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_REQUEUE_AFTER = 60
    lost = OutboxEmail.objects.create(
        to=["a@example.com"], subject="lost", text="t", from_email="f@x",
        last_enqueued_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    cache.add(SWEEP_LOCK_KEY, True, timeout=SWEEP_LOCK_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_jobs.call_local() == {}
    lost.refresh_from_db()
    assert lost.status == OutboxEmail.Status.QUEUED
    assert lost.attempts == 0
    assert mail.outbox == []
    # Once the running sweep is done, the next one does the work, and frees the lock again.
    cache.delete(SWEEP_LOCK_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_jobs.call_local()["outbox"].woken == 1
    assert cache.get(SWEEP_LOCK_KEY) is None
    lost.refresh_from_db()
    assert lost.status == OutboxEmail.Status.SENT


def test_the_sweep_lock_of_a_killed_worker_expires_within_the_minute(monkeypatch):
    from django.core.cache.backends import locmem

    import core.tasks

    local = locmem.LocMemCache("sweep-lock-test", {})
    monkeypatch.setattr(core.tasks, "cache", local)
    local.add(SWEEP_LOCK_KEY, True, timeout=SWEEP_LOCK_SECONDS)  # its holder was killed
    assert sweep_jobs.call_local() == {}
    a_minute_later = time.time() + 60
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: a_minute_later))
    assert "outbox" in sweep_jobs.call_local()
    assert local.get(SWEEP_LOCK_KEY) is None


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 1, 0, 0),
        datetime(2026, 1, 1, 0, 1),
        datetime(2026, 3, 14, 9, 7),
        datetime(2026, 6, 30, 13, 29),
        datetime(2026, 12, 31, 23, 59),
    ],
)
def test_the_sweep_is_a_periodic_task_that_runs_every_minute(moment):
    assert sweep_jobs.task_class().validate_datetime(moment) is True
    # The consumer schedules what the queue's registry reads as due at that minute.
    due = [type(task) for task in HUEY.read_periodic(moment)]
    assert sweep_jobs.task_class in due
    assert sweep_jobs.task_class in HUEY._registry._periodic_tasks


def test_database_refuses_a_status_outside_the_outbox_states():
    email = OutboxEmail.objects.create(to=["a@example.com"], subject="s", text="t", from_email="f")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxEmail.objects.create(
            to=["b@example.com"], subject="s", text="t", from_email="f", status="started"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxEmail.objects.filter(pk=email.pk).update(status="bogus")
    assert list(OutboxEmail.objects.values_list("to", "status")) == [
        (["a@example.com"], OutboxEmail.Status.QUEUED)
    ]


def test_a_reset_while_hanging_up_after_sending_is_still_one_delivery(settings):
    # Django's SMTP backend lets a connection reset on QUIT escape; retrying would send twice.
    settings.EMAIL_BACKEND = "tests.core.backends.ResetOnQuitBackend"
    backends.calls.clear()
    email = queue_email("ada@example.com", "Hello", "body")
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert email.last_error == ""
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert backends.calls == ["close"]
