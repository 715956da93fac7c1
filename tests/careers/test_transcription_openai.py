"""The ``openai`` engine (spec §5) against a local server speaking OpenAI's transcription
protocol: the request it sends, 429 and 5xx retried by core's client then transient, timeouts
and unreachable servers transient, 400/413/415 final."""

import io

import pytest

from modules.careers.transcription.base import FinalError, TransientError, transcriber_for
from modules.careers.transcription.openai import OpenAITranscriber
from tests.careers import transcribe_servers
from tests.careers.speech import PHRASE, encoded, say
from tests.careers.transcribe_servers import Answer
from tests.support import free_port


@pytest.fixture(scope="module")
def mp3(tmp_path_factory):
    directory = tmp_path_factory.mktemp("speech")
    return encoded(say(PHRASE, directory / "spoken.wav"), directory, "mp3")


@pytest.fixture
def openai_server():
    with transcribe_servers.openai_server() as server:
        yield server


@pytest.fixture
def configured(settings, openai_server):
    settings.TRANSCRIBE_BACKEND = "openai"
    settings.TRANSCRIBE_OPENAI_BASE_URL = openai_server.url
    settings.TRANSCRIBE_OPENAI_API_KEY = "sk-local-test"
    settings.TRANSCRIBE_OPENAI_MODEL = "whisper-1"
    settings.TRANSCRIBE_OPENAI_TIMEOUT = 10
    settings.TRANSCRIBE_LANGUAGE = "en-GB"
    return openai_server


def engine(server, **options):
    """An engine on ``server`` whose retries do not wait; the pauses it asked for are kept."""
    pauses: list[float] = []
    options = {"timeout": 10.0, "sleep": pauses.append, "jitter": lambda: 0.0, **options}
    transcriber = OpenAITranscriber(base_url=server.url, **options)
    transcriber.pauses = pauses
    return transcriber


def test_the_file_and_model_go_as_multipart_and_the_text_comes_back(configured, mp3):
    configured.script = [Answer(body={"text": "  One two three four five.\n"})]
    text = transcriber_for().transcribe(mp3, audio_format="mp3")
    assert text == "One two three four five."
    [request] = configured.received
    assert request.path == "/v1/audio/transcriptions"
    assert request.headers["Authorization"] == "Bearer sk-local-test"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.fields == {"model": "whisper-1", "response_format": "json", "language": "en"}
    assert (request.filename, request.content_type) == ("audio.mp3", "audio/mpeg")
    assert request.file == mp3.read_bytes()


@pytest.mark.parametrize(
    ("audio_format", "filename", "content_type"),
    [
        ("wav", "audio.wav", "audio/wav"),
        ("m4a", "audio.m4a", "audio/mp4"),
        ("opus", "audio.ogg", "audio/ogg"),
        ("ogg", "audio.ogg", "audio/ogg"),
        ("webm", "audio.webm", "audio/webm"),
        ("flac", "audio.flac", "audio/flac"),
    ],
)
def test_the_upload_is_named_by_its_format(configured, audio_format, filename, content_type):
    # The service tells the format by the file's extension, not by its bytes.
    transcriber_for().transcribe(io.BytesIO(b"audio bytes"), audio_format=audio_format)
    [request] = configured.received
    assert (request.filename, request.content_type) == (filename, content_type)
    assert request.file == b"audio bytes"


def test_formats_the_service_does_not_take_are_converted_first(configured):
    transcriber = transcriber_for()
    assert [f for f in ("wav", "mp3", "m4a", "aac", "ogg", "opus", "webm", "flac")
            if transcriber.accepts(f)] == ["wav", "mp3", "m4a", "ogg", "opus", "webm", "flac"]  # fmt: skip
    with pytest.raises(FinalError, match="does not take aac"):
        transcriber.transcribe(io.BytesIO(b"x"), audio_format="aac")
    assert configured.received == []


def test_without_a_key_or_language_nothing_is_sent_for_them(openai_server, mp3):
    transcriber = engine(openai_server, model="large-v3")
    assert transcriber.transcribe(mp3, audio_format="mp3") == "one two three"
    [request] = openai_server.received
    assert "Authorization" not in request.headers
    assert request.fields == {"model": "large-v3", "response_format": "json"}


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_a_base_url_with_or_without_v1_reaches_the_same_path(openai_server, mp3, suffix):
    transcriber = OpenAITranscriber(base_url=openai_server.url + suffix)
    assert transcriber.transcribe(mp3, audio_format="mp3") == "one two three"
    assert [r.path for r in openai_server.received] == ["/v1/audio/transcriptions"]


