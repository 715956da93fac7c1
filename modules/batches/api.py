"""FilesTalk endpoints: documents and batches (the token exchange lives on core's /api/token)."""

from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from core.auth import AuthedRequest
from core.body import Body, request_data
from core.errors import UnsupportedMediaType
from core.pagination import PageNumberPagination, paginate_rendered
from core.schemas import ErrorOut, ValidationErrorOut, body_docs
from modules.batches import selectors, validation
from modules.batches.schemas import (
    BatchCreatedOut,
    BatchFileOut,
    BatchIn,
    BatchListFilterIn,
    BatchListItemOut,
    BatchStatusOut,
    DocumentFilterIn,
    DocumentOut,
    DocumentUploadIn,
    LegacyErrorOut,
    LegacyMessageOut,
    NestedValidationErrorOut,
)
from modules.batches.services import documents, jobs, keys

router = Router(tags=["batches"])

AUTH_ERRORS = {401: ErrorOut}
JSON_TYPES = ("application/json",)


def exchange_token(request: HttpRequest, body: Any) -> dict[str, Any] | None:
    """The batches hook of core's ``POST /api/token`` (registered in apps.py): a request with a
    key or a cuid is a batch token request, anything else (None) core's login.

    The key comes from the headers, ``X-API-Key`` first, else a legacy client's raw key as
    ``Authorization``; it is checked before the body, whose errors come after a key's 401.
    """
    if "X-API-Key" in request.headers:
        key: str | None = request.headers["X-API-Key"].strip()
    else:
        authorization = request.headers.get("Authorization", "").strip()
        key = authorization if authorization and " " not in authorization else None
    data = body if isinstance(body, dict) else {}
    if key is None and "cuid" not in data:
        return None
    api_key = keys.api_key_check(key=key or "")
    cuid, email = validation.read_token_request(Body(data))
    return keys.token_exchange(api_key=api_key, cuid=cuid, email=email)


@router.post(
    "/documents/",
    response={
        201: DocumentOut,
        400: ValidationErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        **AUTH_ERRORS,
    },
    summary="Upload a document into one of your organizations",
    openapi_extra=body_docs(DocumentUploadIn, media_types=("multipart/form-data",)),
)
def create_document(request: AuthedRequest) -> Status:
    content_length = request.META.get("CONTENT_LENGTH") or ""
    document = documents.document_upload(
        actor=request.auth,
        content_length=int(content_length) if content_length.isdigit() else None,
        read_form=lambda: (request.POST, request.FILES),
    )
    return Status(201, document)


@router.get(
    "/documents/",
    response={200: list[DocumentOut], 404: ErrorOut, **AUTH_ERRORS},
    summary="List the documents of your organizations, newest first",
)
@paginate_rendered(PageNumberPagination, page_size=20, max_page_size=100)
def list_documents(request: AuthedRequest, filters: Query[DocumentFilterIn]) -> Any:
    return selectors.document_list(actor=request.auth, ic01=filters.ic01)


@router.get(
    "/documents/{document_id}/",
    response={200: DocumentOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Get a document",
)
def get_document(request: AuthedRequest, document_id: UUID) -> Any:
    return selectors.document_get(actor=request.auth, document_id=document_id)


@router.delete(
    "/documents/{document_id}/",
    response={204: None, 403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Delete a document (uploader or staff)",
)
def delete_document(request: AuthedRequest, document_id: UUID) -> Status:
    documents.document_delete(actor=request.auth, document_id=document_id)
    return Status(204, None)


def _json_body(request: HttpRequest) -> Body:
    """The JSON body of a batch request: 415 for other media types, 400 when unreadable (an
    empty body too, as the legacy API parsed it)."""
    if (request.content_type or "").lower() not in JSON_TYPES:
        raise UnsupportedMediaType()
    return Body(request_data(request, allow_empty=False))


@router.post(
    "/batch",
    response={
        202: BatchCreatedOut,
        400: NestedValidationErrorOut,
        401: ErrorOut | LegacyErrorOut,
        403: LegacyErrorOut,
        415: ErrorOut,
    },
    summary="Submit a batch of prompts over a scope of documents",
    openapi_extra=body_docs(BatchIn, media_types=JSON_TYPES),
)
def create_batch(request: AuthedRequest) -> Status:
    batch = validation.read_batch(_json_body(request))
    job = jobs.batch_submit(
        actor=request.auth,
        cuid=batch.cuid,
        scope=batch.scope,
        prompts=batch.prompts,
        fields=batch.fields,
    )
    return Status(202, job)


@router.get(
    "/batch",
    response={200: list[BatchListItemOut], 404: ErrorOut, **AUTH_ERRORS},
    summary="List your own and submitted batches, newest first",
)
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def list_batches(request: AuthedRequest, filters: Query[BatchListFilterIn]) -> Any:
    return selectors.batch_list(actor=request.auth, status=filters.status)


@router.get(
    "/batch/{job_id}",
    response={200: BatchStatusOut, 404: LegacyMessageOut, **AUTH_ERRORS},
    summary="Status, queue rank and progress of a batch",
)
def get_batch(request: AuthedRequest, job_id: str) -> Any:
    return selectors.batch_status(actor=request.auth, job_id=job_id)


@router.delete(
    "/batch/{job_id}",
    response={204: None, 404: LegacyMessageOut, **AUTH_ERRORS},
    summary="Cancel a batch (answers computed so far are kept)",
)
def delete_batch(request: AuthedRequest, job_id: str) -> Status:
    jobs.batch_cancel(actor=request.auth, job_id=job_id)
    return Status(204, None)


@router.get(
    "/batch/{job_id}/file",
    response={200: BatchFileOut, 404: LegacyMessageOut | LegacyErrorOut, **AUTH_ERRORS},
    summary="The result workbook: base64 JSON, or the bytes with ?download=1",
)
def get_batch_file(request: AuthedRequest, job_id: str, download: str | None = None) -> Any:
    if (download or "").strip().lower() in ("1", "true"):
        workbook = jobs.batch_file_open(actor=request.auth, job_id=job_id)
        return FileResponse(
            workbook.file,
            as_attachment=True,
            filename=workbook.file_name,
            content_type=workbook.content_type,
        )
    return jobs.batch_file_base64(actor=request.auth, job_id=job_id)
