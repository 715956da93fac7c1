"""Shared schemas and field types that speak DRF's messages, so legacy clients see familiar errors."""

import json
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, RootModel, WithJsonSchema
from pydantic_core import PydanticCustomError

from core import messages as m
from core.body import FORM_TYPES, Invalid, parse_iso_date, pk_value
from core.errors import NON_FIELD, FieldError, Item


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
    if value is None:
        return value
    day = parse_iso_date(value)
    if day is None:
        raise PydanticCustomError("date_format", m.DATE_FORMAT)
    return day


def _pk(value: Any) -> Any:
    """``core.body.pk_value``'s reading, for schema-validated bodies."""
    if value is None:
        return value
    try:
        pk = pk_value(value)
    except Invalid:
        raise PydanticCustomError(
            "pk_type", m.PK_INCORRECT_TYPE, {"type": type(value).__name__}
        ) from None
    if not pk:
        # Beyond any key the database can hold: it cannot exist (and must not reach SQL).
        raise PydanticCustomError("pk_not_found", m.PK_DOES_NOT_EXIST, {"pk": value})
    return pk


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


_TEMPLATES: dict[str, str] = {
    "string_too_short": m.MIN_LENGTH,
    "string_too_long": m.MAX_LENGTH,
    "string_type": m.NOT_A_STRING,
    "int_parsing": m.INVALID_INTEGER,
    "int_type": m.INVALID_INTEGER,
    "int_from_float": m.INVALID_INTEGER,
    "float_parsing": m.INVALID_NUMBER,
    "float_type": m.INVALID_NUMBER,
    "decimal_parsing": m.INVALID_NUMBER,
    "decimal_type": m.INVALID_NUMBER,
    "finite_number": m.INVALID_NUMBER,
    "decimal_max_digits": m.MAX_DIGITS,
    "decimal_max_places": m.MAX_DECIMAL_PLACES,
    "decimal_whole_digits": m.MAX_WHOLE_DIGITS,
    "date_parsing": m.DATE_FORMAT,
    "date_type": m.DATE_FORMAT,
    "date_from_datetime_parsing": m.DATE_FORMAT,
    "date_from_datetime_inexact": m.DATE_FORMAT,
    "datetime_parsing": m.DATETIME_FORMAT,
    "datetime_type": m.DATETIME_FORMAT,
    "datetime_from_date_parsing": m.DATETIME_FORMAT,
    "bool_parsing": m.INVALID_BOOLEAN,
    "bool_type": m.INVALID_BOOLEAN,
    "uuid_parsing": m.INVALID_UUID,
    "uuid_type": m.INVALID_UUID,
    "greater_than": "Ensure this value is greater than {gt}.",
    "greater_than_equal": m.MIN_VALUE,
    "less_than": "Ensure this value is less than {lt}.",
    "less_than_equal": m.MAX_VALUE,
    "too_long": "Ensure this field has no more than {max_length} elements.",
    "too_short": "Ensure this field has at least {min_length} elements.",
    "value_error": "{error}",
}


def drf_message(error: dict[str, Any]) -> str:
    """DRF's wording of one pydantic error (``input`` kept, as ``PlatformApi`` keeps it)."""
    kind = error.get("type", "")
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        return m.REQUIRED
    if "input" in error and value is None and kind.endswith("_type"):
        # Only a null sent as such; a wrong type gets the type's own message below.
        return m.NULL
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return m.BLANK
    if kind in {"literal_error", "enum"}:
        return m.INVALID_CHOICE.format(value=value)
    if kind == "list_type":
        return m.NOT_A_LIST.format(type=type(value).__name__)
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return m.NOT_A_DICT.format(type=type(value).__name__)
    template = _TEMPLATES.get(kind)
    if template is None:
        return str(error.get("msg", "Invalid value."))
    ctx.setdefault("min_value", ctx.get("ge"))
    ctx.setdefault("max_value", ctx.get("le"))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", "Invalid value."))


def drf_errors(errors: list[dict[str, Any]], *, skip: int = 0) -> dict[str, Any]:
    """Pydantic errors in DRF's nested ``{"field": ["message"]}`` shape, with DRF's words.

    ``skip`` drops the leading location parts that name the parameter source (``body``).
    """
    field_errors = []
    for error in errors:
        loc = tuple(error.get("loc", ()))[skip:]
        if loc == ("__root__",):
            loc = ()
        field_errors.append(FieldError(path=loc, message=drf_message(error)))
    return drf_body(field_errors)


def drf_body(errors: list[FieldError]) -> dict[str, Any]:
    """DRF's nested error body: ``{"field": ["message"], "obj": {"inner": [...]}}``.

    A position in a list of values is a text key (DRF's ListField); a position in a list of
    objects (``Item``) is an entry of a list as long as the input, ``{}`` for clean items.
    """
    result: dict[str, Any] = {}
    for error in errors:
        path = list(error.path) or [NON_FIELD]
        node: Any = result
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if isinstance(part, Item):
                if not isinstance(node, list):
                    raise TypeError("an Item must follow the name of its list")
                child = node[part.index]
            else:
                key = str(part)
                default: Any = [] if last else _container(path[index + 1])
                child = node.setdefault(key, default)
                if not last and isinstance(child, list) and isinstance(default, dict):
                    # Messages for the field itself, now also errors inside it.
                    child = node[key] = {NON_FIELD: child} if child else default
            if last:
                target = child if isinstance(child, list) else child.setdefault(NON_FIELD, [])
                if error.message not in target:
                    target.append(error.message)
            node = child
    return result


def _container(next_part: Any) -> Any:
    if isinstance(next_part, Item):
        return [{} for _ in range(next_part.length)]
    return {}


# Schemas that only document a body (the view reads it with ``core.body``), by name; each API
# adds those its document refers to under ``components`` (``add_documented_components``).
_documented: dict[str, type[BaseModel]] = {}


def documented_ref(schema: type[BaseModel]) -> dict[str, str]:
    """A ``$ref`` to ``schema`` under ``components``, where the document will have it.

    Generated clients turn referenced components into classes; inline schemas with nested
    enums or objects in unions are skipped by some generators (openapi-python-client).
    """
    known = _documented.setdefault(schema.__name__, schema)
    if known is not schema:
        raise ValueError(f"two documented body schemas are named {schema.__name__}")
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


def add_documented_components(document: dict[str, Any]) -> None:
    """Put the documented body schemas the paths refer to (and what they use) into components."""
    paths = json.dumps(document.get("paths", {}))
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, model in _documented.items():
        if f'"#/components/schemas/{name}"' not in paths:
            continue
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for inner, definition in schema.pop("$defs", {}).items():
            components.setdefault(inner, definition)
        components.setdefault(name, schema)


def form_bodies(schema: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a view whose declared ``payload: schema`` the API also reads from
    form fields: ninja documents a body schema as JSON only."""
    body = {"schema": documented_ref(schema)}
    return {"requestBody": {"content": dict.fromkeys(FORM_TYPES, body)}}


def body_docs(
    schema: type[BaseModel], *, media_types: tuple[str, ...] = ("application/json", *FORM_TYPES)
) -> dict[str, Any]:
    """``openapi_extra`` for a view that reads its body with ``core.body.read_body``.

    The schema only describes the fields for the document and generated clients; the reader
    checks them, after the lookups and permission checks the legacy API answered first.
    """
    content = {media: {"schema": documented_ref(schema)} for media in media_types}
    return {"requestBody": {"required": True, "content": content}}
