"""FilesTalk data: API keys, cuid profiles, the document store with its retrieval index, and jobs."""

import re
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.models import JobRow, JobStatus

# The eleven metadata fields of a document, in the order of the API object and the workbook.
METADATA_FIELDS: tuple[str, ...] = (
    "ic01",
    "contract_number",
    "amendment_number",
    "customer_name",
    "document_label",
    "sales_country",
    "sales_region",
    "sales_cluster",
    "status",
    "contract_type",
    "document_date",
)
TEXT_METADATA_FIELDS: tuple[str, ...] = METADATA_FIELDS[1:-1]
# A stored cuid: four ASCII letters and four digits, upper-case (the check constraint too).
CUID_PATTERN = r"[A-Z]{4}[0-9]{4}"
CUID_FORMAT = re.compile(CUID_PATTERN, re.ASCII)


class ApiKey(models.Model):
    """A staff-made key of one organization; only its SHA-256 is kept, the key is shown once."""

    organization = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="batch_api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organization.name})"

    def is_valid(self, *, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment


class BatchProfile(models.Model):
    """The legacy client's user id (cuid): four ASCII letters and four digits, stored upper-case."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batch_profile"
    )
    cuid = models.CharField(max_length=8, unique=True)

    class Meta:
        ordering = ["cuid"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cuid__regex=f"^{CUID_PATTERN}$"), name="batches_cuid_format"
            ),
        ]

    def __str__(self) -> str:
        return self.cuid

    def clean(self) -> None:
        """Staff may type a cuid in any case in the admin; it is kept upper-case like the API's."""
        self.cuid = (self.cuid or "").strip().upper()
        if not CUID_FORMAT.fullmatch(self.cuid):
            raise ValidationError({"cuid": "Cuid not valid."})


def document_upload_to(document: "Document", filename: str) -> str:
    return f"batches/documents/{document.id}/{filename}"


class Document(models.Model):
    """A contract in an organization's store, with the metadata batch scopes select on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="batch_documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batch_documents",
    )
    file = models.FileField(upload_to=document_upload_to, max_length=500)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    ic01 = models.CharField(max_length=64, db_index=True)
    contract_number = models.CharField(max_length=255, blank=True, default="")
    amendment_number = models.CharField(max_length=255, blank=True, default="")
    customer_name = models.CharField(max_length=255, blank=True, default="")
    document_label = models.CharField(max_length=255, blank=True, default="")
    sales_country = models.CharField(max_length=255, blank=True, default="")
    sales_region = models.CharField(max_length=255, blank=True, default="")
    sales_cluster = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=255, blank=True, default="")
    contract_type = models.CharField(max_length=255, blank=True, default="")
    document_date = models.DateField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    token_count = models.PositiveIntegerField(default=0)
    index_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "ic01", "sha256"])]
        constraints = [
            # Uploads and the import refuse a blank ic01: a scope could never select the row.
            models.CheckConstraint(condition=~Q(ic01=""), name="batches_document_ic01"),
        ]

    def __str__(self) -> str:
        return f"{self.ic01}: {self.file_name}"


class DocumentChunk(models.Model):
    """One retrieval unit of a document's text; BM25 ranks these against a prompt."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    text = models.TextField()
    token_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="batches_chunk_position")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.position}"


class BatchEngine(models.TextChoices):
    """The ``BATCH_ENGINE`` a job was submitted with; module level so the job's Meta can see it."""

    LOCAL = "local", "Local (BM25, offline)"
    OPENAI = "openai", "OpenAI-compatible"


class BatchJob(JobRow):
    """A batch run: the row is the job; answers and links make it resumable by any worker."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batch_jobs"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_batch_jobs",
    )
    cuid = models.CharField(max_length=8)
    zone = models.CharField(max_length=8, blank=True)
    scope = models.JSONField(default=dict)
    prompts = models.JSONField(default=list)
    fields = models.JSONField(null=True, blank=True)
    engine = models.CharField(max_length=16, choices=BatchEngine.choices, default=BatchEngine.LOCAL)
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    documents_total = models.PositiveIntegerField(default=0)
    documents_done = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    document_tokens = models.PositiveBigIntegerField(default=0)
    result_file = models.FileField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "batch job"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="batches_job_status"
            ),
            models.CheckConstraint(
                condition=Q(engine__in=BatchEngine.values), name="batches_job_engine"
            ),
            # The worker's recount sets both from the job's links, which only ever go away.
            models.CheckConstraint(
                condition=Q(documents_done__lte=F("documents_total")), name="batches_job_progress"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class BatchJobDocument(models.Model):
    """A document of a job's scope, frozen at submission; ``done_at`` marks the resume point."""

    job = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="links")
    # ON DELETE CASCADE in the database too (migration 0003): see BatchAnswer.document.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="job_links")
    position = models.PositiveIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "document"], name="batches_job_document")
        ]
        indexes = [models.Index(fields=["job", "position"])]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.position}"


class BatchAnswer(models.Model):
    """One prompt answered for one document; the unique key is what makes a resume skip it."""

    job = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="answers")
    # ON DELETE CASCADE in the database too (migration 0003), so an answer a worker commits while
    # the document is being deleted goes with it rather than failing the deletion. Django 5.2 has
    # no option for it: a migration that recreates this foreign key must restore the cascade.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="batch_answers")
    prompt_name = models.CharField(max_length=100)
    answer = models.TextField()
    error = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["job", "document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "document", "prompt_name"], name="batches_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prompt_name}: {self.answer[:40]}"
