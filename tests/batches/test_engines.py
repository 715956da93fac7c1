"""Engines (spec §6): retrieval, the offline engine, and the OpenAI-compatible engine against a
local chat-completions server (never the internet)."""

import io
import socket
import time
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from modules.batches.checks import check_engine_settings
from modules.batches.engines import NA, EngineError, engine_for
from modules.batches.engines import openai as openai_engine
from modules.batches.engines.local import LocalEngine
from modules.batches.engines.openai import SYSTEM_PROMPT, OpenAIEngine
from modules.batches.engines.retrieval import ContextPiece, DocumentChunks, JobIndex, tokenize
from modules.batches.models import BatchAnswer, BatchJob
from tests.batches.conftest import batch_body, submit
from tests.batches.llm_server import ChatServer, completion


@pytest.fixture
def chat():
    server = ChatServer()
    yield server
    server.stop()


@pytest.fixture
def no_waiting(monkeypatch):
    """Backoff pauses are recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(openai_engine, "backoff_sleep", slept.append)
    return slept


def test_tokenize_drops_short_and_stop_words():
    assert tokenize("What is the TERM of l'accord? Le délai des paiements, x 36") == [
        "term", "accord", "délai", "paiements", "36",
    ]  # fmt: skip


def chunks(*texts):
    return DocumentChunks.of(enumerate(texts))


def test_a_one_chunk_document_still_ranks():
    index = JobIndex(["the term is two years"], top_k=4, min_score=0.0)
    assert [p.text for p in index.retrieve("term?", chunks("the term is two years"))] == [
        "the term is two years"
    ]


def test_only_chunks_sharing_a_query_term_qualify_best_first():
    document = chunks(
        "payment within thirty days",
        "the term of the contract is two years",
        "term term renewal term",
        "nothing to see",
    )
    index = JobIndex(document.texts, top_k=4, min_score=0.0)
    found = index.retrieve("What is the term and the renewal?", document)
    assert [piece.position for piece in found] == [2, 1]


def test_top_k_and_min_score():
    texts = [f"term clause number {i}" for i in range(6)]
    document = chunks(*texts)
    index = JobIndex(texts, top_k=2, min_score=0.0)
    assert [piece.position for piece in index.retrieve("term", document)] == [0, 1]
    strict = JobIndex(texts, top_k=2, min_score=1000.0)
    assert strict.retrieve("term", document) == []


def test_term_statistics_come_from_the_whole_job():
    document = chunks("alpha alpha alpha beta", "gamma delta")
    alone = JobIndex(document.texts, top_k=1, min_score=0.0)
    assert [p.position for p in alone.retrieve("alpha gamma", document)] == [0]
    # Across the job "alpha" is everywhere, so the rarer "gamma" decides.
    others = [f"alpha filler {i}" for i in range(50)]
    job = JobIndex([*document.texts, *others], top_k=1, min_score=0.0)
    assert [p.position for p in job.retrieve("alpha gamma", document)] == [1]


def test_local_engine_is_extractive_and_deterministic():
    engine = LocalEngine(max_sentences=2)
    context = [
        ContextPiece(3, "Fees are due monthly. The renewal term is one year."),
        ContextPiece(1, "The initial term is three years. Lunch is not provided. Term ends early."),
    ]
    answer = engine.answer(question="What is the renewal term?", context=context)
    assert answer.answer == "The initial term is three years. The renewal term is one year."
    assert (answer.prompt_tokens, answer.completion_tokens) == (0, 0)
    assert engine.answer(question="What is the renewal term?", context=context) == answer
    assert engine.answer(question="anything", context=[]).answer == NA
    assert engine.answer(question="colour of the logo", context=context).answer == NA


def test_local_answers_are_cut_at_1000_characters():
    sentence = "The term " + "really " * 300 + "matters."
    answer = LocalEngine(max_sentences=3).answer(
        question="term", context=[ContextPiece(0, sentence)]
    )
    assert len(answer.answer) == 1000


def make_engine(chat, **overrides):
    options = {
        "base_url": chat.base_url,
        "api_key": "sk-test",
        "model": "gpt-test",
        "max_tokens": 256,
        "timeout": 5,
        "max_retries": 4,
        "sleep": None,
        "jitter": lambda: 0.5,
    }
    options.update(overrides)
    return OpenAIEngine(**options)


def test_openai_request_and_usage(chat, no_waiting):
    chat.replies.append(
        completion("  Thirty six months.  ", prompt_tokens=120, completion_tokens=9)
    )
    engine = make_engine(chat)
    context = [ContextPiece(4, "The term is 36 months."), ContextPiece(0, "Summary", label="sum")]
    answer = engine.answer(question="What is the term?", context=context)
    assert (answer.answer, answer.prompt_tokens, answer.completion_tokens) == (
        "Thirty six months.", 120, 9,
    )  # fmt: skip
    request = chat.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "gpt-test"
    assert body["max_tokens"] == 256
    assert body["temperature"] == 0
    assert body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "exactly NA" in SYSTEM_PROMPT
    assert body["messages"][1] == {
        "role": "user",
        "content": "Context:\n[1] The term is 36 months.\n\n[2] (sum) Summary\n\n"
        "Question: What is the term?",
    }
    assert no_waiting == []


@pytest.mark.parametrize("content", ["", "N/A", "NA.", "na", " NA "])
def test_openai_na_spellings(chat, content):
    chat.replies.append(completion(content))
    assert make_engine(chat).answer(question="q", context=[]).answer == NA


def test_openai_retries_server_errors_with_backoff(chat, no_waiting):
    chat.replies.extend([(500, {}, {"error": "boom"}), (502, {}, b"bad gateway")])
    answer = make_engine(chat).answer(question="q", context=[])
    assert answer.answer == "The answer."
    assert no_waiting == [2.5, 4.5]
    assert len(chat.requests) == 3


def test_openai_retry_after_wins_when_longer_and_reasonable(chat, no_waiting):
    chat.replies.extend(
        [
            (429, {"Retry-After": "7"}, {"error": "slow down"}),
            (429, {"Retry-After": "120"}, {"error": "slow down"}),
            (429, {"Retry-After": "1"}, {"error": "slow down"}),
        ]
    )
    make_engine(chat).answer(question="q", context=[])
    assert no_waiting == [7.0, 4.5, 8.5]


def test_openai_gives_up_after_the_retries(chat, no_waiting):
    chat.default = lambda body: (503, {}, {"error": "overloaded"})
    with pytest.raises(EngineError, match="HTTP 503"):
        make_engine(chat, max_retries=4).answer(question="q", context=[])
    assert no_waiting == [2.5, 4.5, 8.5, 16.5]
    assert len(chat.requests) == 5


def test_openai_client_errors_are_not_retried(chat, no_waiting):
    chat.replies.append((400, {}, {"error": {"message": "bad model"}}))
    with pytest.raises(EngineError, match="HTTP 400"):
        make_engine(chat).answer(question="q", context=[])
    assert no_waiting == []


def test_openai_unexpected_body(chat, no_waiting):
    chat.replies.append((200, {}, {"choices": []}))
    with pytest.raises(EngineError, match="Unexpected answer"):
        make_engine(chat).answer(question="q", context=[])


def reply_with(**message_and_usage):
    usage = message_and_usage.pop("usage", {"prompt_tokens": 1, "completion_tokens": 1})
    return (200, {}, {"choices": [{"message": message_and_usage}], "usage": usage})


@pytest.mark.parametrize(
    "reply",
    [
        reply_with(content=["a", "list"]),
        reply_with(content=42),
        reply_with(content="ok", usage=["not", "a", "mapping"]),
        reply_with(content="ok", usage="lots"),
        reply_with(content="ok", usage={"prompt_tokens": "many"}),
        reply_with(content="ok", usage={"prompt_tokens": True}),
        (200, {}, ["not", "an", "object"]),
        (200, {}, {"choices": [None]}),
        (200, {"Content-Encoding": "gzip"}, b"not gzip at all"),
    ],
)
def test_openai_malformed_replies_are_engine_errors(chat, no_waiting, reply):
    chat.replies.append(reply)
    with pytest.raises(EngineError):
        make_engine(chat).answer(question="q", context=[])
    assert no_waiting == []
    assert len(chat.requests) == 1


def test_openai_negative_usage_counts_as_none(chat):
    chat.replies.append(reply_with(content="36 months", usage={"prompt_tokens": -5}))
    answer = make_engine(chat).answer(question="q", context=[])
    assert (answer.answer, answer.prompt_tokens, answer.completion_tokens) == ("36 months", 0, 0)


def test_openai_timeouts_are_retried(chat, no_waiting):
    def slow(body):
        time.sleep(0.5)
        return completion("late")

    chat.default = slow
    with pytest.raises(EngineError, match="ReadTimeout"):
        make_engine(chat, timeout=0.1, max_retries=1).answer(question="q", context=[])
    assert no_waiting == [2.5]


def test_openai_connection_errors_are_retried(no_waiting):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = OpenAIEngine(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="", model="m", max_tokens=10,
        timeout=1, max_retries=2, jitter=lambda: 0.0,
    )  # fmt: skip
    with pytest.raises(EngineError, match="ConnectError"):
        engine.answer(question="q", context=[])
    assert no_waiting == [2.0, 4.0]


def test_engine_choice(settings, chat):
    assert engine_for("local").name == "local"
    settings.BATCH_LLM_BASE_URL = chat.base_url
    settings.BATCH_LLM_MODEL = "gpt-test"
    engine = engine_for("openai")
    assert (engine.name, engine.model) == ("openai", "gpt-test")
    engine.close()
    with pytest.raises(ValueError, match="unknown batch engine"):
        engine_for("magic")


def test_system_check(settings):
    assert check_engine_settings() == []
    settings.BATCH_ENGINE = "openai"
    settings.BATCH_LLM_BASE_URL = ""
    settings.BATCH_LLM_MODEL = ""
    assert [error.id for error in check_engine_settings()] == ["batches.E002", "batches.E002"]
    settings.BATCH_LLM_BASE_URL = "http://127.0.0.1:1/v1"
    settings.BATCH_LLM_MODEL = "m"
    assert check_engine_settings() == []
    settings.BATCH_ENGINE = "magic"
    assert [error.id for error in check_engine_settings()] == ["batches.E001"]


@pytest.mark.django_db
def test_a_job_on_the_openai_engine(client, member, make_document, settings, chat, no_waiting):
    settings.BATCH_ENGINE = "openai"
    settings.BATCH_LLM_BASE_URL = chat.base_url
    settings.BATCH_LLM_API_KEY = "sk-test"
    settings.BATCH_LLM_MODEL = "gpt-test"
    settings.BATCH_LLM_PRICE_PROMPT_PER_1K = Decimal("0.5")
    settings.BATCH_LLM_PRICE_COMPLETION_PER_1K = Decimal("1.5")
    settings.BATCH_TOP_K = 2
    make_document("The term of this agreement is thirty six months.", file_name="a.txt")
    make_document(" ".join(f"Clause {i} is about fees." for i in range(400)), file_name="b.txt")
    chat.replies.extend([(429, {"Retry-After": "3"}, {}), completion("36 months", 100, 4)])
    chat.default = lambda body: completion("NA", 80, 1)
    response = submit(client, member, batch_body(fields=[]))
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert job.status == "finished"
    assert job.engine == "openai"
    assert no_waiting == [3.0]
    assert list(
        BatchAnswer.objects.order_by("document__file_name").values_list("answer", flat=True)
    ) == [
        "36 months",
        "NA",
    ]
    assert (job.prompt_tokens, job.completion_tokens) == (180, 5)
    # No chunk of b.txt names the term: the first two chunks go as context.
    last = chat.requests[-1]["json"]["messages"][1]["content"]
    assert last.startswith("Context:\n[1] Clause 0 is about fees.")
    assert "\n\n[2] " in last and "[3]" not in last
    with default_storage.open(job.result_file.name, "rb") as stored:
        book = load_workbook(io.BytesIO(stored.read()))
    statistics = dict(zip(*book["batch_statistics"].iter_rows(values_only=True), strict=True))
    assert statistics["model"] == "gpt-test"
    assert statistics["engine"] == "openai"
    assert statistics["question_answer_cost (USD)"] == round(0.18 * 0.5 + 0.005 * 1.5, 3)


@pytest.mark.django_db
def test_openai_failures_become_error_answers(
    client, member, make_document, settings, chat, no_waiting
):
    settings.BATCH_ENGINE = "openai"
    settings.BATCH_LLM_BASE_URL = chat.base_url
    settings.BATCH_LLM_MODEL = "gpt-test"
    settings.BATCH_LLM_MAX_RETRIES = 1
    make_document("The term is one year.")
    chat.default = lambda body: (500, {}, {"error": "down"})
    response = submit(client, member)
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert job.status == "finished"
    answer = BatchAnswer.objects.get()
    assert answer.answer == "ERROR"
    assert answer.error.startswith("HTTP 500")


@pytest.mark.django_db
def test_a_malformed_reply_is_an_error_answer_not_a_failed_job(
    client, member, make_document, settings, chat, no_waiting
):
    settings.BATCH_ENGINE = "openai"
    settings.BATCH_LLM_BASE_URL = chat.base_url
    settings.BATCH_LLM_MODEL = "gpt-test"
    make_document("The term is one year.", file_name="a.txt")
    make_document("The term is two years.", file_name="b.txt")
    chat.replies.append(reply_with(content="ok", usage=["broken"]))
    chat.default = lambda body: completion("Two years.", 10, 2)
    response = submit(client, member)
    job = BatchJob.objects.get(pk=response.json()["job_id"])
    assert (job.status, job.error) == ("finished", "")
    answers = BatchAnswer.objects.order_by("document__file_name")
    assert [(a.answer, a.prompt_tokens) for a in answers] == [("ERROR", 0), ("Two years.", 10)]
    assert answers[0].error.startswith("Unexpected answer from the language model")
    assert (job.prompt_tokens, job.completion_tokens) == (10, 2)


def test_bm25_parameters():
    from rank_bm25 import BM25Plus

    index = JobIndex(["some text"], top_k=4, min_score=0.0)
    assert isinstance(index.bm25, BM25Plus)
    assert (index.bm25.k1, index.bm25.b) == (1.5, 0.75)


def test_openai_engine_reads_its_settings(settings, chat):
    settings.BATCH_LLM_BASE_URL = chat.base_url
    settings.BATCH_LLM_API_KEY = "sk-settings"
    settings.BATCH_LLM_MODEL = "gpt-settings"
    settings.BATCH_LLM_TIMEOUT = 12.5
    settings.BATCH_LLM_MAX_RETRIES = 2
    settings.BATCH_LLM_MAX_TOKENS = 99
    engine = OpenAIEngine.from_settings()
    try:
        assert engine.client.timeout.read == 12.5
        assert engine.max_retries == 2
        engine.answer(question="q", context=[])
    finally:
        engine.close()
    request = chat.requests[0]
    assert request["headers"]["Authorization"] == "Bearer sk-settings"
    assert (request["json"]["model"], request["json"]["max_tokens"]) == ("gpt-settings", 99)
