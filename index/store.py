"""The clause index: a directory with manifest.json, a FAISS file and SQLite.

Layout of an index directory::

    manifest.json   format version, embedder id/dim, tokenizer, library versions,
                    corpus hash, build time, counts (see manifest.py)
    vectors.faiss   faiss.write_index of IndexFlatIP (HNSW above hnsw_threshold);
                    FAISS id == clause row in SQLite (see faiss_file.py)
    index.sqlite    documents (metadata + NFC source text) and clauses (see catalog.py)

Every change (build, upsert, remove) writes a complete new directory next to
the target and then swaps it in with two renames (atomic.py), so a killed build
leaves the previous index serving (and :meth:`ClauseIndex.load` recovers the
previous one if a crash fell between the renames). Nothing is pickled.

Faults, races and damage: each write holds the writer lock (``locking.py``) and
tags the build with a fresh id, written into the manifest and the SQLite
``meta`` table; the manifest also records the SHA-256 of every file and of
itself. :meth:`ClauseIndex.load` checks all of them, so a reader racing a
swap never mixes two builds (it waits a moment and reads again) and random
damage to any file is reported (Vietnamese :class:`IndexLoadError`) instead of
answering from garbage. Write failures (full disk, no permission) become a
Vietnamese :class:`IndexWriteError` and leave the previous index serving.

This module holds :class:`ClauseIndex`, the entry point; the other names
(``IndexLoadError``, ``UpdateReport``, ``MANIFEST_FILE``, ``lexical_text`` ...)
are imported from the modules above.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.atomic import interrupted_swap, recover_interrupted_swap, replacing_directory, write_error
from index.catalog import (
    DB_FILE,
    Catalog,
    StoredClause,
    StoredDocument,
    intern_tokens,
    read_catalog,
    write_catalog,
)
from index.clause_text import embedding_text, lexical_text
from index.embedders import Embedder, make_embedder
from index.faiss_file import (
    DEFAULT_HNSW_THRESHOLD,
    FAISS_FILE,
    build_faiss,
    faiss_from_bytes,
    faiss_type,
    write_faiss,
)
from index.lexical import DEFAULT_ACCENT_WEIGHT, LexicalIndex
from index.locking import DEFAULT_LOCK_TIMEOUT, IndexBusyError, index_lock
from index.manifest import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    IndexLoadError,
    check_manifest,
    make_manifest,
    read_manifest,
    sha256_bytes,
    unusable,
    write_manifest,
)
from index.reports import DocumentInfo, IndexInfo, UpdateReport
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

#: Seconds a reader waits before reading again when the files it read belong to two builds
#: (a writer's swap takes milliseconds).
RETRY_WAIT_S = 0.2
# Held while an index builds its BM25 on first search (one build even when two questions arrive together).
_LEXICAL_BUILD = threading.Lock()
# The files a build writes besides the manifest, each with its checksum in the manifest.
INDEX_FILES = (DB_FILE, FAISS_FILE)


class _TornRead(Exception):
    """What was read is inconsistent: damage, or a swap in progress (worth one more read)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnknownDocumentError(LookupError):
    """No document with that id is in the index (message in Vietnamese)."""


