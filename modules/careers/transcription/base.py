"""The ``Transcriber`` interface the worker's pipeline calls (spec §5), its errors, and the one
place that turns ``TRANSCRIBE_BACKEND`` into an engine.

Two kinds of engine: *synchronous* ones (``local``, ``openai``) answer ``transcribe()`` with the
text while the worker waits; the *remote* one (``aws``) is ``start()``-ed once per attempt and
``poll()``-ed by the periodic task until it ends. Errors tell the pipeline what to do next:
``TransientError`` is worth another attempt after the next retry delay, ``FinalError`` is not
(media 5), and ``UnreadableAudio`` means the file itself is bad (media 9, no retry).
"""

import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# Until project/settings.py names these (it is the only module that reads the environment), the
# engines fall back to the spec's defaults; once it does, these values are never used.
DEFAULTS: dict[str, Any] = {
    "TRANSCRIBE_BACKEND": "local",
    "TRANSCRIBE_LANGUAGE": "en-GB",
    "TRANSCRIBE_OUTPUT_BUCKET": "",
    "TRANSCRIBE_AWS_ENDPOINT_URL": "",
    "TRANSCRIBE_OPENAI_BASE_URL": "",
    "TRANSCRIBE_OPENAI_API_KEY": "",
    "TRANSCRIBE_OPENAI_MODEL": "whisper-1",
    "TRANSCRIBE_OPENAI_TIMEOUT": 120.0,
}

BACKENDS = ("local", "aws", "openai", "off")

# A running job must show life at least every 30 s (spec §5); beat well inside that.
HEARTBEAT_SECONDS = 10.0

Heartbeat = Callable[[], None]
Source = str | Path | BinaryIO


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


class TranscriptionError(Exception):
    """Base of every error an engine or the audio helpers raise on purpose."""


class TransientError(TranscriptionError):
    """The service or the network failed, not the story: try again after the next delay."""


class FinalError(TranscriptionError):
    """The engine refused this story for good (bad request, too large, unsupported): media 5."""


class UnreadableAudio(TranscriptionError):
    """No decodable audio stream, zero duration, or a decode error: media 9, never retried."""


class RemoteState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    """What one poll of a remote job found.

    ``remote_status`` is the service's own word (``QUEUED``, ``IN_PROGRESS``, ``COMPLETED``,
    ``FAILED``) for the job's ``remote_status``; ``text`` is set when completed, ``reason`` when
    failed; ``raw`` is the service's output document (the job's ``result``) when completed.
    """

    state: RemoteState
    remote_status: str
    text: str | None = None
    reason: str | None = None
    raw: dict[str, Any] | None = None


@dataclass(frozen=True)
class AudioInfo:
    """What ``audio.probe`` found: PyAV's container and codec names, rate, channels, seconds."""

    container: str
    codec: str
    sample_rate: int
    channels: int
    duration_s: float


class Transcriber:
    """One engine; it implements ``transcribe`` or, when ``remote``, ``start`` and ``poll``.
    ``engine`` is the value stored in ``TranscriptionJob.engine``."""

    engine: ClassVar[str]
    remote: ClassVar[bool] = False
    formats: ClassVar[frozenset[str]] = frozenset()

    def accepts(self, audio_format: str, info: AudioInfo | None = None) -> bool:
        """Whether the file can go as it is; otherwise the pipeline converts it to 16 kHz WAV."""
        return audio_format in self.formats

    def transcribe(
        self, source: Source, *, audio_format: str, heartbeat: Heartbeat | None = None
    ) -> str:
        """The text of ``source`` (a path or a binary file), "" for silence (synchronous engines)."""
        raise NotImplementedError(f"{self.engine} is a remote engine: start() and poll()")

    def start(self, *, key: str, audio_format: str, remote_name: str | None = None) -> str:
        """Start a remote job on the storage object ``key``; its ``remote_name`` (the one given,
        which the pipeline may record before the call, or a new one)."""
        raise NotImplementedError(f"{self.engine} is a synchronous engine: transcribe()")

    def poll(self, remote_name: str) -> Result:
        raise NotImplementedError(f"{self.engine} is a synchronous engine: transcribe()")

    def discard(self, remote_name: str) -> None:
        """Delete what a remote job left behind (the job and its output); nothing for others."""
        return None


def configured_backend() -> str:
    return str(setting("TRANSCRIBE_BACKEND")).strip().lower()


def transcriber_for(backend: str | None = None) -> Transcriber | None:
    """The engine named ``backend`` (default ``TRANSCRIBE_BACKEND``); None for ``off``.

    A job keeps the engine it was created with, so a waiting ``aws`` job is still polled by
    ``aws`` after the deployment switches backend: pass ``job.engine`` then.
    """
    name = configured_backend() if backend is None else backend.strip().lower()
    if name == "off":
        return None
    if name == "local":
        from modules.careers.transcription.local import LocalTranscriber

        return LocalTranscriber()
    if name == "openai":
        from modules.careers.transcription.openai import OpenAITranscriber

        return OpenAITranscriber.from_settings()
    if name == "aws":
        from modules.careers.transcription.aws import AwsTranscriber

        return AwsTranscriber.from_settings()
    raise ImproperlyConfigured(f"TRANSCRIBE_BACKEND must be one of {', '.join(BACKENDS)}: {name!r}")


@contextmanager
def beating(heartbeat: Heartbeat | None, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Call ``heartbeat`` every ``every`` seconds from a helper thread while the block waits
    on something that cannot call it (a long HTTP request).

    The helper thread's own database connection, if the heartbeat opened one, is closed when
    it ends. A failing heartbeat stops the beating but not the block.
    """
    if heartbeat is None:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                heartbeat()
        except Exception:  # noqa: S110 - the sweep notices a silent job; the work goes on
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="transcription-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
