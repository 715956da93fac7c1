"""Writes anyone may make: peer feedback, prospect sign-ups and client error reports."""

from typing import Any

from django.db import IntegrityError, transaction

from core.models import User
from modules.careers.models import RATING_KEYS, CareerProfile, ErrorLog, PeerFeedback, Prospect
from modules.careers.services.polls import slot_columns
from modules.careers.visits import Visit


def feedback_create(
    *, subject: CareerProfile, fields: dict[str, Any], visit: Visit
) -> PeerFeedback:
    """A rating of the profile's user, sent through their public link."""
    columns = slot_columns(fields, RATING_KEYS)
    return PeerFeedback.objects.create(subject_id=subject.user_id, **columns, **visit.fields())


def prospect_sign_up(*, name: str, email: str) -> tuple[Prospect, bool]:
    """Idempotent sign-up: a known address (in any case) only gets the new name. True when
    the prospect is new. Two racing sign-ups of one address make one row."""
    for _ in range(2):
        with transaction.atomic():
            known = Prospect.objects.select_for_update().filter(email__iexact=email).first()
            if known is not None:
                known.name = name
                known.save(update_fields=["name", "update_date"])
                return known, False
            try:
                with transaction.atomic():
                    return Prospect.objects.create(name=name, email=email), True
            except IntegrityError:
                continue  # created meanwhile: update it
    raise RuntimeError("a prospect could be neither created nor found")  # pragma: no cover


def prospect_delete(*, prospect: Prospect) -> None:
    prospect.delete()


def error_log_create(
    *, errorcode: str, errormessage: str, user: User | None, visit: Visit
) -> ErrorLog:
    """A client's error report, with who sent it when a valid token came along."""
    return ErrorLog.objects.create(
        errorcode=errorcode, errormessage=errormessage, user=user, **visit.fields()
    )