class ClauseIndex:
    """Clauses of many plans, searchable by vector (FAISS) and by words (BM25).

    Build with :meth:`build`, open with :meth:`load`; :meth:`upsert` and
    :meth:`remove` rewrite the directory atomically.
    """

    def __init__(self, directory: str | Path, embedder: Embedder | None, *, embedder_id: str, dim: int,
                 hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD, cache: VectorCache | None = None,
                 manifest: dict | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        if hnsw_threshold <= 0:
            raise ValueError(f"hnsw_threshold must be > 0, got {hnsw_threshold}")
        if dim <= 0:
            raise ValueError(f"dim must be > 0, got {dim}")
        if lock_timeout < 0:
            raise ValueError(f"lock_timeout must be >= 0, got {lock_timeout}")
        self.lock_timeout = lock_timeout
        self.directory = Path(directory)
        self._embedder = embedder
        self.embedder_id = embedder_id
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.cache = cache
        self.manifest = manifest or {}
        self._documents: dict[str, StoredDocument] = {}
        self._clauses: dict[str, list[StoredClause]] = {}
        self._refresh(faiss_index=None)

    # ----- construction -------------------------------------------------------------
    @classmethod
    def build(cls, docs: Iterable[ParsedDocument], embedder: Embedder, directory: str | Path, *,
              cache: VectorCache | None = None, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
              progress: Progress | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> ClauseIndex:
        """Build a new index from ``docs`` into ``directory``, replacing what was there.

        ``progress(done, total)`` counts the passages embedded (see ``embed_with_cache``).
        """
        index = cls(directory, embedder, embedder_id=embedder.id, dim=embedder.dim,
                    hnsw_threshold=hnsw_threshold, cache=cache, lock_timeout=lock_timeout)
        index.write_all(docs, progress=progress)
        return index

    def write_all(self, docs: Iterable[ParsedDocument], *, progress: Progress | None = None) -> UpdateReport:
        """Add ``docs`` and write the directory even if nothing changed (used for new indexes)."""
        return self._apply(list(docs), force_write=True, progress=progress)

    @classmethod
    def load(cls, directory: str | Path, embedder: Embedder | None = None, *,
             cache: VectorCache | None = None, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
             lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> ClauseIndex:
        """Open an index directory, checking that its files are whole and of one build.

        Args:
            directory: The index directory.
            embedder: The running embedder; None creates the manifest's embedder
                when a dense query first needs it.
            cache: Optional vector cache used by later upserts.
            hnsw_threshold: Clause count from which upserts write an HNSW index.
            lock_timeout: Seconds later writes wait for another writer.

        Raises:
            IndexLoadError: Missing, damaged, mixed from two builds (after one
                more read :data:`RETRY_WAIT_S` later: a swap may have been in
                progress), or built with another embedder, tokenizer or format
                version (Vietnamese message with the rebuild command).
        """
        directory = Path(directory)
        options = {"embedder": embedder, "cache": cache, "hnsw_threshold": hnsw_threshold,
                   "lock_timeout": lock_timeout}
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
    def _load_once(cls, directory: Path, *, embedder: Embedder | None, cache: VectorCache | None,
                   hnsw_threshold: int, lock_timeout: float) -> ClauseIndex:
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
        index = cls(directory, embedder, embedder_id=emb["id"], dim=int(emb["dim"]),
                    hnsw_threshold=hnsw_threshold, cache=cache, manifest=manifest, lock_timeout=lock_timeout)
        catalog, faiss_index = _read_checked(directory, manifest, index.dim)
        for doc in catalog.documents:
            index._documents[doc.meta.doc_id] = doc
            index._clauses[doc.meta.doc_id] = []
        for stored in catalog.clauses:
            index._clauses.setdefault(stored.clause.doc_id, []).append(stored)
        index._refresh(faiss_index=faiss_index)
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

    # ----- updates ------------------------------------------------------------------
    def upsert(self, docs: Iterable[ParsedDocument], *, progress: Progress | None = None) -> UpdateReport:
        """Add new documents and replace changed ones; unchanged ones cost nothing."""
        return self._apply(list(docs), force_write=False, progress=progress)

    def remove(self, doc_id: str) -> UpdateReport:
        """Remove one document and its clauses, then rewrite the directory.

        Raises:
            UnknownDocumentError: ``doc_id`` is not in the index.
        """
        started = time.perf_counter()
        if doc_id not in self._documents:
            known = ", ".join(self._documents) or "(trống)"
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục. Các văn bản hiện có: {known}")
        del self._documents[doc_id]
        del self._clauses[doc_id]
        self._refresh(faiss_index=None)
        self._write()
        return UpdateReport(removed=(doc_id,), seconds=time.perf_counter() - started)

    def _apply(self, docs: list[ParsedDocument], *, force_write: bool, progress: Progress | None = None) -> UpdateReport:
        started = time.perf_counter()
        added, updated, unchanged, pending = [], [], [], []
        for doc in docs:
            old = self._documents.get(doc.meta.doc_id)
            if old is None:
                added.append(doc.meta.doc_id)
            elif (old.meta == doc.meta and old.source_text == doc.source_text
                  and [s.clause.id for s in self._clauses[doc.meta.doc_id]] == [c.id for c in doc.clauses]):
                unchanged.append(doc.meta.doc_id)
                continue
            else:
                updated.append(doc.meta.doc_id)
            pending.append(doc)
        embedded = reused = 0
        if pending:
            known = {s.embed_sha256: s.vector for rows in self._clauses.values() for s in rows}
            texts = [embedding_text(c, d.meta) for d in pending for c in d.clauses]
            vectors, embedded = embed_with_cache(texts, self.embedder_id, self.embedder.encode_passages, self.dim,
                                                 known=known, cache=self.cache, progress=progress)
            reused = len(texts) - embedded
            i = 0
            for doc in pending:
                rows = []
                for clause in doc.clauses:
                    lex = lexical_text(clause)
                    rows.append(StoredClause(clause, text_sha256(texts[i]), vectors[i],
                                             intern_tokens(accented_tokens(lex)), intern_tokens(folded_tokens(lex))))
                    i += 1
                self._documents[doc.meta.doc_id] = StoredDocument(doc.meta, doc.source_text, tuple(doc.warnings),
                                                                  extract_targets(doc.meta, doc.clauses))
                self._clauses[doc.meta.doc_id] = rows
            self._refresh(faiss_index=None)
        if pending or force_write:
            self._write()
        return UpdateReport(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged),
                            embedded=embedded, reused=reused, seconds=time.perf_counter() - started)

    # ----- derived search structures ------------------------------------------------
    def _refresh(self, faiss_index) -> None:
        """Recompute row order, lookups and FAISS from the stored clauses (BM25 is rebuilt on first search)."""
        self._rows: list[StoredClause] = [s for d in self._documents for s in self._clauses.get(d, [])]
        self._row_by_id = {s.clause.id: i for i, s in enumerate(self._rows)}
        self._children: dict[str, list[int]] = {}
        for i, s in enumerate(self._rows):
            self._children.setdefault(s.clause.parent_id, []).append(i)
        # Rows are laid out document by document, so each document's rows are one range.
        self._doc_rows: dict[str, range] = {}
        start = 0
        for doc_id in self._documents:
            count = len(self._clauses.get(doc_id, []))
            self._doc_rows[doc_id] = range(start, start + count)
            start += count
        self._first_section: dict[str, int] = {}
        for s in self._rows:
            if s.clause.kind == "section":
                doc = s.clause.doc_id
                self._first_section[doc] = min(self._first_section.get(doc, s.clause.char_start), s.clause.char_start)
        self._vocabulary: Vocabulary | None = None
        self._lexical: LexicalIndex | None = None
        self._faiss = (faiss_index if faiss_index is not None
                       else build_faiss([s.vector for s in self._rows], self.dim, self.hnsw_threshold))

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index of the rows, built on first search: an update that only writes never builds it
        (at 1,000 plans each build took 5 s of a 21 s re-ingest, docs/scaling.md)."""
        with _LEXICAL_BUILD:  # two first questions at once (the web chat answers two) build it once
            if self._lexical is None:
                self._lexical = LexicalIndex([s.accented for s in self._rows], [s.folded for s in self._rows])
            return self._lexical

    @property
    def faiss_type(self) -> str:
        """"hnsw" or "flat"."""
        return faiss_type(self._faiss)

    # ----- persistence --------------------------------------------------------------
    def _write(self) -> None:
        """Write the whole directory anew and swap it in, holding the writer lock.

        Raises:
            IndexBusyError: Another process held the lock for ``lock_timeout`` seconds.
            IndexWriteError: Full disk, no permission or another system error
                (Vietnamese message); the previous directory is untouched.
        """
        build_id = uuid.uuid4().hex
        try:
            with index_lock(self.directory, self.lock_timeout), replacing_directory(self.directory) as tmp:
                write_catalog(tmp, list(self._documents.values()), self._rows, build_id)
                write_faiss(self._faiss, tmp)
                files = {name: _file_sha256(tmp / name) for name in INDEX_FILES}
                manifest = make_manifest(
                    embedder_id=self.embedder_id, dim=self.dim, faiss_type=self.faiss_type,
                    accent_weight=DEFAULT_ACCENT_WEIGHT, documents=self.documents(), clauses=len(self._rows),
                    build_id=build_id, files=files)
                # The manifest goes last: a directory without it is never taken for an index.
                write_manifest(tmp, manifest)
        except IndexBusyError:
            raise
        except (OSError, sqlite3.Error, RuntimeError) as exc:  # RuntimeError: FAISS failing to write
            raise write_error(self.directory, exc) from exc
        self.manifest = manifest

    # ----- reading ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    def documents(self) -> list[DocumentMeta]:
        """Metadata of every document, in index order."""
        return [d.meta for d in self._documents.values()]

    def document(self, doc_id: str) -> DocumentMeta:
        """Metadata of one document (raises UnknownDocumentError)."""
        if doc_id not in self._documents:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        return self._documents[doc_id].meta

    def vocabulary(self) -> Vocabulary:
        """How many clauses hold each search token (accented and folded), computed once per load or update."""
        if self._vocabulary is None:  # _refresh forgets it whenever the rows change
            accented: dict[str, int] = {}
            folded: dict[str, int] = {}
            for s in self._rows:
                for token in set(s.accented):
                    accented[token] = accented.get(token, 0) + 1
                for token in set(s.folded):
                    folded[token] = folded.get(token, 0) + 1
            self._vocabulary = Vocabulary(accented, folded, len(self._rows))
        return self._vocabulary

    def targets(self) -> list[tuple[DocumentMeta, Target]]:
        """Every plan's quantified targets with the plan's metadata, plans in index order."""
        return [(d.meta, t) for d in self._documents.values() for t in d.targets]

    def source_text(self, doc_id: str) -> str:
        """The full NFC text of a document (clause offsets refer to it)."""
        if doc_id not in self._documents:
            raise UnknownDocumentError(f"Không có văn bản '{doc_id}' trong chỉ mục.")
        return self._documents[doc_id].source_text

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id (KeyError if absent)."""
        return self._rows[self._row_by_id[clause_id]].clause

    def clause_at(self, row: int) -> Clause:
        """The clause stored at FAISS/BM25 row ``row``."""
        return self._rows[row].clause

    def first_section_start(self, doc_id: str) -> int | None:
        """Where the document's first numbered section starts (None without sections).

        Top-level text after it is the plan's closing, not its opening.
        """
        return self._first_section.get(doc_id)

    def children(self, clause_id: str) -> list[Clause]:
        """Direct children of a clause, in reading order."""
        return [self._rows[i].clause for i in self._children.get(clause_id, [])]

    def row_mask(self, doc_ids: set[str]) -> np.ndarray:
        """Boolean mask of the rows that belong to ``doc_ids`` (unknown ids are ignored)."""
        mask = np.zeros(len(self._rows), dtype=bool)
        for doc_id in doc_ids:
            rows = self._doc_rows.get(doc_id)
            if rows:
                mask[rows.start:rows.stop] = True
        return mask

    def dense_search(self, vector: np.ndarray, top_n: int, allowed: np.ndarray | None = None, *,
                     among: Sequence[range] | None = None) -> list[tuple[int, float]]:
        """Rows nearest to a unit query vector, as (row, cosine), best first.

        Args:
            vector: The unit query vector.
            top_n: Maximum number of rows (> 0).
            allowed: Optional boolean mask of the rows that may be returned (a filter): the FAISS
                index is searched and its hits filtered.
            among: Optional row ranges (the rows ``allowed`` keeps, when they are few: the retriever's
                ``filter_shortlist``): only these rows are scored, exactly (a commune's plan among
                3,400: its ~60 rows, not the nation's 190,000).
        """
        if top_n <= 0:
            raise ValueError(f"top_n must be > 0, got {top_n}")
        total = self._faiss.ntotal
        if total == 0:
            return []
        if among is not None:
            rows = np.array([r for span in among for r in span], dtype=np.int64)
            return self._exact_among(np.asarray(vector, dtype=np.float32).reshape(-1), rows, top_n)
        k = min(total, top_n if allowed is None else max(top_n * 20, 1000))
        scores, rows = self._faiss.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), k)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        if allowed is not None:
            hits = [(r, s) for r, s in hits if allowed[r]]
        return hits[:top_n]

    def _exact_among(self, vector: np.ndarray, rows: np.ndarray, top_n: int) -> list[tuple[int, float]]:
        """(row, cosine) of the best ``top_n`` of ``rows``, best first (ties by row)."""
        if len(rows) == 0:
            return []
        scores = np.stack([self._rows[r].vector for r in rows]) @ vector
        order = np.lexsort((rows, -scores))[:top_n]
        return [(int(rows[i]), float(scores[i])) for i in order]

    def info(self) -> IndexInfo:
        """Documents, clause counts, embedder and size on disk."""
        size = sum(p.stat().st_size for p in self.directory.glob("*") if p.is_file()) \
            if self.directory.is_dir() else 0
        docs = tuple(
            DocumentInfo(d.meta.doc_id, d.meta.title, d.meta.locality, d.meta.level,
                         len(self._clauses.get(d.meta.doc_id, [])), d.meta.damage_score, d.meta.source_path,
                         d.warnings)
            for d in self._documents.values())
        return IndexInfo(str(self.directory), int(self.manifest.get("format_version", FORMAT_VERSION)),
                         self.embedder_id, self.dim, self.faiss_type, docs, len(self._rows), size,
                         str(self.manifest.get("built_at", "")), str(self.manifest.get("corpus_hash", "")))


