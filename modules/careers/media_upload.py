"""Reading a story upload (spec careers.md §4.2) in the spec's order: the declared size (413)
before a byte is read, the media type (415), the form streamed through Django's upload handlers,
the file's size (413), a missing or empty file (400), its audio signature (415), then the
question and title (400, with the file's own 400s when it had any).

The file part never sits whole in memory: Django's handlers keep a part of up to
``FILE_UPLOAD_MAX_MEMORY_SIZE`` in memory and spool anything larger to a temporary file, chunk
by chunk, and PUT (which Django leaves unparsed) is parsed from the same stream.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from core import messages
from core.body import MISSING, Body, PrimaryKey, Text
from core.errors import ParseError, PayloadTooLarge, UnsupportedMediaType
from core.storage import human_size, read_head
from modules.careers.errors import FILE_TOO_LARGE, NOT_MULTIPART, UNSUPPORTED_AUDIO
from modules.careers.media_schemas import TITLE_MAX
from modules.careers.models import Question, Status
from modules.careers.transcription.audio import SNIFF_BYTES, sniff

MULTIPART = "multipart/form-data"
# Room for the part headers, boundaries and the small fields around a file at the limit: a
# body declared larger than the limit by more than this cannot hold an acceptable file.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class StoryUpload:
    file: UploadedFile
    audio_format: str
    question: Question
    title: str


def max_bytes() -> int:
    return int(settings.MEDIA_MAX_UPLOAD_MB) * 1024 * 1024


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(FILE_TOO_LARGE.format(limit=human_size(max_bytes())))


def read_story_upload(request: HttpRequest) -> StoryUpload:
    limit = max_bytes()
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isascii() and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise too_large()
    if (request.content_type or "").lower() != MULTIPART:
        raise UnsupportedMediaType(NOT_MULTIPART)
    data, files = _parse(request)
    upload: UploadedFile | None = files.get("media")
    if upload is not None and (upload.size or 0) > limit:
        raise too_large()
    body = Body(data.dict())
    audio_format = ""
    if upload is None:
        body.fail("media", messages.NO_FILE)
    elif not upload.size:
        body.fail("media", messages.EMPTY_FILE)
    else:
        audio_format = sniff(read_head(upload, SNIFF_BYTES)) or ""
        if not audio_format:
            raise UnsupportedMediaType(UNSUPPORTED_AUDIO)
    questions = Question.objects.filter(status=Status.ACTIVE)
    question = body.get("question", PrimaryKey(questions))
    title = body.get("title", Text(required=False, allow_blank=True, max_length=TITLE_MAX))
    body.raise_if_any()
    assert upload is not None and question is not MISSING  # else reported above
    return StoryUpload(
        file=upload,
        audio_format=audio_format,
        question=question,
        title="" if title is MISSING else str(title),
    )


def _parse(request: HttpRequest) -> tuple[QueryDict, MultiValueDict[str, Any]]:
    """The form and files, read from the request's stream through the upload handlers."""
    try:
        if request.method == "POST":
            return request.POST, request.FILES
        # The request reads its own body stream, as Django parses a POST.
        stream: Any = request
        data, files = request.parse_file_upload(request.META, stream)
    except MultiPartParserError as exc:
        raise ParseError(messages.MULTIPART_PARSE_ERROR.format(error=exc)) from exc
    except (TooManyFieldsSent, TooManyFilesSent) as exc:
        raise ParseError(messages.FORM_PARSE_ERROR.format(error=exc)) from exc
    # Where Django keeps a POST's files: it closes them (removing their temporary files) once
    # the response is done, as for a POST.
    request._files = files  # type: ignore[attr-defined]
    return data, files
