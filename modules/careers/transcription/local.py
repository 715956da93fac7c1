"""The ``local`` engine: pocketsphinx with the US English model bundled in its package, offline.

It decodes WAV s16le 16 kHz mono only (the pipeline converts anything else with
``audio.to_wav``), reading the file in small frames. A story is cut into utterances at pauses
(a pause is where a cut loses no word), each at most MAX_UTTERANCE_S long, and each utterance is
decoded whole: pocketsphinx then normalises it over all of its frames, which hears the first
words far better than its live mode, and memory stays bounded by one utterance (about 1 MB).
Only utterances in which the voice detector heard speech are kept, so silence is "".
"""

import threading
import time
import wave
from pathlib import Path
from typing import Any

from pocketsphinx import Decoder, Vad

from modules.careers.transcription.audio import WAV_RATE, is_wav16k
from modules.careers.transcription.base import (
    HEARTBEAT_SECONDS,
    AudioInfo,
    FinalError,
    Heartbeat,
    Source,
    Transcriber,
)

# An utterance ends at the first pause of PAUSE_S after MIN_UTTERANCE_S, and in any case at
# MAX_UTTERANCE_S.
MIN_UTTERANCE_S = 5.0
MAX_UTTERANCE_S = 30.0
PAUSE_S = 0.3
VAD_MODE = 0  # the loosest: a quiet word counts as speech

_decoders = threading.local()


def _decoder() -> Any:
    """One decoder per thread: loading the model takes a moment, and a decoder is not shared."""
    decoder = getattr(_decoders, "decoder", None)
    if decoder is None:
        decoder = Decoder(samprate=WAV_RATE, loglevel="FATAL")
        _decoders.decoder = decoder
    return decoder


class _Utterances:
    """Collects frames into utterances cut at pauses, decodes each whole; keeps their texts."""

    def __init__(self, decoder: Any, frame_length: float) -> None:
        self.decoder = decoder
        self.frame_length = frame_length
        self.texts: list[str] = []
        self.audio = bytearray()
        self.length = 0.0
        self.silent = 0.0
        self.heard = False

    def feed(self, frame: bytes, speech: bool) -> None:
        self.audio += frame
        self.length += self.frame_length
        self.heard = self.heard or speech
        self.silent = 0.0 if speech else self.silent + self.frame_length
        pause = self.length >= MIN_UTTERANCE_S and self.silent >= PAUSE_S
        if pause or self.length >= MAX_UTTERANCE_S:
            self.close()

    def close(self) -> None:
        if self.heard:
            self.decoder.start_utt()
            self.decoder.process_raw(bytes(self.audio), no_search=False, full_utt=True)
            self.decoder.end_utt()
            hypothesis = self.decoder.hyp()
            if hypothesis is not None and hypothesis.hypstr.strip():
                self.texts.append(hypothesis.hypstr.strip())
        self.audio.clear()
        self.length = self.silent = 0.0
        self.heard = False


class LocalTranscriber(Transcriber):
    engine = "local"
    formats = frozenset({"wav"})

    def __init__(self, *, heartbeat_every: float = HEARTBEAT_SECONDS) -> None:
        self.heartbeat_every = heartbeat_every

    def accepts(self, audio_format: str, info: AudioInfo | None = None) -> bool:
        """Only a WAV already s16le, 16 kHz and mono; without a probe, convert to be sure."""
        return audio_format == "wav" and info is not None and is_wav16k(info)

    def transcribe(
        self, source: Source, *, audio_format: str, heartbeat: Heartbeat | None = None
    ) -> str:
        if isinstance(source, Path):
            source = str(source)
        elif not isinstance(source, str):
            source.seek(0)
        try:
            reader = wave.open(source, "rb")  # noqa: SIM115 - closed by the with below
        except (wave.Error, EOFError) as error:
            raise FinalError(f"Not a WAV file: {error}") from error
        with reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            if shape != (WAV_RATE, 1, 2):
                raise FinalError(f"The local engine takes 16 kHz mono s16 WAV, not {shape}.")
            vad = Vad(VAD_MODE, WAV_RATE)
            utterances = _Utterances(_decoder(), vad.frame_length)
            samples_per_frame = vad.frame_bytes // 2
            last_beat = time.monotonic()
            try:
                while frame := reader.readframes(samples_per_frame):
                    whole = len(frame) == vad.frame_bytes
                    utterances.feed(frame, whole and vad.is_speech(frame))
                    now = time.monotonic()
                    if heartbeat is not None and now - last_beat >= self.heartbeat_every:
                        heartbeat()
                        last_beat = now
            finally:
                utterances.close()
        return " ".join(utterances.texts)
