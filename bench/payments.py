"""Benchmark hook for payments: 2,000 payments over 20 suppliers, a tenth anticipated."""

import json

from bench.harness import Deployment, token_for

PAYMENTS = 2000


def load_data(dep: Deployment, count: int = PAYMENTS) -> None:
    dep.python(
        "from datetime import timedelta\n"
        "from decimal import Decimal\n"
        "from django.utils import timezone\n"
        "from core.models import User\n"
        "from modules.payments.models import Anticipation, Payment, Supplier\n"
        "suppliers = [Supplier.objects.create(user=User.objects.create_user("
        "email=f'bench-supplier-{i}@example.com', password='x'), corporate_name=f'Supplier {i:03d}', "
        "reg_number=f'{900 + i:014d}') for i in range(20)]\n"
        "today = timezone.localdate()\n"
        "Payment.objects.bulk_create((Payment(supplier=suppliers[i % 20], "
        "creation_date=today - timedelta(days=i % 365), due_date=today + timedelta(days=1 + i % 90), "
        f"value=Decimal(100 + i % 5000) + Decimal('0.25')) for i in range({count})), batch_size=2000)\n"
        "Anticipation.objects.bulk_create((Anticipation(payment=p, new_due_date=p.due_date - "
        "timedelta(days=1), new_value=p.value, status='PC') for p in "
        f"Payment.objects.all()[: {count} // 10]), batch_size=2000)\n"
    )


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    token = token_for(base, "operator01@email.com", "operator01")
    return [("GET /api/payments/", "/api/payments/", {"Authorization": f"Bearer {token}"})]


def load_mix(dep: Deployment, base: str) -> list[dict]:
    """The operator lists payments and registers new ones for Supplier 01."""
    token = token_for(base, "operator01@email.com", "operator01")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    supplier = dep.python(
        "from modules.payments.models import Supplier; "
        "print(Supplier.objects.get(reg_number='11111111000101').pk)"
    ).strip()
    body = {"supplier": int(supplier), "due_date": "2099-12-31", "value": "1500.00"}
    return [
        {"method": "GET", "path": "/api/payments/", "headers": headers},
        {"method": "POST", "path": "/api/payments/", "headers": headers, "body": json.dumps(body)},
    ]
