"""Request ids, and the APIs' path conventions: optional trailing slash, HEAD, and the 400, 404,
405 and 500 answers made outside any view, each in the envelope of the API the path is under."""

import functools
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.module_loading import import_string
from django.views import defaults

from core import messages
from core.errors import DomainError, MethodNotAllowed, NotFound, ServerError
from core.observability import request_id_var
from core.rendering import as_domain_error, error_response, renderer_for_path

logger = logging.getLogger("core.request")

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
    return renderer_for_path(path) is not None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an error outside any view (a middleware's) still answers in the envelope
    of the API the path is under."""
    return error_response(request, ServerError()) or defaults.server_error(request)


@functools.lru_cache(maxsize=4096)
def _resolves(path: str, urlconf: str) -> bool:
    try:
        get_resolver(urlconf).resolve(path)
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
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        if not _resolves(path, urlconf):
            other = path[:-1] if path.endswith("/") else f"{path}/"
            if _resolves(other, urlconf):
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
        """A view's exception that its API did not answer (raised outside ninja's handlers)."""
        return error_response(request, as_domain_error(request, exception))


def _as_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Django's and ninja's plain-text 400, 404 and 405 answers in the API's envelope."""
    if response.status_code not in (400, 404, 405) or _is_json(response):
        return response
    error: DomainError
    if response.status_code == 400:
        # Django's own answer to a SuspiciousOperation (a disallowed Host, say).
        error = DomainError(messages.BAD_REQUEST)
    elif response.status_code == 404:
        error = NotFound()
    else:
        error = MethodNotAllowed(request.method or "", _allowed(response.get("Allow")))
    return error_response(request, error) or response


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed(header: str | None) -> str | None:
    """The ``Allow`` list in one fixed order: ninja builds it from a set, so it varied between
    processes for the same path."""
    if not header:
        return header
    methods = {method.strip().upper() for method in header.split(",") if method.strip()}
    known = [method for method in _METHOD_ORDER if method in methods]
    return ", ".join(known + sorted(methods - set(known)))


def _without_body(response: HttpResponse) -> HttpResponse:
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
