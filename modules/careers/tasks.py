"""Thin Huey tasks of the careers module: each calls one service."""

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from modules.careers.services.crowdsource import assignments_expire
from modules.careers.services.transcription import media_process, remote_poll

# Held in the shared cache while a poll pass runs, so two consumers' schedulers do not ask
# Amazon Transcribe twice about the same jobs; it expires on its own if a worker dies mid-pass.
POLL_LOCK_KEY = "careers:poll-transcriptions:lock"
POLL_LOCK_SECONDS = 50


@db_periodic_task(crontab(minute="*/15"))
def expire_review_assignments() -> int:
    """Every 15 minutes: review assignments held past ``CROWDSOURCE_ASSIGNMENT_TTL_HOURS`` go
    back to the pool (spec careers.md §7). Idempotent: a second run finds nothing."""
    return assignments_expire()


@db_task()
def process_media(job_id: int) -> str:
    """One attempt at a story's transcription; a duplicate wake-up finds nothing to claim."""
    return media_process(job_id=job_id)


@db_periodic_task(crontab(minute="*"))
def poll_transcriptions() -> dict[str, int]:
    """Every minute: ask the remote engine about the jobs waiting on it (spec §5 step 6)."""
    if not cache.add(POLL_LOCK_KEY, True, timeout=POLL_LOCK_SECONDS):
        return {}
    try:
        return remote_poll()
    finally:
        cache.delete(POLL_LOCK_KEY)
