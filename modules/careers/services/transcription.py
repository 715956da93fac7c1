"""The transcription pipeline of a story (spec careers.md §5): the job row is the truth, Huey
only wakes a worker for it.

``queue_for`` and ``cancel_for`` run inside the upload's and the delete's transactions.
``media_process`` is one attempt of a worker: claim, probe, convert, send; a synchronous engine
(``local``, ``openai``) answers while the worker heart-beats, the remote one (``aws``) leaves the
job ``waiting`` for ``remote_poll``, the periodic poller. Every ending goes through ``finish``
(one transaction, dropped when the story was deleted meanwhile) or a failure helper that moves
job and story together, each only while the job is still in the state this worker left it in.
"""

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from core import jobs
from modules.careers.models import Media, TranscriptionJob
from modules.careers.profile import representational_system
from modules.careers.transcription.audio import probe, to_wav
from modules.careers.transcription.base import (
    FinalError,
    RemoteState,
    Transcriber,
    TransientError,
    UnreadableAudio,
    beating,
    configured_backend,
    transcriber_for,
)

logger = logging.getLogger(__name__)

State = TranscriptionJob.State
Status = Media.Status

# Spec §5: a queued job whose wake-up is over 2 minutes old is woken again; a running job silent
# for 5 minutes goes back to the queue (counting as an attempt).
REQUEUE_AFTER_SECONDS = 120
HEARTBEAT_TIMEOUT_SECONDS = 300

# Stories a worker leaves alone: tombstones, staff-only, and those already transcribed.
SKIPPED = {Status.DELETED, Status.INACTIVE, Status.TRANSCRIBED}

CONVERTED_FOLDER = "careers/converted"


def retry_delays() -> list[float]:
    return [float(delay) for delay in settings.TRANSCRIBE_RETRY_DELAYS]


def _gave_up(job: TranscriptionJob) -> None:
    """The sweep failed a job whose workers kept dying: the story shows it failed."""
    Media.objects.filter(pk=job.media_id).exclude(status__in=SKIPPED).update(
        status=Status.FAILED, update_date=timezone.now()
    )


TRANSCRIPTION_QUEUE = jobs.JobQueue(
    name="careers-transcription",
    model=TranscriptionJob,
    wake=jobs.huey_wake("modules.careers.tasks.process_media"),
    heartbeat_timeout=lambda: HEARTBEAT_TIMEOUT_SECONDS,
    requeue_after=lambda: REQUEUE_AFTER_SECONDS,
    exhausted=lambda job: job.attempts > len(retry_delays()),
    queued=State.QUEUED,
    running=State.RUNNING,
    failed=State.FAILED,
    on_give_up=_gave_up,
    order_by=("create_date", "pk"),
)


# --- the upload and the delete ------------------------------------------------------------


def queue_for(*, media: Media) -> TranscriptionJob | None:
    """The story's job, queued, its wake-up sent when the caller's transaction commits; None
    with ``TRANSCRIBE_BACKEND=off`` (the story waits for a pasted transcript)."""
    backend = configured_backend()
    if backend == "off":
        return None
    with transaction.atomic():
        job = TranscriptionJob.objects.create(media=media, engine=backend, status=State.QUEUED)
        jobs.enqueue(TRANSCRIPTION_QUEUE, job.pk)
    return job


def cancel_for(*, media: Media) -> None:
    """Cancel the story's job in the caller's transaction; once that commits, delete what a
    remote job left behind (its output and the job itself), best effort."""
    job = TranscriptionJob.objects.filter(media=media).first()
    if job is None:
        return
    TranscriptionJob.objects.filter(pk=job.pk).update(
        status=State.CANCELLED, claimed_by="", update_date=timezone.now()
    )
    if job.remote_name:
        _discard_on_commit(job.engine, job.remote_name)


def _discard_on_commit(engine: str, remote_name: str) -> None:
    transaction.on_commit(lambda: _discard(engine, remote_name))


def _discard(engine: str, remote_name: str) -> None:
    try:
        transcriber = transcriber_for(engine)
        if transcriber is not None:
            transcriber.discard(remote_name)
    except Exception:
        logger.exception("could not delete remote transcription %s (%s)", remote_name, engine)


# --- one attempt ----------------------------------------------------------------------------


def _storage_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (DatabaseError, OSError, BotoCoreError, ClientError)


