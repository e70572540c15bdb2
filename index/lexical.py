"""BM25 over two token streams of each clause: accented words and folded syllables.

The score of a clause is ``accent_weight * bm25_accented + bm25_folded``: an
accent-less question ("muc tieu bao phu") and OCR text with garbled accents
("muc tiéu bao pha") still meet through the folded stream, and exact-accent
matches, which score in both streams, rank above folded-only ones.

The backend is bm25s (chosen over SQLite FTS5 after measuring both; see
``bench/retrieval.py --lexical-backends``). Its index is rebuilt in memory from
the tokens stored in the index's SQLite database (a few milliseconds per
thousand clauses), so nothing of bm25s is ever saved or pickled.
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


class _Bm25Field:
    """One BM25 field over pre-tokenised documents."""

    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        self.size = len(corpus)
        self._model = None
        self._sorted_postings = False
        if self.size:
            import bm25s

            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._model = bm25s.BM25()
            # An empty document would make bm25s' vocabulary inference fail.
            self._model.index([list(doc) or [""] for doc in corpus], show_progress=False)
            self._sorted_postings = _postings_sorted(self._model.scores["indices"], self._model.scores["indptr"])

    def scores(self, query: Sequence[str]) -> np.ndarray:
        if self._model is None or not query:
            return np.zeros(self.size, dtype=np.float32)
        ids = self._model.get_tokens_ids(list(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)

    def scores_among(self, query: Sequence[str], ranges: Sequence[range]) -> np.ndarray:
        """The scores of the rows of ``ranges`` only (concatenated in order), equal to :meth:`scores` there.

        Each query token's postings are sorted by row, so the part inside a range is found by binary
        search: a plan's ~55 rows cost the same among 3,400 plans as among five.
        """
        out = np.zeros(sum(len(r) for r in ranges), dtype=np.float32)
        if self._model is None or not query or not len(out):
            return out
        ids = self._model.get_tokens_ids(list(query))
        if not ids:
            return out
        if not self._sorted_postings:
            full = self.scores(query)
            return np.concatenate([full[r.start:r.stop] for r in ranges]).astype(np.float32)
        data, indices, indptr = (self._model.scores[k] for k in ("data", "indices", "indptr"))
        starts = np.array([r.start for r in ranges], dtype=np.int64)
        stops = np.array([r.stop for r in ranges], dtype=np.int64)
        # Position in ``out`` of row ``r`` of range ``i``: r - starts[i] + shift[i].
        shift = np.cumsum([0, *(len(r) for r in ranges)])[:-1]
        for token in ids:
            start, end = int(indptr[token]), int(indptr[token + 1])
            rows = indices[start:end]
            lo, hi = np.searchsorted(rows, starts), np.searchsorted(rows, stops)
            counts = hi - lo
            total = int(counts.sum())
            if not total:
                continue
            # Every posting inside a range, all ranges at once (no Python loop over ranges).
            which = np.repeat(np.arange(len(ranges)), counts)
            first = np.cumsum(counts) - counts
            picked = lo[which] + np.arange(total) - first[which]
            out[rows[picked] - starts[which] + shift[which]] += data[start + picked]
        return out


def _postings_sorted(indices: np.ndarray, indptr: np.ndarray) -> bool:
    """True when every token's postings list rows in increasing order (checked once per index)."""
    if len(indices) < 2:
        return True
    increasing = np.diff(indices) > 0
    starts = np.asarray(indptr[1:-1])
    starts = starts[(starts > 0) & (starts < len(indices))]
    increasing[starts - 1] = True  # a new token's list may start anywhere
    return bool(increasing.all())


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
        accented, folded = self._query_tokens(query, accented_query)
        return self.accent_weight * self._accented.scores(accented) + self._folded.scores(folded)

    @staticmethod
    def _query_tokens(query: str, accented_query: str | None) -> tuple[list[str], list[str]]:
        accented = accented_tokens(accented_query or query)
        folded = folded_tokens(query)
        if accented_query and accented_query != query:
            folded = folded + folded_tokens(accented_query)
        return accented, folded

    def _search_among(self, query: str, top_n: int, accented_query: str | None,
                      among: Sequence[range]) -> list[LexicalHit]:
        ranges = [r for r in among if len(r)]
        if not ranges:
            return []
        accented, folded = self._query_tokens(query, accented_query)
        scores = (self.accent_weight * self._accented.scores_among(accented, ranges)
                  + self._folded.scores_among(folded, ranges))
        rows = np.concatenate([np.arange(r.start, r.stop) for r in ranges])
        order = np.lexsort((rows, -scores))[:top_n]
        return [LexicalHit(int(rows[i]), float(scores[i])) for i in order if scores[i] > 0]

    def search(self, query: str, top_n: int, *, accented_query: str | None = None,
               allowed: np.ndarray | None = None, among: Sequence[range] | None = None) -> list[LexicalHit]:
        """Best rows for ``query``.

        Args:
            query: The question as typed.
            top_n: Maximum number of hits (> 0).
            accented_query: Restored-accent question, if any.
            allowed: Optional boolean mask of rows that may be returned.
            among: Optional row ranges (e.g. the rows of the filtered plans): only these rows are
                scored, instead of every row being scored and the others masked. Same hits as
                ``allowed`` set to these rows.

        Returns:
            Hits with a positive score, best first (ties broken by row order).
        """
        if top_n <= 0:
            raise ValueError(f"top_n must be > 0, got {top_n}")
        if among is not None:
            return self._search_among(query, top_n, accented_query, among)
        scores = self.scores(query, accented_query=accented_query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        order = np.lexsort((np.arange(self.size), -scores))[:top_n]
        return [LexicalHit(int(r), float(scores[r])) for r in order if scores[r] > 0]
