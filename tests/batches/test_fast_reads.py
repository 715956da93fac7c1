"""The module's reads come from core.fastpath's kept SQL once warm (issue: one fast path)."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Group

from core import fastpath
from core.models import JobStatus
from modules.batches.models import BatchJob
from modules.batches.services.jobs import batch_submit
from tests.conftest import bearer, make_user
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db

DOCUMENT_PAGES = [
    "",
    "?page=2&page_size=1",
    "?page=last&page_size=2",
    "?ic01=A1",
    "?ic01=B2&page=last",
    "?ic01=nobody",
]


def _submit(actor, ic01="A1"):
    return batch_submit(
        actor=actor,
        cuid="ABCD1234",
        scope={"ic01_list": [ic01]},
        prompts=[{"name": "term", "value": "What is the term?", "dependencies": []}],
        fields=None,
    )


def test_documents_and_batch_status_are_kept(client, member, make_document):
    make_document(ic01="A1")
    make_document(ic01="A1")
    job = batch_submit(
        actor=member,
        cuid="ABCD1234",
        scope={"ic01_list": ["A1"]},
        prompts=[{"name": "term", "value": "What is the term?", "dependencies": []}],
        fields=None,
    )
    headers = bearer(member)
    assert_fast_reads(client, "/api/documents/", headers, reads=3)
    assert_fast_reads(client, f"/api/batch/{job.pk}", headers, reads=2)


@pytest.fixture
def documents(make_document):
    other = Group.objects.create(name="other")
    for n in range(3):
        day = date(2025, 1, n + 1)
        make_document(f"Text {n}.", file_name=f"a{n}.txt", ic01="A1", document_date=day)
    make_document("Text b.", file_name="b.txt", ic01="B2", customer_name="Ünïcode ✓")
    make_document("Text c.", file_name="c.txt", ic01="A1", organization=other)


@pytest.mark.usefixtures("documents")
@pytest.mark.parametrize("query", DOCUMENT_PAGES)
def test_every_document_page_is_prepared_and_the_same_with_the_fast_path_off(
    client, settings, member, staff, query
):
    outsider = make_user()
    for user in (member, staff, outsider):
        fast = [client.get(f"/api/documents/{query}", **bearer(user)) for _ in range(2)]
        before = (fastpath.stats.hits, fastpath.stats.misses, fastpath.stats.refused)
        again = client.get(f"/api/documents/{query}", **bearer(user))
        # The caller, the page and the count; ``last`` of an empty list reads no page.
        empty = again.status_code == 200 and again.json()["count"] == 0
        reads = 2 if "last" in query and empty else 3
        after = (fastpath.stats.hits, fastpath.stats.misses, fastpath.stats.refused)
        assert after == (before[0] + reads, before[1], before[2])
        settings.QUERY_FAST_PATH = False
        slow = client.get(f"/api/documents/{query}", **bearer(user))
        settings.QUERY_FAST_PATH = True
        assert len({r.status_code for r in (*fast, again, slow)}) == 1
        assert fast[0].content == fast[1].content == again.content == slow.content
        # Written as ninja's renderer writes a validated answer.
        assert slow.content == json.dumps(slow.json()).encode()
    assert {d["file_name"] for d in client.get("/api/documents/", **bearer(staff)).json()[
        "results"
    ]} == {"a0.txt", "a1.txt", "a2.txt", "b.txt", "c.txt"}  # fmt: skip


@pytest.mark.usefixtures("documents")
@pytest.mark.parametrize("page", ["0", "7", "abc", "99999999999999999999999"])
def test_a_page_out_of_range_is_the_same_404_on_and_off(client, settings, member, page):
    fast = client.get(f"/api/documents/?page={page}", **bearer(member))
    settings.QUERY_FAST_PATH = False
    slow = client.get(f"/api/documents/?page={page}", **bearer(member))
    assert fast.status_code == slow.status_code == 404
    assert fast.content == slow.content == b'{"detail": "Invalid page."}'


def test_a_batch_status_is_prepared_per_shape_and_the_same_off(
    client, settings, member, staff, make_document, monkeypatch
):
    make_document(ic01="A1")
    first, second = _submit(member), _submit(member)
    assert BatchJob.objects.filter(status=JobStatus.QUEUED).count() == 2
    outsider = make_user()
    cases = [
        (member, first.pk, 200),
        (member, second.pk, 200),
        (staff, second.pk, 200),
        (outsider, first.pk, 404),
    ]
    for user, pk, status in cases:
        client.get(f"/api/batch/{pk}", **bearer(user))  # prepares the shape
    monkeypatch.setattr(fastpath, "_prepare", lambda *args: pytest.fail("prepared again"))
    for user, pk, status in cases:
        for job_id in (str(pk), str(pk).upper()):
            hits = fastpath.stats.hits
            fast = client.get(f"/api/batch/{job_id}", **bearer(user))
            assert fastpath.stats.hits == hits + 2  # the caller, the job
            settings.QUERY_FAST_PATH = False
            slow = client.get(f"/api/batch/{job_id}", **bearer(user))
            settings.QUERY_FAST_PATH = True
            assert fast.status_code == slow.status_code == status
            assert fast.content == slow.content
    ranked = client.get(f"/api/batch/{second.pk}", **bearer(staff)).json()
    assert (ranked["status"], ranked["queue_rank"]) == ("queued", 1)
