"""BM25 over immutable segments: each segment's postings saved as plain arrays, scored with global statistics.

A segment (``segments.py``) keeps, for each token stream (accented words, folded syllables):
its vocabulary (token id -> token, JSON), ``indptr`` (int64, token id -> start of its postings),
the postings' rows (int32, increasing within a token) and term frequencies (float32), and each
row's length (int32). All are ``.npy`` files read with ``allow_pickle=False`` and memory-mapped.

:class:`SegmentedLexical` scores the live rows of several segments as one corpus: document
frequency, row count and average length are those of the live rows of every segment (hidden,
i.e. removed or replaced, documents do not count), so the score of a row is the one bm25s
(``lexical.py``, the "lucene" variant: ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``, ``tf / (tf
+ k1 (1 - b + b len / avglen))``) gives over the same live rows in one index, whatever the
segments are. The term-frequency part of every posting is computed once per layout, on first
search, because the average length is global.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from index.lexical import DEFAULT_ACCENT_WEIGHT, LexicalHit, query_tokens

STREAMS = ("accented", "folded")
#: Tokens whose per-posting tf parts are kept (a question has ~10-30; common words recur).
TOKEN_CACHE = 20000
# bm25s defaults (BM25(method="lucene")), which lexical.LexicalIndex uses.
K1 = 1.5
B = 0.75


@dataclass(frozen=True)
class Postings:
    """One token stream of one segment.

    Attributes:
        vocab: Tokens by token id.
        indptr: int64, ``len(vocab) + 1``: token ``t``'s postings are ``rows[indptr[t]:indptr[t + 1]]``.
        rows: int32 segment rows, increasing within each token.
        tf: float32 term frequency of each posting.
        lengths: int32 token count of each row (at least 1, as bm25s counts an empty row).
    """

    vocab: list[str]
    indptr: np.ndarray
    rows: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray

    def token_ids(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(self.vocab)}


class PostingsBuilder:
    """Postings built row by row (:meth:`add`), keeping only token ids: holding every row's token strings
    took gigabytes at 3,400 plans."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._flat = array("q")  # 8 bytes a token (a list of ints would hold an object for each)
        self._counts = array("q")

    def add(self, tokens: Sequence[str]) -> None:
        """Add the next row's tokens, in order (duplicates count)."""
        before = len(self._flat)
        ids = self._ids
        self._flat.extend(ids.setdefault(t, len(ids)) for t in tokens)
        self._counts.append(len(self._flat) - before)

    def finish(self) -> Postings:
        n_rows = len(self._counts)
        counts = np.frombuffer(self._counts, dtype=np.int64) if n_rows else np.zeros(0, dtype=np.int64)
        lengths = np.maximum(counts, 1).astype(np.int32)
        token_of = np.frombuffer(self._flat, dtype=np.int64) if len(self._flat) else np.zeros(0, dtype=np.int64)
        row_of = np.repeat(np.arange(n_rows, dtype=np.int64), counts)
        return _from_pairs(list(self._ids), token_of, row_of, np.ones(len(token_of), dtype=np.float32),
                           n_rows, lengths, summed=True)


def build_postings(token_lists: Iterable[Sequence[str]]) -> Postings:
    """Postings of rows ``0, 1, ...``: each row's tokens in order (duplicates count); a generator is read
    one row at a time."""
    builder = PostingsBuilder()
    for tokens in token_lists:
        builder.add(tokens)
    return builder.finish()


def _from_pairs(vocab: list[str], token_of: np.ndarray, row_of: np.ndarray, tf: np.ndarray, n_rows: int,
                lengths: np.ndarray, *, summed: bool) -> Postings:
    """Postings from (token, row, tf) triples; ``summed``: repeated (token, row) pairs add their tf."""
    key = token_of * max(n_rows, 1) + row_of
    if summed:
        unique, inverse = np.unique(key, return_inverse=True)
        tf = np.bincount(inverse, weights=tf, minlength=len(unique)).astype(np.float32)
        key = unique
    else:
        order = np.argsort(key, kind="stable")
        key, tf = key[order], tf[order].astype(np.float32)
    tokens = key // max(n_rows, 1)
    rows = (key % max(n_rows, 1)).astype(np.int32)
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tokens, minlength=len(vocab)), out=indptr[1:])
    return Postings(vocab, indptr, rows, np.asarray(tf, dtype=np.float32), np.asarray(lengths, dtype=np.int32))


