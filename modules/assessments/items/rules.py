"""The item rules of spec §8: each item's config and values against its type's shapes, the
cross-field rules, and conditional logic. The first broken rule is the answer: 422 at the
item's field (``INVALID_VALUE``) or 400 where the legacy API said so.

A passing item is left normalised in place: name without spaces, config and values dumped with
their defaults, option and row ids and option values filled in.
"""

import re
from typing import Any, NoReturn

import pydantic

from core.errors import ValidationFailed
from modules.assessments import errors as e
from modules.assessments.errors import BadRequest
from modules.assessments.items import types as t
from modules.assessments.items import values as v
from modules.assessments.schemas.applets_in import ItemIn

Path = tuple[str | int, ...]
ITEM_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def fail(path: Path, message: str) -> NoReturn:
    raise ValidationFailed(field=path, message=message)


def check_item(item: ItemIn, path: Path) -> None:
    """Check one item and normalise it; ``path`` is where it is in the body."""
    item.name = item.name.replace(" ", "")
    if not ITEM_NAME.match(item.name):
        fail((*path, "name"), e.ITEM_NAME_CHARACTERS)
    kind = item.response_type
    if kind not in t.RESPONSE_TYPES:
        fail((*path, "responseType"), e.VALUES_TYPE.format(name="ResponseType"))
    if kind in t.AS_GIVEN:
        _hidden_with_logic(item)
        return
    config_shape, values_shape = t.SHAPES[kind]
    config = _parse(config_shape, item.config, (*path, "config"), e.CONFIG_TYPE)
    values: Any = None
    if isinstance(values_shape, str):
        if item.response_values is not None:
            fail((*path, "responseValues"), e.VALUES_TYPE.format(name=values_shape))
    else:
        values = _parse(
            values_shape, item.response_values, (*path, "responseValues"), e.VALUES_TYPE
        )
    _cross_rules(kind, config, values, path)
    _hidden_with_logic(item)
    item.config = config.model_dump(by_alias=True)
    item.response_values = values.model_dump(by_alias=True) if values is not None else None


def _parse(shape: type[pydantic.BaseModel], raw: Any, path: Path, message: str) -> Any:
    if not isinstance(raw, dict):
        fail(path, message.format(name=shape.__name__))
    try:
        return shape.model_validate(raw)
    except pydantic.ValidationError:
        fail(path, message.format(name=shape.__name__))


def _hidden_with_logic(item: ItemIn) -> None:
    if item.is_hidden and item.conditional_logic:
        raise BadRequest(e.HIDDEN_WITH_LOGIC)


def _cross_rules(kind: str, config: Any, values: Any, path: Path) -> None:
    at_values = (*path, "responseValues")
    if kind in t.SELECTS:
        if config.add_scores and any(option.score is None for option in values.options):
            fail(at_values, e.SCORE_PER_OPTION)
        if not config.set_alerts and any(option.alert is not None for option in values.options):
            fail(at_values, e.SELECT_ALERTS_FLAG)
        if kind == "multiSelect" and sum(bool(o.is_none_above) for o in values.options) > 1:
            raise BadRequest(e.NONE_OPTIONS)
        v.fill_option_values(values.options)
    elif kind == "numberSelect":
        if values.min_value >= values.max_value:
            fail(at_values, e.MIN_MAX)
    elif kind == "slider":
        _slider(values, config, at_values, continuous=config.continuous_slider, row=False)
    elif kind == "sliderRows":
        for row in values.rows:
            _slider(row, config, at_values, continuous=False, row=True)
    elif kind in t.ROW_SELECTS:
        _row_selects(config, values, at_values)
    elif kind == "text" and config.correct_answer_required and not config.correct_answer:
        fail((*path, "config"), e.CORRECT_ANSWER)


def _slider(values: Any, config: Any, path: Path, *, continuous: bool, row: bool) -> None:
    if values.min_value >= values.max_value:
        fail(path, e.MIN_MAX)
    if values.scores is not None and len(values.scores) != values.max_value - values.min_value + 1:
        fail(path, e.SCORES_LENGTH)
    if config.add_scores and values.scores is None:
        fail(path, e.SCORES_NULL)
    if values.alerts is None:
        return
    if not config.set_alerts:
        fail(path, e.SLIDER_ALERTS_FLAG)
    for alert in values.alerts:
        if row and alert.value is None:
            fail(path, e.ROW_ALERT_VALUE)
        if not row and continuous and (alert.min_value is None or alert.max_value is None):
            fail(path, e.SLIDER_ALERT_VALUES)
        if not row and not continuous and alert.value is None:
            fail(path, e.SLIDER_ALERT_VALUES)


def _row_selects(config: Any, values: Any, path: Path) -> None:
    matrix = values.data_matrix
    if (config.add_scores or config.set_alerts) and matrix is None:
        fail(path, e.DATA_MATRIX_REQUIRED)
    if matrix is None:
        return
    if len(matrix) != len(values.rows):
        fail(path, e.DATA_MATRIX_ROWS)
    for row in matrix:
        if len(row.options) != len(values.options):
            fail(path, e.DATA_MATRIX_OPTIONS)
        if not config.set_alerts and any(option.alert is not None for option in row.options):
            fail(path, e.SELECT_ALERTS_FLAG)


def check_conditions(items: list[ItemIn], path: Path) -> None:
    """Each condition names an earlier item of the same activity, of a type conditions can read,
    and (for options) one of its options."""
    position = {item.name: index for index, item in enumerate(items)}
    for index, item in enumerate(items):
        logic = item.conditional_logic
        if logic is None:
            continue
        at = (*path, index, "conditionalLogic")
        for condition in _conditions(logic, at):
            source_index = position.get(str(condition["itemName"]).replace(" ", ""))
            if source_index is None:
                fail(at, e.CONDITION_ITEM)
            if source_index >= index:
                raise BadRequest(e.CONDITION_ORDER)
            source = items[source_index]
            if source.response_type not in t.CONDITION_SOURCES:
                raise BadRequest(e.CONDITION_ITEM_TYPE)
            if condition["type"] in t.OPTION_CONDITIONS:
                option = condition["payload"].get("optionValue")
                if str(option) not in _option_keys(source):
                    fail(at, e.CONDITION_OPTION)


def _conditions(logic: Any, at: Path) -> list[dict[str, Any]]:
    if not isinstance(logic, dict) or logic.get("match") not in ("all", "any"):
        fail(at, e.CONDITION_INVALID)
    conditions = logic.get("conditions")
    if not isinstance(conditions, list):
        fail(at, e.CONDITION_INVALID)
    for condition in conditions:
        if not (
            isinstance(condition, dict)
            and isinstance(condition.get("itemName"), str)
            and condition.get("type") in t.CONDITION_TYPES
            and isinstance(condition.get("payload"), dict)
        ):
            fail(at, e.CONDITION_INVALID)
    return conditions


def _option_keys(source: ItemIn) -> set[str]:
    """What an option condition may name: option values (selects) or option ids (rows)."""
    values = source.response_values if isinstance(source.response_values, dict) else {}
    options = values.get("options") or []
    key = "id" if source.response_type in t.ROW_SELECTS else "value"
    return {str(option.get(key)) for option in options if isinstance(option, dict)}
