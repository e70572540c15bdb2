"""The clause index: a directory of immutable segments and a manifest that lists the live ones.

Layout of an index directory::

    manifest.json   format version, embedder id/dim, tokenizer, library versions, corpus hash,
                    build id and time, counts, and the live segments in order: each with its
                    files' SHA-256 and sizes and its ``hidden`` documents (removed, or replaced
                    by a later segment) (see manifest.py); its own checksum
    seg-<id>/       one segment per write batch: SQLite catalog, raw float32 vectors,
                    BM25 postings as .npy arrays (see segments.py)

A write never changes a file: an upsert writes one new segment with the new and changed
documents, then a new manifest hiding their old copies; a removal writes a new manifest only;
both take effect with one rename of the manifest (``manifest.write_manifest_atomic``), so a
killed write leaves the previous manifest, and the segments it lists, serving. When there are
more than ``max_segments`` segments, a write merges every segment but the largest into one
(compaction), and once over :data:`STALE_SHARE` of the largest's documents are hidden, all of
them, dropping the hidden rows from disk; a full rebuild (``ingest --rebuild``) writes a single segment. Segments no
manifest lists any more are deleted by the write after next (a reader that has just read the
previous manifest still finds its files), and leftovers of killed writers by the next write.

Faults, races and damage: each write holds the writer lock (``locking.py``) and gets a fresh
build id. :meth:`ClauseIndex.load` reads the manifest once (its own checksum is checked), then
checks every file of every listed segment against its size and SHA-256 before anything is
used (at ~1.6 GB/s per core on two threads: ~0.6 s for the 3,400-plan index, measured in
docs/scaling.md), and each catalog's segment id against the manifest. Segments are never
modified, so a reader can never mix two builds; a segment deleted between reading the manifest
and opening it makes the reader read again :data:`RETRY_WAIT_S` later. Damage is a Vietnamese
:class:`IndexLoadError`; write failures a Vietnamese :class:`IndexWriteError`, the previous
index still serving. Nothing is pickled.

Serving reads little at load: each live document's metadata, the segments' vectors are
memory-mapped, BM25 postings are memory-mapped on first search, and clause records are read
from SQLite when asked for (with an LRU of ``clause_cache_size`` records) instead of all at load.
"""

from __future__ import annotations

import bisect
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.atomic import interrupted_swap, recover_interrupted_swap, write_error
from index.catalog import clause_from_json, meta_from_json, target_from_json
from index.clause_text import embedding_text, lexical_text
from index.embedders import Embedder, make_embedder
from index.faiss_file import DEFAULT_HNSW_THRESHOLD
from index.lexical import DEFAULT_ACCENT_WEIGHT
from index.locking import DEFAULT_LOCK_TIMEOUT, IndexBusyError, index_lock
from index.manifest import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    IndexLoadError,
    check_manifest,
    make_manifest,
    read_manifest,
    unusable,
    write_manifest_atomic,
)
from index.postings import STREAMS, LexicalPart, PostingsBuilder, SegmentedLexical, merge_postings
from index.reports import DocumentInfo, IndexInfo, UpdateReport
from index.segments import (
    Segment,
    SegmentDamage,
    new_segment_id,
    remove_unlisted,
    verify_segments,
    write_segment,
)
from index.tokens import accented_tokens, folded_tokens
from index.vector_cache import VectorCache, embed_with_cache, text_sha256
from ingest.model import Clause, DocumentMeta, ParsedDocument
from ingest.targets import Target, extract_targets


@dataclass(frozen=True)
class Vocabulary:
    """The search tokens of an index and how many clauses hold each (what the topic check reads).

    Attributes:
        accented: Accented token -> number of clauses holding it.
        folded: Folded token -> number of clauses holding it.
        clauses: Number of clauses counted.
    """

    accented: dict[str, int]
    folded: dict[str, int]
    clauses: int


# progress(done, total): passages embedded so far, out of those that needed embedding.
Progress = Callable[[int, int], None]

__all__ = ["ClauseIndex", "UnknownDocumentError"]

logger = logging.getLogger(__name__)

#: Seconds a reader waits before reading again when a segment the manifest lists is gone
#: (a writer replaced the manifest twice meanwhile) or the files look damaged.
RETRY_WAIT_S = 0.2
#: Default of the setting ``index_max_segments``.
DEFAULT_MAX_SEGMENTS = 8
#: Share of a segment's documents that may be hidden (replaced or removed) before a write rewrites it
#: without them; the largest segment is otherwise never merged, so its dead rows would stay until a rebuild.
STALE_SHARE = 0.25
#: Default of the setting ``clause_cache_size``.
DEFAULT_CLAUSE_CACHE = 4096
# Files of the single-directory format (5 and before), deleted once a rebuild has replaced them.
OLD_FORMAT_FILES = ("index.sqlite", "vectors.faiss")
# Held while an index reads its postings on first search (once, even when two questions arrive together).
_LEXICAL_BUILD = threading.Lock()
# SQLite IN lists are kept below its variable limit.
_SQL_CHUNK = 500