def merge_postings(parts: Sequence[tuple[Postings, np.ndarray]], n_rows: int) -> Postings:
    """One stream of a merged segment.

    Args:
        parts: For each source segment, its postings and ``new_row`` (int64 per source row: its row in
            the merged segment, -1 when the row is dropped, e.g. a hidden document's).
        n_rows: Rows of the merged segment.
    """
    vocab: dict[str, int] = {}
    tokens, rows, tfs = [], [], []
    lengths = np.ones(n_rows, dtype=np.int32)
    for postings, new_row in parts:
        remap = np.array([vocab.setdefault(t, len(vocab)) for t in postings.vocab], dtype=np.int64)
        token_of = np.repeat(remap, np.diff(np.asarray(postings.indptr)))
        target = new_row[np.asarray(postings.rows)]
        keep = target >= 0
        tokens.append(token_of[keep])
        rows.append(target[keep])
        tfs.append(np.asarray(postings.tf)[keep])
        kept = new_row >= 0
        lengths[new_row[kept]] = np.asarray(postings.lengths)[kept]
    used = np.concatenate(tokens) if tokens else np.zeros(0, dtype=np.int64)
    merged = _from_pairs(list(vocab), used, np.concatenate(rows) if rows else used,
                         np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.float32), n_rows, lengths,
                         summed=False)
    return _drop_unused_tokens(merged)


def _drop_unused_tokens(postings: Postings) -> Postings:
    """The same postings without tokens that have none left (tokens of dropped rows only)."""
    counts = np.diff(postings.indptr)
    if counts.all():
        return postings
    kept = np.flatnonzero(counts)
    indptr = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(counts[kept], out=indptr[1:])
    return Postings([postings.vocab[i] for i in kept], indptr, postings.rows, postings.tf, postings.lengths)


@dataclass
class LexicalPart:
    """What the scorer needs of one segment: its postings per stream and where its live rows go.

    Attributes:
        postings: Stream name -> :class:`Postings`.
        global_row: int64 per segment row: its row in the index, -1 when hidden.
        all_live: True when no row of the segment is hidden.
    """

    postings: dict[str, Postings]
    global_row: np.ndarray
    all_live: bool
    _ids: dict[str, dict[str, int]] | None = None

    def token_id(self, stream: str, token: str) -> int | None:
        if self._ids is None:
            self._ids = {s: p.token_ids() for s, p in self.postings.items()}
        return self._ids[stream].get(token)


