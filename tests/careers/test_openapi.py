"""The careers operations in the OpenAPI document: tagged, summarised, their bodies and
errors described, and the reviewed set of public ones."""

import pytest

from core.auth import SettingThrottle

pytestmark = pytest.mark.django_db

PUBLIC = {
    ("GET", "/api/v1/question/"),
    ("GET", "/api/v1/question/{question_id}/"),
    ("GET", "/api/v1/profession/"),
    ("GET", "/api/v1/profession/{profession_id}/"),
    ("GET", "/api/v1/role/"),
    ("GET", "/api/v1/role/{role_id}/"),
    ("GET", "/api/v1/typeattributes/"),
    ("GET", "/api/v1/typeattributes/{type_attribute_id}/"),
    ("GET", "/api/v1/typeattributes/{type_attribute_id}/roles/"),
    ("GET", "/api/v1/agpoll/sweetspotvalues/"),
    ("GET", "/api/v1/agpoll/sweetspotstrengths/"),
    ("GET", "/api/v1/agpoll/sweetspotimpacts/"),
    ("GET", "/api/v1/agpoll/sweetspotconfidences/"),
    ("GET", "/api/v1/user/feedback/{xref}/"),
    ("POST", "/api/v1/user/feedback/{xref}/"),
    ("POST", "/api/v1/user/reset_password/"),
    ("POST", "/api/v1/user/reset_password/confirm/"),
    ("PUT", "/api/v1/prospect/"),
    ("POST", "/api/v1/error/log/"),
    ("GET", "/api/v1/media/{media_id}/file/"),
}


def careers_operations(client):
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/v1/"):
                yield method.upper(), path, operation


def test_every_careers_operation_is_tagged_and_summarised(client):
    found = list(careers_operations(client))
    assert len(found) == 55
    for method, path, operation in found:
        assert operation["tags"] == ["careers"], (method, path)
        assert operation["summary"], (method, path)


def test_the_public_operations_are_exactly_the_reviewed_ones(client):
    public = {(m, p) for m, p, op in careers_operations(client) if not op.get("security")}
    assert public == PUBLIC


# The one write that reads JSON only (spec §1).
JSON_ONLY = {("POST", "/api/v1/crowdsource/review/close/")}
# Story uploads are multipart only (spec §1).
MULTIPART_ONLY = {("POST", "/api/v1/media/"), ("PUT", "/api/v1/media/")}


def test_bodies_are_documented_for_json_form_and_multipart(client):
    for method, path, operation in careers_operations(client):
        if method in {"GET", "DELETE"}:
            assert "requestBody" not in operation, (method, path)
            continue
        content = operation["requestBody"]["content"]
        expected = (
            {"application/json"}
            if (method, path) in JSON_ONLY
            else {"multipart/form-data"}
            if (method, path) in MULTIPART_ONLY
            else {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}
        )
        assert set(content) == expected, (method, path)
        assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)


def test_lists_document_limit_offset_and_the_total_header(client):
    lists = [
        (method, path, operation)
        for method, path, operation in careers_operations(client)
        if method == "GET"
        and "application/json" in operation["responses"]["200"]["content"]
        and operation["responses"]["200"]["content"]["application/json"]["schema"].get("type")
        == "array"
    ]
    assert len(lists) == 16
    for _method, path, operation in lists:
        names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert names == {"limit", "offset"}, path
        assert "X-Total-Count" in operation["responses"]["200"]["headers"], path


def test_every_list_documents_the_400_of_its_limit_and_offset(client):
    """A ``limit`` or ``offset`` out of range is a field error, also on the crowdsource lists
    whose other 400 is a legacy refusal (spec §1, §7)."""
    validation = "#/components/schemas/ValidationErrorOut"
    for method, path, operation in careers_operations(client):
        if {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} != {
            "limit",
            "offset",
        }:
            continue
        schema = operation["responses"]["400"]["content"]["application/json"]["schema"]
        refs = {option["$ref"] for option in schema.get("anyOf", [schema])}
        assert validation in refs, (method, path)


def test_authenticated_operations_document_the_firebase_refusals(client):
    for method, path, operation in careers_operations(client):
        if operation.get("security"):
            assert {"401", "409", "503"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("10/minute", (10, 60)),
        ("60/minute", (60, 60)),
        ("10/hour", (10, 3600)),
        ("5/second", (5, 1)),
        ("100/day", (100, 86400)),
        ("20/min", (20, 60)),
        ("3/5m", (3, 300)),
    ],
)
def test_rates_are_read_in_drf_and_ninja_spelling(rate, parsed):
    assert SettingThrottle("CAREERS_FEEDBACK_RATE").parse_rate(rate) == parsed


def test_a_rate_that_means_nothing_is_refused():
    with pytest.raises(ValueError):
        SettingThrottle("CAREERS_FEEDBACK_RATE").parse_rate("often")
