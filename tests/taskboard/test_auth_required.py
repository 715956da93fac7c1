"""Spec §1: every taskboard endpoint but registration, login, logout and the root needs a bearer
token; without one (or with an expired one) it answers 401 and writes nothing."""

from datetime import timedelta

import pytest
from ninja_jwt.tokens import AccessToken

from tests.taskboard.conftest import days, make_task, snapshot

pytestmark = pytest.mark.django_db


def expired(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=5))
    return f"Bearer {token}"


# Bodies that would succeed for peter, the creator of the task: only the token is missing.
PROTECTED = [
    ("get", "/api/tasks/", None),
    ("post", "/api/tasks/", {"name": "new", "specification": "x"}),
    ("get", "/api/tasks/{pk}/", None),
    ("put", "/api/tasks/{pk}/", {"name": "renamed", "specification": "x"}),
    ("patch", "/api/tasks/{pk}/", {"status": "c"}),
    ("delete", "/api/tasks/{pk}/", None),
    ("post", "/api/tasks/{pk}/add_comment/", {"description": "hi"}),
    (
        "post",
        "/api/taskcreation/",
        {"name": "new", "specification": "x", "due_date": days(1), "performer": "peter"},
    ),
    (
        "put",
        "/api/taskupdate/",
        {
            "task_id": "{pk}",
            "name": "renamed",
            "specification": "x",
            "due_date": days(1),
            "performer": "peter",
            "status": "c",
        },
    ),
    ("post", "/api/addcomment/", {"task_name": "Guarded", "description": "hi"}),
    ("post", "/api/upload/", {}),
]


@pytest.mark.parametrize("token", ["none", "expired"])
@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_protected_endpoints_answer_401_and_write_nothing(client, peter, method, path, body, token):
    task = make_task(creator=peter, performer=peter, name="Guarded")
    headers = {"HTTP_AUTHORIZATION": expired(peter)} if token == "expired" else {}
    if body is not None and body.get("task_id") == "{pk}":
        body = {**body, "task_id": task.pk}
    url = path.format(pk=task.pk)
    before = snapshot()

    if method == "get":
        response = client.get(url, **headers)
    else:
        response = getattr(client, method)(
            url, body or {}, content_type="application/json", **headers
        )

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
        if token == "none"
        else "Given token not valid for any token type"
    }
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/tasks/abc/"),
        ("patch", "/api/tasks/abc/"),
        ("delete", "/api/tasks/abc/"),
        ("post", "/api/tasks/abc/add_comment/"),
        ("post", "/api/tasks/1.5/add_comment/"),
    ],
)
def test_a_non_numeric_id_is_404_for_every_method(client, peter, method, path):
    make_task(creator=peter)
    before = snapshot()

    response = getattr(client, method)(
        path, {"description": "hi", "status": "c"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert snapshot() == before
