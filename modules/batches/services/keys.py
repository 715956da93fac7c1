"""API keys and the legacy token exchange: API key + cuid → a one-hour platform access token."""

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja_jwt.tokens import AccessToken

from core.errors import ValidationFailed
from core.models import User
from modules.batches.errors import AccountRefused, ApiKeyRefused, EmailRequired
from modules.batches.models import ApiKey, BatchProfile

KEY_LENGTH = 48
PREFIX_LENGTH = 8
_KEY_ALPHABET = string.ascii_letters + string.digits

API_KEY_MISSING = "API Key missing"
API_KEY_INVALID = "Invalid API Key"
API_KEY_UNUSABLE = "API Key expired or revoked"
EMAIL_REQUIRED = "Email required for new user registration"
EMAIL_TAKEN = "A user with this email already exists."
USER_DISABLED = "User account is disabled"
USER_OUTSIDE = "User does not belong to this API key's organization"


def hash_key(key: str) -> str:
    """SHA-256 hex: keys are long and random, so a fast unsalted hash is enough to store them."""
    return hashlib.sha256(key.encode()).hexdigest()


_UNKNOWN_KEY_HASH = hash_key("no key has this value")


def api_key_create(
    *, organization: Group, name: str = "", days: int | None = None, key: str | None = None
) -> tuple[ApiKey, str]:
    """Mint a key for an organization; the clear key is returned once and never stored."""
    days = settings.BATCH_API_KEY_DAYS if days is None else days
    for _ in range(10):
        clear = key or "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    organization=organization,
                    name=name,
                    prefix=clear[:PREFIX_LENGTH],
                    key_hash=hash_key(clear),
                    expires_at=timezone.now() + timedelta(days=days),
                )
        except IntegrityError:
            if key:
                raise
            continue
        return api_key, clear
    raise RuntimeError("could not find a free API key prefix")


def api_key_revoke(*, key_ids: Iterable[int]) -> int:
    """Staff revoke keys; tokens already issued live out their hour."""
    return ApiKey.objects.filter(pk__in=list(key_ids), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_key_check(*, key: str) -> ApiKey:
    """The valid key behind a clear value, else ``ApiKeyRefused``. Hashes compare in constant
    time."""
    if not key:
        raise ApiKeyRefused(API_KEY_MISSING)
    if "\x00" in key:
        raise ApiKeyRefused(API_KEY_INVALID)
    candidate = ApiKey.objects.select_related("organization").filter(prefix=key[:PREFIX_LENGTH])
    api_key = candidate.first()
    # Compare even when the prefix is unknown, so timing does not tell which prefixes exist.
    expected = api_key.key_hash if api_key is not None else _UNKNOWN_KEY_HASH
    matches = hmac.compare_digest(expected, hash_key(key))
    if api_key is None or not matches:
        raise ApiKeyRefused(API_KEY_INVALID)
    now = timezone.now()
    if not api_key.is_valid(now=now):
        raise ApiKeyRefused(API_KEY_UNUSABLE)
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


def token_exchange(*, api_key: ApiKey, cuid: str, email: str | None) -> dict[str, Any]:
    """The token of the cuid's user, registered in the key's organization on a first visit
    (which takes an email); ``api_key`` is the checked key (``api_key_check``)."""
    user = _resolve_user(organization=api_key.organization, cuid=cuid, email=email)
    return batch_token_for(user)


def _resolve_user(*, organization: Group, cuid: str, email: str | None) -> User:
    profile = BatchProfile.objects.select_related("user").filter(cuid=cuid).first()
    if profile is None:
        if email is None:
            raise EmailRequired(EMAIL_REQUIRED)
        try:
            return _register(organization=organization, cuid=cuid, email=email)
        except IntegrityError:
            # Another request registered this cuid (or email) at the same moment.
            profile = BatchProfile.objects.select_related("user").filter(cuid=cuid).first()
            if profile is None:
                raise ValidationFailed(field="email", message=EMAIL_TAKEN) from None
    user = profile.user
    if not user.is_active:
        raise AccountRefused(USER_DISABLED)
    if not user.groups.filter(pk=organization.pk).exists():
        raise AccountRefused(USER_OUTSIDE)
    return user


@transaction.atomic
def _register(*, organization: Group, cuid: str, email: str) -> User:
    """First visit of a cuid: a new member, or an existing plain member who has no cuid yet."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User.objects.create_user(email=email, password=None)
        user.groups.add(organization)
    elif (
        existing.is_staff
        or BatchProfile.objects.filter(user=existing).exists()
        or not existing.groups.filter(pk=organization.pk).exists()
    ):
        raise ValidationFailed(field="email", message=EMAIL_TAKEN)
    elif not existing.is_active:
        raise AccountRefused(USER_DISABLED)
    else:
        user = existing
    BatchProfile.objects.create(user=user, cuid=cuid)
    return user


def batch_token_for(user: User) -> dict[str, Any]:
    """A platform access token (no refresh) living ``BATCH_TOKEN_LIFETIME`` seconds."""
    # ninja_jwt types for_user's cls as an instance (T), so mypy cannot call it on the class.
    token: AccessToken = cast(Any, AccessToken).for_user(user)
    token.set_exp(lifetime=timedelta(seconds=settings.BATCH_TOKEN_LIFETIME))
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
    return {"access_token": str(token), "expires_in": int(token["exp"]) - int(token["iat"])}
