import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import PayloadTooLarge, UnsupportedMediaType
from core.storage import check_size, check_type, human_size, signed_url

pytestmark = pytest.mark.django_db


def test_signed_link_serves_the_private_file_with_its_type(client):
    name = default_storage.save("private/report.png", ContentFile(b"\x89PNG fake"))
    url = signed_url(None, name, content_type="image/png")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG fake"


def test_forged_or_expired_links_are_404(client, monkeypatch):
    name = default_storage.save("private/report.txt", ContentFile(b"secret"))
    url = signed_url(None, name, max_age=60)
    forged = client.get(url[:-3] + "abc")
    assert forged.status_code == 404
    later = time.time() + 120
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = client.get(url)
    assert expired.status_code == 404
    assert expired.json() == {"detail": "This link is invalid or has expired."}


def test_link_to_a_deleted_file_is_404(client):
    name = default_storage.save("private/gone.txt", ContentFile(b"x"))
    url = signed_url(None, name)
    default_storage.delete(name)
    assert client.get(url).status_code == 404


def test_size_check_accepts_the_limit_exactly():
    check_size(SimpleUploadedFile("a.bin", b"x" * 10), max_bytes=10)
    with pytest.raises(PayloadTooLarge) as caught:
        check_size(SimpleUploadedFile("a.bin", b"x" * 11), max_bytes=10)
    assert caught.value.status_code == 413
    assert human_size(5 * 1024 * 1024) == "5 MB"


def test_type_check():
    assert check_type("image/png", allowed={"image/png"}, message="no") == "image/png"
    with pytest.raises(UnsupportedMediaType) as caught:
        check_type(None, allowed={"image/png"}, message="Unsupported file type.")
    assert (caught.value.status_code, caught.value.message) == (415, "Unsupported file type.")
