"""One error base for every module; project/api.py turns these into the bodies of core spec section 3."""

from typing import Any

FIELD_REQUIRED = "This field is required."
NOT_FOUND = "Not found."
INVALID_PAGE = "Invalid page."


class DomainError(Exception):
    """Base of every error a service raises on purpose; carries its HTTP status and body."""

    status_code = 400
    default_detail = "Bad request."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    def body(self) -> Any:
        return {"detail": self.detail}

    def headers(self) -> dict[str, str]:
        """Every 401, whatever its body, names the scheme that would succeed (RFC 9110)."""
        if self.status_code == 401:
            return {"WWW-Authenticate": 'Bearer realm="api"'}
        return {}


class ValidationFailed(DomainError):
    """400 with a DRF-style body: ``{"field": ["message", ...]}``, ``non_field_errors`` for the rest."""

    status_code = 400

    def __init__(
        self,
        errors: dict[str, Any] | None = None,
        *,
        field: str | None = None,
        message: str | None = None,
    ) -> None:
        self.errors: dict[str, Any] = dict(errors or {})
        if message is not None:
            self.errors.setdefault(field or "non_field_errors", []).append(message)
        super().__init__("Invalid input.")

    def body(self) -> Any:
        return self.errors


class NotFound(DomainError):
    status_code = 404
    default_detail = NOT_FOUND


class PermissionDenied(DomainError):
    status_code = 403
    default_detail = "You do not have permission to perform this action."


class NotAuthenticated(DomainError):
    status_code = 401
    default_detail = "Authentication credentials were not provided."


class Conflict(DomainError):
    status_code = 409
    default_detail = "Conflict."


class PayloadTooLarge(DomainError):
    status_code = 413
    default_detail = "Request body too large."


class UnsupportedMediaType(DomainError):
    status_code = 415
    default_detail = "Unsupported media type."


class LegacyError(DomainError):
    """A body a legacy client expects verbatim: a bare list, ``{"error": ...}``, ``{"message": ...}``."""

    def __init__(self, body: Any, status_code: int = 400) -> None:
        self._body = body
        self.status_code = status_code
        super().__init__(str(body))

    def body(self) -> Any:
        return self._body


class ErrorCollector:
    """Gathers field errors so one 400 reports every problem of a request, as DRF did."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
