"""Re-keying a respondent's answers after a password change (spec §9, decision 4).

Clients derive the respondent's key pair from the password, so a new password means a new key:
each answer item under the old public key is decrypted with the old shared secret and encrypted
again with the new one. The server never holds the password: #9 stores ``sha512(old + email)``
and ``sha512(new + email)``, Fernet-encrypted in the job row, wiped when the job ends.

The row is the truth (``core.jobs``): a task claims it with a conditional UPDATE, works applet by
applet in batches of ``ASSESSMENTS_REENCRYPTION_BATCH`` items by id, and saves each batch's items
with the cursor, the counts and a heartbeat in one transaction that only commits while this worker
holds the claim. A worker killed mid-batch loses that batch's transaction only; the sweep gives the
row back to the queue and the next claim resumes after the cursor, so no item is done twice.
"""

import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from core import jobs
from core.models import User
from modules.assessments import pii
from modules.assessments.models import AnswerItem, Applet, ReencryptionJob, ReencryptionState

logger = logging.getLogger(__name__)

State = ReencryptionState
REENCRYPTED_FIELDS = ("answer", "events", "identifier")


class UnusableSecret(Exception):
    """The job's secret is gone or opens with no configured key: the job cannot run."""


class LostClaim(Exception):
    """The row stopped being this worker's (swept and claimed again): write nothing more."""


# Key agreement and the cipher, exactly as MindLogger's clients do them (§9).


def int_of(raw: Any) -> int:
    """``"[1,2,3]"`` (or the list itself): the big-endian integer of those bytes."""
    values = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 256 for v in values
    ):
        raise ValueError("not a list of bytes")
    return int.from_bytes(bytes(values), "big")


def bytes_of(value: int) -> bytes:
    """The minimal big-endian form (no leading zero bytes; zero is one byte)."""
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


def key_text(value: int) -> str:
    return json.dumps(list(bytes_of(value)), separators=(",", ":"))


def password_hash(password: str, email: str) -> str:
    return hashlib.sha512(f"{password}{email.lower()}".encode()).hexdigest()


def private_key(password_digest_hex: str, user_id: Any, email: str) -> int:
    """``sha512(password + email) ‖ sha512(userId + email)``: 128 bytes, big-endian."""
    second = hashlib.sha512(f"{user_id}{email.lower()}".encode()).digest()
    return int.from_bytes(bytes.fromhex(password_digest_hex) + second, "big")


@dataclass(frozen=True)
class AppletKey:
    """One side of the agreement: the respondent's public key and the AES key shared with the
    applet."""

    public: list[int]
    aes_key: bytes


def applet_key(encryption: dict[str, Any], private: int) -> AppletKey:
    prime = int_of(encryption["prime"])
    base = int_of(encryption["base"])
    applet_public = int_of(encryption["publicKey"])
    public = pow(base, private, prime)
    shared = pow(applet_public, private, prime)
    return AppletKey(list(bytes_of(public)), hashlib.sha256(bytes_of(shared)).digest())


def encrypt(text: str, key: bytes) -> str:
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(text.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return f"{iv.hex()}:{(encryptor.update(padded) + encryptor.finalize()).hex()}"


def decrypt(token: str, key: bytes) -> str:
    """The plaintext; ``ValueError`` when the token is malformed or not under this key."""
    iv_hex, _, body_hex = token.partition(":")
    iv, body = bytes.fromhex(iv_hex), bytes.fromhex(body_hex)
    if len(iv) != 16 or not body or len(body) % 16:
        raise ValueError("not an AES-256-CBC token")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(padded) + unpadder.finalize()).decode()


def public_key_of(raw: str | None) -> list[int] | None:
    try:
        return list(bytes_of(int_of(raw))) if raw else None
    except (ValueError, TypeError):
        return None


# The job row and its queue


def _gave_up(job: ReencryptionJob) -> None:
    """The sweep failed a job whose worker kept dying: its secret goes with it."""
    ReencryptionJob.objects.filter(pk=job.pk).update(secret="", finished_at=timezone.now())


