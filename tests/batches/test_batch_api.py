"""Batch endpoints (spec §4) and scope resolution (spec §5), with the worker held back."""

import base64
import re
import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core.models import JobStatus
from modules.batches.models import BatchJob, BatchJobDocument, BatchProfile
from modules.batches.services.worker import batch_process_next
from tests.batches.conftest import batch_body, submit
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture
def document(make_document):
    return make_document(ic01="ic01_1")


def other_member(organization, cuid="WXYZ0001", email="other@example.com"):
    user = make_user(email=email)
    user.groups.add(organization)
    BatchProfile.objects.create(user=user, cuid=cuid)
    return user


def test_submit_answers_202_and_creates_the_job(client, member, document, wakeups):
    response = submit(client, member)
    assert response.status_code == 202
    job = BatchJob.objects.get()
    body = response.json()
    assert body == {
        "job_id": str(job.pk),
        "creation_date": body["creation_date"],
        "status": "queued",
        "queue_rank": 0,
    }
    assert STAMP.match(body["creation_date"])
    assert job.user == member and job.submitted_by == member
    assert job.cuid == "ABCD1234"
    assert job.engine == "local"
    assert job.documents_total == 1
    assert job.document_tokens == document.token_count
    assert job.last_enqueued_at is not None
    assert list(job.links.values_list("document_id", "position")) == [(document.pk, 0)]
    assert wakeups == [None]


def test_unknown_cuid(client, member, document, wakeups):
    response = submit(client, member, batch_body(cuid="ZZZZ9999"))
    assert response.status_code == 401
    assert response.json() == {"error": "User not found"}
    assert not BatchJob.objects.exists()


def test_cuid_is_matched_case_insensitively(client, member, document, wakeups):
    assert submit(client, member, batch_body(cuid="abcd1234")).status_code == 202


def test_someone_elses_cuid(client, member, organization, document, wakeups):
    other_member(organization)
    response = submit(client, member, batch_body(cuid="WXYZ0001"))
    assert response.status_code == 403
    assert response.json() == {"error": "cuid does not match the authenticated user"}
    assert not BatchJob.objects.exists()


def test_staff_submit_for_a_cuid(client, member, staff, document, wakeups):
    response = submit(client, staff)
    assert response.status_code == 202
    job = BatchJob.objects.get()
    assert job.user == member
    assert job.submitted_by == staff


def test_nothing_matches(client, member, document, wakeups):
    response = submit(client, member, batch_body(scope={"ic01_list": ["nope"]}))
    assert response.status_code == 400
    assert response.json() == {"scope": {"non_field_errors": ["No documents match this scope."]}}
    assert not BatchJob.objects.exists()


def test_too_many_documents(client, member, make_document, settings, wakeups):
    settings.BATCH_MAX_DOCUMENTS = 2
    for index in range(3):
        make_document(file_name=f"{index}.txt")
    response = submit(client, member)
    assert response.json() == {
        "scope": {"non_field_errors": ["The scope matches 3 documents; at most 2 are allowed."]}
    }
    assert not BatchJob.objects.exists()


def scoped(client, member, scope):
    response = submit(client, member, batch_body(scope=scope))
    if response.status_code == 400:
        return []
    assert response.status_code == 202, response.content
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    return [link.document.file_name for link in job.links.order_by("position")]


