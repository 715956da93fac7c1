"""Documents API (spec §3): upload checks in order, list, get, delete, and the import command."""

import io
import os
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command

from core.errors import PayloadTooLarge, PermissionDenied
from modules.batches.models import BatchAnswer, BatchJob, BatchJobDocument, Document, DocumentChunk
from modules.batches.services.documents import MULTIPART_OVERHEAD, document_upload
from tests.batches.files import make_docx, make_docx_bomb, make_pdf, upload
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

CONTRACT = (
    b"Master agreement between Orange and ACME.\n\n"
    b"The term of this agreement is thirty six months. It renews for one year.\n\n"
    b"Payment is due within forty five days of the invoice."
)


def stored_documents() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "batches" / "documents"
    return {str(path) for path in root.rglob("*") if path.is_file()}


def post(client, user, **fields):
    return client.post("/api/documents/", fields, **bearer(user))


def test_upload_indexes_the_text_and_answers_the_object(client, member):
    response = post(
        client,
        member,
        file=upload("msa.txt", CONTRACT),
        ic01="ic01_1",
        contract_number="C-1",
        amendment_number="0",
        customer_name="ACME",
        document_label="Legal",
        sales_country="FR",
        sales_region="EMEA",
        status="SGDG",
        contract_type="CPSE",
        document_date="2024-03-01",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert body == {
        "id": str(document.pk),
        "organization": "demo",
        "file_name": "msa.txt",
        "content_type": "text/plain",
        "size": len(CONTRACT),
        "ic01": "ic01_1",
        "contract_number": "C-1",
        "amendment_number": "0",
        "customer_name": "ACME",
        "document_label": "Legal",
        "sales_country": "FR",
        "sales_region": "EMEA",
        "sales_cluster": "",
        "status": "SGDG",
        "contract_type": "CPSE",
        "document_date": "2024-03-01",
        "chunk_count": 1,
        "token_count": 30,
        "created_at": body["created_at"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", body["created_at"])
    assert document.uploaded_by == member
    assert document.file.name == f"batches/documents/{document.pk}/msa.txt"
    assert default_storage.open(document.file.name).read() == CONTRACT
    assert len(document.sha256) == 64
    assert document.index_seconds > 0
    chunk = DocumentChunk.objects.get(document=document)
    assert chunk.position == 0
    assert chunk.text.startswith("Master agreement between Orange and ACME.\n\nThe term")
    assert chunk.token_count == 30


@pytest.mark.parametrize(
    ("name", "content", "content_type", "phrase"),
    [
        ("deal.pdf", make_pdf("The term is 36 months."), "application/pdf", "36 months"),
        (
            "deal.docx",
            make_docx(["The term is 36 months."], table=[["Fee", "EUR 10"]]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Fee | EUR 10",
        ),
        (
            "deal.html",
            b"<script>alert(1)</script><p>The term is 36 months.</p>",
            "text/html",
            "36 months",
        ),
        ("deal.md", b"# Deal\n\nThe term is 36 months.", "text/markdown", "# Deal"),
    ],
)
def test_every_accepted_type(client, member, name, content, content_type, phrase):
    response = post(client, member, file=upload(name, content), ic01="x")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type
    text = DocumentChunk.objects.get().text
    assert phrase in text
    assert "alert" not in text


def test_no_organization_is_refused_first(client):
    loner = make_user()
    response = post(client, loner, file=upload("a.exe", b""), ic01="")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not belong to any organization."}
    assert not Document.objects.exists()


def test_too_large_by_content_length_before_reading_the_body(client, member):
    response = client.post(
        "/api/documents/",
        {"file": upload("a.txt", b"small"), "ic01": "x"},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **bearer(member),
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "File too large: the limit is 20 MB."}


def never_read():
    raise AssertionError("the form must not be read")


def test_refusals_before_the_form_never_read_the_body(member):
    with pytest.raises(PermissionDenied):
        document_upload(actor=make_user(), content_length=10, read_form=never_read)
    declared = settings.BATCH_MAX_DOCUMENT_SIZE + MULTIPART_OVERHEAD + 1
    with pytest.raises(PayloadTooLarge):
        document_upload(actor=member, content_length=declared, read_form=never_read)
    assert not Document.objects.exists()


def test_too_large_by_bytes_quotes_the_configured_limit(client, member, settings):
    settings.BATCH_MAX_DOCUMENT_SIZE = 1024 * 1024
    response = post(client, member, file=upload("a.txt", b"x" * (1024 * 1024 + 1)), ic01="")
    assert response.status_code == 413
    assert response.json() == {"detail": "File too large: the limit is 1 MB."}
    assert not Document.objects.exists()


def test_exactly_the_limit_is_accepted(client, member, settings):
    settings.BATCH_MAX_DOCUMENT_SIZE = 1024 * 1024
    content = (b"word " * (1024 * 1024 // 5 + 1))[: 1024 * 1024]
    response = post(client, member, file=upload("a.txt", content), ic01="x")
    assert response.status_code == 201


UNSUPPORTED = {"detail": "Unsupported file type. Allowed: PDF, DOCX, TXT, MD, HTML."}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ..."),
        ("fake.pdf", b"just text"),
        ("fake.docx", b"PK\x03\x04garbage"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("README", b"plain text"),
    ],
)
def test_unsupported_type_comes_before_field_errors(client, member, name, content):
    before = stored_documents()
    response = post(client, member, file=upload(name, content))
    assert response.status_code == 415
    assert response.json() == UNSUPPORTED
    assert not Document.objects.exists()
    assert stored_documents() == before


def test_all_field_errors_together(client, member):
    response = post(client, member, ic01="", document_date="01/03/2024")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["No file was submitted."],
        "ic01": ["This field is required."],
        "document_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    }


@pytest.mark.parametrize("day", ["2024-W09-5", "20240301", "2024-02-30", "2024-3-1"])
def test_document_date_is_year_month_day_only(client, member, day):
    before = stored_documents()
    response = post(client, member, file=upload("a.txt", CONTRACT), ic01="x", document_date=day)
    assert response.status_code == 400
    assert response.json() == {
        "document_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }
    assert not Document.objects.exists()
    assert stored_documents() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"  ...  \n\n -- ", "No text could be extracted from this file."),
    ],
)
def test_empty_or_textless_file(client, member, content, message):
    response = post(client, member, file=upload("a.txt", content), ic01="x")
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert not Document.objects.exists()


def test_metadata_lengths(client, member):
    response = post(
        client, member, file=upload("a.txt", CONTRACT), ic01="i" * 65, customer_name="c" * 256
    )
    assert response.json() == {
        "ic01": ["Ensure this field has no more than 64 characters."],
        "customer_name": ["Ensure this field has no more than 255 characters."],
    }


def test_members_of_several_organizations_choose(client, member):
    other = Group.objects.create(name="sales")
    member.groups.add(other)
    missing = post(client, member, file=upload("a.txt", CONTRACT), ic01="x")
    assert missing.json() == {"organization": ["Choose one of your organizations."]}
    foreign = Group.objects.create(name="foreign")
    wrong = post(client, member, file=upload("a.txt", CONTRACT), ic01="x", organization="foreign")
    assert wrong.json() == {"organization": ["You are not a member of this organization."]}
    assert foreign.batch_documents.count() == 0
    ok = post(client, member, file=upload("a.txt", CONTRACT), ic01="x", organization="sales")
    assert ok.status_code == 201
    assert ok.json()["organization"] == "sales"


def test_staff_may_file_into_any_group(client, staff):
    Group.objects.create(name="demo")
    response = post(client, staff, file=upload("a.txt", CONTRACT), ic01="x", organization="demo")
    assert response.status_code == 201
    unnamed = post(client, staff, file=upload("a.txt", CONTRACT), ic01="x")
    assert unnamed.json() == {"organization": ["Choose one of your organizations."]}


def test_a_form_with_too_many_parts_is_a_client_error(client, member, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    fields = {f"extra{index}": "x" for index in range(20)}
    many_fields = post(client, member, file=upload("a.txt", CONTRACT), ic01="x", **fields)
    assert many_fields.status_code == 400
    assert many_fields.json() == {"detail": "Bad request."}
    files = [upload(f"{index}.txt", CONTRACT) for index in range(5)]
    many_files = post(client, member, file=files, ic01="x")
    assert many_files.status_code == 400
    assert many_files.json() == {"detail": "Bad request."}
    assert not Document.objects.exists()


def test_upload_needs_a_token(client):
    assert client.post("/api/documents/", {}).status_code == 401


def test_list_newest_first_filtered_and_paginated(client, member, make_document):
    first = make_document(file_name="a.txt", ic01="ic01_1")
    second = make_document(file_name="b.txt", ic01="ic01_2")
    third = make_document(file_name="c.txt", ic01="ic01_1")
    make_document(file_name="other.txt", organization=Group.objects.create(name="other"))
    response = client.get("/api/documents/", **bearer(member))
    body = response.json()
    assert body["count"] == 3
    assert [d["id"] for d in body["results"]] == [str(third.pk), str(second.pk), str(first.pk)]
    filtered = client.get("/api/documents/?ic01=ic01_1", **bearer(member)).json()
    assert [d["id"] for d in filtered["results"]] == [str(third.pk), str(first.pk)]
    page = client.get("/api/documents/?page_size=2&page=2", **bearer(member)).json()
    assert page["count"] == 3
    assert page["next"] is None
    assert page["previous"] == "http://testserver/api/documents/?page_size=2"
    assert [d["id"] for d in page["results"]] == [str(first.pk)]
    bad = client.get("/api/documents/?page=9", **bearer(member))
    assert bad.status_code == 404
    assert bad.json() == {"detail": "Invalid page."}


def test_list_page_size_is_20_and_at_most_100(client, member, make_document):
    for index in range(21):
        make_document(file_name=f"{index}.txt")
    assert len(client.get("/api/documents/", **bearer(member)).json()["results"]) == 20
    big = client.get("/api/documents/?page_size=500", **bearer(member)).json()
    assert len(big["results"]) == 21


def test_staff_see_every_document(client, staff, make_document):
    make_document(organization=Group.objects.create(name="other"))
    assert client.get("/api/documents/", **bearer(staff)).json()["count"] == 1


def test_list_queries_do_not_grow(client, member, make_document, django_assert_num_queries):
    for index in range(5):
        make_document(file_name=f"{index}.txt")
    headers = bearer(member)
    # user, count, page (organizations joined)
    with django_assert_num_queries(3):
        response = client.get("/api/documents/", **headers)
    assert len(response.json()["results"]) == 5


def test_get_and_not_found(client, member, make_document):
    document = make_document()
    foreign = make_document(organization=Group.objects.create(name="other"))
    ok = client.get(f"/api/documents/{document.pk}/", **bearer(member))
    assert ok.status_code == 200
    assert ok.json()["id"] == str(document.pk)
    assert client.get(f"/api/documents/{document.pk}", **bearer(member)).status_code == 200
    for path in (
        f"/api/documents/{foreign.pk}/",
        f"/api/documents/{uuid.uuid4()}/",
        "/api/documents/42/",
    ):
        response = client.get(path, **bearer(member))
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}


def test_delete_by_uploader_cascades_but_keeps_workbooks(client, member, make_document):
    document = make_document(uploaded_by=member)
    job = BatchJob.objects.create(
        user=member, cuid="ABCD1234", result_file="batches/results/x.xlsx"
    )
    BatchJobDocument.objects.create(job=job, document=document, position=0)
    BatchAnswer.objects.create(job=job, document=document, prompt_name="p", answer="NA")
    default_storage.save("batches/results/x.xlsx", io.BytesIO(b"xlsx"))
    name = document.file.name
    response = client.delete(f"/api/documents/{document.pk}/", **bearer(member))
    assert response.status_code == 204
    assert response.content == b""
    assert not Document.objects.exists()
    assert not DocumentChunk.objects.exists()
    assert not BatchJobDocument.objects.exists()
    assert not BatchAnswer.objects.exists()
    assert not default_storage.exists(name)
    assert BatchJob.objects.filter(pk=job.pk).exists()
    assert default_storage.exists("batches/results/x.xlsx")


def test_delete_by_another_member_is_forbidden_and_staff_may(client, member, staff, make_document):
    document = make_document(uploaded_by=make_user())
    response = client.delete(f"/api/documents/{document.pk}/", **bearer(member))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the uploader or staff can delete this document."}
    assert Document.objects.filter(pk=document.pk).exists()
    assert client.delete(f"/api/documents/{document.pk}/", **bearer(staff)).status_code == 204


def test_delete_outside_the_organization_is_not_found(client, member, make_document):
    document = make_document(organization=Group.objects.create(name="other"))
    response = client.delete(f"/api/documents/{document.pk}/", **bearer(member))
    assert response.status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_import_documents_command(tmp_path, organization, capsys):
    (tmp_path / "a.txt").write_bytes(CONTRACT)
    (tmp_path / "b.md").write_bytes(b"# Heading\n\nSome words.")
    (tmp_path / "bad.exe").write_bytes(b"MZ")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_bytes(b"ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_bytes(b"<p>Nested words.</p>")
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_documents",
            str(tmp_path),
            "--ic01",
            "ic01_9",
            "--organization",
            "demo",
            "--set",
            "customer_name=ACME",
            "--set",
            "document_date=2024-02-01",
        )
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert out.strip() == "imported 2, skipped 0, failed 2"
    assert "failed bad.exe: Unsupported file type. Allowed: PDF, DOCX, TXT, MD, HTML." in err
    assert "failed empty.txt: The submitted file is empty." in err
    documents = Document.objects.order_by("file_name")
    assert [d.file_name for d in documents] == ["a.txt", "b.md"]
    assert {d.customer_name for d in documents} == {"ACME"}
    assert {str(d.document_date) for d in documents} == {"2024-02-01"}
    assert all(d.uploaded_by is None and d.organization == organization for d in documents)

    (tmp_path / "bad.exe").unlink()
    (tmp_path / "empty.txt").unlink()
    call_command(
        "import_documents",
        str(tmp_path),
        "--ic01",
        "ic01_9",
        "--organization",
        "demo",
        "--recursive",
    )
    assert capsys.readouterr().out.strip() == "imported 1, skipped 2, failed 0"
    call_command("import_documents", str(tmp_path), "--ic01", "other", "--organization", "demo")
    assert capsys.readouterr().out.strip() == "imported 2, skipped 0, failed 0"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--organization", "nope"], "Organization 'nope' does not exist."),
        (["--organization", "demo", "--set", "colour=red"], "--set 'colour=red'"),
        (["--organization", "demo", "--set", "document_date=2024"], "document_date: Date has"),
    ],
)
def test_import_documents_refuses_bad_arguments(tmp_path, organization, arguments, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_documents", str(tmp_path), "--ic01", "x", *arguments)


def test_odd_text_is_refused_or_cleaned(client, member):
    response = post(client, member, file=upload("a.txt", CONTRACT), ic01="x\x00", status="\x00")
    assert response.status_code == 400
    assert response.json() == {
        "ic01": ["Null characters are not allowed."],
        "status": ["Null characters are not allowed."],
    }
    named = post(client, member, file=upload("C:\\scans\\con\x07tract.txt", CONTRACT), ic01="x")
    assert named.status_code == 201
    assert named.json()["file_name"] == "contract.txt"
    assert client.get("/api/documents/?ic01=%00", **bearer(member)).json()["count"] == 0


def test_a_docx_zip_bomb_is_refused_without_unpacking_it(client, member, settings):
    # 1 MiB uploads may unpack to 5 MiB; this small upload unpacks to 48 MiB.
    settings.BATCH_MAX_DOCUMENT_SIZE = 1024 * 1024
    bomb = make_docx_bomb(48 * 1024 * 1024)
    assert len(bomb) < settings.BATCH_MAX_DOCUMENT_SIZE
    response = post(client, member, file=upload("bomb.docx", bomb), ic01="x")
    assert response.status_code == 400
    assert response.json() == {"file": ["No text could be extracted from this file."]}
    assert not Document.objects.exists()


def import_folder(folder: Path, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_documents", str(folder), "--ic01", "i", "--organization", "demo")
    out, err = capsys.readouterr()
    return exit_info.value.code, out.strip(), err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file anyway")
def test_an_unreadable_file_is_one_failure_of_the_import(tmp_path, organization, capsys):
    (tmp_path / "a.txt").write_bytes(CONTRACT)
    locked = tmp_path / "locked.txt"
    locked.write_bytes(b"Secret words.")
    locked.chmod(0)
    try:
        code, out, err = import_folder(tmp_path, capsys)
    finally:
        locked.chmod(0o600)
    assert code == 1
    assert out == "imported 1, skipped 0, failed 1"
    assert "failed locked.txt: Could not read the file: Permission denied." in err


def test_broken_links_and_pipes_are_failures_of_the_import(tmp_path, organization, capsys):
    # Both fail for root too; the pipe is refused without being opened, so nothing blocks.
    (tmp_path / "a.txt").write_bytes(CONTRACT)
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "missing.pdf")
    os.mkfifo(tmp_path / "pipe.txt")
    code, out, err = import_folder(tmp_path, capsys)
    assert code == 1
    assert out == "imported 1, skipped 0, failed 2"
    assert "failed gone.pdf: Could not read the file: No such file or directory." in err
    assert "failed pipe.txt: Not a regular file." in err
    assert [d.file_name for d in Document.objects.all()] == ["a.txt"]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_failing_to_read_is_one_failure_even_for_root(tmp_path, organization, capsys):
    # A regular file whose read fails whoever runs it: offset 0 of a process's memory is never
    # mapped, so reading it answers EIO.
    (tmp_path / "a.txt").write_bytes(CONTRACT)
    (tmp_path / "memory.txt").symlink_to("/proc/self/mem")
    code, out, err = import_folder(tmp_path, capsys)
    assert code == 1
    assert out == "imported 1, skipped 0, failed 1"
    assert "failed memory.txt: Could not read the file: Input/output error." in err
