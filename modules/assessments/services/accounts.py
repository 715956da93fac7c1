"""Logging in and out on core's tokens (#1-#4) and the account itself (#5-#9).

The account is the platform's one ``User``; its token blacklist is core's, so a logout here
ends the session on every API.
"""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from ninja_jwt.tokens import AccessToken, RefreshToken

from core.auth import access_revoke, refresh_revoke, token_pair_for
from core.models import User
from modules.assessments import errors
from modules.assessments.auth import decode_refresh, refresh_revoked
from modules.assessments.errors import BadRequest, Missing, TokenRefused, WrongCredentials
from modules.assessments.models import UserDevice
from modules.assessments.services.reencryption import reencryption_active, reencryption_queue
from modules.assessments.services.workspaces import workspace_ensure, workspace_follow_owner


def login(*, email: str, password: str, device_id: str | None) -> dict[str, Any]:
    """A token pair for the account; a wrong password is refused alike for unknown accounts,
    a deactivated one is ``User is deleted.``"""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        User().set_password(password)  # as long as a real check: no hint that it is unknown
        raise WrongCredentials()
    if not user.check_password(password):
        raise WrongCredentials()
    if not user.is_active:
        raise Missing(errors.USER_DELETED)
    with transaction.atomic():
        if device_id:
            UserDevice.objects.get_or_create(user=user, device_id=device_id)
        pair = token_pair_for(user)
    token = {"access_token": pair["access"], "refresh_token": pair["refresh"]}
    return {"token": token, "user": user}


def token_refresh(*, refresh_token: str) -> dict[str, str]:
    """A new access token for the refresh token, which is not rotated (the legacy clients keep
    it); the access token names it (``rjti``) so a logout revokes both."""
    refresh = decode_refresh(refresh_token)
    if refresh is None:
        raise BadRequest(errors.BAD_REFRESH_TOKEN)
    if refresh_revoked(refresh):
        raise TokenRefused()
    if not User.objects.filter(pk=refresh.get("user_id"), is_active=True).exists():
        raise BadRequest(errors.BAD_REFRESH_TOKEN)
    access = refresh.access_token
    access["rjti"] = refresh["jti"]
    return {"access_token": str(access), "refresh_token": refresh_token}


def _access(raw: str) -> AccessToken:
    """The access token the request was authenticated by (its signature already checked)."""
    return AccessToken(raw, verify=False)


def logout(*, user: User, access_token: str, device_id: str | None) -> None:
    """Revoke the access token and its refresh token everywhere; forget the device."""
    with transaction.atomic():
        access_revoke(token=_access(access_token))
        if device_id:
            UserDevice.objects.filter(user=user, device_id=device_id).delete()


def logout_refresh(*, refresh_token: str) -> None:
    """Revoke a refresh token: its next refresh fails; access tokens live until they expire."""
    refresh_revoke(token=RefreshToken(refresh_token, verify=False))


def password_problems(password: str, user: User) -> list[str]:
    """Why the password cannot be used: blank spaces, else every failing platform validator."""
    if " " in password:
        return [errors.PASSWORD_SPACES]
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def user_register(*, email: str, first_name: str, last_name: str, password: str) -> User:
    """A platform account (for every module) and its MindLogger workspace."""
    if User.objects.filter(email__iexact=email).exists():
        raise BadRequest(errors.EMAIL_TAKEN)
    user = User(email=email, first_name=first_name, last_name=last_name)
    problems = password_problems(password, user)
    if problems:
        raise BadRequest(*problems)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            workspace_ensure(user)
    except IntegrityError:
        raise BadRequest(errors.EMAIL_TAKEN) from None
    return user


def user_update(*, user: User, first_name: str, last_name: str) -> User:
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        workspace_follow_owner(user)
    return user


def user_deactivate(*, user: User, access_token: str) -> None:
    """The account stops working on every module; its answers stay."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        access_revoke(token=_access(access_token))


def password_change(*, user: User, password: str, prev_password: str) -> User:
    """The new password and the re-encryption of the user's answers (§9), in one transaction:
    the job is only queued when the password is saved. The user's row is locked first, so two
    changes at once cannot both pass the "job in progress" check."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if reencryption_active(user=user):
            raise BadRequest(errors.REENCRYPTION_IN_PROGRESS)
        if " " in password:
            raise BadRequest(errors.PASSWORD_SPACES)
        if not user.check_password(prev_password):
            raise BadRequest(errors.OLD_PASSWORD_WRONG)
        problems = password_problems(password, user)
        if problems:
            raise BadRequest(*problems)
        user.set_password(password)
        user.save(update_fields=["password"])
        reencryption_queue(user=user, old_password=prev_password, new_password=password)
    return user
