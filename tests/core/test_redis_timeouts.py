"""An unreachable Redis answers within a deadline: the health check reports it, nothing hangs."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from project.settings import BASE_DIR

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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "SECRET_KEY": "health-probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": silent_redis,
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_CACHE_URL", None)
    finished = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"] == {"status": "unavailable", "database": "ok", "queue": "unavailable"}
    assert result["seconds"] < 15
