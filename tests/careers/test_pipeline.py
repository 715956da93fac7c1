"""The transcription pipeline (spec careers.md §5) through the worker: real speech spoken by
espeak-ng, the local engine (pocketsphinx), conversion with PyAV, unreadable files, the openai
engine against a local server, the aws engine against moto, retries, the sweep, and the finish
step racing a delete."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core import jobs
from modules.careers.models import CareerProfile, Media, Question, TranscriptionJob
from modules.careers.profile import representational_system
from modules.careers.services import transcription
from modules.careers.services.transcription import (
    TRANSCRIPTION_QUEUE,
    cancel_for,
    finish,
    media_process,
    queue_for,
    remote_poll,
)
from modules.careers.transcription.audio import probe, sniff, to_wav
from modules.careers.transcription.openai import OpenAITranscriber
from tests.careers import transcribe_servers
from tests.careers.conftest import V1, careers_user
from tests.careers.speech import encoded, say, silence, video_only
from tests.careers.transcribe_servers import Answer, aws_error
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

# pocketsphinx hears espeak-ng's "en-us" voice say these words reliably (all auditory_digital).
SPOKEN = "I think. I know. I understand."


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    """The spoken sentence as espeak-ng makes it: WAV 22.05 kHz, so it needs converting."""
    directory = tmp_path_factory.mktemp("speech")
    return say(SPOKEN, directory / "spoken.wav", voice="en-us", speed=150)


@pytest.fixture(scope="module")
def speech16k(speech, tmp_path_factory) -> Path:
    """The same speech already 16 kHz mono s16 WAV: what the local engine takes as it is."""
    return_path = tmp_path_factory.mktemp("speech16k") / "spoken16k.wav"
    to_wav(speech, return_path)
    return return_path


@pytest.fixture
def local_backend(settings):
    settings.TRANSCRIBE_BACKEND = "local"
    settings.TRANSCRIBE_RETRY_DELAYS = [60, 300, 900, 3600]


def upload(user, content: bytes, *, question=None) -> Media:
    """A story as the upload endpoint stores it, its job queued in the same transaction; the
    commit runs the worker at once (Huey's immediate mode in tests)."""
    profile = CareerProfile.objects.get(user=user)
    audio_format = sniff(content[:64]) or "wav"
    name = default_storage.save(
        f"careers/media/{profile.xref}/{uuid.uuid4()}.{audio_format}", ContentFile(content)
    )
    question = question or Question.objects.create(question="Why?")
    with TestCase.captureOnCommitCallbacks(execute=True):
        media = Media.objects.create(
            user=user,
            question=question,
            title="My story",
            file=name,
            audio_format=audio_format,
            size_bytes=len(content),
        )
        queue_for(media=media)
    media.refresh_from_db()
    return media


def job_of(media: Media) -> TranscriptionJob:
    return TranscriptionJob.objects.get(media=media)


def make_due(media: Media) -> None:
    TranscriptionJob.objects.filter(media=media).update(next_attempt_at=timezone.now())


# The local engine


def test_spoken_words_are_transcribed_and_profiled(client, local_backend, speech16k):
    user = careers_user()
    media = upload(user, speech16k.read_bytes())
    job = job_of(media)
    assert (media.status, job.status, job.engine, job.attempts) == (4, "done", "local", 1)
    words = media.transcript.split()
    assert {"think", "know"} <= set(words), media.transcript
    assert media.representational_system == representational_system(media.transcript)
    assert media.representational_system["auditory_digital"] >= 2
    assert not media.converted_file  # already 16 kHz mono WAV: sent as it is
    assert media.duration_s == pytest.approx(probe(speech16k).duration_s)
    assert (job.last_error, job.claimed_by) == ("", "")
    profile = client.get(f"{V1}/user/profile/", **bearer(user))
    assert profile.status_code == 200
    assert profile.json() == {"representational_system": media.representational_system}
    status = client.get(f"{V1}/user/status/", **bearer(user)).json()
    assert status["word_count"] == len(words)


@pytest.mark.parametrize("audio_format", ["wav22k", "flac", "mp3", "opus"])
def test_other_formats_are_converted_to_16k_wav_first(
    local_backend, speech, tmp_path, audio_format
):
    source = speech if audio_format == "wav22k" else encoded(speech, tmp_path, audio_format)
    media = upload(careers_user(), source.read_bytes())
    assert media.status == 4
    assert job_of(media).status == "done"
    assert media.converted_file.name.startswith("careers/converted/")
    assert media.converted_file.name.endswith(".wav")
    converted = probe(default_storage.path(media.converted_file.name))
    assert (converted.container, converted.codec, converted.sample_rate, converted.channels) == (
        "wav",
        "pcm_s16le",
        16000,
        1,
    )
    assert "think" in media.transcript.split(), media.transcript
    assert media.representational_system == representational_system(media.transcript)


def test_silence_is_transcribed_as_nothing(local_backend, tmp_path):
    media = upload(careers_user(), silence(tmp_path / "quiet.wav", seconds=2).read_bytes())
    assert (media.status, media.transcript) == (4, "")
    assert media.representational_system == {
        "visual": 0,
        "auditory": 0,
        "kinesthetic": 0,
        "auditory_digital": 0,
    }
    assert job_of(media).status == "done"


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: b"RIFF\x24\x00\x00\x00WAVEnot really a wave file at all" * 4,
        lambda tmp: b"ID3" + bytes(range(256)) * 8,
        lambda tmp: silence(tmp / "empty.wav", seconds=0).read_bytes(),
        lambda tmp: video_only(tmp / "video.mp4").read_bytes(),
    ],
    ids=["garbage-wav", "garbage-mp3", "zero-duration", "no-audio-stream"],
)
def test_unreadable_audio_is_an_error_without_retry(local_backend, tmp_path, make):
    media = upload(careers_user(), make(tmp_path))
    job = job_of(media)
    assert (media.status, job.status, job.attempts) == (9, "error", 1)
    assert job.last_error.startswith("UnreadableAudio: ")
    assert (media.transcript, media.representational_system) == ("", None)
    assert HUEY.scheduled() == []  # nothing will try again
    make_due(media)
    assert media_process(job_id=job.pk) == "skipped"


