"""The legacy client's whole path: key → token → upload → submit → poll → download."""

import base64
import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from core.models import JobStatus
from modules.batches.models import BatchAnswer, BatchJob

pytestmark = pytest.mark.django_db


def test_legacy_client_round_trip(client, member, api_key, django_capture_on_commit_callbacks):
    _, key = api_key
    token = client.post(
        "/api/token", {"cuid": "abcd1234"}, content_type="application/json", HTTP_AUTHORIZATION=key
    )
    assert token.status_code == 200, token.content
    assert token.json()["expires_in"] == 3600
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['access_token']}"}

    upload = io.BytesIO(
        b"Master agreement.\n\nThe term of this agreement is thirty six months from signature."
        b"\n\nPayment is due within forty five days."
    )
    upload.name = "msa.txt"
    created = client.post(
        "/api/documents/",
        {"file": upload, "ic01": "ic01_1", "customer_name": "ACME", "document_date": "2024-03-01"},
        **headers,
    )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            "/api/batch",
            {
                "cuid": "ABCD1234",
                "scope": {"ic01_list": ["ic01_1", "ic01_2"]},
                "prompts": [{"name": "prompt_1", "value": "What is the term of the agreement?"}],
            },
            content_type="application/json",
            **headers,
        )
    assert submitted.status_code == 202, submitted.content
    body = submitted.json()
    assert body["status"] == "queued"
    assert body["queue_rank"] == 0
    job_id = body["job_id"]

    status = client.get(f"/api/batch/{job_id}", **headers)
    assert status.status_code == 200
    assert status.json()["status"] == "finished"
    assert status.json()["queue_rank"] == -1
    assert status.json()["progress"] == {"done": 1, "total": 1}

    answer = BatchAnswer.objects.get(job_id=job_id)
    assert "thirty six months" in answer.answer

    result = client.get(f"/api/batch/{job_id}/file", **headers)
    assert result.status_code == 200
    assert result.json()["file_name"] == f"{job_id}.xlsx"
    book = load_workbook(io.BytesIO(base64.b64decode(result.json()["file_content"])))
    rows = list(book["Results"].values)
    assert rows[1][0] == document_id
    assert rows[1][-1] == answer.answer
    assert BatchJob.objects.get(pk=job_id).status == JobStatus.FINISHED
    assert [m.subject for m in mail.outbox] == [f"Batch {job_id} finished"]
