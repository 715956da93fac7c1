"""Re-encryption with real processes (PostgreSQL, Redis, run_huey): a worker killed with SIGKILL
in the middle of a batch, then the sweep, leaves every answer under the new key with none re-keyed
twice; a wiped broker loses no job."""

import time

import psycopg
import pytest
import redis
from django.db import connection
from huey.contrib.djhuey import HUEY

from core import jobs
from core.tasks import sweep_jobs
from modules.assessments.models import AnswerItem, ReencryptionJob
from modules.assessments.services.reencryption import QUEUE
from tests.assessments.answering import answer_body, client_of, make_world, submit
from tests.assessments.client_crypto import decrypt
from tests.assessments.test_reencryption import NEW, change
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ANSWERS = 40
BATCH = 5


def worker_env(settings, **extra):
    return {
        "ASSESSMENTS_ENCRYPTION_KEYS": ",".join(settings.ASSESSMENTS_ENCRYPTION_KEYS),
        "ASSESSMENTS_REENCRYPTION_BATCH": str(BATCH),
        **extra,
    }


def answered(client, world, count):
    user = world.respondent
    for n in range(count):
        body = answer_body(world, plain=[{"value": n, "text": f"answer {n}"}])
        assert submit(client, body, user).status_code == 201
    return list(AnswerItem.objects.filter(respondent=user).order_by("id"))


def dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def assert_all_under_the_new_key(world):
    user = world.respondent
    me = client_of(user, NEW)
    key = me.aes_key(world.encryption)
    public = me.public_key(world.encryption).replace(" ", "")
    texts = set()
    for item in AnswerItem.objects.filter(respondent=user):
        assert item.user_public_key == public
        texts.add(decrypt(item.answer, key))
    assert len(texts) == ANSWERS


def test_a_worker_killed_mid_batch_is_resumed_without_rekeying_twice(
    client, owner, huey_worker, settings
):
    world = make_world(client, owner)
    items = answered(client, world, ANSWERS)
    # Hold one item of the third batch: the worker commits two batches, then blocks inside the
    # third (one item of it already updated in its open transaction) until it is killed.
    held = items[2 * BATCH + 1]
    holder = psycopg.connect(dsn())
    holder.execute("SELECT id FROM assessments_answeritem WHERE id = %s FOR UPDATE", [held.pk])

    doomed = huey_worker(**worker_env(settings, ASSESSMENTS_REENCRYPTION_HEARTBEAT_TIMEOUT="2"))
    assert change(client, world.respondent).status_code == 200
    job = ReencryptionJob.objects.get(user=world.respondent)
    wait_for(waiting_on_a_lock, timeout=60)
    job.refresh_from_db()
    assert (job.status, job.processed) == ("running", 2 * BATCH)
    assert job.cursor == {"applet": world.id, "item": str(items[2 * BATCH - 1].pk)}
    committed = {
        item.pk: (item.answer, item.events, item.user_public_key)
        for item in AnswerItem.objects.filter(pk__in=[i.pk for i in items[: 2 * BATCH]])
    }
    untouched = {i.pk: i.answer for i in items[2 * BATCH :]}

    doomed.kill()
    holder.rollback()  # the dead worker's backend gets the lock, finds its client gone, rolls back
    holder.close()
    wait_for(lambda: not waiting_on_a_lock(), timeout=30)
    time.sleep(1)
    job.refresh_from_db()
    assert (job.status, job.processed) == ("running", 2 * BATCH)
    now = {i.pk: i.answer for i in AnswerItem.objects.filter(pk__in=untouched)}
    assert now == untouched, "the killed worker's open batch must not have been committed"

    huey_worker(**worker_env(settings))
    settings.ASSESSMENTS_REENCRYPTION_HEARTBEAT_TIMEOUT = 2
    time.sleep(2.5)
    assert jobs.sweep(QUEUE).requeued == 1
    wait_for(lambda: ReencryptionJob.objects.get(pk=job.pk).status == "succeeded", timeout=60)
    job.refresh_from_db()
    # Each item counted once: the resumed run started after the cursor.
    assert (job.processed, job.skipped, job.attempts, job.secret) == (ANSWERS, 0, 2, "")
    for pk, stored in committed.items():
        item = AnswerItem.objects.get(pk=pk)
        assert (item.answer, item.events, item.user_public_key) == stored, (
            "an item re-keyed before the crash was re-keyed again"
        )
    assert_all_under_the_new_key(world)


def test_a_flushed_broker_loses_no_job(client, owner, huey_worker, settings):
    """FLUSHDB on the test's own Redis database stands for the broker losing everything (as in
    tests/quality/test_faults.py: FLUSHALL would also wipe other databases of a shared server)."""
    world = make_world(client, owner)
    answered(client, world, 6)
    assert change(client, world.respondent).status_code == 200
    job = ReencryptionJob.objects.get(user=world.respondent)
    assert [t.name.rsplit(".", 1)[-1] for t in HUEY.pending()] == ["reencrypt_answers"]
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    assert HUEY.pending_count() == 0

    huey_worker(**worker_env(settings))
    time.sleep(2)
    job.refresh_from_db()
    assert job.status == "queued"

    settings.ASSESSMENTS_REENCRYPTION_REQUEUE_AFTER = 0
    results = sweep_jobs.call_local()
    found = results["assessments-reencryption"]
    assert (found.woken, found.requeued, found.failed) == (1, 0, 0)
    wait_for(lambda: ReencryptionJob.objects.get(pk=job.pk).status == "succeeded", timeout=60)
    job.refresh_from_db()
    assert (job.processed, job.attempts) == (6, 1)
    me = client_of(world.respondent, NEW)
    key = me.aes_key(world.encryption)
    for item in AnswerItem.objects.filter(respondent=world.respondent):
        assert decrypt(item.answer, key).startswith('[{"value"')
