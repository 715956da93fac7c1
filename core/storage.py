"""Files: size and type checks for uploads, and short-lived links to private files (core spec §8).

On the filesystem the link is an app-signed token served by ``GET /api/files/{token}``; on S3 it is
a presigned URL. Clients never see a public bucket URL.
"""

import mimetypes
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.urls import reverse

from core.errors import PayloadTooLarge, UnsupportedMediaType

_SALT = "core.storage.signed-file"


def is_s3() -> bool:
    return bool(settings.AWS_STORAGE_BUCKET_NAME)


def human_size(limit: int) -> str:
    """``5 MB`` for 5 MiB: how the legacy messages quote a limit."""
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit} bytes"


def check_size(upload: UploadedFile | None, *, max_bytes: int, message: str | None = None) -> None:
    """413 before anything is stored; exactly the limit is accepted."""
    if upload is not None and upload.size is not None and upload.size > max_bytes:
        raise PayloadTooLarge(message or f"File too large. The limit is {human_size(max_bytes)}.")


def check_type(detected: str | None, *, allowed: set[str], message: str) -> str:
    """415 unless content sniffing recognised one of the allowed types."""
    if detected is None or detected not in allowed:
        raise UnsupportedMediaType(message)
    return detected


def read_head(upload: UploadedFile, size: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def signed_url(
    request: HttpRequest | None,
    name: str,
    *,
    content_type: str | None = None,
    max_age: int | None = None,
    filename: str | None = None,
) -> str:
    """An absolute URL to a private file that stops working after ``max_age`` seconds."""
    max_age = max_age or settings.SIGNED_FILE_URL_MAX_AGE
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if is_s3():
        parameters: dict[str, Any] = {"ResponseContentType": content_type}
        if filename:
            parameters["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        s3: Any = default_storage  # S3Storage.url takes what Storage.url does not
        return str(s3.url(name, parameters=parameters, expire=max_age))
    payload = {"n": name, "t": content_type, "f": filename or "", "a": max_age}
    token = signing.dumps(payload, salt=_SALT)
    path = reverse("api:serve_file", kwargs={"token": token})
    return request.build_absolute_uri(path) if request else path


def open_signed(token: str) -> tuple[str, str, str]:
    """Name, content type and download name behind a link; BadSignature when forged or expired."""
    data = signing.loads(token, salt=_SALT)
    signing.loads(token, salt=_SALT, max_age=data.get("a", settings.SIGNED_FILE_URL_MAX_AGE))
    return data["n"], data["t"], data.get("f", "")
