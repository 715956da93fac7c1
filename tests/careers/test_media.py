"""Stories through HTTP (spec careers.md §4.2): the upload's checks in the spec's order, the file
streamed to storage, own-only list and detail with signed links, and DELETE's tombstone whose
files go after commit; the S3 path against moto's server."""

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from django.core.files import uploadhandler
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client

from modules.careers import media_links
from modules.careers.models import Media, Question, TranscriptionJob
from modules.careers.schemas import drf_datetime
from tests.careers.conftest import V1, careers_state, careers_user, make_story
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

URL = f"{V1}/media/"
TOO_LARGE = {"detail": "File too large. The limit is 50 MB."}
NOT_MULTIPART = {"detail": "Expected a multipart/form-data body."}
UNSUPPORTED = {
    "detail": "Unsupported audio format. Accepted: wav, mp3, m4a, aac, ogg, opus, webm, flac."
}
NOT_FOUND = {"detail": "Not found."}
UUID4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

# The first bytes of each accepted format (spec §4.2), padded; the rest is never read here.
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(48)
HEADS = {
    "wav": (WAV, "wav"),
    "flac": (b"fLaC\x00\x00\x00\x22" + bytes(40), "flac"),
    "ogg": (b"OggS\x00\x02" + bytes(22) + b"\x01vorbis" + bytes(30), "ogg"),
    "opus": (b"OggS\x00\x02" + bytes(22) + b"OpusHead" + bytes(30), "opus"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81" + bytes(40), "webm"),
    "m4a": (b"\x00\x00\x00\x20ftypM4A " + bytes(40), "m4a"),
    "mp3 with ID3": (b"ID3\x04\x00\x00" + bytes(40), "mp3"),
    "mp3 frame": (b"\xff\xfb\x90\x64" + bytes(40), "mp3"),
    "aac": (b"\xff\xf1\x50\x80" + bytes(40), "aac"),
}


@pytest.fixture
def owner():
    return careers_user(name="Alan Hicks")


@pytest.fixture
def question():
    return Question.objects.create(question="What was your first job?", sort_order=1)


@pytest.fixture
def queued(real_queue, settings):
    """Jobs go to the real (unconsumed) queue, so an upload stays at status 1, its job queued."""
    settings.TRANSCRIBE_BACKEND = "local"
    return real_queue


def audio(content: bytes = WAV, name: str = "story.wav", kind: str = "audio/wav"):
    return SimpleUploadedFile(name, content, kind)


def upload(client, user, data, method="post"):
    """A multipart request as a browser sends it (PUT too: the test client encodes only POST)."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, data)
    return client.generic(method.upper(), URL, body, content_type=MULTIPART_CONTENT, **bearer(user))


def stored_files() -> list[str]:
    root = Path(default_storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _empty_storage(settings):
    """Each test starts with an empty media folder of its own."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="careers-media-")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    yield
    shutil.rmtree(folder, ignore_errors=True)


# Upload


@pytest.mark.parametrize("method", ["post", "put"])
def test_an_upload_is_stored_with_its_queued_job(client, owner, question, queued, method):
    response = upload(client, owner, {"media": audio(), "question": question.pk, "title": " My first job "}, method)  # fmt: skip
    assert response.status_code == 201, response.content
    media = Media.objects.get()
    assert response.json() == {
        "id": media.pk,
        "question": question.pk,
        "title": "My first job",
        "status": 1,
        "create_date": drf_datetime(media.create_date),
    }
    xref = owner.careers_profile.xref
    assert re.fullmatch(rf"careers/media/{xref}/{UUID4}\.wav", media.file.name)
    assert (media.user, media.question, media.audio_format, media.size_bytes) == (
        owner,
        question,
        "wav",
        len(WAV),
    )
    assert (media.transcript, media.representational_system) == ("", None)
    assert stored_files() == [media.file.name]
    assert default_storage.open(media.file.name).read() == WAV
    job = TranscriptionJob.objects.get()
    assert (job.media, job.status, job.engine) == (media, "queued", "local")
    assert len(queued) == 1  # the worker's wake-up, sent on commit


def test_the_pipeline_is_skipped_with_backend_off(client, owner, question, settings):
    settings.TRANSCRIBE_BACKEND = "off"
    response = upload(client, owner, {"media": audio(), "question": question.pk})
    assert response.status_code == 201
    assert Media.objects.get().status == 1
    assert not TranscriptionJob.objects.exists()


def test_transcript_profile_and_status_sent_are_ignored(client, owner, question, queued):
    data = {
        "media": audio(),
        "question": str(question.pk),
        "transcript": "I see",
        "representational_system": '{"visual": 9}',
        "status": "4",
    }
    response = upload(client, owner, data)
    assert response.status_code == 201
    assert response.json()["status"] == 1
    media = Media.objects.get()
    assert (media.status, media.transcript, media.representational_system, media.title) == (
        1,
        "",
        None,
        "",
    )


@pytest.mark.parametrize("kind", list(HEADS))
def test_each_format_is_recognised_by_its_first_bytes(client, owner, question, queued, kind):
    head, audio_format = HEADS[kind]
    # Name and declared type say otherwise: only the bytes count.
    file = SimpleUploadedFile("notes.txt", head, "text/plain")
    response = upload(client, owner, {"media": file, "question": question.pk})
    assert response.status_code == 201, response.content
    media = Media.objects.get()
    assert media.audio_format == audio_format
    assert media.file.name.endswith(f".{audio_format}")


@pytest.mark.parametrize(
    "content",
    [
        b"hello, this is text",
        b"RIFF\x00\x00\x00\x00AVI LIST",  # RIFF without WAVE
        b"\xff\xd8\xff\xe0JFIF",  # a JPEG
        b"\xff\xe1" + bytes(10),  # frame sync with layer bits 00: neither mp3 nor aac
        b"%PDF-1.7",
        b"\x00",
    ],
)
def test_an_unrecognised_signature_is_415_before_the_question(client, owner, content):
    before = careers_state()
    file = SimpleUploadedFile("story.mp3", content, "audio/mpeg")
    response = upload(client, owner, {"media": file, "question": "abc", "title": "x" * 99})
    assert (response.status_code, response.json()) == (415, UNSUPPORTED)
    assert careers_state() == before
    assert stored_files() == []


def test_content_length_over_the_limit_is_413_before_the_body_is_read(client, owner):
    before = careers_state()
    # The declared length is all the check looks at: the body behind it is never read (the
    # test client's payload would fail a read past its few bytes), nor its type checked.
    response = client.generic(
        "POST",
        URL,
        b'{"not": "multipart"}',
        content_type="application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024 + 64 * 1024 + 1),
        **bearer(owner),
    )
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert careers_state() == before
    assert stored_files() == []


def test_the_limit_follows_the_setting(client, owner, question, settings, queued):
    settings.MEDIA_MAX_UPLOAD_MB = 1
    limit = 1024 * 1024
    over = audio(WAV + bytes(limit + 1 - len(WAV)))
    response = upload(client, owner, {"media": over, "question": question.pk}, "put")
    assert (response.status_code, response.json()) == (
        413,
        {"detail": "File too large. The limit is 1 MB."},
    )
    assert not Media.objects.exists() and stored_files() == []
    exact = audio(WAV + bytes(limit - len(WAV)))
    response = upload(client, owner, {"media": exact, "question": question.pk}, "put")
    assert response.status_code == 201
    assert Media.objects.get().size_bytes == limit


def test_413_comes_after_401(client, owner):
    response = client.generic(
        "PUT", URL, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="999999999"
    )
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", b'{"question": 1}'),
        ("application/x-www-form-urlencoded", b"question=1"),
        ("text/plain", b"RIFF"),
        ("", b""),
    ],
)
def test_a_body_that_is_not_multipart_is_415(client, owner, question, content_type, body):
    before = careers_state()
    response = client.generic("POST", URL, body, content_type=content_type, **bearer(owner))
    assert (response.status_code, response.json()) == (415, NOT_MULTIPART)
    assert careers_state() == before


