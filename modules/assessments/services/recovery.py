"""Password recovery (#10-#12): a single-use key mailed through the outbox, kept as a hash.

Asking says nothing about whether the account exists. A key works once, for its account's
email, until ``ASSESSMENTS_PASSWORD_RECOVERY_TTL`` seconds have passed; a new request replaces
the earlier keys. No re-encryption follows (the old password is unknown).
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail import queue_email
from core.models import User
from modules.assessments import errors
from modules.assessments.errors import BadRequest, Missing
from modules.assessments.models import PasswordRecovery
from modules.assessments.services.accounts import password_problems

SUBJECT = "Password reset"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def recovery_request(*, email: str, admin: bool) -> None:
    """Mail a recovery link to an active account; for any other address do nothing, alike."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    key = secrets.token_urlsafe(32)
    base = (
        settings.ASSESSMENTS_ADMIN_PASSWORD_RECOVERY_URL
        if admin
        else settings.ASSESSMENTS_PASSWORD_RECOVERY_URL
    )
    link = f"{base}?{urlencode({'key': key, 'email': user.email})}"
    ttl = settings.ASSESSMENTS_PASSWORD_RECOVERY_TTL
    context = {"user": user, "link": link, "minutes": max(1, ttl // 60)}
    with transaction.atomic():
        PasswordRecovery.objects.filter(user=user).delete()
        PasswordRecovery.objects.create(
            user=user, key_hash=_hash(key), expires_at=timezone.now() + timedelta(seconds=ttl)
        )
        queue_email(
            user.email,
            SUBJECT,
            render_to_string("assessments/password_recovery.txt", context),
            render_to_string("assessments/password_recovery.html", context),
        )


def _live_key(email: str, key: str) -> PasswordRecovery | None:
    return (
        PasswordRecovery.objects.select_related("user")
        .filter(
            key_hash=_hash(key),
            user__email__iexact=email,
            user__is_active=True,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def recovery_approve(*, email: str, key: str, password: str) -> User:
    """Set the new password; every key of the account is used up."""
    recovery = _live_key(email, key)
    if recovery is None:
        raise Missing(errors.RECOVERY_KEY_NOT_FOUND)
    user = recovery.user
    problems = password_problems(password, user)
    if problems:
        raise BadRequest(*problems)
    with transaction.atomic():
        now = timezone.now()
        # Only one of two racing approvals uses the key.
        if not PasswordRecovery.objects.filter(pk=recovery.pk, used_at__isnull=True).update(
            used_at=now
        ):
            raise Missing(errors.RECOVERY_KEY_NOT_FOUND)
        PasswordRecovery.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def recovery_check(*, email: str, key: str) -> None:
    """Whether a recovery link still works (the client asks before showing its form)."""
    if _live_key(email, key) is None:
        raise Missing(errors.RECOVERY_LINK_INVALID)
