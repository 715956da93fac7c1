"""Shared fixtures: users with real JWTs, the HTTP client, and the real-queue switch."""

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, TestCase
from huey.contrib.djhuey import HUEY
from model_bakery import baker

from core.auth import token_pair_for
from core.models import User


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> Iterator[None]:
    cache.clear()
    HUEY.storage.flush_all()
    yield
    cache.clear()


class CommittingClient(Client):
    """Runs the on-commit callbacks of each request when it returns, as a real commit would.

    Tests run inside a transaction that never commits, so without this no email or job queued
    with ``transaction.on_commit`` would ever be enqueued. Callbacks of rolled-back savepoints
    are discarded by Django, so a failed request still enqueues nothing.
    """

    def request(self, **request: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> Client:
    return CommittingClient()


_emails = itertools.count(1)


def make_user(**fields: Any) -> User:
    """A saved user with a known password (``pass-word-123`` unless given)."""
    fields.setdefault("email", f"user{next(_emails)}@example.com")
    password = fields.pop("password", "pass-word-123")
    user = baker.make(User, **fields)
    user.set_password(password)
    user.save()
    return user


def bearer(user: User) -> dict[str, str]:
    """Headers for the test client: a real access token for ``user``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token_pair_for(user)['access']}"}


@pytest.fixture
def user() -> User:
    return make_user()


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    return bearer(user)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--services",
        action="store_true",
        help="Run against real PostgreSQL and Redis (DATABASE_URL, REDIS_URL); fail if unreachable.",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--services"):
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(f"--services needs DATABASE_URL to point at PostgreSQL, not {engine}", 2)
    if not settings.REDIS_URL:
        pytest.exit("--services needs REDIS_URL", 2)
    import psycopg
    import redis

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except Exception as exc:
        pytest.exit(f"PostgreSQL is unreachable: {exc}", 2)
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
    except Exception as exc:
        pytest.exit(f"Redis is unreachable: {exc}", 2)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--services"):
        return
    for item in items:
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.skip(reason="needs --services (make test-services)"))


@pytest.fixture
def real_queue() -> Iterator[Any]:
    """Enqueue into the real broker (Redis in the services run) instead of running tasks inline."""
    HUEY.immediate = False
    HUEY.storage.flush_all()
    try:
        yield HUEY
    finally:
        HUEY.storage.flush_all()
        HUEY.immediate = True


@pytest.fixture
def huey_worker(real_queue: Any, tmp_path: Any) -> Iterator[Any]:
    """Factory for real ``run_huey`` consumers sharing the test database and queue."""
    from tests.support import HueyWorker, worker_env

    started: list[HueyWorker] = []

    def start(**env: str) -> HueyWorker:
        worker = HueyWorker(worker_env(**env), tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def smtp_sink() -> Iterator[Any]:
    from tests.support import SmtpSink

    sink = SmtpSink()
    yield sink
    sink.stop()
