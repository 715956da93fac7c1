"""The ``openai`` engine: any endpoint speaking OpenAI's ``POST /v1/audio/transcriptions``.

A hosted service, or a whisper.cpp / faster-whisper server on the operator's own machine. The
file goes as multipart ``file`` (streamed from disk, named with its format's extension: the
service tells formats by the name) with ``model``; the answer is ``{"text": ...}``. Core's HTTP
client retries 429, 5xx and unreachable servers a bounded number of times; what is still failing
after that is a ``TransientError`` (the job's retry delays take over), while 400, 413, 415 and
other refusals are final.
"""

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from core.http import http_client
from modules.careers.transcription.audio import CONTENT_TYPES
from modules.careers.transcription.base import (
    HEARTBEAT_SECONDS,
    FinalError,
    Heartbeat,
    Source,
    Transcriber,
    TransientError,
    beating,
    setting,
)

PATH = "/v1/audio/transcriptions"
MAX_RETRIES = 2
# Opus is Ogg to these services; ADTS AAC and anything else is converted to WAV first.
UPLOAD_FORMATS = {"wav": "wav", "mp3": "mp3", "m4a": "m4a", "ogg": "ogg", "opus": "ogg"}
UPLOAD_FORMATS |= {"webm": "webm", "flac": "flac"}


def _base_url(url: str) -> str:
    """The server's root: a base URL already ending in ``/v1`` (as OpenAI's SDKs take it) works."""
    url = url.strip().rstrip("/")
    return url.removesuffix("/v1")


def _excerpt(response: httpx.Response) -> str:
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if isinstance(message, str):
            return message[:300]
    except (ValueError, AttributeError):
        pass
    return response.text[:300]


class OpenAITranscriber(Transcriber):
    engine = "openai"
    formats = frozenset(UPLOAD_FORMATS)

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str = "",
        model: str = "whisper-1",
        language: str = "",
        timeout: float = 120.0,
        max_retries: int = MAX_RETRIES,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        heartbeat_every: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.base_url = _base_url(base_url)
        self.api_key = api_key
        self.model = model
        # The service takes ISO-639-1 ("en"); TRANSCRIBE_LANGUAGE is AWS's "en-GB".
        self.language = language.split("-")[0].lower()
        self.timeout = timeout
        self.max_retries = max_retries
        self.sleep = sleep
        self.jitter = jitter
        self.heartbeat_every = heartbeat_every

    @classmethod
    def from_settings(cls) -> "OpenAITranscriber":
        return cls(
            base_url=str(setting("TRANSCRIBE_OPENAI_BASE_URL")),
            api_key=str(setting("TRANSCRIBE_OPENAI_API_KEY")),
            model=str(setting("TRANSCRIBE_OPENAI_MODEL")),
            language=str(setting("TRANSCRIBE_LANGUAGE")),
            timeout=float(setting("TRANSCRIBE_OPENAI_TIMEOUT")),
        )

    def transcribe(
        self, source: Source, *, audio_format: str, heartbeat: Heartbeat | None = None
    ) -> str:
        if not self.base_url:
            raise FinalError("TRANSCRIBE_OPENAI_BASE_URL is not set.")
        upload = UPLOAD_FORMATS.get(audio_format)
        if upload is None:
            raise FinalError(f"The openai engine does not take {audio_format}; convert it first.")
        with beating(heartbeat, self.heartbeat_every):
            if isinstance(source, str | Path):
                with open(source, "rb") as file:
                    response = self._post(file, upload)
            else:
                response = self._post(source, upload)
        return self._text(response)

    def _post(self, file: BinaryIO, upload: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        data = {"model": self.model, "response_format": "json"}
        if self.language:
            data["language"] = self.language
        files = {"file": (f"audio.{upload}", file, CONTENT_TYPES[upload])}
        client = http_client(
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
            headers=headers,
            sleep=self.sleep,
            jitter=self.jitter,
        )
        try:
            with client:
                return client.post(PATH, data=data, files=files)
        except httpx.TimeoutException as error:
            raise TransientError(f"No answer within {self.timeout:g} s: {error!r}") from error
        except httpx.TransportError as error:
            raise TransientError(f"Transcription server unreachable: {error!r}") from error

    def _text(self, response: httpx.Response) -> str:
        status = response.status_code
        if status == 429 or status == 408 or status >= 500:
            raise TransientError(
                f"HTTP {status} from the transcription server: {_excerpt(response)}"
            )
        if status != 200:
            raise FinalError(f"HTTP {status} from the transcription server: {_excerpt(response)}")
        try:
            body: Any = response.json()
        except ValueError as error:
            raise FinalError(f"The transcription server's answer is not JSON: {error}") from error
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise FinalError('The transcription server\'s answer has no "text".')
        return text.strip()
