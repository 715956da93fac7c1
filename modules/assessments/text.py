"""Text conventions of the legacy API: sanitised free text, one language picked from a
multi-language dict, and UTC datetimes without an offset (spec §1)."""

from datetime import UTC, datetime
from typing import Any

import nh3
from django.http import HttpRequest

DEFAULT_LANGUAGE = "en"


def sanitize(value: str) -> str:
    """Markup loses what could run or load (scripts, handlers, styles); plain text, ``<`` and
    ``&`` included, stays exactly as written."""
    return nh3.clean(value) if nh3.is_html(value) else value


def sanitize_texts(value: dict[str, str]) -> dict[str, str]:
    return {language: sanitize(text) for language, text in value.items()}


def language(request: HttpRequest) -> str:
    """``Content-Language: en-US`` → ``en``."""
    raw = request.headers.get("Content-Language", "")
    primary = raw.split(",")[0].strip().split("-")[0].split("_")[0].strip().lower()
    return primary or DEFAULT_LANGUAGE


def stored_order(key: str) -> tuple[int, bytes]:
    """PostgreSQL's ``jsonb`` keeps keys shorter first, then bytewise (not as sent); "the first"
    language is the first in that order on every database, as it was for the legacy API."""
    raw = key.encode()
    return len(raw), raw


def pick(texts: Any, lang: str) -> str:
    """One text of a multi-language dict: that language's, else the first, else ``""``."""
    if isinstance(texts, str):
        return texts
    if not isinstance(texts, dict) or not texts:
        return ""
    chosen = texts.get(lang)
    if chosen is None:
        chosen = texts[min(texts, key=stored_order)]
    return chosen if isinstance(chosen, str) else str(chosen)


def utc(value: datetime | None) -> str | None:
    """``2024-05-20T10:01:00.123000``: UTC, no offset, as the legacy clients parse it."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()
