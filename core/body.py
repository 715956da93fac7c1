"""One DRF-compatible body reader for the modules whose clients were written against DRF.

A view reads its body with it, after the lookups and permission checks the legacy API answered
first, and calls one service with typed values. Every field of a request is read and every
problem reported at once, in the order the fields are read, with DRF's messages
(``core.messages``): pydantic would stop at a field's first problem, could not mix in checks that
need the database, and would run before the permission checks.

    body = read_body(request)
    due_date = body.get("due_date", Date())
    value = body.get("value", Decimal(max_digits=11, decimal_places=2))
    body.raise_if_any()
    return services.payment_create(actor=request.auth, due_date=due_date, value=value)

A reader returns the cleaned value, ``None`` for an allowed null, or ``MISSING`` when the field
was absent or refused; ``body.ok(name)`` tells whether it passed.

Over 400 lines on purpose: the field kinds share the presence, null and validator rules of
``Field.read`` and the ``Body`` that calls them; split apart, each half would be unreadable alone.
"""

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal as PyDecimal
from decimal import DecimalException, InvalidOperation
from io import BytesIO
from typing import Any, Final, Generic, TypeVar

from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import messages
from core.errors import (
    NON_FIELD,
    ErrorCollector,
    Item,
    ParseError,
    PathPart,
    UnsupportedMediaType,
)

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_PK = 2**63 - 1
"""The largest value a 64-bit primary key holds: a greater id names no row and never reaches SQL."""

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final[Any] = _Missing()
"""The field was not in the body at all (``None`` means it was sent as null), or was refused."""


class Invalid(Exception):
    """Raised by a field's cleaning or a validator: the value is refused with these messages."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__(*messages)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SIGNED_DIGITS = re.compile(r"[+-]?[0-9]+")
# Python's default limit on the digits int() converts (sys.set_int_max_str_digits).
_INT_MAX_DIGITS = 4300
_TRAILING_ZEROS = re.compile(r"\.0*\s*$")


def type_name(value: Any) -> str:
    return type(value).__name__


# Fields


class Field(Generic[T]):
    """How one value is read: presence and null rules here, the value's own rules in ``clean``.

    ``validators`` run after ``clean`` on the cleaned value, all of them, as DRF ran a field's
    validators; each may raise ``Invalid`` or return a replacement value (a row found by name).
    """

    def __init__(
        self,
        *,
        required: bool = True,
        allow_null: bool = False,
        validators: Sequence[Callable[[Any], Any]] = (),
    ) -> None:
        self.required = required
        self.allow_null = allow_null
        self.validators = list(validators)

    def clean(self, value: Any) -> T:
        """The cleaned form of a present, non-null value; ``Invalid`` when it is refused."""
        return value  # type: ignore[no-any-return,unused-ignore]

    def read(self, value: Any, errors: ErrorCollector, path: tuple[PathPart, ...]) -> Any:
        if value is MISSING:
            if self.required:
                errors.add(path, messages.REQUIRED, "required")
            return MISSING
        if value is None or (value == "" and self.empty_is_null()):
            if self.allow_null:
                return None
            errors.add(path, messages.NULL, "null")
            return MISSING
        return self.read_present(value, errors, path)

    def empty_is_null(self) -> bool:
        """Relations and dates take an empty form value as null, as DRF's did."""
        return False

    def read_present(self, value: Any, errors: ErrorCollector, path: tuple[PathPart, ...]) -> Any:
        try:
            cleaned = self.clean(value)
        except Invalid as exc:
            for message in exc.messages:
                errors.add(path, message)
            return MISSING
        problems: list[str] = []
        for validator in self.validators:
            try:
                replaced = validator(cleaned)
            except Invalid as exc:
                problems.extend(exc.messages)
                continue
            if replaced is not None:
                cleaned = replaced
        for message in problems:
            errors.add(path, message)
        return MISSING if problems else cleaned


