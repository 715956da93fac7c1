"""Bearer authentication and token helpers shared by every module (core spec section 4)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import pydantic
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
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

from core import messages
from core.errors import AuthenticationFailed, NotAuthenticated, SchemaInvalid
from core.models import User

T = TypeVar("T", AccessToken, RefreshToken, UntypedToken)

MISSING_CREDENTIALS = messages.NOT_AUTHENTICATED
INVALID_TOKEN = messages.TOKEN_NOT_VALID
BAD_CREDENTIALS = "No active account found with the given credentials"
USER_INACTIVE = "User is inactive or no longer exists."
TOKEN_INVALID = "Token is invalid or expired"


# Stands for the user id while the lookup is compiled; found again among the SQL parameters.
_PK_PLACEHOLDER = -0x5EED_C0DE_1234


@dataclass(frozen=True, slots=True)
class _UserLookup:
    """The user query compiled once for one database connection; each request binds the id."""

    sql: str
    params: tuple[Any, ...]
    pk_index: int
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    annotations: dict[str, int]
    converters: list[tuple[int, list[Callable[..., Any]], Any]]

    @classmethod
    def compile(cls, queryset: QuerySet[User], connection: BaseDatabaseWrapper) -> "_UserLookup":
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        info = compiler.klass_info
        if info is None or info.get("related_klass_infos") or params.count(_PK_PLACEHOLDER) != 1:
            raise ValueError("only a single-model lookup by primary key can be prepared")
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        select = compiler.select
        converters = compiler.get_converters([column[0] for column in select])
        return cls(
            sql=sql,
            params=tuple(params),
            pk_index=list(params).index(_PK_PLACEHOLDER),
            model=info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            annotations=dict(compiler.annotation_col_map or {}),
            converters=[(pos, funcs, expr) for pos, (funcs, expr) in converters.items()],
        )

    def fetch(self, connection: BaseDatabaseWrapper, alias: str, pk: int) -> Any:
        params = list(self.params)
        params[self.pk_index] = pk
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = list(row)
            for pos, funcs, expression in self.converters:
                for convert in funcs:
                    row[pos] = convert(row[pos], expression, connection)
        user = self.model.from_db(alias, self.init_list, row[self.start : self.end])
        for name, pos in self.annotations.items():
            setattr(user, name, row[pos])
        return user


class JWTBearer(HttpBearer):
    """``Authorization: Bearer <access>``; the reason for a refusal ends up in the 401 body.

    Every authenticated request reads its user, so that query is compiled once per database
    connection and only executed afterwards: compiling it cost several times more than running
    it. It is looked up afresh on every request; nothing about the user is kept between requests.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lookups: WeakKeyDictionary[BaseDatabaseWrapper, _UserLookup | None] = (
            WeakKeyDictionary()
        )

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
        on every request (a role, say) so the lookup stays one query. The same shape on every
        call: it is compiled once per connection."""
        return User.objects.all()

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's active user, or None with the reason kept for the 401 body: an expired
        token or a deactivated account is a refusal, never an error."""
        access = _verified_access(token)
        if access is None:
            request.auth_error = AuthenticationFailed(INVALID_TOKEN)  # type: ignore[attr-defined]
            return None
        user = self._active_user(access.get("user_id"))
        if user is None:
            request.auth_error = AuthenticationFailed(USER_INACTIVE)  # type: ignore[attr-defined]
            return None
        request.user = user
        return user

    def _active_user(self, user_id: Any) -> User | None:
        """The active user with this id, by the prepared query when the id is a plain integer."""
        users = self.users()
        if type(user_id) is not int or user_id == _PK_PLACEHOLDER:
            return users.filter(pk=user_id, is_active=True).first()
        alias = users.db
        connection = connections[alias]
        if connection not in self._lookups:
            query = users.filter(is_active=True, pk=_PK_PLACEHOLDER)
            try:
                self._lookups[connection] = _UserLookup.compile(query, connection)
            except ValueError:
                self._lookups[connection] = None
        lookup = self._lookups[connection]
        if lookup is None:
            return users.filter(pk=user_id, is_active=True).first()
        return lookup.fetch(connection, alias, user_id)


class AuthThrottle(AnonRateThrottle):
    """Per client address, authenticated or not: token, login and registration endpoints."""

    scope = "auth"

    def __init__(self) -> None:
        super().__init__(rate=settings.AUTH_THROTTLE_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read the rate per request so a settings change (or a test override) takes effect.
        self.rate = settings.AUTH_THROTTLE_RATE
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
        errors = []
        for error in exc.errors(include_url=False):
            error = dict(error)
            if isinstance(error.get("ctx", {}).get("error"), Exception):
                error["ctx"] = {**error["ctx"], "error": str(error["ctx"]["error"])}
            error["loc"] = ("body", *error["loc"])
            errors.append(error)
        raise SchemaInvalid(errors) from exc


def token_pair_for(user: User) -> dict[str, str]:
    """Issue a refresh/access pair (keys in that order) and note when the user was last seen."""
    refresh = RefreshToken.for_user(user)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), last_seen_at=timezone.now())
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate a refresh token: the used one is blacklisted, so only one of two racing calls wins."""
    token = _decode(RefreshToken, refresh)
    if token is None:
        raise AuthenticationFailed(TOKEN_INVALID)
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None:
        raise AuthenticationFailed(USER_INACTIVE)
    if not _blacklist_once(token):
        raise AuthenticationFailed("Token is blacklisted")
    access = str(token.access_token)
    token.set_jti()
    token.set_exp()
    token.set_iat()
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
    if jti and BlacklistedToken.objects.filter(token__jti=jti).exists():
        raise AuthenticationFailed("Token is blacklisted")


def token_blacklist(*, refresh: str) -> bool:
    """Revoke a refresh token (logout). False when it was invalid or already revoked."""
    token = _decode(RefreshToken, refresh)
    if token is None:
        return False
    return _blacklist_once(token)


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
    access = _decode(AccessToken, raw)
    if access is not None and "exp" in access:
        if len(_verified) >= MAX_VERIFIED_TOKENS:
            _verified.clear()
        _verified[raw] = (datetime_from_epoch(access["exp"]), access)
    return access


def _decode(kind: type[T], raw: str) -> T | None:
    """A verified token, or None for anything that is not one (garbage, expired, non-ASCII)."""
    try:
        return kind(raw)
    except (TokenError, UnicodeError, ValueError):
        return None


def _exp(token: RefreshToken) -> Any:
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
