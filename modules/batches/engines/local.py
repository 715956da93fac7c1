"""The offline engine: extractive, deterministic, free: the context sentences that best match."""

import re

from modules.batches.engines import NA, EngineAnswer, PromptEngine
from modules.batches.engines.retrieval import ContextPiece, tokenize

MAX_ANSWER_CHARACTERS = 1000
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_BREAK.split(text) if part.strip()]


class LocalEngine(PromptEngine):
    """Answers with the ``max_sentences`` context sentences holding most distinct query terms
    (ties to the earlier), joined in document order; ``NA`` when no sentence holds one."""

    name = "local"
    model = "bm25plus-extractive"

    def __init__(self, *, max_sentences: int) -> None:
        self.max_sentences = max(1, max_sentences)

    def answer(self, *, question: str, context: list[ContextPiece]) -> EngineAnswer:
        if not context:
            return EngineAnswer(NA)
        terms = set(tokenize(question))
        candidates: list[tuple[int, int, str]] = []
        seen: set[str] = set()
        ordered = sorted(context, key=lambda piece: piece.position)
        for piece in ordered:
            for sentence in sentences(piece.text):
                if sentence in seen:
                    continue
                seen.add(sentence)
                score = len(terms.intersection(tokenize(sentence)))
                candidates.append((score, len(candidates), sentence))
        # A sentence without any query term answers nothing, however short the context is.
        matching = [candidate for candidate in candidates if candidate[0] > 0]
        if not matching:
            return EngineAnswer(NA)
        best = sorted(matching, key=lambda item: (-item[0], item[1]))[: self.max_sentences]
        best.sort(key=lambda item: item[1])
        text = " ".join(sentence for _, _, sentence in best)
        return EngineAnswer(text[:MAX_ANSWER_CHARACTERS].strip() or NA)
