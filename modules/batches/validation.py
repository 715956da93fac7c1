"""Validation of ``POST /api/batch`` with the legacy serializer's rules, messages and error shapes.

DRF reported nested errors as nested objects, item errors of a list of objects as a list with one
entry per item, and errors of a list of values keyed by position; pydantic cannot reproduce that
order and shape, so the body is checked here by hand and every problem is reported at once.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.errors import FIELD_REQUIRED, ValidationFailed
from core.schemas import DATE_FORMAT_MESSAGE
from modules.batches.models import METADATA_FIELDS

MISSING: Any = object()

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
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."
NOT_A_STRING = "Not a valid string."
NOT_A_UUID = "Must be a valid UUID."
NULL_CHARACTERS = "Null characters are not allowed."
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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
    cuid: str
    zone: str
    scope: dict[str, Any]
    prompts: list[dict[str, Any]]
    fields: list[str] | None


def text_problem(value: str) -> str | None:
    """DRF's refusal of text no database column can hold: NUL and lone surrogate characters."""
    if "\x00" in value:
        return NULL_CHARACTERS
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return f"Surrogate characters are not allowed: U+{ord(surrogate.group()):X}."
    return None


def not_a_dict(value: Any) -> str:
    return f"Invalid data. Expected a dictionary, but got {type(value).__name__}."


def not_a_list(value: Any) -> str:
    return f'Expected a list of items but got type "{type(value).__name__}".'


def invalid_choice(value: Any) -> str:
    return f'"{value}" is not a valid choice.'


def _char(
    value: Any, *, required: bool = True, max_length: int | None = None
) -> tuple[str | None, list[str]]:
    """DRF's CharField: strings and numbers, trimmed, not blank unless optional."""
    if value is MISSING:
        return None, [FIELD_REQUIRED] if required else []
    if value is None:
        return None, [NOT_NULL] if required else []
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, [NOT_A_STRING]
    text = str(value).strip()
    if not text:
        return None, [NOT_BLANK] if required else []
    if max_length is not None and len(text) > max_length:
        return None, [f"Ensure this field has no more than {max_length} characters."]
    problem = text_problem(text)
    if problem:
        return None, [problem]
    return text, []