def test_a_missing_file_is_reported_with_the_other_fields(client, owner):
    before = careers_state()
    response = upload(client, owner, {"title": "x" * 76})
    assert (response.status_code, response.json()) == (
        400,
        {
            "media": ["No file was submitted."],
            "question": ["This field is required."],
            "title": ["Ensure this field has no more than 75 characters."],
        },
    )
    assert careers_state() == before


def test_an_empty_file_is_400_before_its_signature_is_sniffed(client, owner, question):
    before = careers_state()
    response = upload(client, owner, {"media": audio(b""), "question": question.pk})
    assert (response.status_code, response.json()) == (
        400,
        {"media": ["The submitted file is empty."]},
    )
    assert careers_state() == before
    assert stored_files() == []


@pytest.mark.parametrize(
    "sent, message",
    [
        (None, "This field is required."),
        ("abc", "Incorrect type. Expected pk value, received str."),
        ("42", 'Invalid pk "42" - object does not exist.'),
        (
            "99999999999999999999999",
            'Invalid pk "99999999999999999999999" - object does not exist.',
        ),
        ("", "This field may not be null."),
    ],
)
def test_question_errors(client, owner, sent, message):
    data = {"media": audio()}
    if sent is not None:
        data["question"] = sent
    before = careers_state()
    response = upload(client, owner, data)
    assert (response.status_code, response.json()) == (400, {"question": [message]})
    assert careers_state() == before
    assert stored_files() == []


