"""Transcription engines behind one ``Transcriber`` interface (spec §5), chosen by
``TRANSCRIBE_BACKEND``; PyAV's probe and conversion in ``audio``. The worker's pipeline calls
these; nothing here touches the database."""

from modules.careers.transcription.base import (
    AudioInfo,
    FinalError,
    RemoteState,
    Result,
    Transcriber,
    TranscriptionError,
    TransientError,
    UnreadableAudio,
    configured_backend,
    transcriber_for,
)

__all__ = [
    "AudioInfo",
    "FinalError",
    "RemoteState",
    "Result",
    "Transcriber",
    "TranscriptionError",
    "TransientError",
    "UnreadableAudio",
    "configured_backend",
    "transcriber_for",
]
