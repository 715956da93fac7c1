"""The supplier's emails about its anticipations, queued in the core outbox."""

from decimal import Decimal
from enum import Enum

from django.template.loader import render_to_string

from core.mail import queue_email
from modules.payments.models import Anticipation

# The legacy policy, named explicitly: 3 retries, 5 minutes apart, on SMTP and connection errors.
MAX_RETRIES = 3
RETRY_DELAY_SECONDS = 300


class Event(Enum):
    """Each event's subject and heading, as the legacy emails had them."""

    REQUESTED = ("New anticipation requested.", "Check the new anticipation requested")
    APPROVED = ("Anticipation approved.", "Anticipation approved")
    DENIED = ("Anticipation denied.", "Anticipation denied")

    @property
    def subject(self) -> str:
        return self.value[0]

    @property
    def heading(self) -> str:
        return self.value[1]


def money(value: Decimal) -> str:
    """``1,100.00``: comma thousands and two decimals, whatever the server's locale."""
    return f"{value:,.2f}"


def anticipation_email_queue(*, anticipation: Anticipation, event: Event) -> None:
    """Queue the event's email to the payment's supplier, whoever acted; call it inside the
    transaction that records the event so both commit or neither does."""
    payment = anticipation.payment
    supplier = payment.supplier
    context = {
        "heading": event.heading,
        "supplier": supplier.corporate_name,
        "original_value": money(payment.value),
        "new_value": money(anticipation.new_value),
        "new_due_date": anticipation.new_due_date.isoformat(),
    }
    queue_email(
        supplier.user.email,
        event.subject,
        render_to_string("payments/anticipation_email.txt", context),
        render_to_string("payments/anticipation_email.html", context),
        max_retries=MAX_RETRIES,
        retry_delay=RETRY_DELAY_SECONDS,
    )
