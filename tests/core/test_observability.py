"""Error tracking with the request id and without personal data; JSON log lines."""

import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from core.observability import JsonFormatter, init_sentry, request_id_var
from tests.conftest import make_user
from tests.support import settings_probe

pytestmark = pytest.mark.django_db


class LocalTransport(Transport):
    """Keeps envelopes in memory instead of sending them: the test's Sentry server."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry():
    transport = LocalTransport()
    assert init_sentry(
        dsn="http://public@127.0.0.1:9/1", environment="test", release="t", transport=transport
    )
    yield transport
    sentry_sdk.init()  # no DSN: the client is off again


def events(transport):
    found = []
    for envelope in transport.envelopes:
        for item in envelope.items:
            if item.type == "event":
                found.append(item.payload.json)
    return found


def test_no_dsn_means_no_sentry():
    assert init_sentry(dsn="", environment="test", release="t") is False


def test_an_unhandled_error_reaches_sentry_with_the_request_id_and_no_personal_data(
    client, monkeypatch, sentry
):
    # Built, not written: an event carries source lines, and these must not look like data.
    email, password, cookie = "ada" + "@example.com", "s3cret" + "-pass", "secret" + "-cookie"
    make_user(email=email, password=password)

    def boom(user, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("core.auth.token_pair_for", boom)
    response = client.post(
        "/api/token/",
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-sentry",
        HTTP_COOKIE=f"sessionid={cookie}",
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    [event] = events(sentry)
    assert event["tags"]["request_id"] == "req-sentry"
    assert event["exception"]["values"][-1]["value"] == "database on fire"
    text = json.dumps(event)
    for personal in (email, password, cookie):
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
