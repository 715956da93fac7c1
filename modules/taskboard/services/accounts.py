"""TaskTable's own account endpoints on core's users and tokens: register, log in, log out."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.auth import token_blacklist, token_pair_for
from core.errors import LegacyError
from core.models import User
from modules.taskboard.validation import MISSING, BodyFields

USERNAME_TAKEN = "username already exist"
EMAIL_TAKEN = "email already exist"
LOGIN_FAILED = {"error": "username or password invalid"}

_username_rules = UnicodeUsernameValidator()
USERNAME_MAX = User._meta.get_field("username").max_length
EMAIL_MAX = User._meta.get_field("email").max_length


def user_register(*, data: Mapping[str, Any]) -> User:
    """A new active account; the password must satisfy Django's validators for this user."""
    fields = BodyFields(data)
    username = fields.text("username", max_length=USERNAME_MAX)
    if username is not MISSING:
        _validate(fields, "username", username, _username_rules)
        _username_free(fields, username)
    email = fields.text("email", max_length=EMAIL_MAX)
    if email is not MISSING:
        _validate(fields, "email", email, validate_email)
        _email_free(fields, email)
    password = fields.text("password", trim=False)
    if password is not MISSING:
        candidate = User(
            username=username if fields.ok("username") else None,
            email=email if fields.ok("email") else "",
        )
        _validate(fields, "password", password, lambda value: validate_password(value, candidate))
    fields.raise_if_any()
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, username=username)
    except IntegrityError:
        # Lost a race with a registration of the same name or address: the same 400.
        recheck = BodyFields({})
        _username_free(recheck, username)
        _email_free(recheck, email)
        recheck.raise_if_any()
        raise


def user_login(*, data: Mapping[str, Any]) -> dict[str, str]:
    """Tokens for a username (tried first) or an email address and the right password."""
    fields = BodyFields(data)
    identifier = fields.text("username")
    password = fields.text("password", trim=False)
    fields.raise_if_any()
    candidates: list[User | None] = []
    # Nothing longer than an address (or a username) can match; SQLite refuses such a LIKE.
    if len(identifier) <= EMAIL_MAX:
        candidates = [
            User.objects.filter(username=identifier).first(),
            User.objects.filter(email__iexact=identifier).first(),
        ]
    for user in candidates:
        if user is not None and user.check_password(password) and user.is_active:
            tokens = token_pair_for(user)
            return {"Authorization": f"Bearer {tokens['access']}", "refresh": tokens["refresh"]}
    if not any(candidates):
        # Hash anyway, so the answer takes as long for an unknown user as for a wrong password.
        User().set_password(password)
    raise LegacyError(LOGIN_FAILED, status_code=400)


def user_logout(*, data: Mapping[str, Any]) -> None:
    """Revoke the refresh token the client sends; anything else is quietly ignored.

    A token is ASCII; anything else (a lone surrogate) would crash the JWT decoder.
    """
    refresh = data.get("refresh")
    if isinstance(refresh, str) and refresh.strip() and refresh.isascii():
        token_blacklist(refresh=refresh.strip())


def _username_free(fields: BodyFields, username: str) -> None:
    """Usernames match exactly, as the unique index does."""
    if fields.ok("username") and User.objects.filter(username=username).exists():
        fields.fail("username", USERNAME_TAKEN)


def _email_free(fields: BodyFields, email: str) -> None:
    """Addresses match ignoring case, as the unique index on lower(email) does."""
    if fields.ok("email") and User.objects.filter(email__iexact=email).exists():
        fields.fail("email", EMAIL_TAKEN)


def _validate(fields: BodyFields, name: str, value: str, validator: Any) -> None:
    try:
        validator(value)
    except DjangoValidationError as exc:
        for message in exc.messages:
            fields.fail(name, message)
