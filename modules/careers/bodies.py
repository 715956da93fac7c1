"""Each careers request body read with ``core.body``: every field checked, every problem of a body
in one 400 with DRF's messages, in the order of the fields (spec careers.md §1, §4)."""

from collections.abc import Mapping
from typing import Any, TypedDict

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.http import urlsafe_base64_decode

from core import messages
from core.body import (
    FORM_TYPES,
    MAX_PK,
    MISSING,
    Body,
    Boolean,
    Email,
    Invalid,
    Text,
    is_json,
    pk_value,
    read_body,
)
from core.errors import UnsupportedMediaType
from core.models import User
from modules.careers import selectors
from modules.careers.errors import DUPLICATE_CHOICE, INVALID_TOKEN
from modules.careers.models import DREAMJOB_FIELDS, GROUPS, OptionKind

NAME_MAX = 250
TEXT_MAX = 100
ERRORCODE_MAX = 100
ERRORMESSAGE_MAX = 10_000
FEEDBACK_MAX = 5000
PROSPECT_EMAIL_MAX = 150
OTHERS = tuple(f"{group}other" for group in GROUPS)
CONFIDENCES = tuple(f"{group}confidence" for group in GROUPS)


def _object(request: HttpRequest) -> Body:
    """The body; one that is not an object is refused alone, as DRF then read no field."""
    body = read_body(request)
    body.raise_if_any()
    return body


def _optional_text(max_length: int) -> Text:
    return Text(required=False, allow_blank=True, max_length=max_length)


# The caller


def user_name(request: HttpRequest) -> str:
    """``PUT user/``: only ``name`` is read; the email follows the account."""
    body = _object(request)
    name = body.get("name", Text(max_length=NAME_MAX))
    body.raise_if_any()
    return str(name)


def reset_email(request: HttpRequest) -> str:
    body = _object(request)
    email = body.get("email", Email())
    body.raise_if_any()
    return str(email)


class ResetConfirmation(TypedDict):
    user: User
    password: str


def reset_confirmation(request: HttpRequest) -> ResetConfirmation:
    """The link's account, if ``uid`` and ``token`` still hold, and an acceptable password.

    A link is refused as a whole (``token``): an unknown account, a forged token and one a
    password change has used up look the same, so a link reveals nothing about accounts.
    """
    body = _object(request)
    uid = body.get("uid", Text())
    token = body.get("token", Text())
    password = body.get("password", Text(trim=False))
    user = None
    if uid is not MISSING and token is not MISSING:
        user = _link_owner(uid)
        if user is None or not default_token_generator.check_token(user, token):
            body.fail("token", INVALID_TOKEN)
            user = None
    if password is not MISSING:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            for message in exc.messages:
                body.fail("password", message)
    body.raise_if_any()
    assert user is not None  # a failed link was reported above
    return ResetConfirmation(user=user, password=password)


def _link_owner(uid: str) -> User | None:
    try:
        digits = urlsafe_base64_decode(uid).decode()
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_PK)):
        return None
    return selectors.active_user(user_id=int(digits))


# Polls and ratings


def dreamjob_fields(request: HttpRequest) -> dict[str, str]:
    """The fields sent (≤100 characters, "" allowed); the caller decides what absent means."""
    body = _object(request)
    fields = {name: body.get(name, _optional_text(TEXT_MAX)) for name in DREAMJOB_FIELDS}
    body.raise_if_any()
    return {name: value for name, value in fields.items() if value is not MISSING}


def sweetspot_fields(request: HttpRequest, *, current: Mapping[str, int | None]) -> dict[str, Any]:
    """The fields sent: slots as option ids (None: unset), texts as strings.

    ``current`` holds the poll's slots before this request (all unset for a new poll): a PUT
    merges what it sends into them, and an option may not appear twice within a group of the
    merged poll.
    """
    body = _object(request)
    slots = _read_slots(body, required=False)
    texts: dict[str, Any] = {}
    for group in GROUPS:
        for name in (f"{group}other", f"{group}confidence"):
            texts[name] = body.get(name, _optional_text(TEXT_MAX))
    merged = {**current, **{name: value for name, value in slots.items() if value is not MISSING}}
    _no_duplicates(body, merged)
    body.raise_if_any()
    sent = {**slots, **texts}
    return {name: value for name, value in sent.items() if value is not MISSING}


def rating_block(request: HttpRequest) -> dict[str, Any]:
    """A rating: value1, strength1, impact1 and the three confidences (confidence option ids)
    required; other slots optional; no option twice within a group."""
    body = _object(request)
    fields = rating_fields(body)
    body.raise_if_any()
    return fields


def rating_fields(body: Body) -> dict[str, Any]:
    """The rating block of ``body`` (the request's, or an object inside it); its problems are
    left in ``body``'s errors for the caller to raise with the rest."""
    slots = _read_slots(body, required=True)
    others = {name: body.get(name, _optional_text(TEXT_MAX)) for name in OTHERS}
    _no_duplicates(body, {name: value for name, value in slots.items() if value is not MISSING})
    fields = {**slots, **others}
    return {name: value for name, value in fields.items() if value is not MISSING}


