"""Bodies and answers of #42-#47, check-existence and the export (spec §13).

Times come as epoch milliseconds or ISO text (naive = UTC) and leave as UTC without an offset;
the export gives its three answer times in epoch seconds, as the legacy web client reads them.
"""

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from modules.assessments.schemas.common import In, Out, StrictIn, UtcDateTime


def _moment(value: Any) -> Any:
    """Epoch milliseconds (a number, or digits) or ISO text; always an aware UTC datetime."""
    if isinstance(value, bool):
        raise PydanticCustomError("datetime_type", "Input should be a valid datetime")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise PydanticCustomError(
                "datetime_from_timestamp", "Input should be a valid timestamp in milliseconds"
            ) from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PydanticCustomError(
                "datetime_parsing", "Input should be a valid datetime"
            ) from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return value


# A time a client sends: epoch ms or ISO (naive = UTC).
Moment = Annotated[
    datetime,
    BeforeValidator(_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "description": "epoch milliseconds"},
                {"type": "string", "format": "date-time"},
            ]
        }
    ),
]


class ItemAnswerIn(StrictIn):
    answer: str | None = None
    events: str | None = None
    item_ids: list[UUID]
    identifier: str | None = None
    user_public_key: str | None = None
    start_time: Moment
    end_time: Moment
    scheduled_time: Moment | None = None
    scheduled_event_id: str | None = None
    local_end_date: date | None = None
    local_end_time: time | None = None
    tz_offset: int | None = Field(None, ge=-24 * 60, le=24 * 60)


class ClientIn(In):
    """The submitting app; other keys it sends (screen size...) are kept."""

    model_config = ConfigDict(extra="allow")

    app_id: str = Field(min_length=1)
    app_version: str = Field(min_length=1)


class AlertIn(StrictIn):
    activity_item_id: UUID
    message: str


class AnswerIn(StrictIn):
    applet_id: UUID
    version: str = Field(min_length=1, max_length=32)
    submit_id: UUID
    activity_id: UUID
    flow_id: UUID | None = None
    is_flow_completed: bool | None = None
    answer: ItemAnswerIn
    created_at: Moment | None = None
    client: ClientIn
    alerts: list[AlertIn] = Field(default_factory=list)
    target_subject_id: UUID | None = None
    source_subject_id: UUID | None = None
    input_subject_id: UUID | None = None


class ExistenceIn(In):
    applet_id: UUID
    activity_id: UUID
    created_at: Moment
    submit_id: UUID | None = None


class ExistenceOut(Out):
    exists: bool


class ReviewCountOut(Out):
    mine: int = 0
    other: int = 0


class ItemHistoryOut(Out):
    """An item as recorded in one version."""

    id: UUID
    name: str
    question: Any
    response_type: str
    response_values: Any
    config: Any
    order: int
    is_hidden: bool
    conditional_logic: Any
    allow_edit: bool
    id_version: str


class ActivityAnswerOut(Out):
    answer_id: UUID
    version: str
    user_public_key: str | None
    answer: str | None
    events: str | None
    item_ids: list[str]
    items: list[ItemHistoryOut]
    start_datetime: UtcDateTime
    end_datetime: UtcDateTime
    subscale_setting: Any
    review_count: ReviewCountOut = Field(default_factory=ReviewCountOut)


class ActivityHistoryOut(Out):
    id: UUID
    id_version: str
    name: str
    description: Any
    splash_screen: str
    image: str
    show_all_at_once: bool
    is_skippable: bool
    is_reviewable: bool
    response_is_editable: bool
    is_hidden: bool
    order: int
    scores_and_reports: Any
    subscale_setting: Any
    performance_task_type: str | None
    is_performance_task: bool
    report_included_item_name: str | None
    auto_assign: bool
    applet_id: str
    items: list[ItemHistoryOut]


class SubjectBriefOut(Out):
    id: UUID
    secret_user_id: str
    nickname: str
    tag: str | None


