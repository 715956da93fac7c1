"""Request ids, and the API's path conventions: optional trailing slash, JSON 404/405/500."""

import contextvars
import functools
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, get_resolver
from django.utils.module_loading import import_string
from django.views import defaults

logger = logging.getLogger("core.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
BAD_REQUEST = "Bad request."
INTERNAL_ERROR = "Internal server error"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


class RequestIdLogFilter(logging.Filter):
    """Puts the current request id on every log record, so a 500 can be found from its header."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            # Django logs "Internal Server Error" after the middleware has returned and the id is
            # reset; that record carries the request itself.
            request = getattr(record, "request", None)
            request_id = getattr(request, "request_id", request_id)
        record.request_id = request_id
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an error outside any view (a middleware's) is still JSON under /api/."""
    if _is_api(request.path_info):
        return JsonResponse({"detail": INTERNAL_ERROR}, status=500)
    return defaults.server_error(request)


@functools.lru_cache(maxsize=4096)
def _resolves(path: str) -> bool:
    try:
        get_resolver().resolve(path)
    except Resolver404:
        return False
    return True


class BrowserOnlyMiddleware:
    """Runs ``settings.BROWSER_MIDDLEWARE`` (sessions, auth, messages) for everything but the API.

    Bearer-token API requests need none of them, and skipping them is a large share of the cost of
    a small API request. The admin and every other page get the full stack, in order. Only
    middleware made of ``__call__``/``process_request``/``process_response`` may be listed: a
    ``process_view`` hook (CSRF) would not run here, so CSRF stays in ``MIDDLEWARE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        handler = get_response
        for path in reversed(settings.BROWSER_MIDDLEWARE):
            handler = import_string(path)(handler)
        self.browser_response = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request.path_info):
            return self.get_response(request)
        return self.browser_response(request)


class ApiPathMiddleware:
    """Every API path answers with or without its trailing slash, without a redirect.

    The request is routed to the spelling that exists, so a POST body survives; unknown API paths
    and wrong methods answer JSON like the rest of the API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not _is_api(path):
            return self.get_response(request)
        if not _resolves(path):
            other = path[:-1] if path.endswith("/") else f"{path}/"
            if _resolves(other):
                request.path_info = other
                request.path = f"{request.META.get('SCRIPT_NAME', '').rstrip('/')}{other}"
        # HEAD is GET without the body, as the legacy DRF views answered it.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        response = _as_json(request, response)
        return _without_body(response) if head else response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request.path_info):
            return None
        if isinstance(exception, SuspiciousOperation):
            logger.warning(
                "suspicious request on %s %s: %s", request.method, request.path, exception
            )
            return JsonResponse({"detail": BAD_REQUEST}, status=400)
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return JsonResponse({"detail": INTERNAL_ERROR}, status=500)


def _as_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Django's and ninja's plain-text 400, 404 and 405 answers in the API's JSON shape."""
    if response.status_code not in (400, 404, 405) or _is_json(response):
        return response
    if response.status_code == 400:
        # Django's own answer to a SuspiciousOperation (a disallowed Host, say).
        return JsonResponse({"detail": BAD_REQUEST}, status=400)
    if response.status_code == 404:
        return _with_headers(JsonResponse({"detail": "Not found."}, status=404), response)
    message = f'Method "{request.method}" not allowed.'
    return _with_headers(JsonResponse({"detail": message}, status=405), response)


def _without_body(response: HttpResponse) -> HttpResponse:
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _with_headers(new: HttpResponse, old: HttpResponse) -> HttpResponse:
    if old.has_header("Allow"):
        new["Allow"] = old["Allow"]
    return new
