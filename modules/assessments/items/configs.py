"""``config`` shapes per response type (spec §8: S, T, A and each type's own flags)."""

from pydantic import Field, NonNegativeInt, PositiveInt

from modules.assessments.items.base import Shape


class AdditionalResponseOption(Shape):
    text_input_option: bool
    text_input_required: bool


class _Screen(Shape):
    remove_back_button: bool
    skippable_item: bool


class _Selection(_Screen):
    randomize_options: bool
    timer: NonNegativeInt | None
    add_scores: bool
    set_alerts: bool
    add_tooltip: bool
    set_palette: bool
    add_tokens: bool | None = None
    portrait_layout: bool | None = None
    additional_response_option: AdditionalResponseOption


class SingleSelectionConfig(_Selection):
    auto_advance: bool = False


class MultiSelectionConfig(_Selection):
    pass


class SliderConfig(_Screen):
    add_scores: bool
    set_alerts: bool
    additional_response_option: AdditionalResponseOption
    show_tick_marks: bool
    show_tick_labels: bool
    continuous_slider: bool
    timer: NonNegativeInt | None


class SliderRowsConfig(_Screen):
    add_scores: bool
    set_alerts: bool
    timer: NonNegativeInt | None


class SingleSelectionRowsConfig(_Screen):
    timer: NonNegativeInt | None
    add_scores: bool
    set_alerts: bool
    add_tooltip: bool
    add_tokens: bool | None = None


class MultiSelectionRowsConfig(SingleSelectionRowsConfig):
    pass


class NumberSelectionConfig(_Screen):
    additional_response_option: AdditionalResponseOption


class TextConfig(_Screen):
    max_response_length: PositiveInt = 300
    correct_answer_required: bool
    correct_answer: str | None = Field(default=None, max_length=300)
    numerical_response_required: bool
    response_data_identifier: bool
    response_required: bool
    is_identifier: bool | None = None


class ParagraphTextConfig(_Screen):
    max_response_length: PositiveInt = 1000
    response_required: bool


class MessageConfig(Shape):
    remove_back_button: bool
    timer: NonNegativeInt | None


class _Default(_Screen):
    additional_response_option: AdditionalResponseOption
    timer: NonNegativeInt | None


class DateConfig(_Default):
    pass


class TimeConfig(_Default):
    pass


class TimeRangeConfig(_Default):
    pass


class GeolocationConfig(_Default):
    pass


class PhotoConfig(_Default):
    pass


class VideoConfig(_Default):
    pass


class AudioConfig(_Default):
    pass


class AudioPlayerConfig(_Screen):
    additional_response_option: AdditionalResponseOption
    play_once: bool


class DrawingConfig(_Default):
    remove_undo_button: bool = False
    navigation_to_top: bool = False
