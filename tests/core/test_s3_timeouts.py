"""S3 calls have deadlines: the timeouts and retry budget from the environment reach boto3."""

from pathlib import Path

from django.core.files.storage import storages

from tests.support import settings_probe

# A fresh interpreter: the settings read the environment once, at import.
PROBE = """
import json
import django
django.setup()
from django.core.files.storage import storages
config = storages["default"].connection.meta.client.meta.config
print(json.dumps({"backend": type(storages["default"]).__name__,
                  "connect_timeout": config.connect_timeout, "read_timeout": config.read_timeout,
                  "retries": config.retries, "signature_version": config.signature_version}))
"""


def _client_config(storage):
    return storage.connection.meta.client.meta.config


def test_s3_storage_client_has_the_default_timeouts(settings):
    # The S3 settings of tests/core/test_s3_services.py; building the client contacts no server.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "media", "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    config = _client_config(storages["default"])
    assert config.connect_timeout == 5
    assert config.read_timeout == 30
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert config.signature_version == "s3v4"


def test_s3_timeouts_come_from_the_environment(tmp_path: Path):
    probed = settings_probe(
        PROBE,
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_S3_CONNECT_TIMEOUT="2",
        AWS_S3_READ_TIMEOUT="7",
        AWS_S3_MAX_ATTEMPTS="4",
    )
    assert probed == {
        "backend": "S3Storage",
        "connect_timeout": 2,
        "read_timeout": 7,
        "retries": {"total_max_attempts": 4, "mode": "standard"},
        "signature_version": "s3v4",
    }
