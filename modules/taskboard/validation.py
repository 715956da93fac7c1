"""DRF-style cleaning of raw request bodies, so every field error of a request comes back at once.

Request schemas (schemas.py) accept any value; the checks live here because the legacy contract
reports format errors together with the ones that need the database (a taken name, an unknown
username), which pydantic alone cannot do. Messages are DRF's, word for word.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import FIELD_REQUIRED, ErrorCollector
from core.schemas import DATE_FORMAT_MESSAGE, ApiDate

MAY_NOT_BE_NULL = "This field may not be null."
MAY_NOT_BE_BLANK = "This field may not be blank."
NOT_A_STRING = "Not a valid string."
NOT_AN_INTEGER = "A valid integer is required."
NULL_CHARACTERS = "Null characters are not allowed."

# The largest value a 64-bit primary key can hold; anything above cannot name a row.
MAX_PK = 2**63 - 1

_DATE = TypeAdapter(ApiDate)
_ASCII_DIGITS = re.compile(r"[0-9]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TRAILING_ZEROS = re.compile(r"\.0*\s*$")


class Missing:
    """The field was not sent at all (as opposed to sent as null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = Missing()


class BodyFields:
    """Reads one request body field by field, collecting DRF's messages in declaration order.

    Each reader returns the cleaned value, or ``MISSING`` when the field was absent or invalid;
    ``ok(name)`` says whether a field passed so the caller runs its database checks only then.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors = ErrorCollector()

    def ok(self, *names: str) -> bool:
        return not any(self.errors.has(name) for name in names)

    def fail(self, name: str, message: str) -> None:
        self.errors.add(name, message)

    def _raw(self, name: str, *, required: bool, allow_null: bool) -> tuple[bool, Any]:
        """(present, value); records the required/null errors itself."""
        if name not in self.data:
            if required:
                self.fail(name, FIELD_REQUIRED)
            return False, MISSING
        value = self.data[name]
        if value is None and not allow_null:
            self.fail(name, MAY_NOT_BE_NULL)
            return False, MISSING
        return True, value

    def text(
        self,
        name: str,
        *,
        required: bool = True,
        max_length: int | None = None,
        trim: bool = True,
    ) -> Any:
        """DRF's CharField: numbers become text, whitespace is trimmed, blank is refused."""
        present, value = self._raw(name, required=required, allow_null=False)
        if not present:
            return MISSING
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(name, NOT_A_STRING)
            return MISSING
        value = str(value)
        stripped = value.strip()
        if not stripped:
            self.fail(name, MAY_NOT_BE_BLANK)
            return MISSING
        if trim:
            value = stripped
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"Ensure this field has no more than {max_length} characters.")
        if "\x00" in value:
            self.fail(name, NULL_CHARACTERS)
        surrogate = _SURROGATE.search(value)
        if surrogate:
            code = f"U+{ord(surrogate.group()):X}"
            self.fail(name, f"Surrogate characters are not allowed: {code}.")
        return value if self.ok(name) else MISSING

    def day(self, name: str, *, required: bool = True, allow_null: bool = False) -> Any:
        """DRF's DateField with the ISO format only; an empty form value counts as null."""
        present, value = self._raw(name, required=required, allow_null=allow_null)
        if not present:
            return MISSING
        if value is None or (allow_null and value == ""):
            return None
        try:
            return _DATE.validate_python(value)
        except PydanticValidationError:
            self.fail(name, DATE_FORMAT_MESSAGE)
            return MISSING

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> Any:
        present, value = self._raw(name, required=required, allow_null=False)
        if not present:
            return MISSING
        if isinstance(value, bool) or str(value) not in set(choices):
            self.fail(name, f'"{value}" is not a valid choice.')
            return MISSING
        return str(value)

    def integer(self, name: str, *, required: bool = True) -> Any:
        """DRF's IntegerField: ints, integral floats and digit strings ("1.0" too)."""
        present, value = self._raw(name, required=required, allow_null=False)
        if not present:
            return MISSING
        try:
            if isinstance(value, bool):
                raise ValueError
            number = int(_TRAILING_ZEROS.sub("", str(value)))
        except (TypeError, ValueError):
            self.fail(name, NOT_AN_INTEGER)
            return MISSING
        return number

    def related(
        self, name: str, queryset: QuerySet, *, required: bool = False, allow_null: bool = True
    ) -> Any:
        """DRF's PrimaryKeyRelatedField: an id (or digit string) of an existing row, or null."""
        present, value = self._raw(name, required=required, allow_null=True)
        if not present:
            return MISSING
        if value == "":
            value = None
        if value is None:
            if not allow_null:
                self.fail(name, MAY_NOT_BE_NULL)
                return MISSING
            return None
        pk = value
        if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
            # ASCII only: str.isdigit() also admits "²", which int() refuses. Too many digits
            # for int() (over 4300) is a number too large to name a row, not a wrong type.
            digits = value.strip()
            pk = int(digits) if len(digits.lstrip("0")) <= len(str(MAX_PK)) else 0
        if isinstance(pk, bool) or not isinstance(pk, int):
            self.fail(name, f"Incorrect type. Expected pk value, received {type(pk).__name__}.")
            return MISSING
        found: Model | None = queryset.filter(pk=pk).first() if 0 < pk <= MAX_PK else None
        if found is None:
            self.fail(name, f'Invalid pk "{value}" - object does not exist.')
            return MISSING
        return found

    def raise_if_any(self) -> None:
        self.errors.raise_if_any()