# The engine's service, the story's storage or our database failed, not the story: worth
# another attempt.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (TransientError, *_storage_errors())


class LostClaim(Exception):
    """The job stopped being this worker's (swept, cancelled, re-run): write nothing more."""


def _held(job_id: int, *states: str) -> Any:
    return TranscriptionJob.objects.filter(pk=job_id, status__in=states or (State.RUNNING,))


def _heartbeat(job_id: int) -> None:
    if not _held(job_id).update(heartbeat_at=timezone.now()):
        raise LostClaim(f"transcription job {job_id} is no longer running here")


def _media_status(job_id: int, media_id: int, status: int, **fields: Any) -> None:
    """Move the story along while this worker holds the job; a deleted story stays deleted."""
    with transaction.atomic():
        if not _held(job_id).update(heartbeat_at=timezone.now()):
            raise LostClaim(f"transcription job {job_id} is no longer running here")
        Media.objects.filter(pk=media_id).exclude(status__in=SKIPPED).update(
            status=status, update_date=timezone.now(), **fields
        )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:2000]


def media_process(*, job_id: int, transcriber: Transcriber | None = None) -> str:
    """One attempt at a queued job; returns the job's state afterwards (``skipped`` when it
    was not due, not queued or taken by another worker: a duplicate wake-up changes nothing)."""
    if not jobs.claim(TRANSCRIPTION_QUEUE, job_id):
        return "skipped"
    job = TranscriptionJob.objects.select_related("media").get(pk=job_id)
    media = job.media
    if media.status in SKIPPED:
        ending = State.DONE if media.status == Status.TRANSCRIBED else State.CANCELLED
        _held(job_id).update(status=ending, claimed_by="")
        return str(ending)
    try:
        engine = transcriber or transcriber_for(job.engine)
        if engine is None:
            raise FinalError(f"No engine for {job.engine!r}: paste the transcript.")
        return _attempt(job, media, engine)
    except LostClaim:
        logger.warning("transcription job %s was taken from this worker", job_id)
        return "lost"
    except UnreadableAudio as exc:
        return _give_up(job, State.ERROR, Status.ERROR, _one_line(exc))
    except FinalError as exc:
        return _give_up(job, State.FAILED, Status.FAILED, _one_line(exc))
    except TRANSIENT_ERRORS as exc:
        logger.warning("transcription job %s attempt %s: %s", job_id, job.attempts, exc)
        return _retry_or_fail(job, _one_line(exc))
    except Exception as exc:
        logger.exception("transcription job %s failed", job_id)
        return _give_up(job, State.FAILED, Status.FAILED, _one_line(exc))


def _attempt(job: TranscriptionJob, media: Media, engine: Transcriber) -> str:
    with _local_copy(media.file.name) as original:
        info = probe(original)
        if media.duration_s != info.duration_s:
            Media.objects.filter(pk=media.pk).update(duration_s=info.duration_s)
        source, audio_format, key = original, media.audio_format, media.file.name
        if not engine.accepts(audio_format, info):
            _media_status(job.pk, media.pk, Status.NEEDS_CONVERTING)
            key = _converted(job, media, original)
            try:
                _media_status(job.pk, media.pk, Status.SENT, converted_file=key)
            except LostClaim:
                if key != media.converted_file.name:
                    # Deleted or taken over meanwhile: the story never names this new file,
                    # so no delete would ever remove it.
                    default_storage.delete(key)
                raise
            with _local_copy(key) as wav:
                return _send(job, media, engine, wav, "wav", key)
        _media_status(job.pk, media.pk, Status.SENT)
        return _send(job, media, engine, source, audio_format, key)


def _send(
    job: TranscriptionJob, media: Media, engine: Transcriber, source: Path, fmt: str, key: str
) -> str:
    if engine.remote:
        remote_name = str(uuid.uuid4())
        if not _held(job.pk).update(remote_name=remote_name, remote_status="", result=None):
            raise LostClaim(f"transcription job {job.pk} is no longer running here")
        engine.start(key=key, audio_format=fmt, remote_name=remote_name)
        if not _held(job.pk).update(
            status=State.WAITING, heartbeat_at=timezone.now(), claimed_by=""
        ):
            _discard(job.engine, remote_name)  # cancelled while starting: nobody polls it
            raise LostClaim(f"transcription job {job.pk} is no longer running here")
        return str(State.WAITING)
    _media_status(job.pk, media.pk, Status.IN_PROGRESS)
    text = engine.transcribe(source, audio_format=fmt, heartbeat=lambda: _heartbeat(job.pk))
    return finish(job_id=job.pk, text=text, from_states=(State.RUNNING,))


