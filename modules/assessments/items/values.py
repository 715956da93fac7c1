"""``responseValues`` shapes per response type (spec §8); option and row ids are uuids, filled
in when missing, and option values count up from the highest given."""

from pydantic import Field, NonNegativeInt

from modules.assessments.items.base import ClientId, Color, Score, Shape


class _Option(Shape):
    id: ClientId = Field(default=None, validate_default=True)
    text: str
    image: str | None = None
    score: Score = None
    tooltip: str | None = None
    is_hidden: bool = False
    color: Color = None
    alert: str | None = None
    value: int | None = None


class _MultiOption(_Option):
    is_none_above: bool = False


class SingleSelectionValues(Shape):
    palette_name: str | None = None
    options: list[_Option]


class MultiSelectionValues(Shape):
    palette_name: str | None = None
    options: list[_MultiOption]


class SliderValueAlert(Shape):
    value: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    alert: str


class _SliderBase(Shape):
    min_label: str | None = Field(max_length=100)
    max_label: str | None = Field(max_length=100)
    min_value: NonNegativeInt = Field(default=0, le=11)
    max_value: NonNegativeInt = Field(default=12, le=12)
    min_image: str | None = None
    max_image: str | None = None
    scores: list[Score] | None = None
    alerts: list[SliderValueAlert] | None = None


class SliderValues(_SliderBase):
    pass


class _SliderRow(_SliderBase):
    id: ClientId = Field(default=None, validate_default=True)
    label: str = Field(max_length=100)


class SliderRowsValues(Shape):
    rows: list[_SliderRow]


class _SelectionRow(Shape):
    id: ClientId = Field(default=None, validate_default=True)
    row_name: str = Field(max_length=100)
    row_image: str | None = None
    tooltip: str | None = None


class _SelectionRowOption(Shape):
    id: ClientId = Field(default=None, validate_default=True)
    text: str = Field(max_length=100)
    image: str | None = None
    tooltip: str | None = None


class _DataOption(Shape):
    option_id: str
    score: Score = None
    alert: str | None = None
    value: int | None = None


class _DataRow(Shape):
    row_id: str
    options: list[_DataOption]


class SingleSelectionRowsValues(Shape):
    rows: list[_SelectionRow]
    options: list[_SelectionRowOption]
    data_matrix: list[_DataRow] | None = None


class MultiSelectionRowsValues(SingleSelectionRowsValues):
    pass


class NumberSelectionValues(Shape):
    min_value: NonNegativeInt = 0
    max_value: NonNegativeInt = 100


class AudioValues(Shape):
    max_duration: NonNegativeInt = 300


class AudioPlayerValues(Shape):
    file: str


class _Proportion(Shape):
    enabled: bool


class DrawingValues(Shape):
    drawing_example: str | None = None
    drawing_background: str | None = None
    proportion: _Proportion | None = None


def fill_option_values(options: list[_Option]) -> None:
    """An option without a value takes the highest value so far plus one (the first 0)."""
    for option in options:
        if option.value is None:
            given = [each.value for each in options if each.value is not None]
            option.value = max(given, default=-1) + 1