def parse_iso_date(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` date, else None: ``date.fromisoformat`` alone also takes week dates
    (``2024-W01-1``) and compact forms the legacy API refused."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date(value: Any) -> tuple[date | None, list[str]]:
    day = parse_iso_date(value)
    return (day, []) if day is not None else (None, [DATE_FORMAT_MESSAGE])


def _list_of(value: Any, item: Any) -> tuple[list[Any] | None, Any]:
    """A list of values whose item errors are keyed by position, as DRF's ListField did."""
    if not isinstance(value, list):
        return None, [not_a_list(value)]
    items, errors = [], {}
    for position, raw in enumerate(value):
        cleaned, messages = item(raw)
        if messages:
            errors[str(position)] = messages
        items.append(cleaned)
    return (None, errors) if errors else (items, None)


def _uuid(value: Any) -> tuple[str | None, list[str]]:
    try:
        return str(uuid.UUID(str(value))), []
    except (ValueError, TypeError, AttributeError):
        return None, [NOT_A_UUID]


def _string_item(value: Any) -> tuple[str | None, list[str]]:
    return _char(value, required=True)


def validate_batch(body: Any, *, today: date, max_prompts: int) -> BatchRequest:
    """The cleaned request, or ValidationFailed with every field error of the body."""
    if not isinstance(body, dict):
        raise ValidationFailed({"non_field_errors": [not_a_dict(body)]})
    errors: dict[str, Any] = {}
    cuid, messages = _char(body.get("cuid", MISSING))
    if messages:
        errors["cuid"] = messages
    scope, scope_errors = _validate_scope(body.get("scope", MISSING), today=today)
    if scope_errors:
        errors["scope"] = scope_errors
    prompts, prompt_errors = _validate_prompts(body.get("prompts", MISSING), max_prompts)
    if prompt_errors:
        errors["prompts"] = prompt_errors
    fields, field_errors = _validate_fields(body.get("fields", MISSING))
    if field_errors:
        errors["fields"] = field_errors
    if errors:
        raise ValidationFailed(errors)
    assert cuid is not None and scope is not None and prompts is not None  # no errors: all set
    return BatchRequest(
        cuid=cuid, zone=scope.get("zone", ""), scope=scope, prompts=prompts, fields=fields
    )


def _validate_scope(raw: Any, *, today: date) -> tuple[dict[str, Any] | None, Any]:
    if raw is MISSING:
        return None, [FIELD_REQUIRED]
    if raw is None:
        return None, [NOT_NULL]
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [not_a_dict(raw)]}
    scope: dict[str, Any] = {}
    errors: dict[str, Any] = {}

    zone = raw.get("zone")
    if zone not in (None, ""):
        if isinstance(zone, str) and zone.strip().lower() in ZONES:
            scope["zone"] = zone.strip().lower()
        else:
            errors["zone"] = [ZONE_MESSAGE]

    for name, item in (("ic01_list", _string_item), ("id_list", _uuid)):
        value = raw.get(name)
        if value is None:
            continue
        cleaned, problems = _list_of(value, item)
        if problems:
            errors[name] = problems
        elif cleaned:
            scope[name] = cleaned

    for name in ("period_start", "period_end"):
        value = raw.get(name)
        if value in (None, ""):
            continue
        day, problems = _date(value)
        if not problems and name == "period_end" and day is not None and day > today:
            problems = [PERIOD_END_FUTURE]
        if problems:
            errors[name] = problems
        else:
            scope[name] = day

    filters = raw.get("filters")
    if filters is not None:
        cleaned_filters, filter_errors = _validate_filters(filters, today=today)
        if filter_errors:
            errors["filters"] = filter_errors
        elif cleaned_filters:
            scope["filters"] = cleaned_filters

    if errors:
        return None, errors
    problem = _scope_problem(scope)
    if problem:
        return None, {"non_field_errors": [problem]}
    return _jsonable(scope), None


def _scope_problem(scope: dict[str, Any]) -> str | None:
    start, end = scope.get("period_start"), scope.get("period_end")
    lists = bool(scope.get("ic01_list")) or bool(scope.get("id_list"))
    if not lists and not (start and end):
        return SCOPE_EMPTY
    if bool(start) != bool(end):
        return PERIOD_BOTH
    if start and end and start > end:
        return PERIOD_ORDER
    return None


def _validate_filters(raw: Any, *, today: date) -> tuple[dict[str, Any], Any]:
    if not isinstance(raw, dict):
        return {}, {"non_field_errors": [not_a_dict(raw)]}
    cleaned: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in CSV_FILTERS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, list):
            parts, problems = _list_of(value, _string_item)
            if problems:
                errors[name] = problems
                continue
            value = ",".join(part for part in parts or [] if part)
        text, messages = _char(value, required=False)
        if messages:
            errors[name] = messages
            continue
        values = [part.strip() for part in (text or "").split(",") if part.strip()]
        if values:
            cleaned[name] = values
    for name in LIST_FILTERS:
        value = raw.get(name)
        if value is None:
            continue
        item, problems = _validate_list_filter(value)
        if problems:
            errors[name] = problems
        else:
            cleaned[name] = item
    value = raw.get("document_creation_date")
    if value is not None:
        period, problems = _validate_creation_date(value, today=today)
        if problems:
            errors["document_creation_date"] = problems
        else:
            cleaned["document_creation_date"] = period
    return cleaned, errors or None


def _validate_list_filter(raw: Any) -> tuple[dict[str, Any] | None, Any]:
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [not_a_dict(raw)]}
    errors: dict[str, Any] = {}
    value = raw.get("value", MISSING)
    values = None
    if value is MISSING:
        errors["value"] = [FIELD_REQUIRED]
    elif value is None:
        errors["value"] = [NOT_NULL]
    else:
        values, problems = _list_of(value, _string_item)
        if problems:
            errors["value"] = problems
        elif not values:
            errors["value"] = [VALUE_LIST_EMPTY]
    filter_type = raw.get("filter_type", "keep")
    if filter_type is None or filter_type not in FILTER_TYPES:
        errors["filter_type"] = [invalid_choice(filter_type)]
    if errors:
        return None, errors
    return {"value": values, "filter_type": filter_type}, None


def _validate_creation_date(raw: Any, *, today: date) -> tuple[dict[str, Any] | None, Any]:
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [not_a_dict(raw)]}
    errors: dict[str, Any] = {}
    days: dict[str, date] = {}
    for name in ("start_period", "end_period"):
        value = raw.get(name, MISSING)
        if value is MISSING:
            errors[name] = [FIELD_REQUIRED]
            continue
        if value is None:
            errors[name] = [NOT_NULL]
            continue
        day, problems = _date(value)
        if not problems and name == "end_period" and day is not None and day > today:
            problems = [END_PERIOD_FUTURE]
        if problems:
            errors[name] = problems
        elif day is not None:
            days[name] = day
    if errors:
        return None, errors
    if days["start_period"] > days["end_period"]:
        return None, {"non_field_errors": [CREATION_ORDER]}
    return days, None


def _validate_prompts(raw: Any, max_prompts: int) -> tuple[list[dict[str, Any]] | None, Any]:
    if raw is MISSING:
        return None, [FIELD_REQUIRED]
    if raw is None:
        return None, [NOT_NULL]
    if not isinstance(raw, list):
        return None, [not_a_list(raw)]
    prompts: list[dict[str, Any]] = []
    item_errors: list[dict[str, Any]] = []
    for item in raw:
        prompt, problems = _validate_prompt(item)
        item_errors.append(problems or {})
        if prompt is not None:
            prompts.append(prompt)
    if any(item_errors):
        return None, item_errors
    problem = _prompts_problem(prompts, max_prompts)
    if problem:
        return None, [problem]
    return prompts, None


def _validate_prompt(raw: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [not_a_dict(raw)]}
    errors: dict[str, Any] = {}
    name, messages = _char(raw.get("name", MISSING), max_length=100)
    if messages:
        errors["name"] = messages
    value, messages = _char(raw.get("value", MISSING), max_length=10000)
    if messages:
        errors["value"] = messages
    dependencies: list[str] = []
    raw_dependencies = raw.get("dependencies", MISSING)
    if raw_dependencies is None:
        errors["dependencies"] = [NOT_NULL]
    elif raw_dependencies is not MISSING:
        cleaned, problems = _list_of(raw_dependencies, _string_item)
        if problems:
            errors["dependencies"] = problems
        else:
            dependencies = list(cleaned or [])
    if errors:
        return None, errors
    return {"name": name, "value": value, "dependencies": dependencies}, None


def _prompts_problem(prompts: list[dict[str, Any]], max_prompts: int) -> str | None:
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


def find_cycle(prompts: list[dict[str, Any]]) -> list[str] | None:
    """The first dependency cycle met walking the prompts in request order, closed on itself."""
    graph = {prompt["name"]: prompt["dependencies"] for prompt in prompts}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for dependency in graph[name]:
            cycle = visit(dependency, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return None

    for prompt in prompts:
        cycle = visit(prompt["name"], [])
        if cycle:
            return cycle
    return None


def dependency_order(prompts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prompts ordered so dependencies come first; ties keep the request order."""
    remaining = list(prompts)
    placed: set[str] = set()
    ordered: list[dict[str, Any]] = []
    while remaining:
        for index, prompt in enumerate(remaining):
            if all(dependency in placed for dependency in prompt["dependencies"]):
                ordered.append(prompt)
                placed.add(prompt["name"])
                del remaining[index]
                break
        else:
            raise ValueError("prompt dependencies form a cycle")
    return ordered


def _validate_fields(raw: Any) -> tuple[list[str] | None, Any]:
    if raw is MISSING or raw is None:
        return None, None
    if not isinstance(raw, list):
        return None, [not_a_list(raw)]
    errors: dict[str, Any] = {}
    fields: list[str] = []
    for position, value in enumerate(raw):
        if isinstance(value, str) and value in METADATA_FIELDS:
            name = value
        elif isinstance(value, str) and value in FIELD_ALIASES:
            name = FIELD_ALIASES[value]
        else:
            errors[str(position)] = [invalid_choice(value)]
            continue
        if name is not None and name not in fields:
            fields.append(name)
    if errors:
        return None, errors
    return fields, None


def _jsonable(scope: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value

    return convert(scope)
