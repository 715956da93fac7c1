"""MindLogger's envelope: ``{"result": [{"message", "type", "path"}]}`` for every error of the
assessments API (spec assessments.md §1), installed in ``project/api.py``.

Schema errors (pydantic's) are 422 ``UNDEFINED`` with pydantic's words and the source first in
the path; field rules (``ValidationFailed``) 422 ``INVALID_VALUE`` under ``body``; a request
without any ``Authorization`` header gets the legacy ``{"detail": "Not authenticated"}``.
"""

from typing import Any

from core.errors import (
    DomainError,
    NotAuthenticated,
    SchemaInvalid,
    ServerError,
    Throttled,
    ValidationFailed,
)
from core.rendering import Renderer
from modules.assessments import errors

TYPES = {
    400: errors.BAD_REQUEST,
    403: errors.ACCESS_DENIED,
    404: errors.NOT_FOUND,
}
# Pydantic's words, except where the legacy clients saw FastAPI's (pydantic 1) wording.
WORDING = {"extra_forbidden": errors.EXTRA_FIELD}


class AssessmentsRenderer(Renderer):
    def status(self, error: DomainError) -> int:
        if isinstance(error, SchemaInvalid | ValidationFailed):
            return 422
        return error.status_code

    def headers(self, error: DomainError) -> dict[str, str]:
        headers = super().headers(error)
        if "WWW-Authenticate" in headers:
            headers["WWW-Authenticate"] = "Bearer"
        return headers

    def body(self, error: DomainError) -> Any:
        if isinstance(error, SchemaInvalid):
            return {"result": [schema_entry(each) for each in error.errors]}
        if isinstance(error, ValidationFailed):
            return {
                "result": [
                    entry(each.message, errors.INVALID_VALUE, ["body", *each.path])
                    for each in error.errors
                ]
            }
        if isinstance(error, NotAuthenticated):
            if error.code == "not_authenticated":
                return {"detail": errors.NOT_AUTHENTICATED}
            return {"result": [entry(errors.BAD_TOKEN, errors.UNDEFINED)]}
        if isinstance(error, Throttled):
            return {"result": [entry(errors.THROTTLED, errors.UNDEFINED)]}
        if isinstance(error, ServerError):
            return {"result": [entry(error.message, errors.UNDEFINED)]}
        kind = getattr(error, "result_type", None) or TYPES.get(error.status_code, errors.UNDEFINED)
        messages = getattr(error, "messages", None) or [error.message]
        return {"result": [entry(message, kind) for message in messages]}


def entry(message: str, kind: str, path: list[Any] | tuple[Any, ...] = ()) -> dict[str, Any]:
    return {
        "message": message,
        "type": kind,
        "path": [str(p) if not isinstance(p, int) else p for p in path],
    }


def schema_entry(error: dict[str, Any]) -> dict[str, Any]:
    kind = str(error.get("type", ""))
    message = WORDING.get(kind) or str(error.get("msg", "Invalid value."))
    return entry(message, errors.UNDEFINED, tuple(error.get("loc", ())))
