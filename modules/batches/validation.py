"""The FilesTalk request bodies read with ``core.body``: ``POST /api/batch`` and the token
exchange, with the legacy serializers' rules, messages and error shapes.

Every problem of a body is reported at once, nested as the body is; an object's own rules (the
scope's periods, the prompt graph) wait until its fields pass, as DRF's ``validate`` did.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone

from core import messages
from core.body import MISSING, Body, Choice, Date, Field, Invalid, ListOf, Text, Uuid, text_problems
from modules.batches.models import CUID_FORMAT, METADATA_FIELDS
from modules.batches.prompts import Prompt, find_cycle

ZONES = ("eqt", "ftsa")
ZONE_MESSAGE = "The zone must be either 'eqt' or 'ftsa'."
PERIOD_END_FUTURE = "The period_end date cannot be in the future."
SCOPE_EMPTY = "At least ic01_list or id_list or both period_start and period_end must be defined."
PERIOD_BOTH = "Both period_start and period_end must be defined."
PERIOD_ORDER = "The period_start date cannot be later than the period_end date."
VALUE_LIST_EMPTY = "Value list can not be empty."
END_PERIOD_FUTURE = "The end_period date cannot be in the future."
CREATION_ORDER = "The start_period date cannot be later than the end_period date."
PROMPTS_EMPTY = "The prompts list cannot be empty."
CUID_NOT_VALID = "Cuid not valid."

LIST_FILTERS = ("document_label", "sales_country", "sales_region", "original_file_name")
CSV_FILTERS = ("status", "contract_type")
FILTER_TYPES = ("keep", "remove")
FIELD_ALIASES = {
    "customerName": "customer_name",
    "documentLabel": "document_label",
    "salesCountry": "sales_country",
    "salesRegion": "sales_region",
    "salesCluster": "sales_cluster",
    "typeLabel": "contract_type",
    "documentCreationDate": "document_date",
    "originalFilename": None,
}


@dataclass(frozen=True)
class BatchRequest:
    """A valid batch request; ``scope`` as stored (JSON: dates in ISO form, empty parts left out)."""

    cuid: str
    scope: dict[str, Any]
    prompts: list[Prompt]
    fields: list[str] | None


class Zone(Field[str]):
    """``eqt`` or ``ftsa`` in any case, kept lower-case; an empty value counts as absent."""

    def empty_is_null(self) -> bool:
        return True

    def clean(self, value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in ZONES:
            return value.strip().lower()
        raise Invalid(ZONE_MESSAGE)


def not_after(today: date, message: str) -> Callable[[date], None]:
    def check(day: date) -> None:
        if day > today:
            raise Invalid(message)

    return check


def not_empty(values: list[str]) -> None:
    if not values:
        raise Invalid(VALUE_LIST_EMPTY)


def optional_object(parent: Body, name: str) -> Body | None:
    """An optional object; None when absent, null, or no object at all, which DRF reported
    alone (``non_field_errors``), without the errors of the fields it then lacks."""
    found = parent.object(name, required=False, allow_null=True)
    return found if found is not None and found.ok() else None


def read_batch(body: Body) -> BatchRequest:
    """The valid request, or ValidationFailed with every field error of the body."""
    body.raise_if_any()  # a body that is no object is reported alone
    today = timezone.localdate()
    cuid = body.get("cuid", Text())
    scope = _read_scope(body, today=today)
    prompts = _read_prompts(body, max_prompts=settings.BATCH_MAX_PROMPTS)
    fields = _read_fields(body)
    body.raise_if_any()
    return BatchRequest(cuid=cuid, scope=scope, prompts=prompts, fields=fields)


def _read_scope(body: Body, *, today: date) -> dict[str, Any]:
    scope = body.object("scope")
    if scope is None or not scope.ok():
        return {}
    zone = scope.get("zone", Zone(required=False, allow_null=True))
    ic01_list = scope.get("ic01_list", ListOf(Text(), required=False, allow_null=True))
    id_list = scope.get("id_list", ListOf(Uuid(), required=False, allow_null=True))
    start = scope.get("period_start", Date(required=False, allow_null=True))
    end_rule = not_after(today, PERIOD_END_FUTURE)
    end = scope.get("period_end", Date(required=False, allow_null=True, validators=[end_rule]))
    filters = _read_filters(scope, today=today)
    if not scope.ok():
        return {}
    problem = _scope_problem(lists=bool(ic01_list or id_list), start=start, end=end)
    if problem:
        scope.fail_object(problem)
        return {}
    parts = {
        "zone": zone,
        "ic01_list": ic01_list,
        "id_list": id_list,
        "period_start": start.isoformat() if start else None,
        "period_end": end.isoformat() if end else None,
        "filters": filters,
    }
    return {name: value for name, value in parts.items() if value}


def _scope_problem(*, lists: bool, start: date | None, end: date | None) -> str | None:
    if not lists and not (start and end):
        return SCOPE_EMPTY
    if bool(start) != bool(end):
        return PERIOD_BOTH
    if start and end and start > end:
        return PERIOD_ORDER
    return None


def _read_filters(scope: Body, *, today: date) -> dict[str, Any]:
    """Filters that narrow the scope; unknown ones are ignored, empty ones left out."""
    filters = optional_object(scope, "filters")
    if filters is None:
        return {}
    cleaned: dict[str, Any] = {}
    for name in CSV_FILTERS:
        values = _csv_values(filters, name)
        if values:
            cleaned[name] = values
    for name in LIST_FILTERS:
        rule = optional_object(filters, name)
        if rule is None:
            continue
        values = rule.get("value", ListOf(Text(), validators=[not_empty]))
        filter_type = rule.get("filter_type", Choice(FILTER_TYPES, required=False))
        if rule.ok():
            cleaned[name] = {"value": values, "filter_type": filter_type or "keep"}
    period = optional_object(filters, "document_creation_date")
    if period is not None:
        # A JSON "" is a date in the wrong format here, not a form's null.
        start = period.get("start_period", Date(blank_is_null=False))
        end_rule = not_after(today, END_PERIOD_FUTURE)
        end = period.get("end_period", Date(blank_is_null=False, validators=[end_rule]))
        if period.ok() and start > end:
            period.fail_object(CREATION_ORDER)
        elif period.ok():
            cleaned["document_creation_date"] = {
                "start_period": start.isoformat(),
                "end_period": end.isoformat(),
            }
    return cleaned


def _csv_values(filters: Body, name: str) -> list[str]:
    """``"SGDG,PEND"``, or a list of such texts: the values trimmed, empty ones dropped."""
    if isinstance(filters.raw(name), list):
        text = ",".join(filters.get(name, ListOf(Text())) or [])
    else:
        field = Text(required=False, allow_null=True, allow_blank=True)
        text = filters.get(name, field) or ""
    return [part.strip() for part in text.split(",") if part.strip()]


def _read_prompts(body: Body, *, max_prompts: int) -> list[Prompt]:
    items = body.objects("prompts")
    if items is None:
        return []
    prompts: list[Prompt] = []
    for item in items:
        if not item.ok():
            continue  # no object: reported alone
        name = item.get("name", Text(max_length=100))
        value = item.get("value", Text(max_length=10000))
        dependencies = item.get("dependencies", ListOf(Text(), required=False))
        prompts.append(Prompt(name=name, value=value, dependencies=dependencies or []))
    if body.ok("prompts"):
        problem = _prompts_problem(prompts, max_prompts)
        if problem:
            body.fail("prompts", problem)
    return prompts


def _prompts_problem(prompts: list[Prompt], max_prompts: int) -> str | None:
    if not prompts:
        return PROMPTS_EMPTY
    if len(prompts) > max_prompts:
        return f"At most {max_prompts} prompts are allowed."
    seen: set[str] = set()
    duplicates: list[str] = []
    for prompt in prompts:
        if prompt["name"] in seen and prompt["name"] not in duplicates:
            duplicates.append(prompt["name"])
        seen.add(prompt["name"])
    if duplicates:
        return f"Prompt names must be unique: {', '.join(duplicates)}."
    for prompt in prompts:
        for dependency in prompt["dependencies"]:
            if dependency not in seen:
                return (
                    f"Dependency {dependency} in prompt {prompt['name']} "
                    "does not reference an existing prompt"
                )
    cycle = find_cycle(prompts)
    if cycle:
        return f"Prompt dependencies form a cycle: {' -> '.join(cycle)}."
    return None


def _read_fields(body: Body) -> list[str] | None:
    """The workbook's metadata columns, aliases resolved, each once; None (absent) means all."""
    choices = (*METADATA_FIELDS, *FIELD_ALIASES)
    chosen = body.get("fields", ListOf(Choice(choices), required=False, allow_null=True))
    if not isinstance(chosen, list):
        return None
    fields: list[str] = []
    for choice in chosen:
        name = choice if choice in METADATA_FIELDS else FIELD_ALIASES[choice]
        if name is not None and name not in fields:
            fields.append(name)
    return fields


