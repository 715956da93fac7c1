"""Reads scoped to the caller: a supplier's querysets hold only its own rows, so another
supplier's payment is a plain 404 with no extra checks."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.errors import PermissionDenied
from core.models import User
from core.selectors import pk_or_404
from modules.payments.errors import UnknownStatus
from modules.payments.models import Anticipation, Payment, RequestLog, Supplier
from modules.payments.roles import role_of

PAYMENT_NOT_FOUND = "No Payment matches the given query."
ANTICIPATION_NOT_FOUND = "No Anticipation matches the given query."
ONLY_OPERATORS_DECIDE = "Only operators can approve or deny anticipations."

PAYMENT_STATUSES = ("A", "U", "PC", "AN", "D")
ANTICIPATION_STATUSES = ("PC", "A", "D")

Status = Anticipation.Status


def _status(raw: str | None, choices: tuple[str, ...]) -> str:
    """``?status=`` upper-cased; absent or empty means ALL; anything else is the legacy 400."""
    code = (raw or "").upper() or "ALL"
    if code != "ALL" and code not in choices:
        raise UnknownStatus(code, choices)
    return code


def _payments(*, actor: User) -> QuerySet[Payment]:
    role = role_of(actor)
    payments = Payment.objects.order_by("-creation_date", "-id")
    if role.is_operator:
        return payments
    return payments.filter(supplier_id=role.own_supplier_id)


def _anticipations(*, actor: User) -> QuerySet[Anticipation]:
    role = role_of(actor)
    anticipations = Anticipation.objects.order_by("-creation_date", "-id")
    if role.is_operator:
        return anticipations
    return anticipations.filter(payment__supplier_id=role.own_supplier_id)


def payment_list(*, actor: User, status: str | None = None) -> QuerySet[Payment]:
    """The caller's payments, newest first, filtered by the legacy availability statuses."""
    code = _status(status, PAYMENT_STATUSES)
    payments = _payments(actor=actor)
    today = timezone.localdate()
    if code == "A":
        return payments.filter(due_date__gt=today, anticipation__isnull=True)
    if code == "U":
        return payments.filter(
            Q(anticipation__isnull=True) | Q(anticipation__status=Status.PENDING),
            due_date__lte=today,
        )
    if code == "PC":
        return payments.filter(anticipation__status=Status.PENDING, due_date__gt=today)
    if code == "AN":
        return payments.filter(anticipation__status=Status.APPROVED)
    if code == "D":
        return payments.filter(anticipation__status=Status.DENIED)
    return payments


def payment_get(*, actor: User, payment_id: int) -> Payment:
    """One payment the caller may see; anything else is reported as missing."""
    return pk_or_404(_payments(actor=actor), payment_id, message=PAYMENT_NOT_FOUND)


def payment_is_visible(*, actor: User, payment: Payment) -> bool:
    """Whether the caller may see this payment, and so ask for its anticipation."""
    role = role_of(actor)
    return role.is_operator or payment.supplier_id == role.supplier_id


def payment_lookup() -> QuerySet[Payment]:
    """Every payment, with what its emails need, for an anticipation request to name by id: a
    payment the caller may not see is refused as not its own (``payment_is_visible``), as the
    legacy API answered, rather than as missing."""
    return Payment.objects.select_related("supplier__user")


def supplier_list(*, actor: User) -> QuerySet[Supplier]:
    """Suppliers the caller may register a payment for: any for operators, its own otherwise."""
    role = role_of(actor)
    suppliers = Supplier.objects.only("id")
    if role.is_operator:
        return suppliers
    return suppliers.filter(pk=role.own_supplier_id)


def anticipation_list(*, actor: User, status: str | None = None) -> QuerySet[Anticipation]:
    """The caller's anticipations, newest first, optionally with one status."""
    code = _status(status, ANTICIPATION_STATUSES)
    anticipations = _anticipations(actor=actor)
    if code == "ALL":
        return anticipations
    return anticipations.filter(status=code)


def anticipation_get(*, actor: User, anticipation_id: int) -> Anticipation:
    """One anticipation the caller may see, with what its emails need; else reported missing."""
    anticipations = _anticipations(actor=actor).select_related("payment__supplier__user")
    return pk_or_404(anticipations, anticipation_id, message=ANTICIPATION_NOT_FOUND)


def anticipation_get_for_decision(*, actor: User, anticipation_id: int) -> Anticipation:
    """The anticipation to approve or deny: 404 as for reading it, then 403 unless operator.

    The one place deciding is permitted: ``services.anticipation_decide`` trusts its result, and
    the admin's decision actions come through here too.
    """
    anticipation = anticipation_get(actor=actor, anticipation_id=anticipation_id)
    if not role_of(actor).is_operator:
        raise PermissionDenied(ONLY_OPERATORS_DECIDE)
    return anticipation


def request_log_list(*, actor: User) -> QuerySet[RequestLog]:
    """Logs of the anticipations the caller may see, newest first."""
    role = role_of(actor)
    logs = RequestLog.objects.order_by("-created_at", "-id")
    if role.is_operator:
        return logs
    return logs.filter(anticipation__payment__supplier_id=role.own_supplier_id)
