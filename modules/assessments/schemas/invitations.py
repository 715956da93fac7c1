"""Bodies and answers of the invitations (#32-#38)."""

from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from modules.assessments.schemas.common import (
    Email,
    FreeText,
    In,
    Out,
    PageQuery,
    QueryText,
    UtcDateTime,
)

TeamRole = Literal["manager", "coordinator", "editor"]


class InviteIn(In):
    email: Email
    first_name: FreeText = Field(min_length=1)
    last_name: FreeText = Field(min_length=1)
    language: str = Field(
        min_length=1, max_length=16, description="Mail language: en, fr or el (others get en)."
    )


class RespondentInviteIn(InviteIn):
    secret_user_id: FreeText = Field(min_length=1)
    nickname: FreeText | None = None
    tag: FreeText | None = None


class TeamInviteIn(InviteIn):
    workspace_prefix: FreeText | None = Field(
        None, description="Renames your workspace, once (only while it keeps its first name)."
    )
    title: FreeText | None = None


class ReviewerInviteIn(TeamInviteIn):
    subjects: list[UUID] = Field(description="Subjects of the applet the reviewer may read.")


class ManagerInviteIn(TeamInviteIn):
    role: TeamRole


class RespondentInvitationOut(Out):
    id: UUID
    applet_id: UUID
    applet_name: str
    key: UUID
    status: str
    first_name: str
    last_name: str
    user_id: UUID | None
    tag: str | None
    secret_user_id: str
    nickname: str
    role: str


class TeamInvitationOut(Out):
    """What #33 and #34 share, up to ``key``: the keys after it differ in order (legacy)."""

    id: UUID
    email: str
    applet_id: UUID
    applet_name: str
    role: str
    status: str
    first_name: str
    last_name: str
    key: UUID


class ManagerInvitationOut(TeamInvitationOut):
    user_id: UUID | None
    tag: str | None
    title: str | None


class ReviewerInvitationOut(TeamInvitationOut):
    subjects: list[UUID]
    user_id: UUID | None
    tag: str | None
    title: str | None


class InvitationOut(Out):
    email: str
    applet_id: UUID
    applet_name: str
    role: str
    key: UUID
    status: str
    first_name: str
    last_name: str
    created_at: UtcDateTime
    meta: dict[str, Any]
    nickname: str
    secret_user_id: str
    tag: str | None
    title: str | None


class InvitationsQuery(PageQuery):
    applet_id: UUID | None = Field(default=None, alias="appletId")
    role: QueryText | None = None
