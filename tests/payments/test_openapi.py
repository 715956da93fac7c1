"""Every payments operation is documented: tag, summary, request body and every response."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/payments/", "get"): {"200", "400", "401", "403", "404"},
    ("/api/payments/", "post"): {"201", "400", "401", "403"},
    ("/api/payments/{payment_id}/", "get"): {"200", "401", "403", "404"},
    ("/api/anticipations/", "get"): {"200", "400", "401", "403", "404"},
    ("/api/anticipations/", "post"): {"201", "400", "401", "403"},
    ("/api/anticipations/{anticipation_id}/", "get"): {"200", "401", "403", "404"},
    ("/api/anticipations/{anticipation_id}/", "patch"): {"200", "400", "401", "403", "404"},
    ("/api/anticipations/{anticipation_id}/", "put"): {"200", "400", "401", "403", "404"},
    ("/api/logs/", "get"): {"200", "401", "403", "404"},
}
BODIES = {
    ("/api/payments/", "post"): {"supplier", "due_date", "value"},
    ("/api/anticipations/", "post"): {"payment", "new_due_date"},
    ("/api/anticipations/{anticipation_id}/", "patch"): {"status"},
    ("/api/anticipations/{anticipation_id}/", "put"): {"status"},
}


def resolve(spec, schema):
    """A schema, or the component it refers to (body schemas are components, for generators)."""
    ref = schema.get("$ref", "")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


@pytest.fixture(scope="module")
def spec(django_db_blocker):
    from project.api import api

    with django_db_blocker.unblock():
        return api.get_openapi_schema()


@pytest.mark.parametrize(("path", "method"), list(OPERATIONS))
def test_operation_is_documented(spec, path, method):
    operation = spec["paths"][path][method]
    assert operation["tags"] == ["payments"]
    assert operation["summary"]
    assert {str(code) for code in operation["responses"]} == OPERATIONS[(path, method)]
    for response in operation["responses"].values():
        assert response["content"]["application/json"]["schema"]
    if (path, method) in BODIES:
        content = operation["requestBody"]["content"]
        assert set(content) == {
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }
        schema = resolve(spec, content["application/json"]["schema"])
        assert set(schema["properties"]) == BODIES[(path, method)]
    else:
        assert "requestBody" not in operation


def test_operation_ids_are_unique(spec):
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_served_schema_lists_the_module(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {path for path, _ in OPERATIONS} <= set(paths)