def _converted(job: TranscriptionJob, media: Media, original: Path) -> str:
    """The story as 16 kHz mono WAV in storage: an earlier attempt's conversion is reused."""
    if media.converted_file and default_storage.exists(media.converted_file.name):
        return str(media.converted_file.name)
    stem = media.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    with (
        tempfile.TemporaryDirectory(prefix="careers-wav-") as folder,
        beating(lambda: _heartbeat(job.pk)),
    ):
        converted = Path(folder) / "converted.wav"
        to_wav(original, converted)
        with converted.open("rb") as handle:
            return str(default_storage.save(f"{CONVERTED_FOLDER}/{stem}.wav", File(handle)))


@contextmanager
def _local_copy(name: str) -> Iterator[Path]:
    """The stored file as a local path: PyAV and the engines seek, and S3 bodies do not."""
    if not name:
        raise UnreadableAudio("The story has no file.")
    try:
        local = Path(default_storage.path(name))
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    suffix = Path(name).suffix
    with tempfile.NamedTemporaryFile(prefix="careers-", suffix=suffix) as copy:
        with default_storage.open(name, "rb") as stored:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


# --- endings --------------------------------------------------------------------------------


def finish(
    *,
    job_id: int,
    text: str,
    engine: str | None = None,
    result: dict[str, Any] | None = None,
    from_states: Iterable[str] = (State.RUNNING, State.WAITING),
) -> str:
    """Step 7 in one transaction: transcript, profile, story 4, job ``done``. Dropped (``lost``)
    when the story was deleted meanwhile or the job left ``from_states`` under us."""
    text = (text or "").strip()
    profile = representational_system(text)
    now = timezone.now()
    with transaction.atomic():
        job = (
            TranscriptionJob.objects.select_for_update()
            .filter(pk=job_id, status__in=list(from_states))
            .first()
        )
        if job is None:
            return "lost"
        media = Media.objects.select_for_update().get(pk=job.media_id)
        if media.status == Status.DELETED:
            return "lost"
        media.transcript = text
        media.representational_system = profile
        media.status = Status.TRANSCRIBED
        media.save(update_fields=["transcript", "representational_system", "status", "update_date"])
        job.status = State.DONE
        job.last_error = ""
        job.claimed_by = ""
        job.heartbeat_at = now
        if engine:
            job.engine = engine
        if result is not None:
            job.result = result
        job.save()
    return str(State.DONE)


def _give_up(job: TranscriptionJob, state: str, media_status: int, error: str) -> str:
    """No retry: the job ends in ``state`` and the story in ``media_status``."""
    with transaction.atomic():
        moved = jobs.fail(
            TRANSCRIPTION_QUEUE,
            job.pk,
            error=error,
            from_statuses=(State.RUNNING, State.WAITING),
            claimed_by="",
        )
        if not moved:
            return "lost"
        if state != State.FAILED:
            TranscriptionJob.objects.filter(pk=job.pk).update(status=state)
        Media.objects.filter(pk=job.media_id).exclude(status__in=SKIPPED).update(
            status=media_status, update_date=timezone.now()
        )
    logger.info("transcription job %s ended %s: %s", job.pk, state, error)
    return state


def _retry_or_fail(job: TranscriptionJob, error: str) -> str:
    """A transient failure: back to the queue after the next delay, else failed (story 5)."""
    with transaction.atomic():
        status = jobs.retry_or_fail(
            TRANSCRIPTION_QUEUE,
            job.pk,
            attempts=job.attempts,
            delays=retry_delays(),
            error=error,
        )
        if status == State.FAILED:
            Media.objects.filter(pk=job.media_id).exclude(status__in=SKIPPED).update(
                status=Status.FAILED, update_date=timezone.now()
            )
    return status or "lost"


# --- the remote engine's poller -------------------------------------------------------------


