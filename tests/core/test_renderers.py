"""Each API answers in its own envelope: a second API (MindLogger's shape, spec/assessments.md §1)
mounted beside the main one renders every error its own way, inside views and outside them, while
the main API's answers do not move."""

import json
import logging

import pytest

from tests.conftest import bearer, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.envelope_urls")]

BASE = "/api/second"


def entry(message, kind, path=()):
    return {"result": [{"message": message, "type": kind, "path": list(path)}]}


def test_an_unknown_path_is_a_404_in_the_envelope(client):
    response = client.get(f"{BASE}/applets/nowhere")
    assert response.status_code == 404
    assert response.json() == entry("Not found.", "NOT_FOUND")


def test_a_wrong_method_is_a_405_in_the_envelope_with_allow(client):
    response = client.delete(f"{BASE}/secret")
    assert response.status_code == 405
    assert response.json() == entry('Method "DELETE" not allowed.', "UNDEFINED")
    assert response["Allow"] == "GET"


def test_an_oversized_body_is_a_413_in_the_envelope(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = {"email": "ada@example.com", "age": 30, "padding": "x" * 2048}
    response = client.post(f"{BASE}/respondents", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == entry("Request body too large.", "UNDEFINED")


def test_a_malformed_body_is_a_400_in_the_envelope_with_the_reason(client):
    body = '{"email": "ada@example.com"'
    with pytest.raises(ValueError) as reason:
        json.loads(body)
    response = client.post(f"{BASE}/respondents", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == entry(f"JSON parse error - {reason.value}", "BAD_REQUEST")


def test_a_body_in_another_media_type_is_a_415_in_the_envelope(client):
    response = client.post(f"{BASE}/respondents", "email=a", content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == entry('Unsupported media type "text/plain" in request.', "UNDEFINED")


def test_schema_errors_are_422_one_entry_each_with_the_source_and_no_parameter_name(client):
    response = client.post(f"{BASE}/respondents", {"age": "old"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "result": [
            {"message": "Field required", "type": "UNDEFINED", "path": ["body", "email"]},
            {
                "message": "Input should be a valid integer, unable to parse string as an integer",
                "type": "UNDEFINED",
                "path": ["body", "age"],
            },
        ]
    }


def test_domain_errors_render_in_the_envelope(client):
    rule = client.post(
        f"{BASE}/respondents",
        {"email": "kid@example.com", "age": 9},
        content_type="application/json",
    )
    assert (rule.status_code, rule.json()) == (
        422,
        entry("Respondents are adults.", "INVALID_VALUE", ["body", "age"]),
    )
    missing = client.get(f"{BASE}/respondents/7")
    assert (missing.status_code, missing.json()) == (
        404,
        entry("No such respondent with id=7.", "NOT_FOUND"),
    )
    denied = client.get(f"{BASE}/secret")
    assert (denied.status_code, denied.json()) == (403, entry("Access denied.", "ACCESS_DENIED"))


def test_authentication_errors_render_in_the_envelope_with_the_scheme(client):
    anonymous = client.get(f"{BASE}/me")
    assert (anonymous.status_code, anonymous.json()) == (401, {"detail": "Not authenticated"})
    assert anonymous["WWW-Authenticate"] == "Bearer"
    bad = client.get(f"{BASE}/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert (bad.status_code, bad.json()) == (
        401,
        entry("Given token not valid for any token type", "UNDEFINED"),
    )
    user = make_user(email="ada@example.com")
    good = client.get(f"{BASE}/me", **bearer(user))
    assert (good.status_code, good.json()) == (200, {"result": {"email": "ada@example.com"}})


def test_an_unhandled_error_is_a_500_in_the_envelope_and_logged(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get(f"{BASE}/broken", HTTP_X_REQUEST_ID="req-envelope")
    assert response.status_code == 500
    assert response.json() == entry("Internal server error", "UNDEFINED")
    (ours,) = [r for r in caplog.records if r.name == "core.request"]
    assert ours.request_id == "req-envelope"
    assert "the applet store is on fire" in caplog.text


def test_an_error_outside_any_view_is_a_500_in_the_envelope(client, monkeypatch):
    def boom(self, request):
        raise RuntimeError("routing on fire")

    monkeypatch.setattr("ninja.operation.PathView._find_operation", boom)
    response = client.get(f"{BASE}/secret")
    assert response.status_code == 500
    assert response.json() == entry("Internal server error", "UNDEFINED")
    main = client.get("/api/hello")
    assert (main.status_code, main.json()) == (500, {"detail": "Internal server error"})


def test_paths_answer_with_and_without_the_trailing_slash(client):
    assert client.get(f"{BASE}/secret/").json() == entry("Access denied.", "ACCESS_DENIED")
    assert client.get(f"{BASE}/respondents/7/").status_code == 404


def test_the_main_api_answers_exactly_as_before_beside_it(client):
    unknown = client.get("/api/applets/nowhere")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Not found."})
    wrong = client.delete("/api/hello")
    assert (wrong.status_code, wrong.json()) == (405, {"detail": 'Method "DELETE" not allowed.'})
    anonymous = client.get("/api/me")
    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )
    schema = client.post("/api/token/", {"email": None}, content_type="application/json")
    assert (schema.status_code, schema.json()) == (
        400,
        {"email": ["This field may not be null."], "password": ["This field is required."]},
    )
