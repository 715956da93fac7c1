"""Shapes of the stories API (spec careers.md §4.2): the multipart upload and the three outputs.

``MediaUploadIn`` only documents the form (the view reads it itself, streaming the file to a
temporary file); the ``*Out`` schemas validate the responses.
"""

from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from modules.careers.schemas import ApiDateTime, Out, RepresentationalSystemOut

TITLE_MAX = 75

MediaUrl = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "description": "The original upload, for `MEDIA_URL_TTL` seconds (600 by default): "
            "a presigned S3 URL, or this API's signed `media/{id}/file/` link.",
        }
    ),
]


class MediaUploadIn(BaseModel):
    """``multipart/form-data`` fields; ``transcript``, ``representational_system`` and
    ``status`` are ignored when sent."""

    media: bytes = Field(
        # The smallest body the signature check accepts (an ID3 tag opens an mp3): generated
        # clients and the fuzzer then reach the 201, not only the refusals.
        json_schema_extra={"format": "binary", "examples": ["ID3 recorded story"]},
        description="The recording: wav, mp3, m4a, aac, ogg, opus, webm or flac, recognised by "
        "its first bytes (the name and declared type are ignored); at most `MEDIA_MAX_UPLOAD_MB`.",
    )
    question: int = Field(ge=1, description="An active question's id.", examples=[10])
    title: str = Field(default="", max_length=TITLE_MAX, examples=["My first job"])


class MediaCreatedOut(Out):
    id: int
    question: int
    title: str = Field(examples=["My first job"])
    status: int = Field(examples=[1])
    create_date: ApiDateTime


class MediaListItemOut(Out):
    """Documents the list's items; the list writes them finished (``media_selectors``)."""

    id: int
    question: int
    title: str
    status: int = Field(examples=[2])
    media: MediaUrl
    create_date: ApiDateTime


class MediaDetailOut(Out):
    id: int
    question: int
    title: str
    transcript: str = Field(description='"" until the story is transcribed (status 4).')
    representational_system: RepresentationalSystemOut | None = Field(
        description="The language profile of the transcript; null until status 4."
    )
    status: int = Field(examples=[4])
    media: MediaUrl
    create_date: ApiDateTime
    update_date: ApiDateTime


FILE_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The original upload's bytes, inline, with its audio media type.",
            "content": {"audio/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
"""``openapi_extra`` of the signed file route: its body is the audio itself, not JSON."""
