"""The module's reads come from core.fastpath's kept SQL once warm (issue: one fast path)."""

import pytest

from modules.batches.services.jobs import batch_submit
from tests.conftest import bearer
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db


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
