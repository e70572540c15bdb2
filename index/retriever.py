"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused by weighted RRF.

``HybridRetriever(index, settings)`` is a LangChain ``BaseRetriever`` (so it
plugs into chains) with a typed :meth:`HybridRetriever.retrieve` returning
:class:`~index.types.ScoredClause` records that carry each channel's rank.

Accent-less questions ("muc ho tro dong bhyt"): the folded lexical stream uses
the question as typed; when ``ingest/ocr/restore.py`` exists, its restored reading
feeds the dense channel and the accented lexical stream (the folded forms of
both readings feed the folded stream, so a wrong restoration cannot lose the
words as typed). Embedding the accent-less text as well and keeping the better
cosine was tried: accent-less embeddings match short headings too easily.

When a question names a locality of the corpus ("Ở Huế ..."), clauses of that
locality's plans get their fused score multiplied by ``locality_boost``: the
Ninh Bình and Huế plans share long identical passages, and only the locality
can tell them apart.

As a LangChain retriever it takes per-call options the LangChain way:
``retriever.invoke(question, k=3, filters={"locality": "Huế"})`` (also through
``.bind(k=...)`` or ``.batch``/``.ainvoke`` inside someone else's chain). ``k``
and ``filters`` are declared fields too, so ``HybridRetriever(index, settings,
k=5)`` sets the defaults and ``configurable_fields`` can expose them. Bad values
and unknown options or filter keys raise ``ValueError``/``TypeError`` naming the
value instead of being ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor

from index.labels import section_label
from index.localities import detect_localities, plans_of, plans_of_each
from index.store import ClauseIndex
from index.types import ScoredClause
from ingest.model import Clause, DocumentMeta
from ingest.ocr.restore import Restorer
from ingest.vntext import folded_form, is_accentless, nfc
from settings import load_settings

CHANNELS = ("dense", "lexical")
# Question embeddings run here beside the lexical search; as many at once as the web chat answers
# questions at once (setting concurrency_limit, 2 = the cores), more only queue.
_EMBEDDING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bhyt-embed")
FILTER_KEYS = ("locality", "level", "doc_id")
CALL_OPTIONS = ("k", "filters")
# LangChain's ``invoke`` reads ``verbose`` itself and then forwards it with the other options.
_LANGCHAIN_OPTIONS = ("verbose",)
_log = logging.getLogger(__name__)
_restorer: Any = None
_restorer_tried = False


def _restore_accents(text: str) -> str | None:
    """Restored reading of an accent-less text via ingest/ocr/restore.py (None when the restorer cannot load)."""
    global _restorer, _restorer_tried
    if not _restorer_tried:
        _restorer_tried = True
        try:
            _restorer = Restorer.load_default()
        except Exception:  # noqa: BLE001 - a broken restorer must not break search
            _log.warning("accent restorer failed to load", exc_info=True)
            _restorer = None
    if _restorer is None:
        return None
    try:
        restored = nfc(_restorer.restore(text))
    except Exception:  # noqa: BLE001
        _log.warning("accent restoration failed", exc_info=True)
        return None
    return restored if restored and restored != text else None


def load_restorer() -> bool:
    """Load the accent restorer now (the web app calls it at start-up); True when it is usable."""
    _restore_accents("a")
    return _restorer is not None


def capped_query(query: str, max_chars: int) -> str:
    """The first ``max_chars`` characters of ``query``, cut at a space when one is near the end.

    What search reads of a question is bounded by design: e5 reads at most 512
    tokens anyway, and the restorer's and embedder's time grows with the text, so
    a long question must not cost more than a normal one. The answer step still
    reads the whole question.
    """
    if len(query) <= max_chars:
        return query
    cut = query[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space >= max_chars * 3 // 4 else cut).strip()


def _validated(settings: Any) -> dict:
    values = {name: settings.get(name) for name in (
        "retrieval_top_k", "dense_top_n", "lexical_top_n", "rrf_k", "dense_weight", "lexical_weight",
        "locality_boost", "max_query_chars", "filter_shortlist_rows")}
    if values["filter_shortlist_rows"] < 0:
        raise ValueError(f"filter_shortlist_rows must be >= 0, got {values['filter_shortlist_rows']}")
    for name in ("retrieval_top_k", "dense_top_n", "lexical_top_n", "max_query_chars"):
        if values[name] <= 0:
            raise ValueError(f"{name} must be > 0, got {values[name]}")
    if values["rrf_k"] < 0:
        raise ValueError(f"rrf_k must be >= 0, got {values['rrf_k']}")
    for name in ("dense_weight", "lexical_weight"):
        if values[name] < 0:
            raise ValueError(f"{name} must be >= 0, got {values[name]}")
    if values["locality_boost"] < 1:
        raise ValueError(f"locality_boost must be >= 1, got {values['locality_boost']}")
    return values


def positive_count(name: str, value: Any) -> int:
    """``value`` if it is an int > 0, else a ``ValueError`` naming ``name`` and the value."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer > 0, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_filters(filters: Any) -> dict | None:
    """``filters`` if it is None or a dict of known keys with string (or list of string) values.

    Raises:
        ValueError: For another type, an unknown key or a value that is not text.
    """
    if filters is None:
        return None
    if not isinstance(filters, dict):
        raise ValueError(f"filters must be a dict such as {{'locality': 'Huế'}}, got {filters!r}")
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown filter keys {sorted(unknown, key=str)}; allowed: {FILTER_KEYS}")
    for key, value in filters.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"filter {key!r} must be a string or a list of strings, got {value!r}")
    return filters


def filter_shortlist(allowed: np.ndarray | None, limit: int) -> list[range] | None:
    """The rows a filter keeps, as ranges (a plan's rows are one run), when they are at most ``limit``
    (``filter_shortlist_rows``; 0: never): both channels then score only these rows. None otherwise."""
    if allowed is None or limit <= 0 or int(allowed.sum()) > limit:
        return None
    padded = np.concatenate(([False], np.asarray(allowed, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [range(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _ranking(ranked: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) arrays of a ranking given as (row, score) pairs."""
    if not ranked:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    rows, scores = zip(*ranked, strict=True)
    return np.array(rows, dtype=np.int64), np.array(scores, dtype=np.float64)


def _first_section_start(index: Any, doc_id: str) -> int | None:
    finder = getattr(index, "first_section_start", None)
    return finder(doc_id) if finder is not None else None


def scored_clause(meta: DocumentMeta, clause: Clause, first_section_start: int | None, score: float = 0.0,
                  dense: tuple[int, float] | None = None, lexical: tuple[int, float] | None = None) -> ScoredClause:
    """``clause`` of ``meta``'s plan as search returns it: named by its section path, with its fused
    ``score`` and each channel's (rank, score); a clause reached otherwise (a stored target) gets 0."""
    return ScoredClause(clause=clause, doc_title=meta.display_title, locality=meta.locality, level=meta.level,
                        section=section_label(clause, first_section_start), score=score,
                        dense_rank=dense[0] if dense else None, lexical_rank=lexical[0] if lexical else None,
                        dense_score=dense[1] if dense else None, lexical_score=lexical[1] if lexical else None)


class HybridRetriever(BaseRetriever):
    """Dense + lexical retrieval over a :class:`ClauseIndex`, fused by weighted RRF.

    Args:
        index: The loaded clause index.
        settings: Settings (``retrieval_top_k``, ``dense_top_n``, ``lexical_top_n``,
            ``rrf_k``, ``dense_weight``, ``lexical_weight``, ``locality_boost``,
            ``max_query_chars``: how much of a query search reads, see :func:`capped_query`);
            None loads them from the environment.
        k: Default number of results (default: setting ``retrieval_top_k``).
        filters: Default filters, as in :meth:`retrieve`.

    Raises:
        ValueError: If a setting, ``k`` or ``filters`` is invalid (the message names the value).
    """

    index: Any
    settings: Any = None
    params: dict = {}
    k: int | None = None
    filters: dict | None = None

    def __init__(self, index: ClauseIndex, settings: Any = None, **kwargs: Any) -> None:
        if settings is None:
            settings = load_settings()
        params = _validated(settings)
        kwargs.pop("params", None)  # always derived from settings (LangChain re-creates retrievers from their fields)
        if kwargs.get("k") is None:
            kwargs["k"] = params["retrieval_top_k"]
        positive_count("k", kwargs["k"])
        check_filters(kwargs.get("filters"))
        super().__init__(index=index, settings=settings, params=params, **kwargs)

    def retrieve(self, query: str, top_k: int | None = None, filters: dict | None = None,
                 channels: tuple[str, ...] = CHANNELS, localities: Sequence[str] | None = None) -> list[ScoredClause]:
        """Best clauses for ``query``.

        Args:
            query: The question (any accents); only its first ``max_query_chars`` characters are searched.
            top_k: Number of results (default: the field ``k``, i.e. setting ``retrieval_top_k``).
            filters: Optional {"locality": str | list, "level": str | list,
                "doc_id": str | list}; a locality is written as people write it
                ("tỉnh Ninh Bình", "ninh binh") and also matches a plan by its
                province. None uses the field ``filters``; given filters replace it.
            channels: Channels to use, a subset of ("dense", "lexical").
            localities: The indexed localities the question names, when the caller
                has already read them (their clauses get ``locality_boost``);
                None finds them in ``query``.

        Returns:
            Scored clauses, best first.

        Raises:
            ValueError: If ``top_k``, ``filters`` or ``channels`` is invalid.
        """
        p = self.params
        top_k = positive_count("top_k", self.k if top_k is None else top_k)
        filters = check_filters(self.filters if filters is None else filters)
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown or not channels:
            raise ValueError(f"channels must be a non-empty subset of {CHANNELS}, got {channels!r}")
        query = capped_query(nfc(query or "").strip(), p["max_query_chars"])
        if not query or len(self.index) == 0:
            return []
        allowed = self._allowed_rows(filters)
        if allowed is not None and not allowed.any():
            return []
        restored = _restore_accents(query) if is_accentless(query) else None

        # A filter keeping few rows (one commune's plan) has both channels score only them.
        among = filter_shortlist(allowed, p["filter_shortlist_rows"])
        use_dense = "dense" in channels and p["dense_weight"] > 0
        use_lexical = "lexical" in channels and p["lexical_weight"] > 0
        # The question is embedded (C code, without the GIL) while the lexical channel searches: the
        # embedding is about half of a retrieval at national scale (docs/scaling.md).
        vector = _EMBEDDING.submit(self.index.embedder.encode_query, restored or query) if use_dense else None
        lexical: dict[int, tuple[int, float]] = {}
        if use_lexical:
            hits = self.index.lexical.search(query, p["lexical_top_n"], accented_query=restored, allowed=allowed,
                                             among=among)
            lexical = {h.row: (rank, h.score) for rank, h in enumerate(hits, 1)}
        dense: dict[int, tuple[int, float]] = {}
        if vector is not None:
            ranked = self.index.dense_search(vector.result(), p["dense_top_n"], allowed, among=among)
            dense = {row: (rank, score) for rank, (row, score) in enumerate(ranked, 1)}

        named = self._named(query, restored, localities)
        return self._fused(dense, lexical, named, top_k)

    def _named(self, query: str, restored: str | None, localities: Sequence[str] | None) -> set[str]:
        if localities is not None:
            return set(localities)
        named = set(detect_localities(query, self.index.documents()))
        if restored:
            named |= set(detect_localities(restored, self.index.documents()))
        return named

    def _fused(self, dense: dict[int, tuple[int, float]], lexical: dict[int, tuple[int, float]], named: set[str],
               top_k: int) -> list[ScoredClause]:
        """The channels' rankings fused by weighted RRF (clauses of ``named`` localities boosted), best ``top_k``."""
        p = self.params
        fused = []
        for row in set(dense) | set(lexical):
            score = 0.0
            if row in dense:
                score += p["dense_weight"] / (p["rrf_k"] + dense[row][0])
            if row in lexical:
                score += p["lexical_weight"] / (p["rrf_k"] + lexical[row][0])
            if named and self._document_at(row).locality in named:
                score *= p["locality_boost"]
            fused.append((score, row))
        fused.sort(key=lambda sr: (-sr[0], sr[1]))
        return [self._scored(row, score, dense.get(row), lexical.get(row)) for score, row in fused[:top_k]]

    def _document_at(self, row: int) -> DocumentMeta:
        """The plan of row ``row`` (without decoding the clause when the index can tell)."""
        at = getattr(self.index, "document_at", None)
        return at(row) if at is not None else self.index.document(self.index.clause_at(row).doc_id)

    def retrieve_per_locality(self, query: str, names: Sequence[str], top_k: int | None = None,
                              localities: Sequence[str] | None = None) -> dict[str, list[ScoredClause]]:
        """``{name: retrieve(query, top_k, filters={"locality": name}, localities=localities)}``, searched once.

        A question naming a province names its communes' plans too (~100 at national scale): the
        query is embedded once, both channels score the rows of all the names' plans once (exactly:
        a row's cosine and BM25 score do not depend on the filter), and each name's plans then
        rank their own rows, as one filtered retrieval per name would.
        """
        p = self.params
        top_k = positive_count("top_k", self.k if top_k is None else top_k)
        names = list(dict.fromkeys(names))
        query = capped_query(nfc(query or "").strip(), p["max_query_chars"])
        plans = plans_of_each(names, self.index.documents())
        union = self.index.row_mask({m.doc_id for found in plans.values() for m in found})
        if not query or not union.any():
            return {name: [] for name in names}
        # Few rows (a province and its communes): score only them; many (every plan of the nation): all rows.
        among = filter_shortlist(union, p["filter_shortlist_rows"])
        restored = _restore_accents(query) if is_accentless(query) else None
        rows_total = int(union.sum())
        # Each channel's ranking of the union, as (row -> position in it) and scores in that order.
        n = len(self.index)
        dense_position = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        lexical_position = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        dense_scores = lexical_scores = np.zeros(0)
        if p["dense_weight"] > 0:
            vector = self.index.embedder.encode_query(restored or query)
            ranked_rows, dense_scores = _ranking(self.index.dense_search(vector, rows_total, union, among=among))
            dense_position[ranked_rows] = np.arange(len(ranked_rows))
        if p["lexical_weight"] > 0:
            hits = self.index.lexical.search(query, rows_total, accented_query=restored, allowed=union, among=among)
            ranked_rows, lexical_scores = _ranking([(h.row, h.score) for h in hits])
            lexical_position[ranked_rows] = np.arange(len(ranked_rows))
        named = self._named(query, restored, localities)
        rows_of = getattr(self.index, "document_rows", None)
        out = {}
        for name in names:
            doc_ids = {m.doc_id for m in plans[name]}
            if rows_of is not None:
                rows = np.concatenate([np.arange(r.start, r.stop) for r in map(rows_of, doc_ids)] or [np.zeros(0)])
            else:
                rows = np.flatnonzero(self.index.row_mask(doc_ids))
            rows = rows.astype(np.int64)
            if not len(rows):
                out[name] = []
                continue
            channels = {}
            for channel, position, scores, top_n in (("dense", dense_position, dense_scores, p["dense_top_n"]),
                                                     ("lexical", lexical_position, lexical_scores,
                                                      p["lexical_top_n"])):
                # The group's rows in the channel's order (unranked rows last, dropped): its own ranking.
                where = position[rows]
                sorted_rows = rows[np.argsort(where, kind="stable")]
                where = np.sort(where)
                keep = int(np.searchsorted(where, len(scores)))
                channels[channel] = {row: (rank, float(scores[i])) for rank, (i, row) in enumerate(
                    zip(where[:min(keep, top_n)].tolist(), sorted_rows[:min(keep, top_n)].tolist(), strict=True), 1)}
            out[name] = self._fused(channels["dense"], channels["lexical"], named, top_k)
        return out

    def _allowed_rows(self, filters: dict | None):
        if not filters:
            return None

        def wanted(key: str) -> set[str] | None:
            value = filters.get(key)
            if value in (None, "", [], ()):
                return None
            values = [value] if isinstance(value, str) else list(value)
            return set(values) if key in ("doc_id", "locality") else {folded_form(v).strip() for v in values}

        localities, levels, doc_ids = wanted("locality"), wanted("level"), wanted("doc_id")
        documents = self.index.documents() if localities is None else plans_of(localities, self.index.documents())
        keep = set()
        for meta in documents:
            if levels is not None and folded_form(meta.level) not in levels:
                continue
            if doc_ids is not None and meta.doc_id not in doc_ids:
                continue
            keep.add(meta.doc_id)
        return self.index.row_mask(keep)

    def _scored(self, row: int, score: float, dense: tuple[int, float] | None,
                lexical: tuple[int, float] | None) -> ScoredClause:
        clause = self.index.clause_at(row)
        return scored_clause(self.index.document(clause.doc_id), clause,
                             _first_section_start(self.index, clause.doc_id), score, dense, lexical)

    def _documents(self, query: str, k: int | None, filters: dict | None, options: dict[str, Any]) -> list[Document]:
        """LangChain documents for ``query``; ``k`` and ``filters`` override the fields for this call."""
        unknown = sorted(set(options) - set(_LANGCHAIN_OPTIONS))
        if unknown:
            raise TypeError(f"HybridRetriever got unknown options {unknown}; allowed: {CALL_OPTIONS}")
        if k is not None:
            positive_count("k", k)
        scored = self.retrieve(query, top_k=k, filters=filters)
        return [Document(page_content=s.clause.text, id=s.id, metadata={
            **s.to_json(), "body": s.clause.body, "reading": s.clause.reading, "level": s.level,
            "path": list(s.clause.path)}) for s in scored]

    # Parameters beyond (query, run_manager) make BaseRetriever.invoke forward its keyword arguments here.
    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, filters: dict | None = None,
                                **options: Any) -> list[Document]:
        return self._documents(query, k, filters, options)

    async def _aget_relevant_documents(self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun,
                                       k: int | None = None, filters: dict | None = None,
                                       **options: Any) -> list[Document]:
        # The base class would call _get_relevant_documents without the per-call options.
        return await run_in_executor(None, self._documents, query, k, filters, options)
