"""Bearer authentication and token helpers shared by every module (core spec section 4).

Slightly over 400 lines: the authenticator, token issuing, rotation and revocation read and write
the same blacklist, and keeping them together keeps its rules in one place.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle
from ninja_jwt.exceptions import TokenError
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import AccessToken, RefreshToken, UntypedToken
from ninja_jwt.utils import aware_utcnow, datetime_from_epoch
from pydantic import BaseModel

from core import fastpath, messages
from core.errors import AuthenticationFailed, NotAuthenticated, SchemaInvalid
from core.models import TokenBlacklist, User

T = TypeVar("T", AccessToken, RefreshToken, UntypedToken)

MISSING_CREDENTIALS = messages.NOT_AUTHENTICATED
INVALID_TOKEN = messages.TOKEN_NOT_VALID
BAD_CREDENTIALS = "No active account found with the given credentials"
USER_INACTIVE = "User is inactive or no longer exists."
TOKEN_INVALID = "Token is invalid or expired"
TOKEN_REVOKED = "Token is blacklisted"


class AuthedRequest(HttpRequest):
    """What a view behind a bearer authenticator receives: ``auth`` is the caller (for typing;
    ninja passes the ``HttpRequest`` it set ``auth`` on)."""

    auth: User


class JWTBearer(HttpBearer):
    """``Authorization: Bearer <access>``; the reason for a refusal ends up in the 401 body.

    One query per request reads the active user, whether the token was revoked (on any API) and
    when the user was last seen, through the fast path (``core.fastpath``): compiling it cost
    several times more than running it. Nothing about the user is kept between requests.
    """

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if not header:
            request.auth_error = NotAuthenticated()  # type: ignore[attr-defined]
            return None
        if scheme.lower() != "bearer" or not token.strip():
            request.auth_error = AuthenticationFailed(INVALID_TOKEN)  # type: ignore[attr-defined]
            return None
        return self.authenticate(request, token.strip())

    def users(self) -> QuerySet[User]:
        """Where the token's user is read from; a module's subclass can annotate what it checks
        on every request (a role, say) so the lookup stays one query."""
        return User.objects.all()

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's active user, or None with the reason kept for the 401 body: an expired
        or revoked token or a deactivated account is a refusal, never an error."""
        access = _verified_access(token)
        if access is None:
            request.auth_error = AuthenticationFailed(INVALID_TOKEN)  # type: ignore[attr-defined]
            return None
        user = self._active_user(access.get("user_id"), access.get("jti"))
        if user is None:
            request.auth_error = AuthenticationFailed(USER_INACTIVE)  # type: ignore[attr-defined]
            return None
        if user.token_revoked:  # type: ignore[attr-defined]
            request.auth_error = AuthenticationFailed(TOKEN_REVOKED)  # type: ignore[attr-defined]
            return None
        _note_seen(user)
        request.user = user
        return user

    def _active_user(self, user_id: Any, jti: Any) -> User | None:
        if user_id is None:
            return None
        jti = str(jti or "")
        if type(user_id) is int:
            name = f"core.auth.user:{type(self).__module__}.{type(self).__qualname__}"
            return fastpath.prepared_first(name, self._user_query, user_id, jti)
        try:
            return fastpath.first(self._user_query(user_id, jti))
        except (TypeError, ValueError):  # a claim no primary key can equal
            return None

    def _user_query(self, user_id: Any, jti: str) -> QuerySet[User]:
        """The token's active user, whether the token was revoked, and when it was last seen."""
        revoked = TokenBlacklist.objects.filter(jti=jti)
        return (
            self.users()
            .filter(pk=user_id, is_active=True)
            .annotate(token_revoked=Exists(revoked), seen_at=F("last_seen_at"))
        )


LAST_SEEN_EVERY = timedelta(minutes=1)


