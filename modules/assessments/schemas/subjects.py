"""Bodies and answers of the subjects (#39-#41)."""

from uuid import UUID

from pydantic import Field

from modules.assessments.schemas.common import Email, FreeText, In, Out, UtcDateTime


class SubjectCreateIn(In):
    applet_id: UUID
    language: str = Field(min_length=1, max_length=16)
    first_name: FreeText = Field(min_length=1)
    last_name: FreeText = Field(min_length=1)
    secret_user_id: FreeText = Field(min_length=1)
    nickname: FreeText | None = None
    email: Email | None = None
    tag: FreeText | None = None


class SubjectDeleteIn(In):
    delete_answers: bool = Field(
        description="true: first delete every answer naming the subject (target, source, input)."
    )


class SubjectOut(Out):
    id: UUID
    applet_id: UUID
    email: str | None
    creator_id: UUID | None
    user_id: UUID | None
    language: str
    first_name: str
    last_name: str
    secret_user_id: str
    nickname: str
    tag: str | None


class SubjectDetailOut(Out):
    id: UUID
    secret_user_id: str
    nickname: str
    tag: str | None
    last_seen: UtcDateTime | None
    applet_id: UUID
    user_id: UUID | None
    first_name: str
    last_name: str
