"""The question-set format: :class:`GoldQuestion` and :class:`GoldEvidence`, read and written as JSONL.

The one reader and writer of every question file in ``eval/gold/`` (the
development set ``gold.jsonl``, the spent ``holdout_2026-12.jsonl``, the
training questions and the frozen blind set) and of evaluators' own files.
One JSON object per line, keys in :data:`FIELD_ORDER`; the keys added in
format 2 (``tags``, ``key_facts_by_doc``, ``yes_no``, ``why_unanswerable``)
may be absent from older files and take their defaults. Every question is
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

__all__ = ["FIELD_ORDER", "GOLD_PATH", "MAX_KEY_FACTS", "QUESTION_TYPES", "SPLITS", "TAGS", "UNANSWERABLE_KINDS",
           "GoldEvidence", "GoldQuestion", "GoldFormatError", "frozen_hash", "read_gold", "write_gold"]

GOLD_PATH = Path(__file__).resolve().with_name("gold.jsonl")

QUESTION_TYPES: tuple[str, ...] = (
    "target",
    "responsibility",
    "task",
    "deadline",
    "funding",
    "compare",
    "document",
    "accentless",
    "ocr",
    "unanswerable",
)
# "accentless" and "ocr" are also tags; format-1 files use them as types.
SPLITS: tuple[str, ...] = ("train", "dev", "test")
# What a question is, besides its type: typed without accents, asks two things,
# a yes/no question, about the OCR plan.
TAGS: tuple[str, ...] = ("accentless", "two_part", "yesno", "ocr")
# Why an unanswerable question cannot be answered from the plans.
UNANSWERABLE_KINDS: tuple[str, ...] = ("figure_not_stated", "set_by_law", "locality_not_ingested", "present_day",
                                       "other")
MAX_KEY_FACTS = 5
# Order of keys when a question is written back, so rewrites give small diffs.
FIELD_ORDER: tuple[str, ...] = (
    "id",
    "question",
    "type",
    "tags",
    "documents",
    "answerable",
    "reference_answer",
    "key_facts",
    "key_facts_by_doc",
    "yes_no",
    "evidence",
    "gold_clause_ids",
    "split",
    "variant_of",
    "why_unanswerable",
)
# Keys of format 2 that format-1 files lack, with the value they take then.
# gold_clause_ids and variant_of may also be absent (an evaluator's own file, not yet linked).
OPTIONAL_DEFAULTS: dict[str, object] = {"tags": [], "key_facts_by_doc": {}, "yes_no": None, "why_unanswerable": None,
                                        "gold_clause_ids": [], "variant_of": None}


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
    """One question of a question set, validated on construction (messages in Vietnamese).

    Attributes:
        id: Unique id such as "q001" or "b001".
        question: The question as a user would type it (Vietnamese, maybe accent-less).
        type: One of :data:`QUESTION_TYPES`.
        documents: Doc ids the question is about (empty for a locality outside the corpus).
        answerable: False when no plan states the answer.
        reference_answer: A correct answer in Vietnamese (for unanswerable questions,
            what a correct abstention says).
        key_facts: Short strings a correct answer must contain, as the source writes them.
        evidence: Verbatim evidence strings with their documents.
        gold_clause_ids: Clause ids filled by :func:`eval.gold.evidence_links.link_questions`.
        split: "train", "dev" (may calibrate) or "test".
        variant_of: For an accent-less rephrasing, the id of the accented question.
        tags: Subset of :data:`TAGS`.
        key_facts_by_doc: For a question on several plans, the facts each plan must
            contribute (doc id -> facts, each also in ``key_facts``).
        yes_no: For a yes/no question, the correct polarity (True = "có"); else None.
        why_unanswerable: One of :data:`UNANSWERABLE_KINDS` for an unanswerable question.
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
    tags: tuple[str, ...] = ()
    key_facts_by_doc: tuple[tuple[str, tuple[str, ...]], ...] = ()
    yes_no: bool | None = None
    why_unanswerable: str | None = None

    def __post_init__(self) -> None:
        for name in ("id", "question", "reference_answer"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} phải là chuỗi không rỗng, nhận {value!r}")
        if self.type not in QUESTION_TYPES:
            raise ValueError(f"type phải thuộc {QUESTION_TYPES}, nhận {self.type!r}")
        if self.split not in SPLITS:
            raise ValueError(f"split phải thuộc {SPLITS}, nhận {self.split!r}")
        if not isinstance(self.answerable, bool):
            raise ValueError(f"answerable phải là true/false, nhận {self.answerable!r}")
        for name in ("documents", "key_facts", "gold_clause_ids", "tags"):
            values = getattr(self, name)
            if not all(isinstance(v, str) and v for v in values):
                raise ValueError(f"{name} chỉ gồm chuỗi không rỗng, nhận {values!r}")
        unknown_tags = [t for t in self.tags if t not in TAGS]
        if unknown_tags:
            raise ValueError(f"tags phải thuộc {TAGS}, nhận {unknown_tags!r}")
        if self.variant_of is not None and (not isinstance(self.variant_of, str) or self.variant_of == self.id):
            raise ValueError(f"variant_of phải là mã một câu hỏi khác hoặc null, nhận {self.variant_of!r}")
        if self.yes_no is not None and not isinstance(self.yes_no, bool):
            raise ValueError(f"yes_no phải là true, false hoặc null, nhận {self.yes_no!r}")
        if ("yesno" in self.tags) != (self.yes_no is not None):
            raise ValueError(f"câu {self.id}: nhãn 'yesno' đi cùng yes_no true/false, và chỉ khi đó")
        self._check_answer_fields()

    def _check_answer_fields(self) -> None:
        if self.answerable:
            if not self.evidence:
                raise ValueError(f"câu {self.id} trả lời được nên phải có bằng chứng")
            if not 1 <= len(self.key_facts) <= MAX_KEY_FACTS:
                raise ValueError(f"câu {self.id} cần 1-{MAX_KEY_FACTS} ý chính, nhận {len(self.key_facts)}")
            if self.why_unanswerable is not None:
                raise ValueError(f"câu {self.id} trả lời được nên why_unanswerable phải là null")
        else:
            if self.evidence or self.key_facts or self.gold_clause_ids or self.key_facts_by_doc:
                raise ValueError(f"câu {self.id} không trả lời được nên không có bằng chứng, ý chính hay mã điều khoản")
            if self.why_unanswerable is not None and self.why_unanswerable not in UNANSWERABLE_KINDS:
                raise ValueError(f"why_unanswerable phải thuộc {UNANSWERABLE_KINDS}, nhận {self.why_unanswerable!r}")
        if (self.type == "unanswerable") == self.answerable:
            raise ValueError(f"câu {self.id}: loại 'unanswerable' đi cùng answerable=false, và chỉ khi đó")
        stray = {e.doc_id for e in self.evidence} - set(self.documents)
        if stray:
            raise ValueError(f"câu {self.id}: tài liệu của bằng chứng {sorted(stray)} không có trong documents")
        for doc_id, facts in self.key_facts_by_doc:
            if doc_id not in self.documents:
                raise ValueError(f"câu {self.id}: key_facts_by_doc nêu {doc_id!r} không có trong documents")
            missing = [f for f in facts if f not in self.key_facts]
            if not facts or missing:
                raise ValueError(f"câu {self.id}: key_facts_by_doc[{doc_id}] phải không rỗng và nằm trong "
                                 f"key_facts (thiếu {missing})")

    def facts_of(self, doc_id: str) -> tuple[str, ...]:
        """The key facts plan ``doc_id`` must contribute (empty when not declared)."""
        return dict(self.key_facts_by_doc).get(doc_id, ())

    @classmethod
    def from_json(cls, data: Mapping) -> GoldQuestion:
        """Build a question from one parsed JSON line; unknown or missing keys are errors.

        The format-2 keys of :data:`OPTIONAL_DEFAULTS` may be missing (format-1 files).
        """
        unknown = set(data) - set(FIELD_ORDER)
        missing = set(FIELD_ORDER) - set(data) - set(OPTIONAL_DEFAULTS)
        if unknown or missing:
            raise ValueError(f"câu {data.get('id')!r}: khóa lạ {sorted(unknown)}, thiếu khóa {sorted(missing)}")
        data = {**OPTIONAL_DEFAULTS, **data}
        for name in ("documents", "key_facts", "evidence", "gold_clause_ids", "tags"):
            if not isinstance(data[name], list):
                raise ValueError(f"câu {data['id']!r}: {name} phải là danh sách, nhận {data[name]!r}")
        by_doc = data["key_facts_by_doc"]
        if not isinstance(by_doc, dict) or not all(isinstance(v, list) for v in by_doc.values()):
            raise ValueError(f"câu {data['id']!r}: key_facts_by_doc phải là {{doc_id: [ý chính]}}, nhận {by_doc!r}")
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
            tags=tuple(data["tags"]),
            key_facts_by_doc=tuple((d, tuple(f)) for d, f in by_doc.items()),
            yes_no=data["yes_no"],
            why_unanswerable=data["why_unanswerable"],
        )

    def to_json(self) -> dict:
        """Return a JSON-serialisable dict with keys in :data:`FIELD_ORDER`."""
        return {
            "id": self.id,
            "question": self.question,
            "type": self.type,
            "tags": list(self.tags),
            "documents": list(self.documents),
            "answerable": self.answerable,
            "reference_answer": self.reference_answer,
            "key_facts": list(self.key_facts),
            "key_facts_by_doc": {d: list(f) for d, f in self.key_facts_by_doc},
            "yes_no": self.yes_no,
            "evidence": [{"doc_id": e.doc_id, "text": e.text} for e in self.evidence],
            "gold_clause_ids": list(self.gold_clause_ids),
            "split": self.split,
            "variant_of": self.variant_of,
            "why_unanswerable": self.why_unanswerable,
        }

    @property
    def labels(self) -> tuple[str, ...]:
        """The question's type and tags, for per-kind reports (a format-1 "ocr"/"accentless" type once)."""
        return (self.type, *(t for t in self.tags if t != self.type))


