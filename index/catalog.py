"""The SQLite part of an index directory: documents (metadata + full NFC source
text), clauses (record, offsets, embedded-text hash, vector bytes, search tokens),
targets (each plan's quantified targets, read at ingest).

Plain tables and JSON columns only; vectors are raw float32 bytes. The FAISS
file is derived from the ``vector`` column, so an index can always be
re-derived from this database alone. A one-row ``meta`` table holds the build
id the manifest also records, so a reader can tell two builds apart.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.model import Clause, DocumentMeta, HeaderSpan, SentenceSpan
from ingest.targets import Target

DB_FILE = "index.sqlite"

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    meta_json TEXT NOT NULL,
    warnings_json TEXT NOT NULL,
    source_text TEXT NOT NULL
);
CREATE TABLE clauses (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    kind TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    clause_json TEXT NOT NULL,
    embed_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    accented_tokens TEXT NOT NULL,
    folded_tokens TEXT NOT NULL
);
CREATE INDEX clauses_doc ON clauses(doc_id);
CREATE INDEX clauses_parent ON clauses(parent_id);
CREATE TABLE targets (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    position INTEGER NOT NULL,
    target_json TEXT NOT NULL,
    PRIMARY KEY (doc_id, position)
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredDocument:
    """A document as kept in the index.

    Attributes:
        meta: Its metadata.
        source_text: The full NFC text that clause offsets refer to.
        warnings: Ingest warnings (Vietnamese).
        targets: Its quantified targets (:mod:`ingest.targets`), read at ingest.
    """

    meta: DocumentMeta
    source_text: str
    warnings: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class StoredClause:
    """A clause with everything search needs.

    Attributes:
        clause: The clause record.
        embed_sha256: SHA-256 of the text that was embedded for it.
        vector: Its unit vector (float32).
        accented: Accented search tokens.
        folded: Folded search tokens.
    """

    clause: Clause
    embed_sha256: str
    vector: np.ndarray
    accented: tuple[str, ...]
    folded: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """What :func:`read_catalog` reads.

    Attributes:
        documents: Documents in index order.
        clauses: Clauses in row order.
        build_id: The build id in the ``meta`` table ("" when absent).
    """

    documents: list[StoredDocument]
    clauses: list[StoredClause]
    build_id: str


def intern_tokens(tokens) -> tuple[str, ...]:
    """``tokens`` as a tuple of interned strings.

    A plan's words recur in every plan: at 1,000 plans the clauses' token tuples held a fresh
    string per occurrence, most of a 1.7 GB serving process (bench/scale.py, docs/scaling.md).
    """
    return tuple(map(sys.intern, tokens))


def meta_from_json(data: dict) -> DocumentMeta:
    """Rebuild a DocumentMeta from :meth:`DocumentMeta.to_json` output (unknown keys ignored)."""
    fields = DocumentMeta.__dataclass_fields__
    values = {k: v for k, v in data.items() if k in fields}
    values["recipients"] = tuple(values.get("recipients", ()))
    values["header_spans"] = tuple(HeaderSpan(**span) for span in values.get("header_spans", ()))
    return DocumentMeta(**values)


def clause_from_json(data: dict) -> Clause:
    """Rebuild a Clause from :meth:`Clause.to_json` output (unknown keys ignored)."""
    fields = Clause.__dataclass_fields__
    values = {k: v for k, v in data.items() if k in fields}
    for key in ("path", "titles", "footnotes", "title_readings"):
        values[key] = tuple(values.get(key, ()))
    values["sentences"] = tuple(SentenceSpan(*span) for span in values.get("sentences", ()))
    return Clause(**values)


def target_from_json(data: dict) -> Target:
    """Rebuild a Target from :meth:`Target.to_json` output (unknown keys ignored)."""
    fields = Target.__dataclass_fields__
    return Target(**{k: v for k, v in data.items() if k in fields})


def write_catalog(directory: Path, documents: list[StoredDocument],
                  clauses: list[StoredClause], build_id: str = "") -> None:
    """Write a fresh database into ``directory`` (rows numbered in list order), tagged with ``build_id``."""
    conn = sqlite3.connect(directory / DB_FILE)
    try:
        conn.executescript(_SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('build_id', ?)", (build_id,))
        conn.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            [(d.meta.doc_id, i, d.meta.content_hash, json.dumps(d.meta.to_json(), ensure_ascii=False),
              json.dumps(list(d.warnings), ensure_ascii=False), d.source_text)
             for i, d in enumerate(documents)],
        )
        conn.executemany(
            "INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(row, s.clause.id, s.clause.doc_id, s.clause.kind, s.clause.parent_id, s.clause.char_start,
              s.clause.char_end, json.dumps(s.clause.to_json(), ensure_ascii=False), s.embed_sha256,
              np.asarray(s.vector, dtype=np.float32).tobytes(),
              json.dumps(list(s.accented), ensure_ascii=False), json.dumps(list(s.folded), ensure_ascii=False))
             for row, s in enumerate(clauses)],
        )
        conn.executemany(
            "INSERT INTO targets VALUES (?, ?, ?)",
            [(d.meta.doc_id, i, json.dumps(t.to_json(), ensure_ascii=False))
             for d in documents for i, t in enumerate(d.targets)],
        )
        conn.commit()
    finally:
        conn.close()


def read_catalog(directory: Path, dim: int) -> Catalog:
    """Read documents, clauses (in row order) and the build id from ``directory``.

    Raises:
        sqlite3.DatabaseError, ValueError, KeyError: On a damaged database;
            the store turns these into a Vietnamese message.
    """
    conn = _read_only(directory)
    try:
        (build_id,) = conn.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone() or ("",)
        targets = _targets_by_document(conn)
        documents = [
            StoredDocument(meta_from_json(json.loads(meta)), text, tuple(json.loads(warnings)),
                           tuple(targets.get(doc_id, ())))
            for doc_id, meta, warnings, text in conn.execute(
                "SELECT doc_id, meta_json, warnings_json, source_text FROM documents ORDER BY position")
        ]
        clauses = []
        for row, clause_json, digest, blob, acc, fold in conn.execute(
                "SELECT row, clause_json, embed_sha256, vector, accented_tokens, folded_tokens "
                "FROM clauses ORDER BY row"):
            if row != len(clauses):
                raise ValueError(f"clause rows are not contiguous at row {row}")
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape[0] != dim:
                raise ValueError(f"vector of row {row} has dimension {vector.shape[0]}, expected {dim}")
            clauses.append(StoredClause(clause_from_json(json.loads(clause_json)), digest, vector,
                                        intern_tokens(json.loads(acc)), intern_tokens(json.loads(fold))))
    finally:
        conn.close()
    return Catalog(documents, clauses, str(build_id))


def read_document_metas(directory: Path) -> list[DocumentMeta]:
    """Only the documents' metadata, in order: what ingest needs to choose ids, without loading clauses.

    Raises:
        FileNotFoundError, sqlite3.DatabaseError, ValueError, KeyError: As :func:`read_catalog`.
    """
    conn = _read_only(directory)
    try:
        return _document_metas(conn)
    finally:
        conn.close()


def read_plan_targets(directory: Path) -> tuple[list[DocumentMeta], list[tuple[DocumentMeta, Target]]]:
    """Every plan's metadata and its targets, without clauses or vectors (what scoring the targets needs).

    Raises:
        FileNotFoundError, sqlite3.DatabaseError, ValueError, KeyError: As :func:`read_catalog`.
    """
    conn = _read_only(directory)
    try:
        metas = _document_metas(conn)
        targets = _targets_by_document(conn)
    finally:
        conn.close()
    return metas, [(meta, t) for meta in metas for t in targets.get(meta.doc_id, ())]


def _read_only(directory: Path) -> sqlite3.Connection:
    path = directory / DB_FILE
    if not path.is_file():
        raise FileNotFoundError(str(path))
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _document_metas(conn: sqlite3.Connection) -> list[DocumentMeta]:
    return [meta_from_json(json.loads(meta))
            for (meta,) in conn.execute("SELECT meta_json FROM documents ORDER BY position")]


def _targets_by_document(conn: sqlite3.Connection) -> dict[str, list[Target]]:
    targets: dict[str, list[Target]] = {}
    for doc_id, target in conn.execute("SELECT doc_id, target_json FROM targets ORDER BY doc_id, position"):
        targets.setdefault(doc_id, []).append(target_from_json(json.loads(target)))
    return targets
