"""The document store: upload and import with the same checks, indexing in the same transaction."""

import hashlib
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict

from core import messages
from core.body import parse_iso_date, text_problems
from core.errors import ErrorCollector, PayloadTooLarge, PermissionDenied, UnsupportedMediaType
from core.models import User
from core.storage import check_size, human_size
from modules.batches import extraction
from modules.batches.models import TEXT_METADATA_FIELDS, Document, DocumentChunk
from modules.batches.selectors import document_get

NO_ORGANIZATION = "You do not belong to any organization."
CHOOSE_ORGANIZATION = "Choose one of your organizations."
NOT_A_MEMBER = "You are not a member of this organization."
ONLY_UPLOADER = "Only the uploader or staff can delete this document."
NOT_A_REGULAR_FILE = "Not a regular file."
UNREADABLE = "Could not read the file"
# Room for the form fields and multipart boundaries around a file of exactly the limit.
MULTIPART_OVERHEAD = 64 * 1024

# Returns the form fields and files of the upload, parsing the body when called: a callable rather
# than the parsed form so that a request can be refused before its body is read (see below).
FormReader = Callable[[], tuple[Mapping[str, Any], MultiValueDict[str, UploadedFile]]]


def too_large_message() -> str:
    """The 413 message, built on each call so it quotes the limit configured now."""
    return f"File too large: the limit is {human_size(settings.BATCH_MAX_DOCUMENT_SIZE)}."


def organizations_of(user: User) -> list[Group]:
    """The groups a user may file documents in: their own, or any group for staff."""
    groups = Group.objects.all() if user.is_staff else user.groups.all()
    return list(groups.order_by("name"))


@dataclass
class Metadata:
    values: dict[str, Any] = field(default_factory=dict)
    errors: ErrorCollector = field(default_factory=ErrorCollector)


def clean_metadata(raw: Mapping[str, Any], *, errors: ErrorCollector | None = None) -> Metadata:
    """The eleven metadata fields of a form or a command line, with DRF's messages; problems go
    to ``errors`` when given, so an upload reports them with its other fields."""
    result = Metadata(errors=errors if errors is not None else ErrorCollector())
    ic01 = _text(raw.get("ic01"))
    if not ic01:
        result.errors.add("ic01", messages.REQUIRED)
    else:
        _check_text(result.errors, "ic01", ic01, max_length=64)
    result.values["ic01"] = ic01
    for name in TEXT_METADATA_FIELDS:
        value = _text(raw.get(name))
        _check_text(result.errors, name, value, max_length=255)
        result.values[name] = value
    raw_date = _text(raw.get("document_date"))
    result.values["document_date"] = None
    if raw_date:
        result.values["document_date"] = parse_iso_date(raw_date)
        if result.values["document_date"] is None:
            result.errors.add("document_date", messages.DATE_FORMAT)
    return result


def _check_text(errors: ErrorCollector, name: str, value: str, *, max_length: int) -> None:
    """The first problem of a metadata text, as the upload form reported it."""
    if len(value) > max_length:
        errors.add(name, messages.MAX_LENGTH.format(max_length=max_length))
    elif problems := text_problems(value):
        errors.add(name, problems[0])


def clean_file_name(name: str) -> str:
    """The base name of an upload without control or surrogate characters (a client's choice)."""
    base = Path(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isprintable())[:255]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def document_upload(*, actor: User, content_length: int | None, read_form: FormReader) -> Document:
    """Store and index an uploaded document: 403, 413, 415, then every 400 problem together.

    ``content_length`` is the declared body size (None when absent or not a number), and
    ``read_form`` is called once, only after the membership and Content-Length checks: the
    spec's order puts them first, and an oversized body is then refused before Django parses
    it (and spools the file to disk).
    """
    choices = organizations_of(actor)
    if not choices:
        raise PermissionDenied(NO_ORGANIZATION)
    limit = settings.BATCH_MAX_DOCUMENT_SIZE
    if content_length is not None and content_length > limit + MULTIPART_OVERHEAD:
        raise PayloadTooLarge(too_large_message())
    data, files = read_form()
    upload: UploadedFile | None = files.get("file")
    check_size(upload, max_bytes=limit, message=too_large_message())
    errors = ErrorCollector()
    content = None
    if upload is None:
        errors.add("file", messages.NO_FILE)
    else:
        file_name = clean_file_name(upload.name or "")
        if not extraction.allowed_name(file_name):
            raise UnsupportedMediaType(extraction.UNSUPPORTED_TYPE)
        content = upload.read()
        if len(content) > limit:
            raise PayloadTooLarge(too_large_message())
        if not content:
            errors.add("file", messages.EMPTY_FILE)
        else:
            try:
                extraction.detect_type(file_name, content)
            except extraction.UnsupportedType as exc:
                raise UnsupportedMediaType(str(exc)) from exc
    organization = _choose_organization(actor, choices, data.get("organization"), errors)
    metadata = clean_metadata(data, errors=errors)
    indexed = None
    if upload is not None and content:  # content is only read from an upload
        try:
            indexed = index_content(clean_file_name(upload.name or ""), content)
        except extraction.NoText as exc:
            errors.add("file", str(exc))
    errors.raise_if_any()
    assert organization is not None and indexed is not None  # no error left means both are set
    return document_store(
        organization=organization, uploaded_by=actor, indexed=indexed, metadata=metadata.values
    )


