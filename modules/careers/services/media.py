"""Stories (spec careers.md §4.2): storing an upload with its transcription job, and deleting
one as a tombstone whose files go once the deletion has committed."""

import logging
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.body import MAX_PK
from core.errors import NotFound
from core.models import User
from modules.careers.models import CareerProfile, Media, MediaStatus, Question
from modules.careers.services import transcription
from modules.careers.transcription.audio import EXTENSIONS

logger = logging.getLogger(__name__)


def media_create(
    *, actor: User, question: Question, title: str, upload: UploadedFile, audio_format: str
) -> Media:
    """Store the file as ``careers/media/<xref>/<uuid4>.<ext>``, then the row and its job in
    one transaction (the job's wake-up is sent on commit).

    The file is written before the transaction, so no transaction stays open while a large
    upload is copied; if the row cannot be written, the file is removed again.
    """
    xref = CareerProfile.objects.values_list("xref", flat=True).get(user_id=actor.pk)
    name = f"careers/media/{xref}/{uuid.uuid4()}.{EXTENSIONS[audio_format]}"
    size = upload.size or 0
    stored = default_storage.save(name, upload)
    try:
        with transaction.atomic():
            media = Media.objects.create(
                user=actor,
                question=question,
                title=title,
                file=stored,
                audio_format=audio_format,
                size_bytes=size,
                status=MediaStatus.ACTIVE,
            )
            transcription.queue_for(media=media)
    except BaseException:
        _remove([stored])
        raise
    return media


def media_delete(*, actor: User, media_id: int) -> None:
    """Leave a tombstone (status 8, no transcript or profile, the job cancelled) in one
    transaction; the original and converted files are deleted after it commits, so a rollback
    never leaves a live story without its audio."""
    if not 0 < media_id <= MAX_PK:
        raise NotFound()
    with transaction.atomic():
        media = (
            Media.objects.select_for_update()
            .filter(pk=media_id, user_id=actor.pk)
            .exclude(status=MediaStatus.DELETED)
            .first()
        )
        if media is None:
            raise NotFound()
        Media.objects.filter(pk=media.pk).update(
            status=MediaStatus.DELETED,
            transcript="",
            representational_system=None,
            update_date=timezone.now(),
        )
        transcription.cancel_for(media=media)
        names = [name for name in (media.file.name, media.converted_file.name) if name]
        transaction.on_commit(lambda: _remove(names))


def _remove(names: list[str]) -> None:
    """Best effort: a file that cannot be deleted now is logged, the tombstone stays."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("could not delete story file %s", name)
