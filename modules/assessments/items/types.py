"""Which shapes each response type's ``config`` and ``responseValues`` must have (spec §8)."""

from pydantic import BaseModel

from modules.assessments.items import configs as c
from modules.assessments.items import values as v

# response type -> (config shape, values shape, or the name of the legacy "no values" class)
SHAPES: dict[str, tuple[type[BaseModel], type[BaseModel] | str]] = {
    "singleSelect": (c.SingleSelectionConfig, v.SingleSelectionValues),
    "multiSelect": (c.MultiSelectionConfig, v.MultiSelectionValues),
    "slider": (c.SliderConfig, v.SliderValues),
    "sliderRows": (c.SliderRowsConfig, v.SliderRowsValues),
    "singleSelectRows": (c.SingleSelectionRowsConfig, v.SingleSelectionRowsValues),
    "multiSelectRows": (c.MultiSelectionRowsConfig, v.MultiSelectionRowsValues),
    "numberSelect": (c.NumberSelectionConfig, v.NumberSelectionValues),
    "text": (c.TextConfig, "TextValues"),
    "paragraphText": (c.ParagraphTextConfig, "ParagraphTextValues"),
    "message": (c.MessageConfig, "MessageValues"),
    "date": (c.DateConfig, "DateValues"),
    "time": (c.TimeConfig, "TimeValues"),
    "timeRange": (c.TimeRangeConfig, "TimeRangeValues"),
    "geolocation": (c.GeolocationConfig, "GeolocationValues"),
    "photo": (c.PhotoConfig, "PhotoValues"),
    "video": (c.VideoConfig, "VideoValues"),
    "audio": (c.AudioConfig, v.AudioValues),
    "audioPlayer": (c.AudioPlayerConfig, v.AudioPlayerValues),
    "drawing": (c.DrawingConfig, v.DrawingValues),
}
# Kept as the client sent them: their shapes belong to the task engines.
AS_GIVEN = frozenset({"flanker", "stabilityTracker", "ABTrails", "unity", "phrasalTemplate"})
PERFORMANCE_TASKS = frozenset({"flanker", "stabilityTracker", "ABTrails", "unity"})
RESPONSE_TYPES = frozenset(SHAPES) | AS_GIVEN

SELECTS = frozenset({"singleSelect", "multiSelect"})
ROW_SELECTS = frozenset({"singleSelectRows", "multiSelectRows"})
# Items a condition may look at.
CONDITION_SOURCES = frozenset(
    {
        "singleSelect",
        "multiSelect",
        "slider",
        "sliderRows",
        "singleSelectRows",
        "multiSelectRows",
        "numberSelect",
        "date",
        "time",
        "timeRange",
    }
)
OPTION_CONDITIONS = frozenset(
    {
        "INCLUDES_OPTION",
        "NOT_INCLUDES_OPTION",
        "EQUAL_TO_OPTION",
        "NOT_EQUAL_TO_OPTION",
        "EQUAL_TO_ROW_OPTION",
        "NOT_EQUAL_TO_ROW_OPTION",
        "INCLUDES_ROW_OPTION",
        "NOT_INCLUDES_ROW_OPTION",
    }
)
CONDITION_TYPES = OPTION_CONDITIONS | frozenset(
    {
        "GREATER_THAN",
        "LESS_THAN",
        "EQUAL",
        "NOT_EQUAL",
        "BETWEEN",
        "OUTSIDE_OF",
        "EQUAL_TO_SCORE",
        "GREATER_THAN_DATE",
        "LESS_THAN_DATE",
        "EQUAL_TO_DATE",
        "NOT_EQUAL_TO_DATE",
        "BETWEEN_DATES",
        "OUTSIDE_OF_DATES",
        "GREATER_THAN_TIME",
        "LESS_THAN_TIME",
        "EQUAL_TO_TIME",
        "NOT_EQUAL_TO_TIME",
        "BETWEEN_TIMES",
        "OUTSIDE_OF_TIMES",
        "GREATER_THAN_TIME_RANGE",
        "LESS_THAN_TIME_RANGE",
        "EQUAL_TO_TIME_RANGE",
        "NOT_EQUAL_TO_TIME_RANGE",
        "BETWEEN_TIMES_RANGE",
        "OUTSIDE_OF_TIMES_RANGE",
        "GREATER_THAN_SLIDER_ROWS",
        "LESS_THAN_SLIDER_ROWS",
        "EQUAL_TO_SLIDER_ROWS",
        "NOT_EQUAL_TO_SLIDER_ROWS",
        "BETWEEN_SLIDER_ROWS",
        "OUTSIDE_OF_SLIDER_ROWS",
    }
)


def performance_task_type(response_type: str, config: object) -> str | None:
    """What a performance-task item makes its activity: the legacy ``performanceTaskType``."""
    if response_type == "stabilityTracker":
        kind = config.get("userInputType") if isinstance(config, dict) else None
        return kind if isinstance(kind, str) else None
    if response_type in PERFORMANCE_TASKS:
        return response_type
    return None
