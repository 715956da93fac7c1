import json
import logging

import pytest
from django.urls import reverse
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import RefreshToken

from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_is_json_405_naming_the_method(client, method):
    response = getattr(client, method)("/api/hello")
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert response["Allow"] == "GET"


def test_paths_answer_with_and_without_trailing_slash_without_redirect(client):
    make_user(email="ada@example.com", password="s3cret-pass")
    assert client.get("/api/hello/").status_code == 200
    assert client.get("/api/version").status_code == 200
    # A POST body survives: no redirect is involved.
    response = client.post(
        "/api/token",
        {"email": "ada@example.com", "password": "s3cret-pass"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_malformed_json_is_400_with_the_reason(client):
    user = make_user(email="ada@example.com", password="s3cret-pass")
    body = '{"email": "ada@example.com", "password": "s3cret-pass"'  # cut short
    with pytest.raises(ValueError) as reason:
        json.loads(body)
    response = client.post("/api/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON parse error - {reason.value}"}
    assert OutstandingToken.objects.count() == 0
    user.refresh_from_db()
    assert (user.last_login, user.last_seen_at) == (None, None)


def test_a_body_over_the_upload_limit_is_json_413_and_writes_nothing(client, settings):
    user = make_user(email="ada@example.com", password="s3cret-pass")
    refresh = RefreshToken.for_user(user)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    padding = "x" * 2048
    login = client.post(
        "/api/token/",
        {"email": "ada@example.com", "password": "s3cret-pass", "padding": padding},
        content_type="application/json",
    )
    rotate = client.post(
        "/api/token/refresh/",
        {"refresh": str(refresh), "padding": padding},
        content_type="application/json",
    )
    for response in (login, rotate):
        assert response.status_code == 413
        assert response.json() == {"detail": "Request body too large."}
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [refresh["jti"]]
    assert BlacklistedToken.objects.count() == 0
    user.refresh_from_db()
    assert (user.last_login, user.last_seen_at) == (None, None)
    # Under the limit the same login goes through: the size was the only reason.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    fits = client.post(
        "/api/token/",
        {"email": "ada@example.com", "password": "s3cret-pass", "padding": padding},
        content_type="application/json",
    )
    assert fits.status_code == 200


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/api/hello", HTTP_X_REQUEST_ID="abc-123")
    generated = client.get("/api/hello")
    unsafe = client.get("/api/hello", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert echoed["X-Request-ID"] == "abc-123"
    assert len(generated["X-Request-ID"]) == 32
    assert unsafe["X-Request-ID"] != "bad id\nwith newline"
    assert client.get("/api/nothing")["X-Request-ID"]


def test_unhandled_error_is_json_500_logged_with_request_id(client, monkeypatch, caplog):
    make_user(email="ada@example.com", password="s3cret-pass")

    def boom(user):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("core.auth.token_pair_for", boom)
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/api/token/",
            {"email": "ada@example.com", "password": "s3cret-pass"},
            content_type="application/json",
            HTTP_X_REQUEST_ID="req-500",
        )
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    record = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert record.request_id == "req-500"
    # Django's own line too, which it writes after the middleware has finished.
    (django_line,) = [r for r in caplog.records if r.name == "django.request"]
    assert django_line.getMessage() == "Internal Server Error: /api/token/"
    assert django_line.request_id == "req-500"
    assert "database on fire" in caplog.text


def test_an_error_that_escapes_ninja_is_json_500_logged_with_request_id(
    client, monkeypatch, caplog
):
    """Ninja answers what its operations raise; ApiPathMiddleware answers what ninja's view does."""

    def boom(self, request):
        raise RuntimeError("routing on fire")

    monkeypatch.setattr("ninja.operation.PathView._find_operation", boom)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/hello", HTTP_X_REQUEST_ID="req-outside")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert response["X-Request-ID"] == "req-outside"
    (ours,) = [r for r in caplog.records if r.name == "core.request"]
    assert ours.getMessage() == "unhandled error on GET /api/hello"
    assert ours.request_id == "req-outside"
    assert "routing on fire" in caplog.text


def test_hello_version_health(client, settings):
    assert client.get("/api/hello").json() == {"message": "Hello, World!"}
    assert client.get("/api/version/").json() == {
        "major": 1, "minor": 0, "revision": 1, "version": "1.0.1-prod", "production": True,
    }  # fmt: skip
    settings.DEBUG = True
    assert client.get("/api/version/").json()["version"] == "1.0.1-dev"
    response = client.get("/api/health/")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "queue": "ok"},
    )