def remote_poll(*, transcriber: Transcriber | None = None) -> dict[str, int]:
    """One pass over the ``waiting`` jobs (spec §5 step 6); counts of what each became."""
    counts: dict[str, int] = {}
    waiting = TranscriptionJob.objects.filter(status=State.WAITING).order_by("pk")
    for job in waiting.select_related("media"):
        outcome = _poll_one(job, transcriber)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _poll_one(job: TranscriptionJob, transcriber: Transcriber | None) -> str:
    engine = transcriber or transcriber_for(job.engine)
    if engine is None or not engine.remote:
        return _give_up(job, State.FAILED, Status.FAILED, f"{job.engine} jobs cannot be polled")
    started = job.claimed_at or job.create_date
    timeout = timedelta(minutes=settings.TRANSCRIBE_TIMEOUT_MINUTES)
    if timezone.now() - started > timeout:
        minutes = settings.TRANSCRIBE_TIMEOUT_MINUTES
        return _give_up(job, State.FAILED, Status.FAILED, f"Unfinished after {minutes} minutes.")
    try:
        found = engine.poll(job.remote_name)
    except FinalError as exc:
        return _give_up(job, State.FAILED, Status.FAILED, _one_line(exc))
    except TRANSIENT_ERRORS as exc:
        # The job may well be fine; the next pass asks again until the timeout.
        _held(job.pk, State.WAITING).update(last_error=_one_line(exc))
        logger.warning("polling transcription job %s: %s", job.pk, exc)
        return "unreachable"
    if found.state == RemoteState.COMPLETED:
        return finish(
            job_id=job.pk, text=found.text or "", result=found.raw, from_states=(State.WAITING,)
        )
    if found.state == RemoteState.FAILED:
        _held(job.pk, State.WAITING).update(remote_status=found.remote_status)
        return _give_up(job, State.FAILED, Status.FAILED, found.reason or "FAILED")
    with transaction.atomic():
        if (
            _held(job.pk, State.WAITING).update(
                remote_status=found.remote_status, heartbeat_at=timezone.now()
            )
            and found.remote_status == "IN_PROGRESS"
        ):
            Media.objects.filter(pk=job.media_id, status=Status.SENT).update(
                status=Status.IN_PROGRESS, update_date=timezone.now()
            )
    return "waiting"


# --- staff ----------------------------------------------------------------------------------


def rerun(*, media_ids: Iterable[int]) -> int:
    """Admin "Re-run transcription": a fresh job (attempts 0, ``queued``) with the configured
    engine, the story back to 1; deleted stories are left alone. With the backend ``off``
    nothing can run, so nothing moves. Returns how many were queued."""
    backend = configured_backend()
    if backend == "off":
        return 0
    count = 0
    with transaction.atomic():
        for media in Media.objects.select_for_update().filter(pk__in=list(media_ids)):
            if media.status == Status.DELETED:
                continue
            job, _ = TranscriptionJob.objects.get_or_create(media=media)
            TranscriptionJob.objects.filter(pk=job.pk).update(
                status=State.QUEUED,
                engine=backend,
                attempts=0,
                next_attempt_at=timezone.now(),
                claimed_by="",
                remote_name="",
                remote_status="",
                result=None,
                last_error="",
                update_date=timezone.now(),
            )
            Media.objects.filter(pk=media.pk).update(
                status=Status.ACTIVE,
                transcript="",
                representational_system=None,
                update_date=timezone.now(),
            )
            jobs.enqueue(TRANSCRIPTION_QUEUE, job.pk)
            if job.remote_name:
                _discard_on_commit(job.engine, job.remote_name)
            count += 1
    return count


def transcript_paste(*, media: Media, text: str) -> bool:
    """Admin "Paste transcript": step 7 as engine ``manual`` for any story not deleted; False
    for a deleted one. A worker still holding the job loses it (its own finish is dropped)."""
    with transaction.atomic():
        locked = Media.objects.select_for_update().get(pk=media.pk)
        if locked.status == Status.DELETED:
            return False
        job, _ = TranscriptionJob.objects.get_or_create(
            media=locked, defaults={"engine": TranscriptionJob.Engine.MANUAL}
        )
        TranscriptionJob.objects.filter(pk=job.pk).update(
            status=State.RUNNING, engine=TranscriptionJob.Engine.MANUAL, claimed_by="staff"
        )
        outcome = finish(job_id=job.pk, text=text, from_states=(State.RUNNING,))
        if job.remote_name:
            _discard_on_commit(job.engine, job.remote_name)
    return outcome == State.DONE
