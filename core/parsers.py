"""Request bodies: JSON for every module, plus form and multipart bodies with the same fields."""

import json
from io import BytesIO
from typing import Any

from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from ninja.parser import Parser

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NESTED_TOO_DEEPLY = "JSON parse error - the body is nested too deeply"


class BodyParseError(ValueError):
    """Raised for a body that cannot be read; the API answers 400 with the reason."""


class UnsupportedBodyType(BodyParseError):
    """A body in a media type the API does not read; the API answers 415, as DRF did."""

    def __init__(self, media_type: str) -> None:
        super().__init__(f'Unsupported media type "{media_type}" in request.')


def is_json(content_type: str) -> bool:
    """``application/json`` and its structured-syntax relatives (``application/merge-patch+json``)."""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class ApiParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        """JSON (also without a Content-Type, as lenient clients send it), or a form.

        A form field sent twice counts once, by its last value, as DRF read a QueryDict; any
        other declared media type is refused rather than guessed at.
        """
        content_type = (request.content_type or "").lower()
        if content_type in FORM_TYPES:
            return _form_data(request, content_type).dict()
        if content_type and not is_json(content_type) and request.body:
            raise UnsupportedBodyType(request.META.get("CONTENT_TYPE", content_type))
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BodyParseError(f"JSON parse error - {exc}") from exc
        except RecursionError:
            # json gives up on arrays nested a few hundred deep; that is the client's body.
            raise BodyParseError(NESTED_TOO_DEEPLY) from None


def _form_data(request: HttpRequest, content_type: str) -> QueryDict:
    """Django fills ``request.POST`` for POST only; PUT and PATCH forms (as DRF read them) too."""
    try:
        if request.method == "POST":
            return request.POST
        if content_type == "multipart/form-data":
            data, _files = request.parse_file_upload(request.META, BytesIO(request.body))
            return data
        return QueryDict(request.body, encoding="utf-8")
    except MultiPartParserError as exc:
        raise BodyParseError(f"Multipart form parse error - {exc}") from exc
    except (TooManyFieldsSent, TooManyFilesSent) as exc:
        # Django's limits on form size are the client's mistake, not a server error.
        raise BodyParseError(f"Form parse error - {exc}") from exc
