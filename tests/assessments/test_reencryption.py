"""§9 and #9: a password change re-keys the respondent's answers. A real client (client_crypto)
encrypts answers under its old password, changes it through the API, and after the worker ran
decrypts every answer with the key of the new password; the team still reads them."""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from core import jobs
from modules.assessments import pii
from modules.assessments.models import AnswerItem, ReencryptionJob
from modules.assessments.services import reencryption
from modules.assessments.services.reencryption import QUEUE, reencryption_retry, reencryption_run
from tests.assessments.answering import PASSWORD, answer_body, client_of, make_world, submit
from tests.assessments.client_crypto import decrypt, encrypt
from tests.assessments.conftest import call, error
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NEW = "rita-new-pass-2"
IN_PROGRESS = "Cannot change password. Reencryption process in progress."


def change(client, user, password=NEW, prev=PASSWORD):
    body = {"password": password, "prevPassword": prev}
    return call(client, "PUT", "/users/me/password", body, user=user)


def answered(client, world, count, user=None, **changes):
    """``count`` answers submitted by ``user`` (the world's respondent by default)."""
    user = user or world.respondent
    plains = []
    for n in range(count):
        plain = [{"value": n, "text": f"answer {n}"}]
        response = submit(client, answer_body(world, user, plain=plain, **changes), user)
        assert response.status_code == 201
        plains.append(plain)
    return plains


def items_of(user):
    return list(AnswerItem.objects.filter(respondent=user).order_by("answer_row__created_at", "id"))


def test_a_password_change_rekeys_every_answer(client, owner):
    world = make_world(client, owner)
    second = make_world(client, owner, name="Second applet")
    from tests.assessments.conftest import grant

    grant(world.respondent, second.id, "respondent")
    answered(client, world, 3)
    answered(client, second, 2, user=world.respondent)
    user = world.respondent

    response = change(client, user)
    assert response.status_code == 200
    assert response.json() == {
        "result": {
            "email": user.email,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "id": str(user.public_id),
        }
    }
    user.refresh_from_db()
    assert user.check_password(NEW)
    job = ReencryptionJob.objects.get(user=user)
    # The in-process queue ran the task when the request committed.
    assert job.status == "succeeded" and job.secret == "" and job.finished_at is not None
    assert (job.processed, job.skipped, job.attempts) == (5, 0, 1)

    new_client = client_of(user, NEW)
    for applet in (world, second):
        key = new_client.aes_key(applet.encryption)
        items = AnswerItem.objects.filter(respondent=user, answer_row__applet_id=applet.id)
        for item in items:
            assert item.user_public_key == new_client.public_key(applet.encryption).replace(" ", "")
            plain = json.loads(decrypt(item.answer, key))
            assert plain[0]["text"].startswith("answer ")
            assert json.loads(decrypt(item.events, key))[0]["type"] == "SET_ANSWER"
            # The team reads it with the applet's private key and the new public key.
            assert decrypt(item.answer, applet.keys.key_for(item.user_public_key))
            with pytest.raises(ValueError):
                decrypt(item.answer, client_of(user, PASSWORD).aes_key(applet.encryption))


def test_only_items_under_the_old_key_are_rekeyed_and_undecryptable_ones_skipped(client, owner):
    world = make_world(client, owner)
    user = world.respondent
    answered(client, world, 2, answer={"identifier": None})
    key = client_of(user).aes_key(world.encryption)
    # Identifier encrypted too.
    body = answer_body(world)
    body["answer"]["identifier"] = encrypt("patient-42", key)
    assert submit(client, body, user).status_code == 201
    # Made under another password (another device, say): not this job's to touch.
    other = answer_body(world, password="some-other-pass")
    assert submit(client, other, user).status_code == 201
    # Under the old key but not decryptable with it: skipped, left as it was.
    broken = answer_body(world)
    broken["answer"]["answer"] = "00" * 16 + ":" + "11" * 32
    assert submit(client, broken, user).status_code == 201
    before = {item.pk: (item.answer, item.user_public_key) for item in items_of(user)}

    assert change(client, user).status_code == 200
    job = ReencryptionJob.objects.get(user=user)
    assert (job.status, job.processed, job.skipped) == ("succeeded", 3, 1)
    new_key = client_of(user, NEW).aes_key(world.encryption)
    by_answer = {i.answer_row.submit_id: i for i in items_of(user)}
    kept_other = by_answer[uuid.UUID(other["submitId"])]
    assert (kept_other.answer, kept_other.user_public_key) == before[kept_other.pk]
    kept_broken = by_answer[uuid.UUID(broken["submitId"])]
    assert (kept_broken.answer, kept_broken.user_public_key) == before[kept_broken.pk]
    with_identifier = by_answer[uuid.UUID(body["submitId"])]
    assert decrypt(with_identifier.identifier, new_key) == "patient-42"
    assert sum(1 for i in items_of(user) if i.answer != before[i.pk][0]) == 3


