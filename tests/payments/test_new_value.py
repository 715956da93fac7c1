"""The discount arithmetic of spec section 5: Decimal throughout, half-even to the cent."""

from decimal import Decimal

import pytest

from modules.payments.services import discounted_value


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        ("1000.00", 16, "984.00"),
        ("1100.00", 15, "1083.50"),
        ("1200.00", 16, "1180.80"),
        ("1000.00", 30, "970.00"),
        ("15.00", 1, "14.98"),  # 14.985 rounds to even
        ("25.00", 1, "24.98"),  # 24.975 rounds to even (up)
        ("0.01", 1, "0.01"),
        ("999999999.99", 1, "998999999.99"),
    ],
)
def test_spec_examples(value, days, expected):
    result = discounted_value(Decimal(value), days, monthly_rate=Decimal("0.03"))
    assert result == Decimal(expected)
    assert str(result) == expected


def test_rate_defaults_to_the_setting(settings):
    settings.PAYMENTS_MONTHLY_RATE = Decimal("0.045")
    assert discounted_value(Decimal("1000.00"), 20) == Decimal("970.00")


def test_rate_not_divisible_by_thirty_still_lands_on_the_cent():
    # 0.05 / 30 is a repeating decimal; 28 significant digits keep the result exact to the cent.
    assert discounted_value(Decimal("1000.00"), 30, monthly_rate=Decimal("0.05")) == Decimal(
        "950.00"
    )
    assert discounted_value(Decimal("10.00"), 1, monthly_rate=Decimal("0.05")) == Decimal("9.98")
