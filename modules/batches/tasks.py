"""Thin Huey task: a wake-up claims and runs the oldest queued batch job."""

from huey.contrib.djhuey import db_task

from modules.batches.services.worker import batch_process_next


@db_task()
def process_next_batch_job() -> str:
    return batch_process_next()
