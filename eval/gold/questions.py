"""The gold question set's format: :class:`GoldQuestion` and :class:`GoldEvidence`, read and written as JSONL.

One JSON object per line (``eval/gold/gold.jsonl``, the held-out
``holdout_2026-12.jsonl``), keys in :data:`FIELD_ORDER`. Every question is
validated when it is built, so a malformed line fails with the file and line
named; written files keep the key order, so rewrites give small diffs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FIELD_ORDER", "GOLD_PATH", "QUESTION_TYPES", "SPLITS", "GoldEvidence", "GoldQuestion", "read_gold",
           "write_gold"]

GOLD_PATH = Path(__file__).resolve().with_name("gold.jsonl")

QUESTION_TYPES: tuple[str, ...] = (
    "target",
    "responsibility",
    "task",
    "deadline",
    "funding",
    "compare",
    "accentless",
    "ocr",
    "unanswerable",
)
SPLITS: tuple[str, ...] = ("dev", "test")
# Order of keys when a question is written back, so rewrites give small diffs.
FIELD_ORDER: tuple[str, ...] = (
    "id",
    "question",
    "type",
    "documents",
    "answerable",
    "reference_answer",
    "key_facts",
    "evidence",
    "gold_clause_ids",
    "split",
    "variant_of",
)


@dataclass(frozen=True)
class GoldEvidence:
    """One verbatim evidence string of a gold question.

    Attributes:
        doc_id: Id of the plan the string is taken from.
        text: A substring of that plan's NFC text once whitespace runs are collapsed.
    """

    doc_id: str
    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.doc_id, str) or not self.doc_id:
            raise ValueError(f"evidence doc_id must be a non-empty string, got {self.doc_id!r}")
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError(f"evidence text must be a non-empty string, got {self.text!r}")


@dataclass(frozen=True)
class GoldQuestion:
    """One question of the gold set, validated on construction.

    Attributes:
        id: Unique id such as "q001".
        question: The question as a user would type it (Vietnamese, maybe accent-less).
        type: One of :data:`QUESTION_TYPES`.
        documents: Doc ids the question is about (empty for a locality outside the corpus).
        answerable: False when no plan states the answer.
        reference_answer: A correct answer in Vietnamese (for unanswerable questions,
            what a correct abstention says).
        key_facts: Short strings a correct answer must contain, as the source writes them.
        evidence: Verbatim evidence strings with their documents.
        gold_clause_ids: Clause ids filled by :func:`link_questions`.
        split: "dev" (may calibrate the abstention threshold) or "test".
        variant_of: For an accent-less rephrasing, the id of the accented question.
    """

    id: str
    question: str
    type: str
    documents: tuple[str, ...]
    answerable: bool
    reference_answer: str
    key_facts: tuple[str, ...]
    evidence: tuple[GoldEvidence, ...]
    gold_clause_ids: tuple[str, ...]
    split: str
    variant_of: str | None = None

    def __post_init__(self) -> None:
        for name in ("id", "question", "reference_answer"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if self.type not in QUESTION_TYPES:
            raise ValueError(f"type must be one of {QUESTION_TYPES}, got {self.type!r}")
        if self.split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {self.split!r}")
        if not isinstance(self.answerable, bool):
            raise ValueError(f"answerable must be a bool, got {self.answerable!r}")
        for name in ("documents", "key_facts", "gold_clause_ids"):
            values = getattr(self, name)
            if not all(isinstance(v, str) and v for v in values):
                raise ValueError(f"{name} must hold non-empty strings, got {values!r}")
        if self.variant_of is not None and (not isinstance(self.variant_of, str) or self.variant_of == self.id):
            raise ValueError(f"variant_of must be another question's id or None, got {self.variant_of!r}")
        if self.answerable:
            if not self.evidence:
                raise ValueError(f"answerable question {self.id} must have evidence")
            if not 1 <= len(self.key_facts) <= 3:
                raise ValueError(f"question {self.id} must have 1-3 key facts, got {len(self.key_facts)}")
        elif self.evidence or self.key_facts or self.gold_clause_ids:
            raise ValueError(f"unanswerable question {self.id} must have no evidence, key facts or clause ids")
        if (self.type == "unanswerable") == self.answerable:
            raise ValueError(f"question {self.id}: type 'unanswerable' must go with answerable=false and only then")
        stray = {e.doc_id for e in self.evidence} - set(self.documents)
        if stray:
            raise ValueError(f"question {self.id}: evidence documents {sorted(stray)} missing from documents")

    @classmethod
    def from_json(cls, data: Mapping) -> GoldQuestion:
        """Build a question from one parsed JSON line; unknown or missing keys are errors."""
        unknown = set(data) - set(FIELD_ORDER)
        missing = set(FIELD_ORDER) - set(data)
        if unknown or missing:
            raise ValueError(
                f"question {data.get('id')!r}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}"
            )
        for name in ("documents", "key_facts", "evidence", "gold_clause_ids"):
            if not isinstance(data[name], list):
                raise ValueError(f"question {data['id']!r}: {name} must be a list, got {data[name]!r}")
        return cls(
            id=data["id"],
            question=data["question"],
            type=data["type"],
            documents=tuple(data["documents"]),
            answerable=data["answerable"],
            reference_answer=data["reference_answer"],
            key_facts=tuple(data["key_facts"]),
            evidence=tuple(GoldEvidence(e["doc_id"], e["text"]) for e in data["evidence"]),
            gold_clause_ids=tuple(data["gold_clause_ids"]),
            split=data["split"],
            variant_of=data["variant_of"],
        )

    def to_json(self) -> dict:
        """Return a JSON-serialisable dict with keys in :data:`FIELD_ORDER`."""
        return {
            "id": self.id,
            "question": self.question,
            "type": self.type,
            "documents": list(self.documents),
            "answerable": self.answerable,
            "reference_answer": self.reference_answer,
            "key_facts": list(self.key_facts),
            "evidence": [{"doc_id": e.doc_id, "text": e.text} for e in self.evidence],
            "gold_clause_ids": list(self.gold_clause_ids),
            "split": self.split,
            "variant_of": self.variant_of,
        }


def read_gold(path: str | Path = GOLD_PATH) -> list[GoldQuestion]:
    """Read a gold file (one JSON object per line; blank lines ignored).

    Raises:
        ValueError: A line is not valid JSON or not a valid question; the message
            names the file and line.
    """
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: {error}") from error
    return questions


def write_gold(path: str | Path, questions: Iterable[GoldQuestion]) -> None:
    """Write questions as JSON lines (UTF-8, not ASCII-escaped), atomically."""
    path = Path(path)
    lines = [json.dumps(q.to_json(), ensure_ascii=False) for q in questions]
    fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