def test_scope_selectors_intersect_and_filters_narrow(client, member, make_document, wakeups):
    d = date(2024, 3, 1)
    a = make_document(file_name="a.txt", ic01="i1", document_date=d, status="SGDG",
                      contract_type="CPSE", document_label="Legal", sales_country="FR")  # fmt: skip
    make_document(file_name="b.txt", ic01="i1", document_date=date(2023, 1, 1), status="pend",
                  document_label="legal", sales_country="DE")  # fmt: skip
    make_document(file_name="msa-c.txt", ic01="i2", status="CLOSED", document_label="")
    make_document(file_name="d.txt", ic01="i2", document_date=d,
                  organization=Group.objects.create(name="other"))  # fmt: skip
    assert scoped(client, member, {"ic01_list": ["i1", "i2"]}) == ["b.txt", "a.txt", "msa-c.txt"]
    assert scoped(client, member, {"id_list": [str(a.pk)], "ic01_list": ["i2"]}) == []
    assert scoped(client, member, {"id_list": [str(a.pk)], "ic01_list": ["i1"]}) == ["a.txt"]
    period = {"period_start": "2024-01-01", "period_end": "2024-12-31"}
    assert scoped(client, member, period) == ["a.txt"]
    assert scoped(client, member, {**period, "ic01_list": ["i2"]}) == []

    def with_filters(filters):
        return scoped(client, member, {"ic01_list": ["i1", "i2"], "filters": filters})

    assert with_filters({"status": "sgdg, PEND"}) == ["b.txt", "a.txt"]
    assert with_filters({"contract_type": "cpse"}) == ["a.txt"]
    assert with_filters({"document_label": {"value": ["LEGAL"]}}) == ["b.txt", "a.txt"]
    assert with_filters({"document_label": {"value": ["Legal"], "filter_type": "remove"}}) == [
        "msa-c.txt"
    ]
    assert with_filters({"sales_country": {"value": ["fr"]}}) == ["a.txt"]
    assert with_filters({"sales_country": {"value": ["FR"], "filter_type": "remove"}}) == [
        "b.txt",
        "msa-c.txt",
    ]
    assert with_filters({"original_file_name": {"value": ["MSA"]}}) == ["msa-c.txt"]
    assert with_filters(
        {"original_file_name": {"value": ["msa", "b."], "filter_type": "remove"}}
    ) == ["a.txt"]
    creation = {
        "document_creation_date": {"start_period": "2023-01-01", "end_period": "2023-01-01"}
    }
    assert with_filters(creation) == ["b.txt"]


def test_filters_fold_the_case_of_every_letter(client, member, make_document, wakeups):
    make_document(file_name="Ärger.txt", ic01="i1", status="ÉTÉ", document_label="SOCIÉTÉ",
                  sales_country="ÎLE", contract_type="ÇA")  # fmt: skip
    make_document(file_name="other.txt", ic01="i1", status="x", document_label="y")

    def with_filters(filters):
        return scoped(client, member, {"ic01_list": ["i1"], "filters": filters})

    assert with_filters({"status": "été"}) == ["Ärger.txt"]
    assert with_filters({"contract_type": "ça"}) == ["Ärger.txt"]
    assert with_filters({"document_label": {"value": ["société"]}}) == ["Ärger.txt"]
    assert with_filters({"sales_country": {"value": ["île"], "filter_type": "remove"}}) == [
        "other.txt"
    ]
    assert with_filters({"original_file_name": {"value": ["ärger"]}}) == ["Ärger.txt"]
    assert with_filters({"original_file_name": {"value": ["ÄRG"], "filter_type": "remove"}}) == [
        "other.txt"
    ]


def test_rows_are_ordered_by_ic01_date_file_name(client, member, make_document, wakeups):
    make_document(file_name="z.txt", ic01="b", document_date=date(2024, 1, 1))
    make_document(file_name="y.txt", ic01="a")
    make_document(file_name="x.txt", ic01="a", document_date=date(2024, 2, 1))
    make_document(file_name="w.txt", ic01="a", document_date=date(2024, 1, 1))
    make_document(file_name="v.txt", ic01="a")
    assert scoped(client, member, {"ic01_list": ["a", "b"]}) == [
        "w.txt",
        "x.txt",
        "v.txt",
        "y.txt",
        "z.txt",
    ]


