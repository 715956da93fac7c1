"""Each API renders errors in its own envelope; errors themselves are only facts.

``install_error_handlers(api, renderer)`` is the one call an API makes: every exception a view
can raise (a domain error, a refused schema, a refused token, a throttle, an unreadable body, a
bug) becomes a ``core.errors.DomainError`` and the API's renderer writes its body. Answers made
outside any view (an unknown path, a wrong method, an oversized body, a middleware's crash) use
the renderer of the API whose mount prefix the path falls under (``error_response``).

A module whose legacy clients expect another body for some of its errors declares an error class
and the body for it, registered on the renderer of the API it is mounted on (``project/api.py``).
"""

import logging
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import pydantic
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLResolver, get_resolver, get_urlconf
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from ninja.errors import Throttled as NinjaThrottled
from ninja.openapi.schema import OpenAPISchema

from core import messages
from core.errors import (
    NON_FIELD,
    AuthenticationFailed,
    DomainError,
    FieldError,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    ParseError,
    PayloadTooLarge,
    SchemaInvalid,
    ServerError,
    Throttled,
    ValidationFailed,
)
from core.schemas import add_documented_components, drf_body, drf_message

logger = logging.getLogger("core.request")

BodyFor = Callable[[Any], Any]


class Renderer:
    """Turns a domain error into (status, body) for one API; ``register`` adds a module's bodies.

    Subclasses write ``body`` (and ``status`` when the API's statuses differ from the errors').
    """

    def __init__(self) -> None:
        self._bodies: dict[type[DomainError], BodyFor] = {}

    def register(self, error_class: type[DomainError], body: BodyFor) -> None:
        """Errors of ``error_class`` (and its subclasses) answer ``body(error)``."""
        self._bodies[error_class] = body

    def include(self, bodies: Mapping[type[DomainError], BodyFor]) -> None:
        """Register a module's bodies (its ``errors.BODIES``) at once."""
        for error_class, body in bodies.items():
            self.register(error_class, body)

    def status(self, error: DomainError) -> int:
        return error.status_code

    def body(self, error: DomainError) -> Any:
        raise NotImplementedError

    def headers(self, error: DomainError) -> dict[str, str]:
        """Protocol headers every envelope needs: the scheme after a 401 (RFC 9110; plain
        ``Bearer``, as the core spec writes it), the wait after a 429, the allowed methods after
        a 405."""
        headers = {}
        if self.status(error) == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, Throttled) and error.wait:
            headers["Retry-After"] = str(max(1, int(error.wait)))
        if isinstance(error, MethodNotAllowed) and error.allowed:
            headers["Allow"] = error.allowed
        return headers

    def render(self, error: DomainError) -> tuple[int, Any, dict[str, str]]:
        for cls in type(error).__mro__:
            body = self._bodies.get(cls)
            if body is not None:
                return error.status_code, body(error), self.headers(error)
        return self.status(error), self.body(error), self.headers(error)


class DrfRenderer(Renderer):
    """The main API (``spec/core.md`` §3): DRF's bodies, which its legacy clients parse."""

    def status(self, error: DomainError) -> int:
        if isinstance(error, SchemaInvalid) and _in_path(error):
            return 404
        return error.status_code

    def body(self, error: DomainError) -> Any:
        if isinstance(error, ValidationFailed):
            return drf_body(error.errors)
        if isinstance(error, SchemaInvalid):
            if _in_path(error):
                return {"detail": messages.NOT_FOUND}
            return drf_body(schema_field_errors(error, drf_message))
        return {"detail": error.message}


def _in_path(error: SchemaInvalid) -> bool:
    """A path parameter that does not parse names nothing: not found, not a client's typo."""
    return any(tuple(each.get("loc", ("",)))[:1] == ("path",) for each in error.errors)


def schema_field_errors(
    error: SchemaInvalid, wording: Callable[[dict[str, Any]], str]
) -> list[FieldError]:
    """A refused schema's errors as field errors, the source (``body``, ``query``) dropped."""
    return [
        FieldError(
            path=tuple(each.get("loc", ()))[1:] or (NON_FIELD,),
            message=wording(each),
            code=str(each.get("type", "invalid")),
        )
        for each in error.errors
    ]


