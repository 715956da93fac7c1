"""System checks for the transcription settings (spec §5): an engine that cannot work is a
deployment error, reported by ``manage.py check`` before any story waits on it."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from modules.careers.transcription.base import BACKENDS, configured_backend, setting


def check_transcription(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = configured_backend()
    if backend not in BACKENDS:
        return [
            Error(
                f"TRANSCRIBE_BACKEND is {backend!r}.",
                hint=f"Choose one of {', '.join(BACKENDS)}.",
                id="careers.E003",
            )
        ]
    if backend == "aws" and not settings.AWS_STORAGE_BUCKET_NAME:
        return [
            Error(
                "TRANSCRIBE_BACKEND=aws needs S3 storage: Amazon Transcribe reads the stories "
                "from the bucket.",
                hint="Set AWS_STORAGE_BUCKET_NAME, or choose another backend.",
                id="careers.E001",
            )
        ]
    if backend == "openai" and not str(setting("TRANSCRIBE_OPENAI_BASE_URL")).strip():
        return [
            Error(
                "TRANSCRIBE_BACKEND=openai needs TRANSCRIBE_OPENAI_BASE_URL.",
                hint="The server's root, e.g. https://api.openai.com or http://127.0.0.1:8080.",
                id="careers.E002",
            )
        ]
    return []
