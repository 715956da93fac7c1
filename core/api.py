"""Core endpoints: tokens, hello, version, health and signed file links."""

from typing import Any, Union

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, HttpRequest
from huey.contrib.djhuey import HUEY
from ninja import Router, Schema, Status
from ninja.throttling import BaseThrottle

from core import auth
from core.body import request_data
from core.errors import AuthenticationFailed, NotFound
from core.schemas import EmptyOut, ErrorOut, ValidationErrorOut, documented_ref
from core.storage import open_signed
from project import __version__

router = Router(tags=["core"])

AUTH_ERRORS = {401: ErrorOut, 429: ErrorOut}
THROTTLE: list[BaseThrottle] = [auth.AuthThrottle()]


class TokenPairOut(Schema):
    refresh: str
    access: str


class TokenRefreshIn(Schema):
    refresh: str


class TokenRefreshOut(Schema):
    access: str
    refresh: str


class TokenVerifyIn(Schema):
    token: str


class MeOut(Schema):
    id: int
    public_id: str
    email: str
    username: str | None
    first_name: str
    last_name: str
    is_staff: bool


class HelloOut(Schema):
    message: str


class VersionOut(Schema):
    major: int
    minor: int
    revision: int
    version: str
    production: bool


class HealthOut(Schema):
    status: str
    database: str
    queue: str


def _token_responses() -> dict[int, Any]:
    """Login's responses, widened by the shapes registered token exchanges answer."""
    shapes: dict[int, list[Any]] = {
        200: [TokenPairOut],
        400: [ValidationErrorOut],
        401: [ErrorOut],
        429: [ErrorOut],
    }
    for exchange in auth.token_exchanges():
        for status, schema in exchange.responses.items():
            if schema not in shapes.setdefault(status, []):
                shapes[status].append(schema)
    return {status: Union[tuple(found)] for status, found in shapes.items()}  # noqa: UP007


def _token_request_body() -> dict[str, Any]:
    shapes = [documented_ref(auth.TokenObtainIn)] + [
        documented_ref(exchange.request_schema)
        for exchange in auth.token_exchanges()
        if exchange.request_schema is not None
    ]
    schema = {"anyOf": shapes} if len(shapes) > 1 else shapes[0]
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": schema},
            },
        }
    }


@router.post(
    "/token/",
    auth=None,
    throttle=THROTTLE,
    response=_token_responses(),
    summary="Obtain an access and a refresh token",
    openapi_extra=_token_request_body(),
)
def obtain_token(request: HttpRequest) -> Any:
    return auth.token_obtain(request=request, body=_token_body(request))


def _token_body(request: HttpRequest) -> Any:
    """The parsed body, read here rather than by ninja so that token exchanges see it first."""
    if not request.body:
        return None
    return request_data(request)


@router.post(
    "/token/refresh/",
    auth=None,
    throttle=THROTTLE,
    response={200: TokenRefreshOut, 400: ValidationErrorOut, **AUTH_ERRORS},
    summary="Rotate a refresh token",
)
def refresh_token(request: HttpRequest, payload: TokenRefreshIn) -> dict[str, str]:
    return auth.token_refresh(refresh=payload.refresh)


@router.post(
    "/token/verify/",
    auth=None,
    throttle=THROTTLE,
    response={200: EmptyOut, 400: ValidationErrorOut, **AUTH_ERRORS},
    summary="Check that a token is valid",
)
def verify_token(request: HttpRequest, payload: TokenVerifyIn) -> dict[str, str]:
    auth.token_verify(token=payload.token)
    return {}


@router.post(
    "/token/blacklist/",
    auth=None,
    throttle=THROTTLE,
    response={200: EmptyOut, 400: ValidationErrorOut, **AUTH_ERRORS},
    summary="Revoke a refresh token (log out)",
)
def blacklist_token(request: HttpRequest, payload: TokenRefreshIn) -> dict[str, str]:
    if not auth.token_blacklist(refresh=payload.refresh):
        raise AuthenticationFailed(auth.TOKEN_INVALID)
    return {}


@router.get(
    "/me/",
    response={200: MeOut, 401: ErrorOut},
    summary="The account behind the bearer token",
)
def get_me(request: auth.AuthedRequest) -> dict[str, object]:
    user = request.auth
    return {
        "id": user.pk,
        "public_id": str(user.public_id),
        "email": user.email,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_staff": user.is_staff,
    }


@router.get("/hello", auth=None, response=HelloOut, summary="Say hello")
def get_hello(request: HttpRequest) -> dict[str, str]:
    return {"message": "Hello, World!"}


@router.get("/version/", auth=None, response=VersionOut, summary="Server version")
def get_version(request: HttpRequest) -> dict[str, object]:
    major, minor, revision = (int(part) for part in __version__.split(".")[:3])
    suffix = "dev" if settings.DEBUG else "prod"
    return {
        "major": major,
        "minor": minor,
        "revision": revision,
        "version": f"{__version__}-{suffix}",
        "production": not settings.DEBUG,
    }


@router.get(
    "/health/",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Database and queue reachability",
)
def get_health(request: HttpRequest) -> Status:
    report = {"status": "ok", "database": "ok", "queue": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        report["database"] = "unavailable"
    try:
        HUEY.pending_count()
    except Exception:
        report["queue"] = "unavailable"
    if "unavailable" in report.values():
        report["status"] = "unavailable"
        return Status(503, report)
    return Status(200, report)


@router.get(
    "/files/{token}",
    auth=None,
    response={200: None, 404: ErrorOut},
    url_name="serve_file",
    summary="Download a private file through a short-lived signed link",
    # The body is the file itself, not JSON: say so, or clients see a 200 with no content.
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, with its own media type when known.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def serve_file(request: HttpRequest, token: str) -> FileResponse:
    try:
        name, content_type, filename = open_signed(token)
    except signing.BadSignature as exc:
        raise NotFound("This link is invalid or has expired.") from exc
    if not default_storage.exists(name):
        raise NotFound()
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