def _note_seen(user: User) -> None:
    """``last_seen_at`` moves at most once a minute per user: a write per request would cost
    every authenticated call a transaction."""
    now = timezone.now()
    seen = getattr(user, "seen_at", None)
    if seen is None or now - seen >= LAST_SEEN_EVERY:
        User.objects.filter(pk=user.pk).update(last_seen_at=now)
        user.seen_at = now  # type: ignore[attr-defined]


class SettingThrottle(AnonRateThrottle):
    """A per-address throttle whose rate is the named setting (``"20/min"``), read per request
    so a settings change (or a test override) takes effect. Modules name their own settings
    (careers has three); ``scope`` keeps their counters apart."""

    def __init__(self, setting: str, *, scope: str | None = None) -> None:
        self.setting = setting
        self.scope = scope or setting.lower()
        super().__init__(rate=getattr(settings, setting))

    DRF_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """Ninja's spellings (``20/min``) and DRF's (``10/minute``: DRF read the period's first
        letter), in which the legacy modules' rates are documented."""
        try:
            return super().parse_rate(rate)
        except (KeyError, ValueError):
            count, _, period = (rate or "").partition("/")
            duration = self.DRF_PERIODS.get(period.strip()[:1].lower())
            if duration is None or not count.strip().isdigit():
                raise ValueError(f"a rate is N/period, not {rate!r}") from None
            return int(count), duration

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        """The address even for a caller that is authenticated, whom ninja's anonymous
        throttle would let through unthrottled."""
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_ident(self, request: HttpRequest) -> str | None:
        """The client address as the last trusted proxy saw it.

        ``X-Forwarded-For`` is client-supplied; only the hops our own proxies appended
        (``NUM_PROXIES`` of them, counted from the right) can be believed. With none, a spoofed
        header would give every request a fresh address and escape the limit.
        """
        remote_addr = request.META.get("REMOTE_ADDR")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if settings.NUM_PROXIES <= 0 or not forwarded:
            return remote_addr
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(settings.NUM_PROXIES, len(hops))] or remote_addr


class AuthThrottle(SettingThrottle):
    """Per client address, authenticated or not: token, login and registration endpoints."""

    def __init__(self) -> None:
        super().__init__("AUTH_THROTTLE_RATE", scope="auth")


class TokenObtainIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)


class _LoginBody(pydantic.BaseModel):
    payload: TokenObtainIn


def token_obtain(*, request: HttpRequest, body: Any) -> Any:
    """``POST /api/token/``: a module's exchange (an API key, say) answers first; what none
    claims is an email/password login, refused alike for a wrong password and an inactive user."""
    for exchange in token_exchanges():
        answer = exchange.handle(request, body)
        if answer is not None:
            return answer
    credentials = _login_credentials(request, body)
    user = authenticate(request, email=credentials.email, password=credentials.password)
    if user is None or not user.is_active:
        raise AuthenticationFailed(BAD_CREDENTIALS)
    return token_pair_for(user)


def _login_credentials(request: HttpRequest, body: Any) -> TokenObtainIn:
    """Validate the login body exactly as a ``payload: TokenObtainIn`` parameter would be."""
    try:
        # No body at all is every field missing, as DRF listed them, not one unnamed "payload".
        data = {"payload": {} if body is None else body}
        return _LoginBody.model_validate(data, context={"request": request}).payload
    except pydantic.ValidationError as exc:
        errors: list[dict[str, Any]] = []
        for details in exc.errors(include_url=False):
            error: dict[str, Any] = dict(details)
            if isinstance(error.get("ctx", {}).get("error"), Exception):
                error["ctx"] = {**error["ctx"], "error": str(error["ctx"]["error"])}
            error["loc"] = ("body", *error["loc"][1:])  # ("payload", field): name the field
            errors.append(error)
        raise SchemaInvalid(errors) from exc


