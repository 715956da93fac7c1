"""Request bodies: JSON for every module, plus form and multipart bodies with the same fields."""

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class BodyParseError(ValueError):
    """Raised for a body that cannot be read; the API answers 400 with the reason."""


class ApiParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        content_type = (request.content_type or "").lower()
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return {
                key: values if len(values) > 1 else values[0]
                for key, values in request.POST.lists()
            }
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BodyParseError(f"JSON parse error - {exc}") from exc
