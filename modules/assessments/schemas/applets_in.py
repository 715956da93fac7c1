"""Applet bodies: AppletCreate (#16), AppletUpdate (#23, ids kept), duplicate (#28) and
encryption (#29). The item rules of §8 run in ``items.rules`` after the role checks."""

from typing import Any
from uuid import UUID

from pydantic import Field

from modules.assessments.schemas.common import Encryption, FreeText, In, StrictIn, Texts


class ItemIn(In):
    id: UUID | None = Field(default=None, description="Update: the live item's id; null is new.")
    name: str
    question: Texts = Field(default_factory=dict)
    response_type: str
    response_values: Any = None
    config: Any
    is_hidden: bool = False
    conditional_logic: Any = None
    allow_edit: bool = False


class ActivityIn(In):
    id: UUID | None = Field(default=None, description="Update: the live activity's id.")
    key: UUID = Field(description="The client's id for this activity; flow items name it.")
    name: FreeText
    description: Texts = Field(default_factory=dict)
    splash_screen: str = ""
    image: str = ""
    show_all_at_once: bool = False
    is_skippable: bool = False
    is_reviewable: bool = False
    response_is_editable: bool = False
    is_hidden: bool = False
    scores_and_reports: Any = None
    subscale_setting: Any = None
    performance_task_type: str | None = None
    report_included_item_name: str | None = None
    auto_assign: bool = True
    items: list[ItemIn] = Field(default_factory=list)


class FlowItemIn(In):
    id: UUID | None = None
    activity_key: UUID


class FlowIn(In):
    id: UUID | None = Field(default=None, description="Update: the live flow's id.")
    name: FreeText
    description: Texts = Field(default_factory=dict)
    is_single_report: bool = False
    hide_badge: bool = False
    is_hidden: bool = False
    report_included_activity_name: str | None = None
    report_included_item_name: str | None = None
    auto_assign: bool = True
    items: list[FlowItemIn] = Field(default_factory=list)


class _AppletFields(In):
    display_name: FreeText
    description: Texts = Field(default_factory=dict)
    about: Texts = Field(default_factory=dict)
    image: str = ""
    watermark: str = ""
    theme_id: UUID | None = None
    report_server_ip: str = ""
    report_public_key: str = ""
    report_recipients: list[str] = Field(default_factory=list)
    report_include_user_id: bool = False
    report_include_case_id: bool = False
    report_email_body: FreeText = ""
    # Legacy fields the clients still send; accepted, not kept (answered as null).
    link: Any = None
    require_login: Any = None
    pinned_at: Any = None
    retention_period: Any = None
    retention_type: Any = None
    stream_enabled: Any = None
    stream_ip_address: Any = None
    stream_port: Any = None
    extra_fields: Any = None
    activities: list[ActivityIn]
    activity_flows: list[FlowIn] = Field(default_factory=list)


class AppletCreateIn(_AppletFields, StrictIn):
    encryption: Encryption | None = None


class AppletUpdateIn(_AppletFields):
    encryption: Encryption


class AppletDuplicateIn(In):
    display_name: FreeText
    encryption: Encryption
    include_report_server: bool = False
