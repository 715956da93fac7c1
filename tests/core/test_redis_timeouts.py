"""An unreachable Redis answers within a deadline: the health check reports it, nothing hangs."""

import socket
from pathlib import Path

import pytest

from tests.support import settings_probe

# Run in a fresh interpreter: the queue and the cache are built from the settings at import time.
PROBE = """
import json, time
import django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/api/health/", secure=True)
print(json.dumps({"status": response.status_code, "body": response.json(),
                  "seconds": time.monotonic() - started}))
"""


@pytest.fixture
def silent_redis():
    """A TCP port that accepts connections and never answers, like a wedged Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_health_is_503_within_the_redis_timeout_not_a_hang(silent_redis, tmp_path: Path):
    result = settings_probe(
        PROBE, tmp_path, ALLOWED_HOSTS="testserver", REDIS_URL=silent_redis, REDIS_CACHE_URL=""
    )
    assert result["status"] == 503
    assert result["body"] == {"status": "unavailable", "database": "ok", "queue": "unavailable"}
    assert result["seconds"] < 15
