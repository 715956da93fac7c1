"""Request and response shapes of the Codevance API, and the one place bodies are read."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, RootModel, WithJsonSchema

from core.errors import ValidationFailed
from core.parsers import ApiParser, BodyParseError

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


# Body fields are taken as sent and read by the services (modules/payments/fields.py), after
# the permission checks and with every field error at once; these types only document them.
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


def _document(schema: dict[str, Any], model: type) -> None:
    for field in schema.get("properties", {}).values():
        field.pop("default", None)
    schema["required"] = list(getattr(model, "required_fields", ()))


class RawBody(Schema):
    """A body read leniently; ``sent()`` holds only the fields the client included."""

    model_config = ConfigDict(json_schema_extra=_document)
    required_fields: ClassVar[tuple[str, ...]] = ()

    def sent(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class PaymentIn(RawBody):
    required_fields = ("due_date", "value")

    supplier: _Pk = Field(
        None, description="Required for operators; a supplier's own supplier replaces it."
    )
    due_date: _Date = Field(None, description="Today or later.")
    value: _Amount = Field(None, description="Greater than zero, at most 2 decimal places.")


class AnticipationIn(RawBody):
    required_fields = ("payment", "new_due_date")

    payment: _Pk = Field(None, description="A payment without an anticipation, due after today.")
    new_due_date: _Date = Field(
        None, description="Today or later and before the payment's due date."
    )


class AnticipationDecisionIn(RawBody):
    required_fields = ("status",)

    status: Annotated[Any, WithJsonSchema({"type": "string", "enum": ["A", "D"]})] = Field(
        None, description="A to approve, D to deny."
    )


B = TypeVar("B", bound=RawBody)
_parser = ApiParser()


def read_body(request: HttpRequest, schema: type[B]) -> B:
    """Parse the body (JSON, form or multipart) only when the view asks for it.

    Ninja would parse a declared body before the view runs, ahead of the lookups and permission
    checks the legacy API answered first; reading it here keeps that order.
    """
    data: Any = {}
    if request.body:
        try:
            data = _parser.parse_body(request)
        except BodyParseError as exc:
            raise HttpError(400, str(exc)) from exc
    if not isinstance(data, dict):
        message = f"Invalid data. Expected a dictionary, but got {type(data).__name__}."
        raise ValidationFailed(field="non_field_errors", message=message)
    return schema.model_validate(data)


def body_docs(schema: type[RawBody]) -> dict[str, Any]:
    """The OpenAPI request body of a view that reads its body with ``read_body``."""
    json_schema = schema.model_json_schema()
    content = {
        media: {"schema": json_schema}
        for media in (
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
    }
    return {"requestBody": {"required": True, "content": content}}
