"""Spec §1: the second API's mount, envelope, casing, language, times, sanitising and paging."""

import json
import logging
import re

import pytest

from modules.assessments.models import Applet, AppletHistory
from tests.assessments.conftest import (
    BASE,
    applet_body,
    call,
    create_applet,
    error,
    grant,
)
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


def test_swagger_page_and_document_are_served_under_the_mount(client):
    docs = client.get(f"{BASE}/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    document = client.get(f"{BASE}/openapi.json").json()
    assert "/api/assessments/applets/{applet_id}" in document["paths"]
    assert "/api/assessments/applets" not in client.get("/api/openapi.json").json()["paths"]


def test_every_operation_declares_its_envelope_and_errors(client):
    document = client.get(f"{BASE}/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["tags"] == ["assessments"], (method, path)
            responses = operation["responses"]
            assert "422" in responses, (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)


def test_an_unknown_path_is_404_in_the_envelope(client):
    response = client.get(f"{BASE}/nowhere/at/all")
    assert (response.status_code, response.json()) == (404, error("Not found.", "NOT_FOUND"))


def test_a_wrong_method_is_405_in_the_envelope(client, owner):
    response = call(client, "PATCH", "/users/me", {}, user=owner)
    assert response.status_code == 405
    assert response.json() == error('Method "PATCH" not allowed.', "UNDEFINED")


def test_a_malformed_body_is_400_bad_request(client):
    response = client.post(f"{BASE}/auth/login", '{"email": ', content_type="application/json")
    assert response.status_code == 400
    (entry,) = response.json()["result"]
    assert entry["type"] == "BAD_REQUEST" and entry["message"].startswith("JSON parse error")


def test_an_oversized_body_is_413_in_the_envelope(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"email": "a@example.com", "password": "x" * 500})
    response = client.post(f"{BASE}/auth/login", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == error("Request body too large.", "UNDEFINED")


def test_another_media_type_is_415_in_the_envelope(client):
    response = client.post(f"{BASE}/auth/login", "email=a", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["result"][0]["type"] == "UNDEFINED"


def test_an_unhandled_error_is_500_with_a_fixed_message_and_logged(
    client, owner, monkeypatch, caplog
):
    def boom(**kwargs):
        raise RuntimeError("the applet store is on fire")

    monkeypatch.setattr("modules.assessments.selectors.workspaces.workspace_list", boom)
    with caplog.at_level(logging.ERROR):
        response = call(client, "GET", "/workspaces", user=owner, HTTP_X_REQUEST_ID="req-ml-1")
    assert response.status_code == 500
    assert response.json() == error("Internal server error", "UNDEFINED")
    assert "the applet store is on fire" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "core.request"]
    assert logged and logged[0].request_id == "req-ml-1"


def test_schema_errors_are_422_undefined_one_entry_each_with_the_source(client):
    response = call(client, "POST", "/auth/login", {"email": "not-an-email", "password": 5})
    assert response.status_code == 422
    assert response.json() == {
        "result": [
            {
                "message": "value is not a valid email address: The email address is not valid.",
                "type": "UNDEFINED",
                "path": ["body", "email"],
            },
            {
                "message": "Input should be a valid string",
                "type": "UNDEFINED",
                "path": ["body", "password"],
            },
        ]
    }


def test_a_bad_uuid_in_the_path_is_a_schema_error(client, owner):
    response = call(client, "GET", "/applets/not-a-uuid", user=owner)
    assert response.status_code == 422
    (entry,) = response.json()["result"]
    assert (entry["type"], entry["path"]) == ("UNDEFINED", ["path", "applet_id"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/users/me", {"firstName": "A", "lastName": "B", "nickname": "x"}),
        (
            "PUT",
            "/users/me/password",
            {"password": "n3w-Passw0rd!", "prevPassword": "x", "nickname": "x"},
        ),
    ],
)
def test_unknown_keys_are_refused_where_the_legacy_api_refused_them(
    client, owner, unchanged, method, path, body
):
    with unchanged():
        response = call(client, method, path, body, user=owner)
    assert response.status_code == 422
    assert response.json() == error("extra fields not permitted", "UNDEFINED", ["body", "nickname"])


def test_unknown_keys_of_applet_create_are_refused(client, owner, unchanged):
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(color="red"),
            user=owner,
        )
    assert response.status_code == 422
    assert response.json() == error("extra fields not permitted", "UNDEFINED", ["body", "color"])


def test_unknown_keys_elsewhere_are_ignored(client):
    make_user(email="ada@example.com", password="pass-word-123")
    body = {"email": "ada@example.com", "password": "pass-word-123", "whatever": 1}
    assert call(client, "POST", "/auth/login", body).status_code == 200


def test_input_in_snake_case_is_accepted_and_output_is_camel_case(client, owner):
    response = call(
        client, "PUT", "/users/me", {"first_name": "Liv", "last_name": "Owens"}, user=owner
    )
    assert response.status_code == 200
    assert response.json()["result"] == {
        "email": "olivia@example.com",
        "firstName": "Liv",
        "lastName": "Owens",
        "id": str(owner.public_id),
    }


def test_no_authorization_header_gets_the_legacy_body_and_scheme(client):
    response = client.get(f"{BASE}/users/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic abc", "Bearer "])