def _choose_organization(
    actor: User, choices: list[Group], raw: Any, errors: ErrorCollector
) -> Group | None:
    name = _text(raw)
    if not name:
        own = list(actor.groups.all()) if actor.is_staff else choices
        if len(own) == 1:
            return own[0]
        errors.add("organization", CHOOSE_ORGANIZATION)
        return None
    for group in choices:
        if group.name == name:
            return group
    errors.add("organization", NOT_A_MEMBER)
    return None


@dataclass(frozen=True)
class IndexedContent:
    file_name: str
    content: bytes
    content_type: str
    text: str
    chunks: list[extraction.Chunk]
    token_count: int
    seconds: float
    sha256: str


def index_content(file_name: str, content: bytes) -> IndexedContent:
    """Type check, text, chunks and counts of one file; raises UnsupportedType or NoText."""
    started = time.perf_counter()
    content_type = extraction.detect_type(file_name, content)
    text = extraction.extract_text(content_type, content)
    chunks = extraction.chunk_text(
        text, size=settings.BATCH_CHUNK_SIZE, overlap=settings.BATCH_CHUNK_OVERLAP
    )
    return IndexedContent(
        file_name=file_name,
        content=content,
        content_type=content_type,
        text=text,
        chunks=chunks,
        token_count=extraction.count_tokens(text),
        seconds=time.perf_counter() - started,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def document_store(
    *,
    organization: Group,
    uploaded_by: User | None,
    indexed: IndexedContent,
    metadata: Mapping[str, Any],
) -> Document:
    """Write the file, the document and its chunks; the file goes again if the rows do not."""
    document = Document(
        organization=organization,
        uploaded_by=uploaded_by,
        file_name=indexed.file_name[:255],
        content_type=indexed.content_type,
        size=len(indexed.content),
        sha256=indexed.sha256,
        chunk_count=len(indexed.chunks),
        token_count=indexed.token_count,
        index_seconds=indexed.seconds,
        **metadata,
    )
    document.file.save(indexed.file_name, ContentFile(indexed.content), save=False)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            DocumentChunk.objects.bulk_create(
                DocumentChunk(
                    document=document,
                    position=chunk.position,
                    text=chunk.text,
                    token_count=chunk.token_count,
                )
                for chunk in indexed.chunks
            )
    except Exception:
        default_storage.delete(document.file.name)
        raise
    return document


def document_delete(*, actor: User, document_id: Any) -> None:
    """Uploader or staff only; chunks, job links and answers go with it, workbooks stay."""
    document = document_get(actor=actor, document_id=document_id)
    if not actor.is_staff and document.uploaded_by_id != actor.pk:
        raise PermissionDenied(ONLY_UPLOADER)
    documents_remove(documents=Document.objects.filter(pk=document.pk))


def documents_remove(*, documents: QuerySet[Document]) -> int:
    """Delete documents with their chunks, links and answers; their stored files go once the
    deletion is committed, so a rolled-back delete never loses a file.

    The database cascades to answers and links as well (migration 0003): on PostgreSQL a worker
    may commit an answer after the ORM has deleted the ones it saw, and the document's foreign
    key would then refuse the deletion."""
    names = [name for name in documents.values_list("file", flat=True) if name]
    with transaction.atomic():
        count = documents.delete()[1].get(Document._meta.label, 0)
        transaction.on_commit(lambda: _delete_files(names))
    return count


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


class _NotImportable(Exception):
    """A path of the folder the import refuses before reading it; the message says why."""


def _read_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Pipes and devices are refused
    without opening them (a pipe would block); a file grown past the limit since ``stat`` is
    still caught, as at most one byte more than the limit is read."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise _NotImportable(NOT_A_REGULAR_FILE)
    if info.st_size > limit:
        raise _NotImportable(too_large_message())
    with path.open("rb") as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise _NotImportable(too_large_message())
    return content


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def documents_import(
    *,
    folder: Path,
    organization: Group,
    metadata: Mapping[str, Any],
    recursive: bool = False,
) -> ImportReport:
    """Import a folder with the upload rules, skipping files already stored under that ic01.

    A file that cannot be read (no permission, a broken link, a pipe, gone since the listing) is
    one more failure in the report, never the end of the whole import.
    """
    report = ImportReport()
    limit = settings.BATCH_MAX_DOCUMENT_SIZE
    pattern = "**/*" if recursive else "*"
    paths = sorted(
        path
        for path in folder.glob(pattern)
        if not path.is_dir()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    for path in paths:
        label = str(path.relative_to(folder))
        try:
            content = _read_file(path, limit)
        except _NotImportable as exc:
            report.failures.append((label, str(exc)))
            continue
        except OSError as exc:
            report.failures.append((label, f"{UNREADABLE}: {exc.strerror or exc}."))
            continue
        if not content:
            report.failures.append((label, messages.EMPTY_FILE))
            continue
        sha256 = hashlib.sha256(content).hexdigest()
        duplicate = Document.objects.filter(
            organization=organization, ic01=metadata["ic01"], sha256=sha256
        ).exists()
        if duplicate:
            report.skipped += 1
            continue
        try:
            indexed = index_content(path.name, content)
        except (extraction.UnsupportedType, extraction.NoText) as exc:
            report.failures.append((label, str(exc)))
            continue
        document_store(
            organization=organization, uploaded_by=None, indexed=indexed, metadata=metadata
        )
        report.imported += 1
    return report
