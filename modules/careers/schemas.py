"""Shapes of the Whyness API (spec careers.md §4, the legacy README's JSON).

Responses are validated against the ``*Out`` schemas. The ``*In`` schemas only document request
bodies (``core.schemas.body_docs``): the views read bodies with ``core.body`` so that every field
error comes back at once in DRF's words, after the lookups and permission checks.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from core.body import MAX_PK
from modules.careers.lists import LIMIT_DEFAULT, LIMIT_MAX
from modules.careers.models import DREAMJOB_FIELDS, GROUPS


def drf_datetime(value: datetime) -> str:
    """DRF's rendering: ISO 8601 in UTC, ``Z`` for the offset (microseconds when there are)."""
    text = value.astimezone(UTC).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


ApiDateTime = Annotated[
    datetime,
    PlainSerializer(drf_datetime, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2025-01-05T10:00:00Z"}),
]


def _text(max_length: int, example: str = "") -> Any:
    return Field(default="", max_length=max_length, examples=[example] if example else None)


Slot = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}],
            "description": "An option id; 0 or null: unset.",
            "example": 1,
        }
    ),
]


class Out(BaseModel):
    """A response shape, read from a row's attributes or a dict: plain pydantic, without
    ninja's per-attribute getter, which cost a list of fifty polls most of its time."""

    model_config = ConfigDict(from_attributes=True)


# Catalog


class QuestionOut(Out):
    id: int
    question: str = Field(examples=["What was your favourite thing to do as a child?"])
    sort_order: int
    status: int


class CatalogItemOut(Out):
    id: int
    title: str


class TypeAttributeOut(Out):
    id: int
    title: str
    description: str


# User


class CareersUserOut(Out):
    id: int
    name: str
    xref: str
    email: str
    create_date: ApiDateTime


class CareersUserIn(BaseModel):
    name: str = Field(min_length=1, max_length=250, examples=["Alan Hicks"])


class UserStatusOut(Out):
    sweetspot_completed: bool
    dreamjob_completed: bool
    word_count: int


class RepresentationalSystemOut(Out):
    visual: int
    auditory: int
    kinesthetic: int
    auditory_digital: int


class LanguageProfileOut(Out):
    representational_system: RepresentationalSystemOut


class ValueCountOut(Out):
    value: str
    value_count: int


class StrengthCountOut(Out):
    strength: str
    strength_count: int


class ImpactCountOut(Out):
    impact: str
    impact_count: int


class ConfidenceCountOut(Out):
    valueconfidence: str
    valueconfidence_count: int
    strengthconfidence: str
    strengthconfidence_count: int
    impactconfidence: str
    impactconfidence_count: int


class FeedbackSummaryOut(Out):
    values: list[ValueCountOut]
    strengths: list[StrengthCountOut]
    impacts: list[ImpactCountOut]
    confidence: list[ConfidenceCountOut]


class FeedbackSubjectOut(Out):
    xref: str
    name: str


class RatingIn(BaseModel):
    """A rating block: option ids (``agpoll/sweetspot*/``); the first of each group and the
    three confidences are required, no option twice within a group."""

    model_config = ConfigDict(
        json_schema_extra={
            "required": [
                "value1",
                "strength1",
                "impact1",
                "valueconfidence",
                "strengthconfidence",
                "impactconfidence",
            ]
        }
    )

    value1: Slot = None
    value2: Slot = None
    value3: Slot = None
    value4: Slot = None
    value5: Slot = None
    valueother: str = _text(100)
    valueconfidence: Slot = None
    strength1: Slot = None
    strength2: Slot = None
    strength3: Slot = None
    strength4: Slot = None
    strength5: Slot = None
    strengthother: str = _text(100)
    strengthconfidence: Slot = None
    impact1: Slot = None
    impact2: Slot = None
    impact3: Slot = None
    impact4: Slot = None
    impact5: Slot = None
    impactother: str = _text(100)
    impactconfidence: Slot = None


class FeedbackCreatedOut(Out):
    id: int
    create_date: ApiDateTime


class PasswordResetIn(BaseModel):
    email: str = Field(json_schema_extra={"format": "email"}, examples=["alan@example.com"])


class PasswordResetOut(Out):
    email: str


class PasswordResetConfirmIn(BaseModel):
    uid: str = Field(description="The link's urlsafe base64 account id.")
    token: str = Field(description="The link's token.")
    password: str = Field(description="The new password; Django's validators apply.")


# Polls