def test_a_bad_token_is_401_could_not_validate_credentials(client, header):
    response = client.get(f"{BASE}/users/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == error("Could not validate credentials.", "UNDEFINED")


def test_a_token_of_an_inactive_user_is_refused(client, owner):
    headers = bearer(owner)
    owner.is_active = False
    owner.save()
    response = client.get(f"{BASE}/users/me", **headers)
    assert response.status_code == 401
    assert response.json() == error("Could not validate credentials.", "UNDEFINED")


def test_paths_answer_with_and_without_the_trailing_slash(client, owner):
    assert call(client, "GET", "/users/me/", user=owner).status_code == 200
    assert call(client, "GET", "/users/me", user=owner).status_code == 200


def test_content_language_picks_one_text(client, owner):
    create_applet(
        client, owner, applet_body(description={"fr": "Bonjour", "en-GB": "Hiya", "en": "Hello"})
    )
    english = call(client, "GET", "/applets", user=owner, HTTP_CONTENT_LANGUAGE="en-US")
    french = call(client, "GET", "/applets", user=owner, HTTP_CONTENT_LANGUAGE="fr")
    other = call(client, "GET", "/applets", user=owner, HTTP_CONTENT_LANGUAGE="de")
    assert english.json()["result"][0]["description"] == "Hello"
    assert french.json()["result"][0]["description"] == "Bonjour"
    # The first in stored (jsonb) order: shorter keys first, then bytewise.
    assert other.json()["result"][0]["description"] == "Hello"
    assert english.json()["result"][0]["about"] == ""  # {"en": ""}


def test_datetimes_are_utc_without_an_offset(client, owner):
    applet = create_applet(client, owner)
    stored = Applet.objects.get(pk=applet["id"]).created_at
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?", applet["createdAt"])
    assert applet["createdAt"] == stored.replace(tzinfo=None).isoformat()


def test_free_text_is_sanitised(client, owner):
    body = applet_body(
        name='Mood <script>alert("x")</script><b>bold</b>',
        description={"en": "Tom & Jerry <img src=x onerror=alert(1)>"},
    )
    applet = create_applet(client, owner, body)
    assert applet["displayName"] == "Mood <b>bold</b>"
    assert applet["description"] == {"en": 'Tom &amp; Jerry <img src="x">'}
    history = AppletHistory.objects.get(id=applet["id"])
    assert history.display_name == "Mood <b>bold</b>"
    plain = create_applet(client, owner, applet_body(name="A < B & C"))
    assert plain["displayName"] == "A < B & C"


def test_null_characters_are_refused_before_anything_is_stored(client, owner, unchanged):
    with unchanged():
        response = call(
            client,
            "POST",
            f"/workspaces/{owner.public_id}/applets",
            applet_body(name="a\x00b"),
            user=owner,
        )
    assert response.status_code == 422
    assert response.json() == error("Null characters are not allowed.", "UNDEFINED", ["body"])


def test_numbers_json_cannot_hold_are_refused(client, owner, unchanged):
    body = json.dumps(applet_body()).replace('"value": 0', '"value": NaN')
    with unchanged():
        response = client.post(
            f"{BASE}/workspaces/{owner.public_id}/applets",
            body,
            content_type="application/json",
            **bearer(owner),
        )
    assert response.status_code == 422
    assert response.json() == error("Input should be a finite number", "UNDEFINED", ["body"])


def _names(response):
    return [each["displayName"] for each in response.json()["result"]]


def test_paging_search_and_ordering(client, owner):
    for name in ["Alpha", "beta", "Gamma", "Alphabet"]:
        create_applet(client, owner, applet_body(name=name))
    listed = call(client, "GET", "/applets", user=owner)
    assert listed.json()["count"] == 4
    assert _names(listed) == ["Alphabet", "Gamma", "beta", "Alpha"]  # -createdAt by default
    page = call(client, "GET", "/applets?page=2&limit=3", user=owner)
    assert (page.json()["count"], _names(page)) == (4, ["Alpha"])
    beyond = call(client, "GET", "/applets?page=99", user=owner)
    assert (beyond.status_code, beyond.json()) == (200, {"result": [], "count": 4})
    found = call(client, "GET", "/applets?search=ALPHA", user=owner)
    assert (found.json()["count"], sorted(_names(found))) == (2, ["Alpha", "Alphabet"])
    ordered = call(client, "GET", "/applets?ordering=displayName,nonsense", user=owner)
    assert _names(ordered) == ["Alpha", "Alphabet", "Gamma", "beta"]
    reverse = call(client, "GET", "/applets?ordering=-displayName", user=owner)
    assert _names(reverse) == ["beta", "Gamma", "Alphabet", "Alpha"]


@pytest.mark.parametrize(
    ("query", "field"), [("limit=10001", "limit"), ("limit=0", "limit"), ("page=0", "page")]
)
def test_paging_out_of_range_is_422(client, owner, query, field):
    response = call(client, "GET", f"/applets?{query}", user=owner)
    assert response.status_code == 422
    (entry,) = response.json()["result"]
    assert (entry["type"], entry["path"]) == ("UNDEFINED", ["query", field])


def test_the_largest_page_is_allowed(client, owner):
    assert call(client, "GET", "/applets?limit=10000", user=owner).status_code == 200


def test_a_respondent_only_sees_applets_it_holds_a_role_in(client, owner):
    applet = create_applet(client, owner)
    respondent = make_user()
    assert call(client, "GET", "/applets", user=respondent).json() == {"result": [], "count": 0}
    grant(respondent, applet["id"], "respondent")
    assert _names(call(client, "GET", "/applets", user=respondent)) == ["Mood"]