class GoldFormatError(ValueError):
    """A question file cannot be read or a line is not a valid question (message in Vietnamese)."""


def read_gold(path: str | Path = GOLD_PATH) -> list[GoldQuestion]:
    """Read a question file (one JSON object per line; blank lines ignored).

    Raises:
        GoldFormatError: The file cannot be read, a line is not valid JSON or not a
            valid question, or an id repeats; the message names the file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "không phải UTF-8"
        raise GoldFormatError(f"Không đọc được tệp câu hỏi {path}: {reason}.") from None
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldFormatError(f"{path}:{number}: không phải JSON hợp lệ ({error.msg}).") from None
        if not isinstance(data, dict):
            raise GoldFormatError(f"{path}:{number}: mỗi dòng phải là một đối tượng JSON.")
        try:
            question = GoldQuestion.from_json(data)
        except (ValueError, KeyError, TypeError) as error:
            detail = f"thiếu khóa {error}" if isinstance(error, KeyError) else str(error)
            raise GoldFormatError(f"{path}:{number}: {detail}") from error
        if question.id in seen:
            raise GoldFormatError(f"{path}:{number}: mã câu hỏi {question.id!r} bị lặp.")
        seen.add(question.id)
        questions.append(question)
    return questions


def frozen_hash(questions: Iterable[GoldQuestion]) -> str:
    """sha256 of a question set's content as written, without ``gold_clause_ids``.

    Clause ids are derived (they move when ingest changes) and are left out, so
    relinking keeps the hash; any edit of a question, fact or evidence changes it.
    """
    import hashlib

    lines = []
    for question in questions:
        data = question.to_json()
        del data["gold_clause_ids"]
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


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