def test_the_job_holds_only_the_two_hashes_until_it_ends(owner, client):
    world = make_world(client, owner)
    answered(client, world, 1)
    user = world.respondent
    plain = Client()  # nothing commits: the job stays queued for inspection
    assert change(plain, user).status_code == 200
    job = ReencryptionJob.objects.get(user=user)
    assert job.status == "queued" and job.last_enqueued_at is not None
    for password in (PASSWORD, NEW):
        assert password not in job.secret
    opened = json.loads(pii.fernet().decrypt(job.secret.encode()))
    email = user.email.lower()
    assert opened == {
        "old": hashlib.sha512(f"{PASSWORD}{email}".encode()).hexdigest(),
        "new": hashlib.sha512(f"{NEW}{email}".encode()).hexdigest(),
    }
    # While it waits or runs, another change is refused before any other check.
    for status in ("queued", "running", "retrying"):
        ReencryptionJob.objects.filter(pk=job.pk).update(status=status)
        response = change(client, user, password="has space", prev="wrong")
        assert response.status_code == 400
        assert response.json() == error(IN_PROGRESS, "BAD_REQUEST")
        assert ReencryptionJob.objects.count() == 1
    ReencryptionJob.objects.filter(pk=job.pk).update(status="queued")
    assert reencryption_run(job_id=job.pk) == "succeeded"
    assert reencryption_run(job_id=job.pk) == "skipped"  # a second wake-up does nothing
    job.refresh_from_db()
    assert (job.status, job.secret, job.processed) == ("succeeded", "", 1)
    # Done: the next change is taken.
    assert change(client, user, password="third-pass-3", prev=NEW).status_code == 200


@pytest.mark.parametrize(
    ("password", "prev", "messages"),
    [
        ("new pass", PASSWORD, ["Password should not contain blank spaces"]),
        (NEW, "wrong-old", ["Old password is incorrect."]),
    ],
)
def test_refused_changes_queue_nothing(client, owner, unchanged, password, prev, messages):
    user = make_user(password=PASSWORD)
    with unchanged():
        response = change(client, user, password=password, prev=prev)
    assert response.status_code == 400
    assert response.json() == {
        "result": [{"message": m, "type": "BAD_REQUEST", "path": []} for m in messages]
    }


