"""BM25 over two token streams of each clause: accented words and folded syllables.

The score of a clause is ``accent_weight * bm25_accented + bm25_folded``: an
accent-less question ("muc tieu bao phu") and OCR text with garbled accents
("muc tiéu bao pha") still meet through the folded stream, and exact-accent
matches, which score in both streams, rank above folded-only ones.

:class:`LexicalIndex` is the bm25s implementation (bm25s was chosen over SQLite FTS5 after
measuring both; see ``bench/retrieval.py --lexical-backends``), kept as the reference: the store
scores with :class:`index.postings.SegmentedLexical`, the same BM25 over postings saved with each
segment, which its tests compare with this one. Nothing of bm25s is ever saved or pickled.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.tokens import accented_tokens, folded_tokens

DEFAULT_ACCENT_WEIGHT = 2.0


@dataclass(frozen=True)
class LexicalHit:
    """One clause row found by the lexical channel.

    Attributes:
        row: Row number of the clause in the index.
        score: Combined BM25 score (> 0).
    """

    row: int
    score: float


def query_tokens(query: str, accented_query: str | None) -> tuple[list[str], list[str]]:
    """The accented and folded tokens a question searches with: the restored-accent question (when
    given) feeds the accented stream, and both forms the folded one."""
    accented = accented_tokens(accented_query or query)
    folded = folded_tokens(query)
    if accented_query and accented_query != query:
        folded = folded + folded_tokens(accented_query)
    return accented, folded


class _Bm25Field:
    """One BM25 field over pre-tokenised documents."""

    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        self.size = len(corpus)
        self._model = None
        if self.size:
            import bm25s

            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._model = bm25s.BM25()
            # An empty document would make bm25s' vocabulary inference fail.
            self._model.index([list(doc) or [""] for doc in corpus], show_progress=False)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        if self._model is None or not query:
            return np.zeros(self.size, dtype=np.float32)
        ids = self._model.get_tokens_ids(list(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)


class LexicalIndex:
    """BM25 over accented and folded tokens of a list of clause rows.

    Args:
        accented: Accented tokens per row (:func:`index.tokens.accented_tokens`).
        folded: Folded tokens per row (:func:`index.tokens.folded_tokens`).
        accent_weight: Weight of the accented stream (> 0).
    """

    def __init__(self, accented: Sequence[Sequence[str]], folded: Sequence[Sequence[str]],
                 accent_weight: float = DEFAULT_ACCENT_WEIGHT) -> None:
        if len(accented) != len(folded):
            raise ValueError(f"accented and folded must have the same length, got {len(accented)} and {len(folded)}")
        if accent_weight <= 0:
            raise ValueError(f"accent_weight must be > 0, got {accent_weight}")
        self.accent_weight = accent_weight
        self.size = len(accented)
        self._accented = _Bm25Field(accented)
        self._folded = _Bm25Field(folded)

    @classmethod
    def from_texts(cls, texts: Sequence[str], accent_weight: float = DEFAULT_ACCENT_WEIGHT) -> LexicalIndex:
        """Tokenise ``texts`` and index them (convenience for tests and benchmarks)."""
        return cls([accented_tokens(t) for t in texts], [folded_tokens(t) for t in texts], accent_weight)

    def scores(self, query: str, *, accented_query: str | None = None) -> np.ndarray:
        """Combined BM25 score of every row.

        Args:
            query: The question as typed (its folded form feeds the folded stream).
            accented_query: The question with restored accents, if any (feeds the
                accented stream instead of ``query``).

        Returns:
            A float32 array with one score per row.
        """
        accented, folded = query_tokens(query, accented_query)
        return self.accent_weight * self._accented.scores(accented) + self._folded.scores(folded)

    def search(self, query: str, top_n: int, *, accented_query: str | None = None,
               allowed: np.ndarray | None = None) -> list[LexicalHit]:
        """Best rows for ``query``.

        Args:
            query: The question as typed.
            top_n: Maximum number of hits (> 0).
            accented_query: Restored-accent question, if any.
            allowed: Optional boolean mask of rows that may be returned.

        Returns:
            Hits with a positive score, best first (ties broken by row order).
        """
        if top_n <= 0:
            raise ValueError(f"top_n must be > 0, got {top_n}")
        scores = self.scores(query, accented_query=accented_query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        order = np.lexsort((np.arange(self.size), -scores))[:top_n]
        return [LexicalHit(int(r), float(scores[r])) for r in order if scores[r] > 0]
