"""The caller's account (spec careers.md §4.3): name, status, language profile, peer feedback,
the public feedback link, and password reset."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from core.auth import AuthedRequest
from core.schemas import ErrorOut, body_docs
from modules.careers import bodies, selectors
from modules.careers.api.common import (
    AUTHED,
    BODY,
    FEEDBACK_THROTTLE,
    MISSING,
    RESET_THROTTLE,
    TAGS,
    THROTTLED,
)
from modules.careers.auth import careers_bearer
from modules.careers.errors import PASSWORD_RESET
from modules.careers.schemas import (
    CareersUserIn,
    CareersUserOut,
    FeedbackCreatedOut,
    FeedbackSubjectOut,
    FeedbackSummaryOut,
    LanguageProfileOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    PasswordResetOut,
    RatingIn,
    UserStatusOut,
    user_out,
)
from modules.careers.services import accounts, passwords, public
from modules.careers.visits import visit_of

router = Router(tags=TAGS, auth=careers_bearer)


@router.get(
    "user/",
    response={200: CareersUserOut, **AUTHED},
    summary="The caller's name, public id (xref) and email",
)
def get_careers_user(request: AuthedRequest) -> dict[str, Any]:
    return user_out(request.auth, selectors.profile_get(actor=request.auth))


@router.put(
    "user/",
    response={200: CareersUserOut, **BODY, **AUTHED},
    summary="Set the caller's name",
    description="Only `name` is read; the email follows the account (or the Firebase token).",
    openapi_extra=body_docs(CareersUserIn),
)
def update_careers_user(request: AuthedRequest) -> dict[str, Any]:
    name = bodies.user_name(request)
    return user_out(request.auth, accounts.profile_rename(actor=request.auth, name=name))


@router.get(
    "user/status/",
    response={200: UserStatusOut, **AUTHED},
    summary="Which polls the caller answered, and the words of their transcribed stories",
)
def get_careers_user_status(request: AuthedRequest) -> dict[str, Any]:
    return selectors.user_status(actor=request.auth)


@router.get(
    "user/profile/",
    response={200: LanguageProfileOut, **AUTHED},
    summary="The caller's language profile over their transcribed stories",
)
def get_careers_language_profile(request: AuthedRequest) -> dict[str, Any]:
    return selectors.user_language_profile(actor=request.auth)


@router.get(
    "user/feedback/",
    response={200: FeedbackSummaryOut, **AUTHED},
    summary="Peer feedback about the caller, counted by option",
)
def get_careers_feedback_summary(request: AuthedRequest) -> dict[str, Any]:
    return selectors.feedback_summary(actor=request.auth)


@router.get(
    "user/feedback/{xref}/",
    auth=None,
    response={200: FeedbackSubjectOut, **MISSING},
    summary="Whom a public feedback link names",
)
def get_feedback_subject(request: HttpRequest, xref: str) -> dict[str, str]:
    profile = selectors.profile_by_xref(xref=xref)
    return {"xref": str(profile.xref), "name": profile.name}


@router.post(
    "user/feedback/{xref}/",
    auth=None,
    throttle=FEEDBACK_THROTTLE,
    response={201: FeedbackCreatedOut, **BODY, **MISSING, **THROTTLED},
    summary="Rate someone through their public feedback link",
    openapi_extra=body_docs(RatingIn),
)
def create_peer_feedback(request: HttpRequest, xref: str) -> Status:
    subject = selectors.profile_by_xref(xref=xref)
    fields = bodies.rating_block(request)
    feedback = public.feedback_create(subject=subject, fields=fields, visit=visit_of(request))
    return Status(201, {"id": feedback.pk, "create_date": feedback.create_date})


@router.post(
    "user/reset_password/",
    auth=None,
    throttle=RESET_THROTTLE,
    response={200: PasswordResetOut, **BODY, **THROTTLED},
    summary="Email a password-reset link",
    description="Answers the same whether or not an account has the email.",
    openapi_extra=body_docs(PasswordResetIn),
)
def request_password_reset(request: HttpRequest) -> dict[str, str]:
    email = bodies.reset_email(request)
    passwords.password_reset_request(email=email)
    return {"email": email}


@router.post(
    "user/reset_password/confirm/",
    auth=None,
    throttle=RESET_THROTTLE,
    response={200: ErrorOut, **BODY, **THROTTLED},
    summary="Set a new password with a reset link's uid and token",
    description="Every refresh token of the account stops working.",
    openapi_extra=body_docs(PasswordResetConfirmIn),
)
def confirm_password_reset(request: HttpRequest) -> dict[str, str]:
    confirmation = bodies.reset_confirmation(request)
    passwords.password_reset_confirm(**confirmation)
    return {"detail": PASSWORD_RESET}
