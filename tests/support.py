"""Real processes, servers and threads for the services run: run_huey consumers, a local SMTP
server, and calls started at the same instant."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], Any], *, timeout: float = 30, interval: float = 0.1) -> Any:
    """Poll until ``condition()`` is truthy; fail the test with a clear message on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s: {condition}")


def worker_env(**extra: str) -> dict[str, str]:
    """Environment for a consumer that shares the test's database, broker and queue name."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_", "HUEY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DEBUG="0",
        SECRET_KEY="services-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ASSESSMENTS_ENCRYPTION_KEYS=",".join(settings.ASSESSMENTS_ENCRYPTION_KEYS),
        ASSESSMENTS_EMAIL_HASH_KEY=settings.ASSESSMENTS_EMAIL_HASH_KEY,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=settings.REDIS_URL,
        HUEY_NAME=settings.HUEY["name"],
        HUEY_PERIODIC="0",
        HUEY_WORKERS="2",
        EMAIL_TIMEOUT="5",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class HueyWorker:
    """One ``manage.py run_huey`` process; its log is kept for assertions and failure reports."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"consumer started" in self.log().lower() or self._died(), timeout=30)
        if self.process.poll() is not None:
            raise AssertionError(f"run_huey exited early:\n{self.log().decode()}")

    def _died(self) -> bool:
        return self.process.poll() is not None

    def log(self) -> bytes:
        return self.log_path.read_bytes()

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, exactly like a crashed dyno."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.cut_off: list[Message] = []
        self.lock = threading.Lock()
        self.accept: int | None = None
        self.waiting = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Past the ``accept`` limit the message is held unanswered until the sink stops (the
        # task is cancelled and the client's connection drops) or the hold is lifted.
        waiting = False
        try:
            while True:
                with self.lock:
                    if self.accept is None or len(self.messages) < self.accept:
                        self.messages.append(message_from_bytes(envelope.content))
                        return "250 Message accepted for delivery"
                    if not waiting:
                        waiting = True
                        self.waiting += 1
                        self.cut_off.append(message_from_bytes(envelope.content))
                await asyncio.sleep(0.02)
        finally:
            if waiting:
                with self.lock:
                    self.waiting -= 1


class SmtpSink:
    """A real SMTP server on loopback that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.collector = _Collector()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        with self.collector.lock:
            return list(self.collector.messages)

    def hold_after(self, count: int | None) -> None:
        """Accept ``count`` messages in all, then leave every later DATA command unanswered
        (its client waiting mid-delivery) until the sink stops; None accepts everything again."""
        with self.collector.lock:
            self.collector.accept = count

    @property
    def waiting(self) -> int:
        """Clients currently held in DATA by ``hold_after``."""
        with self.collector.lock:
            return self.collector.waiting

    @property
    def cut_off(self) -> list[Message]:
        """Messages that were held in DATA: received, never acknowledged, not delivered."""
        with self.collector.lock:
            return list(self.collector.cut_off)

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Start every call at the same instant, each on its own thread and database connection;
    each result is what the call returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # reported through the results, checked by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def settings_probe(code: str, tmp_path: Path, **env: str) -> Any:
    """Run ``code`` in a fresh process whose settings come from this environment (production
    settings, an empty SQLite database); returns the JSON it printed last."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "SECRET_KEY": "settings-probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "CRITICAL",
        **env,
    }
    for name in [name for name, value in env.items() if value == ""]:
        environment.pop(name)
    finished = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def assert_fast_reads(client: Any, path: str, headers: dict[str, str], *, reads: int) -> None:
    """``path`` answers from core.fastpath's kept SQL once warm: ``reads`` hits a request, no
    miss, no refusal. Fails when a read stops being kept (a per-call field in a query, say)."""
    from core import fastpath

    for _ in range(3):  # compile, then let shared expressions settle
        assert client.get(path, **headers).status_code == 200
    before = (fastpath.stats.hits, fastpath.stats.misses, fastpath.stats.refused)
    for _ in range(3):
        assert client.get(path, **headers).status_code == 200
    after = (fastpath.stats.hits, fastpath.stats.misses, fastpath.stats.refused)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (3 * reads, 0, 0)
