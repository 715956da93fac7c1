"""What the applet operations answer (§7): the applet fields, the full Applet with its
structure, and the single-language views of #21, #22, #30 and #31.

Read from model objects: relations through their (prefetched) managers, computed values
through ``validation_alias``; texts in the request's language through ``InLanguage``.
"""

from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field

from modules.assessments.schemas.common import (
    EncryptionOut,
    InLanguage,
    Out,
    Related,
    UtcDateTime,
)


class _AppletBase(Out):
    id: UUID
    display_name: str
    version: str
    image: str
    watermark: str
    theme_id: UUID | None
    encryption: EncryptionOut | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    owner_id: UUID = Field(validation_alias="owner_public_id")
    report_server_ip: str
    report_public_key: str
    report_recipients: list[str]
    report_include_user_id: bool
    report_include_case_id: bool
    report_email_body: str
    # Legacy fields this API does not keep.
    link: str | None = None
    require_login: bool | None = None
    pinned_at: UtcDateTime | None = None
    retention_period: int | None = None
    retention_type: str | None = None
    stream_enabled: bool = False
    stream_ip_address: str | None = None
    stream_port: int | None = None


class AppletTextOut(_AppletBase):
    """#21: the applet with its texts in the request's language."""

    description: InLanguage
    about: InLanguage


class ItemOut(Out):
    id: UUID
    activity_id: UUID
    name: str
    question: dict[str, str]
    response_type: str
    response_values: Any
    config: Any
    order: int
    is_hidden: bool
    conditional_logic: Any
    allow_edit: bool


class _ActivityBase(Out):
    id: UUID
    name: str
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


class ActivityOut(_ActivityBase):
    description: dict[str, str]
    items: Annotated[list[ItemOut], Related]


class FlowItemOut(Out):
    id: UUID
    activity_flow_id: UUID
    activity_id: UUID
    order: int


class _FlowBase(Out):
    id: UUID
    name: str
    is_single_report: bool
    hide_badge: bool
    is_hidden: bool
    order: int
    auto_assign: bool


class FlowOut(_FlowBase):
    description: dict[str, str]
    report_included_activity_name: str | None
    report_included_item_name: str | None
    items: Annotated[list[FlowItemOut], Related]


class AppletOut(_AppletBase):
    """The Applet of #16, #23 and #28: every text as stored, with its whole structure."""

    description: dict[str, str]
    about: dict[str, str]
    activities: Annotated[list[ActivityOut], Related]
    activity_flows: Annotated[list[FlowOut], Related] = Field(validation_alias="flows")


class ActivityTextOut(_ActivityBase):
    """An activity without its items, its description in the request's language."""

    description: InLanguage


def _activity_ids(items: Any) -> list[Any]:
    return [item.activity_id for item in items.all()]


class FlowTextOut(_FlowBase):
    description: InLanguage
    activity_ids: Annotated[list[UUID], BeforeValidator(_activity_ids)] = Field(
        validation_alias="items"
    )


class AppletDetailNoActivitiesOut(AppletTextOut):
    activity_flows: Annotated[list[FlowTextOut], Related] = Field(validation_alias="flows")


class AppletDetailOut(AppletDetailNoActivitiesOut):
    activities: Annotated[list[ActivityTextOut], Related]


class RespondentMetaOut(Out):
    subject_id: UUID = Field(validation_alias="pk")
    secret_user_id: str
    nickname: str
    tag: str | None


class AppletMetaOut(Out):
    has_assessment: bool


class AppletDetailResult(Out):
    """#22: the applet, and what the caller is in it."""

    result: AppletDetailOut
    respondent_meta: RespondentMetaOut | None
    applet_meta: AppletMetaOut


class ActivityItemTextOut(Out):
    id: UUID
    name: str
    question: InLanguage
    response_type: str
    response_values: Any
    config: Any
    order: int
    is_hidden: bool
    conditional_logic: Any
    allow_edit: bool


class ActivityDetailOut(ActivityTextOut):
    """#30: one activity in the request's language, with its items."""

    items: Annotated[list[ActivityItemTextOut], Related]


class AppletActivitiesOut(Out):
    """#31: every activity of the applet with its items, and the applet itself."""

    activities_details: Annotated[list[ActivityDetailOut], Related]
    applet_detail: AppletDetailNoActivitiesOut
    respondent_meta: RespondentMetaOut | None = None