def test_shared_endpoints_are_named_verb_entity(client):
    # View names become URL names and operation ids: <verb>_<entity>, unique across the API.
    paths = {
        "get_hello": "/api/hello",
        "get_version": "/api/version/",
        "get_health": "/api/health/",
    }
    assert {name: reverse(f"api:{name}") for name in paths} == paths
    schema = client.get("/api/openapi.json").json()
    assert {name: schema["paths"][path]["get"]["operationId"] for name, path in paths.items()} == {
        name: f"core_api_{name}" for name in paths
    }


def test_health_names_the_failing_queue(client, monkeypatch):
    from huey.contrib.djhuey import HUEY

    def down():
        raise ConnectionError("redis down")

    monkeypatch.setattr(HUEY, "pending_count", down)
    response = client.get("/api/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "queue": "unavailable"}


def test_health_names_the_failing_database(client, monkeypatch):
    from django.db import connection

    def down():
        raise ConnectionError("database down")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/api/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "queue": "ok"}


def test_cors_allows_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = client.get("/api/hello", HTTP_ORIGIN="https://app.example.com")
    other = client.get("/api/hello", HTTP_ORIGIN="https://evil.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in other


def test_docs_are_served_from_bundled_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html


def test_openapi_documents_every_operation(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["JWTBearer"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            assert operation.get("responses"), where
            if method in {"post", "put", "patch"} and "files" not in path:
                assert "requestBody" in operation, where


def test_me_requires_token_and_knows_staff(client):
    staff = make_user(is_staff=True)
    assert client.get("/api/me/").status_code == 401
    assert client.get("/api/me/", **bearer(staff)).json()["is_staff"] is True


def test_cors_preflight_allows_the_request_id_and_api_key_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = client.options(
        "/api/token/",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, x-request-id, x-api-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id", "x-api-key"} <= allowed
    answer = client.get("/api/hello", HTTP_ORIGIN="https://app.example.com")
    assert "x-request-id" in answer["Access-Control-Expose-Headers"].lower()


def test_openapi_documents_the_signed_file_download_as_binary(client):
    schema = client.get("/api/openapi.json").json()
    ok = schema["paths"]["/api/files/{token}"]["get"]["responses"]["200"]
    assert ok["description"]
    assert ok["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }


def test_tests_use_the_cache_the_settings_choose():
    """No test-only cache: the services run exercises Redis, the plain run the local memory."""
    from django.conf import settings

    from project import settings as production

    assert settings.CACHES == production.CACHES
    expected = "RedisCache" if settings.REDIS_URL else "LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected)


def test_head_is_get_without_the_body(client):
    get = client.get("/api/version/")
    head = client.head("/api/version/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"]
    assert head["X-Request-ID"]


def test_head_needs_the_same_token_and_method_as_get(client):
    response = client.head("/api/me/")
    assert response.status_code == 401
    assert response.content == b""
    assert response["WWW-Authenticate"].startswith("Bearer")
    # A path with no GET has no HEAD either.
    response = client.head("/api/token/")
    assert response.status_code == 405
    assert response.content == b""
    assert response["Allow"] == "POST"


def test_head_sends_no_body_even_where_the_server_would(rf):
    # The test client drops HEAD bodies by itself; a WSGI server sends what it is given.
    from django.http import JsonResponse

    from core.middleware import ApiPathMiddleware

    middleware = ApiPathMiddleware(lambda request: JsonResponse({"seen": request.method}))
    response = middleware(rf.head("/api/hello"))
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(b'{"seen": "GET"}'))


@pytest.mark.parametrize("where", ["core.middleware._resolves", "core.middleware._as_json"])
def test_an_error_outside_any_view_is_still_json_on_api_paths(monkeypatch, where):
    from django.test import Client

    def boom(*args):
        raise RuntimeError("middleware on fire")

    monkeypatch.setattr(where, boom)
    client = Client(raise_request_exception=False)
    response = client.get("/api/hello")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert response["X-Request-ID"]


def test_an_error_outside_any_view_is_html_elsewhere(rf):
    from core.middleware import server_error

    page = server_error(rf.get("/admin/login/"))
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_allow_lists_a_paths_methods_in_one_fixed_order(client):
    """ninja builds ``Allow`` from a set; the answer must not depend on the process's hash seed."""

    response = client.delete("/api/v1/media/", **bearer(make_user()))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, PUT"
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}
