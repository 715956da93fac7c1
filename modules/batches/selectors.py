"""Reads scoped to the caller: organization members see documents, owners and submitters jobs."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core import fastpath
from core.models import JobStatus, User
from core.pagination import EmptyListing, Listing
from core.selectors import pk_or_404
from modules.batches.errors import BatchNotFound
from modules.batches.models import BatchJob, Document
from modules.batches.schemas import DOCUMENT_COLUMNS, document_item

BATCH_NOT_FOUND = "Batch {job_id} not found"


def documents_visible(*, actor: User) -> QuerySet[Document]:
    """Members see their organizations' documents and staff all, so others' are a plain 404."""
    documents = Document.objects.select_related("organization")
    if actor.is_staff:
        return documents
    return documents.filter(organization__in=actor.groups.all())


_DOCUMENT_ORDER = ("-created_at", "-id")


def _documents_matching(staff: bool, with_ic01: bool, args: tuple[Any, ...]) -> QuerySet[Any]:
    """The documents of a list: the caller's organizations' (``args[0]``) unless staff, with
    the ``ic01`` that is the last argument when ``with_ic01``."""
    documents = Document.objects.all()
    if not staff:
        groups = Group.objects.filter(user__id=args[0])
        documents = documents.filter(organization__in=groups)
    if with_ic01:
        documents = documents.filter(ic01=args[-1])
    return documents


class DocumentListing(Listing):
    """The document list as prepared reads (``core.fastpath.prepared``): compiled once per shape
    (staff or not, filtered or not, which page), the caller and the filter bound. Items are what
    ``DocumentOut`` dumps (``schemas.document_item``), read as plain values: model objects for a
    page of documents and their organizations cost more than the page's queries."""

    def __init__(self, *, actor: User, ic01: str | None) -> None:
        self.staff = bool(actor.is_staff)
        self.with_ic01 = bool(ic01)
        self.args: tuple[Any, ...] = (
            *(() if self.staff else (actor.pk,)),
            *((ic01,) if ic01 else ()),
        )
        self.kind = f"{self.staff}:{self.with_ic01}"

    def _matching(self) -> Callable[..., QuerySet[Any]]:
        staff, with_ic01 = self.staff, self.with_ic01
        return lambda *args: _documents_matching(staff, with_ic01, args)

    def page(self, start: int, stop: int) -> tuple[list[Any], int | None]:
        matching = self._matching()

        def build(*args: Any) -> QuerySet[Any]:
            documents = matching(*args).order_by(*_DOCUMENT_ORDER)
            return documents.values_list(*DOCUMENT_COLUMNS)[start:stop]

        name = f"batches.document_page:{self.kind}:{start}:{stop}"
        return [document_item(row) for row in fastpath.prepared(name, build, *self.args)], None

    def total(self) -> int:
        name = f"batches.document_total:{self.kind}"
        return fastpath.prepared_count(name, self._matching(), *self.args)


def document_list(*, actor: User, ic01: str | None = None) -> Listing:
    """Visible documents newest first (the id breaks ties so pages never overlap)."""
    if ic01 and "\x00" in ic01:
        return EmptyListing()  # no stored ic01 holds one, and SQL must not see it
    return DocumentListing(actor=actor, ic01=ic01)


def document_get(*, actor: User, document_id: Any) -> Document:
    """One visible document; an invisible one is NotFound, never a hint that it exists."""
    return pk_or_404(documents_visible(actor=actor), document_id)


# One instance for every query: a field made per call carries a new creation counter, which
# would make each request's query look new to core.fastpath.
_COUNT: "IntegerField[int, int]" = IntegerField()


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


_STATUS_COLUMNS = (
    "status",
    "ahead",
    "documents_done",
    "documents_total",
    "created_at",
    "started_at",
    "ended_at",
    "error",
)


def _status_of(staff: bool) -> Callable[..., QuerySet[Any]]:
    def build(pk: uuid.UUID, *actor_id: int) -> QuerySet[Any]:
        jobs = BatchJob.objects.filter(pk=pk)
        if not staff:
            jobs = jobs.filter(Q(user_id=actor_id[0]) | Q(submitted_by_id=actor_id[0]))
        return with_queue_rank(jobs).values(*_STATUS_COLUMNS)

    return build


def batch_status(*, actor: User, job_id: str) -> dict[str, Any]:
    """What ``GET /api/batch/{job_id}`` shows of a job ``batch_get`` finds, as plain values
    (``schemas.BatchStatusOut``), by one prepared read (``core.fastpath.prepared_first``)."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise BatchNotFound(BATCH_NOT_FOUND.format(job_id=job_id)) from None
    staff = bool(actor.is_staff)
    args = (pk,) if staff else (pk, actor.pk)
    row = fastpath.prepared_first(f"batches.batch_status:{staff}", _status_of(staff), *args)
    if row is None:
        raise BatchNotFound(BATCH_NOT_FOUND.format(job_id=job_id))
    status = row["status"]
    return {
        "status": status,
        "queue_rank": row["ahead"] if status == JobStatus.QUEUED else -1,
        "progress": {"done": row["documents_done"], "total": row["documents_total"]},
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "error": (row["error"] or None) if status == JobStatus.FAILED else None,
    }


def batch_list(*, actor: User, status: str | None = None) -> QuerySet[BatchJob]:
    """The caller's own and submitted jobs, newest first (staff too: a list is personal)."""
    jobs = BatchJob.objects.filter(Q(user=actor) | Q(submitted_by=actor))
    if status and status not in JobStatus.values:
        jobs = jobs.none()
    elif status:
        jobs = jobs.filter(status=status)
    return with_queue_rank(jobs).order_by("-created_at", "-id")