# Claims


def test_a_second_wake_up_changes_nothing(local_backend, speech16k):
    media = upload(careers_user(), speech16k.read_bytes())
    before = TranscriptionJob.objects.filter(pk=job_of(media).pk).values().get()
    assert media_process(job_id=before["id"]) == "skipped"
    assert TranscriptionJob.objects.filter(pk=before["id"]).values().get() == before


@pytest.mark.parametrize(("status", "ending"), [(8, "cancelled"), (0, "cancelled"), (4, "done")])
def test_deleted_inactive_or_transcribed_stories_are_skipped(settings, speech16k, status, ending):
    settings.TRANSCRIBE_BACKEND = "off"  # upload without a worker run
    media = upload(careers_user(), speech16k.read_bytes())
    settings.TRANSCRIBE_BACKEND = "local"
    job = TranscriptionJob.objects.create(media=media, engine="local")
    Media.objects.filter(pk=media.pk).update(status=status, transcript="kept")
    assert media_process(job_id=job.pk) == ending
    job.refresh_from_db()
    media.refresh_from_db()
    assert (job.status, job.attempts, media.status, media.transcript) == (ending, 1, status, "kept")


def test_with_the_backend_off_no_job_is_made(settings, speech16k):
    settings.TRANSCRIBE_BACKEND = "off"
    media = upload(careers_user(), speech16k.read_bytes())
    assert media.status == 1
    assert not TranscriptionJob.objects.exists()
    assert queue_for(media=media) is None


# The openai engine against a local server


@pytest.fixture
def openai(settings):
    with transcribe_servers.openai_server() as server:
        settings.TRANSCRIBE_BACKEND = "openai"
        settings.TRANSCRIBE_OPENAI_BASE_URL = server.url
        settings.TRANSCRIBE_OPENAI_TIMEOUT = 10
        settings.TRANSCRIBE_RETRY_DELAYS = [60, 300, 900, 3600]
        yield server


