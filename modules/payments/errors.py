"""What the module says when it refuses: its own field messages, and the refusals its legacy
clients read as DRF's bare list (``["This anticipation has already been decided."]``).

The errors carry facts only; ``BODIES`` is how the main API words them (``project/api.py``).
"""

from collections.abc import Callable, Sequence
from typing import Any

from core.errors import DomainError

DATE_BEFORE_TODAY = "Inform a date greater than or equal today."
VALUE_NOT_POSITIVE = "Make sure the value is greater than zero."
NOT_OWN_PAYMENT = "Make sure you informed a valid payment ID."
NEW_DATE_NOT_EARLIER = "The new due date must be earlier than the payment due date."
NOTHING_LEFT_TO_PAY = (
    "The discount for this new due date would leave nothing to pay. "
    "Choose a date closer to the payment due date."
)


class RuleBroken(DomainError):
    """A request refused as a whole by one of the module's rules (DRF's ``ValidationError``
    raised with a list, which its clients match on)."""

    status_code = 400
    code = "payments_rule_broken"


class AlreadyRequested(RuleBroken):
    code = "anticipation_already_requested"
    default_message = "An anticipation was already created for this payment."


class NoLongerAvailable(RuleBroken):
    code = "payment_no_longer_available"
    default_message = "This payment is no longer available for anticipation."


class AlreadyDecided(RuleBroken):
    code = "anticipation_already_decided"
    default_message = "This anticipation has already been decided."


class UnknownStatus(RuleBroken):
    """A ``?status=`` filter naming no status; ``status`` as compared (upper-cased)."""

    code = "unknown_status"

    def __init__(self, status: str, choices: Sequence[str]) -> None:
        self.status = status
        self.choices = tuple(choices)
        listed = f"{', '.join(self.choices[:-1])} or {self.choices[-1]}"
        super().__init__(f'"{status}" is an invalid status. Choose {listed}.')


BODIES: dict[type[DomainError], Callable[[Any], Any]] = {
    RuleBroken: lambda error: [error.message],
}
