"""Error tracking (Sentry, optional) and JSON log lines, both carrying the request id.

Nothing is sent anywhere unless ``SENTRY_DSN`` is set. Personal data stays out by default:
no user, cookies, headers or bodies (``send_default_pii=False``), and the request id is the
link between an event, its log lines and the client's ``X-Request-ID``.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

# Here rather than in core.middleware, so that settings can import this module before Django
# is set up.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def _tag_request_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request_id = request_id_var.get()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str,
    sample_rate: float = 1.0,
    traces_sample_rate: float = 0.0,
    send_default_pii: bool = False,
    transport: Any = None,
) -> bool:
    """Start Sentry with the Django and Huey integrations; False (and nothing sent) without a
    DSN. ``transport`` replaces the network one (the tests capture events locally)."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.huey import HueyIntegration

    # Off is the SDK's default; the option is passed only to turn it on (newer SDKs deprecate it
    # in favour of ``data_collection``, which older ones lack).
    extra: dict[str, Any] = {"send_default_pii": True} if send_default_pii else {}
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        sample_rate=sample_rate,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), HueyIntegration()],
        before_send=_tag_request_id,  # type: ignore[arg-type]
        # Bodies (logins, answers) and frame locals (passwords, emails) are personal data.
        max_request_body_size="never",
        include_local_variables=False,
        transport=transport,
        **extra,
    )
    return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``LOG_FORMAT=json``), for log collectors that parse fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