def quick_engine(server) -> OpenAITranscriber:
    """The openai engine without its own in-request retries, so each attempt is one request."""
    return OpenAITranscriber(base_url=server.url, max_retries=0, timeout=10.0)


def queued_story(content: bytes) -> Media:
    """A story whose job is queued but whose wake-up was not sent: the test runs the worker."""
    audio_format = sniff(content[:64]) or "wav"
    with TestCase.captureOnCommitCallbacks(execute=False):
        profile = CareerProfile.objects.get(user=(user := careers_user()))
        name = default_storage.save(
            f"careers/media/{profile.xref}/{uuid.uuid4()}.{audio_format}", ContentFile(content)
        )
        media = Media.objects.create(
            user=user,
            question=Question.objects.create(question="Why?"),
            file=name,
            audio_format=audio_format,
            size_bytes=len(content),
        )
        queue_for(media=media)
    return media


@pytest.fixture(scope="module")
def mp3(speech, tmp_path_factory) -> bytes:
    return encoded(speech, tmp_path_factory.mktemp("mp3"), "mp3").read_bytes()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_answers_are_retried_after_the_first_delay(openai, mp3, status):
    media = queued_story(mp3)
    job = job_of(media)
    assert job.engine == "openai"
    openai.script = [Answer(status=status, body={"error": {"message": "busy"}})]
    before = timezone.now()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert media_process(job_id=job.pk, transcriber=quick_engine(openai)) == "queued"
    job.refresh_from_db()
    media.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1)
    assert str(status) in job.last_error
    assert job.next_attempt_at - before >= timedelta(seconds=60)
    assert job.next_attempt_at - before < timedelta(seconds=65)
    assert media.status == 3  # the story keeps its status while it waits
    [scheduled] = HUEY.scheduled()
    assert scheduled.args == (job.pk,)
    # Not due yet: a stray wake-up does nothing.
    assert media_process(job_id=job.pk, transcriber=quick_engine(openai)) == "skipped"
    openai.script = [Answer(body={"text": "I know what I think."})]
    make_due(media)
    assert media_process(job_id=job.pk, transcriber=quick_engine(openai)) == "done"
    media.refresh_from_db()
    job.refresh_from_db()
    assert (media.status, media.transcript, job.attempts, job.last_error) == (
        4,
        "I know what I think.",
        2,
        "",
    )
    assert media.representational_system == {
        "visual": 0,
        "auditory": 0,
        "kinesthetic": 0,
        "auditory_digital": 2,
    }
    assert [request.file for request in openai.received] == [mp3, mp3]


@pytest.mark.parametrize("status", [400, 413, 415])
def test_a_refusal_fails_the_story_at_once(openai, mp3, status):
    media = queued_story(mp3)
    openai.script = [Answer(status=status, body={"error": {"message": "bad audio"}})]
    job = job_of(media)
    assert media_process(job_id=job.pk) == "failed"
    job.refresh_from_db()
    media.refresh_from_db()
    assert (media.status, job.status, job.attempts) == (5, "failed", 1)
    assert job.last_error.startswith("FinalError: ")
    assert HUEY.scheduled() == []


def test_the_retry_schedule_then_the_final_failure(openai, mp3):
    media = queued_story(mp3)
    job = job_of(media)
    openai.script = [Answer(status=500, body={"error": "down"})]
    delays = []
    for attempt in range(1, 6):
        make_due(media)
        before = timezone.now()
        outcome = media_process(job_id=job.pk, transcriber=quick_engine(openai))
        job.refresh_from_db()
        assert job.attempts == attempt
        if attempt < 5:
            assert outcome == "queued"
            delays.append(round((job.next_attempt_at - before).total_seconds()))
    assert delays == [60, 300, 900, 3600]
    media.refresh_from_db()
    assert (outcome, job.status, media.status) == ("failed", "failed", 5)
    assert "500" in job.last_error
    assert len(openai.received) == 5


