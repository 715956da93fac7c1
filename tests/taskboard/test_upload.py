"""POST /api/upload/: size before storage, content not name, private short-lived links."""

import io
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from modules.taskboard.models import Upload
from tests.conftest import bearer
from tests.taskboard.conftest import snapshot

pytestmark = pytest.mark.django_db

UNSUPPORTED = {"detail": "Unsupported file type. Upload a PNG, JPEG, GIF or WebP image."}
LIMIT = 5 * 1024 * 1024


def image_bytes(kind: str, size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be ``width`` x ``height``: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "taskboard"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def upload(client, user, content: bytes, name: str = "photo.png", content_type: str = "image/png"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post("/api/upload/", {"image_file": file}, **bearer(user))


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("GIF", "image/gif", "gif"),
     ("WEBP", "image/webp", "webp")],
)  # fmt: skip
def test_upload_stores_the_image_and_answers_a_private_link(
    client, peter, kind, content_type, extension
):
    content = image_bytes(kind)

    response = upload(client, peter, content, name="whatever.bin", content_type="text/plain")

    assert response.status_code == 201
    assert list(response.json()) == ["image_url"]
    url = response.json()["image_url"]
    assert url.startswith("http://testserver/api/files/")
    record = Upload.objects.get()
    assert record.owner == peter
    assert record.content_type == content_type
    assert record.size == len(content)
    assert record.original_name == "whatever.bin"
    folder, filename = record.file.name.rsplit("/", 1)
    stem, suffix = filename.split(".")
    assert folder == f"taskboard/{peter.public_id}"
    assert (str(uuid.UUID(stem)), suffix) == (stem, extension)
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert b"".join(served.streaming_content) == content


def test_the_link_needs_no_token_but_a_valid_signature(client, peter):
    url = upload(client, peter, image_bytes("PNG")).json()["image_url"]

    assert client.get(url[:-4] + "abcd").status_code == 404


def test_the_link_lives_one_hour_whatever_the_shared_default(client, peter, settings, monkeypatch):
    """Spec: valid 1 hour. Core's SIGNED_FILE_URL_MAX_AGE is every module's default, not ours."""
    from django.core import signing

    settings.SIGNED_FILE_URL_MAX_AGE = 60
    url = upload(client, peter, image_bytes("PNG")).json()["image_url"]
    issued = signing.time.time()

    monkeypatch.setattr(signing.time, "time", lambda: issued + 59 * 60)
    within = client.get(url)
    monkeypatch.setattr(signing.time, "time", lambda: issued + 61 * 60)
    after = client.get(url)

    assert within.status_code == 200
    assert after.status_code == 404


def test_exactly_the_limit_is_accepted(client, peter):
    content = image_bytes("PNG")
    content += b"\x00" * (LIMIT - len(content))

    response = upload(client, peter, content)

    assert len(content) == LIMIT
    assert response.status_code == 201
    assert Upload.objects.get().size == LIMIT


def test_one_byte_over_the_limit_is_413_and_nothing_is_stored(client, peter):
    content = image_bytes("PNG")
    content += b"\x00" * (LIMIT + 1 - len(content))
    files, before = stored_files(), snapshot()

    response = upload(client, peter, content)

    assert response.status_code == 413
    assert response.json() == {"detail": "File too large. The limit is 5 MB."}
    assert stored_files() == files
    assert snapshot() == before


def test_the_limit_comes_from_the_setting(client, peter, settings):
    settings.TASKBOARD_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = image_bytes("PNG") + b"\x00" * (2 * 1024 * 1024)

    response = upload(client, peter, content)

    assert response.status_code == 413
    assert response.json() == {"detail": "File too large. The limit is 2 MB."}


def test_no_file_is_400(client, peter):
    before = snapshot()

    multipart = client.post("/api/upload/", {"other": "x"}, **bearer(peter))
    json_body = client.post(
        "/api/upload/", {"image_file": "x"}, content_type="application/json", **bearer(peter)
    )

    for response in (multipart, json_body):
        assert response.status_code == 400
        assert response.json() == {"image_file": ["No file was submitted."]}
    assert snapshot() == before


def test_empty_file_is_400(client, peter):
    files, before = stored_files(), snapshot()

    response = upload(client, peter, b"")

    assert response.status_code == 400
    assert response.json() == {"image_file": ["The submitted file is empty."]}
    assert stored_files() == files
    assert snapshot() == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4 not an image at all", id="pdf"),
        pytest.param(b"hello, plain text", id="text"),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(image_bytes("PNG")[:40], id="truncated-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, id="png-signature-only"),
        pytest.param(b"GIF89a" + b"garbage" * 10, id="gif-signature-only"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 junk", id="webp-signature-only"),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * 50, id="jpeg-signature-only"),
        pytest.param(png_header_only(100_000, 100_000), id="bomb"),
        pytest.param(png_header_only(10_000, 10_000), id="bomb-warning"),
    ],
)
def test_anything_but_a_sound_image_is_415(client, peter, content):
    files, before = stored_files(), snapshot()

    response = upload(client, peter, content, name="picture.png", content_type="image/png")

    assert response.status_code == 415
    assert response.json() == UNSUPPORTED
    assert stored_files() == files
    assert snapshot() == before


def test_a_bomb_under_a_lowered_pixel_limit(client, peter, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)

    response = upload(client, peter, image_bytes("PNG", size=(20, 20)))

    assert response.status_code == 415


def test_upload_needs_a_token(client):
    file = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")

    response = client.post("/api/upload/", {"image_file": file})

    assert response.status_code == 401
    assert not Upload.objects.exists()


def test_broken_multipart_is_400(client, peter):
    response = client.post(
        "/api/upload/", b"--x\r\nnonsense", content_type="multipart/form-data", **bearer(peter)
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Multipart form parse error - Invalid boundary in multipart: None"
    }
    assert not Upload.objects.exists()


def test_size_is_checked_before_the_content(client, peter):
    """Spec order: a file over the limit is 413 whatever it contains."""
    files, before = stored_files(), snapshot()

    response = upload(client, peter, b"not an image" * (LIMIT // 10))

    assert response.status_code == 413
    assert response.json() == {"detail": "File too large. The limit is 5 MB."}
    assert stored_files() == files
    assert snapshot() == before
