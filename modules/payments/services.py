"""Writes: payments, anticipation requests and decisions, each with its log and email.

Request bodies arrive as the client sent them (``MISSING`` for an absent field) and are read
with ``fields`` only after the lookups and permission checks, so errors come in the legacy order.
"""

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ErrorCollector, LegacyError, PermissionDenied, ValidationFailed
from core.models import User
from modules.payments import fields
from modules.payments.emails import Event, anticipation_email_queue
from modules.payments.fields import MISSING
from modules.payments.models import Anticipation, Payment, RequestLog, Supplier
from modules.payments.roles import role_of
from modules.payments.selectors import ONLY_OPERATORS_DECIDE

DATE_BEFORE_TODAY = "Inform a date greater than or equal today."
VALUE_NOT_POSITIVE = "Make sure the value is greater than zero."
NOT_OWN_PAYMENT = "Make sure you informed a valid payment ID."
ALREADY_REQUESTED = "An anticipation was already created for this payment."
NO_LONGER_AVAILABLE = "This payment is no longer available for anticipation."
NEW_DATE_NOT_EARLIER = "The new due date must be earlier than the payment due date."
ALREADY_DECIDED = "This anticipation has already been decided."
NOTHING_LEFT_TO_PAY = (
    "The discount for this new due date would leave nothing to pay. "
    "Choose a date closer to the payment due date."
)

DECISIONS = {
    Anticipation.Status.APPROVED: (RequestLog.Action.APPROVAL, Event.APPROVED),
    Anticipation.Status.DENIED: (RequestLog.Action.DENIAL, Event.DENIED),
}
CENT = Decimal("0.01")


def discounted_value(value: Decimal, days: int, *, monthly_rate: Decimal | None = None) -> Decimal:
    """``value - value * (rate / 30) * days`` in Decimal, rounded half-even to the cent."""
    rate = settings.PAYMENTS_MONTHLY_RATE if monthly_rate is None else monthly_rate
    new_value = value - value * (rate / Decimal(30)) * days
    return new_value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _read_due_date(errors: ErrorCollector, field: str, raw: Any) -> date | None:
    due = fields.read_date(errors, field, raw)
    if due is not None and due < timezone.localdate():
        errors.add(field, DATE_BEFORE_TODAY)
        return None
    return due


def payment_create(
    *, actor: User, supplier: Any = MISSING, due_date: Any = MISSING, value: Any = MISSING
) -> Payment:
    """Register a payment owed to a supplier. Operators name the supplier; a supplier's own
    supplier replaces whatever it sent."""
    role = role_of(actor)
    errors = ErrorCollector()
    if role.is_operator:
        owner = fields.read_related(errors, "supplier", supplier, Supplier.objects.only("id"))
        supplier_id = owner.pk if owner else None
    else:
        supplier_id = role.supplier_id
    due = _read_due_date(errors, "due_date", due_date)
    amount = fields.read_decimal(errors, "value", value, max_digits=11, decimal_places=2)
    if amount is not None and amount <= 0:
        errors.add("value", VALUE_NOT_POSITIVE)
    errors.raise_if_any()
    return Payment.objects.create(supplier_id=supplier_id, due_date=due, value=amount)


def anticipation_create(
    *, actor: User, payment: Any = MISSING, new_due_date: Any = MISSING
) -> Anticipation:
    """Ask for early payment of a payment at a discount that grows with the days brought forward.

    One anticipation per payment, ever: the one-to-one key makes the loser of two simultaneous
    requests fail like the second of two sequential ones, with nothing written.
    """
    role = role_of(actor)
    errors = ErrorCollector()
    target = fields.read_related(
        errors, "payment", payment, Payment.objects.select_related("supplier__user")
    )
    if target is not None and not role.is_operator and target.supplier_id != role.supplier_id:
        errors.add("payment", NOT_OWN_PAYMENT)
        target = None
    new_date = _read_due_date(errors, "new_due_date", new_due_date)
    errors.raise_if_any()
    assert target is not None and new_date is not None
    if Anticipation.objects.filter(payment=target).exists():
        raise LegacyError([ALREADY_REQUESTED])
    if target.due_date <= timezone.localdate():
        raise LegacyError([NO_LONGER_AVAILABLE])
    if new_date >= target.due_date:
        raise ValidationFailed(field="new_due_date", message=NEW_DATE_NOT_EARLIER)
    # A payment due years ahead brought forward to today would be discounted below zero.
    new_value = discounted_value(target.value, (target.due_date - new_date).days)
    if new_value <= 0:
        raise ValidationFailed(field="new_due_date", message=NOTHING_LEFT_TO_PAY)
    try:
        with transaction.atomic():
            anticipation = Anticipation.objects.create(
                payment=target,
                new_due_date=new_date,
                new_value=new_value,
                status=Anticipation.Status.PENDING,
            )
            RequestLog.objects.create(
                anticipation=anticipation, user=actor, action=RequestLog.Action.REQUEST
            )
            anticipation_email_queue(anticipation=anticipation, event=Event.REQUESTED)
    except IntegrityError:
        if Anticipation.objects.filter(payment=target).exists():
            raise LegacyError([ALREADY_REQUESTED]) from None
        raise
    return anticipation


def anticipation_decide(
    *, actor: User, anticipation: Anticipation, status: Any = MISSING
) -> Anticipation:
    """Approve (``A``) or deny (``D``) a pending anticipation; operators only, once only.

    The move from ``PC`` is one conditional UPDATE, so of two simultaneous decisions exactly one
    is applied, logged and emailed; the other is told it was already decided.
    """
    if not role_of(actor).is_operator:
        raise PermissionDenied(ONLY_OPERATORS_DECIDE)
    errors = ErrorCollector()
    decision = fields.read_choice(errors, "status", status, tuple(DECISIONS))
    errors.raise_if_any()
    action, event = DECISIONS[decision]
    today = timezone.localdate()
    with transaction.atomic():
        moved = Anticipation.objects.filter(
            pk=anticipation.pk, status=Anticipation.Status.PENDING
        ).update(status=decision, update_date=today)
        if not moved:
            raise LegacyError([ALREADY_DECIDED])
        anticipation.status = decision
        anticipation.update_date = today
        RequestLog.objects.create(anticipation=anticipation, user=actor, action=action)
        anticipation_email_queue(anticipation=anticipation, event=event)
    return anticipation
