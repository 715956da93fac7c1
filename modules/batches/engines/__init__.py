"""Prompt engines behind one interface; ``BATCH_ENGINE`` picks one in ``engine_for``."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings

from modules.batches.engines.retrieval import ContextPiece

NA = "NA"
ERROR = "ERROR"


class EngineError(Exception):
    """One answer could not be produced; the reason is stored with the ``ERROR`` answer."""


@dataclass(frozen=True)
class EngineAnswer:
    answer: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class PromptEngine(ABC):
    """Answers one question about one document from the passages the worker retrieved."""

    name: str = ""
    model: str = ""
    # Whether a question without retrieved context is still sent, with the document's first chunks.
    answers_without_context: bool = False

    @abstractmethod
    def answer(self, *, question: str, context: list[ContextPiece]) -> EngineAnswer:
        """Answer from ``context`` only; ``NA`` when it does not hold the answer."""

    def close(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing
        """Release connections at the end of a run."""


def engine_for(name: str | None = None) -> PromptEngine:
    """The engine a job was submitted with (the setting's value at submission)."""
    name = name or settings.BATCH_ENGINE
    if name == "local":
        from modules.batches.engines.local import LocalEngine

        return LocalEngine(max_sentences=settings.BATCH_LOCAL_MAX_SENTENCES)
    if name == "openai":
        from modules.batches.engines.openai import OpenAIEngine

        return OpenAIEngine.from_settings()
    raise ValueError(f"unknown batch engine {name!r}")