def token_pair_for(user: User, *, claims: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Issue a refresh/access pair (keys in that order) and note when the user was last seen.

    The access token names its refresh token (``rjti``), so a logout can revoke both; ``claims``
    adds a module's own.
    """
    refresh: RefreshToken = RefreshToken.for_user(user)  # type: ignore[misc,assignment]
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), last_seen_at=timezone.now())
    return {"refresh": str(refresh), "access": str(_access_for(refresh, claims))}


def _access_for(refresh: RefreshToken, claims: Mapping[str, Any] | None = None) -> AccessToken:
    access = refresh.access_token
    access["rjti"] = refresh["jti"]
    for name, value in (claims or {}).items():
        access[name] = value
    return access


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate a refresh token: the used one is blacklisted, so only one of two racing calls wins."""
    token = _decode(RefreshToken, refresh)
    if token is None:
        raise AuthenticationFailed(TOKEN_INVALID)
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None:
        raise AuthenticationFailed(USER_INACTIVE)
    if TokenBlacklist.objects.filter(jti=token["jti"]).exists() or not _blacklist_once(token):
        raise AuthenticationFailed(TOKEN_REVOKED)
    token.set_jti()
    token.set_exp()
    token.set_iat()
    access = str(_access_for(token))
    OutstandingToken.objects.create(
        user=user,
        jti=token["jti"],
        token=str(token),
        created_at=token.current_time,
        expires_at=_exp(token),
    )
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
    return {"access": access, "refresh": str(token)}


def token_verify(*, token: str) -> None:
    """Refuse a token that is invalid, expired or revoked: a logged-out refresh token must not
    look alive to a client checking it."""
    untyped = _decode(UntypedToken, token)
    if untyped is None:
        raise AuthenticationFailed(TOKEN_INVALID)
    jti = untyped.get("jti")
    if jti and (
        BlacklistedToken.objects.filter(token__jti=jti).exists()
        or TokenBlacklist.objects.filter(jti=jti).exists()
    ):
        raise AuthenticationFailed(TOKEN_REVOKED)


def token_blacklist(*, refresh: str) -> bool:
    """Revoke a refresh token (logout). False when it was invalid or already revoked."""
    token = _decode(RefreshToken, refresh)
    if token is None:
        return False
    return _blacklist_once(token)


def access_revoke(*, token: AccessToken) -> None:
    """Log out with an access token: it and its paired refresh token stop working on every API.

    The refresh token also goes to ninja_jwt's blacklist, which token rotation checks. A token
    with a second or less to live is not stored: it expires before anyone could use it.
    """
    user_id = token.get("user_id")
    rows = [
        _revoked_row(
            token["jti"], TokenBlacklist.Type.ACCESS, user_id, _exp(token), token.get("rjti", "")
        )
    ]
    rjti = token.get("rjti")
    if rjti:
        lifetime = settings.NINJA_JWT["REFRESH_TOKEN_LIFETIME"]
        refresh_exp = datetime_from_epoch(token["iat"]) + lifetime
        rows.append(_revoked_row(rjti, TokenBlacklist.Type.REFRESH, user_id, refresh_exp))
    live = [row for row in rows if row is not None]
    with transaction.atomic():
        TokenBlacklist.objects.bulk_create(live, ignore_conflicts=True)
        for row in live:
            if row.token_type == TokenBlacklist.Type.REFRESH:
                outstanding, _ = OutstandingToken.objects.get_or_create(
                    jti=row.jti,
                    defaults={"user_id": user_id, "token": "", "expires_at": row.expires_at},
                )
                BlacklistedToken.objects.get_or_create(token=outstanding)


def refresh_revoke(*, token: RefreshToken) -> None:
    """Log out with a refresh token: its next use fails on every API; access tokens issued
    from it live until they expire."""
    row = _revoked_row(token["jti"], TokenBlacklist.Type.REFRESH, token.get("user_id"), _exp(token))
    with transaction.atomic():
        if row is not None:
            TokenBlacklist.objects.bulk_create([row], ignore_conflicts=True)
        _blacklist_once(token)


def _revoked_row(
    jti: str, kind: str, user_id: Any, expires_at: datetime, rjti: str = ""
) -> TokenBlacklist | None:
    if expires_at - aware_utcnow() <= timedelta(seconds=1):
        return None
    return TokenBlacklist(
        jti=jti,
        token_type=kind,
        user_id=user_id if type(user_id) is int else None,
        rjti=rjti,
        expires_at=expires_at,
    )


def tokens_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Forget revocations and issued refresh tokens past their expiry: an expired token is
    refused by its signature anyway. Run daily by ``core.tasks.purge_tokens``."""
    now = now or timezone.now()
    revoked, _ = TokenBlacklist.objects.filter(expires_at__lt=now).delete()
    outstanding, _ = OutstandingToken.objects.filter(expires_at__lt=now).delete()
    return {"revoked": revoked, "outstanding": outstanding}


# Access tokens whose signature was verified, by their text: checking the signature was a third of
# a short list request's time, and a client sends the same token for up to its whole lifetime.
# A kept token is still refused once it expires, and its user is read on every request.
MAX_VERIFIED_TOKENS = 4096
_verified: dict[str, tuple[datetime, AccessToken]] = {}


def _verified_access(raw: str) -> AccessToken | None:
    kept = _verified.get(raw)
    if kept is not None:
        expires_at, access = kept
        if aware_utcnow() < expires_at:
            return access
        _verified.pop(raw, None)
    decoded = _decode(AccessToken, raw)
    if decoded is not None and "exp" in decoded:
        if len(_verified) >= MAX_VERIFIED_TOKENS:
            _verified.clear()
        _verified[raw] = (datetime_from_epoch(decoded["exp"]), decoded)
    return decoded


def _decode(kind: type[T], raw: str) -> T | None:
    """A verified token, or None for anything that is not one (garbage, expired, non-ASCII)."""
    try:
        return kind(raw)
    except (TokenError, UnicodeError, ValueError):
        return None


def _exp(token: RefreshToken | AccessToken) -> Any:
    return datetime_from_epoch(token["exp"])


def _blacklist_once(token: RefreshToken) -> bool:
    jti = token["jti"]
    try:
        with transaction.atomic():
            outstanding, _ = OutstandingToken.objects.get_or_create(
                jti=jti,
                defaults={
                    "user_id": token.get("user_id"),
                    "token": str(token),
                    "expires_at": _exp(token),
                },
            )
            _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    except IntegrityError:
        return False
    return created


@dataclass(frozen=True)
class TokenExchange:
    """A module's way into ``POST /api/token/``: ``handle(request, body)`` answers the requests
    it recognises (an API key, say) and returns None for the rest, which go to the login."""

    handle: Callable[[HttpRequest, Any], Any]
    request_schema: type[BaseModel] | None = None
    responses: dict[int, type[BaseModel]] = field(default_factory=dict)


_token_exchanges: list[TokenExchange] = []


def register_token_exchange(
    handle: Callable[[HttpRequest, Any], Any],
    *,
    request_schema: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel]] | None = None,
) -> None:
    """Let a module answer ``POST /api/token/`` before core's email/password login.

    Call it in ``AppConfig.ready`` (before the URLconf loads) so the operation documents the
    module's request body and responses next to the login's. ``handle`` gets the parsed body
    (None when empty) and returns the response (a dict or a ``Status``; errors are raised as
    ``core.errors``), or None to let the next exchange, and finally the login, handle it.
    """
    if any(exchange.handle == handle for exchange in _token_exchanges):
        return
    _token_exchanges.append(TokenExchange(handle, request_schema, dict(responses or {})))


def token_exchanges() -> tuple[TokenExchange, ...]:
    """The registered exchanges, in registration order: the first to answer wins the request,
    and the login operation documents all of them. A tuple, so callers cannot register by
    mutating it."""
    return tuple(_token_exchanges)
