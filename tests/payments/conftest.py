"""Payments fixtures: an operator, suppliers, and payments dated relative to today."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from model_bakery import baker

from core.models import User
from modules.payments.models import Anticipation, Operator, Payment, RequestLog, Supplier
from modules.payments.services import discounted_value
from tests.conftest import bearer, make_user

_reg_numbers = itertools.count(10_000_000_000_001)


def days(n: int) -> date:
    """Today plus ``n`` days (negative: in the past), in TIME_ZONE."""
    return timezone.localdate() + timedelta(days=n)


def make_operator(**user_fields: object) -> User:
    user = make_user(**user_fields)
    baker.make(Operator, user=user)
    return user


def make_supplier(name: str = "Supplier 01", **user_fields: object) -> Supplier:
    return baker.make(
        Supplier,
        user=make_user(**user_fields),
        corporate_name=name,
        reg_number=str(next(_reg_numbers)),
    )


def make_payment(
    supplier: Supplier, *, due_in: int = 20, value: str = "1000.00", created_ago: int = 0
) -> Payment:
    return baker.make(
        Payment,
        supplier=supplier,
        due_date=days(due_in),
        value=Decimal(value),
        creation_date=days(-created_ago),
    )


def make_anticipation(
    payment: Payment, *, status: str = "PC", earlier_by: int = 5, created_ago: int = 0
) -> Anticipation:
    """An anticipation as the API would have left it, with its request log."""
    anticipation = baker.make(
        Anticipation,
        payment=payment,
        new_due_date=payment.due_date - timedelta(days=earlier_by),
        new_value=discounted_value(payment.value, earlier_by),
        status=status,
        creation_date=days(-created_ago),
    )
    baker.make(RequestLog, anticipation=anticipation, user=payment.supplier.user, action="R")
    return anticipation


@pytest.fixture
def operator() -> User:
    return make_operator(email="operator01@email.com")


@pytest.fixture
def supplier() -> Supplier:
    return make_supplier("Supplier 01", email="user01@email.com")


@pytest.fixture
def other_supplier() -> Supplier:
    return make_supplier("Supplier 02", email="user02@email.com")


@pytest.fixture
def as_operator(operator: User) -> dict[str, str]:
    return bearer(operator)


@pytest.fixture
def as_supplier(supplier: Supplier) -> dict[str, str]:
    return bearer(supplier.user)


@pytest.fixture
def as_other_supplier(other_supplier: Supplier) -> dict[str, str]:
    return bearer(other_supplier.user)
