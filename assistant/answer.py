"""Typed answers and citations returned by every answerer (extractive or LLM)."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.types import ScoredClause


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer, built only from clause metadata.

    ``text`` is verbatim: ``nfc(source)[char_start:char_end] == text``.
    ``reading`` is the repaired reading of an OCR-damaged clause ("" otherwise).
    """

    n: int
    id: str
    doc_id: str
    doc_title: str
    locality: str
    section: str
    text: str
    char_start: int
    char_end: int
    score: float
    reading: str = ""

    @classmethod
    def from_scored(cls, n: int, scored: ScoredClause) -> Citation:
        """Build citation number ``n`` from a retrieved clause."""
        c = scored.clause
        return cls(n=n, id=c.id, doc_id=c.doc_id, doc_title=scored.doc_title,
                   locality=scored.locality, section=scored.section, text=c.text,
                   char_start=c.char_start, char_end=c.char_end, score=scored.score,
                   reading=c.reading)

    def to_json(self) -> dict:
        """The JSON shape of a citation in ``ask --json`` / ``batch`` output."""
        data = {"n": self.n, "id": self.id, "doc_id": self.doc_id, "doc_title": self.doc_title,
                "locality": self.locality, "section": self.section, "text": self.text,
                "char_start": self.char_start, "char_end": self.char_end,
                "score": round(self.score, 6)}
        if self.reading:
            data["reading"] = self.reading
        return data


@dataclass(frozen=True)
class Answer:
    """An answer in Vietnamese with inline [n] markers pointing at ``citations``.

    Attributes:
        question: The question as asked.
        answer: Answer text (markdown allowed: lists, small tables).
        abstained: True when the ingested plans do not support an answer; then
            ``citations`` lists the closest clauses as "liên quan".
        mode: "extractive" or "llm".
        citations: Numbered sources referenced by [n] markers.
        retrieved: The top fused clauses (for debugging and evaluation).
        timings_ms: Named durations in milliseconds.
        notices: Messages for the reader, e.g. an LLM fallback notice (Vietnamese).
        flagged: True when an LLM answer cited something it was not given.
        support: How well the retrieved clauses support an answer, in [0, 1]
            (see assistant/extractive.py); answers abstain below the
            ``abstain_threshold`` setting. None when not computed.
        refused: True when the question was refused before any search (empty,
            too long, only markup); ``answer`` then says why, in Vietnamese.
        off_topic: True when the answer abstained and the question is about nothing the plans
            cover (``assistant/topic.py``); ``answer`` then says what the assistant covers.
    """

    question: str
    answer: str
    abstained: bool
    mode: str
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[ScoredClause, ...] = ()
    timings_ms: dict = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    flagged: bool = False
    support: float | None = None
    refused: bool = False
    off_topic: bool = False

    def to_json(self, qid: str | None = None) -> dict:
        """The exact JSON shape of ``ask --json`` and of each ``batch`` line."""
        data: dict = {}
        if qid is not None:
            data["id"] = qid
        retrieved = [s.to_json() for s in self.retrieved]
        data.update({
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": retrieved,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        })
        if self.notices:
            data["notices"] = list(self.notices)
        if self.flagged:
            data["flagged"] = True
        if self.off_topic:
            data["off_topic"] = True
        if self.support is not None:
            data["support"] = round(self.support, 4)
        return data