QUEUE = jobs.JobQueue(
    name="assessments-reencryption",
    model=ReencryptionJob,
    wake=jobs.huey_wake("modules.assessments.tasks.reencrypt_answers"),
    heartbeat_timeout=lambda: settings.ASSESSMENTS_REENCRYPTION_HEARTBEAT_TIMEOUT,
    requeue_after=lambda: settings.ASSESSMENTS_REENCRYPTION_REQUEUE_AFTER,
    exhausted=lambda job: job.attempts > settings.ASSESSMENTS_REENCRYPTION_MAX_RETRIES,
    queued=State.QUEUED,
    running=State.RUNNING,
    failed=State.FAILED,
    on_give_up=_gave_up,
)
# A job waiting out its retry delay: claimed and swept like a queued one. Stale running rows are
# left to ``QUEUE`` (a heartbeat timeout no row reaches).
RETRY_QUEUE = dataclasses.replace(
    QUEUE,
    name="assessments-reencryption-retry",
    queued=State.RETRYING,
    heartbeat_timeout=lambda: 10**9,
)


def reencryption_queue(*, user: User, old_password: str, new_password: str) -> ReencryptionJob:
    """Record the job in the caller's transaction; the worker is woken once it commits."""
    secret = json.dumps(
        {
            "old": password_hash(old_password, user.email),
            "new": password_hash(new_password, user.email),
        }
    )
    job = ReencryptionJob.objects.create(
        user=user, secret=pii.fernet().encrypt(secret.encode()).decode()
    )
    jobs.enqueue(QUEUE, job.pk)
    return job


def reencryption_active(*, user: User) -> bool:
    return ReencryptionJob.objects.filter(
        user=user, status__in=[State.QUEUED, State.RUNNING, State.RETRYING]
    ).exists()


def reencryption_retry(*, job_id: Any) -> bool:
    """Admin: a failed job goes back to the queue from its cursor; only while it still has its
    secret (a job the sweep gave up on has lost it, and re-keying needs the old password)."""
    moved = (
        ReencryptionJob.objects.filter(pk=job_id, status=State.FAILED)
        .exclude(secret="")
        .update(
            status=State.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            last_error="",
            finished_at=None,
            claimed_by="",
        )
    )
    if moved:
        jobs.enqueue(QUEUE, job_id)
    return moved == 1


def reencryption_claim(*, job_id: Any, worker: str | None = None) -> bool:
    worker = worker or jobs.worker_name()
    return jobs.claim(QUEUE, job_id, worker=worker) or jobs.claim(
        RETRY_QUEUE, job_id, worker=worker
    )


def reencryption_run(*, job_id: Any, worker: str | None = None) -> str:
    """One wake-up: claim the job and re-key every answer item left; returns where it ended."""
    worker = worker or jobs.worker_name()
    if not reencryption_claim(job_id=job_id, worker=worker):
        return "skipped"
    try:
        _Run(job_id, worker).execute()
    except LostClaim:
        logger.warning("re-encryption %s is no longer held by %s", job_id, worker)
        return "lost"
    except DatabaseError as exc:
        logger.exception("re-encryption %s hit a database error", job_id)
        return _retry_or_fail(job_id, _one_line(exc))
    except Exception as exc:
        logger.exception("re-encryption %s failed", job_id)
        jobs.fail(QUEUE, job_id, error=_one_line(exc), secret="", finished_at=timezone.now())
        return State.FAILED
    return State.SUCCEEDED


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]


def _retry_or_fail(job_id: Any, reason: str) -> str:
    try:
        attempts = ReencryptionJob.objects.values_list("attempts", flat=True).get(pk=job_id)
        delays = [settings.ASSESSMENTS_REENCRYPTION_RETRY_DELAY] * (
            settings.ASSESSMENTS_REENCRYPTION_MAX_RETRIES
        )
        status = jobs.retry_or_fail(
            RETRY_QUEUE,
            job_id,
            attempts=attempts,
            delays=delays,
            error=reason,
            on_fail={"secret": "", "finished_at": timezone.now()},
        )
        return status or "lost"
    except DatabaseError:
        # Still unreachable: the sweep re-queues the job once its heartbeat is stale.
        logger.exception("re-encryption %s could not be re-queued", job_id)
        return "stale"


