"""Thin Huey tasks: load by id, call a service; the periodic sweep covers every job queue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core import jobs
from core.mail.services import email_deliver


@db_task()
def deliver_email(email_id: int) -> str:
    return email_deliver(email_id=email_id)


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> dict[str, jobs.SweepResult]:
    """Every minute: re-queue rows of dead workers and re-send lost wake-ups, for every queue."""
    return {queue.name: jobs.sweep(queue) for queue in jobs.registered()}
