"""Errors are facts: a status, a stable code, a message and, for field errors, where.

Services and readers raise these; no error knows a wire format. Each API renders them in its
own envelope (``core.rendering``): the main API as ``spec/core.md`` §3, a second API in its
own shape, and a module whose legacy clients expect another body declares a renderer for its
own error classes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from core import messages


@dataclass(frozen=True, slots=True)
class Item:
    """A position in a list of objects: DRF reported those errors as a list, one entry per item.

    A plain ``int`` in a path is a position in a list of values (DRF's ListField), which DRF
    keyed by the position as text. ``length`` lets a renderer lay out the whole list.
    """

    index: int
    length: int


PathPart = str | int | Item
NON_FIELD = "non_field_errors"
"""The path part of a problem with an object as a whole rather than one of its fields."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field; ``path == ()`` is a problem of the input as a whole."""

    path: tuple[PathPart, ...]
    message: str
    code: str = "invalid"


class DomainError(Exception):
    """Base of every error raised on purpose: an HTTP status, a stable code and a message."""

    status_code: int = 400
    code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = messages.BAD_REQUEST

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """The input broke field rules: every problem found, each with its field path."""

    status_code = 400
    code = "invalid"
    default_message = "Invalid input."

    def __init__(
        self,
        errors: Iterable[FieldError] = (),
        *,
        field: str | tuple[PathPart, ...] | None = None,
        message: str | None = None,
    ) -> None:
        self.errors: list[FieldError] = list(errors)
        if message is not None:
            path = (field,) if isinstance(field, str) else tuple(field or (NON_FIELD,))
            self.errors.append(FieldError(path=path, message=message))
        super().__init__()


class SchemaInvalid(DomainError):
    """A declared schema refused the input; ``errors`` are pydantic's, kept so that each API
    words them its own way (DRF's messages on the main API, pydantic's on a FastAPI-era one).

    Each error's ``loc`` starts with its source (``body``, ``query``, ``path``, ``header``)
    and never names the view's parameter.
    """

    status_code = 400
    code = "schema"
    default_message = "Invalid input."

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__()


class ParseError(DomainError):
    """The body could not be read at all (malformed JSON or form)."""

    code = "parse_error"


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"
    default_message = messages.NOT_AUTHENTICATED


class AuthenticationFailed(NotAuthenticated):
    """Credentials were sent but refused (a bad, expired or revoked token, a wrong password)."""

    code = "authentication_failed"
    default_message = messages.TOKEN_NOT_VALID


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = messages.PERMISSION_DENIED


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = messages.NOT_FOUND


class MethodNotAllowed(DomainError):
    status_code = 405
    code = "method_not_allowed"

    def __init__(self, method: str, allowed: str | None = None) -> None:
        self.method = method
        self.allowed = allowed
        super().__init__(messages.METHOD_NOT_ALLOWED.format(method=method))


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "Conflict."


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    default_message = messages.TOO_LARGE


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_message = "Unsupported media type."


class Throttled(DomainError):
    status_code = 429
    code = "throttled"
    default_message = messages.THROTTLED

    def __init__(self, wait: float | None = None) -> None:
        self.wait = wait
        super().__init__()


class ServiceUnavailable(DomainError):
    """A service the request depends on cannot be reached now; the client may retry later."""

    status_code = 503
    code = "service_unavailable"
    default_message = "Service temporarily unavailable."


class ServerError(DomainError):
    """Stands for an unhandled exception once it has been logged; never raised by services."""

    status_code = 500
    code = "server_error"
    default_message = messages.INTERNAL_ERROR


class ErrorCollector:
    """Gathers field errors so one 400 reports every problem of a request, as DRF did."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(
        self, path: PathPart | tuple[PathPart, ...], message: str, code: str = "invalid"
    ) -> None:
        path = path if isinstance(path, tuple) else (path,)
        self.errors.append(FieldError(path=path, message=message, code=code))

    def has(self, path: PathPart | tuple[PathPart, ...]) -> bool:
        """True when the field, or anything inside it, already has an error."""
        path = path if isinstance(path, tuple) else (path,)
        return any(error.path[: len(path)] == path for error in self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
