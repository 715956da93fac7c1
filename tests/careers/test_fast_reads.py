"""The dream-job list comes from core.fastpath's prepared reads once warm, and answers the same
bytes and total with the fast path off."""

import json

import pytest
from model_bakery import baker

from core import fastpath
from modules.careers.models import DreamJob
from tests.careers.conftest import V1, careers_user
from tests.conftest import bearer
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db

POLLS = f"{V1}/agpoll/dreamjob/"
# Query, reads after the caller's: a first page shorter than the limit is the whole list.
PAGES = [
    ("", 1),
    ("?limit=2", 2),
    ("?limit=2&offset=2", 1),
    ("?offset=1", 1),
    ("?offset=9", 2),
]


@pytest.fixture
def polls(member):
    other = careers_user(name="Other")
    for n in range(3):
        baker.make(DreamJob, user=member, role1=f"Role {n}", office_culture="Ünïcode ✓")
    baker.make(DreamJob, user=other, role1="Not yours")
    return other


@pytest.mark.parametrize(("query", "reads"), PAGES)
def test_every_page_is_prepared_and_the_same_with_the_fast_path_off(
    client, settings, member, polls, query, reads
):
    assert_fast_reads(client, f"{POLLS}{query}", bearer(member), reads=1 + reads)
    fast = client.get(f"{POLLS}{query}", **bearer(member))
    settings.QUERY_FAST_PATH = False
    slow = client.get(f"{POLLS}{query}", **bearer(member))
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast["X-Total-Count"] == slow["X-Total-Count"] == "3"
    # Written as ninja's renderer writes a validated answer.
    assert fast.content == json.dumps(fast.json()).encode()
    assert {poll["user"] for poll in fast.json()} <= {member.pk}


def test_the_page_is_prepared_once_whoever_asks(client, member, polls, monkeypatch):
    fastpath.reset()
    mine = client.get(POLLS, **bearer(member)).json()
    assert [poll["role1"] for poll in mine] == ["Role 2", "Role 1", "Role 0"]
    monkeypatch.setattr(fastpath, "_prepare", lambda *args: pytest.fail("prepared again"))
    hits = fastpath.stats.hits
    theirs = client.get(POLLS, **bearer(polls))
    assert [poll["role1"] for poll in theirs.json()] == ["Not yours"]
    assert theirs["X-Total-Count"] == "1"
    assert fastpath.stats.hits == hits + 2
