"""Thin Huey tasks of the assessments module: each loads by id and calls one service."""

from typing import Any

from huey.contrib.djhuey import db_task

from modules.assessments.services.reencryption import reencryption_run


@db_task()
def reencrypt_answers(job_id: Any) -> str:
    """Re-key a respondent's answers after a password change (spec §9); a second wake-up for
    the same job finds it claimed or done and does nothing."""
    return reencryption_run(job_id=job_id)
