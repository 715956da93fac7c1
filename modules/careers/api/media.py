"""Stories (spec careers.md §4.2): upload, the caller's list and detail, delete, and the signed
link that serves an original upload from the filesystem."""

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router, Status

from core.auth import AuthedRequest
from core.errors import NotFound
from core.pagination import rendered
from core.schemas import ErrorOut, body_docs
from modules.careers import media_selectors
from modules.careers.api.common import AUTHED, BODY, LIST, MISSING, TAGS
from modules.careers.auth import careers_bearer
from modules.careers.media_links import content_type, link_valid
from modules.careers.media_schemas import (
    FILE_RESPONSE,
    MediaCreatedOut,
    MediaDetailOut,
    MediaListItemOut,
    MediaUploadIn,
)
from modules.careers.media_upload import MULTIPART, read_story_upload
from modules.careers.schemas import LIST_DOCS
from modules.careers.services import media as stories

router = Router(tags=TAGS, auth=careers_bearer)

UPLOAD: dict[str, Any] = {
    "response": {201: MediaCreatedOut, **BODY, **AUTHED},
    "description": "Multipart only. The file is recognised by its first bytes; it is "
    "transcribed in the background (watch `status` reach 4 in `GET media/{id}/`).",
    "openapi_extra": body_docs(MediaUploadIn, media_types=(MULTIPART,)),
}


@router.post("media/", summary="Upload a story (a spoken answer to a question)", **UPLOAD)
def create_media(request: AuthedRequest) -> Status:
    return _upload(request)


@router.put("media/", summary="Upload a story (same as POST)", **UPLOAD)
def put_media(request: AuthedRequest) -> Status:
    return _upload(request)


def _upload(request: AuthedRequest) -> Status:
    upload = read_story_upload(request)
    media = stories.media_create(
        actor=request.auth,
        question=upload.question,
        title=upload.title,
        upload=upload.file,
        audio_format=upload.audio_format,
    )
    return Status(
        201,
        {
            "id": media.pk,
            "question": media.question_id,
            "title": media.title,
            "status": media.status,
            "create_date": media.create_date,
        },
    )


@router.get(
    "media/",
    response={200: list[MediaListItemOut], **LIST, **AUTHED},
    summary="The caller's stories, newest first",
    openapi_extra=LIST_DOCS,
)
def list_media(request: AuthedRequest, response: HttpResponse) -> HttpResponse:
    items = media_selectors.media_list(actor=request.auth, request=request, response=response)
    return rendered(items, response)


@router.get(
    "media/{media_id}/",
    response={200: MediaDetailOut, **MISSING, **AUTHED},
    summary="One of the caller's stories, with its transcript once transcribed",
)
def get_media(request: AuthedRequest, media_id: int) -> dict[str, Any]:
    return media_selectors.media_get(actor=request.auth, media_id=media_id, request=request)


@router.delete(
    "media/{media_id}/",
    response={204: None, **MISSING, **AUTHED},
    summary="Delete one of the caller's stories, its files and its transcription",
)
def delete_media(request: AuthedRequest, media_id: int) -> Status:
    stories.media_delete(actor=request.auth, media_id=media_id)
    return Status(204, None)


@router.get(
    "media/{media_id}/file/",
    auth=None,
    url_name="careers_media_file",
    response={200: None, 404: ErrorOut},
    summary="A story's original upload, through the signed link its `media` field gives",
    description="Public: the link itself is the permission, for `MEDIA_URL_TTL` seconds.",
    openapi_extra=FILE_RESPONSE,
)
def get_media_file(
    request: HttpRequest, media_id: int, expires: str = "", sig: str = ""
) -> FileResponse:
    if not link_valid(media_id, expires, sig):
        raise NotFound()
    found = media_selectors.media_file(media_id=media_id)
    if found is None or not default_storage.exists(found[0]):
        raise NotFound()
    name, audio_format = found
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type=content_type(audio_format),
        filename=name.rsplit("/", 1)[-1],
    )
