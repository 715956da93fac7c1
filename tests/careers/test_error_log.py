"""The client error log (spec careers.md §4.6): public, throttled, and naming the user when a
valid token comes along."""

import pytest

from modules.careers.models import ErrorLog
from tests.careers.conftest import V1, careers_state
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

LOG = f"{V1}/error/log/"


def report(client, body, **extra):
    return client.post(LOG, body, content_type="application/json", **extra)


def test_an_anonymous_report_is_stored_with_its_address_and_agent(client):
    response = report(
        client,
        {"errorcode": "E42", "errormessage": "Recorder crashed"},
        HTTP_USER_AGENT="WhynessApp/2.1 (iOS)",
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 201
    entry = ErrorLog.objects.get()
    assert response.json() == {
        "create_date": entry.create_date.isoformat().replace("+00:00", "Z"),
        "errorcode": "E42",
        "errormessage": "Recorder crashed",
    }
    assert (entry.ip, entry.user_agent, entry.user) == (
        "198.51.100.4",
        "WhynessApp/2.1 (iOS)",
        None,
    )


def test_a_valid_token_names_the_user(client):
    user = make_user()
    assert report(client, {"errorcode": "E1"}, **bearer(user)).status_code == 201
    assert ErrorLog.objects.get().user == user


def test_a_bad_token_does_not_refuse_the_report(client):
    response = report(client, {"errorcode": "E1"}, HTTP_AUTHORIZATION="Bearer broken")
    assert response.status_code == 201
    assert ErrorLog.objects.get().user is None


def test_both_fields_are_optional(client):
    response = report(client, {})
    assert response.status_code == 201
    assert response.json()["errorcode"] == response.json()["errormessage"] == ""


def test_the_fields_have_their_limits(client):
    before = careers_state()
    response = report(client, {"errorcode": "c" * 101, "errormessage": "m" * 10_001})
    assert response.status_code == 400
    assert response.json() == {
        "errorcode": ["Ensure this field has no more than 100 characters."],
        "errormessage": ["Ensure this field has no more than 10000 characters."],
    }
    assert careers_state() == before
    assert report(client, {"errorcode": "c" * 100, "errormessage": "m" * 10_000}).status_code == 201


def test_a_long_user_agent_is_cut_to_500_characters(client):
    report(client, {}, HTTP_USER_AGENT="a" * 600)
    assert ErrorLog.objects.get().user_agent == "a" * 500


def test_reports_are_throttled_per_address(client, settings):
    assert settings.CAREERS_ERRORLOG_RATE == "60/minute"
    settings.CAREERS_ERRORLOG_RATE = "1/minute"
    assert report(client, {}).status_code == 201
    refused = report(client, {})
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Request was throttled."}
    assert ErrorLog.objects.count() == 1


def test_the_address_is_the_one_our_proxies_saw(client, settings):
    settings.NUM_PROXIES = 1
    report(client, {}, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert ErrorLog.objects.get().ip == "203.0.113.9"
