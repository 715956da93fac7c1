"""Reads scoped to the caller: organization members see documents, owners and submitters jobs."""

import uuid
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core import fastpath
from core.models import JobStatus, User
from core.selectors import pk_or_404
from modules.batches.errors import BatchNotFound
from modules.batches.models import BatchJob, Document

BATCH_NOT_FOUND = "Batch {job_id} not found"


def documents_visible(*, actor: User) -> QuerySet[Document]:
    """Members see their organizations' documents and staff all, so others' are a plain 404."""
    documents = Document.objects.select_related("organization")
    if actor.is_staff:
        return documents
    return documents.filter(organization__in=actor.groups.all())


def document_list(*, actor: User, ic01: str | None = None) -> QuerySet[Document]:
    """Visible documents newest first (the id breaks ties so pages never overlap)."""
    documents = documents_visible(actor=actor)
    if ic01 and "\x00" in ic01:
        return documents.none()  # no stored ic01 holds one, and SQL must not see it
    if ic01:
        documents = documents.filter(ic01=ic01)
    return documents.order_by("-created_at", "-id")


def document_get(*, actor: User, document_id: Any) -> Document:
    """One visible document; an invisible one is NotFound, never a hint that it exists."""
    return pk_or_404(documents_visible(actor=actor), document_id)


# One instance for every query: a field made per call carries a new creation counter, which
# would make each request's query look new to core.fastpath.
_COUNT = IntegerField()


def with_queue_rank(jobs: QuerySet[BatchJob]) -> QuerySet[BatchJob]:
    """Annotate ``ahead``: queued jobs of every user before each job in (created_at, id) order."""
    ahead = (
        BatchJob.objects.filter(status=JobStatus.QUEUED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
        )
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values("n")
    )
    return jobs.annotate(ahead=Coalesce(Subquery(ahead, output_field=_COUNT), Value(0)))


def batch_visible(*, actor: User) -> QuerySet[BatchJob]:
    """Jobs the caller owns or submitted (staff: all); the legacy API let anyone read any job."""
    jobs = BatchJob.objects.all()
    if actor.is_staff:
        return jobs
    return jobs.filter(Q(user=actor) | Q(submitted_by=actor))


def batch_get(*, actor: User, job_id: str, not_found: str = BATCH_NOT_FOUND) -> BatchJob:
    """A job the caller may see (owner, submitter, staff), else ``BatchNotFound``;
    ``not_found`` is only for the file endpoint, whose legacy message ends with a period."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise BatchNotFound(not_found.format(job_id=job_id)) from None
    job = fastpath.first(with_queue_rank(batch_visible(actor=actor)).filter(pk=pk))
    if job is None:
        raise BatchNotFound(not_found.format(job_id=job_id))
    return job


def batch_list(*, actor: User, status: str | None = None) -> QuerySet[BatchJob]:
    """The caller's own and submitted jobs, newest first (staff too: a list is personal)."""
    jobs = BatchJob.objects.filter(Q(user=actor) | Q(submitted_by=actor))
    if status and status not in JobStatus.values:
        jobs = jobs.none()
    elif status:
        jobs = jobs.filter(status=status)
    return with_queue_rank(jobs).order_by("-created_at", "-id")
