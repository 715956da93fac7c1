"""The batch worker: claim the oldest queued job, answer what is missing, write the workbook.

Every answer is committed with a heartbeat in a transaction that only succeeds while this worker
still holds the claim, so a job taken over by the sweep is never written by two workers, and a
resumed job skips every answer already stored.

A document deleted while its job waits or runs takes its link and answers with it (spec §1), so
the job skips it: it is not an error of the job, and the progress counts only the documents the
job still holds, reaching its total when the job finishes.

That deletion never fails because of this worker: the database cascades it to answers and links
(ON DELETE CASCADE, migration 0003), so an answer committed after the ORM collected the document's
answers goes with the document. In the other order, the deletion committed first, this worker's
insert fails its foreign key at commit and ``record`` turns that into a skip (``DocumentGone``).
"""

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import jobs
from core.models import JobStatus
from modules.batches.engines import ERROR, NA, EngineAnswer, EngineError, PromptEngine, engine_for
from modules.batches.engines.retrieval import ContextPiece, DocumentChunks, JobIndex
from modules.batches.models import (
    BatchAnswer,
    BatchJob,
    BatchJobDocument,
    Document,
    DocumentChunk,
)
from modules.batches.prompts import Prompt, dependency_order
from modules.batches.services import results

logger = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = 60
RESULTS_FOLDER = "batches/results"


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [DatabaseError, OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:  # pragma: no cover - boto3 is a dependency
        pass
    return tuple(errors)


# Worth another attempt later: the database or the file storage failed, not the job.
TRANSIENT_ERRORS = _storage_errors()


class LostClaim(Exception):
    """The job is no longer this worker's (swept, canceled or taken over): stop writing."""


class DocumentGone(Exception):
    """The document was deleted under the job: its answers cannot be stored, skip it."""


def _document_exists(document_id: Any) -> bool:
    return Document.objects.filter(pk=document_id).exists()


class JobFailed(Exception):
    """The job cannot go on; the message is the job's ``error``."""


def _gave_up(job: BatchJob) -> None:
    """The sweep failed a job whose worker kept dying: close it and tell the owner."""
    with transaction.atomic():
        BatchJob.objects.filter(pk=job.pk, ended_at__isnull=True).update(ended_at=timezone.now())
        job.refresh_from_db()
        results.notify_failed(job)


BATCH_QUEUE = jobs.JobQueue(
    name="batches",
    model=BatchJob,
    # The task claims the oldest due job itself, so the wake-up carries no id.
    wake=jobs.huey_wake("modules.batches.tasks.process_next_batch_job", with_id=False),
    heartbeat_timeout=lambda: settings.BATCH_HEARTBEAT_TIMEOUT,
    requeue_after=lambda: settings.BATCH_REQUEUE_AFTER,
    exhausted=lambda job: job.attempts >= settings.BATCH_JOB_MAX_ATTEMPTS,
    queued=JobStatus.QUEUED,
    running=JobStatus.STARTED,
    failed=JobStatus.FAILED,
    error_field="error",
    on_give_up=_gave_up,
)


def batch_process_next(*, worker: str | None = None, engine: PromptEngine | None = None) -> str:
    """One wake-up: claim the oldest due queued job and run it; ``idle`` when there is none."""
    worker = worker or jobs.worker_name()
    job_id = jobs.claim_next(
        BATCH_QUEUE, worker=worker, started_at=Coalesce(F("started_at"), Value(timezone.now()))
    )
    if job_id is None:
        return "idle"
    logger.info("batch job %s claimed by %s", job_id, worker)
    return batch_run(job_id=job_id, worker=worker, engine=engine)


def batch_run(*, job_id: Any, worker: str, engine: PromptEngine | None = None) -> str:
    """Run a claimed job to its end; returns the status it was left in."""
    try:
        return _JobRun(job_id, worker, engine).execute()
    except LostClaim:
        logger.warning("batch job %s is no longer held by %s; stopping", job_id, worker)
        return "lost"
    except JobFailed as exc:
        return _fail(job_id, str(exc))
    except TRANSIENT_ERRORS as exc:
        logger.exception("batch job %s hit a database or storage error", job_id)
        return _retry_or_fail(job_id, _one_line(exc))
    except Exception as exc:
        logger.exception("batch job %s failed", job_id)
        return _fail(job_id, _one_line(exc))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]


