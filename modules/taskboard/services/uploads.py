"""Image uploads: refused by size before anything is stored, and by content, not by file name."""

import uuid
import warnings
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image

from core import messages
from core.errors import ValidationFailed
from core.models import User
from core.storage import check_size, check_type, read_head
from modules.taskboard.models import Upload

UNSUPPORTED = "Unsupported file type. Upload a PNG, JPEG, GIF or WebP image."
# How long an image link works: the spec's hour, not core's default for every module.
IMAGE_URL_MAX_AGE = 3600

# Pillow format name → (content type, file extension).
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


def upload_create(*, actor: User, image_file: UploadedFile | None) -> Upload:
    """Store a checked image privately under the owner's folder and record it."""
    if image_file is None:
        raise ValidationFailed(field="image_file", message=messages.NO_FILE)
    if not image_file.size:
        raise ValidationFailed(field="image_file", message=messages.EMPTY_FILE)
    check_size(image_file, max_bytes=settings.TASKBOARD_UPLOAD_MAX_BYTES)
    content_type = check_type(
        image_content_type(image_file),
        allowed={ct for ct, _ in FORMATS.values()},
        message=UNSUPPORTED,
    )
    extension = next(ext for ct, ext in FORMATS.values() if ct == content_type)
    name = f"taskboard/{actor.public_id}/{uuid.uuid4()}.{extension}"
    image_file.seek(0)
    stored = default_storage.save(name, image_file)
    try:
        with transaction.atomic():
            return Upload.objects.create(
                owner=actor,
                file=stored,
                original_name=_printable(image_file.name or "")[:255],
                content_type=content_type,
                size=image_file.size,
            )
    except BaseException:
        default_storage.delete(stored)
        raise


def upload_file_discard(*, upload: Upload) -> None:
    """Remove the stored image once the row's deletion commits (admin, or the owner's account
    deleted), so no file outlives its row; a rolled-back delete keeps it. A storage failure
    is logged, not raised, since the row is already gone.
    """
    name = upload.file.name
    if name:
        transaction.on_commit(partial(default_storage.delete, name), robust=True)


def sniff_format(head: bytes) -> str | None:
    """The image format the leading bytes announce, if it is one we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def image_content_type(image_file: UploadedFile) -> str | None:
    """The content type when the signature and Pillow agree and the image verifies, else None.

    A decompression bomb counts as not an image: Pillow's warning is turned into an error.
    """
    expected = sniff_format(read_head(image_file, 16))
    if expected is None:
        return None
    image_file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(image_file, formats=[expected]) as image:
                if image.format != expected:
                    return None
                image.verify()
        except Exception:
            # Pillow reports a broken file through many exception types (OSError, SyntaxError,
            # ValueError, struct.error, DecompressionBombError...): all mean "not a usable image".
            return None
        finally:
            image_file.seek(0)
    return FORMATS[expected][0]


def _printable(name: str) -> str:
    return name.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
