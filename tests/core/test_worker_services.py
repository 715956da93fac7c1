"""The real path: emails through Redis and a run_huey consumer to a local SMTP server."""

import time

import pytest
import redis
from django.conf import settings

from core import jobs
from core.mail import queue_email
from core.mail.services import OUTBOX_QUEUE
from core.models import OutboxEmail
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def statuses() -> list[str]:
    return list(OutboxEmail.objects.order_by("pk").values_list("status", flat=True))


def test_email_queued_while_smtp_is_down_arrives_exactly_once(huey_worker, smtp_sink):
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    email = queue_email("ada@example.com", "Down then up", "body", retry_delay=1)
    wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).attempts >= 1)
    row = OutboxEmail.objects.get(pk=email.pk)
    assert row.status in ("queued", "sending")
    smtp_sink.start()
    wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == "sent", timeout=30)
    time.sleep(2)  # a duplicate delivery would show up here
    assert [m["Subject"] for m in smtp_sink.messages] == ["Down then up"]
    assert smtp_sink.messages[0]["X-Outbox-ID"] == str(email.pk)
    row = OutboxEmail.objects.get(pk=email.pk)
    assert row.attempts >= 2 and row.last_error == ""


def test_flushed_broker_loses_no_email(huey_worker, smtp_sink, settings):
    smtp_sink.start()
    sent = [queue_email(f"user{i}@example.com", f"Mail {i}", "body") for i in range(5)]
    # The wake-ups are in Redis; wipe them before any worker runs.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    time.sleep(1)
    assert statuses() == ["queued"] * 5
    settings.OUTBOX_REQUEUE_AFTER = 0
    result = jobs.sweep(OUTBOX_QUEUE)
    assert result.woken == 5
    wait_for(lambda: statuses() == ["sent"] * 5, timeout=30)
    time.sleep(1)
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    assert subjects == sorted(f"Mail {i}" for i in range(len(sent)))


def test_services_run_uses_postgres_and_redis():
    assert "postgresql" in settings.DATABASES["default"]["ENGINE"]
    assert settings.HUEY["huey_class"] == "huey.RedisHuey"


def test_services_run_throttles_on_the_redis_cache(client, settings):
    """The throttle's counters live in Redis, shared by every web process, as in production."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    settings.AUTH_THROTTLE_RATE = "2/min"
    body = {"email": "x@example.com", "password": "nope"}
    statuses = [
        client.post("/api/token/", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    keys = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).keys("*throttle_auth_*")
    assert len(keys) == 1
