"""Error tracking with the request id and without personal data; JSON log lines."""

import json
import logging

import pytest

from core.observability import JsonFormatter, init_sentry, request_id_var
from tests.support import settings_probe

pytestmark = pytest.mark.django_db


# Sentry's integrations patch Django and Huey for the whole process (Huey tasks then carry
# ``sentry_headers``), so the event test runs in a fresh process with its own SQLite database.
SENTRY_RUN = """
import json, django
from django.core.management import call_command
django.setup()
call_command("migrate", verbosity=0)
import sentry_sdk
from sentry_sdk.transport import Transport
from django.test import Client
from core.models import User
from core.observability import init_sentry

class LocalTransport(Transport):
    # The test's Sentry server: keeps envelopes in memory.
    def __init__(self):
        super().__init__()
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

transport = LocalTransport()
assert init_sentry(dsn="http://public@127.0.0.1:9/1", environment="t", release="t", transport=transport)
email, password, cookie = "ada" + "@example.com", "s3cret" + "-pass", "secret" + "-cookie"
User.objects.create_user(email=email, password=password)
import core.auth

def boom(user, **kwargs):
    raise RuntimeError("database on fire")

core.auth.token_pair_for = boom
response = Client().post(
    "/api/token/", {"email": email, "password": password}, content_type="application/json",
    HTTP_X_REQUEST_ID="req-sentry", HTTP_COOKIE=f"sessionid={cookie}", HTTP_HOST="testserver",
)
sentry_sdk.flush()
events = [item.payload.json for envelope in transport.envelopes for item in envelope.items
          if item.type == "event"]
print(json.dumps({"status": response.status_code, "events": events}))
"""


def test_no_dsn_means_no_sentry():
    assert init_sentry(dsn="", environment="test", release="t") is False


def test_an_unhandled_error_reaches_sentry_with_the_request_id_and_no_personal_data(tmp_path):
    result = settings_probe(
        SENTRY_RUN, tmp_path, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", LOG_LEVEL="ERROR"
    )
    assert result["status"] == 500
    [event] = result["events"]
    assert event["tags"]["request_id"] == "req-sentry"
    assert event["exception"]["values"][-1]["value"] == "database on fire"
    text = json.dumps(event)
    # Built, not written: an event carries source lines, and these must not look like data.
    for personal in ("ada" + "@example.com", "s3cret" + "-pass", "secret" + "-cookie"):
        assert personal not in text
    assert "user" not in event or "email" not in event["user"]


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("core.request", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    token = request_id_var.set("req-json")
    try:
        logging.getLogger("core.request")  # the filter reads the context variable
        from core.middleware import RequestIdLogFilter

        RequestIdLogFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "boom x"
    assert (line["level"], line["logger"], line["request_id"]) == (
        "ERROR",
        "core.request",
        "req-json",
    )


def test_log_format_json_is_chosen_by_the_environment(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.LOGGING['handlers']['console']['formatter']))"
    )
    assert settings_probe(code, tmp_path, LOG_FORMAT="json") == "json"
    assert settings_probe(code, tmp_path, LOG_FORMAT="") == "plain"