def test_an_inactive_question_does_not_exist(client, owner):
    retired = Question.objects.create(question="Old", status=0)
    response = upload(client, owner, {"media": audio(), "question": retired.pk, "title": "ok"})
    assert (response.status_code, response.json()) == (
        400,
        {"question": [f'Invalid pk "{retired.pk}" - object does not exist.']},
    )
    assert not Media.objects.exists()


def test_title_up_to_75_characters(client, owner, question, queued):
    response = upload(client, owner, {"media": audio(), "question": question.pk, "title": "x" * 76})
    assert (response.status_code, response.json()) == (
        400,
        {"title": ["Ensure this field has no more than 75 characters."]},
    )
    response = upload(client, owner, {"media": audio(), "question": question.pk, "title": "x" * 75})
    assert response.status_code == 201
    assert Media.objects.get().title == "x" * 75


def test_a_broken_multipart_body_is_400(client, owner):
    response = client.generic(
        "POST", URL, b"garbage", content_type="multipart/form-data", **bearer(owner)
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Multipart form parse error")
    assert not Media.objects.exists()


@pytest.fixture
def temporary_files(monkeypatch):
    """Every TemporaryUploadedFile Django's upload handler makes (a spy on Django's class)."""
    made: list[TemporaryUploadedFile] = []

    class Recorded(TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recorded)
    return made


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_large_upload_is_spooled_to_a_temporary_file_not_memory(
    client, owner, question, queued, settings, temporary_files, method
):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE the part goes chunk by chunk to a temporary file,
    which storage then takes over: the file is never one bytes object in the process."""
    size = settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024
    content = WAV + bytes(range(256)) * ((size - len(WAV)) // 256)
    response = upload(client, owner, {"media": audio(content), "question": question.pk}, method)
    assert response.status_code == 201
    assert len(temporary_files) == 1
    assert temporary_files[0].size == len(content)
    media = Media.objects.get()
    assert default_storage.open(media.file.name).read() == content
    assert media.size_bytes == len(content)


def test_a_small_upload_stays_in_memory(client, owner, question, queued, temporary_files):
    assert upload(client, owner, {"media": audio(), "question": question.pk}).status_code == 201
    assert temporary_files == []


# Reads


def fetch(client, url):
    """GET an absolute link from the API with no token (the link is the permission)."""
    response = client.get(url.removeprefix("http://testserver"))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def stored_story(user, question, content=WAV, *, status=1, transcript="", system=None, **fields):
    """A story as the pipeline leaves it, with its file in storage."""
    file = SimpleUploadedFile("s", content)
    name = default_storage.save(f"careers/media/{user.pk}/story.wav", file)
    story = make_story(user, question=question, status=status, transcript=transcript, system=system, audio_format="wav", **fields)  # fmt: skip
    Media.objects.filter(pk=story.pk).update(file=name)
    story.refresh_from_db()
    return story


def test_the_list_is_own_stories_newest_first_without_tombstones(client, owner, question):
    other = careers_user()
    older = stored_story(owner, question, title="older", status=2)
    newer = stored_story(owner, question, title="newer", status=4, transcript="I see")
    stored_story(owner, question, title="deleted", status=8)
    stored_story(other, question, title="not mine")
    Media.objects.filter(pk=older.pk).update(create_date=datetime(2025, 1, 5, 10, tzinfo=UTC))
    response = client.get(URL, **bearer(owner))
    assert response.status_code == 200
    assert response["X-Total-Count"] == "2"
    body = response.json()
    links = [item.pop("media") for item in body]
    newer.refresh_from_db()
    assert body == [
        {
            "id": newer.pk,
            "question": question.pk,
            "title": "newer",
            "status": 4,
            "create_date": drf_datetime(newer.create_date),
        },
        {
            "id": older.pk,
            "question": question.pk,
            "title": "older",
            "status": 2,
            "create_date": "2025-01-05T10:00:00Z",
        },
    ]
    for link, media in zip(links, (newer, older), strict=True):
        assert re.fullmatch(
            rf"http://testserver/api/v1/media/{media.pk}/file/\?expires=\d+&sig=[\w-]+", link
        )
        response, content = fetch(client, link)
        assert response.status_code == 200
        assert content == WAV
        assert response["Content-Type"] == "audio/wav"
        disposition = f'inline; filename="{Path(media.file.name).name}"'
        assert response["Content-Disposition"] == disposition


def test_an_empty_list_is_an_empty_array(client, owner):
    response = client.get(URL, **bearer(owner))
    assert (response.status_code, response.json(), response["X-Total-Count"]) == (200, [], "0")


def test_the_list_pages_with_limit_and_offset(client, owner, question):
    stories = [stored_story(owner, question, title=str(n)) for n in range(5)]
    response = client.get(URL, {"limit": 2, "offset": 1}, **bearer(owner))
    assert [item["id"] for item in response.json()] == [stories[3].pk, stories[2].pk]
    assert response["X-Total-Count"] == "5"
    response = client.get(URL, {"limit": 0, "offset": -1}, **bearer(owner))
    assert (response.status_code, response.json()) == (
        400,
        {
            "limit": ["Ensure this value is greater than or equal to 1."],
            "offset": ["Ensure this value is greater than or equal to 0."],
        },
    )


def test_the_detail_hides_transcript_and_profile_before_status_4(client, owner, question):
    system = {"visual": 1, "auditory": 0, "kinesthetic": 0, "auditory_digital": 0}
    # A re-run keeps the last transcript in the row until the new one replaces it.
    media = stored_story(owner, question, status=3, title="My first job", transcript="old", system=system)  # fmt: skip
    response = client.get(f"{URL}{media.pk}/", **bearer(owner))
    assert response.status_code == 200
    body = response.json()
    link = body.pop("media")
    assert body == {
        "id": media.pk,
        "question": question.pk,
        "title": "My first job",
        "transcript": "",
        "representational_system": None,
        "status": 3,
        "create_date": drf_datetime(media.create_date),
        "update_date": drf_datetime(media.update_date),
    }
    assert fetch(client, link)[1] == WAV


def test_the_detail_of_a_transcribed_story(client, owner, question):
    system = {"visual": 0, "auditory": 0, "kinesthetic": 0, "auditory_digital": 0}
    media = stored_story(owner, question, status=4, transcript="Good morning.", system=system)
    body = client.get(f"{URL}{media.pk}/", **bearer(owner)).json()
    assert (body["transcript"], body["representational_system"], body["status"]) == (
        "Good morning.",
        system,
        4,
    )


@pytest.mark.parametrize("path", ["{other}", "{deleted}", "0", "99999999999999999999", "abc"])
def test_the_detail_of_anything_not_own_and_live_is_404(client, owner, question, path):
    other = stored_story(careers_user(), question)
    deleted = stored_story(owner, question, status=8)
    url = f"{URL}{path.format(other=other.pk, deleted=deleted.pk)}/"
    response = client.get(url, **bearer(owner))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_reads_ask_the_storage_nothing(client, owner, question, settings):
    """GETs read the database only: a story whose file is gone still lists."""
    media = stored_story(owner, question)
    default_storage.delete(media.file.name)
    assert client.get(URL, **bearer(owner)).json()[0]["id"] == media.pk
    assert client.get(f"{URL}{media.pk}/", **bearer(owner)).status_code == 200


# Signed links


def test_a_link_expires_and_a_tampered_one_is_404(client, owner, question, settings):
    settings.MEDIA_URL_TTL = 30
    media = stored_story(owner, question)
    other = stored_story(owner, question)
    link = client.get(f"{URL}{media.pk}/", **bearer(owner)).json()["media"]
    expires = int(re.search(r"expires=(\d+)", link).group(1))
    assert abs(expires - (time.time() + 30)) < 5
    sig = re.search(r"sig=([\w-]+)", link).group(1)
    base = f"{URL}{media.pk}/file/"
    assert fetch(client, link)[0].status_code == 200
    past = int(time.time()) - 1
    refused = [
        f"{base}?expires={expires}&sig={sig[:-1]}{'A' if sig[-1] != 'A' else 'B'}",
        f"{base}?expires={expires + 1}&sig={sig}",
        f"{URL}{other.pk}/file/?expires={expires}&sig={sig}",
        f"{base}?expires={past}&sig={media_links.signature(media.pk, past)}",  # signed, expired
        f"{base}?expires=abc&sig={sig}",
        f"{base}?sig={sig}",
        f"{base}",
    ]
    for url in refused:
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_a_deleted_storys_link_is_404(client, owner, question):
    media = stored_story(owner, question)
    link = client.get(f"{URL}{media.pk}/", **bearer(owner)).json()["media"]
    Media.objects.filter(pk=media.pk).update(status=8)
    response = client.get(link.removeprefix("http://testserver"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# Delete


def test_delete_leaves_a_tombstone_and_removes_the_files_after_commit(
    owner, question, django_capture_on_commit_callbacks
):
    client = Client()  # runs no on-commit callback by itself
    media = stored_story(owner, question, status=4, transcript="I see it", system={"visual": 2})
    converted = default_storage.save("careers/converted/x.wav", SimpleUploadedFile("c", WAV))
    Media.objects.filter(pk=media.pk).update(converted_file=converted)
    job = TranscriptionJob.objects.create(media=media, status="done")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.delete(f"{URL}{media.pk}/", **bearer(owner))
    assert (response.status_code, response.content) == (204, b"")
    media.refresh_from_db()
    assert (media.status, media.transcript, media.representational_system) == (8, "", None)
    job.refresh_from_db()
    assert job.status == "cancelled"
    # Until the deletion commits, the files are still there.
    assert stored_files() == sorted([media.file.name, converted])
    for callback in callbacks:
        callback()
    assert stored_files() == []

    assert client.get(URL, **bearer(owner)).json() == []
    for method in (client.get, client.delete):
        response = method(f"{URL}{media.pk}/", **bearer(owner))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    status = client.get(f"{V1}/user/status/", **bearer(owner)).json()
    assert status["word_count"] == 0
    profile = client.get(f"{V1}/user/profile/", **bearer(owner)).json()
    assert profile["representational_system"]["visual"] == 0


def test_another_users_delete_is_404_and_changes_nothing(client, owner, question):
    media = stored_story(owner, question)
    outsider = careers_user()
    before = careers_state()
    response = client.delete(f"{URL}{media.pk}/", **bearer(outsider))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert careers_state() == before
    assert stored_files() == [media.file.name]


def test_an_uploaded_story_round_trip(client, owner, question, queued):
    """Upload, list, fetch the link, delete: the API's own story from start to end."""
    response = upload(client, owner, {"media": audio(), "question": question.pk, "title": "Mine"})
    media_id = response.json()["id"]
    listed = client.get(URL, **bearer(owner)).json()
    assert [item["id"] for item in listed] == [media_id]
    assert fetch(client, listed[0]["media"])[1] == WAV
    assert client.delete(f"{URL}{media_id}/", **bearer(owner)).status_code == 204
    assert TranscriptionJob.objects.get().status == "cancelled"
    assert stored_files() == []
    assert fetch(client, listed[0]["media"])[0].status_code == 404


# S3 (moto's server on loopback)


@pytest.fixture
def s3(moto_storage):
    return moto_storage


def bucket_keys(aws) -> list[str]:
    listed = aws.s3.list_objects_v2(Bucket=aws.bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_on_s3_the_upload_streams_to_the_bucket_and_the_link_is_presigned(
    owner, question, queued, s3, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_URL_TTL = 600
    client = Client()
    content = WAV + bytes(range(256)) * 12_000  # ~3 MB: spooled, then sent in parts
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, owner, {"media": audio(content), "question": question.pk})
    assert response.status_code == 201
    media = Media.objects.get()
    assert bucket_keys(s3) == [media.file.name]
    stored = s3.s3.get_object(Bucket=s3.bucket, Key=media.file.name)["Body"].read()
    assert stored == content

    link = client.get(URL, **bearer(owner)).json()[0]["media"]
    assert link.startswith(f"{s3.endpoint}/{s3.bucket}/{media.file.name}?")
    assert "X-Amz-Expires=600" in link
    fetched = httpx.get(link, timeout=10)
    assert (fetched.status_code, fetched.content) == (200, content)
    assert fetched.headers["content-type"] == "audio/wav"
    detail = client.get(f"{URL}{media.pk}/", **bearer(owner)).json()
    assert httpx.get(detail["media"], timeout=10).content == content

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.delete(f"{URL}{media.pk}/", **bearer(owner)).status_code == 204
    assert bucket_keys(s3) == [media.file.name]
    for callback in callbacks:
        callback()
    assert bucket_keys(s3) == []


# The whole way: a spoken story, transcribed by the local engine (Huey inline in tests).


def test_a_spoken_upload_is_transcribed_and_its_detail_shows_the_words(
    client, owner, question, settings, tmp_path
):
    from tests.careers.speech import NUMBERS, PHRASE, encoded, say

    settings.TRANSCRIBE_BACKEND = "local"
    recording = encoded(say(PHRASE, tmp_path / "spoken.wav"), tmp_path, "mp3").read_bytes()
    file = SimpleUploadedFile("blob", recording, "application/octet-stream")
    response = upload(client, owner, {"media": file, "question": question.pk, "title": "Count"})
    assert (response.status_code, response.json()["status"]) == (201, 1)
    media_id = response.json()["id"]
    body = client.get(f"{URL}{media_id}/", **bearer(owner)).json()
    assert body["status"] == 4, body
    assert set(body["transcript"].split()) & NUMBERS, body["transcript"]
    assert set(body["representational_system"]) == {
        "visual",
        "auditory",
        "kinesthetic",
        "auditory_digital",
    }
    media = Media.objects.get()
    assert (media.audio_format, media.job.status) == ("mp3", "done")
    assert client.get(f"{V1}/user/status/", **bearer(owner)).json()["word_count"] == len(
        body["transcript"].split()
    )


def test_a_link_signature_is_djangos_signer_over_id_and_expiry():
    from django.core import signing

    expected = signing.Signer(salt=media_links.SALT).signature("58:1767225600")
    assert media_links.signature(58, 1767225600) == expected


# With real processes (the services run): PostgreSQL, Redis and a run_huey consumer.


def _worker_env() -> dict[str, str]:
    return {"TRANSCRIBE_BACKEND": "local", "MEDIA_ROOT": str(default_storage.location)}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_transcribes_an_uploaded_story_and_a_delete_mid_way_drops_its_result(
    client, question, huey_worker, settings, tmp_path
):
    from tests.careers.speech import PHRASE, say
    from tests.support import wait_for

    settings.TRANSCRIBE_BACKEND = "local"
    owner = careers_user()
    short = say(PHRASE, tmp_path / "short.wav").read_bytes()
    long = say(" ".join([PHRASE] * 12), tmp_path / "long.wav").read_bytes()
    worker = huey_worker(**_worker_env())

    first = upload(client, owner, {"media": audio(short), "question": question.pk})
    assert first.status_code == 201
    first_id = first.json()["id"]
    wait_for(lambda: Media.objects.get(pk=first_id).status == 4, timeout=120)
    body = client.get(f"{URL}{first_id}/", **bearer(owner)).json()
    assert body["status"] == 4 and body["transcript"]

    second = upload(client, owner, {"media": audio(long), "question": question.pk}, "put")
    second_id = second.json()["id"]
    wait_for(lambda: Media.objects.get(pk=second_id).status == 3, timeout=120, interval=0.05)
    media = Media.objects.get(pk=second_id)
    files = sorted([media.file.name, media.converted_file.name])
    assert set(files) <= set(stored_files())
    assert client.delete(f"{URL}{second_id}/", **bearer(owner)).status_code == 204
    assert not set(files) & set(stored_files())  # removed once the deletion committed
    # The worker finishes decoding, then finds the story deleted and writes nothing.
    wait_for(lambda: worker.log().count(b"executed in") >= 2, timeout=120)
    media.refresh_from_db()
    assert (media.status, media.transcript, media.representational_system) == (8, "", None)
    assert TranscriptionJob.objects.get(media_id=second_id).status == "cancelled"
    assert [item["id"] for item in client.get(URL, **bearer(owner)).json()] == [first_id]
