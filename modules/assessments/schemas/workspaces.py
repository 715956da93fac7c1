"""Workspace answers (#13-#19) and the access removal body (#20)."""

from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field, RootModel

from modules.assessments.schemas.common import (
    EncryptionOut,
    In,
    Out,
    PageQuery,
    QueryText,
    UtcDateTime,
)


class WorkspaceOut(Out):
    owner_id: UUID
    workspace_name: str
    use_arbitrary: bool


class RolesOut(RootModel[dict[str, list[str]]]):
    """``{"<appletId>": ["owner", "respondent"]}``, highest role first."""


class WorkspaceDetailOut(Out):
    name: str
    has_managers: bool


class WorkspaceAppletOut(Out):
    id: UUID
    display_name: str
    image: str
    is_pinned: bool = False
    encryption: EncryptionOut | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    version: str
    role: str | None
    type: str = "applet"
    folders_applet_count: int = 0
    description: dict[str, str]
    activity_count: int


class ManagerRoleOut(Out):
    access_id: UUID
    role: str
    reviewer_subjects: list[Any]


class ManagerAppletOut(Out):
    id: UUID
    display_name: str
    image: str
    encryption: EncryptionOut | None
    roles: list[ManagerRoleOut]


class ManagerOut(Out):
    id: UUID
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    last_seen: UtcDateTime | None
    created_at: UtcDateTime
    is_pinned: bool
    applets: list[ManagerAppletOut]
    title: str | None
    titles: list[str]
    status: str
    invitation_key: str | None


class InvitationBriefOut(Out):
    email: str
    applet_id: UUID
    applet_name: str
    role: str
    key: UUID
    status: str
    first_name: str
    last_name: str
    created_at: UtcDateTime
    meta: Any
    nickname: str | None
    secret_user_id: str | None
    tag: str | None
    title: str | None


class RespondentDetailOut(Out):
    applet_id: UUID
    applet_display_name: str
    applet_image: str
    access_id: UUID | None
    respondent_nickname: str
    respondent_secret_id: str
    has_individual_schedule: bool
    encryption: EncryptionOut | None
    subject_id: UUID
    subject_tag: str | None
    subject_first_name: str
    subject_last_name: str
    subject_created_at: UtcDateTime
    invitation: InvitationBriefOut | None


class RespondentOut(Out):
    id: UUID | None
    nicknames: list[str]
    secret_ids: list[str]
    is_anonymous_respondent: bool
    last_seen: UtcDateTime | None
    is_pinned: bool
    status: str
    email: str | None
    subjects: list[UUID]
    details: list[RespondentDetailOut]


class RolesQuery(Schema):
    applet_ids: list[str] | None = Field(
        default=None, alias="appletIds", description="Repeated or comma-separated applet ids."
    )


class RespondentsQuery(PageQuery):
    role: str | None = None
    shell: bool | None = Field(default=None, description="true: limited accounts only.")
    user_id: UUID | None = Field(default=None, alias="userId")
    respondent_secret_id: QueryText | None = Field(default=None, alias="respondentSecretId")


class AccessRemoveIn(In):
    user_id: UUID
    applet_ids: list[UUID] = Field(min_length=1)
