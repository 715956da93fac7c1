"""Request and response shapes of the FilesTalk API; request bodies are validated in validation.py
(the legacy error shapes need DRF's exact rules), so the ``*In`` models here document them."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

from core.models import JobStatus


def format_datetime(value: datetime | None) -> str | None:
    """``2025-02-19T10:33:57.668328Z``: UTC, microseconds, ``Z``, as the legacy API wrote them."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


UtcDateTime = Annotated[
    datetime,
    PlainSerializer(format_datetime, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2025-02-19T10:33:57.668328Z"}
    ),
]


class LegacyErrorOut(Schema):
    """The legacy ``{"error": ...}`` body."""

    error: str


class LegacyMessageOut(Schema):
    """The legacy ``{"message": ...}`` body."""

    message: str


class NestedValidationErrorOut(Schema):
    """``{"scope": {"period_end": ["..."]}}``: field errors, nested as the request is."""

    model_config = {"extra": "allow"}


# --- tokens -----------------------------------------------------------------------------------


class BatchTokenIn(Schema):
    """API key exchange: send the key as ``X-API-Key`` (or a raw ``Authorization`` value)."""

    cuid: str = Field(description="4 letters and 4 digits, e.g. ABCD1234.", examples=["ABCD1234"])
    email: str | None = Field(
        default=None, description="Needed only the first time a cuid is seen (registration)."
    )


class BatchTokenOut(Schema):
    access_token: str
    expires_in: int = Field(examples=[3600])


# --- documents --------------------------------------------------------------------------------


class DocumentUploadIn(Schema):
    """multipart/form-data fields of an upload."""

    file: bytes = Field(json_schema_extra={"format": "binary"})
    organization: str | None = Field(
        default=None, description="Group name; needed only by members of several."
    )
    ic01: str = Field(max_length=64)
    contract_number: str = Field(default="", max_length=255)
    amendment_number: str = Field(default="", max_length=255)
    customer_name: str = Field(default="", max_length=255)
    document_label: str = Field(default="", max_length=255)
    sales_country: str = Field(default="", max_length=255)
    sales_region: str = Field(default="", max_length=255)
    sales_cluster: str = Field(default="", max_length=255)
    status: str = Field(default="", max_length=255)
    contract_type: str = Field(default="", max_length=255)
    document_date: date | None = None


class DocumentOut(BaseModel):
    """Built from a Document by pydantic itself: list pages build these by the score, and ninja's
    attribute getter cost more than the page's queries."""

    id: UUID
    organization: str
    file_name: str
    content_type: str
    size: int
    ic01: str
    contract_number: str
    amendment_number: str
    customer_name: str
    document_label: str
    sales_country: str
    sales_region: str
    sales_cluster: str
    status: str
    contract_type: str
    document_date: date | None
    chunk_count: int
    token_count: int
    created_at: UtcDateTime

    @model_validator(mode="before")
    @classmethod
    def _from_document(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {name: getattr(data, name) for name in _DOCUMENT_FIELDS} | {
            "organization": data.organization.name
        }


_DOCUMENT_FIELDS = tuple(name for name in DocumentOut.model_fields if name != "organization")


# What a list row is read from: ``DocumentOut``'s fields in its order, the organization by name.
DOCUMENT_COLUMNS = tuple(
    "organization__name" if name == "organization" else name for name in DocumentOut.model_fields
)
_DOCUMENT_KEYS = tuple(DocumentOut.model_fields)


def document_item(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row of ``DOCUMENT_COLUMNS`` values, in that order, as ``DocumentOut`` dumps it and
    the JSON encoder then writes it (the id and the date as text): for pages written without
    validating them again."""
    item = dict(zip(_DOCUMENT_KEYS, row, strict=True))
    item["id"] = str(item["id"])
    if item["document_date"] is not None:
        item["document_date"] = item["document_date"].isoformat()
    item["created_at"] = format_datetime(item["created_at"])
    return item


class DocumentFilterIn(Schema):
    ic01: str | None = None


# --- batches ----------------------------------------------------------------------------------


class ListFilterIn(Schema):
    value: list[str] = Field(min_length=1)
    filter_type: Literal["keep", "remove"] = "keep"


class DateFilterIn(Schema):
    start_period: date
    end_period: date


class FiltersIn(Schema):
    status: str | None = Field(default=None, examples=["SGDG,PEND"])
    contract_type: str | None = Field(default=None, examples=["CPSE"])
    document_label: ListFilterIn | None = None
    sales_country: ListFilterIn | None = None
    sales_region: ListFilterIn | None = None
    original_file_name: ListFilterIn | None = None
    document_creation_date: DateFilterIn | None = None


class ScopeIn(Schema):
    zone: Literal["eqt", "ftsa"] | None = None
    ic01_list: list[str] | None = None
    id_list: list[UUID] | None = None
    period_start: date | None = None
    period_end: date | None = None
    filters: FiltersIn | None = None


class PromptIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=10000)
    dependencies: list[str] = Field(default_factory=list)


class BatchIn(Schema):
    cuid: str = Field(examples=["ABCD1234"])
    scope: ScopeIn
    prompts: list[PromptIn]
    fields: list[str] | None = Field(
        default=None,
        description="Metadata columns of the workbook (absent: all eleven; [] none).",
        examples=[["customer_name", "typeLabel"]],
    )


def queue_rank(job: Any) -> int:
    """Queued jobs ahead of a queued job (``ahead``, from ``selectors.with_queue_rank``), else -1."""
    return job.ahead if job.status == JobStatus.QUEUED else -1


class BatchCreatedOut(Schema):
    job_id: UUID
    creation_date: UtcDateTime
    status: str
    queue_rank: int

    @staticmethod
    def resolve_job_id(obj: Any) -> UUID:
        return obj.id

    @staticmethod
    def resolve_creation_date(obj: Any) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_queue_rank(obj: Any) -> int:
        return queue_rank(obj)


class ProgressOut(Schema):
    done: int
    total: int


class BatchStatusOut(BaseModel):
    """Built from a job by pydantic itself, as ``DocumentOut``."""

    model_config = ConfigDict(from_attributes=True)

    status: str
    queue_rank: int
    progress: ProgressOut
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    ended_at: UtcDateTime | None
    error: str | None

    @model_validator(mode="before")
    @classmethod
    def _from_job(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {
            "status": data.status,
            "queue_rank": queue_rank(data),
            "progress": {"done": data.documents_done, "total": data.documents_total},
            "created_at": data.created_at,
            "started_at": data.started_at,
            "ended_at": data.ended_at,
            "error": (data.error or None) if data.status == JobStatus.FAILED else None,
            "job_id": data.id,
            "cuid": data.cuid,
            "prompts": [prompt["name"] for prompt in data.prompts],
        }


class BatchListItemOut(BatchStatusOut):
    job_id: UUID
    cuid: str
    prompts: list[str]


class BatchListFilterIn(Schema):
    status: str | None = None


class BatchFileOut(Schema):
    file_name: str
    file_content: str = Field(description="The workbook, base64 (padded).")
