"""An OpenAI-compatible chat-completions engine: one request per answer, retried when the server
is busy or unreachable, with token usage kept for the job's cost."""

import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings

from core.http import http_client
from modules.batches.engines import NA, EngineAnswer, EngineError, PromptEngine
from modules.batches.engines.retrieval import ContextPiece

SYSTEM_PROMPT = (
    "You answer questions about one contract document. Use only the numbered context passages "
    "given by the user. If the context does not contain the answer, reply exactly NA and nothing "
    "else. Answer concisely."
)
NA_SPELLINGS = frozenset({"", "na", "n/a", "na.", "n/a."})


def backoff_sleep(seconds: float) -> None:
    """The pause between retries; tests replace it so no time is spent waiting."""
    time.sleep(seconds)


class OpenAIEngine(PromptEngine):
    name = "openai"
    answers_without_context = True

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        max_tokens: int,
        timeout: float,
        max_retries: int,
        sleep: Callable[[float], None] | None = None,
        jitter: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.max_retries = max(0, max_retries)
        self.sleep = sleep
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = http_client(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            max_retries=self.max_retries,
            transport=transport,
            sleep=self._pause,
            jitter=jitter,
        )

    def _pause(self, seconds: float) -> None:
        (self.sleep or backoff_sleep)(seconds)

    @classmethod
    def from_settings(cls) -> "OpenAIEngine":
        return cls(
            base_url=settings.BATCH_LLM_BASE_URL,
            api_key=settings.BATCH_LLM_API_KEY,
            model=settings.BATCH_LLM_MODEL,
            max_tokens=settings.BATCH_LLM_MAX_TOKENS,
            timeout=settings.BATCH_LLM_TIMEOUT,
            max_retries=settings.BATCH_LLM_MAX_RETRIES,
        )

    def close(self) -> None:
        self.client.close()

    def messages(self, question: str, context: list[ContextPiece]) -> list[dict[str, str]]:
        passages = "\n\n".join(
            f"[{number}]{f' ({piece.label})' if piece.label else ''} {piece.text}"
            for number, piece in enumerate(context, start=1)
        )
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Context:\n{passages}\n\nQuestion: {question}"},
        ]

    def answer(self, *, question: str, context: list[ContextPiece]) -> EngineAnswer:
        payload = {
            "model": self.model,
            "messages": self.messages(question, context),
            "max_tokens": self.max_tokens,
            "temperature": 0,
        }
        response = self._post(payload)
        try:
            body = response.json()
            content = body["choices"][0]["message"]["content"]
            if content is not None and not isinstance(content, str):
                raise TypeError(f"content is {type(content).__name__}, not text")
            usage = body.get("usage") or {}
            prompt_tokens = _token_count(usage.get("prompt_tokens"))
            completion_tokens = _token_count(usage.get("completion_tokens"))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            # Whatever shape a server sends, a bad reply is one ERROR answer, not a failed job.
            raise EngineError(f"Unexpected answer from the language model: {exc!r}") from exc
        text = (content or "").strip()
        if text.lower() in NA_SPELLINGS:
            text = NA
        return EngineAnswer(text, prompt_tokens, completion_tokens)

    def _post(self, payload: dict[str, Any]) -> httpx.Response:
        """One answer's call; core's client has already retried a busy or unreachable server."""
        try:
            response = self.client.post("/chat/completions", json=payload)
        except httpx.HTTPError as exc:
            raise EngineError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        if response.status_code >= 400:
            raise EngineError(f"HTTP {response.status_code}: {_short(response.text)}")
        return response


def _token_count(value: Any) -> int:
    """A usage figure as a count the answer row can hold (missing or negative → 0)."""
    if isinstance(value, bool):
        raise TypeError("a token count cannot be a boolean")
    return max(0, int(value or 0))


def _short(text: str) -> str:
    return " ".join(text.split())[:300]
