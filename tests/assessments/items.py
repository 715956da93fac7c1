"""Valid items of every response type of spec §8, to break one rule at a time."""

import copy
import uuid

S = {"removeBackButton": False, "skippableItem": False}
A = {"additionalResponseOption": {"textInputOption": False, "textInputRequired": False}}
T = {"timer": 0}
FLAGS = {"addScores": False, "setAlerts": False}
SELECT = {
    **S,
    **T,
    **A,
    **FLAGS,
    "randomizeOptions": False,
    "addTooltip": False,
    "setPalette": False,
}
SLIDER = {"minLabel": "low", "maxLabel": "high", "minValue": 0, "maxValue": 4}

CONFIGS = {
    "singleSelect": SELECT,
    "multiSelect": SELECT,
    "slider": {
        **S,
        **T,
        **A,
        **FLAGS,
        "showTickMarks": False,
        "showTickLabels": False,
        "continuousSlider": False,
    },
    "sliderRows": {**S, **T, **FLAGS},
    "singleSelectRows": {**S, **T, **FLAGS, "addTooltip": False},
    "multiSelectRows": {**S, **T, **FLAGS, "addTooltip": False},
    "numberSelect": {**S, **A},
    "text": {
        **S,
        "correctAnswerRequired": False,
        "numericalResponseRequired": False,
        "responseDataIdentifier": False,
        "responseRequired": False,
    },
    "paragraphText": {**S, "responseRequired": False},
    "message": {"removeBackButton": False, **T},
    "date": {**S, **A, **T},
    "time": {**S, **A, **T},
    "timeRange": {**S, **A, **T},
    "geolocation": {**S, **A, **T},
    "photo": {**S, **A, **T},
    "video": {**S, **A, **T},
    "audio": {**S, **A, **T},
    "audioPlayer": {**S, **A, "playOnce": False},
    "drawing": {**S, **A, **T},
}
ROW_ID, OPTION_ID = str(uuid.uuid4()), str(uuid.uuid4())
VALUES = {
    "singleSelect": {"options": [{"text": "Yes", "value": 0}, {"text": "No", "value": 1}]},
    "multiSelect": {"options": [{"text": "Yes"}, {"text": "No"}]},
    "slider": SLIDER,
    "sliderRows": {"rows": [{"label": "Row", **SLIDER}]},
    "singleSelectRows": {
        "rows": [{"id": ROW_ID, "rowName": "Row"}],
        "options": [{"id": OPTION_ID, "text": "Opt"}],
    },
    "multiSelectRows": {
        "rows": [{"id": ROW_ID, "rowName": "Row"}],
        "options": [{"id": OPTION_ID, "text": "Opt"}],
    },
    "numberSelect": {"minValue": 0, "maxValue": 10},
    "audio": {"maxDuration": 60},
    "audioPlayer": {"file": "https://example.org/a.mp3"},
    "drawing": {"drawingExample": None},
}


def item(kind, name=None, **changes):
    found = {
        "name": name or f"{kind}_item",
        "question": {"en": f"A {kind} question"},
        "responseType": kind,
        "config": copy.deepcopy(CONFIGS.get(kind, {})),
        "responseValues": copy.deepcopy(VALUES.get(kind)),
    }
    found.update(changes)
    return found


def with_config(kind, **config):
    found = item(kind)
    found["config"].update(config)
    return found


def with_values(kind, **values):
    found = item(kind)
    found["responseValues"].update(values)
    return found
