"""Demo accounts of the legacy README: one operator and two suppliers with three payments each."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.demo import ensure_user
from modules.payments.models import Operator, Payment, Supplier

SUPPLIERS = (
    ("user01@email.com", "user01", "Supplier 01", "11111111000101"),
    ("user02@email.com", "user02", "Supplier 02", "22222222000102"),
)
PAYMENTS = ((10, Decimal("1000.00")), (20, Decimal("2000.00")), (30, Decimal("3000.00")))


def seed(*, stdout: Any) -> None:
    """Create what is missing; an existing account, role or payment is left as it is."""
    operator = ensure_user("operator01@email.com", "operator01")
    Operator.objects.get_or_create(user=operator)
    stdout.write("payments operator: operator01@email.com / operator01")
    today = timezone.localdate()
    for email, password, name, reg_number in SUPPLIERS:
        user = ensure_user(email, password)
        supplier, _ = Supplier.objects.get_or_create(
            user=user, defaults={"corporate_name": name, "reg_number": reg_number}
        )
        for days, value in PAYMENTS:
            if not Payment.objects.filter(supplier=supplier, value=value).exists():
                Payment.objects.create(
                    supplier=supplier, due_date=today + timedelta(days=days), value=value
                )
        stdout.write(f"payments supplier: {email} / {password} ({name})")
