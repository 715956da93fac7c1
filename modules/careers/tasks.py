"""Thin Huey tasks of the careers module: each calls one service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from modules.careers.services.crowdsource import assignments_expire


@db_periodic_task(crontab(minute="*/15"))
def expire_review_assignments() -> int:
    """Every 15 minutes: review assignments held past ``CROWDSOURCE_ASSIGNMENT_TTL_HOURS`` go
    back to the pool (spec careers.md §7). Idempotent: a second run finds nothing."""
    return assignments_expire()
