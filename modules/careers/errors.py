"""What the careers API says when it refuses, word for word (spec careers.md §1, §2, §4).

Most refusals use the main API's bodies (``{"detail"}`` and DRF's field errors); the crowdsource
refusals keep the legacy ``{"error": <code>}`` body, with the operation's ``"status"`` when it
has one (spec §7), through ``BODIES`` (registered in ``project/api.py``).
"""

from collections.abc import Callable
from typing import Any

from core.errors import Conflict, DomainError

INVALID_TOKEN = "Invalid or expired token."
EMAIL_TAKEN = "This email belongs to another account."
PASSWORD_RESET = "Password has been reset."
DUPLICATE_CHOICE = "Duplicate choice."
# Stories (spec §4.2): the upload's refusals.
FILE_TOO_LARGE = "File too large. The limit is {limit}."
NOT_MULTIPART = "Expected a multipart/form-data body."
UNSUPPORTED_AUDIO = "Unsupported audio format. Accepted: wav, mp3, m4a, aac, ogg, opus, webm, flac."


class EmailTaken(Conflict):
    """A Firebase identity whose email is another account's, which it may not take over."""

    code = "careers_email_taken"
    default_message = EMAIL_TAKEN


class CrowdsourceRefused(DomainError):
    """A crowdsource operation refused for the state things are in; its message is the legacy
    error code, and ``outcome`` the legacy ``status`` of the operation refused (if it has one)."""

    status_code = 400
    code = "careers_crowdsource_refused"

    def __init__(self, *, outcome: str | None = None) -> None:
        super().__init__()
        self.outcome = outcome


class NotGranted(CrowdsourceRefused):
    code = "careers_crowdsource_not_granted"
    default_message = "CROWDSOURCE_NOT_GRANTED"


class ReviewOpen(CrowdsourceRefused):
    code = "careers_crowdsource_review_open"
    default_message = "CROWDSOURCE_REVIEW_OPEN"


class NotEnoughStories(CrowdsourceRefused):
    code = "careers_crowdsource_not_enough_stories"
    default_message = "NOT_ENOUGH_STORIES"


class NoReviews(CrowdsourceRefused):
    code = "careers_crowdsource_no_reviews"
    default_message = "CROWDSOURCE_NO_REVIEWS"


class ReviewNotOpen(CrowdsourceRefused):
    code = "careers_crowdsource_review_not_open"
    default_message = "CROWDSOURCE_REVIEW_NOT_OPEN"


def _crowdsource_body(error: CrowdsourceRefused) -> dict[str, str]:
    if error.outcome is None:
        return {"error": error.message}
    return {"status": error.outcome, "error": error.message}


BODIES: dict[type[DomainError], Callable[[Any], Any]] = {CrowdsourceRefused: _crowdsource_body}
