"""S3 calls have deadlines: the timeouts and retry budget from the environment reach boto3."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.files.storage import storages

from project.settings import BASE_DIR

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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "SECRET_KEY": "s3-probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz0123",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "AWS_STORAGE_BUCKET_NAME": "media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_S3_CONNECT_TIMEOUT": "2",
        "AWS_S3_READ_TIMEOUT": "7",
        "AWS_S3_MAX_ATTEMPTS": "4",
        "LOG_LEVEL": "CRITICAL",
    }
    finished = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(finished.stdout.strip().splitlines()[-1]) == {
        "backend": "S3Storage",
        "connect_timeout": 2,
        "read_timeout": 7,
        "retries": {"total_max_attempts": 4, "mode": "standard"},
        "signature_version": "s3v4",
    }
