"""Typed results of retrieval, shared by the retriever, the answerers and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Clause


@dataclass(frozen=True)
class ScoredClause:
    """A clause returned by search, with its fused score and each channel's rank.

    Attributes:
        clause: The clause record (verbatim text, body, offsets, path, titles).
        doc_title: Title of the owning document.
        locality: Locality of the owning document ("Đồng Nai", "Đak Đoa", ...).
        level: Level of the owning document ("tỉnh", "thành phố", "xã").
        section: Section path in words, e.g. "Mục III › 2. Hoàn thiện cơ chế… › ý 3".
        score: Fused score (reciprocal rank fusion, after locality preference).
        dense_rank: 1-based rank in the dense channel, or None if not retrieved there.
        lexical_rank: 1-based rank in the lexical channel, or None.
        dense_score: Cosine similarity from the dense channel, or None.
        lexical_score: BM25 score from the lexical channel, or None.
    """

    clause: Clause
    doc_title: str
    locality: str
    level: str
    section: str
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    lexical_score: float | None = None

    @property
    def id(self) -> str:
        """The clause id."""
        return self.clause.id

    def to_json(self) -> dict:
        """The JSON shape used by ``search --json`` and by answers' ``retrieved``."""
        c = self.clause
        return {
            "id": c.id,
            "doc_id": c.doc_id,
            "doc_title": self.doc_title,
            "locality": self.locality,
            "section": self.section,
            "text": c.text,
            "char_start": c.char_start,
            "char_end": c.char_end,
            "score": round(self.score, 6),
            "ranks": {"dense": self.dense_rank, "lexical": self.lexical_rank},
        }
