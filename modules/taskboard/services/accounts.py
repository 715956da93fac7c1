"""TaskTable's own account endpoints on core's users and tokens: register, log in, log out."""

from django.db import IntegrityError, transaction

from core.auth import token_blacklist, token_pair_for
from core.errors import ErrorCollector
from core.models import User
from modules.taskboard import selectors
from modules.taskboard.errors import EMAIL_TAKEN, USERNAME_TAKEN, LoginFailed

USERNAME_MAX = selectors.char_max_length(User, "username")
EMAIL_MAX = selectors.char_max_length(User, "email")


def user_register(*, username: str, email: str, password: str) -> User:
    """A new active account. The view has checked the fields (free name and address, Django's
    password validators for this user); the unique indexes stop a rival registering first."""
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, username=username)
    except IntegrityError:
        # Lost a race with a registration of the same name or address: the same 400.
        errors = ErrorCollector()
        if selectors.user_username_taken(username=username):
            errors.add("username", USERNAME_TAKEN)
        if selectors.user_email_taken(email=email):
            errors.add("email", EMAIL_TAKEN)
        errors.raise_if_any()
        raise


def user_login(*, username: str, password: str) -> dict[str, str]:
    """Access and refresh tokens for a username (tried first) or an email address and the right
    password; ``LoginFailed`` otherwise, whichever part was wrong."""
    candidates: list[User | None] = []
    # Nothing longer than an address (or a username) can match; SQLite refuses such a LIKE.
    if len(username) <= EMAIL_MAX:
        candidates = [
            User.objects.filter(username=username).first(),
            User.objects.filter(email__iexact=username).first(),
        ]
    for user in candidates:
        if user is not None and user.check_password(password) and user.is_active:
            return token_pair_for(user)
    if not any(candidates):
        # Hash anyway, so the answer takes as long for an unknown user as for a wrong password.
        User().set_password(password)
    raise LoginFailed()


def user_logout(*, refresh: str | None) -> None:
    """Revoke the refresh token the client sent; anything else is quietly ignored.

    A token is ASCII; anything else (a lone surrogate) would crash the JWT decoder.
    """
    if refresh and refresh.strip() and refresh.isascii():
        token_blacklist(refresh=refresh.strip())
