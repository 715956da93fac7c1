"""What a job leaves behind: the workbook built from its rows, its costs, and the owner's email."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from core.mail import queue_email
from modules.batches.engines import ERROR, NA, engine_for
from modules.batches.models import (
    METADATA_FIELDS,
    BatchAnswer,
    BatchJob,
    BatchJobDocument,
    Document,
)

ROWS_PER_BATCH = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class WorkbookSummary:
    documents: int = 0
    na_answers: int = 0
    error_answers: int = 0
    index_rows: list[tuple[str, str, int, int, float]] = field(default_factory=list)


def duration_text(seconds: float) -> str:
    """``"H hours and M minutes"`` as the legacy statistics sheet wrote it."""
    minutes = int(max(seconds, 0) // 60)
    return f"{minutes // 60} hours and {minutes % 60} minutes"


def metadata_columns(job: BatchJob) -> list[str]:
    """``fields`` in request order (aliases resolved at submission); absent means all eleven."""
    return list(METADATA_FIELDS) if job.fields is None else list(job.fields)


def job_costs(job: BatchJob) -> dict[str, Decimal]:
    """USD costs from stored token counts and configured prices, in Decimal so they add exactly."""
    thousand = Decimal(1000)
    question_answer = (
        Decimal(job.prompt_tokens) / thousand * settings.BATCH_LLM_PRICE_PROMPT_PER_1K
        + Decimal(job.completion_tokens) / thousand * settings.BATCH_LLM_PRICE_COMPLETION_PER_1K
    )
    embedding = Decimal(job.document_tokens) / thousand * settings.BATCH_PRICE_DOCUMENT_PER_1K
    return {
        "total": question_answer + embedding,
        "question_answer": question_answer,
        "document_embedding": embedding,
    }


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_workbook(job: BatchJob, *, ended_at: datetime, path: Path) -> WorkbookSummary:
    """Stream the job's rows, 500 documents at a time, into an .xlsx at ``path``."""
    columns = metadata_columns(job)
    prompt_names = [prompt["name"] for prompt in job.prompts]
    # Imported here: openpyxl costs every web process 30 MB; only the worker writes workbooks.
    from modules.batches.workbook import ResultsWorkbook

    book = ResultsWorkbook(metadata_fields=columns, prompt_names=prompt_names)
    summary = WorkbookSummary()
    document_ids = list(
        BatchJobDocument.objects.filter(job=job)
        .order_by("position")
        .values_list("document_id", flat=True)
    )
    needed = {"id", "file_name", "chunk_count", "token_count", "index_seconds", *columns}
    for batch in _batches(document_ids, ROWS_PER_BATCH):
        documents = {d.pk: d for d in Document.objects.filter(pk__in=batch).only(*needed)}
        answers: dict[tuple[Any, str], str] = {}
        for document_id, name, answer in BatchAnswer.objects.filter(
            job=job, document_id__in=batch
        ).values_list("document_id", "prompt_name", "answer"):
            answers[(document_id, name)] = answer
        for document_id in batch:
            document = documents.get(document_id)
            if document is None:
                continue
            row_answers = [answers.get((document_id, name), "") for name in prompt_names]
            summary.documents += 1
            summary.na_answers += sum(1 for answer in row_answers if answer == NA)
            summary.error_answers += sum(1 for answer in row_answers if answer == ERROR)
            book.add_row(
                [
                    str(document.pk),
                    document.file_name,
                    *(getattr(document, column) for column in columns),
                    *row_answers,
                ]
            )
            summary.index_rows.append(
                (
                    str(document.pk),
                    document.file_name,
                    document.chunk_count,
                    document.token_count,
                    document.index_seconds,
                )
            )
    book.add_batch_statistics(_statistics(job, ended_at=ended_at, summary=summary))
    book.add_index_statistics(summary.index_rows)
    book.save(path)
    return summary


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def elapsed_seconds(job: BatchJob, ended_at: datetime) -> float:
    """Run time from the first start (a resumed job keeps it), or from submission if never run."""
    return (ended_at - (job.started_at or job.created_at)).total_seconds()


def _statistics(job: BatchJob, *, ended_at: datetime, summary: WorkbookSummary) -> dict[str, Any]:
    costs = job_costs(job)
    return {
        "start_time": _utc(job.started_at),
        "end_time": _utc(ended_at),
        "total_execution_time": duration_text(elapsed_seconds(job, ended_at)),
        "total_cost (USD)": costs["total"],
        "question_answer_cost (USD)": costs["question_answer"],
        "document_embedding_cost (USD)": costs["document_embedding"],
        "prompt_tokens": job.prompt_tokens,
        "completion_tokens": job.completion_tokens,
        "total_document_tokens": job.document_tokens,
        "engine": job.engine,
        "model": _model_name(job.engine),
        "zone": job.zone,
        "documents": summary.documents,
        "prompts": len(job.prompts),
        "na_answers": summary.na_answers,
        "error_answers": summary.error_answers,
    }


def _model_name(engine: str) -> str:
    if engine == "openai":
        return settings.BATCH_LLM_MODEL
    return engine_for(engine).model


def notify_finished(
    job: BatchJob, *, ended_at: datetime, summary: WorkbookSummary, workbook: bytes | None
) -> None:
    """Queue the owner's 'finished' email, with the workbook unless it is too big to attach."""
    file_name = f"{job.pk}.xlsx"
    context = {
        "job": job,
        "documents": summary.documents,
        "prompts": len(job.prompts),
        "na_answers": summary.na_answers,
        "error_answers": summary.error_answers,
        "duration": duration_text(elapsed_seconds(job, ended_at)),
        "attached": workbook is not None,
        "file_name": file_name,
        "file_path": f"/api/batch/{job.pk}/file?download=1",
    }
    attachments = [(file_name, workbook, XLSX)] if workbook is not None else []
    queue_email(
        job.user.email,
        f"Batch {job.pk} finished",
        render_to_string("batches/email_finished.txt", context),
        render_to_string("batches/email_finished.html", context),
        attachments,
    )


def notify_failed(job: BatchJob) -> None:
    """Queue the owner's 'failed' email; callers do so in the transaction that fails the job."""
    context = {"job": job, "documents_done": job.documents_done}
    queue_email(
        job.user.email,
        f"Batch {job.pk} failed",
        render_to_string("batches/email_failed.txt", context),
        render_to_string("batches/email_failed.html", context),
    )
