"""Shared schemas and field types that speak DRF's messages, so legacy clients see familiar errors."""

import re
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, RootModel, WithJsonSchema
from pydantic_core import PydanticCustomError

from core.errors import FIELD_REQUIRED
from core.parsers import FORM_TYPES

DATE_FORMAT_MESSAGE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DATETIME_FORMAT_MESSAGE = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# ASCII digits only: "²" is a digit to str.isdigit but not to int().
_DIGITS = re.compile(r"^[0-9]{1,30}$")
_MAX_PK = 2**63 - 1


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(RootModel[dict[str, Any]]):
    """``{"field": ["message", ...]}``; cross-field problems under ``non_field_errors``."""

    model_config = {
        "json_schema_extra": {
            "example": {"field": ["This field is required."], "non_field_errors": ["..."]}
        }
    }


class EmptyOut(Schema):
    pass


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("date_format", DATE_FORMAT_MESSAGE)


def _pk(value: Any) -> Any:
    if value is None:
        return value
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 < value <= _MAX_PK:
            # Beyond any key the database can hold: it cannot exist (and must not reach SQL).
            raise PydanticCustomError(
                "pk_not_found", 'Invalid pk "{pk}" - object does not exist.', {"pk": value}
            )
        return value
    raise PydanticCustomError(
        "pk_type",
        "Incorrect type. Expected pk value, received {type}.",
        {"type": type(value).__name__},
    )


# A calendar date written exactly YYYY-MM-DD, as DRF's DateField accepted it.
ApiDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "example": "2026-12-20"}),
]
# A related object's id: an integer or a string of digits (form bodies send strings).
PkInt = Annotated[
    int,
    BeforeValidator(_pk),
    WithJsonSchema({"type": "integer", "minimum": 1}),
]


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return FIELD_REQUIRED
    if "input" in error and value is None and kind.endswith("_type"):
        # Only a null sent as such; a wrong type gets the type's own message below.
        return "This field may not be null."
    if kind in {"string_too_short"} and ctx.get("min_length") == 1:
        return "This field may not be blank."
    messages = {
        "string_too_short": "Ensure this field has at least {min_length} characters.",
        "string_too_long": "Ensure this field has no more than {max_length} characters.",
        "string_type": "Not a valid string.",
        "int_parsing": "A valid integer is required.",
        "int_type": "A valid integer is required.",
        "int_from_float": "A valid integer is required.",
        "float_parsing": "A valid number is required.",
        "float_type": "A valid number is required.",
        "decimal_parsing": "A valid number is required.",
        "decimal_type": "A valid number is required.",
        "finite_number": "A valid number is required.",
        "decimal_max_digits": "Ensure that there are no more than {max_digits} digits in total.",
        "decimal_max_places": "Ensure that there are no more than {decimal_places} decimal places.",
        "decimal_whole_digits": (
            "Ensure that there are no more than {whole_digits} digits before the decimal point."
        ),
        "date_parsing": DATE_FORMAT_MESSAGE,
        "date_type": DATE_FORMAT_MESSAGE,
        "date_from_datetime_parsing": DATE_FORMAT_MESSAGE,
        "date_from_datetime_inexact": DATE_FORMAT_MESSAGE,
        "datetime_parsing": DATETIME_FORMAT_MESSAGE,
        "datetime_type": DATETIME_FORMAT_MESSAGE,
        "datetime_from_date_parsing": DATETIME_FORMAT_MESSAGE,
        "bool_parsing": "Must be a valid boolean.",
        "bool_type": "Must be a valid boolean.",
        "uuid_parsing": "Must be a valid UUID.",
        "uuid_type": "Must be a valid UUID.",
        "greater_than": "Ensure this value is greater than {gt}.",
        "greater_than_equal": "Ensure this value is greater than or equal to {ge}.",
        "less_than": "Ensure this value is less than {lt}.",
        "less_than_equal": "Ensure this value is less than or equal to {le}.",
        "too_long": "Ensure this field has no more than {max_length} elements.",
        "too_short": "Ensure this field has at least {min_length} elements.",
        "value_error": "{error}",
    }
    if kind in {"literal_error", "enum"}:
        return f'"{value}" is not a valid choice.'
    if kind == "list_type":
        return f'Expected a list of items but got type "{type(value).__name__}".'
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"Invalid data. Expected a dictionary, but got {type(value).__name__}."
    template = messages.get(kind)
    if template is None:
        return str(error.get("msg", "Invalid value."))
    try:
        return template.format(**{k: v for k, v in ctx.items()})
    except (KeyError, IndexError):
        return str(error.get("msg", "Invalid value."))


def drf_errors(errors: list[dict[str, Any]], *, skip: int = 0) -> dict[str, Any]:
    """Turn pydantic errors into DRF's nested ``{"field": ["message"]}`` shape.

    ``skip`` drops the leading location parts that name the parameter source (``body``,
    ``payload``); list positions become string keys as DRF's ListField reported them.
    """
    result: dict[str, Any] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())][skip:]
        if not loc or (len(loc) == 1 and loc[0] == "__root__"):
            loc = ["non_field_errors"]
        node = result
        for part in loc[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                child = node[part] = {"non_field_errors": child}
            node = child
        messages = node.setdefault(loc[-1], [])
        if isinstance(messages, dict):
            messages = messages.setdefault("non_field_errors", [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    return result


def form_bodies(schema: type[Schema]) -> dict[str, Any]:
    """``openapi_extra`` for a view whose ``payload: schema`` the API also reads from form fields.

    Ninja documents a body schema as JSON only; the parser takes form-urlencoded and multipart
    bodies with the same fields too (core §3), which the DRF-era clients of a module send.
    """
    body = {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}}
    return {"requestBody": {"content": dict.fromkeys(FORM_TYPES, body)}}
