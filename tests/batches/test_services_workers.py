"""The real path (services run): two run_huey consumers on Redis and PostgreSQL share the jobs;
a worker killed mid-job is replaced after the sweep without recomputing stored answers."""

import re
import time
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from core import jobs
from core.models import JobStatus
from modules.batches.models import BatchAnswer, BatchJob, BatchProfile, Document, DocumentChunk
from modules.batches.services.jobs import batch_submit
from modules.batches.services.worker import BATCH_QUEUE
from tests.conftest import make_user
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CLAIM = re.compile(r"batch job ([0-9a-f-]{36}) claimed by [^:]+:(\d+):")
PROMPTS = [
    {"name": "term", "value": "What is the term of the agreement?"},
    {"name": "fees", "value": "When are the fees due?"},
    {"name": "law", "value": "Which law governs the contract?"},
]


@pytest.fixture
def owner() -> Any:
    organization = Group.objects.create(name="demo")
    user = make_user(email="abcd1234@example.com")
    user.groups.add(organization)
    BatchProfile.objects.create(user=user, cuid="ABCD1234")
    return user


def add_documents(owner: Any, ic01: str, count: int) -> None:
    organization = owner.groups.get()
    documents = Document.objects.bulk_create(
        Document(
            organization=organization,
            file_name=f"{ic01}-{index:04d}.txt",
            content_type="text/plain",
            size=100,
            sha256=f"{index:064d}",
            ic01=ic01,
            chunk_count=2,
            token_count=40,
        )
        for index in range(count)
    )
    DocumentChunk.objects.bulk_create(
        DocumentChunk(document=document, position=position, text=text, token_count=20)
        for document in documents
        for position, text in enumerate(
            (
                f"Contract {document.file_name}. The term of the agreement is "
                f"{len(document.file_name)} years. Fees are due within thirty days of the invoice.",
                "This contract is governed by the laws of France. Notices are sent by email.",
            )
        )
    )


def submit_job(owner: Any, ic01: str) -> BatchJob:
    return batch_submit(
        actor=owner,
        cuid="ABCD1234",
        scope={"ic01_list": [ic01]},
        prompts=[{**prompt, "dependencies": []} for prompt in PROMPTS],
        fields=None,
    )


def worker_env(**extra: str) -> dict[str, str]:
    return {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "EMAIL_URL": "dummymail://", **extra}


def claims(*workers: Any) -> dict[int, list[str]]:
    """Job ids each consumer logged a claim for, keyed by the consumer's process id."""
    found: dict[int, list[str]] = {}
    for worker in workers:
        for job_id, pid in CLAIM.findall(worker.log().decode()):
            assert int(pid) == worker.process.pid
            found.setdefault(worker.process.pid, []).append(job_id)
    return found


def test_two_consumers_share_jobs_and_answer_each_prompt_once(owner, huey_worker):
    first = huey_worker(**worker_env())
    second = huey_worker(**worker_env())
    submitted = []
    for index in range(6):
        add_documents(owner, f"ic01_{index}", 12)
        submitted.append(submit_job(owner, f"ic01_{index}"))
    wait_for(
        lambda: BatchJob.objects.filter(status=JobStatus.FINISHED).count() == len(submitted),
        timeout=120,
    )
    for job in BatchJob.objects.all():
        assert job.documents_done == job.documents_total == 12
        assert job.result_file.name == f"batches/results/{job.pk}.xlsx"
    answered = Counter(BatchAnswer.objects.values_list("job_id", "document_id", "prompt_name"))
    assert len(answered) == 6 * 12 * len(PROMPTS)
    assert set(answered.values()) == {1}
    by_worker = claims(first, second)
    claimed = [job_id for job_ids in by_worker.values() for job_id in job_ids]
    assert sorted(claimed) == sorted(str(job.pk) for job in submitted), by_worker
    for job in BatchJob.objects.all():
        pid = int(job.claimed_by.split(":")[1])
        assert str(job.pk) in by_worker[pid]


def test_a_killed_worker_is_replaced_without_recomputing_answers(owner, huey_worker, settings):
    add_documents(owner, "big", 150)
    doomed = huey_worker(**worker_env(BATCH_HEARTBEAT_TIMEOUT="2"))
    job = submit_job(owner, "big")
    wait_for(lambda: BatchJob.objects.get(pk=job.pk).documents_done >= 5, timeout=60)
    doomed.kill()
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED, "the job must still be running when its worker dies"
    before = {
        (row["document_id"], row["prompt_name"]): (row["pk"], row["created_at"], row["answer"])
        for row in BatchAnswer.objects.filter(job=job).values(
            "pk", "document_id", "prompt_name", "created_at", "answer"
        )
    }
    assert 0 < len(before) < 150 * len(PROMPTS)

    survivor = huey_worker(**worker_env(BATCH_HEARTBEAT_TIMEOUT="2"))
    settings.BATCH_HEARTBEAT_TIMEOUT = 2
    time.sleep(2.5)
    result = jobs.sweep(BATCH_QUEUE)
    assert result.requeued == 1
    wait_for(lambda: BatchJob.objects.get(pk=job.pk).status == JobStatus.FINISHED, timeout=120)

    job.refresh_from_db()
    assert job.documents_done == 150
    after = {
        (row["document_id"], row["prompt_name"]): (row["pk"], row["created_at"], row["answer"])
        for row in BatchAnswer.objects.filter(job=job).values(
            "pk", "document_id", "prompt_name", "created_at", "answer"
        )
    }
    assert len(after) == 150 * len(PROMPTS)
    for key, stored in before.items():
        assert after[key] == stored, "an answer stored before the crash was computed again"
    assert claims(doomed) == {doomed.process.pid: [str(job.pk)]}
    assert claims(survivor) == {survivor.process.pid: [str(job.pk)]}
    assert int(job.claimed_by.split(":")[1]) == survivor.process.pid
