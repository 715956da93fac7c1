"""Batch jobs seen from the API and the admin: submit, cancel, requeue, and the result file."""

import base64
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core import jobs
from core.db import Lowered
from core.errors import NON_FIELD, ValidationFailed
from core.models import JobStatus, User
from modules.batches.engines import ERROR
from modules.batches.errors import AccountRefused, CuidUnknown, ResultFileNotFound
from modules.batches.models import BatchAnswer, BatchJob, BatchJobDocument, BatchProfile, Document
from modules.batches.prompts import Prompt
from modules.batches.selectors import batch_get, with_queue_rank
from modules.batches.services.results import XLSX
from modules.batches.services.worker import BATCH_QUEUE

USER_NOT_FOUND = "User not found"
CUID_MISMATCH = "cuid does not match the authenticated user"
NO_DOCUMENTS = "No documents match this scope."
FILE_NOT_VISIBLE = "Batch {job_id} not found."  # the file endpoint's legacy 404, with a period
FILE_NOT_FOUND = "Job file not found"


def batch_submit(
    *,
    actor: User,
    cuid: str,
    scope: dict[str, Any],
    prompts: list[Prompt],
    fields: list[str] | None,
) -> BatchJob:
    """Resolve the cuid and the scope, then create the job with its documents in one transaction.

    ``scope`` is stored as given (JSON); ``fields`` None means every metadata column.
    """
    profile = BatchProfile.objects.select_related("user").filter(cuid=cuid.upper()).first()
    if profile is None:
        raise CuidUnknown(USER_NOT_FOUND)
    owner = profile.user
    if owner.pk != actor.pk and not actor.is_staff:
        raise AccountRefused(CUID_MISMATCH)
    documents = scope_documents(owner=owner, scope=scope)
    with transaction.atomic():
        found = list(documents.values_list("pk", "token_count"))
        if not found:
            raise ValidationFailed(field=("scope", NON_FIELD), message=NO_DOCUMENTS)
        limit = settings.BATCH_MAX_DOCUMENTS
        if len(found) > limit:
            message = f"The scope matches {len(found)} documents; at most {limit} are allowed."
            raise ValidationFailed(field=("scope", NON_FIELD), message=message)
        job = BatchJob.objects.create(
            user=owner,
            submitted_by=actor,
            cuid=profile.cuid,
            zone=scope.get("zone", ""),
            scope=scope,
            prompts=prompts,
            fields=fields,
            engine=settings.BATCH_ENGINE,
            documents_total=len(found),
            document_tokens=sum(tokens for _, tokens in found),
        )
        BatchJobDocument.objects.bulk_create(
            (
                BatchJobDocument(job=job, document_id=pk, position=position)
                for position, (pk, _) in enumerate(found)
            ),
            batch_size=1000,
        )
        jobs.enqueue(BATCH_QUEUE, job.pk)
        # Ranked before commit: the answer describes the job as submitted, even when a worker
        # picks it up the moment the transaction ends.
        return with_queue_rank(BatchJob.objects.filter(pk=job.pk)).get()


def scope_documents(*, owner: User, scope: dict[str, Any]) -> QuerySet[Document]:
    """The owner's organizations' documents the scope selects, in workbook row order.

    Selectors intersect; filters narrow case-insensitively; undated documents never match a
    date and blank values never match a ``keep`` filter.
    """
    documents = Document.objects.filter(organization__in=owner.groups.all())
    if scope.get("ic01_list"):
        documents = documents.filter(ic01__in=scope["ic01_list"])
    if scope.get("id_list"):
        documents = documents.filter(pk__in=scope["id_list"])
    if scope.get("period_start") and scope.get("period_end"):
        documents = documents.filter(
            document_date__gte=scope["period_start"], document_date__lte=scope["period_end"]
        )
    filters = scope.get("filters") or {}
    for name in ("status", "contract_type"):
        if filters.get(name):
            documents = _keep(documents, name, filters[name])
    for name in ("document_label", "sales_country", "sales_region"):
        if filters.get(name):
            rule = filters[name]
            if rule["filter_type"] == "remove":
                documents = _remove(documents, name, rule["value"])
            else:
                documents = _keep(documents, name, rule["value"])
    if filters.get("original_file_name"):
        rule = filters["original_file_name"]
        matches = Q()
        for part in rule["value"]:
            matches |= Q(file_name_ci__contains=part.lower())
        documents = documents.alias(file_name_ci=Lowered("file_name"))
        documents = (
            documents.exclude(matches)
            if rule["filter_type"] == "remove"
            else (documents.filter(matches))
        )
    period = filters.get("document_creation_date")
    if period:
        documents = documents.filter(
            document_date__gte=period["start_period"], document_date__lte=period["end_period"]
        )
    return documents.order_by("ic01", F("document_date").asc(nulls_last=True), "file_name", "id")


def _keep(documents: QuerySet[Document], name: str, values: list[str]) -> QuerySet[Document]:
    wanted = [value.lower() for value in values if value]
    return (
        documents.exclude(**{name: ""})
        .alias(**{f"{name}_ci": Lowered(name)})
        .filter(**{f"{name}_ci__in": wanted})
    )


