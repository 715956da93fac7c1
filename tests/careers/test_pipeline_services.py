"""The transcription pipeline with real processes (spec careers.md §5): ``run_huey`` consumers on
PostgreSQL and Redis, a worker killed with SIGKILL mid-transcription, and a broker that lost every
wake-up. Each ends with every story transcribed exactly once.

The engine is the real ``openai`` engine inside the workers, talking to a local server speaking
OpenAI's protocol; that server counts the requests it receives per story (each story is a
different spoken sentence), so the counts are real engine calls, and its answer names the call it
answered, so a story's transcript shows which call was kept.
"""

import re
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core.tasks import sweep_jobs
from modules.careers.models import CareerProfile, Media, Question, TranscriptionJob
from modules.careers.profile import representational_system
from modules.careers.services.transcription import queue_for
from tests.careers import transcribe_servers
from tests.careers.conftest import careers_user
from tests.careers.speech import say
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

STORIES = 4


class CountingServer(transcribe_servers.OpenAIServer):
    """Answers each story's audio with ``I think story <n> call <k>`` after ``delay`` seconds."""

    def __init__(self, audio: dict[bytes, int], delay: float) -> None:
        self.audio = audio
        self.delay = delay
        self.calls: Counter[int] = Counter()
        super().__init__()

    def answer(self, path, headers, body):
        _fields, (_name, _type, file) = transcribe_servers._multipart(headers["Content-Type"], body)
        story = self.audio[file]
        self.calls[story] += 1
        call = self.calls[story]
        time.sleep(self.delay)
        return 200, {"text": f"I think story {story} call {call}"}, {}


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> list[bytes]:
    directory = tmp_path_factory.mktemp("stories")
    words = ["one", "two", "three", "four", "five", "six"]
    return [
        say(f"Story {words[n]}.", directory / f"story{n}.wav").read_bytes() for n in range(STORIES)
    ]


def upload_all(spoken: list[bytes]) -> list[Media]:
    """The stories as the upload endpoint stores them, each job queued on its own commit."""
    user = careers_user()
    profile = CareerProfile.objects.get(user=user)
    question = Question.objects.create(question="Why?")
    stories = []
    for content in spoken:
        name = default_storage.save(
            f"careers/media/{profile.xref}/{uuid.uuid4()}.wav", ContentFile(content)
        )
        with transaction.atomic():
            media = Media.objects.create(
                user=user, question=question, file=name, audio_format="wav", size_bytes=len(content)
            )
            queue_for(media=media)
        stories.append(media)
    return stories


def transcribed_once(stories: list[Media], server: CountingServer) -> None:
    """Every story is 4 with the answer of its last engine call, its job done, once."""
    for n, media in enumerate(stories):
        media.refresh_from_db()
        job = TranscriptionJob.objects.get(media=media)
        calls = server.calls[n]
        assert (media.status, job.status) == (4, "done")
        assert media.transcript == f"I think story {n} call {calls}"
        assert media.representational_system == representational_system(media.transcript)
        assert media.representational_system["auditory_digital"] == 1  # "think"
        assert job.attempts == calls


def all_transcribed() -> bool:
    return Media.objects.exclude(status=4).count() == 0


@pytest.fixture
def counting(settings, spoken):
    server = CountingServer({content: n for n, content in enumerate(spoken)}, delay=0.2)
    settings.TRANSCRIBE_BACKEND = "openai"
    settings.TRANSCRIBE_OPENAI_BASE_URL = server.url
    try:
        yield server
    finally:
        server.stop()


def worker_settings(server: CountingServer, settings) -> dict[str, str]:
    return {
        "TRANSCRIBE_BACKEND": "openai",
        "TRANSCRIBE_OPENAI_BASE_URL": server.url,
        "TRANSCRIBE_OPENAI_TIMEOUT": "30",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def test_a_worker_killed_mid_transcription_loses_nothing(huey_worker, counting, spoken, settings):
    counting.delay = 4.0  # each answer takes long enough to kill the worker while it waits
    stories = upload_all(spoken)
    assert HUEY.pending_count() == STORIES
    first = huey_worker(**worker_settings(counting, settings))
    wait_for(lambda: sum(counting.calls.values()) >= 2, timeout=60)  # both threads waiting
    first.kill()
    in_flight = {n for n, calls in counting.calls.items() if calls}
    running = TranscriptionJob.objects.filter(status="running")
    assert running.count() == len(in_flight) == 2
    assert set(Media.objects.values_list("status", flat=True)) <= {1, 3}

    # Five minutes pass without a heartbeat from the dead worker; the sweep takes its jobs back.
    running.update(heartbeat_at=timezone.now() - timedelta(minutes=6))
    counting.delay = 0.2
    second = huey_worker(**worker_settings(counting, settings))
    results = sweep_jobs.call_local()
    assert (results["careers-transcription"].requeued, results["careers-transcription"].failed) == (
        2,
        0,
    )
    wait_for(all_transcribed, timeout=90, interval=0.2)
    wait_for(lambda: HUEY.pending_count() == 0, timeout=10)
    time.sleep(1)

    assert {n: counting.calls[n] for n in range(STORIES)} == {
        n: 2 if n in in_flight else 1 for n in range(STORIES)
    }
    transcribed_once(stories, counting)
    assert b"Traceback" not in second.log()


def test_a_broker_that_lost_every_wake_up_loses_nothing(huey_worker, counting, spoken, settings):
    """FLUSHDB on the test's own Redis database stands for FLUSHALL: it wipes every Huey key
    and the cache, without touching other databases of a shared server."""
    stories = upload_all(spoken)
    assert HUEY.pending_count() == STORIES
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    assert HUEY.pending_count() == 0

    worker = huey_worker(**worker_settings(counting, settings))
    time.sleep(2)
    assert set(TranscriptionJob.objects.values_list("status", flat=True)) == {"queued"}
    assert sum(counting.calls.values()) == 0

    # Too early for the sweep: a wake-up under 2 minutes old may still be on its way.
    assert sweep_jobs.call_local()["careers-transcription"].woken == 0
    TranscriptionJob.objects.update(last_enqueued_at=timezone.now() - timedelta(minutes=3))
    assert sweep_jobs.call_local()["careers-transcription"].woken == STORIES
    wait_for(all_transcribed, timeout=90, interval=0.2)
    wait_for(lambda: HUEY.pending_count() == 0, timeout=10)
    time.sleep(1)

    assert {n: counting.calls[n] for n in range(STORIES)} == {n: 1 for n in range(STORIES)}
    transcribed_once(stories, counting)
    assert re.search(rb"Traceback", worker.log()) is None


def test_the_local_engine_in_a_worker(huey_worker, settings, tmp_path):
    """The default engine end to end in a real consumer: speech in, words and profile out."""
    settings.TRANSCRIBE_BACKEND = "local"
    content = say("I think. I know. I understand.", tmp_path / "s.wav", voice="en-us").read_bytes()
    [media] = upload_all([content])
    huey_worker(TRANSCRIBE_BACKEND="local", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    wait_for(all_transcribed, timeout=90, interval=0.2)
    media.refresh_from_db()
    assert "think" in media.transcript.split()
    assert media.representational_system["auditory_digital"] >= 2
    assert Path(default_storage.path(media.converted_file.name)).exists()