# Crowdsource


def grant_flag(request: HttpRequest) -> bool:
    """``story/grant/``: ``is_granted`` (false when absent)."""
    body = _object(request)
    flag = body.get("is_granted", Boolean(required=False))
    body.raise_if_any()
    return flag is True


def rejection_reason(request: HttpRequest) -> str:
    body = _object(request)
    reason = body.get("feedback", Text(max_length=FEEDBACK_MAX))
    body.raise_if_any()
    return str(reason)


def require_readable(request: HttpRequest, *, forms: bool = True) -> None:
    """A body the view cannot take is refused before the state checks (their 400s), in spec
    §1's order: one over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (reading it raises Django's
    ``RequestDataTooBig``; the view parses it later from memory), a media type the view cannot
    read a 415. ``review/close/`` reads JSON only (its legacy view had only DRF's JSON parser)."""
    request.body  # noqa: B018 - read for its size check alone
    content_type = (request.content_type or "").lower()
    if forms and content_type in FORM_TYPES:
        return
    if content_type and not is_json(content_type):
        media_type = request.META.get("CONTENT_TYPE", content_type)
        raise UnsupportedMediaType(messages.UNSUPPORTED_MEDIA_TYPE.format(media_type=media_type))


class Closing(TypedDict):
    rating: dict[str, Any]
    feedback: str


def review_closing(request: HttpRequest) -> Closing:
    """``{"sweetspot": {<rating block>}, "feedback": {"feedback": "…"}}``; errors keep DRF's
    nested shape (``{"sweetspot": {"value1": [...]}}``)."""
    require_readable(request, forms=False)
    body = _object(request)
    sweetspot = body.object("sweetspot")
    # An object that is not one was reported as a whole; its fields are not read (DRF).
    rating = rating_fields(sweetspot) if sweetspot is not None and sweetspot.is_object else {}
    wrapper = body.object("feedback")
    feedback = MISSING
    if wrapper is not None:
        feedback = wrapper.get("feedback", Text(max_length=FEEDBACK_MAX))
    body.raise_if_any()
    return Closing(rating=rating, feedback=str(feedback))


def _slot_names(required: bool) -> list[tuple[str, str, bool]]:
    """(field, option kind, required) in the order DRF listed the fields."""
    names: list[tuple[str, str, bool]] = []
    for group in GROUPS:
        names.extend((f"{group}{n}", group, required and n == 1) for n in range(1, 6))
        if required:
            names.append((f"{group}confidence", OptionKind.CONFIDENCE.value, True))
    return names


def _read_slots(body: Body, *, required: bool) -> dict[str, Any]:
    """Option ids of the right kind, all looked up in one query; 0 or null is unset (None)."""
    names = _slot_names(required)
    parsed: dict[str, Any] = {}
    for name, _kind, is_required in names:
        parsed[name] = _slot_id(body, name, is_required)
    kinds = selectors.option_kinds(
        option_ids={value for value in parsed.values() if isinstance(value, int) and value}
    )
    slots: dict[str, Any] = {}
    for name, kind, _is_required in names:
        value = parsed[name]
        if isinstance(value, int) and kinds.get(value) != kind:
            body.fail(name, messages.PK_DOES_NOT_EXIST.format(pk=body.raw(name)))
            value = MISSING
        slots[name] = value
    return slots


def _slot_id(body: Body, name: str, required: bool) -> Any:
    """An id to look up (0 when no row can have it), None when unset, MISSING when absent or
    refused. A required slot may not be unset."""
    raw = body.raw(name)
    if raw is MISSING:
        if required:
            body.fail(name, messages.REQUIRED)
        return MISSING
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            body.fail(name, messages.NULL)
            return MISSING
        return None
    unset = (type(raw) is int and raw == 0) or (isinstance(raw, str) and raw.strip() == "0")
    if unset and not required:
        return None
    try:
        return pk_value(raw)
    except Invalid as exc:
        for message in exc.messages:
            body.fail(name, message)
        return MISSING


def _no_duplicates(body: Body, slots: Mapping[str, Any]) -> None:
    """The later of two slots of a group naming the same option is refused."""
    for group in GROUPS:
        seen: set[int] = set()
        for n in range(1, 6):
            name = f"{group}{n}"
            value = slots.get(name)
            if not isinstance(value, int) or not body.ok(name):
                continue
            if value in seen:
                body.fail(name, DUPLICATE_CHOICE)
            seen.add(value)


# Public writes


def prospect(request: HttpRequest) -> tuple[str, str]:
    body = _object(request)
    name = body.get("name", Text(max_length=TEXT_MAX))
    email = body.get("email", Email(max_length=PROSPECT_EMAIL_MAX))
    body.raise_if_any()
    return str(name), str(email)


def error_report(request: HttpRequest) -> tuple[str, str]:
    body = _object(request)
    code = body.get("errorcode", _optional_text(ERRORCODE_MAX))
    message = body.get("errormessage", _optional_text(ERRORMESSAGE_MAX))
    body.raise_if_any()
    return ("" if code is MISSING else code), ("" if message is MISSING else message)
