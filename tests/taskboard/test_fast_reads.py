"""The module's reads come from core.fastpath's kept SQL once warm (issue: one fast path)."""

import json

import pytest
from model_bakery import baker

from core import fastpath
from modules.taskboard.models import Task
from tests.conftest import bearer, make_user
from tests.support import assert_fast_reads
from tests.taskboard.conftest import days, make_task

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "?limit=3",
    "?limit=2&offset=3",
    "?offset=4",
    "?offset=400",
    "?offset=99999999999999999999999",
    "?search=alpha",
    "?search=ALPHA,%20beta&limit=1",
    "?search=mary&limit=2&offset=1",
    "?search=100%25_",
]


def test_the_task_list_is_kept():
    from django.test import Client

    peter = make_user(username="peter")
    baker.make(Task, creator=peter, performer=peter, _quantity=12)
    assert_fast_reads(Client(), "/api/tasks/", bearer(peter), reads=3)  # user, count, page


@pytest.fixture
def board(peter, mary, eve, staff):
    make_task(name="alpha one", creator=peter, performer=mary, due_date=days(3))
    make_task(name="alpha two", creator=mary, performer=peter, due_date=None)
    make_task(name="beta", creator=peter, performer=None, due_date=days(3))
    make_task(name="gamma", creator=eve, performer=mary, delegated=True, delegated_by=peter)
    make_task(name="100%_ off", creator=peter, performer=eve, due_date=days(-2))
    make_task(name="not peter's", creator=eve, performer=eve, due_date=days(9))


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize("query", PAGES)
def test_every_page_is_prepared_and_the_same_with_the_fast_path_off(
    client, settings, peter, mary, staff, query
):
    for user in (peter, mary, staff):
        fast = [client.get(f"/api/tasks/{query}", **bearer(user)) for _ in range(2)]
        hits = fastpath.stats.hits
        again = client.get(f"/api/tasks/{query}", **bearer(user))
        # The user, the page and the count; past any database's offset, no page is read.
        assert fastpath.stats.hits == hits + (2 if "9999999" in query else 3)
        settings.QUERY_FAST_PATH = False
        slow = client.get(f"/api/tasks/{query}", **bearer(user))
        settings.QUERY_FAST_PATH = True
        assert {r.status_code for r in (*fast, again, slow)} == {200}
        assert fast[0].content == fast[1].content == again.content == slow.content
        # Written as ninja's renderer writes a validated answer.
        assert slow.content == json.dumps(slow.json()).encode()


@pytest.mark.usefixtures("board")
def test_the_list_is_prepared_once_per_shape_whoever_asks(client, peter, mary, monkeypatch):
    fastpath.reset()
    assert client.get("/api/tasks/?search=alpha", **bearer(peter)).json()["count"] == 2

    def prepared_again(*args, **kwargs):
        raise AssertionError("the list was prepared again")

    monkeypatch.setattr(fastpath, "_prepare", prepared_again)
    hits = fastpath.stats.hits
    found = client.get("/api/tasks/?search=gamma", **bearer(mary)).json()
    assert [task["name"] for task in found["results"]] == ["gamma"]
    assert found["results"][0]["delegated_by"]["username"] == "peter"
    assert client.get("/api/tasks/?search=gamma", **bearer(peter)).json()["count"] == 0  # delegator
    assert fastpath.stats.hits == hits + 6


@pytest.mark.usefixtures("board")
def test_search_terms_no_task_can_match_read_nothing(client, peter, django_assert_num_queries):
    headers = bearer(peter)
    client.get("/api/tasks/", **headers)  # the caller is seen once a minute
    with django_assert_num_queries(1):  # the caller only
        response = client.get(f"/api/tasks/?search={'x' * 201}", **headers)
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