def _repair_interrupted_swap(directory: Path) -> None:
    """Put the previous index back after a crash between the swap's two renames.

    Only when the writer lock is free: a held lock means the swap is still in
    progress (the caller then reads again). A reader that cannot take the lock
    (another user's read-only index) leaves the directory as it is.
    """
    if not interrupted_swap(directory, MANIFEST_FILE):
        return
    try:
        with index_lock(directory, timeout=0):
            recover_interrupted_swap(directory, MANIFEST_FILE)
    except (IndexBusyError, OSError) as exc:
        logger.info("not repairing the swap of %s now: %s", directory, exc)


def _file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks (the same value as ``sha256_bytes`` of its bytes)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _read_checked(directory: Path, manifest: dict, dim: int) -> tuple[Catalog, object]:
    """The catalog and FAISS index of ``directory``, checked against ``manifest``.

    Each file's bytes are checked against its SHA-256 in the manifest; the FAISS
    index is deserialised from the very bytes checked, and the database's build
    id must be the manifest's (so a database swapped in after it was hashed is caught).

    Raises:
        _TornRead: A file is missing, damaged, or from another build.
    """
    expected = manifest.get("files") or {}
    data = {}
    for name in INDEX_FILES:
        try:
            # The database is hashed as a stream (SQLite reads it again itself, and its build id is checked
            # below): holding its bytes would double the memory of a national index (1.5 GB at 3,400 plans).
            data[name] = (directory / name).read_bytes() if name == FAISS_FILE else _file_sha256(directory / name)
        except FileNotFoundError as exc:
            raise _TornRead(f"Chỉ mục tại {directory} thiếu tệp {name}.") from exc
        except PermissionError as exc:
            raise IndexLoadError(
                f"Không có quyền đọc tệp {name} của chỉ mục tại {directory}. Hãy nhờ người dùng sở hữu thư mục "
                "cấp quyền đọc (hoặc chọn thư mục khác bằng --index).") from exc
        except OSError as exc:
            logger.info("reading %s failed", directory / name, exc_info=exc)
            raise _TornRead(f"Không đọc được tệp {name} của chỉ mục tại {directory}.") from exc
        digest = sha256_bytes(data[name]) if name == FAISS_FILE else data[name]
        if digest != expected.get(name):
            raise _TornRead(f"Chỉ mục tại {directory} bị hỏng: tệp {name} không khớp tổng kiểm tra ghi trong "
                            f"{MANIFEST_FILE} (tệp bị sửa hoặc hư trên đĩa).")
    try:
        catalog = read_catalog(directory, dim)
        faiss_index = faiss_from_bytes(data[FAISS_FILE])
    except (OSError, RuntimeError, sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
        logger.info("reading the index %s failed", directory, exc_info=exc)
        raise _TornRead(f"Chỉ mục tại {directory} bị hỏng (không đọc được cơ sở dữ liệu hoặc tệp vector).") from exc
    if catalog.build_id != manifest.get("build_id"):
        raise _TornRead(f"Các tệp của chỉ mục tại {directory} thuộc hai lần xây khác nhau.")
    if faiss_index.ntotal != len(catalog.clauses) or faiss_index.d != dim:
        raise _TornRead(
            f"Chỉ mục tại {directory} không nhất quán: tệp {FAISS_FILE} có {faiss_index.ntotal} vector, "
            f"cơ sở dữ liệu có {len(catalog.clauses)} đoạn.")
    return catalog, faiss_index
