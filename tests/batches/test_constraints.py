"""The database itself refuses rows the services never write (spec §1 and §5)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from core.models import JobStatus
from modules.batches.models import BatchJob, Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(member):
    return BatchJob.objects.create(
        user=member, submitted_by=member, cuid="ABCD1234", documents_total=2, documents_done=1
    )


def refused(queryset, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "paused"},
        {"status": ""},
        {"engine": "magic"},
        {"engine": ""},
        {"documents_done": 3},
        {"documents_done": F("documents_total") + 1},
        {"documents_total": 0},
    ],
)
def test_a_job_outside_its_closed_sets_or_past_its_total_is_refused(job, changes):
    refused(BatchJob.objects.filter(pk=job.pk), **changes)
    job.refresh_from_db()
    assert (job.status, job.engine) == (JobStatus.QUEUED, "local")
    assert (job.documents_done, job.documents_total) == (1, 2)


def test_a_job_takes_every_status_and_engine_and_a_full_progress(job):
    jobs = BatchJob.objects.filter(pk=job.pk)
    for status in JobStatus.values:
        assert jobs.update(status=status) == 1
    assert jobs.update(engine="openai") == 1
    assert jobs.update(documents_done=F("documents_total")) == 1
    job.refresh_from_db()
    assert (job.status, job.engine, job.documents_done) == (JobStatus.CANCELED, "openai", 2)


def test_a_document_without_ic01_is_refused(make_document):
    document = make_document(ic01="ic01_1")
    refused(Document.objects.filter(pk=document.pk), ic01="")
    document.refresh_from_db()
    assert document.ic01 == "ic01_1"
    assert Document.objects.count() == 1
