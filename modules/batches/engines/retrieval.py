"""Chunk retrieval shared by every engine: BM25Plus over the chunks of one job's documents.

Term statistics (document frequencies, average length) come from one streaming pass over all the
job's chunks; the per-chunk term frequencies that scoring needs are loaded one document at a time,
so memory stays flat however many documents a job has, and the ranking of a document's chunks is
the same whichever worker resumes the job.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

_WORD = re.compile(r"\w+")

# English and French words too common to tell chunks apart (kept as one string to stay short).
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    yourselves shall may might must also yes upon per via give tell please document
    documents au aux avec ce ces cet cette dans de des du elle elles en est et eux il ils je
    la le les leur leurs lui ma mais meme mes moi mon ne nos notre nous ou par pas pour qu
    que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous été étée étées étés
    étant suis es sommes êtes sont serai seras sera serons serez seront serais serait
    serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois
    soit soyons soyez soient ai avons avez ont aurai aura aurons aurez auront avais avait
    avions aviez avaient eu eue eues eus ceci cela celà ici là ni non oui plus quel quelle
    quelles quels sans si sous tout toute toutes tous très alors comme donc dont où lors
    entre chez vers
    """.split()  # noqa: SIM905
)


def tokenize(text: str) -> list[str]:
    """Lower-case words of two or more characters that are not English or French stop words."""
    return [
        word for word in _WORD.findall(text.lower()) if len(word) > 1 and word not in STOP_WORDS
    ]


@dataclass(frozen=True)
class ContextPiece:
    """A passage given to an engine: a chunk (its position in the document) or a named answer."""

    position: int
    text: str
    label: str = ""


@dataclass
class DocumentChunks:
    positions: list[int]
    texts: list[str]
    tokens: list[list[str]]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str]]) -> "DocumentChunks":
        positions, texts = [], []
        for position, text in rows:
            positions.append(position)
            texts.append(text)
        return cls(positions, texts, [tokenize(text) for text in texts])

    def first(self, count: int) -> list[ContextPiece]:
        return [
            ContextPiece(position, text)
            for position, text in zip(self.positions[:count], self.texts[:count], strict=True)
        ]


class JobIndex:
    """Ranks a document's chunks against a prompt with term statistics of the whole job."""

    def __init__(self, corpus: Iterable[str], *, top_k: int, min_score: float) -> None:
        # Imported here: rank-bm25 brings numpy, 30 MB a web process never needs.
        from modules.batches.engines.bm25 import StreamedBM25Plus

        self.bm25: StreamedBM25Plus = StreamedBM25Plus(tokenize(text) for text in corpus)
        self.top_k = top_k
        self.min_score = min_score

    def retrieve(self, question: str, chunks: DocumentChunks) -> list[ContextPiece]:
        """The best ``top_k`` chunks sharing a term with the question and above the minimum score,
        best first (ties to the earlier chunk)."""
        query = tokenize(question)
        terms = set(query)
        if not terms or not chunks.tokens:
            return []
        scores = self.bm25.chunk_scores(query, chunks.tokens)
        qualified = [
            (score, index)
            for index, (score, tokens) in enumerate(zip(scores, chunks.tokens, strict=True))
            if score > self.min_score and not terms.isdisjoint(tokens)
        ]
        qualified.sort(key=lambda item: (-item[0], item[1]))
        return [
            ContextPiece(chunks.positions[index], chunks.texts[index])
            for _, index in qualified[: self.top_k]
        ]
