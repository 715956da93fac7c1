"""Shapes every assessments operation shares: camelCase in and out, the ``{"result": ...}``
envelopes, the error bodies, paging parameters and the field types with the legacy rules."""

import math
from datetime import datetime
from functools import cache
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Manager, QuerySet
from django.http import HttpResponse
from ninja import Schema
from pydantic import (
    AfterValidator,
    AliasGenerator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    create_model,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from core.errors import SchemaInvalid
from core.parsers import ApiParser
from modules.assessments import errors
from modules.assessments.text import (
    DEFAULT_LANGUAGE,
    language,
    pick,
    sanitize,
    sanitize_texts,
    utc,
)


class In(BaseModel):
    """A request body: camelCase or snake_case keys; unknown keys are ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class StrictIn(In):
    """A request body that refuses unknown keys (``extra fields not permitted``)."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response object: camelCase keys (the routers dump by alias), read from model objects'
    attributes or dicts' keys by field name (or the field's ``validation_alias``).

    Plain pydantic, not ninja's ``Schema``: reading attributes in pydantic-core, without a
    Python getter per field, is what keeps a list of applets a fraction of hello's cost.
    """

    model_config = ConfigDict(
        alias_generator=AliasGenerator(serialization_alias=to_camel), from_attributes=True
    )


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise PydanticCustomError(
            "value_error",
            "value is not a valid email address: {reason}",
            {"reason": "The email address is not valid."},
        ) from None
    return value.lower()


def _no_null(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("value_error", errors.NULL_CHARACTERS)
    return value


# An email address, lowercased (the legacy API compared them so).
Email = Annotated[
    str,
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "example": "owner@example.com"}),
]
# Free text shown to people: markup that could run or load is removed.
FreeText = Annotated[str, AfterValidator(sanitize)]
Texts = Annotated[dict[str, str], AfterValidator(sanitize_texts)]
QueryText = Annotated[str, AfterValidator(_no_null)]


def _all(value: Any) -> Any:
    """A relation's rows: a manager's (from the prefetch cache when prefetched), a queryset's
    (its own cache, which ``.all()`` would drop)."""
    if isinstance(value, Manager):
        return list(value.all())
    if isinstance(value, QuerySet):
        return list(value)
    return value


def _in_language(value: Any, info: ValidationInfo) -> str:
    request = (info.context or {}).get("request")
    if request is None:
        return pick(value, DEFAULT_LANGUAGE)
    chosen = getattr(request, "assessments_language", None)
    if chosen is None:  # read once per request, not once per text
        chosen = request.assessments_language = language(request)
    return pick(value, chosen)


# Output: rows of a relation; one text of a multi-language dict for the request's language.
Related = BeforeValidator(_all)
InLanguage = Annotated[str, BeforeValidator(_in_language)]
# Output: UTC without an offset.
UtcDateTime = Annotated[
    datetime,
    PlainSerializer(utc, return_type=str),
    WithJsonSchema({"type": "string", "example": "2024-05-20T10:01:00.123000"}),
]


class PageQuery(BaseModel):
    """``page`` ≥ 1, ``limit`` 1 to 10000, ``search`` in names, ``ordering`` camelCase fields."""

    page: int = Field(1, ge=1)
    limit: int = Field(10, ge=1, le=10000)
    search: QueryText | None = None
    ordering: QueryText | None = None


class ErrorEntryOut(Schema):
    message: str
    type: str
    path: list[str | int]


class ErrorsOut(Schema):
    result: list[ErrorEntryOut]


class NotAuthenticatedOut(Schema):
    detail: str


class Encryption(In):
    public_key: str
    prime: str
    base: str
    account_id: UUID


class EncryptionOut(Out):
    """As stored: the camelCase keys the client sent."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    public_key: str
    prime: str
    base: str
    account_id: str


class PublicUserOut(Out):
    email: str
    first_name: str
    last_name: str
    id: UUID = Field(validation_alias="public_id")


UNAUTHORIZED = NotAuthenticatedOut | ErrorsOut
# Responses every authenticated operation may give besides its own.
AUTHED: dict[int, Any] = {401: UNAUTHORIZED, 422: ErrorsOut}
PUBLIC: dict[int, Any] = {422: ErrorsOut}
THROTTLED: dict[int, Any] = {429: ErrorsOut}


@cache
def result_of(model: Any) -> Any:
    """``{"result": <model>}``, named after the model for the document."""
    name = getattr(model, "__name__", "Value").removesuffix("Out")
    return create_model(f"{name}Result", __base__=Out, result=(model, ...))


@cache
def results_of(model: Any) -> Any:
    """``{"result": [<model>], "count": N}`` (the total before paging)."""
    name = getattr(model, "__name__", "Value").removesuffix("Out")
    return create_model(f"{name}List", __base__=Out, result=(list[model], ...), count=(int, ...))


# A bare JSON ``null`` body, as some legacy writes answer.
NULL = type(None)


class AssessmentsParser(ApiParser):
    """Core's JSON reading, refusing what no column can hold: NUL characters (PostgreSQL's text
    and JSON refuse them) and NaN or infinite numbers (not JSON at all)."""

    def parse_body(self, request: Any) -> Any:
        data = super().parse_body(request)
        problem = _unstorable(data)
        if problem is not None:
            raise SchemaInvalid([{"type": "value_error", "loc": ("body",), "msg": problem}])
        return data


def _unstorable(value: Any) -> str | None:
    if isinstance(value, str):
        return errors.NULL_CHARACTERS if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "Input should be a finite number"
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        for inner in value:
            found = _unstorable(inner)
            if found:
                return found
    return None


def rendered(schema: type[BaseModel], data: Any, request: Any, status: int = 200) -> HttpResponse:
    """``data`` checked against the operation's documented ``schema`` and written by
    pydantic-core in one pass: for the busiest reads, where ninja's generic path (a getter per
    object, a Python JSON encoder) costs more than the read itself."""
    body = schema.model_validate(data, context={"request": request}).model_dump_json(by_alias=True)
    return HttpResponse(body, status=status, content_type="application/json")
