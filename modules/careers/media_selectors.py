"""Reads of stories (spec careers.md §4.2): the caller's own, never a tombstone (status 8).

They read the database only: no storage or transcription service is asked anything, and a
story's link is signed from what its row holds.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from core import fastpath
from core.body import MAX_PK
from core.db import UtcIsoText
from core.errors import NotFound
from core.models import User
from modules.careers.lists import TOTAL_HEADER, bounds
from modules.careers.media_links import Links
from modules.careers.models import Media, MediaStatus

LIST_FIELDS = ("id", "question_id", "title", "status", "file", "audio_format", "create_date")
DETAIL_FIELDS = (*LIST_FIELDS, "transcript", "representational_system", "update_date")


def _own(user_id: int) -> QuerySet[Media]:
    return (
        Media.objects.filter(user_id=user_id)
        .exclude(status=MediaStatus.DELETED)
        .order_by("-create_date", "-id")
    )


def media_list(
    *, actor: User, request: HttpRequest, response: HttpResponse
) -> list[dict[str, Any]]:
    """One page of the caller's stories, newest first, with ``X-Total-Count``: finished items,
    exactly as ``MediaListItemOut`` dumps them (the view writes them as they are).

    Rows come as dicts from a read prepared once per page shape (the list is the module's
    busiest read), dates written by the database; a first page shorter than the limit is the whole list, so no count runs.
    """
    limit, offset = bounds(request)
    rows = fastpath.prepared(
        f"careers.media_list:{offset}:{limit}",
        lambda user_id: _own(user_id).values(*LIST_FIELDS, created=UtcIsoText("create_date"))[
            offset : offset + limit
        ],
        actor.pk,
    )
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        total = offset + len(rows)
    else:
        total = fastpath.prepared_count("careers.media_total", _own, actor.pk)
    response[TOTAL_HEADER] = str(total)
    links = Links(request)
    return [
        {
            "id": row["id"],
            "question": row["question_id"],
            "title": row["title"],
            "status": row["status"],
            "media": links.url(row["id"], row["file"], row["audio_format"]),
            "create_date": row["created"],
        }
        for row in rows
    ]


def media_get(*, actor: User, media_id: int, request: HttpRequest) -> dict[str, Any]:
    """One of the caller's stories; before status 4 its transcript and profile are not shown
    (a re-run keeps the old ones in the row until the new ones replace them)."""
    if not 0 < media_id <= MAX_PK:
        raise NotFound()
    found = fastpath.prepared(
        "careers.media_get",
        lambda user_id, pk: _own(user_id).filter(pk=pk).values(*DETAIL_FIELDS)[:1],
        actor.pk,
        media_id,
    )
    if not found:
        raise NotFound()
    row = found[0]
    transcribed = row["status"] == MediaStatus.TRANSCRIBED
    return {
        "id": row["id"],
        "question": row["question_id"],
        "title": row["title"],
        "transcript": row["transcript"] if transcribed else "",
        "representational_system": row["representational_system"] if transcribed else None,
        "status": row["status"],
        "media": Links(request).url(row["id"], row["file"], row["audio_format"]),
        "create_date": row["create_date"],
        "update_date": row["update_date"],
    }


def media_file(*, media_id: int) -> tuple[str, str] | None:
    """The stored name and format behind a signed link, None when the story is deleted."""
    if not 0 < media_id <= MAX_PK:
        return None
    found = (
        Media.objects.filter(pk=media_id)
        .exclude(status=MediaStatus.DELETED)
        .values_list("file", "audio_format")
        .first()
    )
    return (found[0], found[1]) if found else None