def test_status_while_queued_and_queue_rank(client, member, organization, document, wakeups):
    other = other_member(organization)
    first = submit(client, other, batch_body(cuid="WXYZ0001")).json()
    second = submit(client, member).json()
    assert second["queue_rank"] == 1
    response = client.get(f"/api/batch/{second['job_id']}", **bearer(member))
    assert response.status_code == 200
    job = BatchJob.objects.get(pk=second["job_id"])
    assert response.json() == {
        "status": "queued",
        "queue_rank": 1,
        "progress": {"done": 0, "total": 1},
        "created_at": job.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "started_at": None,
        "ended_at": None,
        "error": None,
    }
    client.delete(f"/api/batch/{first['job_id']}", **bearer(other))
    assert client.get(f"/api/batch/{second['job_id']}", **bearer(member)).json()["queue_rank"] == 0


def test_status_of_a_running_and_a_failed_job(client, member, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    BatchJob.objects.filter(pk=job_id).update(status=JobStatus.STARTED, started_at=timezone.now())
    running = client.get(f"/api/batch/{job_id}", **bearer(member)).json()
    assert running["status"] == "started"
    assert running["queue_rank"] == -1
    assert STAMP.match(running["started_at"])
    BatchJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error="Worker stopped responding.", ended_at=timezone.now()
    )
    failed = client.get(f"/api/batch/{job_id}", **bearer(member)).json()
    assert failed["error"] == "Worker stopped responding."
    assert STAMP.match(failed["ended_at"])
    BatchJob.objects.filter(pk=job_id).update(status=JobStatus.CANCELED)
    assert client.get(f"/api/batch/{job_id}", **bearer(member)).json()["error"] is None


