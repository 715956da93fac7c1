"""S3 storage against a real S3-compatible server (moto in server mode) on loopback."""

import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from moto.server import ThreadedMotoServer

from core import storage
from tests.support import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def s3(settings, monkeypatch):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="media")
    settings.AWS_STORAGE_BUCKET_NAME = "media"
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "media", "endpoint_url": endpoint},
        },
    }
    yield storages["default"]
    server.stop()


def test_private_files_get_presigned_expiring_urls(s3):
    name = s3.save("taskboard/x/picture.png", ContentFile(b"\x89PNG data"))
    url = storage.signed_url(None, name, content_type="image/png", max_age=120)
    assert "X-Amz-Expires=120" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"\x89PNG data"
        assert response.headers["Content-Type"] == "image/png"
    public = url.split("?")[0]
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(public, timeout=10)
    assert denied.value.code == 403
