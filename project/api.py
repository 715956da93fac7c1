"""The one NinjaAPI: bearer auth by default, JSON/form parsing, and the error handlers of core §3."""

import logging
from importlib import import_module
from typing import Any

import pydantic
from django.apps import apps
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    HttpError,
    Throttled,
    ValidationError,
    ValidationErrorContext,
)

from core.api import router as core_router
from core.auth import MISSING_CREDENTIALS, JWTBearer
from core.errors import DomainError
from core.middleware import BAD_REQUEST, INTERNAL_ERROR
from core.parsers import ApiParser, BodyParseError, UnsupportedBodyType
from core.schemas import drf_errors
from project import __version__

logger = logging.getLogger("project.api")


class PlatformApi(NinjaAPI):
    """Keeps each validation error's input, which ninja drops: DRF's messages depend on it.

    "This field may not be null." is only right for a null, and a choice error names the value.
    The input never reaches a response as such; ``core.schemas.drf_errors`` turns it into text.
    """

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        inputs = [
            raw.get("input")
            for context in error_contexts
            for raw in context.pydantic_validation_error.errors(include_url=False)
        ]
        for each, value in zip(error.errors, inputs, strict=True):
            each["input"] = value
        error.errors = [
            expanded
            for each in error.errors
            for expanded in _required_fields(each, error_contexts) or [each]
        ]
        return error


def _required_fields(
    error: dict[str, Any], error_contexts: list[ValidationErrorContext]
) -> list[dict[str, Any]]:
    """A missing body reported field by field, as DRF did, rather than naming the parameter.

    Ninja reports an absent body as ``("body", "payload")`` missing; ``payload`` is the view's
    argument, not anything the client knows. Empty when the error is something else.
    """
    loc = tuple(error.get("loc", ()))
    if error.get("type") != "missing" or len(loc) != 2 or loc[0] != "body":
        return []
    for context in error_contexts:
        field = context.model.model_fields.get(loc[1])
        schema = field.annotation if field is not None else None
        if isinstance(schema, type) and issubclass(schema, pydantic.BaseModel):
            return [
                {**error, "loc": (*loc, inner.alias or name), "input": {}}
                for name, inner in schema.model_fields.items()
                if inner.is_required()
            ]
    return []


api = PlatformApi(
    title="Platform API",
    version=__version__,
    description=(
        "One backend for the Codevance (payments), TaskTable (taskboard) and FilesTalk (batches) "
        "clients. "
        "Obtain a token at `POST /api/token/` and send it as `Authorization: Bearer <access>`."
    ),
    urls_namespace="api",
    auth=JWTBearer(),
    parser=ApiParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, exc.body(), status=exc.status_code)
    for name, value in exc.headers().items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if any(error.get("loc", ("",))[0] == "path" for error in exc.errors):
        return api.create_response(request, {"detail": "Not found."}, status=404)
    body = {}
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        # ("body", "payload", "field") / ("query", "field") / ("form", "field"): keep the field.
        skip = 2 if loc and loc[0] == "body" and len(loc) > 2 else 1
        for key, messages in drf_errors([error], skip=skip).items():
            _merge(body, key, messages)
    return api.create_response(request, body, status=400)


def _merge(body: dict, key: str, value: object) -> None:
    if key not in body:
        body[key] = value
    elif isinstance(body[key], dict) and isinstance(value, dict):
        for inner_key, inner_value in value.items():
            _merge(body[key], inner_key, inner_value)
    elif isinstance(body[key], list) and isinstance(value, list):
        body[key].extend(m for m in value if m not in body[key])


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = getattr(request, "auth_error", MISSING_CREDENTIALS)
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": "Request was throttled."}, status=429)
    if exc.wait:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, UnsupportedBodyType):
        return api.create_response(request, {"detail": str(cause)}, status=415)
    if isinstance(cause, BodyParseError):
        return api.create_response(request, {"detail": str(cause)}, status=400)
    if isinstance(cause, SuspiciousOperation):
        # Ninja wraps whatever reading its body raised; answer for the real reason.
        return api.on_exception(request, cause)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "Request body too large."}, status=413)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django's guards (too many fields, bad file names, ...) refuse the client's request: 400."""
    logger.warning("suspicious request on %s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": BAD_REQUEST}, status=400)


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A broken multipart body (e.g. no boundary) is the client's mistake, as DRF answered it."""
    body = {"detail": f"Multipart form parse error - {exc}"}
    return api.create_response(request, body, status=400)


@api.exception_handler(Exception)
def on_unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": INTERNAL_ERROR}, status=500)


def _add_module_routers() -> None:
    """Each business module exposes ``router`` (and optionally ``PREFIX``) in its api.py."""
    for config in apps.get_app_configs():
        if config.name.startswith("modules."):
            module = import_module(f"{config.name}.api")
            api.add_router(getattr(module, "PREFIX", ""), module.router)


api.add_router("", core_router)
_add_module_routers()
