"""Ninja's parser for declared bodies: the same JSON, form and multipart reading as ``core.body``."""

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from core.body import request_data


class ApiParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        """Ninja wraps what this raises (``ParseError``, ``UnsupportedMediaType``) in an
        ``HttpError``; the error handlers answer for the wrapped error."""
        return request_data(request)
