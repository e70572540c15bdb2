"""Immutable segments of an index directory: one per write batch, never changed once written.

A segment is a directory ``seg-<id>/`` inside the index directory::

    catalog.sqlite        documents (metadata, NFC source text, warnings, rows), clauses (record as JSON,
                          offsets, embedded-text hash) and targets of the batch; ``meta`` holds the
                          segment id the manifest records
    vectors.f32           the clauses' unit vectors, raw float32, row-major (rows x dim): memory-mapped
    lexical.json          each token stream's vocabulary (token id order)
    <stream>.indptr.npy   BM25 postings per stream (``postings.py``), ``.npy`` read without pickle
    <stream>.rows.npy     and memory-mapped
    <stream>.tf.npy
    <stream>.lengths.npy

It is written under a temporary name (``.tmp-seg-<id>``) and renamed into place complete; only a
manifest (``store.py``) that lists it, with the SHA-256 of each file, makes it part of the index.
Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.atomic import sync_paths
from index.postings import STREAMS, Postings

SEGMENT_PREFIX = "seg-"
TEMPORARY_PREFIX = ".tmp-"
CATALOG_FILE = "catalog.sqlite"
VECTORS_FILE = "vectors.f32"
VOCAB_FILE = "lexical.json"
ARRAYS = ("indptr", "rows", "tf", "lengths")

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    warnings_json TEXT NOT NULL,
    source_text TEXT NOT NULL,
    row_start INTEGER NOT NULL DEFAULT 0,
    row_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE clauses (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    clause_json TEXT NOT NULL,
    embed_sha256 TEXT NOT NULL
);
CREATE TABLE targets (
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    target_json TEXT NOT NULL,
    PRIMARY KEY (doc_id, position)
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
# Created after the rows are in (faster than keeping them up to date row by row).
_INDEXES = """
CREATE INDEX clauses_id ON clauses(id);
CREATE INDEX clauses_doc ON clauses(doc_id);
CREATE INDEX clauses_parent ON clauses(parent_id);
CREATE INDEX clauses_embed ON clauses(embed_sha256);
"""

# Rows of the tables as written: documents (doc_id, content_hash, meta_json, warnings_json, source_text),
# clauses (id, doc_id, kind, parent_id, char_start, char_end, clause_json, embed_sha256),
# targets (doc_id, position, target_json).
DocumentRow = tuple[str, str, str, str, str]
ClauseRow = tuple[str, str, str, str, int, int, str, str]
TargetRow = tuple[str, int, str]


def segment_files() -> list[str]:
    """Names of the files every segment has."""
    return [CATALOG_FILE, VECTORS_FILE, VOCAB_FILE, *(f"{s}.{a}.npy" for s in STREAMS for a in ARRAYS)]


def new_segment_id() -> str:
    return uuid.uuid4().hex


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_segment(directory: Path, segment_id: str, documents: Iterable[DocumentRow],
                  clauses: Iterable[ClauseRow], targets: Iterable[TargetRow], vectors: np.ndarray,
                  postings: dict[str, Postings]) -> dict:
    """Write a complete segment into ``directory`` and return its manifest entry.

    The files go to ``directory/.tmp-seg-<id>`` first; the directory is renamed to ``seg-<id>``
    only when every file is written and synced to disk (:func:`sync_paths`), and removed on any
    failure (the exception propagates).

    Returns:
        ``{"name", "id", "rows", "documents", "files": {file: sha256}, "sizes": {file: bytes}}``.
    """
    name = SEGMENT_PREFIX + segment_id
    tmp = directory / f"{TEMPORARY_PREFIX}{name}"
    tmp.mkdir()
    try:
        conn = sqlite3.connect(tmp / CATALOG_FILE)
        try:
            conn.executescript(_SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('segment_id', ?)", (segment_id,))
            conn.executemany("INSERT INTO documents (doc_id, position, content_hash, meta_json, warnings_json, "
                             "source_text) VALUES (?, ?, ?, ?, ?, ?)",
                             ((d[0], i, *d[1:]) for i, d in enumerate(documents)))
            conn.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             ((row, *c) for row, c in enumerate(clauses)))
            conn.executemany("INSERT INTO targets VALUES (?, ?, ?)", targets)
            conn.executescript(_INDEXES)
            # Each document's rows, so that opening the segment reads the documents table only.
            conn.execute("UPDATE documents SET row_start = coalesce((SELECT min(row) FROM clauses "
                         "WHERE clauses.doc_id = documents.doc_id), 0), row_count = (SELECT count(*) FROM clauses "
                         "WHERE clauses.doc_id = documents.doc_id)")
            conn.commit()
            rows = conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
            n_documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.shape[0] != rows:
            raise ValueError(f"{matrix.shape[0]} vectors for {rows} clauses")
        with (tmp / VECTORS_FILE).open("wb") as handle:
            matrix.tofile(handle)
        vocab = {}
        for stream in STREAMS:
            p = postings[stream]
            if len(p.lengths) != rows:
                raise ValueError(f"{stream} postings for {len(p.lengths)} rows, {rows} clauses")
            vocab[stream] = list(p.vocab)
            for array in ARRAYS:
                np.save(tmp / f"{stream}.{array}.npy", np.ascontiguousarray(getattr(p, array)), allow_pickle=False)
        (tmp / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        files = segment_files()
        entry = {"name": name, "id": segment_id, "rows": int(rows), "documents": int(n_documents),
                 "files": {f: file_sha256(tmp / f) for f in files},
                 "sizes": {f: (tmp / f).stat().st_size for f in files}}
        sync_paths([tmp / f for f in files] + [tmp])
        os.rename(tmp, directory / name)
        sync_paths([directory])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return entry


class SegmentDamage(Exception):
    """A segment file is missing, damaged or not the one the manifest names (``reason`` in Vietnamese)."""

    def __init__(self, reason: str, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def verify_segments(directory: Path, entries: Sequence[dict], threads: int = 2) -> None:
    """Check every file of every segment against its size and SHA-256 in the manifest.

    Files are hashed on ``threads`` threads (hashlib releases the GIL): ~1.6 GB/s per core here.

    Raises:
        SegmentDamage: The first file that is missing, unreadable or does not match.
        PermissionError: A file cannot be read for lack of permission.
    """
    jobs = []
    for entry in entries:
        files, sizes = entry.get("files") or {}, entry.get("sizes") or {}
        if set(files) != set(segment_files()):
            raise SegmentDamage(f"danh sách tệp của phần {entry.get('name')} trong manifest không đầy đủ")
        for name, digest in files.items():
            jobs.append((directory / str(entry["name"]) / name, digest, sizes.get(name)))
    # Cheap checks first: a missing or truncated file is reported without hashing anything.
    for path, _, size in jobs:
        try:
            actual = path.stat().st_size
        except FileNotFoundError as exc:
            raise SegmentDamage(f"thiếu tệp {path.parent.name}/{path.name}", missing=True) from exc
        if actual != size:
            raise SegmentDamage(f"tệp {path.parent.name}/{path.name} có kích thước khác ghi trong manifest")

    def check(job: tuple[Path, str, int]) -> str | None:
        path, digest, _ = job
        try:
            return None if file_sha256(path) == digest else f"tệp {path.parent.name}/{path.name}"
        except FileNotFoundError:
            return f"thiếu tệp {path.parent.name}/{path.name}"

    # Largest first, so that the two threads finish together.
    jobs.sort(key=lambda job: -(job[2] or 0))
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for problem in pool.map(check, jobs):
            if problem is not None:
                raise SegmentDamage(problem if problem.startswith("thiếu") else
                                    f"{problem} không khớp tổng kiểm tra ghi trong manifest (tệp bị sửa hoặc hư "
                                    "trên đĩa)", missing=problem.startswith("thiếu"))


@dataclass
class SegmentDocument:
    """One document of a segment as read at load: its metadata JSON and its rows in the segment."""

    doc_id: str
    meta_json: str
    start: int
    stop: int


class Segment:
    """An opened segment: its SQLite catalog (read-only), its memory-mapped vectors, its postings on demand.

    Args:
        directory: The index directory.
        entry: The segment's manifest entry.
        dim: Vector dimension.

    Raises:
        sqlite3.DatabaseError, ValueError, OSError: Unreadable or inconsistent files (the store
            reports them in Vietnamese).
    """

    def __init__(self, directory: Path, entry: dict, dim: int) -> None:
        self.name = str(entry["name"])
        self.id = str(entry["id"])
        self.path = directory / self.name
        self.rows = int(entry["rows"])
        self.dim = dim
        # immutable=1: the file never changes, so SQLite takes no locks and keeps no journal.
        self.conn = sqlite3.connect(f"file:{self.path / CATALOG_FILE}?mode=ro&immutable=1", uri=True,
                                    check_same_thread=False)
        (segment_id,) = self.conn.execute("SELECT value FROM meta WHERE key = 'segment_id'").fetchone() or ("",)
        if segment_id != self.id:
            raise ValueError(f"segment id {segment_id!r}, manifest says {self.id!r}")
        (rows,) = self.conn.execute("SELECT coalesce(max(row) + 1, 0) FROM clauses").fetchone()  # rowid: no scan
        if rows != self.rows:
            raise ValueError(f"{rows} clauses, manifest says {self.rows}")
        size = (self.path / VECTORS_FILE).stat().st_size
        if size != self.rows * dim * 4:
            raise ValueError(f"vectors file of {size} bytes for {self.rows} rows of dimension {dim}")
        self.vectors = (np.memmap(self.path / VECTORS_FILE, dtype=np.float32, mode="r", shape=(self.rows, dim))
                        if self.rows else np.zeros((0, dim), dtype=np.float32))
        self._postings: dict[str, Postings] | None = None

    def documents(self) -> list[SegmentDocument]:
        """The segment's documents in order, with their row ranges."""
        out, expected = [], 0
        for doc_id, meta_json, start, count in self.conn.execute(
                "SELECT doc_id, meta_json, row_start, row_count FROM documents ORDER BY position"):
            if count and start != expected:
                raise ValueError(f"rows of {doc_id} do not follow the previous document's")
            out.append(SegmentDocument(doc_id, meta_json, expected, expected + count))
            expected += count
        if expected != self.rows:
            raise ValueError(f"documents cover {expected} rows of {self.rows}")
        return out

    def postings(self) -> dict[str, Postings]:
        """Both streams' postings (arrays memory-mapped), read on first use."""
        if self._postings is None:
            vocab = json.loads((self.path / VOCAB_FILE).read_text(encoding="utf-8"))
            out = {}
            for stream in STREAMS:
                arrays = {a: np.load(self.path / f"{stream}.{a}.npy", mmap_mode="r", allow_pickle=False)
                          for a in ARRAYS}
                out[stream] = Postings(list(vocab[stream]), **arrays)
                if len(out[stream].indptr) != len(out[stream].vocab) + 1 or len(out[stream].lengths) != self.rows:
                    raise ValueError(f"postings of {stream} do not match the segment")
            self._postings = out
        return self._postings

    def close(self) -> None:
        self.conn.close()


def remove_unlisted(directory: Path, keep: set[str]) -> list[str]:
    """Delete segment directories not in ``keep`` and leftovers of crashed writers (hold the writer lock).

    Returns the names removed.
    """
    removed = []
    for path in directory.iterdir() if directory.is_dir() else ():
        if path.is_dir() and not path.is_symlink() and (
                path.name.startswith(TEMPORARY_PREFIX)
                or (path.name.startswith(SEGMENT_PREFIX) and path.name not in keep)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        elif path.is_file() and path.name.startswith(TEMPORARY_PREFIX):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