def _remove(documents: QuerySet[Document], name: str, values: list[str]) -> QuerySet[Document]:
    unwanted = [value.lower() for value in values]
    return documents.alias(**{f"{name}_ci": Lowered(name)}).exclude(**{f"{name}_ci__in": unwanted})


def batch_cancel(*, actor: User, job_id: str) -> None:
    """Queued jobs stop now; a running job stops before its next document; ended jobs stay."""
    job = batch_get(actor=actor, job_id=job_id)
    batch_jobs_cancel(job_ids=[job.pk])


def batch_jobs_cancel(*, job_ids: Iterable[Any]) -> int:
    """Cancel many (API and admin): conditional updates, so a job claimed meanwhile is flagged
    for its worker instead of being ended under it; returns how many changed."""
    ids = list(job_ids)
    now = timezone.now()
    canceled = BatchJob.objects.filter(pk__in=ids, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELED, cancel_requested=True, ended_at=now, claimed_by=""
    )
    flagged = BatchJob.objects.filter(
        pk__in=ids, status=JobStatus.STARTED, cancel_requested=False
    ).update(cancel_requested=True)
    return canceled + flagged


def batch_jobs_requeue(*, job_ids: Iterable[Any]) -> int:
    """Failed or canceled jobs run again: ERROR answers (and the answers built on them) are
    recomputed, every other answer is kept."""
    count = 0
    for job_id in job_ids:
        with transaction.atomic():
            job = (
                BatchJob.objects.select_for_update()
                .filter(pk=job_id, status__in=[JobStatus.FAILED, JobStatus.CANCELED])
                .first()
            )
            if job is None:
                continue
            redo = _discard_error_answers(job)
            BatchJobDocument.objects.filter(job=job, document_id__in=redo).update(done_at=None)
            done = BatchJobDocument.objects.filter(job=job, done_at__isnull=False).count()
            BatchJob.objects.filter(pk=job.pk).update(
                status=JobStatus.QUEUED,
                error="",
                cancel_requested=False,
                attempts=0,
                ended_at=None,
                next_attempt_at=timezone.now(),
                claimed_by="",
                documents_done=done,
            )
            jobs.enqueue(BATCH_QUEUE, job.pk)
            count += 1
    return count


def _discard_error_answers(job: BatchJob) -> set[Any]:
    """Delete the job's ERROR answers and every answer built on them, in one query; returns the
    documents that lost answers. Grouped by failed prompt, so the filter has at most one term
    per prompt however many documents failed."""
    dependents: dict[str, set[str]] = {prompt["name"]: set() for prompt in job.prompts}
    for prompt in job.prompts:
        for dependency in prompt["dependencies"]:
            dependents[dependency].add(prompt["name"])
    failed = BatchAnswer.objects.filter(job=job, answer=ERROR).values_list(
        "document_id", "prompt_name"
    )
    documents_by_prompt: dict[str, set[Any]] = {}
    for document_id, prompt_name in failed:
        documents_by_prompt.setdefault(prompt_name, set()).add(document_id)
    if not documents_by_prompt:
        return set()
    doomed = Q()
    for prompt_name, document_ids in documents_by_prompt.items():
        doomed |= Q(
            document_id__in=document_ids, prompt_name__in=_with_dependents(prompt_name, dependents)
        )
    BatchAnswer.objects.filter(doomed, job=job).delete()
    return set().union(*documents_by_prompt.values())


def _with_dependents(name: str, dependents: dict[str, set[str]]) -> set[str]:
    names: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current not in names:
            names.add(current)
            pending.extend(dependents.get(current, ()))
    return names


class OpenedWorkbook(NamedTuple):
    """A result workbook opened for streaming; whoever sends it closes ``file``."""

    file: File
    file_name: str
    content_type: str = XLSX


def _stored_workbook(*, actor: User, job_id: str) -> tuple[str, str]:
    """The stored workbook of a finished job: (file name, storage name)."""
    job = batch_get(actor=actor, job_id=job_id, not_found=FILE_NOT_VISIBLE)
    name = job.result_file.name if job.result_file else ""
    if job.status != JobStatus.FINISHED or not name or not default_storage.exists(name):
        raise ResultFileNotFound(FILE_NOT_FOUND)
    return f"{job.pk}.xlsx", name


def batch_file_open(*, actor: User, job_id: str) -> OpenedWorkbook:
    """The workbook as a file to stream (``?download=1``), so large results never sit in memory."""
    file_name, name = _stored_workbook(actor=actor, job_id=job_id)
    return OpenedWorkbook(file=default_storage.open(name, "rb"), file_name=file_name)


def batch_file_base64(*, actor: User, job_id: str) -> dict[str, str]:
    """The workbook inlined as padded base64, the legacy client's only way to fetch it."""
    file_name, name = _stored_workbook(actor=actor, job_id=job_id)
    with default_storage.open(name, "rb") as stored:
        content = base64.b64encode(stored.read()).decode("ascii")
    return {"file_name": file_name, "file_content": content}
