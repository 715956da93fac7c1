"""Two creates with the same name at the same moment: one 201, one 400, never a 500 (PostgreSQL)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from modules.taskboard import bodies
from modules.taskboard.models import Task
from tests.conftest import bearer, make_user
from tests.taskboard.conftest import days

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("url", "body", "message"),
    [
        (
            "/api/tasks/",
            {"name": "Race", "specification": "x"},
            "task with this name already exists.",
        ),
        (
            "/api/taskcreation/",
            {"name": "Race", "specification": "x", "due_date": days(1), "performer": "racer"},
            "a task with the same name already exists, try a another name",
        ),
    ],
)
def test_concurrent_creates_with_one_name(monkeypatch, url, body, message):
    racers = [make_user(username="racer"), make_user(username="rival")]
    headers = [bearer(user) for user in racers]
    both_checked = threading.Barrier(2, timeout=10)
    original = bodies._free_name

    def checked_then_wait(*args, **kwargs):
        # Both requests have found the name free before either inserts: a real race.
        name = original(*args, **kwargs)
        both_checked.wait()
        return name

    monkeypatch.setattr(bodies, "_free_name", checked_then_wait)
    responses = [None, None]

    def create(index):
        try:
            responses[index] = Client().post(
                url, json.dumps(body), content_type="application/json", **headers[index]
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(response.status_code for response in responses) == [201, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert refused.json() == {"name": [message]}
    assert Task.objects.filter(name="Race").count() == 1