class _TornRead(Exception):
    """What was read is inconsistent: damage, or a segment removed after the manifest was read."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnknownDocumentError(LookupError):
    """No document with that id is in the index (message in Vietnamese)."""


@dataclass(frozen=True)
class _Document:
    """A live document: its metadata, its segment and its rows there, and its first index row."""

    meta: DocumentMeta
    segment: int
    start: int
    stop: int
    row: int


@dataclass
class _NewDocument:
    """A document about to be written: parsed, with its clauses' embedded-text hashes and vectors."""

    doc: ParsedDocument
    hashes: list[str]
    vectors: np.ndarray


class ClauseIndex:
    """Clauses of many plans, searchable by vector and by words (BM25), stored as immutable segments.

    Build with :meth:`build`, open with :meth:`load`; :meth:`upsert` and :meth:`remove` add a
    segment and/or a manifest (see the module docstring).

    Rows: the index's rows are the live clauses, numbered segment by segment, document by document;
    they change when the index is updated (never keep them across an update).
    """

    def __init__(self, directory: str | Path, embedder: Embedder | None, *, embedder_id: str, dim: int,
                 hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD, cache: VectorCache | None = None,
                 manifest: dict | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 max_segments: int = DEFAULT_MAX_SEGMENTS, clause_cache_size: int = DEFAULT_CLAUSE_CACHE) -> None:
        if hnsw_threshold <= 0:
            raise ValueError(f"hnsw_threshold must be > 0, got {hnsw_threshold}")
        if dim <= 0:
            raise ValueError(f"dim must be > 0, got {dim}")
        if lock_timeout < 0:
            raise ValueError(f"lock_timeout must be >= 0, got {lock_timeout}")
        if max_segments < 1:
            raise ValueError(f"max_segments must be >= 1, got {max_segments}")
        if clause_cache_size < 0:
            raise ValueError(f"clause_cache_size must be >= 0, got {clause_cache_size}")
        self.lock_timeout = lock_timeout
        self.directory = Path(directory)
        self._embedder = embedder
        self.embedder_id = embedder_id
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.cache = cache
        self.max_segments = max_segments
        self.clause_cache_size = clause_cache_size
        self.manifest = manifest or {}
        self._sql = threading.RLock()  # SQLite connections are shared by the web chat's threads
        self._segments: list[Segment] = []
        self._install([], {})

    # ----- construction -------------------------------------------------------------
    @classmethod
    def build(cls, docs: Iterable[ParsedDocument], embedder: Embedder, directory: str | Path, *,
              cache: VectorCache | None = None, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
              progress: Progress | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
              max_segments: int = DEFAULT_MAX_SEGMENTS) -> ClauseIndex:
        """Build a new index from ``docs`` into ``directory`` (one segment), replacing what was there.

        ``progress(done, total)`` counts the passages embedded (see ``embed_with_cache``).
        """
        index = cls(directory, embedder, embedder_id=embedder.id, dim=embedder.dim,
                    hnsw_threshold=hnsw_threshold, cache=cache, lock_timeout=lock_timeout,
                    max_segments=max_segments)
        index.write_all(docs, progress=progress)
        return index

    def write_all(self, docs: Iterable[ParsedDocument], *, progress: Progress | None = None) -> UpdateReport:
        """Add ``docs`` and write the manifest even if nothing changed (used for new indexes).

        On an index object that was not loaded (a rebuild), the new manifest lists only the new
        segment: whatever the directory held before is replaced.
        """
        return self._apply(list(docs), force_write=True, progress=progress)

    @classmethod
    def load(cls, directory: str | Path, embedder: Embedder | None = None, *,
             cache: VectorCache | None = None, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
             lock_timeout: float = DEFAULT_LOCK_TIMEOUT, max_segments: int = DEFAULT_MAX_SEGMENTS,
             clause_cache_size: int = DEFAULT_CLAUSE_CACHE) -> ClauseIndex:
        """Open an index directory, checking the manifest and every file of every segment it lists.

        Args:
            directory: The index directory.
            embedder: The running embedder; None creates the manifest's embedder
                when a dense query first needs it.
            cache: Optional vector cache used by later upserts.
            hnsw_threshold: Live clause count from which unfiltered dense search uses an
                in-memory HNSW graph (built on first use) instead of the exact scan.
            lock_timeout: Seconds later writes wait for another writer.
            max_segments: Segment count above which a write merges the smaller segments.
            clause_cache_size: Clause records kept decoded (LRU).

        Raises:
            IndexLoadError: Missing, damaged (after one more read :data:`RETRY_WAIT_S` later: a
                write may have removed a segment meanwhile), built with another embedder, tokenizer
                or format version (Vietnamese message with the rebuild command).
        """
        directory = Path(directory)
        _warm_tokenizer()
        options = {"embedder": embedder, "cache": cache, "hnsw_threshold": hnsw_threshold,
                   "lock_timeout": lock_timeout, "max_segments": max_segments,
                   "clause_cache_size": clause_cache_size}
        try:
            return cls._load_once(directory, **options)
        except _TornRead as first:
            logger.info("index %s read inconsistently (%s); reading again", directory, first.reason)
        time.sleep(RETRY_WAIT_S)
        try:
            return cls._load_once(directory, **options)
        except _TornRead as second:
            raise unusable(second.reason) from second

    @classmethod
    def _load_once(cls, directory: Path, *, embedder: Embedder | None, **options) -> ClauseIndex:
        _repair_interrupted_swap(directory)
        try:
            manifest = read_manifest(directory)
        except IndexLoadError as exc:
            if exc.reason != exc.message and (directory.exists() or interrupted_swap(directory, MANIFEST_FILE)):
                raise _TornRead(exc.reason) from exc
            # No index at all, or no permission (that message carries no rebuild command): not transient.
            raise
        check_manifest(directory, manifest, embedder)
        emb = manifest["embedder"]
        index = cls(directory, embedder, embedder_id=emb["id"], dim=int(emb["dim"]), manifest=manifest, **options)
        entries = manifest.get("segments")
        if not isinstance(entries, list):
            raise _TornRead(f"Tệp {MANIFEST_FILE} tại {directory} bị hỏng (thiếu danh sách phần chỉ mục).")
        try:
            verify_segments(directory, entries)
        except SegmentDamage as exc:
            raise _TornRead(f"Chỉ mục tại {directory} bị hỏng: {exc.reason}.") from exc
        except PermissionError as exc:
            raise IndexLoadError(
                f"Không có quyền đọc các tệp của chỉ mục tại {directory}. Hãy nhờ người dùng sở hữu thư mục "
                "cấp quyền đọc (hoặc chọn thư mục khác bằng --index).") from exc
        except (OSError, KeyError, TypeError) as exc:
            logger.info("checking %s failed", directory, exc_info=exc)
            raise _TornRead(f"Chỉ mục tại {directory} bị hỏng (không đọc được các tệp).") from exc
        segments = []
        try:
            for entry in entries:
                segments.append(Segment(directory, entry, index.dim))
            index._install(segments, manifest)
        except (OSError, sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
            for segment in segments:
                segment.close()
            logger.info("reading the index %s failed", directory, exc_info=exc)
            raise _TornRead(f"Chỉ mục tại {directory} bị hỏng (không đọc được cơ sở dữ liệu hoặc tệp vector).") from exc
        return index

    @property
    def embedder(self) -> Embedder:
        """The embedder (created from the manifest on first use when none was given)."""
        if self._embedder is None:
            self._embedder = make_embedder(self.embedder_id)
            if self._embedder.dim != self.dim:
                raise unusable(
                    f"Bộ nhúng '{self.embedder_id}' có {self._embedder.dim} chiều, chỉ mục cần {self.dim}.")
        return self._embedder

    # ----- layout of the live rows --------------------------------------------------
    def _install(self, segments: list[Segment], manifest: dict) -> None:
        """Lay out the live rows of ``segments`` (hidden documents as ``manifest`` says) and forget derived data.

        Raises:
            ValueError, sqlite3.DatabaseError: A catalog that does not match its manifest entry.
        """
        hidden = {str(e["name"]): set(e.get("hidden") or ()) for e in manifest.get("segments") or ()}
        documents: dict[str, _Document] = {}
        global_rows: list[np.ndarray] = []
        runs: list[list[int]] = []  # [index row, segment, local start, length]
        n = 0
        for si, segment in enumerate(segments):
            mapping = np.full(segment.rows, -1, dtype=np.int64)
            with self._sql:
                listed = segment.documents()
            for doc in listed:
                if doc.doc_id in hidden.get(segment.name, ()):
                    continue
                if doc.doc_id in documents:
                    raise ValueError(f"document {doc.doc_id} is live in two segments")
                meta = meta_from_json(json.loads(doc.meta_json))
                count = doc.stop - doc.start
                documents[doc.doc_id] = _Document(meta, si, doc.start, doc.stop, n)
                mapping[doc.start:doc.stop] = np.arange(n, n + count)
                if runs and runs[-1][1] == si and runs[-1][2] + runs[-1][3] == doc.start:
                    runs[-1][3] += count
                elif count:
                    runs.append([n, si, doc.start, count])
                n += count
            global_rows.append(mapping)
        self._segments = segments
        self.manifest = manifest
        self._documents = documents
        self._global_rows = global_rows
        self._all_live = [bool(len(m) == 0 or m[0] >= 0 and (m >= 0).all()) for m in global_rows]
        self._run_starts = [r[0] for r in runs]
        self._runs = runs
        self._n = n
        self._metas = [d.meta for d in documents.values()]
        self._doc_starts = [d.row for d in documents.values()]
        self._clause_cache: OrderedDict[tuple[str, int], Clause] = OrderedDict()
        self._first_section: dict[str, int | None] = {}
        self._targets: tuple[tuple[DocumentMeta, Target], ...] | None = None
        self._vocabulary: Vocabulary | None = None
        self._lexical: SegmentedLexical | None = None
        self._hnsw = None

    def _locate_row(self, row: int) -> tuple[int, int]:
        """(segment, local row) of index row ``row``."""
        if not 0 <= row < self._n:
            raise IndexError(f"row {row} out of range (0..{self._n - 1})")
        i = bisect.bisect_right(self._run_starts, row) - 1
        start, segment, local, _ = self._runs[i]
        return segment, local + row - start

    def _locate(self, rows: range) -> list[tuple[int, int, int, int]]:
        """The pieces of index rows ``rows``: (segment, local start, local stop, index row of the start)."""
        pieces = []
        start, stop = max(rows.start, 0), min(rows.stop, self._n)
        i = max(bisect.bisect_right(self._run_starts, start) - 1, 0)
        while start < stop and i < len(self._runs):
            run_start, segment, local, count = self._runs[i]
            end = min(stop, run_start + count)
            if end > start:
                pieces.append((segment, local + start - run_start, local + end - run_start, start))
                start = end
            i += 1
        return pieces

    # ----- updates ------------------------------------------------------------------
    def upsert(self, docs: Iterable[ParsedDocument], *, progress: Progress | None = None) -> UpdateReport:
        """Add new documents and replace changed ones (one new segment); unchanged ones cost nothing."""
        return self._apply(list(docs), force_write=False, progress=progress)

    def remove(self, doc_id: str) -> UpdateReport:
        """Remove one document: a new manifest that hides it (no segment is written).

        Raises:
            UnknownDocumentError: ``doc_id`` is not in the index.
        """
        started = time.perf_counter()
        if doc_id not in self._documents:
            known = ", ".join(self._documents) or "(trống)"
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục. Các văn bản hiện có: {known}")
        self._write([], hide={doc_id})
        return UpdateReport(removed=(doc_id,), seconds=time.perf_counter() - started)

    def compact(self) -> None:
        """Merge every segment into one (what a full rebuild gives, without parsing or embedding again)."""
        self._write([], merge_all=True)

    def _unchanged(self, doc: ParsedDocument) -> bool:
        entry = self._documents[doc.meta.doc_id]
        if entry.meta != doc.meta:
            return False
        segment = self._segments[entry.segment]
        with self._sql:
            (text,) = segment.conn.execute("SELECT source_text FROM documents WHERE doc_id = ?",
                                           (doc.meta.doc_id,)).fetchone()
            ids = [i for (i,) in segment.conn.execute(
                "SELECT id FROM clauses WHERE row >= ? AND row < ? ORDER BY row", (entry.start, entry.stop))]
        return text == doc.source_text and ids == [c.id for c in doc.clauses]

    def _known_vectors(self, hashes: set[str]) -> dict[str, np.ndarray]:
        """Vectors of the live index whose embedded-text hash is in ``hashes``."""
        known: dict[str, np.ndarray] = {}
        wanted = sorted(hashes)
        with self._sql:
            for si, segment in enumerate(self._segments):
                for i in range(0, len(wanted), _SQL_CHUNK):
                    chunk = wanted[i:i + _SQL_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for row, digest in segment.conn.execute(
                            f"SELECT row, embed_sha256 FROM clauses WHERE embed_sha256 IN ({marks})", chunk):
                        if self._global_rows[si][row] >= 0 and digest not in known:
                            known[digest] = np.array(segment.vectors[row], dtype=np.float32)
        return known

    def _apply(self, docs: list[ParsedDocument], *, force_write: bool, progress: Progress | None = None) -> UpdateReport:
        started = time.perf_counter()
        added, updated, unchanged = [], [], []
        pending: dict[str, ParsedDocument] = {}
        for doc in docs:
            doc_id = doc.meta.doc_id
            if doc_id in pending:
                pending[doc_id] = doc  # the later copy wins
            elif doc_id not in self._documents:
                added.append(doc_id)
                pending[doc_id] = doc
            elif self._unchanged(doc):
                unchanged.append(doc_id)
            else:
                updated.append(doc_id)
                pending[doc_id] = doc
        embedded = reused = 0
        batch: list[_NewDocument] = []
        if pending:
            texts = [embedding_text(c, d.meta) for d in pending.values() for c in d.clauses]
            hashes = [text_sha256(t) for t in texts]
            known = self._known_vectors(set(hashes))
            vectors, embedded = embed_with_cache(texts, self.embedder_id, self.embedder.encode_passages, self.dim,
                                                 known=known, cache=self.cache, progress=progress)
            reused = len(texts) - embedded
            i = 0
            for doc in pending.values():
                count = len(doc.clauses)
                batch.append(_NewDocument(doc, hashes[i:i + count],
                                          np.asarray(vectors[i:i + count], dtype=np.float32).reshape(count, self.dim)))
                i += count
        if pending or force_write:
            self._write(batch, hide=set(updated), replace_all=force_write and not self.manifest)
        return UpdateReport(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged),
                            embedded=embedded, reused=reused, seconds=time.perf_counter() - started)

    # ----- persistence --------------------------------------------------------------
    def _write(self, batch: list[_NewDocument], *, hide: set[str] = frozenset(), replace_all: bool = False,
               merge_all: bool = False) -> None:
        """Write ``batch`` as a new segment (if any), hide ``hide``, compact when needed, swap the manifest in.

        Holds the writer lock from the first file to the last deletion.

        Raises:
            IndexBusyError: Another process held the lock for ``lock_timeout`` seconds.
            IndexWriteError: Full disk, no permission or another system error (Vietnamese
                message); the previous manifest and its segments are untouched.
        """
        try:
            with index_lock(self.directory, self.lock_timeout):
                self.directory.mkdir(parents=True, exist_ok=True)
                # What this object read and what the manifest on disk lists: readers may be opening either.
                previous = {str(e["name"]) for e in self.manifest.get("segments") or ()} | _listed(self.directory)
                remove_unlisted(self.directory, keep=previous)
                entries = [] if replace_all else [
                    {**e, "hidden": sorted(set(e.get("hidden") or ()) | (hide & self._doc_ids_of(str(e["name"]))))}
                    for e in self.manifest.get("segments") or ()]
                opened = {s.name: s for s in self._segments} if not replace_all else {}
                if batch:
                    entry = write_segment(self.directory, new_segment_id(), *_segment_rows(batch, self.dim))
                    entries.append({**entry, "hidden": []})
                # A segment whose documents are all hidden serves nothing.
                entries = [e for e in entries if len(e["hidden"]) < int(e["documents"])]
                largest = max(range(len(entries)), key=lambda i: int(entries[i]["rows"])) if entries else 0
                # The largest segment is left out of compactions: the rows it hides stay on disk until so
                # many pile up that rewriting it (every plan, no embedding) is worth it.
                stale = bool(entries) and len(entries[largest]["hidden"]) > STALE_SHARE * int(
                    entries[largest]["documents"])
                if (merge_all and len(entries) > 1) or stale or (
                        len(entries) > self.max_segments and self.max_segments == 1):
                    entries = [self._merge(entries, opened)]
                elif len(entries) > self.max_segments:
                    rest = [e for i, e in enumerate(entries) if i != largest]
                    entries = [entries[largest], self._merge(rest, opened)]
                segments = [opened.get(str(e["name"])) or Segment(self.directory, e, self.dim) for e in entries]
                build_id = uuid.uuid4().hex
                live = self._live_metas(segments, entries)
                manifest = make_manifest(
                    embedder_id=self.embedder_id, dim=self.dim, faiss_type=_search_type(live[1], self.hnsw_threshold),
                    accent_weight=DEFAULT_ACCENT_WEIGHT, documents=live[0], clauses=live[1], build_id=build_id,
                    segments=entries)
                write_manifest_atomic(self.directory, manifest)
                # The previous manifest's segments stay one more write: a reader may have just read it.
                remove_unlisted(self.directory, keep=previous | {str(e["name"]) for e in entries})
                for name in OLD_FORMAT_FILES:
                    (self.directory / name).unlink(missing_ok=True)
        except IndexBusyError:
            raise
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            raise write_error(self.directory, exc) from exc
        kept = {id(s) for s in segments}
        for segment in self._segments:
            if id(segment) not in kept:
                segment.close()
        self._install(segments, manifest)

    def _doc_ids_of(self, segment_name: str) -> set[str]:
        index = next((i for i, s in enumerate(self._segments) if s.name == segment_name), None)
        return {d for d, entry in self._documents.items() if entry.segment == index}

    @staticmethod
    def _live_metas(segments: list[Segment], entries: list[dict]) -> tuple[list[DocumentMeta], int]:
        metas, clauses = [], 0
        for segment, entry in zip(segments, entries, strict=True):
            hidden = set(entry.get("hidden") or ())
            for doc in segment.documents():
                if doc.doc_id not in hidden:
                    metas.append(meta_from_json(json.loads(doc.meta_json)))
                    clauses += doc.stop - doc.start
        return metas, clauses

    def _merge(self, entries: list[dict], opened: dict[str, Segment]) -> dict:
        """Write one segment holding the live documents of ``entries`` in order; return its entry."""
        sources = [(opened.get(str(e["name"])) or Segment(self.directory, e, self.dim), set(e.get("hidden") or ()))
                   for e in entries]
        new_rows, vectors, n = [], [], 0
        for segment, hidden in sources:
            mapping = np.full(segment.rows, -1, dtype=np.int64)
            for doc in segment.documents():
                if doc.doc_id not in hidden:
                    mapping[doc.start:doc.stop] = np.arange(n, n + doc.stop - doc.start)
                    n += doc.stop - doc.start
            new_rows.append(mapping)
            vectors.append(np.asarray(segment.vectors)[mapping >= 0])

        def live(query: str, doc_column: int) -> Iterator[tuple]:
            """Rows of ``query`` in every source segment whose document (column ``doc_column``) is live."""
            for segment, hidden in sources:
                for row in segment.conn.execute(query):
                    if row[doc_column] not in hidden:
                        yield row

        documents = live("SELECT doc_id, content_hash, meta_json, warnings_json, source_text "
                         "FROM documents ORDER BY position", 0)
        clauses = live("SELECT id, doc_id, kind, parent_id, char_start, char_end, clause_json, embed_sha256 "
                       "FROM clauses ORDER BY row", 1)
        targets = live("SELECT doc_id, position, target_json FROM targets", 0)

        postings = {stream: merge_postings([(s.postings()[stream], m) for (s, _), m in zip(sources, new_rows,
                                                                                          strict=True)], n)
                    for stream in STREAMS}
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, self.dim), dtype=np.float32)
        with self._sql:
            entry = write_segment(self.directory, new_segment_id(), documents, clauses, targets, matrix, postings)
        return {**entry, "hidden": []}

    # ----- reading ------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def documents(self) -> list[DocumentMeta]:
        """Metadata of every document, in index order."""
        return list(self._metas)

    def document(self, doc_id: str) -> DocumentMeta:
        """Metadata of one document (raises UnknownDocumentError)."""
        if doc_id not in self._documents:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        return self._documents[doc_id].meta

    @property
    def lexical(self) -> SegmentedLexical:
        """BM25 over the live rows of every segment, postings memory-mapped on first search."""
        with _LEXICAL_BUILD:  # two first questions at once (the web chat answers two) read them once
            if self._lexical is None:
                parts = [LexicalPart(segment.postings(), rows, live)
                         for segment, rows, live in zip(self._segments, self._global_rows, self._all_live,
                                                        strict=True)]
                self._lexical = SegmentedLexical(parts, self._n, DEFAULT_ACCENT_WEIGHT, locate=self._locate)
            return self._lexical

    def vocabulary(self) -> Vocabulary:
        """How many clauses hold each search token (accented and folded), computed once per load or update."""
        if self._vocabulary is None:
            lexical = self.lexical
            self._vocabulary = Vocabulary(lexical.document_frequencies("accented"),
                                          lexical.document_frequencies("folded"), self._n)
        return self._vocabulary

    def targets(self) -> tuple[tuple[DocumentMeta, Target], ...]:
        """Every plan's quantified targets with the plan's metadata, plans in index order (read once; the same
        tuple until the index changes, so answers can group it once: ``compare_targets.stored_targets``)."""
        if self._targets is None:
            by_document: dict[str, list[Target]] = {}
            with self._sql:
                for si, segment in enumerate(self._segments):
                    for doc_id, target in segment.conn.execute(
                            "SELECT doc_id, target_json FROM targets ORDER BY doc_id, position"):
                        entry = self._documents.get(doc_id)
                        if entry is not None and entry.segment == si:
                            by_document.setdefault(doc_id, []).append(target_from_json(json.loads(target)))
            self._targets = tuple((d.meta, t) for d_id, d in self._documents.items() for t in by_document.get(d_id, ()))
        return self._targets

    def source_text(self, doc_id: str) -> str:
        """The full NFC text of a document (clause offsets refer to it)."""
        if doc_id not in self._documents:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        segment = self._segments[self._documents[doc_id].segment]
        with self._sql:
            (text,) = segment.conn.execute("SELECT source_text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return text

    def _clause_local(self, segment: int, local: int) -> Clause:
        key = (self._segments[segment].name, local)
        with self._sql:
            clause = self._clause_cache.get(key)
            if clause is not None:
                self._clause_cache.move_to_end(key)
                return clause
            row = self._segments[segment].conn.execute("SELECT clause_json FROM clauses WHERE row = ?",
                                                       (local,)).fetchone()
            if row is None:
                raise IndexError(f"row {local} missing from segment {key[0]}")
            clause = clause_from_json(json.loads(row[0]))
            if self.clause_cache_size:
                self._clause_cache[key] = clause
                if len(self._clause_cache) > self.clause_cache_size:
                    self._clause_cache.popitem(last=False)
        return clause

    def _live_rows_where(self, condition: str, value: str) -> list[int]:
        """Index rows of the live clauses matching ``condition`` (an SQL condition with one parameter)."""
        rows = []
        with self._sql:
            for si, segment in enumerate(self._segments):
                for (local,) in segment.conn.execute(f"SELECT row FROM clauses WHERE {condition}", (value,)):
                    row = int(self._global_rows[si][local])
                    if row >= 0:
                        rows.append(row)
        return sorted(rows)

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id (KeyError if absent)."""
        rows = self._live_rows_where("id = ?", clause_id)
        if not rows:
            raise KeyError(clause_id)
        return self.clause_at(rows[0])

    def clause_at(self, row: int) -> Clause:
        """The clause stored at index row ``row``."""
        return self._clause_local(*self._locate_row(row))

    def first_section_start(self, doc_id: str) -> int | None:
        """Where the document's first numbered section starts (None without sections).

        Top-level text after it is the plan's closing, not its opening.
        """
        if doc_id not in self._first_section:
            entry = self._documents.get(doc_id)
            start = None
            if entry is not None:
                with self._sql:
                    (start,) = self._segments[entry.segment].conn.execute(
                        "SELECT min(char_start) FROM clauses WHERE row >= ? AND row < ? AND kind = 'section'",
                        (entry.start, entry.stop)).fetchone()
            self._first_section[doc_id] = start
        return self._first_section[doc_id]

    def children(self, clause_id: str) -> list[Clause]:
        """Direct children of a clause, in reading order."""
        return [self.clause_at(row) for row in self._live_rows_where("parent_id = ?", clause_id)]

    def document_rows(self, doc_id: str) -> range:
        """The index rows of one document (one range; raises UnknownDocumentError)."""
        entry = self._documents.get(doc_id)
        if entry is None:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        return range(entry.row, entry.row + entry.stop - entry.start)

    def document_at(self, row: int) -> DocumentMeta:
        """Metadata of the document that holds index row ``row`` (no clause is read)."""
        if not 0 <= row < self._n:
            raise IndexError(f"row {row} out of range (0..{self._n - 1})")
        return self._metas[bisect.bisect_right(self._doc_starts, row) - 1]

    def document_clauses(self, doc_id: str) -> list[Clause]:
        """Every clause of one document, in row (reading) order (raises UnknownDocumentError)."""
        entry = self._documents.get(doc_id)
        if entry is None:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        return [self.clause_at(row) for row in range(entry.row, entry.row + entry.stop - entry.start)]

    def row_mask(self, doc_ids: set[str]) -> np.ndarray:
        """Boolean mask of the rows that belong to ``doc_ids`` (unknown ids are ignored)."""
        mask = np.zeros(self._n, dtype=bool)
        for doc_id in doc_ids:
            entry = self._documents.get(doc_id)
            if entry is not None:
                mask[entry.row:entry.row + entry.stop - entry.start] = True
        return mask

    def vectors_of(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The unit vectors of index rows ``rows`` (float32, one row each)."""
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        for i, row in enumerate(rows):
            segment, local = self._locate_row(int(row))
            out[i] = self._segments[segment].vectors[local]
        return out

    def dense_search(self, vector: np.ndarray, top_n: int, allowed: np.ndarray | None = None, *,
                     among: Sequence[range] | None = None) -> list[tuple[int, float]]:
        """Rows nearest to a unit query vector, as (row, cosine), best first (ties by row).

        Args:
            vector: The unit query vector.
            top_n: Maximum number of rows (> 0).
            allowed: Optional boolean mask of the rows that may be returned (a filter).
            among: Optional row ranges (the rows ``allowed`` keeps, when they are few: the retriever's
                ``filter_shortlist``): only these rows are scored.

        Every live vector is scored exactly (memory-mapped, one matrix-vector product per segment),
        unless the index holds ``hnsw_threshold`` rows or more: then an unfiltered search goes
        through an HNSW graph built in memory on first use.
        """
        if top_n <= 0:
            raise ValueError(f"top_n must be > 0, got {top_n}")
        if self._n == 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if among is not None:
            scores, rows = [], []
            for r in among:
                for segment, start, stop, row in self._locate(r):
                    scores.append(self._segments[segment].vectors[start:stop] @ query)
                    rows.append(np.arange(row, row + stop - start))
            if not rows:
                return []
            return _best(np.concatenate(scores), np.concatenate(rows), top_n)
        if self._n >= self.hnsw_threshold:
            return self._hnsw_search(query, top_n, allowed)
        scores = np.empty(self._n, dtype=np.float32)
        for segment, mapping, live in zip(self._segments, self._global_rows, self._all_live, strict=True):
            if not segment.rows:
                continue
            found = np.asarray(segment.vectors) @ query
            if live:
                scores[mapping[0]:mapping[0] + segment.rows] = found
            else:
                keep = mapping >= 0
                scores[mapping[keep]] = found[keep]
        if allowed is not None:
            rows = np.flatnonzero(allowed)
            return _best(scores[rows], rows, top_n)
        return _best(scores, np.arange(self._n), top_n)

    def _hnsw_search(self, query: np.ndarray, top_n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        if self._hnsw is None:
            import faiss

            graph = faiss.IndexHNSWFlat(self.dim, 32, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = 80
            graph.add(self.vectors_of(range(self._n)))
            self._hnsw = graph
        k = min(self._n, top_n if allowed is None else max(top_n * 20, 1000))
        scores, rows = self._hnsw.search(query.reshape(1, -1), k)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        if allowed is not None:
            hits = [(r, s) for r, s in hits if allowed[r]]
        return hits[:top_n]

    @property
    def faiss_type(self) -> str:
        """How unfiltered dense search runs: "hnsw" (in-memory graph) or "flat" (exact)."""
        return _search_type(self._n, self.hnsw_threshold)

    @property
    def segment_count(self) -> int:
        """Number of live segments."""
        return len(self._segments)

    def info(self) -> IndexInfo:
        """Documents, clause counts, embedder and size on disk."""
        warnings: dict[str, tuple[str, ...]] = {}
        with self._sql:
            for si, segment in enumerate(self._segments):
                for doc_id, text in segment.conn.execute("SELECT doc_id, warnings_json FROM documents"):
                    entry = self._documents.get(doc_id)
                    if entry is not None and entry.segment == si:
                        warnings[doc_id] = tuple(json.loads(text))
        docs = tuple(
            DocumentInfo(d.meta.doc_id, d.meta.title, d.meta.locality, d.meta.level, d.stop - d.start,
                         d.meta.damage_score, d.meta.source_path, warnings.get(d.meta.doc_id, ()))
            for d in self._documents.values())
        return IndexInfo(str(self.directory), int(self.manifest.get("format_version", FORMAT_VERSION)),
                         self.embedder_id, self.dim, self.faiss_type, docs, self._n, index_size(self.directory),
                         str(self.manifest.get("built_at", "")), str(self.manifest.get("corpus_hash", "")))


_TOKENIZER_WARMING: list[threading.Thread] = []


def _warm_tokenizer() -> None:
    """Load the word segmenter (pyvi: ~1 s of imports) in a background thread, once per process, while the
    index is checked and opened: the first question's lexical search needs it (cold start, docs/scaling.md)."""
    if not _TOKENIZER_WARMING:
        thread = threading.Thread(target=accented_tokens, args=("bảo hiểm y tế",), name="warm-tokenizer",
                                  daemon=True)
        _TOKENIZER_WARMING.append(thread)
        thread.start()


def index_size(directory: Path) -> int:
    """Bytes on disk of the manifest and the segments it lists (0 when there is no index)."""
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    total = (directory / MANIFEST_FILE).stat().st_size
    for entry in manifest.get("segments") or ():
        total += sum(int(size) for size in (entry.get("sizes") or {}).values())
    return total


def _listed(directory: Path) -> set[str]:
    """Segment names the manifest now on disk lists (a reader may be reading them)."""
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        return {str(e["name"]) for e in manifest.get("segments") or ()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def _search_type(rows: int, hnsw_threshold: int) -> str:
    return "hnsw" if rows >= hnsw_threshold else "flat"


def _best(scores: np.ndarray, rows: np.ndarray, top_n: int) -> list[tuple[int, float]]:
    """The ``top_n`` best (row, score), best first, ties by row."""
    if len(scores) > top_n:
        cut = np.partition(scores, len(scores) - top_n)[len(scores) - top_n]
        keep = np.flatnonzero(scores >= cut)
        scores, rows = scores[keep], rows[keep]
    order = np.lexsort((rows, -scores))[:top_n]
    return [(int(rows[i]), float(scores[i])) for i in order]


def _segment_rows(batch: list[_NewDocument], dim: int) -> tuple:
    """The arguments of ``write_segment`` (after the id) for new documents."""
    # Generators: SQLite takes the rows one by one (a nation's clause JSON is ~1 GB of strings).
    documents = ((b.doc.meta.doc_id, b.doc.meta.content_hash, json.dumps(b.doc.meta.to_json(), ensure_ascii=False),
                  json.dumps(list(b.doc.warnings), ensure_ascii=False), b.doc.source_text) for b in batch)
    clauses = ((c.id, c.doc_id, c.kind, c.parent_id, c.char_start, c.char_end,
                json.dumps(c.to_json(), ensure_ascii=False), digest)
               for b in batch for c, digest in zip(b.doc.clauses, b.hashes, strict=True))
    targets = ((b.doc.meta.doc_id, i, json.dumps(t.to_json(), ensure_ascii=False))
               for b in batch for i, t in enumerate(extract_targets(b.doc.meta, b.doc.clauses)))
    vectors = np.concatenate([b.vectors for b in batch]) if batch else np.zeros((0, dim), dtype=np.float32)
    # One row's tokens at a time: the token strings of a whole nation are never held. Both streams of a
    # clause are read together, so the word segmenter's cache serves the second (it segments once).
    builders = {stream: PostingsBuilder() for stream in STREAMS}
    for b in batch:
        for clause in b.doc.clauses:
            text = lexical_text(clause)
            builders["accented"].add(accented_tokens(text))
            builders["folded"].add(folded_tokens(text))
    postings = {stream: builder.finish() for stream, builder in builders.items()}
    return documents, clauses, targets, vectors, postings


def _repair_interrupted_swap(directory: Path) -> None:
    """Put the previous index back after a crash between the two renames of a directory swap.

    The segment store swaps a manifest, not directories, but an index directory moved aside by
    a writer of format 5 and before (or by hand, as in the tests) is still put back. Only when
    the writer lock is free; a reader that cannot take it leaves the directory as it is.
    """
    if not interrupted_swap(directory, MANIFEST_FILE):
        return
    try:
        with index_lock(directory, timeout=0):
            recover_interrupted_swap(directory, MANIFEST_FILE)
    except (IndexBusyError, OSError) as exc:
        logger.info("not repairing the swap of %s now: %s", directory, exc)


def read_document_metas(directory: Path) -> list[DocumentMeta]:
    """Only the live documents' metadata, in order: what ingest needs to choose ids, without opening the index.

    Raises:
        FileNotFoundError, sqlite3.DatabaseError, ValueError, KeyError: A missing, damaged or
            other-format index (ingest then rebuilds or reports through the normal load).
    """
    return [meta for meta, _ in _read_live(directory, with_targets=False)]


def read_plan_targets(directory: Path) -> tuple[list[DocumentMeta], list[tuple[DocumentMeta, Target]]]:
    """Every live plan's metadata and its targets, without clauses or vectors (what scoring the targets needs).

    Raises:
        FileNotFoundError, sqlite3.DatabaseError, ValueError, KeyError: As :func:`read_document_metas`.
    """
    pairs = _read_live(directory, with_targets=True)
    return [meta for meta, _ in pairs], [(meta, t) for meta, targets in pairs for t in targets]


def _read_live(directory: Path, *, with_targets: bool) -> list[tuple[DocumentMeta, list[Target]]]:
    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format {manifest.get('format_version')}")
    out = []
    for entry in manifest["segments"]:
        hidden = set(entry.get("hidden") or ())
        path = directory / str(entry["name"]) / "catalog.sqlite"
        if not path.is_file():
            raise FileNotFoundError(str(path))
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            targets: dict[str, list[Target]] = {}
            if with_targets:
                for doc_id, target in conn.execute("SELECT doc_id, target_json FROM targets ORDER BY doc_id, position"):
                    targets.setdefault(doc_id, []).append(target_from_json(json.loads(target)))
            for doc_id, meta in conn.execute("SELECT doc_id, meta_json FROM documents ORDER BY position"):
                if doc_id not in hidden:
                    out.append((meta_from_json(json.loads(meta)), targets.get(doc_id, [])))
        finally:
            conn.close()
    return out

