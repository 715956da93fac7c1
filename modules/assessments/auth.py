"""Bearer authentication on core's tokens and shared blacklist (spec §4).

``AssessmentsBearer`` is core's access-token bearer; it keeps the verified token on the request
so a logout can revoke it (and its refresh token) for every API. ``RefreshBearer`` accepts a
refresh token instead (``POST /auth/logout2``); an access token there is refused.
"""

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja_jwt.exceptions import TokenBackendError, TokenError
from ninja_jwt.token_blacklist.models import BlacklistedToken
from ninja_jwt.tokens import RefreshToken, Token

from core.auth import AuthedRequest, JWTBearer
from core.models import TokenBlacklist, User
from modules.assessments.errors import TokenRefused


class TokenRequest(AuthedRequest):
    """An authenticated request with the token it was authenticated by (already verified)."""

    token: str


class AssessmentsBearer(JWTBearer):
    @cached_property
    def _users(self) -> QuerySet[User]:
        # Built once; each request adds its filter to a copy. Only the columns the module reads
        # of the caller on most requests (the rest load on first use).
        return (
            super().users().only("id", "is_active", "public_id", "email", "first_name", "last_name")
        )

    def users(self) -> QuerySet[User]:
        return self._users

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None:
            request.token = token  # type: ignore[attr-defined]
        return user


class RefreshBearer(JWTBearer):
    """``Authorization: Bearer <refresh>``: valid, unrevoked, for an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        refresh = decode_refresh(token)
        user = refresh_user(refresh) if refresh is not None else None
        if refresh is None or user is None:
            request.auth_error = TokenRefused()  # type: ignore[attr-defined]
            return None
        request.user = user
        request.token = token  # type: ignore[attr-defined]
        return user


def decode_refresh(raw: str) -> RefreshToken | None:
    """A refresh token whose signature, expiry and type hold, revoked or not: a revoked token is
    refused apart (401, where an invalid one is a 400)."""
    try:
        token = RefreshToken(raw, verify=False)
        token.payload = token.get_token_backend().decode(raw, verify=True)
        Token.verify(token)  # the checks without ninja_jwt's blacklist lookup
    except (TokenError, TokenBackendError, UnicodeError, ValueError):
        return None
    return token


def refresh_revoked(refresh: RefreshToken) -> bool:
    jti = str(refresh.get("jti", ""))
    return (
        TokenBlacklist.objects.filter(jti=jti).exists()
        or BlacklistedToken.objects.filter(token__jti=jti).exists()
    )


def refresh_user(refresh: RefreshToken) -> User | None:
    """The refresh token's active user, or None when the token was revoked."""
    if refresh_revoked(refresh):
        return None
    user_id: Any = refresh.get("user_id")
    try:
        return User.objects.filter(pk=user_id, is_active=True).first()
    except (TypeError, ValueError):
        return None
