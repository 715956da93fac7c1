"""Real audio for the transcription tests: speech spoken by espeak-ng during the test run, encoded
into every upload format with PyAV, silence, and files that are not audio at all."""

import shutil
import subprocess
import wave
from pathlib import Path

import av
import pytest

# pocketsphinx hears espeak's voice poorly; counting is what it decodes best (usually
# "... two three four five"), so assertions ask for one of these words, not the sentence.
PHRASE = "one two three four five"
NUMBERS = {"one", "two", "three", "four", "five"}

# format -> (PyAV container, codec, sample rate, container options)
ENCODINGS: dict[str, tuple[str, str, int, dict[str, str]]] = {
    "mp3": ("mp3", "libmp3lame", 22050, {}),
    "opus": ("ogg", "libopus", 48000, {}),
    "flac": ("flac", "flac", 22050, {}),
    "m4a": ("mp4", "aac", 22050, {}),
    "webm": ("webm", "libopus", 48000, {}),
    "aac": ("adts", "aac", 22050, {}),
}


def say(text: str, path: Path, *, voice: str = "en-us+m3", speed: int = 150) -> Path:
    """``text`` spoken into a WAV (22.05 kHz mono s16, espeak-ng's own format)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is needed to make speech for the tests: apt-get install espeak-ng")
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def encode(
    source: Path,
    destination: Path,
    container: str,
    codec: str,
    rate: int,
    options: dict[str, str] | None = None,
) -> Path:
    """``source`` re-encoded with PyAV, mono, into ``container``."""
    with (
        av.open(source) as inp,
        av.open(destination, "w", format=container, options=options) as out,
    ):
        stream = out.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=rate)
        for frame in inp.decode(audio=0):
            frame.pts = None
            for converted in resampler.resample(frame):
                out.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            out.mux(stream.encode(converted))
        out.mux(stream.encode(None))
    return destination


def encoded(source: Path, directory: Path, audio_format: str) -> Path:
    container, codec, rate, options = ENCODINGS[audio_format]
    return encode(source, directory / f"speech.{audio_format}", container, codec, rate, options)


def silence(path: Path, *, seconds: float, rate: int = 16000) -> Path:
    """Digital silence as WAV s16 mono (zero seconds: a valid header and no samples)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return path


def video_only(path: Path) -> Path:
    """An MP4 with one second of video and no audio stream."""
    with av.open(path, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for n in range(10):
            frame = av.VideoFrame(32, 32, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([n * 20 % 256]) * plane.buffer_size)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()
