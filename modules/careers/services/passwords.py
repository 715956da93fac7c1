"""Platform passwords for careers users (spec careers.md §4.3, §9.10): a reset link by email
through the outbox, and its confirmation."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from core.mail import queue_email
from core.models import User

RESET_SUBJECT = "Reset your password"


def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.RESET_PASSWORD_URL.replace("{uid}", uid).replace("{token}", token)


def password_reset_request(*, email: str) -> None:
    """Mail a reset link to the active account with this email, if there is one. The caller
    answers the same either way, so the endpoint reveals no accounts."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    context = {"link": reset_link(user), "email": user.email}
    queue_email(
        user.email,
        RESET_SUBJECT,
        render_to_string("careers/password_reset_email.txt", context),
    )


def password_reset_confirm(*, user: User, password: str) -> None:
    """Set the new password; every refresh token of the account stops working, so a session
    the old password opened cannot outlive it. The used link dies with the old password."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
