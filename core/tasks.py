"""Thin Huey tasks: load by id, call a service; the periodic sweep covers every job queue."""

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core import auth, jobs
from core.mail.services import email_deliver

# Held in the cache (Redis in production, shared by every consumer) while a sweep runs. It
# expires on its own within the minute, so a worker killed mid-sweep delays one sweep at most;
# a Huey lock would stay taken until some consumer restarted.
SWEEP_LOCK_KEY = "core:sweep-jobs:lock"
SWEEP_LOCK_SECONDS = 50


@db_task()
def deliver_email(email_id: int) -> str:
    return email_deliver(email_id=email_id)


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> dict[str, jobs.SweepResult]:
    """Every minute: re-queue rows of dead workers and re-send lost wake-ups, for every queue.

    One sweep at a time: if two consumers both schedule it, the run that finds the lock taken
    skips (the sweep is idempotent, so a later run picks up anything left).
    """
    if not cache.add(SWEEP_LOCK_KEY, True, timeout=SWEEP_LOCK_SECONDS):
        return {}
    try:
        return {queue.name: jobs.sweep(queue) for queue in jobs.registered()}
    finally:
        cache.delete(SWEEP_LOCK_KEY)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_tokens() -> dict[str, int]:
    """Daily: revoked and issued tokens past their expiry are refused by their signature anyway."""
    return auth.tokens_purge()