class Text(Field[str]):
    """DRF's CharField: numbers become text, whitespace is trimmed, blank is refused."""

    def __init__(
        self,
        *,
        max_length: int | None = None,
        min_length: int | None = None,
        allow_blank: bool = False,
        trim: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.max_length = max_length
        self.min_length = min_length
        self.allow_blank = allow_blank
        self.trim = trim

    def clean(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Invalid(messages.NOT_A_STRING)
        text = str(value)
        stripped = text.strip()
        if not stripped:
            if self.allow_blank:
                return ""
            raise Invalid(messages.BLANK)
        if self.trim:
            text = stripped
        problems = []
        if self.max_length is not None and len(text) > self.max_length:
            problems.append(messages.MAX_LENGTH.format(max_length=self.max_length))
        if self.min_length is not None and len(text) < self.min_length:
            problems.append(messages.MIN_LENGTH.format(min_length=self.min_length))
        problems.extend(text_problems(text))
        if problems:
            raise Invalid(*problems)
        return text


def text_problems(text: str) -> list[str]:
    """DRF's refusal of text no database column can hold: NUL and lone surrogate characters."""
    problems = []
    if "\x00" in text:
        problems.append(messages.NULL_CHARACTERS)
    surrogate = _SURROGATE.search(text)
    if surrogate:
        code = f"U+{ord(surrogate.group()):X}"
        problems.append(messages.SURROGATE_CHARACTERS.format(code=code))
    return problems


class Email(Text):
    """DRF's EmailField: trimmed text that Django's email validator accepts."""

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text:
            try:
                validate_email(text)
            except DjangoValidationError:
                raise Invalid(messages.INVALID_EMAIL) from None
        return text


class Integer(Field[int]):
    """DRF's IntegerField: ints, integral floats and digit strings ("1.0" too), never booleans."""

    def __init__(
        self, *, min_value: int | None = None, max_value: int | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        self.min_value = min_value
        self.max_value = max_value

    def clean(self, value: Any) -> int:
        if isinstance(value, bool):
            raise Invalid(messages.INVALID_INTEGER)
        text = str(value)
        if len(text) > 1000:
            raise Invalid(messages.MAX_STRING_LENGTH)
        try:
            number = int(_TRAILING_ZEROS.sub("", text))
        except (TypeError, ValueError):
            raise Invalid(messages.INVALID_INTEGER) from None
        if self.min_value is not None and number < self.min_value:
            raise Invalid(messages.MIN_VALUE.format(min_value=self.min_value))
        if self.max_value is not None and number > self.max_value:
            raise Invalid(messages.MAX_VALUE.format(max_value=self.max_value))
        return number


def pk_value(value: Any) -> int:
    """A primary key as DRF's PrimaryKeyRelatedField read it: an int, or a string of ASCII
    digits with an optional sign (``"-1"`` is a key no row has, not a wrong type).

    ``Invalid`` for any other type (floats too: DRF would have read 1.5 as 1) and for more digits
    than ``int()`` reads; 0 for a number no row can have (negative or beyond 64 bits), which the
    caller reports as not existing.
    """
    pk = value
    if isinstance(value, str) and _SIGNED_DIGITS.fullmatch(value.strip()):
        # ASCII only: str.isdigit() also admits "²", which int() refuses.
        text = value.strip()
        digits = text.lstrip("+-").lstrip("0") or "0"
        negative = text.startswith("-") and digits != "0"
        if len(digits) <= _INT_MAX_DIGITS:  # longer: int() refuses it, so DRF said wrong type
            pk = 0 if negative or len(digits) > len(str(MAX_PK)) else int(digits)
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise Invalid(messages.PK_INCORRECT_TYPE.format(type=type_name(pk)))
    return pk if 0 < pk <= MAX_PK else 0


class PrimaryKey(Field[M]):
    """DRF's PrimaryKeyRelatedField: the id (or digit string) of a row of ``queryset``."""

    def __init__(self, queryset: QuerySet[M], **options: Any) -> None:
        super().__init__(**options)
        self.queryset = queryset

    def empty_is_null(self) -> bool:
        return True

    def clean(self, value: Any) -> M:
        pk = pk_value(value)
        found = self.queryset.filter(pk=pk).first() if pk else None
        if found is None:
            raise Invalid(messages.PK_DOES_NOT_EXIST.format(pk=value))
        return found


class Decimal(Field[PyDecimal]):
    """DRF's DecimalField: a number or numeric string within the column's precision.

    The first precision rule broken is reported, in DRF's order: total digits, decimal places,
    digits before the point. The value comes back quantized to ``decimal_places``.
    """

    def __init__(self, *, max_digits: int, decimal_places: int, **options: Any) -> None:
        super().__init__(**options)
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def clean(self, value: Any) -> PyDecimal:
        text = str(value).strip()
        if len(text) > 1000:
            raise Invalid(messages.MAX_STRING_LENGTH)
        try:
            number = PyDecimal(text)
        except (DecimalException, ValueError):
            raise Invalid(messages.INVALID_NUMBER) from None
        if isinstance(value, bool) or not number.is_finite():
            raise Invalid(messages.INVALID_NUMBER)
        _sign, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)  # finite values have an integer exponent
        if exponent >= 0:
            total, places = len(digits) + exponent, 0
        elif len(digits) > -exponent:
            total, places = len(digits), -exponent
        else:
            total, places = -exponent, -exponent
        whole_digits = self.max_digits - self.decimal_places
        if total > self.max_digits:
            raise Invalid(messages.MAX_DIGITS.format(max_digits=self.max_digits))
        if places > self.decimal_places:
            raise Invalid(messages.MAX_DECIMAL_PLACES.format(decimal_places=self.decimal_places))
        if total - places > whole_digits:
            raise Invalid(messages.MAX_WHOLE_DIGITS.format(whole_digits=whole_digits))
        try:
            return number.quantize(PyDecimal(1).scaleb(-self.decimal_places))
        except InvalidOperation:
            raise Invalid(messages.INVALID_NUMBER) from None


def parse_iso_date(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` date, else None: ``date.fromisoformat`` alone also takes week dates
    (``2024-W01-1``) and compact forms the legacy APIs refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class Date(Field[date]):
    """DRF's DateField with the ISO format only; an empty form value counts as null.

    ``blank_is_null=False``: an empty string is a date in the wrong format, as DRF answered a
    field that does not allow null.
    """

    def __init__(self, *, blank_is_null: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self.blank_is_null = blank_is_null

    def empty_is_null(self) -> bool:
        return self.blank_is_null

    def clean(self, value: Any) -> date:
        day = parse_iso_date(value)
        if day is None:
            raise Invalid(messages.DATE_FORMAT)
        return day


class DateTime(Field[datetime]):
    """DRF's DateTimeField with ISO 8601 input; a naive value is in ``TIME_ZONE``."""

    def empty_is_null(self) -> bool:
        return True

    def clean(self, value: Any) -> datetime:
        moment = None
        if isinstance(value, str):
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                moment = None
        if moment is None:
            raise Invalid(messages.DATETIME_FORMAT)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class Choice(Field[str]):
    """DRF's ChoiceField: one of ``choices`` exactly as written (numbers compare as text)."""

    def __init__(self, choices: Iterable[str], **options: Any) -> None:
        super().__init__(**options)
        self.choices = tuple(choices)

    def clean(self, value: Any) -> str:
        if isinstance(value, bool) or str(value) not in self.choices:
            raise Invalid(messages.INVALID_CHOICE.format(value=value))
        return str(value)


class Boolean(Field[bool]):
    """DRF's BooleanField: JSON booleans and the usual spellings form clients send."""

    TRUE = frozenset({True, "1", "true", "True", "TRUE", "t", "T", "y", "Y", "yes", "on"})
    FALSE = frozenset({False, "0", "false", "False", "FALSE", "f", "F", "n", "N", "no", "off"})

    def clean(self, value: Any) -> bool:
        try:
            if value in self.TRUE:
                return True
            if value in self.FALSE:
                return False
        except TypeError:  # unhashable (a list, an object)
            pass
        raise Invalid(messages.INVALID_BOOLEAN)


class Uuid(Field[str]):
    """DRF's UUIDField: any spelling ``uuid.UUID`` reads, returned in its canonical form."""

    def clean(self, value: Any) -> str:
        try:
            return str(uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            raise Invalid(messages.INVALID_UUID) from None


class ListOf(Field[list[Any]]):
    """DRF's ListField: item errors are keyed by position, every item checked."""

    def __init__(self, child: Field[Any], *, allow_empty: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self.child = child
        self.allow_empty = allow_empty

    def read_present(self, value: Any, errors: ErrorCollector, path: tuple[PathPart, ...]) -> Any:
        if not isinstance(value, list):
            errors.add(path, messages.NOT_A_LIST.format(type=type_name(value)))
            return MISSING
        if not value and not self.allow_empty:
            errors.add(path, messages.EMPTY_LIST)
            return MISSING
        before = len(errors.errors)
        items = [
            self.child.read(item, errors, (*path, position)) for position, item in enumerate(value)
        ]
        if len(errors.errors) > before:
            return MISSING
        return super().read_present(items, errors, path)


# Bodies


class Body:
    """One JSON object of a request (the body, or an object inside it) read field by field.

    Errors go to one collector shared with the objects read inside it, so one 400 reports the
    whole body in DRF's nested shape. A value that is not an object is reported once, as DRF
    did, and its fields are then neither read nor reported.
    """

    def __init__(
        self,
        data: Any,
        *,
        errors: ErrorCollector | None = None,
        path: tuple[PathPart, ...] = (),
    ) -> None:
        self.errors = errors if errors is not None else ErrorCollector()
        self.path = path
        self.is_object = isinstance(data, Mapping)
        self.data: Mapping[str, Any] = data if self.is_object else {}
        if not self.is_object:
            self.errors.add((*path, NON_FIELD), messages.NOT_A_DICT.format(type=type_name(data)))

    def raw(self, name: str) -> Any:
        """The value as sent, ``MISSING`` when absent."""
        return self.data.get(name, MISSING)

    def get(self, name: str, field: Field[Any]) -> Any:
        if not self.is_object:
            return MISSING
        return field.read(self.raw(name), self.errors, (*self.path, name))

    def object(
        self, name: str, *, required: bool = True, allow_null: bool = False
    ) -> "Body | None":
        """The object under ``name`` as a Body of its own, or None when absent or null."""
        value = self.raw(name)
        path = (*self.path, name)
        if not self.is_object:
            return None
        if value is MISSING or value is None:
            Field(required=required, allow_null=allow_null).read(value, self.errors, path)
            return None
        return Body(value, errors=self.errors, path=path)

    def objects(
        self, name: str, *, required: bool = True, allow_null: bool = False
    ) -> "list[Body] | None":
        """DRF's nested ``many=True`` serializer: each item a Body, whose errors DRF listed in
        the order of the items (an empty entry for an item without any)."""
        if not self.is_object:
            return None
        value = self.raw(name)
        path = (*self.path, name)
        if value is MISSING or value is None:
            Field(required=required, allow_null=allow_null).read(value, self.errors, path)
            return None
        if not isinstance(value, list):
            self.errors.add(path, messages.NOT_A_LIST.format(type=type_name(value)))
            return None
        return [
            Body(item, errors=self.errors, path=(*path, Item(index, len(value))))
            for index, item in enumerate(value)
        ]

    def fail(self, name: str, message: str) -> None:
        """A problem with one field found by a rule of the caller's (a taken name, a past date)."""
        self.errors.add((*self.path, name), message)

    def fail_object(self, message: str) -> None:
        """A problem with this object as a whole (DRF's ``non_field_errors``)."""
        self.errors.add((*self.path, NON_FIELD), message)

    def ok(self, *names: str) -> bool:
        """True when none of these fields (or this whole object, without names) has an error."""
        if not names:
            return not self.errors.has(self.path)
        return not any(self.errors.has((*self.path, name)) for name in names)

    def raise_if_any(self) -> None:
        self.errors.raise_if_any()


def is_json(content_type: str) -> bool:
    """``application/json`` and its structured-syntax relatives (``application/merge-patch+json``)."""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def request_data(request: HttpRequest, *, allow_empty: bool = True) -> Any:
    """The parsed body: JSON (also without a Content-Type, as lenient clients send it), or a form.

    A form field sent twice counts once, by its last value, as DRF read a QueryDict; any other
    declared media type is refused (415) rather than guessed at; an unreadable body is a 400.
    An empty body reads as ``{}``, or with ``allow_empty=False`` is the JSON parse error it is.
    """
    content_type = (request.content_type or "").lower()
    if content_type in FORM_TYPES:
        return _form_data(request, content_type).dict()
    if not request.body and allow_empty:
        return {}
    if content_type and not is_json(content_type):
        media_type = request.META.get("CONTENT_TYPE", content_type)
        raise UnsupportedMediaType(messages.UNSUPPORTED_MEDIA_TYPE.format(media_type=media_type))
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(messages.JSON_PARSE_ERROR.format(error=exc)) from exc
    except RecursionError:
        # json gives up on arrays nested a few hundred deep; that is the client's body.
        raise ParseError(messages.NESTED_TOO_DEEPLY) from None


def _form_data(request: HttpRequest, content_type: str) -> QueryDict:
    """Django fills ``request.POST`` for POST only; PUT and PATCH forms (as DRF read them) too."""
    try:
        if request.method == "POST":
            return request.POST
        if content_type == "multipart/form-data":
            data, _files = request.parse_file_upload(request.META, BytesIO(request.body))
            return data
        return QueryDict(request.body, encoding="utf-8")
    except MultiPartParserError as exc:
        raise ParseError(messages.MULTIPART_PARSE_ERROR.format(error=exc)) from exc
    except (TooManyFieldsSent, TooManyFilesSent) as exc:
        # Django's limits on form size are the client's mistake, not a server error.
        raise ParseError(messages.FORM_PARSE_ERROR.format(error=exc)) from exc


def read_body(request: HttpRequest) -> Body:
    """The request's body to read field by field. A body that is not an object is refused at
    once, under ``non_field_errors``: DRF answered that alone, reading no field."""
    body = Body(request_data(request))
    if not body.is_object:
        body.raise_if_any()
    return body
