"""Thin Huey tasks: load by id, call a service; the periodic sweep covers every job queue."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from core import jobs
from core.mail.services import email_deliver

# Held while a sweep runs. Consumers flush it when they start (settings: flush_locks), so a
# worker killed mid-sweep does not stop the sweep for good.
SWEEP_LOCK = HUEY.lock_task("core-sweep-jobs")


@db_task()
def deliver_email(email_id: int) -> str:
    return email_deliver(email_id=email_id)


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> dict[str, jobs.SweepResult]:
    """Every minute: re-queue rows of dead workers and re-send lost wake-ups, for every queue.

    One sweep at a time: if two consumers both schedule it, the run that finds the lock taken
    skips (the sweep is idempotent, so a later run picks up anything left).
    """
    try:
        with SWEEP_LOCK:
            return {queue.name: jobs.sweep(queue) for queue in jobs.registered()}
    except TaskLockedException:
        return {}