def test_status_visibility(client, member, organization, staff, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    stranger = other_member(organization)
    for job in (job_id, str(uuid.uuid4()), "not-a-uuid"):
        response = client.get(f"/api/batch/{job}", **bearer(stranger))
        assert response.status_code == 404
        assert response.json() == {"message": f"Batch {job} not found"}
    assert client.get(f"/api/batch/{job_id}", **bearer(staff)).status_code == 200


def test_submitter_sees_the_job_too(client, member, staff, document, wakeups):
    job_id = submit(client, staff).json()["job_id"]
    assert client.get(f"/api/batch/{job_id}", **bearer(member)).status_code == 200
    listed = client.get("/api/batch", **bearer(staff)).json()
    assert [item["job_id"] for item in listed["results"]] == [job_id]


def test_cancel_a_queued_job(client, member, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    response = client.delete(f"/api/batch/{job_id}", **bearer(member))
    assert response.status_code == 204
    assert response.content == b""
    job = BatchJob.objects.get(pk=job_id)
    assert job.status == JobStatus.CANCELED
    assert job.ended_at is not None
    assert batch_process_next() == "idle"


def test_cancel_a_started_job_only_flags_it(client, member, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    BatchJob.objects.filter(pk=job_id).update(status=JobStatus.STARTED)
    assert client.delete(f"/api/batch/{job_id}", **bearer(member)).status_code == 204
    job = BatchJob.objects.get(pk=job_id)
    assert job.status == JobStatus.STARTED
    assert job.cancel_requested is True


@pytest.mark.parametrize("status", [JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED])
def test_cancel_an_ended_job_changes_nothing(client, member, document, wakeups, status):
    job_id = submit(client, member).json()["job_id"]
    BatchJob.objects.filter(pk=job_id).update(status=status)
    assert client.delete(f"/api/batch/{job_id}", **bearer(member)).status_code == 204
    job = BatchJob.objects.get(pk=job_id)
    assert (job.status, job.cancel_requested, job.ended_at) == (status, False, None)


def test_cancel_not_visible(client, member, organization, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    stranger = other_member(organization)
    response = client.delete(f"/api/batch/{job_id}", **bearer(stranger))
    assert response.status_code == 404
    assert response.json() == {"message": f"Batch {job_id} not found"}
    assert BatchJob.objects.get(pk=job_id).status == JobStatus.QUEUED


def test_file_of_an_unfinished_or_invisible_job(client, member, organization, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    pending = client.get(f"/api/batch/{job_id}/file", **bearer(member))
    assert pending.status_code == 404
    assert pending.json() == {"error": "Job file not found"}
    stranger = other_member(organization)
    hidden = client.get(f"/api/batch/{job_id}/file", **bearer(stranger))
    assert hidden.status_code == 404
    assert hidden.json() == {"message": f"Batch {job_id} not found."}
    bad = client.get("/api/batch/xyz/file", **bearer(member))
    assert bad.json() == {"message": "Batch xyz not found."}


def test_file_as_base64_or_bytes(client, member, document, wakeups):
    job_id = submit(client, member).json()["job_id"]
    name = default_storage.save(f"batches/results/{job_id}.xlsx", ContentFile(b"PK\x03\x04data"))
    BatchJob.objects.filter(pk=job_id).update(status=JobStatus.FINISHED, result_file=name)
    response = client.get(f"/api/batch/{job_id}/file", **bearer(member))
    assert response.status_code == 200
    assert response.json() == {
        "file_name": f"{job_id}.xlsx",
        "file_content": base64.b64encode(b"PK\x03\x04data").decode(),
    }
    for flag in ("1", "true"):
        download = client.get(f"/api/batch/{job_id}/file?download={flag}", **bearer(member))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"PK\x03\x04data"
        assert download["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert download["Content-Disposition"] == f'attachment; filename="{job_id}.xlsx"'
    default_storage.delete(name)
    gone = client.get(f"/api/batch/{job_id}/file", **bearer(member))
    assert gone.status_code == 404
    assert gone.json() == {"error": "Job file not found"}


def test_list_own_and_submitted_newest_first(
    client, member, organization, staff, document, wakeups
):
    first = submit(client, member).json()["job_id"]
    second = submit(
        client,
        member,
        batch_body(prompts=[{"name": "a", "value": "x"}, {"name": "b", "value": "y"}]),
    ).json()["job_id"]
    other = other_member(organization)
    submit(client, other, batch_body(cuid="WXYZ0001"))
    BatchJob.objects.filter(pk=first).update(status=JobStatus.FINISHED)
    response = client.get("/api/batch", **bearer(member))
    body = response.json()
    assert body["count"] == 2
    assert [item["job_id"] for item in body["results"]] == [second, first]
    item = body["results"][0]
    assert item["cuid"] == "ABCD1234"
    assert item["prompts"] == ["a", "b"]
    assert item["status"] == "queued"
    assert item["queue_rank"] == 0
    assert item["progress"] == {"done": 0, "total": 1}
    assert set(item) == {
        "job_id", "cuid", "prompts", "status", "queue_rank", "progress",
        "created_at", "started_at", "ended_at", "error",
    }  # fmt: skip
    finished = client.get("/api/batch?status=finished", **bearer(member)).json()
    assert [item["job_id"] for item in finished["results"]] == [first]
    assert finished["results"][0]["queue_rank"] == -1
    assert client.get("/api/batch?page=3", **bearer(member)).status_code == 404


def test_list_queries_do_not_grow(client, member, document, wakeups, django_assert_num_queries):
    for _ in range(4):
        submit(client, member)
    headers = bearer(member)
    with django_assert_num_queries(3):
        response = client.get("/api/batch", **headers)
    assert len(response.json()["results"]) == 4


def test_the_job_survives_a_broker_outage(client, member, document, monkeypatch):
    from modules.batches import tasks

    def broken() -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "process_next_batch_job", broken)
    response = submit(client, member)
    assert response.status_code == 202
    job = BatchJob.objects.get()
    assert job.status == JobStatus.QUEUED
    assert BatchJobDocument.objects.filter(job=job).count() == 1


def test_period_end_today_is_allowed(client, member, make_document, wakeups):
    make_document(document_date=timezone.localdate() - timedelta(days=1))
    scope = {"period_start": "2000-01-01", "period_end": timezone.localdate().isoformat()}
    assert submit(client, member, batch_body(scope=scope)).status_code == 202


def test_unknown_status_filter_lists_nothing(client, member, document, wakeups):
    submit(client, member)
    for status in ("bogus", "%00"):
        response = client.get(f"/api/batch?status={status}", **bearer(member))
        assert response.status_code == 200
        assert response.json()["count"] == 0
