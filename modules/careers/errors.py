"""What the careers API says when it refuses, word for word (spec careers.md §1, §2, §4).

Every refusal of part 1 uses the main API's bodies (``{"detail"}`` and DRF's field errors), so
``BODIES`` is empty for now; the crowdsource bodies of part 2 (``{"error": ...}``) go here and
are registered with it in ``project/api.py``.
"""

from collections.abc import Callable
from typing import Any

from core.errors import Conflict, DomainError

INVALID_TOKEN = "Invalid or expired token."
EMAIL_TAKEN = "This email belongs to another account."
PASSWORD_RESET = "Password has been reset."
DUPLICATE_CHOICE = "Duplicate choice."


class EmailTaken(Conflict):
    """A Firebase identity whose email is another account's, which it may not take over."""

    code = "careers_email_taken"
    default_message = EMAIL_TAKEN


BODIES: dict[type[DomainError], Callable[[Any], Any]] = {}