class AnswerDetailOut(Out):
    id: UUID
    submit_id: UUID
    version: str
    activity_history_id: str
    activity_id: UUID
    flow_history_id: str | None
    user_public_key: str | None
    answer: str | None
    events: str | None
    item_ids: list[str]
    identifier: str | None
    start_datetime: UtcDateTime
    end_datetime: UtcDateTime
    created_at: UtcDateTime
    source_subject: SubjectBriefOut


class IdentifierOut(Out):
    identifier: str
    user_public_key: str | None
    last_answer_date: UtcDateTime


class SummaryOut(Out):
    end_datetime: UtcDateTime
    created_at: UtcDateTime
    version: str
    identifier: IdentifierOut | None


class AnswerReadOut(Out):
    activity: ActivityHistoryOut
    answer: AnswerDetailOut
    summary: SummaryOut


class ActivitySummaryOut(Out):
    id: UUID
    name: str
    is_performance_task: bool
    has_answer: bool
    last_answer_date: UtcDateTime | None


class AnswerDateOut(Out):
    answer_id: UUID
    created_at: UtcDateTime
    end_datetime: UtcDateTime


class ReviewActivityOut(Out):
    id: UUID
    name: str
    answer_dates: list[AnswerDateOut]
    last_answer_date: UtcDateTime | None


class DatesOut(Out):
    dates: list[date]


class ExportAnswerOut(Out):
    """One row of the export; the CSV has these columns in this order."""

    id: UUID
    submit_id: UUID
    version: str
    applet_id: UUID
    activity_id: UUID
    flow_id: UUID | None
    applet_history_id: str
    activity_history_id: str
    flow_history_id: str | None
    flow_name: str | None
    respondent_id: UUID
    respondent_secret_id: str | None
    target_subject_id: UUID
    target_secret_id: str | None
    source_subject_id: UUID
    source_secret_id: str | None
    relation: str | None
    user_public_key: str | None
    answer: str | None
    events: str | None
    item_ids: list[str]
    scheduled_datetime: float | None
    start_datetime: float
    end_datetime: float
    tz_offset: int | None
    scheduled_event_id: str | None
    reviewed_answer_id: None = None
    created_at: UtcDateTime
    client: dict[str, Any]


class ExportOut(Out):
    answers: list[ExportAnswerOut]
    activities: list[ActivityHistoryOut]


class ExportResult(Out):
    result: ExportOut
    count: int


class ActivityAnswersQuery(BaseModel):
    respondent_id: UUID | None = Field(default=None, alias="respondentId")
    target_subject_id: UUID | None = Field(default=None, alias="targetSubjectId")
    from_datetime: Moment | None = Field(default=None, alias="fromDatetime")
    to_datetime: Moment | None = Field(default=None, alias="toDatetime")
    versions: str | None = Field(default=None, description="Comma-separated versions.")
    identifiers: str | None = Field(default=None, description="Comma-separated identifiers.")
    empty_identifiers: bool = Field(default=True, alias="emptyIdentifiers")


class SummaryQuery(BaseModel):
    target_subject_id: UUID | None = Field(default=None, alias="targetSubjectId")
    respondent_id: UUID | None = Field(default=None, alias="respondentId")


class ReviewQuery(BaseModel):
    target_subject_id: UUID | None = Field(default=None, alias="targetSubjectId")
    created_date: date = Field(alias="createdDate")


class DatesQuery(BaseModel):
    target_subject_id: UUID | None = Field(default=None, alias="targetSubjectId")
    from_date: date | None = Field(default=None, alias="fromDate")
    to_date: date | None = Field(default=None, alias="toDate")


class ExportQuery(BaseModel):
    respondent_ids: list[UUID] = Field(
        default_factory=list, alias="respondentIds", description="Repeated."
    )
    target_subject_ids: list[UUID] = Field(
        default_factory=list, alias="targetSubjectIds", description="Repeated."
    )
    from_date: date | None = Field(default=None, alias="fromDate")
    to_date: date | None = Field(default=None, alias="toDate")
    page: int = Field(1, ge=1)
    limit: int = Field(10000, ge=1, le=10000)
    activities_last_version: bool = Field(default=False, alias="activitiesLastVersion")
    format: Literal["json", "csv"] = Field(
        default="json", description="`csv`: every match, streamed, paging ignored."
    )