def _retry_or_fail(job_id: Any, reason: str) -> str:
    try:
        attempts = BatchJob.objects.values_list("attempts", flat=True).get(pk=job_id)
        delays = [RETRY_DELAY_SECONDS * n for n in range(1, settings.BATCH_JOB_MAX_ATTEMPTS)]
        with transaction.atomic():
            status = jobs.retry_or_fail(
                BATCH_QUEUE,
                job_id,
                attempts=attempts,
                delays=delays,
                error=reason,
                on_fail={"ended_at": timezone.now()},
            )
            if status == JobStatus.FAILED:
                results.notify_failed(BatchJob.objects.select_related("user").get(pk=job_id))
        return status or "lost"
    except TRANSIENT_ERRORS:
        # Still unreachable: the sweep re-queues the job once its heartbeat is stale.
        logger.exception("batch job %s could not be re-queued", job_id)
        return "stale"


def _fail(job_id: Any, reason: str) -> str:
    with transaction.atomic():
        if jobs.fail(BATCH_QUEUE, job_id, error=reason, ended_at=timezone.now()):
            results.notify_failed(BatchJob.objects.select_related("user").get(pk=job_id))
    return JobStatus.FAILED


class _JobRun:
    def __init__(self, job_id: Any, worker: str, engine: PromptEngine | None) -> None:
        self.job = BatchJob.objects.select_related("user").get(pk=job_id)
        self.worker = worker
        self.engine = engine
        self.consecutive_errors = 0
        # Built once: every write of the run goes through this guard, answer after answer.
        self._mine = BatchJob.objects.filter(
            pk=self.job.pk, status=JobStatus.STARTED, claimed_by=self.worker
        )

    def mine(self) -> Any:
        """The job row, only while this worker still holds its claim."""
        return self._mine

    def execute(self) -> str:
        engine = self.engine or engine_for(self.job.engine)
        try:
            corpus = DocumentChunk.objects.filter(document__job_links__job=self.job).values_list(
                "text", flat=True
            )
            index = JobIndex(
                corpus.iterator(chunk_size=2000),
                top_k=settings.BATCH_TOP_K,
                min_score=settings.BATCH_LOCAL_MIN_SCORE,
            )
            prompts = dependency_order(self.job.prompts)
            self.recount()
            pending = list(
                BatchJobDocument.objects.filter(job=self.job, done_at__isnull=True)
                .order_by("position")
                .values_list("pk", "document_id")
            )
            for link_id, document_id in pending:
                if BatchJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
                    return self.cancel()
                try:
                    self.answer_document(engine, index, prompts, document_id)
                except DocumentGone:
                    logger.info("batch job %s skips deleted document %s", self.job.pk, document_id)
                    self.recount()
                    continue
                self.document_done(link_id)
            return self.finish()
        finally:
            engine.close()

    def answer_document(
        self, engine: PromptEngine, index: JobIndex, prompts: list[Prompt], document_id: Any
    ) -> None:
        if not _document_exists(document_id):
            raise DocumentGone()
        answers = dict(
            BatchAnswer.objects.filter(job=self.job, document_id=document_id).values_list(
                "prompt_name", "answer"
            )
        )
        chunks: DocumentChunks | None = None
        for prompt in prompts:
            if prompt["name"] in answers:
                continue
            started = time.perf_counter()
            if prompt["dependencies"]:
                context = [
                    ContextPiece(position, answers[name], label=name)
                    for position, name in enumerate(dict.fromkeys(prompt["dependencies"]))
                    if answers.get(name) not in (None, NA, ERROR)
                ]
                if not context:
                    result, error = EngineAnswer(NA), ""
                else:
                    result, error = self.ask(engine, prompt["value"], context)
            else:
                if chunks is None:
                    chunks = DocumentChunks.of(
                        DocumentChunk.objects.filter(document_id=document_id)
                        .order_by("position")
                        .values_list("position", "text")
                    )
                context = index.retrieve(prompt["value"], chunks)
                if not context and engine.answers_without_context:
                    context = chunks.first(settings.BATCH_TOP_K)
                result, error = self.ask(engine, prompt["value"], context)
            self.record(document_id, prompt["name"], result, error, time.perf_counter() - started)
            answers[prompt["name"]] = result.answer
            limit = settings.BATCH_LLM_MAX_CONSECUTIVE_ERRORS
            if error and self.consecutive_errors >= limit:
                raise JobFailed(f"Language model failed {limit} times in a row: {error}")

    def ask(
        self, engine: PromptEngine, question: str, context: list[ContextPiece]
    ) -> tuple[EngineAnswer, str]:
        try:
            result = engine.answer(question=question, context=context)
        except EngineError as exc:
            self.consecutive_errors += 1
            return EngineAnswer(ERROR), str(exc) or type(exc).__name__
        self.consecutive_errors = 0
        return result, ""

    def record(
        self, document_id: Any, name: str, result: EngineAnswer, error: str, seconds: float
    ) -> None:
        """Store one answer with its tokens; ``DocumentGone`` if the document was deleted.

        The tokens are counted even then: the model was paid for. A deletion committed after the
        existence check surfaces as the answer's foreign key failing at commit, on SQLite and
        PostgreSQL alike, and is told apart from real integrity errors by looking again. An
        answer committed first is deleted with the document by the database's cascade, so
        neither side of the race fails: no row lock is needed here.
        """
        try:
            with transaction.atomic():
                self.count_tokens(result)
                gone = not _document_exists(document_id)
                if not gone:
                    BatchAnswer.objects.create(
                        job=self.job,
                        document_id=document_id,
                        prompt_name=name,
                        answer=result.answer,
                        error=error[:2000],
                        prompt_tokens=result.prompt_tokens,
                        completion_tokens=result.completion_tokens,
                        seconds=seconds,
                    )
        except IntegrityError:
            # The authoritative second look, not ``_document_exists``: that check is the one a
            # concurrent deletion can overtake (and the one tests stub to stage that race).
            if Document.objects.filter(pk=document_id).exists():
                raise
            with transaction.atomic():
                self.count_tokens(result)
            gone = True
        if gone:
            raise DocumentGone()

    def count_tokens(self, result: EngineAnswer) -> None:
        held = self.mine().update(
            prompt_tokens=F("prompt_tokens") + result.prompt_tokens,
            completion_tokens=F("completion_tokens") + result.completion_tokens,
            heartbeat_at=timezone.now(),
        )
        if not held:
            raise LostClaim()

    def recount(self) -> None:
        """Progress counts the job's documents as they are now: deleted ones left with their
        links, so ``done`` reaches ``total`` when the job ends."""
        links = BatchJobDocument.objects.filter(job=self.job)
        total = links.count()
        done = links.filter(done_at__isnull=False).count()
        with transaction.atomic():
            if not self.mine().update(documents_total=total, documents_done=done):
                raise LostClaim()

    def document_done(self, link_id: Any) -> None:
        now = timezone.now()
        with transaction.atomic():
            held = self.mine().update(
                documents_done=F("documents_done") + 1, attempts=0, heartbeat_at=now
            )
            if not held:
                raise LostClaim()
            BatchJobDocument.objects.filter(pk=link_id).update(done_at=now)

    def cancel(self) -> str:
        if not self.mine().update(status=JobStatus.CANCELED, ended_at=timezone.now()):
            raise LostClaim()
        logger.info("batch job %s canceled", self.job.pk)
        return JobStatus.CANCELED

    def finish(self) -> str:
        self.recount()
        self.job.refresh_from_db()
        ended_at = timezone.now()
        with tempfile.TemporaryDirectory(prefix="batch-") as folder:
            path = Path(folder) / f"{self.job.pk}.xlsx"
            summary = results.write_workbook(self.job, ended_at=ended_at, path=path)
            name = f"{RESULTS_FOLDER}/{self.job.pk}.xlsx"
            if default_storage.exists(name):
                default_storage.delete(name)
            with path.open("rb") as handle:
                stored = default_storage.save(name, File(handle, name=path.name))
            size = path.stat().st_size
            workbook = path.read_bytes() if size <= settings.BATCH_EMAIL_MAX_ATTACHMENT else None
        with transaction.atomic():
            held = self.mine().update(
                status=JobStatus.FINISHED,
                ended_at=ended_at,
                result_file=stored,
                heartbeat_at=ended_at,
            )
            if not held:
                raise LostClaim()
            results.notify_finished(self.job, ended_at=ended_at, summary=summary, workbook=workbook)
        logger.info("batch job %s finished", self.job.pk)
        return JobStatus.FINISHED
