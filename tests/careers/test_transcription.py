"""Transcription engines (spec §5), part one: upload sniffing, PyAV's probe and conversion, the
offline pocketsphinx engine on real speech, the engine switch and its system checks.

The openai and aws engines have their own files (test_transcription_openai.py, _aws.py)."""

import io
import threading
import time
import wave

import pytest
from django.core.exceptions import ImproperlyConfigured

from modules.careers.transcription import audio, checks
from modules.careers.transcription.aws import AwsTranscriber
from modules.careers.transcription.base import (
    AudioInfo,
    FinalError,
    UnreadableAudio,
    beating,
    transcriber_for,
)
from modules.careers.transcription.local import LocalTranscriber
from modules.careers.transcription.openai import OpenAITranscriber
from tests.careers.speech import (
    ENCODINGS,
    NUMBERS,
    PHRASE,
    duration,
    encode,
    encoded,
    say,
    silence,
    video_only,
)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """``PHRASE`` spoken by espeak-ng: WAV 22.05 kHz mono, about two seconds."""
    return say(PHRASE, tmp_path_factory.mktemp("speech") / "spoken.wav")


# Sniffing (spec §4.2): the first bytes decide, the name and the declared type never do.


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "wav"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"OggS\x00\x02" + bytes(22) + b"\x01vorbis", "ogg"),
        (b"OggS\x00\x02" + bytes(22) + b"OpusHead\x01\x01", "opus"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "webm"),
        (b"\x00\x00\x00\x1cftypM4A \x00\x00", "m4a"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "m4a"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x23", "mp3"),
        (b"\xff\xfb\x90\x64\x00", "mp3"),  # MPEG-1 layer III frame sync
        (b"\xff\xf3\x40\xc4\x00", "mp3"),  # MPEG-2 layer III
        (b"\xff\xf1\x50\x80\x02", "aac"),  # ADTS, MPEG-4
        (b"\xff\xf9\x50\x80\x02", "aac"),  # ADTS, MPEG-2
        (b"\xff\xe0\x00\x00", None),  # frame sync but layer 00: neither mp3 nor ADTS
        (b"\xff", None),
        (b"RIFF\x24\x08\x00\x00AVI LIST", None),
        (b"%PDF-1.7\n", None),
        (b"hello, this is text", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_signature(head, expected):
    assert audio.sniff(head) == expected


def test_sniff_file_reads_the_head_and_puts_the_position_back():
    file = io.BytesIO(b"fLaC" + bytes(100))
    file.seek(10)
    assert audio.sniff_file(file) == "flac"
    assert file.tell() == 10
    assert audio.sniff_file(io.BytesIO(b"")) is None


# Probe and conversion on real speech in every format.


def test_probe_of_espeak_wav(spoken):
    info = audio.probe(spoken)
    assert info.container == "wav" and info.codec == "pcm_s16le"
    assert (info.sample_rate, info.channels) == (22050, 1)
    assert info.duration_s == pytest.approx(duration(spoken), abs=0.01)
    assert not audio.is_wav16k(info)


@pytest.mark.parametrize("audio_format", sorted(ENCODINGS))
def test_every_upload_format_is_sniffed_probed_and_converted(spoken, tmp_path, audio_format):
    source = encoded(spoken, tmp_path, audio_format)
    with open(source, "rb") as file:
        assert audio.sniff_file(file) == audio_format
    info = audio.probe(source)
    assert info.duration_s == pytest.approx(duration(spoken), abs=0.15)

    converted = tmp_path / "converted.wav"
    seconds = audio.to_wav(source, converted)
    assert seconds == pytest.approx(duration(spoken), abs=0.15)
    assert duration(converted) == pytest.approx(seconds, abs=0.001)
    assert audio.is_wav16k(audio.probe(converted))
    with open(converted, "rb") as file:
        assert audio.sniff_file(file) == "wav"


def test_mp3_without_id3_tag_is_sniffed_by_its_frame_sync(spoken, tmp_path):
    source = encode(
        spoken, tmp_path / "bare.mp3", "mp3", "libmp3lame", 22050, {"id3v2_version": "0"}
    )
    head = source.read_bytes()[:4]
    assert head[0] == 0xFF and not head.startswith(b"ID3")
    assert audio.sniff(head) == "mp3"


def test_a_stream_that_changes_rate_midway_converts_whole(spoken, tmp_path):
    # Two MP3s joined byte for byte: 22.05 kHz then 44.1 kHz frames in one stream.
    bare = {"id3v2_version": "0"}
    low = encode(spoken, tmp_path / "low.mp3", "mp3", "libmp3lame", 22050, bare)
    high = encode(spoken, tmp_path / "high.mp3", "mp3", "libmp3lame", 44100, bare)
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(low.read_bytes() + high.read_bytes())
    seconds = audio.to_wav(joined, tmp_path / "joined.wav")
    assert seconds == pytest.approx(2 * duration(spoken), abs=0.2)
    assert duration(tmp_path / "joined.wav") == pytest.approx(seconds, abs=0.001)


def test_probe_measures_a_recording_whose_header_has_no_duration(spoken, tmp_path):
    # Browsers' MediaRecorder writes WebM without a duration: the packets are measured instead.
    source = encode(spoken, tmp_path / "live.webm", "webm", "libopus", 48000, {"live": "1"})
    info = audio.probe(source)
    assert info.codec == "opus"
    assert info.duration_s == pytest.approx(duration(spoken), abs=0.1)


def test_probe_and_convert_take_open_files(spoken, tmp_path):
    source = encoded(spoken, tmp_path, "flac")
    with open(source, "rb") as file:
        file.read(10)
        info = audio.probe(file)
        destination = io.BytesIO()
        seconds = audio.to_wav(file, destination)
    assert info.container == "flac"
    assert seconds == pytest.approx(info.duration_s, abs=0.05)
    assert audio.sniff(destination.getvalue()[:64]) == "wav"
    destination.seek(0)
    with wave.open(destination, "rb") as reader:
        assert reader.getnframes() == pytest.approx(seconds * 16000, abs=16)  # seconds in ms


def test_a_16k_mono_wav_converts_to_itself(tmp_path):
    source = silence(tmp_path / "quiet.wav", seconds=1.5)
    assert audio.is_wav16k(audio.probe(source))
    assert audio.to_wav(source, tmp_path / "again.wav") == 1.5


# Unreadable audio: media 9, never retried.


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, this is text and not audio at all " * 20, "not audio|no audio stream"),
        (bytes(range(256)) * 40, "not audio|no audio stream"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 300, "not audio|no audio stream"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\xff" * 10, "not audio"),
    ],
    ids=["text", "noise-bytes", "empty-id3", "broken-wav-header"],
)
def test_files_that_are_not_audio_are_unreadable(tmp_path, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(UnreadableAudio, match=message):
        audio.probe(path)
    with pytest.raises(UnreadableAudio):
        audio.to_wav(path, tmp_path / "out.wav")


def test_a_wav_without_samples_has_zero_duration(tmp_path):
    path = silence(tmp_path / "empty.wav", seconds=0)
    assert audio.sniff(path.read_bytes()[:64]) == "wav"
    with pytest.raises(UnreadableAudio, match="zero duration"):
        audio.probe(path)
    with pytest.raises(UnreadableAudio, match="zero duration"):
        audio.to_wav(path, tmp_path / "out.wav")


def test_a_video_without_sound_has_no_audio_stream(tmp_path):
    path = video_only(tmp_path / "clip.mp4")
    assert audio.sniff(path.read_bytes()[:64]) == "m4a"
    with pytest.raises(UnreadableAudio, match="no audio stream"):
        audio.probe(path)
    with pytest.raises(UnreadableAudio, match="no audio stream"):
        audio.to_wav(path, tmp_path / "out.wav")


def test_a_truncated_file_fails_to_decode_or_is_shorter(spoken, tmp_path):
    whole = encoded(spoken, tmp_path, "flac")
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole.read_bytes()[:200])  # the header and no complete frame
    with pytest.raises(UnreadableAudio):
        audio.to_wav(cut, tmp_path / "out.wav")


# The local engine: pocketsphinx, offline.


@pytest.fixture(scope="module")
def spoken16k(spoken, tmp_path_factory):
    return_path = tmp_path_factory.mktemp("local") / "spoken16k.wav"
    audio.to_wav(spoken, return_path)
    return return_path


def test_local_engine_hears_the_spoken_words(spoken16k):
    text = LocalTranscriber().transcribe(spoken16k, audio_format="wav")
    assert text == text.strip().lower()
    assert set(text.split()) & NUMBERS, text


def test_local_engine_reads_an_open_file_and_silence_is_empty(spoken16k, tmp_path):
    engine = LocalTranscriber()
    with open(spoken16k, "rb") as file:
        file.read(100)
        assert set(engine.transcribe(file, audio_format="wav").split()) & NUMBERS
    quiet = silence(tmp_path / "quiet.wav", seconds=3)
    assert engine.transcribe(quiet, audio_format="wav") == ""
    assert engine.transcribe(str(quiet), audio_format="wav") == ""


def test_local_engine_beats_while_it_decodes(spoken16k):
    beats: list[int] = []
    LocalTranscriber(heartbeat_every=0.0).transcribe(
        spoken16k, audio_format="wav", heartbeat=lambda: beats.append(1)
    )
    assert len(beats) > 10  # every frame, at this interval


def test_local_engine_cuts_a_long_story_at_pauses(spoken16k, tmp_path):
    # Speech, 6 s of silence, speech: two utterances, both heard, one text.
    long = tmp_path / "long.wav"
    with wave.open(str(spoken16k), "rb") as reader:
        speech = reader.readframes(reader.getnframes())
    with wave.open(str(long), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(speech + b"\x00\x00" * 16000 * 6 + speech)
    text = LocalTranscriber().transcribe(long, audio_format="wav")
    assert sum(word in NUMBERS for word in text.split()) >= 2, text


def test_local_engine_takes_only_16k_mono_wav(spoken, spoken16k, tmp_path):
    engine = LocalTranscriber()
    assert engine.accepts("wav", audio.probe(spoken16k))
    assert not engine.accepts("wav", audio.probe(spoken))  # 22.05 kHz: converted first
    assert not engine.accepts("wav")  # not probed: converted to be sure
    assert not engine.accepts("mp3", audio.probe(spoken16k))
    with pytest.raises(FinalError, match="16 kHz mono s16 WAV"):
        engine.transcribe(spoken, audio_format="wav")
    mp3 = encoded(spoken, tmp_path, "mp3")
    with pytest.raises(FinalError, match="Not a WAV file"):
        engine.transcribe(mp3, audio_format="mp3")


def test_local_engine_is_synchronous(spoken16k):
    engine = LocalTranscriber()
    assert engine.engine == "local" and not engine.remote
    with pytest.raises(NotImplementedError):
        engine.start(key="careers/media/x.wav", audio_format="wav")
    with pytest.raises(NotImplementedError):
        engine.poll("name")
    assert engine.discard("name") is None


# The switch, and what `manage.py check` says about it.


def test_backend_comes_from_the_setting(settings):
    settings.TRANSCRIBE_BACKEND = "local"
    assert isinstance(transcriber_for(), LocalTranscriber)
    settings.TRANSCRIBE_BACKEND = "off"
    assert transcriber_for() is None
    settings.TRANSCRIBE_BACKEND = " OpenAI "
    settings.TRANSCRIBE_OPENAI_BASE_URL = "http://127.0.0.1:9/v1/"
    settings.TRANSCRIBE_OPENAI_MODEL = "whisper-large-v3"
    settings.TRANSCRIBE_OPENAI_TIMEOUT = 30
    settings.TRANSCRIBE_LANGUAGE = "en-GB"
    engine = transcriber_for()
    assert isinstance(engine, OpenAITranscriber)
    assert (engine.base_url, engine.model, engine.timeout) == (
        "http://127.0.0.1:9",
        "whisper-large-v3",
        30,
    )
    assert engine.language == "en"
    settings.TRANSCRIBE_BACKEND = "nope"
    with pytest.raises(ImproperlyConfigured, match="local, aws, openai, off"):
        transcriber_for()


def test_a_job_keeps_its_engine_whatever_the_setting(settings):
    settings.TRANSCRIBE_BACKEND = "off"
    settings.AWS_STORAGE_BUCKET_NAME = "media"
    settings.TRANSCRIBE_OUTPUT_BUCKET = ""
    engine = transcriber_for("aws")
    assert isinstance(engine, AwsTranscriber) and engine.remote
    assert (engine.bucket, engine.output_bucket) == ("media", "media")
    assert isinstance(transcriber_for("local"), LocalTranscriber)


@pytest.mark.parametrize(
    ("backend", "bucket", "base_url", "ids"),
    [
        ("local", "", "", []),
        ("off", "", "", []),
        ("aws", "", "", ["careers.E001"]),
        ("aws", "media", "", []),
        ("openai", "", "", ["careers.E002"]),
        ("openai", "", "   ", ["careers.E002"]),
        ("openai", "", "http://127.0.0.1:8080", []),
        ("whisper", "", "", ["careers.E003"]),
    ],
)
def test_system_checks(settings, backend, bucket, base_url, ids):
    settings.TRANSCRIBE_BACKEND = backend
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.TRANSCRIBE_OPENAI_BASE_URL = base_url
    assert [message.id for message in checks.check_transcription()] == ids


def test_beating_calls_the_heartbeat_while_the_block_waits():
    beats: list[str] = []
    with beating(lambda: beats.append(threading.current_thread().name), every=0.05):
        time.sleep(0.3)
    count = len(beats)
    assert count >= 3 and set(beats) == {"transcription-heartbeat"}
    time.sleep(0.15)
    assert len(beats) == count  # stopped with the block


def test_a_failing_heartbeat_does_not_stop_the_work():
    def broken() -> None:
        raise RuntimeError("database is locked")

    with beating(broken, every=0.01):
        time.sleep(0.05)
    with beating(None):
        pass


def test_audio_info_is_plain_data():
    info = AudioInfo("wav", "pcm_s16le", 16000, 1, 2.5)
    assert audio.is_wav16k(info)
    assert not audio.is_wav16k(AudioInfo("wav", "pcm_s16le", 16000, 2, 2.5))
