"""Response shapes of the Codevance API, and its request bodies: documented by the ``...In``
models, read by the views with ``core.body`` and the fields and rules defined here."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, RootModel, WithJsonSchema

from core import body
from core.body import Invalid
from core.models import User
from modules.payments import selectors
from modules.payments.errors import DATE_BEFORE_TODAY, NOT_OWN_PAYMENT, VALUE_NOT_POSITIVE
from modules.payments.models import Anticipation, Payment

# Decimals are JSON strings with exactly two places ("1000.00"), as DRF rendered them.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1000.00"}),
]


class OrmOut(BaseModel):
    """Read from model attributes by pydantic itself: list pages build these by the hundred, and
    that costs a fraction of ninja Schema's attribute getter (no resolvers are needed here)."""

    model_config = ConfigDict(from_attributes=True)


class PaymentOut(OrmOut):
    id: int
    supplier: int = Field(validation_alias="supplier_id")
    creation_date: date
    due_date: date
    value: Money


class AnticipationOut(OrmOut):
    id: int
    payment: int = Field(validation_alias="payment_id")
    creation_date: date
    new_due_date: date
    new_value: Money
    update_date: date
    status: str = Field(json_schema_extra={"enum": ["PC", "A", "D"]})


class RequestLogOut(OrmOut):
    id: int
    anticipation: int = Field(validation_alias="anticipation_id")
    created_at: date
    user: int | None = Field(validation_alias="user_id")
    action: str = Field(json_schema_extra={"enum": ["R", "A", "D"]})


class MessagesOut(RootModel[list[str]]):
    """The legacy bare-list error body: ``["This anticipation has already been decided."]``."""

    model_config = ConfigDict(json_schema_extra={"example": ["Some rule was broken."]})


# Request bodies. The views read them with core.body after the lookups and permission checks
# and report every field error at once; these models only document them (``body_docs``).
_Pk = Annotated[Any, WithJsonSchema({"type": "integer", "example": 1})]
_Date = Annotated[
    Any, WithJsonSchema({"type": "string", "format": "date", "example": "2026-12-01"})
]
_Amount = Annotated[
    Any,
    WithJsonSchema(
        {"oneOf": [{"type": "number"}, {"type": "string"}], "example": "1000.00"},
    ),
]


def _without_defaults(schema: dict[str, Any]) -> None:
    """An optional field is documented as optional, not as defaulting to null."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class PaymentIn(Schema):
    model_config = ConfigDict(json_schema_extra=_without_defaults)

    supplier: _Pk = Field(
        None, description="Required for operators; a supplier's own supplier replaces it."
    )
    due_date: _Date = Field(description="Today or later.")
    value: _Amount = Field(description="Greater than zero, at most 2 decimal places.")


class AnticipationIn(Schema):
    payment: _Pk = Field(description="A payment without an anticipation, due after today.")
    new_due_date: _Date = Field(description="Today or later and before the payment's due date.")


class AnticipationDecisionIn(Schema):
    status: Annotated[Any, WithJsonSchema({"type": "string", "enum": ["A", "D"]})] = Field(
        description="A to approve, D to deny."
    )


def not_before_today(day: date) -> None:
    """Today in ``TIME_ZONE``: a date before it is refused with the other field errors."""
    if day < timezone.localdate():
        raise Invalid(DATE_BEFORE_TODAY)


def positive(value: Decimal) -> None:
    if value <= 0:
        raise Invalid(VALUE_NOT_POSITIVE)


def visible_to(actor: User) -> Callable[[Payment], None]:
    """A payment the caller may not see is a field error, reported with the others."""

    def check(payment: Payment) -> None:
        if not selectors.payment_is_visible(actor=actor, payment=payment):
            raise Invalid(NOT_OWN_PAYMENT)

    return check


# An empty date is in the wrong format rather than null, as the legacy DateField answered.
DUE_DATE_FIELD = body.Date(blank_is_null=False, validators=[not_before_today])
VALUE_FIELD = body.Decimal(max_digits=11, decimal_places=2, validators=[positive])
DECISION_FIELD = body.Choice([Anticipation.Status.APPROVED, Anticipation.Status.DENIED])
