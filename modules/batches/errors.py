"""FilesTalk's legacy error bodies: its clients read ``{"error": ...}`` and ``{"message": ...}``.

The classes only carry facts (a status, a message); ``BODIES`` is how the API writes them, and
``project/api.py`` registers it. A 401 still gets its ``WWW-Authenticate`` from the renderer.
"""

from collections.abc import Callable
from typing import Any

from core.errors import AuthenticationFailed, DomainError, NotFound, PermissionDenied


class ApiKeyRefused(AuthenticationFailed):
    """The API key of a token exchange is missing, unknown, expired or revoked."""

    code = "api_key_refused"


class CuidUnknown(AuthenticationFailed):
    """No user has the cuid a batch names: the legacy API answered it as a 401."""

    code = "cuid_unknown"


class AccountRefused(PermissionDenied):
    """The account may not act here: disabled, outside the key's organization, another's cuid."""

    code = "account_refused"


class EmailRequired(DomainError):
    """A first visit of a cuid registers its user, which takes an email."""

    code = "email_required"


class BatchNotFound(NotFound):
    """A batch the caller may not see, or an id that names none."""

    code = "batch_not_found"


class ResultFileNotFound(NotFound):
    """The batch is visible but has no workbook (not finished, or the file is gone)."""

    code = "result_file_not_found"


def _error(error: DomainError) -> dict[str, str]:
    return {"error": error.message}


def _message(error: DomainError) -> dict[str, str]:
    return {"message": error.message}


BODIES: dict[type[DomainError], Callable[[Any], Any]] = {
    ApiKeyRefused: _error,
    CuidUnknown: _error,
    AccountRefused: _error,
    EmailRequired: _error,
    BatchNotFound: _message,
    ResultFileNotFound: _error,
}
