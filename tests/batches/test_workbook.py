"""The result workbook (spec §7), opened with openpyxl: sheets, columns, cells and styles."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from modules.batches.models import BatchAnswer, BatchJob
from modules.batches.services.results import duration_text
from modules.batches.workbook import ResultsWorkbook
from tests.batches.conftest import batch_body, submit

pytestmark = pytest.mark.django_db

ALL_METADATA = [
    "ic01",
    "contract_number",
    "amendment_number",
    "customer_name",
    "document_label",
    "sales_country",
    "sales_region",
    "sales_cluster",
    "status",
    "contract_type",
    "document_date",
]


def finished_job(client, member, **overrides) -> BatchJob:
    response = submit(client, member, batch_body(**overrides))
    assert response.status_code == 202, response.content
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert job.status == "finished"
    return job


def open_result(job):
    with default_storage.open(job.result_file.name, "rb") as stored:
        data = stored.read()
    return load_workbook(io.BytesIO(data)), data


def test_results_sheet_with_every_metadata_column(client, member, make_document):
    document = make_document(
        "The term of this agreement is thirty six months.",
        file_name="msa.txt",
        customer_name="ACME",
        contract_type="CPSE",
        document_date=date(2024, 3, 1),
    )
    prompts = [
        {"name": "term", "value": "What is the term?"},
        {"name": "colour", "value": "Which colour is the logo?"},
    ]
    job = finished_job(client, member, prompts=prompts)
    book, _ = open_result(job)
    assert book.sheetnames == ["Results", "batch_statistics", "index_statistics"]
    sheet = book["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("document_id", "file_name", *ALL_METADATA, "term", "colour")
    assert rows[1] == (
        str(document.pk), "msa.txt", "ic01_1", None, None, "ACME", None, None, None, None, None,
        "CPSE", datetime(2024, 3, 1), "The term of this agreement is thirty six months.", "NA",
    )  # fmt: skip
    assert len(rows) == 2
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNO"]
    assert widths == [38, 40] + [18] * 11 + [60, 60]
    assert sheet["M2"].number_format == "yyyy-mm-dd"
    assert sheet["M2"].is_date
    assert sheet["N2"].alignment.wrap_text
    assert sheet["O2"].alignment.wrap_text


def test_fields_choose_the_metadata_columns(client, member, make_document):
    make_document(customer_name="ACME", contract_type="CPSE")
    job = finished_job(client, member, fields=["typeLabel", "customer_name", "contract_type"])
    book, _ = open_result(job)
    rows = list(book["Results"].iter_rows(values_only=True))
    assert rows[0] == ("document_id", "file_name", "contract_type", "customer_name", "term")
    assert rows[1][2:4] == ("CPSE", "ACME")
    none = finished_job(client, member, fields=[])
    book, _ = open_result(none)
    assert next(book["Results"].iter_rows(values_only=True)) == ("document_id", "file_name", "term")


def test_strings_stay_text(client, member, make_document):
    make_document(
        "Clause one. The term is unusual.", customer_name='=HYPERLINK("http://x")', status="#N/A"
    )
    job = finished_job(client, member, fields=["customer_name", "status"])
    answer = BatchAnswer.objects.get(job=job)
    long_answer = "=SUM(A1:A2)\x01\x0b" + "y" * 40000
    BatchAnswer.objects.filter(pk=answer.pk).update(answer=long_answer)
    job.result_file.delete(save=False)
    from modules.batches.services.results import write_workbook

    path = default_storage.path(f"batches/results/{job.pk}.xlsx")
    write_workbook(job, ended_at=timezone.now(), path=path)
    job.result_file.name = f"batches/results/{job.pk}.xlsx"
    book, data = open_result(job)
    sheet = book["Results"]
    assert sheet["C2"].value == '=HYPERLINK("http://x")'
    assert sheet["C2"].data_type == "s"
    assert sheet["D2"].value == "#N/A"
    assert sheet["D2"].data_type == "s"
    value = sheet["E2"].value
    assert sheet["E2"].data_type == "s"
    assert value.startswith("=SUM(A1:A2)yyy")
    assert len(value) == 32767
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_batch_statistics(client, member, make_document, settings):
    settings.BATCH_LLM_PRICE_PROMPT_PER_1K = Decimal("1.5")
    settings.BATCH_LLM_PRICE_COMPLETION_PER_1K = Decimal("2")
    settings.BATCH_PRICE_DOCUMENT_PER_1K = Decimal("0.1")
    make_document("The term of this agreement is thirty six months.", file_name="a.txt")
    make_document("Nothing relevant here at all.", file_name="b.txt")
    job = finished_job(client, member, scope={"ic01_list": ["ic01_1"], "zone": "eqt"}, fields=[])
    BatchJob.objects.filter(pk=job.pk).update(
        prompt_tokens=1234,
        completion_tokens=567,
        started_at=datetime(2025, 2, 19, 10, 34, 2, tzinfo=UTC),
    )
    BatchAnswer.objects.filter(job=job, answer="NA").update(answer="ERROR")
    job.refresh_from_db()
    from modules.batches.services.results import write_workbook

    path = default_storage.path(job.result_file.name)
    ended = datetime(2025, 2, 19, 12, 41, 59, tzinfo=UTC)
    write_workbook(job, ended_at=ended, path=path)
    book, _ = open_result(job)
    rows = list(book["batch_statistics"].iter_rows(values_only=True))
    assert rows[0] == (
        "start_time", "end_time", "total_execution_time", "total_cost (USD)",
        "question_answer_cost (USD)", "document_embedding_cost (USD)", "prompt_tokens",
        "completion_tokens", "total_document_tokens", "engine", "model", "zone", "documents",
        "prompts", "na_answers", "error_answers",
    )  # fmt: skip
    tokens = job.document_tokens
    qa = 1.234 * 1.5 + 0.567 * 2
    embedding = tokens / 1000 * 0.1
    assert rows[1] == (
        "2025-02-19 10:34:02", "2025-02-19 12:41:59", "2 hours and 7 minutes",
        round(qa + embedding, 3), round(qa, 3), round(embedding, 3), 1234, 567, tokens,
        "local", "bm25plus-extractive", "eqt", 2, 1, 0, 1,
    )  # fmt: skip
    assert book["batch_statistics"]["D2"].number_format == "0.000"


def test_index_statistics(client, member, make_document):
    first = make_document("Short text about the term.", file_name="a.txt")
    second = make_document("Other words. " * 200, file_name="b.txt")
    job = finished_job(client, member)
    book, _ = open_result(job)
    rows = list(book["index_statistics"].iter_rows(values_only=True))
    assert rows[0] == (
        "document_id",
        "file_name",
        "number_of_chunks",
        "number_of_tokens",
        "elapsed_time (second)",
    )
    assert rows[1][:4] == (str(first.pk), "a.txt", 1, 5)
    assert rows[2][:4] == (str(second.pk), "b.txt", second.chunk_count, 400)
    assert rows[1][4] == round(first.index_seconds, 3)
    assert second.chunk_count > 1


def test_workbook_of_a_second_run_replaces_the_first(client, member, make_document, work):
    make_document()
    job = finished_job(client, member)
    from modules.batches.services.jobs import batch_jobs_requeue

    BatchJob.objects.filter(pk=job.pk).update(status="failed")
    batch_jobs_requeue(job_ids=[job.pk])
    work()
    job.refresh_from_db()
    assert job.result_file.name == f"batches/results/{job.pk}.xlsx"


def test_duration_text():
    assert duration_text(0) == "0 hours and 0 minutes"
    assert duration_text(timedelta(hours=26, minutes=5, seconds=59).total_seconds()) == (
        "26 hours and 5 minutes"
    )


def test_writer_streams_many_rows(tmp_path):
    book = ResultsWorkbook(metadata_fields=["document_date"], prompt_names=["p"])
    for index in range(1200):
        book.add_row([f"id{index}", "f.txt", date(2024, 1, 1), f"answer {index}"])
    book.add_batch_statistics({})
    book.add_index_statistics([])
    book.save(tmp_path / "x.xlsx")
    loaded = load_workbook(tmp_path / "x.xlsx", read_only=True)
    rows = list(loaded["Results"].iter_rows(values_only=True))
    assert len(rows) == 1201
    assert rows[-1] == ("id1199", "f.txt", datetime(2024, 1, 1), "answer 1199")
