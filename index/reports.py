"""Typed results of the index store: what an update changed and what an index holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpdateReport:
    """What an upsert/remove changed.

    Attributes:
        added: Ids of new documents.
        updated: Ids of documents whose clauses were replaced.
        unchanged: Ids of documents left as they were (same content and clauses).
        removed: Ids of removed documents.
        embedded: Number of texts actually embedded (cache misses).
        reused: Number of clause vectors taken from the index or the vector cache.
        seconds: Wall time of the update.
    """

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the index on disk was rewritten."""
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class DocumentInfo:
    """One document line of :meth:`ClauseIndex.info`."""

    doc_id: str
    title: str
    locality: str
    level: str
    clauses: int
    damage_score: float
    source_path: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexInfo:
    """Summary of an index directory (``python -m assistant index info``)."""

    directory: str
    format_version: int
    embedder_id: str
    dim: int
    faiss_type: str
    documents: tuple[DocumentInfo, ...]
    clauses: int
    size_bytes: int
    built_at: str
    corpus_hash: str
