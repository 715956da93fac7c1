"""Database-backed jobs: the row is the truth, a queue message only wakes a worker.

Every kind of background job (an outgoing email, a transcription, a batch run) is a model with a
status, attempts and timestamps (``core.models.JobRow``) and a ``JobQueue`` that says how to wake a
worker for it. The helpers here are the only places that move a row between states, so the claim
(one conditional UPDATE, one winner on SQLite and PostgreSQL alike) and the sweep that replaces
lost messages work the same way for every module.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

STALE_WORKER_MESSAGE = "Worker stopped responding."


@dataclass(frozen=True)
class JobQueue:
    """How core moves the rows of one job model: its states, its wake-up and its patience."""

    name: str
    model: type[models.Model]
    wake: Callable[[Any, datetime | None], None]
    heartbeat_timeout: Callable[[], int]
    requeue_after: Callable[[], int]
    exhausted: Callable[[Any], bool]
    queued: str = "queued"
    running: str = "started"
    failed: str = "failed"
    error_field: str = "last_error"
    on_give_up: Callable[[Any], None] | None = None
    order_by: tuple[str, ...] = field(default=("created_at", "pk"))


_registry: dict[str, JobQueue] = {}


def register(queue: JobQueue) -> None:
    """Modules register their queues in AppConfig.ready so the one periodic sweep covers them."""
    _registry[queue.name] = queue


def registered() -> list[JobQueue]:
    return list(_registry.values())


def worker_name() -> str:
    """Who holds a claim: host, process and thread, so the admin shows where a job ran."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def huey_wake(task_path: str, *, with_id: bool = True) -> Callable[[Any, datetime | None], None]:
    """A ``JobQueue.wake`` that calls the Huey task at ``task_path`` now, or schedules it for
    ``eta``. The task is imported on first use: tasks modules import the services that define
    their queue. ``with_id=False`` for a task that claims the next due row itself."""

    def wake(pk: Any, eta: datetime | None) -> None:
        task = import_string(task_path)
        args = (pk,) if with_id else ()
        if eta:
            task.schedule(args=args, eta=eta)
        else:
            task(*args)

    return wake


def enqueue(queue: JobQueue, pk: Any, *, eta: datetime | None = None) -> None:
    """Record when the wake-up is due and send it once the surrounding transaction commits."""
    now = timezone.now()
    due = max(now, eta) if eta else now
    queue.model._default_manager.filter(pk=pk).update(last_enqueued_at=due)
    transaction.on_commit(lambda: _wake(queue, pk, eta))


def _wake(queue: JobQueue, pk: Any, eta: datetime | None) -> None:
    try:
        queue.wake(pk, eta)
    except Exception:
        # The row stays queued; the sweep sends a new wake-up once the broker is back.
        logger.exception("could not enqueue %s %s; the sweep will retry", queue.name, pk)


def claim(queue: JobQueue, pk: Any, *, worker: str | None = None, **extra: Any) -> bool:
    """Move one due, queued row to running. Exactly one of several concurrent callers wins."""
    now = timezone.now()
    won = queue.model._default_manager.filter(
        pk=pk, status=queue.queued, next_attempt_at__lte=now
    ).update(
        status=queue.running,
        claimed_at=now,
        claimed_by=worker or worker_name(),
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        **extra,
    )
    return won == 1


def claim_next(queue: JobQueue, *, worker: str | None = None, **extra: Any) -> Any | None:
    """Claim the oldest due queued row, trying the next one whenever another worker wins.

    When others win every candidate, look again: a wake-up sent for a newer row may have taken
    an older one, and the newer row, committed after this look, is then this wake-up's to run
    (else it would wait for the sweep). Each new look follows a win by someone else, so the
    loop ends."""
    worker = worker or worker_name()
    while True:
        candidates = list(
            queue.model._default_manager.filter(
                status=queue.queued, next_attempt_at__lte=timezone.now()
            )
            .order_by(*queue.order_by)
            .values_list("pk", flat=True)[:50]
        )
        if not candidates:
            return None
        for pk in candidates:
            if claim(queue, pk, worker=worker, **extra):
                return pk


def release(
    queue: JobQueue, pk: Any, *, delay_seconds: float = 0, error: str = "", **extra: Any
) -> bool:
    """Give a running row back to the queue for another attempt after ``delay_seconds``."""
    eta = timezone.now() + timedelta(seconds=delay_seconds)
    moved = queue.model._default_manager.filter(pk=pk, status=queue.running).update(
        status=queue.queued,
        next_attempt_at=eta,
        claimed_by="",
        **{queue.error_field: error},
        **extra,
    )
    if moved:
        enqueue(queue, pk, eta=eta if delay_seconds else None)
    return moved == 1


def fail(
    queue: JobQueue, pk: Any, *, error: str, from_statuses: Iterable[str] = (), **extra: Any
) -> bool:
    """Mark a row failed with its reason, only if it is still in one of the expected states."""
    statuses = list(from_statuses) or [queue.running]
    moved = queue.model._default_manager.filter(pk=pk, status__in=statuses).update(
        status=queue.failed, **{queue.error_field: error[:2000]}, **extra
    )
    return moved == 1


def retry_or_fail(
    queue: JobQueue,
    pk: Any,
    *,
    attempts: int,
    delays: Sequence[float],
    error: str,
    on_fail: dict[str, Any] | None = None,
) -> str | None:
    """After a transient failure of attempt number ``attempts`` (1 for the first): back to the
    queue after ``delays[attempts - 1]`` seconds while delays are left, else failed for good
    (with ``on_fail``'s fields set too).

    One retry per delay, so ``[60, 300, 900]`` allows four attempts in all. Returns the status
    the row moved to, or None when it had stopped being this worker's (swept or canceled).
    """
    with transaction.atomic():
        if attempts > len(delays):
            moved = fail(queue, pk, error=error, **(on_fail or {}))
            return queue.failed if moved else None
        moved = release(queue, pk, delay_seconds=delays[attempts - 1], error=error)
        return queue.queued if moved else None


@dataclass
class SweepResult:
    requeued: int = 0
    woken: int = 0
    failed: int = 0


def sweep(queue: JobQueue, *, now: datetime | None = None) -> SweepResult:
    """Recover rows whose worker died or whose wake-up message was lost (a flushed broker)."""
    now = now or timezone.now()
    result = SweepResult()
    silent_since = now - timedelta(seconds=queue.heartbeat_timeout())
    stale = queue.model._default_manager.filter(status=queue.running).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, claimed_at__lt=silent_since)
    )
    row: Any
    for row in stale:
        still_stale = queue.model._default_manager.filter(
            pk=row.pk, status=queue.running, heartbeat_at=row.heartbeat_at
        )
        if queue.exhausted(row):
            if still_stale.update(status=queue.failed, **{queue.error_field: STALE_WORKER_MESSAGE}):
                result.failed += 1
                if queue.on_give_up:
                    row.refresh_from_db()
                    queue.on_give_up(row)
        elif still_stale.update(status=queue.queued, next_attempt_at=now, claimed_by=""):
            result.requeued += 1
            enqueue(queue, row.pk)
    lost_before = now - timedelta(seconds=queue.requeue_after())
    lost = queue.model._default_manager.filter(
        status=queue.queued, next_attempt_at__lte=now
    ).filter(Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=lost_before))
    for pk in lost.values_list("pk", flat=True):
        enqueue(queue, pk)
        result.woken += 1
    if result.requeued or result.woken or result.failed:
        logger.info("sweep %s: %s", queue.name, result)
    return result
