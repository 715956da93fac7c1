"""BM25Plus over a token stream; only the worker imports it (rank-bm25 brings numpy)."""

from collections import Counter
from collections.abc import Iterable

from rank_bm25 import BM25Plus


class StreamedBM25Plus(BM25Plus):
    """rank-bm25's BM25Plus (k1 1.5, b 0.75, positive term weights) fed by a token stream."""

    def __init__(self, corpus: Iterable[list[str]]) -> None:
        super().__init__(corpus, k1=1.5, b=0.75)

    def _initialize(self, corpus: Iterable[list[str]]) -> dict[str, int]:
        document_frequency: dict[str, int] = {}
        total = 0
        for tokens in corpus:
            total += len(tokens)
            self.corpus_size += 1
            for word in set(tokens):
                document_frequency[word] = document_frequency.get(word, 0) + 1
        self.avgdl = total / self.corpus_size if self.corpus_size else 0.0
        return document_frequency

    def chunk_scores(self, query: list[str], chunks: list[list[str]]) -> list[float]:
        """BM25Plus scores of one document's chunks against the query, with the job's statistics."""
        if not chunks or not self.avgdl:
            return [0.0] * len(chunks)
        self.doc_freqs = [dict(Counter(tokens)) for tokens in chunks]
        self.doc_len = [len(tokens) for tokens in chunks]
        try:
            return self.get_batch_scores(query, list(range(len(chunks))))
        finally:
            self.doc_freqs, self.doc_len = [], []
