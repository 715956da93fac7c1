"""Bodies and answers of auth (#1-#4) and users (#5-#12)."""

from pydantic import Field

from modules.assessments.schemas.common import Email, FreeText, In, Out, PublicUserOut, StrictIn


class LoginIn(In):
    email: Email
    password: str
    device_id: str | None = None


class TokenOut(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"


class LoginOut(Out):
    token: TokenOut
    user: PublicUserOut


class RefreshIn(In):
    refresh_token: str


class LogoutIn(In):
    device_id: str | None = None


class UserCreateIn(In):
    email: Email
    first_name: FreeText = Field(min_length=1)
    last_name: FreeText = Field(min_length=1)
    password: str = Field(min_length=1)


class UserUpdateIn(StrictIn):
    first_name: FreeText = Field(min_length=1)
    last_name: FreeText = Field(min_length=1)


class PasswordChangeIn(StrictIn):
    password: str = Field(min_length=1)
    prev_password: str


class RecoveryIn(In):
    email: Email


class RecoveryApproveIn(In):
    email: Email
    key: str
    password: str = Field(min_length=1)