def test_an_unreachable_server_is_transient(settings, mp3):
    from tests.support import free_port

    settings.TRANSCRIBE_BACKEND = "openai"
    settings.TRANSCRIBE_OPENAI_BASE_URL = f"http://127.0.0.1:{free_port()}"
    settings.TRANSCRIBE_RETRY_DELAYS = [60]
    media = queued_story(mp3)
    engine = OpenAITranscriber(base_url=settings.TRANSCRIBE_OPENAI_BASE_URL, max_retries=0)
    assert media_process(job_id=job_of(media).pk, transcriber=engine) == "queued"
    assert "unreachable" in job_of(media).last_error


# The sweep


def test_the_sweep_returns_silent_running_jobs_and_wakes_lost_ones(local_backend, speech16k):
    silent = queued_story(speech16k.read_bytes())
    lost = queued_story(speech16k.read_bytes())
    fresh = queued_story(speech16k.read_bytes())
    now = timezone.now()
    TranscriptionJob.objects.filter(media=silent).update(
        status="running", attempts=1, heartbeat_at=now - timedelta(minutes=6)
    )
    TranscriptionJob.objects.filter(media=lost).update(last_enqueued_at=now - timedelta(minutes=3))
    TranscriptionJob.objects.filter(media=fresh).update(
        last_enqueued_at=now - timedelta(seconds=90)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = jobs.sweep(TRANSCRIPTION_QUEUE)
    assert (result.requeued, result.woken, result.failed) == (1, 1, 0)
    for media, status, attempts in [(silent, 4, 2), (lost, 4, 1), (fresh, 1, 0)]:
        media.refresh_from_db()
        assert (media.status, job_of(media).attempts) == (status, attempts)
    assert TRANSCRIPTION_QUEUE in jobs.registered()


def test_a_recent_heartbeat_keeps_the_job_and_exhausted_ones_fail(local_backend, speech16k):
    beating = queued_story(speech16k.read_bytes())
    dead = queued_story(speech16k.read_bytes())
    now = timezone.now()
    TranscriptionJob.objects.filter(media=beating).update(
        status="running", attempts=1, heartbeat_at=now - timedelta(minutes=4)
    )
    TranscriptionJob.objects.filter(media=dead).update(
        status="running", attempts=5, heartbeat_at=now - timedelta(minutes=6)
    )
    Media.objects.filter(pk=dead.pk).update(status=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = jobs.sweep(TRANSCRIPTION_QUEUE, now=now)
    assert (result.requeued, result.woken, result.failed) == (0, 0, 1)
    assert job_of(beating).status == "running"
    dead.refresh_from_db()
    assert (job_of(dead).status, job_of(dead).last_error, dead.status) == (
        "failed",
        jobs.STALE_WORKER_MESSAGE,
        5,
    )


# The finish step and a delete


def test_a_finish_after_the_delete_is_dropped(local_backend, speech16k):
    media = queued_story(speech16k.read_bytes())
    job = job_of(media)
    assert jobs.claim(TRANSCRIPTION_QUEUE, job.pk)
    Media.objects.filter(pk=media.pk).update(status=8)  # deleted while the engine worked
    assert finish(job_id=job.pk, text="I think so.") == "lost"
    media.refresh_from_db()
    assert (media.status, media.transcript, media.representational_system) == (8, "", None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        cancel_for(media=media)
    assert job_of(media).status == "cancelled"
    assert finish(job_id=job.pk, text="I think so.") == "lost"
    assert job_of(media).status == "cancelled"


def test_a_worker_loses_a_job_cancelled_under_it(openai, mp3):
    """The delete commits while the engine is answering: the worker's result is dropped."""
    media = queued_story(mp3)
    job = job_of(media)
    openai.script = [Answer(body={"text": "I know."})]

    class DeletedWhileAnswering(OpenAITranscriber):
        def transcribe(self, *args, **kwargs):
            text = super().transcribe(*args, **kwargs)
            Media.objects.filter(pk=media.pk).update(status=8, transcript="")
            cancel_for(media=media)
            return text

    engine = DeletedWhileAnswering(base_url=openai.url, max_retries=0)
    assert media_process(job_id=job.pk, transcriber=engine) == "lost"
    media.refresh_from_db()
    assert (media.status, media.transcript, job_of(media).status) == (8, "", "cancelled")


# The aws engine against moto


@pytest.fixture
def aws_engine(settings, moto_storage):
    settings.TRANSCRIBE_BACKEND = "aws"
    settings.TRANSCRIBE_TIMEOUT_MINUTES = 120
    return moto_storage


def test_aws_end_to_end_with_the_poller(aws_engine, mp3):
    media = upload(careers_user(), mp3)
    job = job_of(media)
    assert (media.status, job.status, job.engine, job.attempts) == (2, "waiting", "aws", 1)
    uuid.UUID(job.remote_name)
    described = aws_engine.transcribe.get_transcription_job(TranscriptionJobName=job.remote_name)
    remote = described["TranscriptionJob"]  # moto: this Get moved it QUEUED -> IN_PROGRESS
    assert remote["Media"]["MediaFileUri"] == f"s3://media/{media.file.name}"
    assert remote["MediaFormat"] == "mp3"
    assert remote["LanguageCode"] == "en-GB"
    stored = aws_engine.s3.get_object(Bucket="media", Key=media.file.name)["Body"].read()
    assert stored == mp3
    assert remote_poll() == {"waiting": 1}  # IN_PROGRESS
    media.refresh_from_db()
    assert (media.status, job_of(media).remote_status) == (3, "IN_PROGRESS")
    aws_engine.put_output(job.remote_name, transcript="I see the picture and hear the music.")
    assert remote_poll() == {"done": 1}  # COMPLETED: the output read with GetObject
    media.refresh_from_db()
    job.refresh_from_db()
    assert (media.status, job.status) == (4, "done")
    assert media.transcript == "I see the picture and hear the music."
    assert media.representational_system == {
        "visual": 2,
        "auditory": 2,
        "kinesthetic": 0,
        "auditory_digital": 0,
    }
    assert job.result["results"]["transcripts"] == [
        {"transcript": "I see the picture and hear the music."}
    ]
    assert remote_poll() == {}
    # Deleting the story deletes the output and the remote job after commit.
    key = f"careers/transcripts/{job.remote_name}.json"
    with TestCase.captureOnCommitCallbacks(execute=True):
        Media.objects.filter(pk=media.pk).update(status=8)
        cancel_for(media=media)
    assert aws_engine.s3.list_objects_v2(Bucket="transcripts", Prefix=key)["KeyCount"] == 0
    assert aws_engine.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"] == []


def test_aws_converts_adts_aac_and_sends_the_wav(aws_engine, speech, tmp_path):
    media = upload(careers_user(), encoded(speech, tmp_path, "aac").read_bytes())
    job = job_of(media)
    assert (media.status, job.status) == (2, "waiting")
    assert media.converted_file.name.startswith("careers/converted/")
    remote = aws_engine.transcribe.get_transcription_job(TranscriptionJobName=job.remote_name)
    assert remote["TranscriptionJob"]["Media"]["MediaFileUri"] == (
        f"s3://media/{media.converted_file.name}"
    )
    assert remote["TranscriptionJob"]["MediaFormat"] == "wav"


def test_aws_unfinished_after_the_timeout_fails(aws_engine, mp3):
    media = upload(careers_user(), mp3)
    TranscriptionJob.objects.filter(media=media).update(
        claimed_at=timezone.now() - timedelta(minutes=121)
    )
    assert remote_poll() == {"failed": 1}
    media.refresh_from_db()
    job = job_of(media)
    assert (media.status, job.status, job.last_error) == (
        5,
        "failed",
        "Unfinished after 120 minutes.",
    )


def test_aws_failed_job_fails_the_story_with_the_reason(settings, monkeypatch, mp3):
    with transcribe_servers.aws_faults(settings, monkeypatch) as server:
        settings.AWS_S3_CLIENT_CONFIG = Config(
            connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 1, "mode": "standard"}
        )
        settings.TRANSCRIBE_BACKEND = "aws"
        media = queued_story(mp3)
        job = job_of(media)
        TranscriptionJob.objects.filter(pk=job.pk).update(engine="aws")
        server.script = {
            "StartTranscriptionJob": [(200, {"TranscriptionJob": {"TranscriptionJobName": "x"}})],
            "GetTranscriptionJob": [
                (400, aws_error("ThrottlingException")),
                (
                    200,
                    {
                        "TranscriptionJob": {
                            "TranscriptionJobStatus": "FAILED",
                            "FailureReason": "The media file is too short.",
                        }
                    },
                ),
            ],
        }
        assert media_process(job_id=job.pk) == "waiting"
        assert remote_poll() == {"unreachable": 1}  # throttled: asked again next minute
        assert "Throttling" in job_of(media).last_error
        assert remote_poll() == {"failed": 1}
        media.refresh_from_db()
        job.refresh_from_db()
        assert (media.status, job.status, job.remote_status) == (5, "failed", "FAILED")
        assert job.last_error == "The media file is too short."
        assert server.operations() == [
            "StartTranscriptionJob",
            "GetTranscriptionJob",
            "GetTranscriptionJob",
        ]


def test_services_module_names_the_queue():
    assert transcription.TRANSCRIPTION_QUEUE.name == "careers-transcription"


# Through the upload endpoint


def test_upload_then_the_detail_shows_the_transcript_and_profile(client, local_backend, speech16k):
    user = careers_user()
    question = Question.objects.create(question="What do you think?", sort_order=1)
    with speech16k.open("rb") as audio:
        response = client.post(
            f"{V1}/media/",
            {"media": audio, "question": question.pk, "title": "Thinking"},
            **bearer(user),
        )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == 1  # the job ran after the upload committed
    detail = client.get(f"{V1}/media/{created['id']}/", **bearer(user))
    assert detail.status_code == 200
    body = detail.json()
    media = Media.objects.get(pk=created["id"])
    assert body["status"] == 4
    assert body["transcript"] == media.transcript
    assert {"think", "know"} <= set(body["transcript"].split())
    assert body["representational_system"] == representational_system(body["transcript"])
    assert body["representational_system"]["auditory_digital"] >= 2
    assert job_of(media).status == "done"
    deleted = client.delete(f"{V1}/media/{created['id']}/", **bearer(user))
    assert deleted.status_code == 204
    assert job_of(media).status == "cancelled"
    assert finish(job_id=job_of(media).pk, text="I think.", from_states=("cancelled",)) == "lost"
    media.refresh_from_db()
    assert (media.status, media.transcript) == (8, "")


def test_a_retry_reuses_the_converted_file(openai, speech, tmp_path):
    aac = encoded(speech, tmp_path, "aac").read_bytes()  # openai does not take ADTS AAC
    media = queued_story(aac)
    job = job_of(media)
    openai.script = [Answer(status=500, body={}), Answer(body={"text": "I know."})]
    assert media_process(job_id=job.pk, transcriber=quick_engine(openai)) == "queued"
    media.refresh_from_db()
    first = media.converted_file.name
    assert first.startswith("careers/converted/")
    assert media.status == 3
    make_due(media)
    assert media_process(job_id=job.pk, transcriber=quick_engine(openai)) == "done"
    media.refresh_from_db()
    assert (media.status, media.transcript, media.converted_file.name) == (4, "I know.", first)
    _dirs, files = default_storage.listdir("careers/converted")
    assert files.count(first.rsplit("/", 1)[-1]) == 1
    assert [r.filename for r in openai.received] == ["audio.wav", "audio.wav"]
    assert openai.received[0].file == openai.received[1].file
