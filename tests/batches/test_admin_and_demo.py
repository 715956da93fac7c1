"""Staff tools (spec §2, §10): the key command, the admin and its actions, the demo data."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import JobStatus, User
from modules.batches.models import ApiKey, BatchAnswer, BatchJob, BatchProfile, Document
from modules.batches.services.keys import hash_key
from tests.batches.conftest import submit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

KEY = re.compile(r"^[A-Za-z0-9]{48}$")


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def exchange(client, key, cuid="ABCD1234"):
    return client.post("/api/token", {"cuid": cuid}, content_type="application/json",
                       HTTP_X_API_KEY=key)  # fmt: skip


def test_create_api_key_command(client, capsys):
    call_command("create_api_key", "acme", "--days", "5", "--name", "ci")
    out, err = capsys.readouterr()
    key = out.strip()
    assert KEY.match(key)
    assert "created organization acme" in err
    record = ApiKey.objects.get()
    assert record.organization.name == "acme"
    assert record.name == "ci"
    assert record.prefix == key[:8]
    assert record.key_hash == hash_key(key)
    assert key not in (record.key_hash, record.name)
    expected = timezone.now() + timedelta(days=5)
    assert abs((record.expires_at - expected).total_seconds()) < 60
    call_command("create_api_key", "acme")
    out, err = capsys.readouterr()
    assert "created organization" not in err
    second = ApiKey.objects.exclude(pk=record.pk).get()
    default = timezone.now() + timedelta(days=30)
    assert abs((second.expires_at - default).total_seconds()) < 60
    assert Group.objects.filter(name="acme").count() == 1


def test_create_api_key_refuses_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_key", " ")
    with pytest.raises(CommandError):
        call_command("create_api_key", "acme", "--days", "0")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/batches/apikey/",
        "/admin/batches/apikey/add/",
        "/admin/batches/batchprofile/",
        "/admin/batches/document/",
        "/admin/batches/batchjob/",
        "/admin/batches/batchanswer/",
    ],
)
def test_admin_pages_render(staff_client, member, make_document, url):
    make_document()
    assert staff_client.get(url).status_code == 200


def test_admin_object_pages_render(staff_client, member, make_document, api_key):
    document = make_document()
    response = submit(staff_client, member)
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    answer = BatchAnswer.objects.get()
    for url in (
        f"/admin/batches/apikey/{api_key[0].pk}/change/",
        f"/admin/batches/document/{document.pk}/change/",
        f"/admin/batches/batchjob/{job.pk}/change/",
        f"/admin/batches/batchanswer/{answer.pk}/change/",
    ):
        assert staff_client.get(url).status_code == 200, url


def test_admin_adds_a_key_and_shows_it_once(staff_client, organization, client):
    response = staff_client.post(
        "/admin/batches/apikey/add/",
        {"organization": organization.pk, "name": "from admin"},
        follow=True,
    )
    assert response.status_code == 200
    record = ApiKey.objects.get()
    shown = re.search(
        r"API key \(shown once, copy it now\): ([A-Za-z0-9]{48})", response.content.decode()
    )
    assert shown
    assert record.key_hash == hash_key(shown.group(1))
    assert record.name == "from admin"
    assert record.expires_at > timezone.now() + timedelta(days=29)


def test_admin_profiles_store_the_cuid_upper_case(staff_client):
    user = make_user(email="wxyz@example.com")
    response = staff_client.post(
        "/admin/batches/batchprofile/add/", {"user": user.pk, "cuid": " wxyz0001 "}
    )
    assert response.status_code == 302
    assert BatchProfile.objects.get(user=user).cuid == "WXYZ0001"
    other = make_user(email="other@example.com")
    for cuid in ("WxYz0001", "ÀBCD1234", "abc"):
        refused = staff_client.post(
            "/admin/batches/batchprofile/add/", {"user": other.pk, "cuid": cuid}
        )
        assert refused.status_code == 200
        assert refused.context["adminform"].form.errors["cuid"]
    assert not BatchProfile.objects.filter(user=other).exists()


def test_admin_revokes_keys(staff_client, member, api_key, client):
    record, key = api_key
    response = staff_client.post(
        "/admin/batches/apikey/", {"action": "revoke", "_selected_action": [record.pk]}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert exchange(client, key).json() == {"error": "API Key expired or revoked"}


def test_admin_deletes_documents_with_their_files(staff_client, member, make_document):
    first, second, kept = (make_document(file_name=f"{n}.txt") for n in "abc")
    names = [first.file.name, second.file.name]
    response = staff_client.post(
        f"/admin/batches/document/{first.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    response = staff_client.post(
        "/admin/batches/document/",
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Document.objects.all()) == [kept]
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(kept.file.name)


def test_admin_requeues_and_cancels_jobs(staff_client, member, make_document, wakeups):
    make_document()
    failed = BatchJob.objects.get(pk=submit(staff_client, member).json()["job_id"])
    queued = BatchJob.objects.get(pk=submit(staff_client, member).json()["job_id"])
    BatchJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED, error="boom")
    staff_client.post(
        "/admin/batches/batchjob/", {"action": "requeue", "_selected_action": [failed.pk]}
    )
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (JobStatus.QUEUED, "")
    staff_client.post(
        "/admin/batches/batchjob/", {"action": "cancel", "_selected_action": [queued.pk]}
    )
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELED


def test_answers_are_read_only_in_the_admin(staff_client, member, make_document):
    make_document()
    submit(staff_client, member)
    answer = BatchAnswer.objects.get()
    response = staff_client.post(
        f"/admin/batches/batchanswer/{answer.pk}/change/", {"answer": "edited"}
    )
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.answer != "edited"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_batches_demo_once(client, settings):
    settings.DEMO_API_KEY = ""
    first = seed()
    printed = re.findall(r"batch api key: ([A-Za-z0-9]{48})", first)
    assert len(printed) == 1
    profile = BatchProfile.objects.get(cuid="ABCD1234")
    assert profile.user.email == "abcd1234@example.com"
    assert list(profile.user.groups.values_list("name", flat=True)) == ["demo"]
    documents = Document.objects.order_by("ic01", "file_name")
    assert [(d.ic01, d.file_name) for d in documents] == [
        ("ic01_1", "data_processing_addendum_acme.md"),
        ("ic01_1", "master_services_agreement_acme.txt"),
        ("ic01_1", "service_level_agreement_acme.html"),
        ("ic01_2", "maintenance_agreement_globex.md"),
        ("ic01_2", "supply_contract_globex.txt"),
    ]
    assert all(d.chunk_count >= 1 and d.organization.name == "demo" for d in documents)
    second = seed()
    assert "batch api key" not in second
    assert Document.objects.count() == 5
    assert ApiKey.objects.count() == 1
    assert exchange(client, printed[0]).status_code == 200


def test_seed_demo_makes_the_configured_key_valid(client, settings):
    settings.DEMO_API_KEY = "DemoKeyForTheReadmeOnly0123456789"
    assert "batch api key: DemoKeyForTheReadmeOnly0123456789" in seed()
    ApiKey.objects.update(revoked_at=timezone.now(), expires_at=timezone.now())
    seed()
    record = ApiKey.objects.get()
    assert record.revoked_at is None
    assert record.expires_at > timezone.now()
    assert exchange(client, settings.DEMO_API_KEY).status_code == 200


def test_the_demo_answers_the_legacy_readme_request(client, settings):
    settings.DEMO_API_KEY = "DemoKeyForTheReadmeOnly0123456789"
    seed()
    token = exchange(client, settings.DEMO_API_KEY).json()["access_token"]
    response = client.post(
        "/api/batch",
        {
            "cuid": "ABCD1234",
            "scope": {"ic01_list": ["ic01_1", "ic01_2"]},
            "prompts": [
                {"name": "prompt_1", "value": "Give me a summary of the document"},
                {"name": "term", "value": "What is the term of the contract?"},
            ],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 202
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert job.status == JobStatus.FINISHED
    answers = dict(
        BatchAnswer.objects.filter(document__file_name="supply_contract_globex.txt").values_list(
            "prompt_name", "answer"
        )
    )
    assert answers["prompt_1"].startswith("Summary: the Supplier delivers")
    assert "twenty-four (24) months" in answers["term"]


def test_seed_demo_stops_clearly_when_another_account_holds_the_demo_cuid(settings):
    settings.DEMO_API_KEY = ""
    other = make_user(email="someone@example.com")
    BatchProfile.objects.create(user=other, cuid="ABCD1234")
    with pytest.raises(CommandError) as error:
        seed()
    assert str(error.value) == (
        "batches: cuid ABCD1234 belongs to someone@example.com, not to the demo account "
        "abcd1234@example.com. Give someone@example.com another cuid (admin, Batch profiles) "
        "and run seed_demo again."
    )
    assert BatchProfile.objects.get().user == other
    assert not User.objects.filter(email="abcd1234@example.com").exists()
    assert not Document.objects.exists()


def test_seed_demo_gives_the_demo_account_its_cuid_back(settings):
    settings.DEMO_API_KEY = ""
    seed()
    BatchProfile.objects.filter(cuid="ABCD1234").update(cuid="WXYZ9999")
    out = seed()
    assert "batches: abcd1234@example.com had cuid WXYZ9999; it is ABCD1234 again" in out
    profile = BatchProfile.objects.get()
    assert (profile.cuid, profile.user.email) == ("ABCD1234", "abcd1234@example.com")
