"""Request bodies a client can get wrong: each is a 4xx with a reason, never a 500."""

import json
import logging
from urllib.parse import urlencode

import pytest
from django.core.exceptions import SuspiciousFileOperation
from ninja_jwt.token_blacklist.models import OutstandingToken

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TOO_MANY_FIELDS = (
    "Form parse error - The number of GET/POST parameters exceeded "
    "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
)
NESTED = "JSON parse error - the body is nested too deeply"
FORM = "application/x-www-form-urlencoded"


def many_fields() -> str:
    return urlencode([(f"f{n}", "x") for n in range(1001)])


def test_a_form_with_too_many_fields_is_400_on_login(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    response = client.post("/api/token/", many_fields(), content_type=FORM)
    assert response.status_code == 400
    assert response.json() == {"detail": TOO_MANY_FIELDS}
    assert not OutstandingToken.objects.exists()


@pytest.mark.parametrize("path", ["/api/token/", "/api/token/refresh/"])
def test_a_deeply_nested_json_body_is_400(client, path):
    response = client.post(path, "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": NESTED}
    assert not OutstandingToken.objects.exists()


def test_a_suspicious_operation_in_a_view_is_a_json_400(client, monkeypatch, caplog):
    make_user(email="ada@example.com", password="s3cret-pass")

    def suspicious(user):
        raise SuspiciousFileOperation("Detected path traversal attempt")

    monkeypatch.setattr("core.auth.token_pair_for", suspicious)
    body = json.dumps({"email": "ada@example.com", "password": "s3cret-pass"})
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
    assert not OutstandingToken.objects.exists()


def test_a_disallowed_host_under_the_api_is_a_json_400(client):
    response = client.get("/api/hello", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def login_body(email: str = "ada@example.com") -> str:
    return json.dumps({"email": email, "password": "s3cret-pass"})


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8", "text/json"])
def test_a_body_in_another_media_type_is_415(client, content_type):
    make_user(email="ada@example.com", password="s3cret-pass")
    response = client.post("/api/token/", login_body(), content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {"detail": f'Unsupported media type "{content_type}" in request.'}
    assert not OutstandingToken.objects.exists()


def test_a_declared_body_schema_refuses_other_media_types_too(client):
    response = client.post("/api/token/refresh/", '{"refresh": "x"}', content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}


@pytest.mark.parametrize("content_type", ["", "application/json", "application/vnd.api+json"])
def test_json_is_read_without_a_media_type_or_as_any_json_type(client, content_type):
    make_user(email="ada@example.com", password="s3cret-pass")
    response = client.post("/api/token/", login_body(), content_type=content_type)
    assert response.status_code == 200
    assert list(response.json()) == ["refresh", "access"]


def test_a_repeated_form_field_counts_by_its_last_value(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    body = urlencode(
        [
            ("email", "someone@example.com"),
            ("email", "ada@example.com"),
            ("password", "s3cret-pass"),
        ]
    )
    response = client.post("/api/token/", body, content_type=FORM)
    assert response.status_code == 200
    assert list(response.json()) == ["refresh", "access"]
