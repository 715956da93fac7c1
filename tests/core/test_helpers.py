"""Core helpers the modules share: outbound HTTP with bounded retries, throttles named by a
setting, detail reads by primary key, and the job retry step."""

import threading
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.http import HttpRequest

from core.auth import SettingThrottle
from core.errors import NotFound
from core.http import http_client, retry_after_seconds
from core.models import User
from core.selectors import pk_or_404
from tests.conftest import make_user


class ScriptedServer:
    """A local HTTP server answering a script of (status, headers) in turn, counting requests."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.requests += 1
                status, headers = outer.script.pop(0) if outer.script else (200, {})
                body = b'{"ok": true}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def waits():
    return []


def client_for(url, waits, **options):
    return http_client(base_url=url, timeout=5, sleep=waits.append, jitter=lambda: 0.0, **options)


def test_a_busy_server_is_retried_after_the_pause_it_asks_for(waits):
    server = ScriptedServer([(503, {"Retry-After": "7"}), (429, {}), (200, {})])
    try:
        with client_for(server.url, waits, max_retries=3) as client:
            response = client.post("/v1/audio/transcriptions", json={"x": 1})
        assert response.status_code == 200
        assert server.requests == 3
        assert waits == [7.0, 4]  # the server's 7 s, then the second backoff step
    finally:
        server.close()


def test_retries_are_bounded_and_the_last_answer_is_returned(waits):
    server = ScriptedServer([(503, {})] * 5)
    try:
        with client_for(server.url, waits, max_retries=2) as client:
            response = client.post("/x", json={})
        assert (response.status_code, server.requests) == (503, 3)
        assert waits == [2, 4]
    finally:
        server.close()


def test_a_client_error_is_answered_at_once_and_a_long_retry_after_is_not_waited_for(waits):
    server = ScriptedServer([(400, {}), (429, {"Retry-After": "3600"}), (200, {})])
    try:
        with client_for(server.url, waits, max_retries=3) as client:
            assert client.post("/x", json={}).status_code == 400
            assert client.post("/x", json={}).status_code == 200
        assert waits == [2]  # an hour is beyond reason: the ordinary backoff instead
    finally:
        server.close()


def test_an_unreachable_server_raises_after_the_retries(waits):
    server = ScriptedServer([])
    url = server.url
    server.close()
    with client_for(url, waits, max_retries=2) as client, pytest.raises(httpx.ConnectError):
        client.post("/x", json={})
    assert waits == [2, 4]


def test_timeouts_are_explicit():
    with http_client(timeout=12.5, connect_timeout=3) as client:
        assert (client.timeout.read, client.timeout.connect) == (12.5, 3)


def test_retry_after_reads_seconds_and_dates():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def request_from(address):
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = address
    return request


def test_a_throttle_takes_its_rate_from_the_named_setting(settings):
    settings.CAREERS_TEST_RATE = "2/min"
    throttle = SettingThrottle("CAREERS_TEST_RATE")
    allowed = [throttle.allow_request(request_from("198.51.100.7")) for _ in range(3)]
    assert allowed == [True, True, False]
    assert throttle.allow_request(request_from("198.51.100.8")) is True
    settings.CAREERS_TEST_RATE = "5/min"
    assert throttle.allow_request(request_from("198.51.100.7")) is True
    # Another setting counts apart, even for the same address.
    settings.OTHER_TEST_RATE = "1/min"
    assert SettingThrottle("OTHER_TEST_RATE").allow_request(request_from("198.51.100.7"))


@pytest.mark.django_db
def test_pk_or_404_reads_one_visible_row_or_refuses():
    ada = make_user(email="ada@example.com")
    bob = make_user(email="bob@example.com")
    visible = User.objects.filter(email__startswith="a")
    assert pk_or_404(visible, ada.pk) == ada
    assert pk_or_404(visible, str(ada.pk)) == ada
    for pk in (bob.pk, 0, -1, 2**63, True, "abc", None):
        with pytest.raises(NotFound) as caught:
            pk_or_404(visible, pk, message="No User matches the given query.")
        assert caught.value.message == "No User matches the given query."


@pytest.mark.django_db
def test_case_insensitive_lookups_fold_every_letter_on_every_database(client):
    from django.db.models import Q

    from core.db import Lowered

    ete = make_user(email="été@example.com", first_name="Ünal", password="s3cret-pass")
    assert list(User.objects.filter(first_name__iexact="ÜNAL")) == [ete]
    assert list(User.objects.filter(email__icontains="ÉTÉ@")) == [ete]
    assert list(User.objects.filter(Q(first_name__istartswith="üN"))) == [ete]
    assert not User.objects.filter(first_name__iexact="Ün_").exists()  # wildcards stay exact
    assert list(User.objects.filter(first_name__icontains="n%")) == []
    folded = User.objects.alias(name_ci=Lowered("first_name")).filter(name_ci="ünal")
    assert list(folded) == [ete]
    # Login by email ignores the case of every letter too.
    response = client.post(
        "/api/token/",
        {"email": "ÉTÉ@EXAMPLE.COM", "password": "s3cret-pass"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_a_named_rate_may_be_spelled_as_drf_spelled_it(settings):
    settings.DRF_SPELLED_RATE = "2/minute"
    throttle = SettingThrottle("DRF_SPELLED_RATE")
    assert (throttle.num_requests, throttle.duration) == (2, 60)
    assert [throttle.allow_request(request_from("198.51.100.9")) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    settings.DRF_SPELLED_RATE = "5/fortnight"
    with pytest.raises(ValueError):
        throttle.allow_request(request_from("198.51.100.9"))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 1, 5, 10, 0, 0, tzinfo=UTC),
        datetime(2025, 1, 5, 10, 0, 0, 120, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2025, 6, 1, 2, 30, 0, 500000, tzinfo=timezone(timedelta(hours=5))),
    ],
)
@pytest.mark.django_db
def test_utc_iso_text_renders_datetimes_as_python_does_on_every_database(moment):
    from core.db import UtcIsoText

    user = make_user()
    User.objects.filter(pk=user.pk).update(date_joined=moment)
    text = User.objects.filter(pk=user.pk).values_list(UtcIsoText("date_joined"), flat=True).get()
    expected = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert text == expected