def test_busy_then_answered_is_retried_by_the_client(openai_server, mp3):
    openai_server.script = [
        Answer(429, {"error": {"message": "Rate limit reached"}}, headers={"Retry-After": "3"}),
        Answer(503, {"error": {"message": "overloaded"}}),
        Answer(body={"text": "four five"}),
    ]
    transcriber = engine(openai_server)
    assert transcriber.transcribe(mp3, audio_format="mp3") == "four five"
    assert len(openai_server.received) == 3
    # The whole file went every time, and the server's Retry-After was honoured.
    assert {r.file for r in openai_server.received} == {mp3.read_bytes()}
    assert transcriber.pauses == [3.0, 4.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 408])
def test_still_busy_after_the_retries_is_transient(openai_server, mp3, status):
    openai_server.script = [Answer(status, {"error": {"message": "try later"}})]
    transcriber = engine(openai_server, max_retries=2)
    with pytest.raises(TransientError, match=f"HTTP {status} .*try later"):
        transcriber.transcribe(mp3, audio_format="mp3")
    retried = status != 408  # core's client retries 429 and 5xx only
    assert len(openai_server.received) == (3 if retried else 1)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, {"error": {"message": "Invalid file format."}}, "HTTP 400 .*Invalid file format"),
        (413, {"error": {"message": "Maximum content size limit"}}, "HTTP 413 .*Maximum content"),
        (415, b"unsupported", "HTTP 415 .*unsupported"),
        (401, {"error": {"message": "Incorrect API key provided"}}, "HTTP 401 .*API key"),
        (404, {"detail": "Not Found"}, "HTTP 404"),
    ],
)
def test_refusals_are_final_and_not_retried(openai_server, mp3, status, body, message):
    openai_server.script = [Answer(status, body)]
    with pytest.raises(FinalError, match=message):
        engine(openai_server).transcribe(mp3, audio_format="mp3")
    assert len(openai_server.received) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<html>ok</html>", "not JSON"), ({"transcript": "x"}, 'no "text"'), ([1], 'no "text"')],
)
def test_an_answer_without_text_is_final(openai_server, mp3, body, message):
    openai_server.script = [Answer(200, body)]
    with pytest.raises(FinalError, match=message):
        engine(openai_server).transcribe(mp3, audio_format="mp3")


def test_silence_is_an_empty_text(openai_server, mp3):
    openai_server.script = [Answer(body={"text": ""})]
    assert engine(openai_server).transcribe(mp3, audio_format="mp3") == ""


def test_no_answer_within_the_timeout_is_transient(openai_server, mp3):
    openai_server.script = [Answer(delay=1.0)]
    transcriber = engine(openai_server, timeout=0.2, max_retries=1)
    with pytest.raises(TransientError, match=r"No answer within 0\.2 s"):
        transcriber.transcribe(mp3, audio_format="mp3")
    assert len(openai_server.received) == 2


def test_an_unreachable_server_is_transient(mp3):
    transcriber = OpenAITranscriber(
        base_url=f"http://127.0.0.1:{free_port()}", max_retries=1, sleep=lambda _: None
    )
    with pytest.raises(TransientError, match="unreachable"):
        transcriber.transcribe(mp3, audio_format="mp3")


def test_no_base_url_is_final(settings, mp3):
    settings.TRANSCRIBE_OPENAI_BASE_URL = ""
    with pytest.raises(FinalError, match="TRANSCRIBE_OPENAI_BASE_URL"):
        transcriber_for("openai").transcribe(mp3, audio_format="mp3")


def test_the_worker_beats_while_it_waits(openai_server, mp3):
    openai_server.script = [Answer(delay=0.5)]
    beats: list[int] = []
    transcriber = engine(openai_server, heartbeat_every=0.05)
    transcriber.transcribe(mp3, audio_format="mp3", heartbeat=lambda: beats.append(1))
    assert len(beats) >= 3
