"""Writes: payments, anticipation requests and decisions, each with its log and email.

Arguments arrive read and checked (``api.py`` reads bodies with ``core.body``): the rules here
are the ones the legacy API answered after the field errors, each in its own 400.
"""

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import messages
from core.errors import ValidationFailed
from core.models import User
from modules.payments.emails import Event, anticipation_email_queue
from modules.payments.errors import (
    NEW_DATE_NOT_EARLIER,
    NOTHING_LEFT_TO_PAY,
    AlreadyDecided,
    AlreadyRequested,
    NoLongerAvailable,
)
from modules.payments.models import Anticipation, Payment, RequestLog
from modules.payments.roles import role_of

DECISIONS: dict[str, tuple[RequestLog.Action, Event]] = {
    Anticipation.Status.APPROVED: (RequestLog.Action.APPROVAL, Event.APPROVED),
    Anticipation.Status.DENIED: (RequestLog.Action.DENIAL, Event.DENIED),
}
CENT = Decimal("0.01")


def discounted_value(value: Decimal, days: int, *, monthly_rate: Decimal | None = None) -> Decimal:
    """``value - value * (rate / 30) * days`` in Decimal, rounded half-even to the cent."""
    rate = settings.PAYMENTS_MONTHLY_RATE if monthly_rate is None else monthly_rate
    new_value = value - value * (rate / Decimal(30)) * days
    return new_value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def payment_create(
    *, actor: User, supplier_id: int | None, due_date: date, value: Decimal
) -> Payment:
    """Register a payment owed to a supplier. Operators name the supplier; a supplier's own
    supplier replaces whatever it sent."""
    role = role_of(actor)
    if not role.is_operator:
        supplier_id = role.own_supplier_id
    elif supplier_id is None:
        raise ValidationFailed(field="supplier", message=messages.REQUIRED)
    return Payment.objects.create(supplier_id=supplier_id, due_date=due_date, value=value)


def anticipation_create(*, actor: User, payment: Payment, new_due_date: date) -> Anticipation:
    """Ask for early payment of a payment at a discount that grows with the days brought forward.

    ``payment`` is one the caller may see. One anticipation per payment, ever: the one-to-one
    key makes the loser of two simultaneous requests fail like the second of two sequential
    ones, with nothing written.
    """
    if Anticipation.objects.filter(payment=payment).exists():
        raise AlreadyRequested()
    if payment.due_date <= timezone.localdate():
        raise NoLongerAvailable()
    if new_due_date >= payment.due_date:
        raise ValidationFailed(field="new_due_date", message=NEW_DATE_NOT_EARLIER)
    # A payment due years ahead brought forward to today would be discounted below zero.
    new_value = discounted_value(payment.value, (payment.due_date - new_due_date).days)
    if new_value <= 0:
        raise ValidationFailed(field="new_due_date", message=NOTHING_LEFT_TO_PAY)
    try:
        with transaction.atomic():
            anticipation = Anticipation.objects.create(
                payment=payment,
                new_due_date=new_due_date,
                new_value=new_value,
                status=Anticipation.Status.PENDING,
            )
            RequestLog.objects.create(
                anticipation=anticipation, user=actor, action=RequestLog.Action.REQUEST
            )
            anticipation_email_queue(anticipation=anticipation, event=Event.REQUESTED)
    except IntegrityError:
        if Anticipation.objects.filter(payment=payment).exists():
            raise AlreadyRequested() from None
        raise
    return anticipation


def anticipation_decide(*, actor: User, anticipation: Anticipation, status: str) -> Anticipation:
    """Approve (``A``) or deny (``D``) a pending anticipation, once only.

    ``anticipation`` comes from ``selectors.anticipation_get_for_decision``, which lets operators
    only. The move from ``PC`` is one conditional UPDATE, so of two simultaneous decisions
    exactly one is applied, logged and emailed; the other is told it was already decided.
    """
    if status not in DECISIONS:
        raise ValidationFailed(field="status", message=messages.INVALID_CHOICE.format(value=status))
    action, event = DECISIONS[status]
    today = timezone.localdate()
    with transaction.atomic():
        moved = Anticipation.objects.filter(
            pk=anticipation.pk, status=Anticipation.Status.PENDING
        ).update(status=status, update_date=today)
        if not moved:
            raise AlreadyDecided()
        anticipation.status = status
        anticipation.update_date = today
        RequestLog.objects.create(anticipation=anticipation, user=actor, action=action)
        anticipation_email_queue(anticipation=anticipation, event=event)
    return anticipation