def read_token_request(body: Body) -> tuple[str, str | None]:
    """The cuid (upper-case) and the email (None when not sent) of a token exchange; every
    problem at once, with the legacy messages (a blank or null cuid is a missing one)."""
    raw_cuid = body.raw("cuid")
    cuid = ""
    if raw_cuid in (MISSING, None) or (isinstance(raw_cuid, str) and not raw_cuid.strip()):
        body.fail("cuid", messages.REQUIRED)
    elif not isinstance(raw_cuid, str) or not _is_cuid(raw_cuid.strip()):
        body.fail("cuid", CUID_NOT_VALID)
    else:
        cuid = raw_cuid.strip().upper()
    raw_email = body.raw("email")
    email = None
    if raw_email is not MISSING and raw_email not in (None, ""):
        email = raw_email.strip() if isinstance(raw_email, str) else ""
        problem = _email_problem(email)
        if problem:
            body.fail("email", problem)
    body.raise_if_any()
    return cuid, email


def _is_cuid(value: str) -> bool:
    """Any case is accepted; ASCII is checked first because ``upper()`` maps some non-ASCII
    letters (U+0131 dotless i, U+017F long s) onto ASCII ones."""
    return value.isascii() and CUID_FORMAT.fullmatch(value.upper()) is not None


def _email_problem(email: str) -> str | None:
    if text_problems(email):
        return messages.INVALID_EMAIL
    try:
        validate_email(email)
    except DjangoValidationError:
        return messages.INVALID_EMAIL
    domains = [d.strip().lstrip("@").lower() for d in settings.BATCH_ALLOWED_EMAIL_DOMAINS]
    domains = [d for d in domains if d]
    if domains and email.rpartition("@")[2].lower() not in domains:
        if len(domains) == 1:
            return f"Email must be from the domain '@{domains[0]}'."
        listed = ", ".join(f"'@{domain}'" for domain in domains)
        return f"Email must be from one of the domains {listed}."
    return None