class _Run:
    def __init__(self, job_id: Any, worker: str) -> None:
        self.job = ReencryptionJob.objects.select_related("user").get(pk=job_id)
        self.mine = ReencryptionJob.objects.filter(
            pk=job_id, status=State.RUNNING, claimed_by=worker
        )
        self.batch = max(1, settings.ASSESSMENTS_REENCRYPTION_BATCH)

    def secrets(self) -> tuple[str, str]:
        if not self.job.secret:
            raise UnusableSecret("The job has no secret left.")
        try:
            opened = json.loads(pii.fernet().decrypt(self.job.secret.encode()))
        except Exception:
            raise UnusableSecret("The job's secret opens with no configured key.") from None
        return opened["old"], opened["new"]

    def execute(self) -> None:
        user = self.job.user
        old_hash, new_hash = self.secrets()
        old_private = private_key(old_hash, user.public_id, user.email)
        new_private = private_key(new_hash, user.public_id, user.email)
        cursor = self.job.cursor or {}
        applets = (
            Applet.objects.filter(answers__item__respondent=user, encryption__isnull=False)
            .distinct()
            .order_by("id")
        )
        if cursor.get("applet"):
            applets = applets.filter(id__gte=cursor["applet"])
        for applet_id, encryption in applets.values_list("id", "encryption"):
            if not isinstance(encryption, dict):
                continue
            try:
                old = applet_key(encryption, old_private)
                new = applet_key(encryption, new_private)
            except (KeyError, TypeError, ValueError):
                logger.warning(
                    "re-encryption %s: applet %s has no usable key", self.job.pk, applet_id
                )
                continue
            after = cursor.get("item") if cursor.get("applet") == str(applet_id) else None
            self.applet(applet_id, old, new, after)
        with transaction.atomic():
            if not self.mine.update(
                status=State.SUCCEEDED, secret="", finished_at=timezone.now(), last_error=""
            ):
                raise LostClaim()

    def applet(self, applet_id: Any, old: AppletKey, new: AppletKey, after: Any) -> None:
        items = AnswerItem.objects.filter(
            respondent=self.job.user, answer_row__applet_id=applet_id
        ).order_by("id")
        while True:
            page = items.filter(id__gt=after) if after else items
            rows = list(page.values("id", "user_public_key", *REENCRYPTED_FIELDS)[: self.batch])
            if not rows:
                return
            changed, skipped = [], 0
            for row in rows:
                if public_key_of(row["user_public_key"]) != old.public:
                    continue  # another key (another device's password, a later change)
                try:
                    fields = {
                        name: encrypt(decrypt(row[name], old.aes_key), new.aes_key)
                        if row[name]
                        else row[name]
                        for name in REENCRYPTED_FIELDS
                    }
                except (ValueError, UnicodeDecodeError):
                    skipped += 1
                    continue
                changed.append((row["id"], fields))
            after = rows[-1]["id"]
            self.save(applet_id, after, changed, skipped, new)
            if len(rows) < self.batch:
                return

    def save(
        self,
        applet_id: Any,
        last: Any,
        changed: list[tuple[Any, dict[str, Any]]],
        skipped: int,
        new: AppletKey,
    ) -> None:
        """The batch's items, the cursor past them and the counts: all or nothing, and only
        while the row is still this worker's."""
        public = json.dumps(new.public, separators=(",", ":"))
        with transaction.atomic():
            moved = self.mine.update(
                cursor={"applet": str(applet_id), "item": str(last)},
                processed=F("processed") + len(changed),
                skipped=F("skipped") + skipped,
                heartbeat_at=timezone.now(),
            )
            if not moved:
                raise LostClaim()
            for pk, fields in changed:
                AnswerItem.objects.filter(pk=pk).update(user_public_key=public, **fields)