def _failing_updates():
    """A real database error on every answer-item update: a trigger, not a mock."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER answer_item_broken BEFORE UPDATE ON assessments_answeritem "
                "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION answer_item_broken() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk on fire'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER answer_item_broken BEFORE UPDATE ON assessments_answeritem "
                "FOR EACH ROW EXECUTE FUNCTION answer_item_broken()"
            )


def _repair():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER answer_item_broken")
        else:
            cursor.execute("DROP TRIGGER answer_item_broken ON assessments_answeritem")


def test_database_errors_retry_then_fail_and_wipe_the_secret(client, owner, settings):
    settings.ASSESSMENTS_REENCRYPTION_MAX_RETRIES = 2
    settings.ASSESSMENTS_REENCRYPTION_RETRY_DELAY = 300
    world = make_world(client, owner)
    answered(client, world, 2)
    user = world.respondent
    assert change(Client(), user).status_code == 200
    job = ReencryptionJob.objects.get(user=user)
    before = {item.pk: item.answer for item in items_of(user)}
    _failing_updates()
    for attempt in (1, 2):
        started = timezone.now()
        assert reencryption_run(job_id=job.pk) == "retrying"
        job.refresh_from_db()
        assert (job.status, job.attempts, job.processed) == ("retrying", attempt, 0)
        assert "disk on fire" in job.last_error
        assert job.secret != ""
        assert job.next_attempt_at >= started + timedelta(seconds=299)
        assert reencryption_run(job_id=job.pk) == "skipped"  # not due yet
        ReencryptionJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    assert reencryption_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.secret) == ("failed", 3, "")
    assert {item.pk: item.answer for item in items_of(user)} == before
    _repair()
    # Its hashes are gone: the admin cannot run it again, and the user may change again.
    assert reencryption_retry(job_id=job.pk) is False
    assert change(client, user, password="third-pass-3", prev=NEW).status_code == 200


def test_admin_retries_a_failed_job_from_its_cursor(client, owner, admin_client, settings):
    settings.ASSESSMENTS_REENCRYPTION_BATCH = 2
    world = make_world(client, owner)
    answered(client, world, 5)
    user = world.respondent
    assert change(Client(), user).status_code == 200
    job = ReencryptionJob.objects.get(user=user)
    # Two batches done, then stopped for good by an operator, its secret still held.
    assert reencryption.reencryption_claim(job_id=job.pk, worker="w1")
    run = reencryption._Run(job.pk, "w1")
    old_hash, new_hash = run.secrets()
    keys = [
        reencryption.applet_key(
            world.encryption, reencryption.private_key(digest, user.public_id, user.email)
        )
        for digest in (old_hash, new_hash)
    ]
    first = list(AnswerItem.objects.filter(respondent=user).order_by("id"))[:2]
    for done in (first[:1], first[1:]):
        changed = [
            (
                item.pk,
                {
                    name: reencryption.encrypt(
                        reencryption.decrypt(getattr(item, name), keys[0].aes_key), keys[1].aes_key
                    )
                    for name in ("answer", "events")
                },
            )
            for item in done
        ]
        run.save(world.id, done[-1].pk, changed, 0, keys[1])
    jobs.fail(QUEUE, job.pk, error="stopped by an operator")
    job.refresh_from_db()
    assert (job.status, job.processed) == ("failed", 2)

    response = admin_client.post(
        "/admin/assessments/reencryptionjob/",
        {"action": "retry", "_selected_action": [str(job.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 re-encryption(s) queued again." in response.content.decode()
    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 0
    assert reencryption_run(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.processed, job.skipped, job.secret) == (5, 0, "")
    key = client_of(user, NEW).aes_key(world.encryption)
    for item in AnswerItem.objects.filter(respondent=user):
        assert json.loads(decrypt(item.answer, key))[0]["text"].startswith("answer ")


def test_the_sweep_takes_back_a_silent_job(client, owner, settings):
    world = make_world(client, owner)
    answered(client, world, 2)
    user = world.respondent
    assert change(Client(), user).status_code == 200
    job = ReencryptionJob.objects.get(user=user)
    assert reencryption.reencryption_claim(job_id=job.pk, worker="dead-worker")
    ReencryptionJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    result = jobs.sweep(QUEUE)
    assert (result.requeued, result.failed) == (1, 0)
    job.refresh_from_db()
    assert job.status == "queued"
    assert reencryption_run(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.processed, job.attempts) == (2, 2)


def test_admin_pages_answers_read_only_jobs_without_their_secret(client, owner, admin_client):
    world = make_world(client, owner)
    answered(client, world, 1)
    assert change(Client(), world.respondent).status_code == 200
    job = ReencryptionJob.objects.get()
    item = AnswerItem.objects.get()
    for model in ("answer", "answeritem", "answeralert", "reencryptionjob"):
        response = admin_client.get(f"/admin/assessments/{model}/")
        assert response.status_code == 200, model
        assert admin_client.get(f"/admin/assessments/{model}/add/").status_code == 403
    page = admin_client.get(f"/admin/assessments/answeritem/{item.pk}/change/")
    assert page.status_code == 200
    assert b'name="answer"' not in page.content  # shown, not editable
    page = admin_client.get(f"/admin/assessments/reencryptionjob/{job.pk}/change/")
    assert page.status_code == 200
    assert job.secret.encode() not in page.content
