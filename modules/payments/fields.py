"""Client input read the way the legacy DRF serializers read it, with the same messages.

Services validate request bodies with these readers after lookups and permission checks, so a
400 comes in the legacy order and carries every field error of the request at once (a pydantic
schema would run before the permission checks and stop at a field's first problem).
"""

from datetime import date
from decimal import Decimal, DecimalException, InvalidOperation
from typing import Any, Final, TypeVar

from django.db.models import Model, QuerySet
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import FIELD_REQUIRED, ErrorCollector
from core.schemas import ApiDate, PkInt, drf_errors


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
"""The field was not in the body at all (``None`` means it was sent as null)."""

M = TypeVar("M", bound=Model)

NULL = "This field may not be null."
INVALID_NUMBER = "A valid number is required."
STRING_TOO_LARGE = "String value too large."
BIGINT_MAX = 2**63 - 1

_PK: TypeAdapter[int] = TypeAdapter(PkInt)
_DATE: TypeAdapter[date] = TypeAdapter(ApiDate)


def _present(errors: ErrorCollector, field: str, raw: Any) -> bool:
    if raw is MISSING:
        errors.add(field, FIELD_REQUIRED)
        return False
    if raw is None:
        errors.add(field, NULL)
        return False
    return True


def _messages(exc: PydanticValidationError) -> list[str]:
    return [message for messages in drf_errors(exc.errors()).values() for message in messages]


def read_related(errors: ErrorCollector, field: str, raw: Any, queryset: QuerySet[M]) -> M | None:
    """A primary key naming a row of ``queryset`` (DRF's PrimaryKeyRelatedField)."""
    if not _present(errors, field, raw):
        return None
    try:
        pk = _PK.validate_python(raw)
    except PydanticValidationError as exc:
        for message in _messages(exc):
            errors.add(field, message)
        return None
    found = queryset.filter(pk=pk).first() if 0 < pk <= BIGINT_MAX else None
    if found is None:
        errors.add(field, f'Invalid pk "{raw}" - object does not exist.')
    return found


def read_date(errors: ErrorCollector, field: str, raw: Any) -> date | None:
    """A calendar date written ``YYYY-MM-DD`` (DRF's DateField with ISO input)."""
    if not _present(errors, field, raw):
        return None
    try:
        return _DATE.validate_python(raw)
    except PydanticValidationError as exc:
        for message in _messages(exc):
            errors.add(field, message)
        return None


def read_decimal(
    errors: ErrorCollector, field: str, raw: Any, *, max_digits: int, decimal_places: int
) -> Decimal | None:
    """A number or numeric string within the column's precision (DRF's DecimalField).

    The first precision rule broken is reported, in DRF's order: total digits, decimal places,
    digits before the point.
    """
    if not _present(errors, field, raw):
        return None
    text = str(raw).strip()
    if len(text) > 1000:
        errors.add(field, STRING_TOO_LARGE)
        return None
    try:
        value = Decimal(text)
    except (DecimalException, ValueError):
        errors.add(field, INVALID_NUMBER)
        return None
    if not value.is_finite():
        errors.add(field, INVALID_NUMBER)
        return None
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite values have an integer exponent
    if exponent >= 0:
        total, places = len(digits) + exponent, 0
    elif len(digits) > -exponent:
        total, places = len(digits), -exponent
    else:
        total, places = -exponent, -exponent
    whole = total - places
    if total > max_digits:
        errors.add(field, f"Ensure that there are no more than {max_digits} digits in total.")
    elif places > decimal_places:
        errors.add(field, f"Ensure that there are no more than {decimal_places} decimal places.")
    elif whole > max_digits - decimal_places:
        errors.add(
            field,
            "Ensure that there are no more than "
            f"{max_digits - decimal_places} digits before the decimal point.",
        )
    else:
        try:
            return value.quantize(Decimal(1).scaleb(-decimal_places))
        except InvalidOperation:
            errors.add(field, INVALID_NUMBER)
    return None


def read_choice(
    errors: ErrorCollector, field: str, raw: Any, choices: tuple[str, ...]
) -> str | None:
    """One of ``choices`` exactly as written (DRF's ChoiceField, case-sensitive)."""
    if not _present(errors, field, raw):
        return None
    if isinstance(raw, str) and raw in choices:
        return raw
    errors.add(field, f'"{raw}" is not a valid choice.')
    return None