class DreamJobIn(BaseModel):
    """Absent fields are "" on create and unchanged on PUT."""

    role1: str = _text(100, "Designer")
    role2: str = _text(100)
    role3: str = _text(100)
    roleother: str = _text(100)
    roleconfidence: str = _text(100)
    profession1: str = _text(100)
    profession2: str = _text(100)
    profession3: str = _text(100)
    professionother: str = _text(100)
    professionconfidence: str = _text(100)
    company_size: str = _text(100)
    office_culture: str = _text(100)


class DreamJobOut(Out):
    id: int
    user: int
    role1: str
    role2: str
    role3: str
    roleother: str
    roleconfidence: str
    profession1: str
    profession2: str
    profession3: str
    professionother: str
    professionconfidence: str
    company_size: str
    office_culture: str
    create_date: ApiDateTime


class SweetSpotIn(BaseModel):
    """Option ids of the group's kind (0 or null: unset; absent: "unset" on create, unchanged
    on PUT); ``*confidence`` is a ``agpoll/sweetspotconfidences/`` title."""

    value1: Slot = None
    value2: Slot = None
    value3: Slot = None
    value4: Slot = None
    value5: Slot = None
    valueother: str = _text(100)
    valueconfidence: str = _text(100, "Agree")
    strength1: Slot = None
    strength2: Slot = None
    strength3: Slot = None
    strength4: Slot = None
    strength5: Slot = None
    strengthother: str = _text(100)
    strengthconfidence: str = _text(100)
    impact1: Slot = None
    impact2: Slot = None
    impact3: Slot = None
    impact4: Slot = None
    impact5: Slot = None
    impactother: str = _text(100)
    impactconfidence: str = _text(100)


class SweetSpotOut(Out):
    id: int
    user: int
    value1: int
    value2: int
    value3: int
    value4: int
    value5: int
    valueother: str
    valueconfidence: str
    strength1: int
    strength2: int
    strength3: int
    strength4: int
    strength5: int
    strengthother: str
    strengthconfidence: str
    impact1: int
    impact2: int
    impact3: int
    impact4: int
    impact5: int
    impactother: str
    impactconfidence: str
    create_date: ApiDateTime


# Prospects and the error log


class ProspectIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["Alan Hicks"])
    email: str = Field(max_length=150, json_schema_extra={"format": "email"})


class ProspectOut(Out):
    id: int
    name: str
    email: str


class ErrorLogIn(BaseModel):
    errorcode: str = _text(100, "E42")
    errormessage: str = _text(10_000, "Recorder crashed")


class ErrorLogOut(Out):
    create_date: ApiDateTime
    errorcode: str
    errormessage: str


# Lists

LIST_DOCS: dict[str, Any] = {
    "parameters": [
        {
            "in": "query",
            "name": "limit",
            "required": False,
            "description": f"Items per page (default {LIMIT_DEFAULT}).",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": LIMIT_MAX,
                "default": LIMIT_DEFAULT,
            },
        },
        {
            "in": "query",
            "name": "offset",
            "required": False,
            "description": "Items to skip.",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PK, "default": 0},
        },
    ],
    "responses": {
        200: {
            "headers": {
                "X-Total-Count": {
                    "description": "How many items the whole list has.",
                    "schema": {"type": "integer"},
                }
            }
        }
    },
}
"""``openapi_extra`` of a list: ``?limit=&offset=`` (read by ``lists.page``) and its header."""


# Output shapes built from rows (``user`` is the account's id, unset slots are 0)


def user_out(user: Any, profile: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": profile.name,
        "xref": str(profile.xref),
        "email": user.email,
        "create_date": profile.create_date,
    }


def dreamjob_out(dreamjob: Any) -> dict[str, Any]:
    fields = {name: getattr(dreamjob, name) for name in DREAMJOB_FIELDS}
    return {
        "id": dreamjob.pk,
        "user": dreamjob.user_id,
        **fields,
        "create_date": dreamjob.create_date,
    }


def sweetspot_out(sweetspot: Any) -> dict[str, Any]:
    shape: dict[str, Any] = {"id": sweetspot.pk, "user": sweetspot.user_id}
    for group in GROUPS:
        for n in range(1, 6):
            shape[f"{group}{n}"] = getattr(sweetspot, f"{group}{n}_id") or 0
        shape[f"{group}other"] = getattr(sweetspot, f"{group}other")
        shape[f"{group}confidence"] = getattr(sweetspot, f"{group}confidence")
    shape["create_date"] = sweetspot.create_date
    return shape
