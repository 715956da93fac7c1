"""Audio files: the upload's type from its first bytes, and PyAV's probe and conversion.

``sniff`` decides an upload's format from its signature alone (spec §4.2: the name and the
declared type are ignored). ``probe`` opens the file with PyAV and refuses one without a
decodable audio stream or with nothing in it; ``to_wav`` decodes and resamples it to WAV s16le
16 kHz mono, frame by frame into the destination file, so neither reads the file whole.
PyAV is imported on first use: web processes only sniff, and it costs them 20 MB of memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import av
    import av.container

from modules.careers.transcription.base import AudioInfo, Source, UnreadableAudio

FORMATS = ("wav", "mp3", "m4a", "aac", "ogg", "opus", "webm", "flac")

EXTENSIONS = {name: name for name in FORMATS}

CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "webm": "audio/webm",
    "flac": "audio/flac",
}

# How many leading bytes ``sniff`` needs: an Ogg page header (27 bytes) plus one segment table
# entry before the codec's own header at 28.
SNIFF_BYTES = 64

WAV_RATE = 16000


def sniff(head: bytes) -> str | None:
    """The format whose signature starts ``head`` (spec §4.2), or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "opus" if head[28:36] == b"OpusHead" else "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0:
            return "mp3"
        if head[1] & 0xF6 == 0xF0:
            return "aac"
    return None


def sniff_file(file: BinaryIO) -> str | None:
    """``sniff`` of a file's first bytes; the position is put back."""
    position = file.tell()
    try:
        file.seek(0)
        return sniff(file.read(SNIFF_BYTES))
    finally:
        file.seek(position)


def _open(source: Source) -> av.container.InputContainer:
    import av

    if not isinstance(source, str | Path):
        source.seek(0)
    try:
        return av.open(source, "r")
    except av.FFmpegError as error:
        raise UnreadableAudio(f"The file is not audio PyAV can open: {error}") from error


def probe(source: Source) -> AudioInfo:
    """Container, codec, rate, channels and duration of the first audio stream.

    The first frame is decoded to prove the stream decodable; the duration is the container's,
    else the stream's, else the end of the last packet (browser recordings often omit it).
    """
    import av

    with _open(source) as container:
        if not container.streams.audio:
            raise UnreadableAudio("The file has no audio stream.")
        stream = container.streams.audio[0]
        try:
            first = next(iter(container.decode(stream)), None)
            if first is None:
                raise UnreadableAudio("The audio is empty (zero duration).")
            end = float(first.time or 0) + first.samples / (first.sample_rate or 1)
            duration = 0.0
            if container.duration:
                duration = container.duration / av.time_base
            elif stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            else:
                for packet in container.demux(stream):
                    if packet.pts is not None and packet.time_base:
                        finish = packet.pts + (packet.duration or 0)
                        end = max(end, float(finish * packet.time_base))
                duration = end
        except av.FFmpegError as error:
            raise UnreadableAudio(f"The audio could not be decoded: {error}") from error
        if duration <= 0:
            raise UnreadableAudio("The audio is empty (zero duration).")
        return AudioInfo(
            container=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=int(stream.sample_rate or first.sample_rate or 0),
            channels=int(stream.channels or len(first.layout.channels)),
            duration_s=round(duration, 3),
        )


def is_wav16k(info: AudioInfo) -> bool:
    """Already what the local engine decodes: WAV s16le, 16 kHz, mono."""
    return (
        info.container == "wav"
        and info.codec == "pcm_s16le"
        and info.sample_rate == WAV_RATE
        and info.channels == 1
    )


def _resampled(frames: Iterable[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    """``frames`` as s16 16 kHz mono. A stream may change rate or layout midway (joined MP3s),
    which one resampler refuses, so each run of alike frames gets its own. The source's
    timestamps are dropped (``to_wav`` counts samples instead): a gap or a restart in them
    must not fail a file that decodes."""
    import av

    resampler: av.AudioResampler | None = None
    shape: tuple[str, str, int] | None = None
    for frame in frames:
        current = (frame.format.name, frame.layout.name, frame.sample_rate)
        if resampler is None or current != shape:
            if resampler is not None:
                yield from resampler.resample(None)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=WAV_RATE)
            shape = current
        frame.pts = None
        yield from resampler.resample(frame)
    if resampler is not None:
        yield from resampler.resample(None)


def to_wav(source: Source, destination: str | Path | BinaryIO) -> float:
    """Decode ``source`` into ``destination`` as WAV s16le 16 kHz mono; the seconds written.

    A decode error, or nothing to decode, is ``UnreadableAudio``; a destination file is left
    for the caller to remove.
    """
    import av

    samples = 0
    with _open(source) as container:
        if not container.streams.audio:
            raise UnreadableAudio("The file has no audio stream.")
        stream = container.streams.audio[0]
        try:
            with av.open(destination, "w", format="wav") as output:
                wav = output.add_stream("pcm_s16le", rate=WAV_RATE, layout="mono")
                for converted in _resampled(container.decode(stream)):
                    converted.pts, converted.time_base = samples, Fraction(1, WAV_RATE)
                    samples += converted.samples
                    output.mux(wav.encode(converted))
                output.mux(wav.encode(None))
        except av.FFmpegError as error:
            raise UnreadableAudio(f"The audio could not be decoded: {error}") from error
    if samples == 0:
        raise UnreadableAudio("The audio is empty (zero duration).")
    return round(samples / WAV_RATE, 3)