class SegmentedLexical:
    """BM25 over accented and folded tokens of the live rows of several segments (one corpus).

    Same interface as :class:`index.lexical.LexicalIndex` (``search``, ``scores``, ``size``); rows are the
    index's rows (live rows of the segments, in order).

    Args:
        parts: One :class:`LexicalPart` per segment.
        size: Number of live rows.
        accent_weight: Weight of the accented stream (> 0).
        locate: Index row range -> [(part index, local start, local stop, index row of the start)]
            (the store's layout), for ``search(..., among=)``.
    """

    def __init__(self, parts: Sequence[LexicalPart], size: int,
                 accent_weight: float = DEFAULT_ACCENT_WEIGHT, locate=None) -> None:
        if accent_weight <= 0:
            raise ValueError(f"accent_weight must be > 0, got {accent_weight}")
        self.parts = list(parts)
        self.size = size
        self.accent_weight = accent_weight
        self._avg_length: dict[str, float] = {}
        self.locate = locate
        # (stream, token) -> (live document frequency, where its postings are): a question's tokens recur.
        self._found: dict[tuple[str, str], tuple[int, list]] = {}
        self._token_parts: OrderedDict[tuple[int, str, int], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_lock = threading.Lock()  # the web chat answers two questions at once

    # ----- statistics -----------------------------------------------------------------
    def _average_length(self, stream: str) -> float:
        if stream not in self._avg_length:
            total = 0
            for part in self.parts:
                lengths = np.asarray(part.postings[stream].lengths)
                total += int(lengths.sum() if part.all_live else lengths[part.global_row >= 0].sum())
            self._avg_length[stream] = total / self.size if self.size else 1.0
        return self._avg_length[stream]

    def _token_part(self, index: int, stream: str, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(tf part of each posting, its index row) of one token's postings ``a:b`` in part ``index``.

        Computed on first use of the token and kept (LRU of :data:`TOKEN_CACHE` tokens): the tf part
        depends on the global average length, so it cannot be stored with the segment, and computing
        it for every posting at once cost over a second of the first answer at 3,400 plans. A hidden
        row's postings point at index row ``size`` (a slot the scorer drops).
        """
        key = (index, stream, a)
        with self._cache_lock:
            found = self._token_parts.get(key)
            if found is not None:
                self._token_parts.move_to_end(key)
                return found
        part = self.parts[index]
        p = part.postings[stream]
        tf = np.asarray(p.tf[a:b], dtype=np.float64)
        rows = np.asarray(p.rows[a:b])
        lengths = np.asarray(p.lengths)[rows]
        tfc = tf / (K1 * ((1 - B) + B * lengths / self._average_length(stream)) + tf)
        target = part.global_row[rows]
        if not part.all_live:
            target = np.where(target >= 0, target, self.size)
        with self._cache_lock:
            self._token_parts[key] = (tfc, target)
            if len(self._token_parts) > TOKEN_CACHE:
                self._token_parts.popitem(last=False)
        return tfc, target

    def _located(self, stream: str, token: str) -> list[tuple[int, LexicalPart, int, int]]:
        """(part index, part, start, end) of ``token``'s postings in each part that has it."""
        found = []
        for index, part in enumerate(self.parts):
            t = part.token_id(stream, token)
            if t is not None:
                indptr = part.postings[stream].indptr
                found.append((index, part, int(indptr[t]), int(indptr[t + 1])))
        return found

    @staticmethod
    def _live_count(part: LexicalPart, rows: np.ndarray) -> int:
        return len(rows) if part.all_live else int((part.global_row[rows] >= 0).sum())

    def document_frequencies(self, stream: str) -> dict[str, int]:
        """Token -> number of live rows holding it (what ``ClauseIndex.vocabulary`` reports)."""
        counts: dict[str, int] = {}
        for part in self.parts:
            p = part.postings[stream]
            indptr = np.asarray(p.indptr)
            if part.all_live:
                per_token = np.diff(indptr)
            else:
                live = np.concatenate(([0], np.cumsum(part.global_row[np.asarray(p.rows)] >= 0)))
                per_token = live[indptr[1:]] - live[indptr[:-1]]
            for token, count in zip(p.vocab, per_token.tolist(), strict=True):
                if count:
                    counts[token] = counts.get(token, 0) + count
        return counts

    # ----- scoring ----------------------------------------------------------------------
    def _stream_scores(self, stream: str, query: Sequence[str], out: np.ndarray,
                       pieces: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] | None) -> None:
        """Add the stream's BM25 score of every row (``pieces`` None) or of the rows of ``pieces`` into ``out``.

        ``pieces``: part index -> (local starts, local stops, offsets in ``out``), ranges of one part sorted.
        """
        n = self.size
        for token in query:  # duplicates count twice, as in bm25s
            key = (stream, token)
            if key not in self._found:
                located = self._located(stream, token)
                df = sum(self._live_count(part, part.postings[stream].rows[a:b]) for _, part, a, b in located)
                self._found[key] = (df, located)
            df, located = self._found[key]
            if not df:
                continue
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            for index, part, a, b in located:
                if pieces is not None and index not in pieces:
                    continue
                tfc, target = self._token_part(index, stream, a, b)
                if pieces is None:
                    # ``out`` has one extra slot (index n) that collects the hidden rows' postings.
                    out[target] += np.multiply(tfc, idf, dtype=np.float32, casting="unsafe")
                    continue
                rows = np.asarray(part.postings[stream].rows[a:b])
                starts, stops, offsets = pieces[index]
                lo, hi = np.searchsorted(rows, starts), np.searchsorted(rows, stops)
                counts = hi - lo
                total = int(counts.sum())
                if not total:
                    continue
                which = np.repeat(np.arange(len(starts)), counts)
                first = np.cumsum(counts) - counts
                picked = lo[which] + np.arange(total) - first[which]
                out[rows[picked] - starts[which] + offsets[which]] += np.multiply(tfc[picked], idf, dtype=np.float32,
                                                                                   casting="unsafe")

    def _combined(self, query: str, accented_query: str | None, size: int, pieces) -> np.ndarray:
        accented, folded = query_tokens(query, accented_query)
        extra = 1 if pieces is None else 0  # the slot of hidden rows (see _stream_scores)
        acc = np.zeros(size + extra, dtype=np.float32)
        fold = np.zeros(size + extra, dtype=np.float32)
        self._stream_scores("accented", accented, acc, pieces)
        self._stream_scores("folded", folded, fold, pieces)
        return (self.accent_weight * acc + fold)[:size]

    def scores(self, query: str, *, accented_query: str | None = None) -> np.ndarray:
        """Combined BM25 score of every row (float32)."""
        return self._combined(query, accented_query, self.size, None)

    def search(self, query: str, top_n: int, *, accented_query: str | None = None,
               allowed: np.ndarray | None = None, among: Sequence[range] | None = None) -> list[LexicalHit]:
        """Best rows for ``query`` (as :meth:`index.lexical.LexicalIndex.search`): hits with a positive
        score, best first, ties by row; with ``among`` (index row ranges) only those rows are scored."""
        locate = self.locate
        if top_n <= 0:
            raise ValueError(f"top_n must be > 0, got {top_n}")
        if among is not None and locate is not None:
            ranges = [r for r in among if len(r)]
            if not ranges:
                return []
            pieces, rows = _pieces(ranges, locate)
            scores = self._combined(query, accented_query, len(rows), pieces)
        else:
            scores = self.scores(query, accented_query=accented_query)
            rows = np.arange(self.size)
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            elif among is not None:
                keep = np.zeros(self.size, dtype=bool)
                for r in among:
                    keep[r.start:r.stop] = True
                scores = np.where(keep, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if len(positive) > top_n:
            # Only the best top_n are ordered (ties by row, as a full sort would).
            cut = np.partition(scores[positive], len(positive) - top_n)[len(positive) - top_n]
            positive = positive[scores[positive] >= cut]
        order = positive[np.lexsort((rows[positive], -scores[positive]))][:top_n]
        return [LexicalHit(int(rows[i]), float(scores[i])) for i in order]


def _pieces(ranges: Sequence[range], locate) -> tuple[dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]],
                                                      np.ndarray]:
    """Per part (local starts, local stops, offsets) of ``ranges``, and the index row of each output slot."""
    by_part: dict[int, list[tuple[int, int, int]]] = {}
    rows = []
    offset = 0
    for r in ranges:
        for part, start, stop, global_start in locate(r):
            by_part.setdefault(part, []).append((start, stop, offset))
            rows.append(np.arange(global_start, global_start + stop - start))
            offset += stop - start
    pieces = {}
    for part, spans in by_part.items():
        spans.sort()
        array = np.array(spans, dtype=np.int64)
        pieces[part] = (array[:, 0], array[:, 1], array[:, 2])
    return pieces, (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64))