class PlatformApi(NinjaAPI):
    """Keeps each validation error's input, which ninja drops: messages depend on it.

    "This field may not be null." is only right for a null, and a choice error names the value.
    The input never reaches a response as such; a renderer turns it into text. Its document
    also holds the schemas of bodies that views read themselves (``core.schemas.body_docs``).
    """

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_documented_components(document)
        return document

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


def _without_parameter(error: dict[str, Any]) -> dict[str, Any]:
    """``("body", "payload", "field")`` → ``("body", "field")``: the view's argument name is
    nobody's business but the view's."""
    loc = tuple(error.get("loc", ()))
    if len(loc) > 2 and loc[0] == "body":
        return {**error, "loc": (loc[0], *loc[2:])}
    return error


_BODY_FAILURES = (DomainError, RequestDataTooBig, MultiPartParserError, SuspiciousOperation)


def as_domain_error(request: HttpRequest, exc: Exception) -> DomainError:
    """What any exception raised while serving an API request means to the client."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, ValidationError):
        return SchemaInvalid([_without_parameter(each) for each in exc.errors])
    if isinstance(exc, AuthenticationError):
        reason = getattr(request, "auth_error", None)
        if isinstance(reason, DomainError):
            return reason
        return NotAuthenticated() if exc.status_code == 401 else AuthenticationFailed()
    if isinstance(exc, NinjaThrottled):
        return Throttled(wait=exc.wait)
    if isinstance(exc, HttpError):
        cause = exc.__cause__
        # Ninja wraps whatever reading its body raised; answer for the real reason if known.
        if isinstance(cause, _BODY_FAILURES):
            return as_domain_error(request, cause)
        error = DomainError(exc.message)
        error.status_code = exc.status_code
        return error
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, MultiPartParserError):
        # A broken multipart body (no boundary, say) is the client's mistake, as DRF answered it.
        return ParseError(messages.MULTIPART_PARSE_ERROR.format(error=exc))
    if isinstance(exc, SuspiciousOperation):
        # Django's guards (too many fields, bad file names, ...) refuse the client's request.
        logger.warning("suspicious request on %s %s: %s", request.method, request.path, exc)
        return DomainError(messages.BAD_REQUEST)
    logger.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return ServerError()


def respond(request: HttpRequest, renderer: Renderer, error: DomainError) -> HttpResponse:
    status, body, headers = renderer.render(error)
    response = JsonResponse(body, status=status, safe=False)
    for name, value in headers.items():
        response[name] = value
    return response


_renderers: dict[str, Renderer] = {}


def install_error_handlers(api: NinjaAPI, renderer: Renderer) -> None:
    """Every exception a view of ``api`` raises is answered by ``renderer``; so are the answers
    made outside a view for paths under the prefix ``api`` is mounted at."""
    namespace = api.urls_namespace or ""
    if _renderers.get(namespace, renderer) is not renderer:
        raise ValueError(f"another renderer is installed for the API namespace {namespace!r}")
    _renderers[namespace] = renderer

    def handle(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, renderer, as_domain_error(request, exc))

    # Ninja registers its own handlers for these; each is replaced, the rest falls to Exception.
    for exception_class in (Exception, Http404, HttpError, ValidationError):
        api.add_exception_handler(exception_class, handle)


@lru_cache(maxsize=16)
def _mounts(urlconf: str | None, _installed: int) -> tuple[tuple[str, str], ...]:
    """(path prefix, namespace) of each API in the URLconf that has a renderer, longest first."""
    found = []
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in _renderers:
            found.append((f"/{pattern.pattern}", pattern.namespace))
    return tuple(sorted(found, key=lambda mount: len(mount[0]), reverse=True))


def renderer_for_path(path: str) -> Renderer | None:
    """The renderer of the API mounted at the longest prefix of ``path``; None off the APIs."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for prefix, namespace in _mounts(urlconf, len(_renderers)):
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return _renderers[namespace]
    return None


def error_response(request: HttpRequest, error: DomainError) -> HttpResponse | None:
    """An answer made outside a view, in the envelope of the API the path belongs to."""
    renderer = renderer_for_path(request.path_info)
    if renderer is None:
        return None
    return respond(request, renderer, error)
