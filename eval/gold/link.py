"""Fill ``gold_clause_ids`` in the gold question set from its verbatim evidence strings.

The gold set (``eval/gold/gold.jsonl``) names its evidence as verbatim strings,
so it survives a change of chunking; the clause ids that retrieval metrics need
are derived here, never written by hand. For each evidence string we find its
span in the NFC text of its plan (whitespace runs collapsed, see
:mod:`eval.evidence`) and keep the clauses produced by
``ingest.pipeline.parse_text`` whose ``[char_start, char_end)`` overlaps it.
A clause whose overlap is entirely covered by smaller clauses nested inside it
(a section whose span contains its items) is dropped, so the ids name the most
specific clauses that hold the evidence.

Usage::

    python -m eval.gold.link [--gold FILE] [--plans DIR] [--check]

The file is rewritten in place (ids in document order, deterministic) unless
``--check`` is given; evidence strings not found (or found more than once) and
evidence spans that no clause covers are reported in Vietnamese, and the exit
code is 1 when any evidence could not be linked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from eval.evidence import Span, collapse_whitespace, locate_in
from ingest.model import Clause, ParsedDocument
from ingest.vntext import nfc

GOLD_PATH = Path(__file__).resolve().with_name("gold.jsonl")
PLANS_DIR = Path(__file__).resolve().parents[2] / "data" / "plans"

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


def _covered_offsets(start: int, end: int, covers: Iterable[tuple[int, int]]) -> set[int]:
    """Offsets in ``[start, end)`` that fall inside any of ``covers``."""
    covered: set[int] = set()
    for cover_start, cover_end in covers:
        covered.update(range(max(start, cover_start), min(end, cover_end)))
    return covered


def clauses_for_span(clauses: Sequence[Clause], span: Span, source_text: str) -> tuple[Clause, ...]:
    """The most specific clauses of one document overlapping ``span``, in document order.

    A clause is dropped when every non-whitespace character of its overlap with
    the span lies inside clauses strictly nested in it (its own items).

    Args:
        clauses: Clauses of the document ``span`` refers to.
        span: An evidence span in that document's NFC text.
        source_text: That NFC text (to ignore whitespace when judging coverage).
    """
    overlapping = [c for c in clauses if c.doc_id == span.doc_id and c.char_start < span.end and span.start < c.char_end]
    kept = []
    for clause in overlapping:
        start, end = max(clause.char_start, span.start), min(clause.char_end, span.end)
        nested = [
            (other.char_start, other.char_end)
            for other in overlapping
            if other is not clause
            and clause.char_start <= other.char_start
            and other.char_end <= clause.char_end
            and (other.char_start, other.char_end) != (clause.char_start, clause.char_end)
        ]
        covered = _covered_offsets(start, end, nested)
        if any(i not in covered and not source_text[i].isspace() for i in range(start, end)):
            kept.append(clause)
    return tuple(sorted(kept, key=lambda c: (c.char_start, c.char_end, c.id)))


def uncovered_text(clauses: Sequence[Clause], span: Span, source_text: str) -> str:
    """Non-whitespace characters of ``span`` that no clause covers, joined in order."""
    covered = _covered_offsets(span.start, span.end, ((c.char_start, c.char_end) for c in clauses))
    return "".join(
        source_text[i] for i in range(span.start, span.end) if i not in covered and not source_text[i].isspace()
    )


@dataclass(frozen=True)
class LinkProblem:
    """An evidence string that could not be linked cleanly.

    Attributes:
        question_id: Id of the gold question.
        doc_id: Document of the evidence.
        evidence: The evidence string.
        kind: "unknown_document", "not_found", "ambiguous", "uncovered" (no clause
            overlaps the span) or "partly_uncovered" (a warning: some characters of
            the span lie outside every clause, e.g. a page number).
        message: Vietnamese description for the person fixing the gold file.
    """

    question_id: str
    doc_id: str
    evidence: str
    kind: str
    message: str

    @property
    def is_error(self) -> bool:
        """True unless the problem is only a warning."""
        return self.kind != "partly_uncovered"


@dataclass(frozen=True)
class LinkReport:
    """Result of linking a gold set.

    Attributes:
        questions: The questions with ``gold_clause_ids`` recomputed.
        problems: Every problem met, in question order.
        changed: Number of questions whose clause ids changed.
    """

    questions: tuple[GoldQuestion, ...]
    problems: tuple[LinkProblem, ...]
    changed: int

    @property
    def errors(self) -> tuple[LinkProblem, ...]:
        """Problems that leave an evidence string unlinked."""
        return tuple(p for p in self.problems if p.is_error)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_questions(questions: Sequence[GoldQuestion], documents: Mapping[str, ParsedDocument]) -> LinkReport:
    """Recompute ``gold_clause_ids`` of every question from its evidence.

    Args:
        questions: Gold questions.
        documents: Parsed plans by doc id (``ParsedDocument.source_text`` is the text
            evidence is searched in and clause offsets refer to).

    Returns:
        A :class:`LinkReport`; questions whose evidence cannot be located keep the
        clause ids of the evidence that could.
    """
    collapsed = {doc_id: collapse_whitespace(nfc(doc.source_text)) for doc_id, doc in documents.items()}
    linked: list[GoldQuestion] = []
    problems: list[LinkProblem] = []
    changed = 0
    for question in questions:
        clause_ids: list[str] = []
        for evidence in question.evidence:
            problem = None
            document = documents.get(evidence.doc_id)
            if document is None:
                problem = ("unknown_document", f"không có văn bản mã '{evidence.doc_id}' trong kho")
            else:
                spans = locate_in(collapsed[evidence.doc_id], evidence.doc_id, evidence.text)
                if not spans:
                    problem = ("not_found", "không tìm thấy nguyên văn trong văn bản")
                elif len(spans) > 1:
                    problem = ("ambiguous", f"xuất hiện {len(spans)} lần; cần trích dài hơn để chỉ một chỗ")
                else:
                    source = nfc(document.source_text)
                    found = clauses_for_span(document.clauses, spans[0], source)
                    if not found:
                        problem = ("uncovered", "không có điều khoản nào chứa đoạn trích")
                    else:
                        left = uncovered_text(found, spans[0], source)
                        if left:
                            problem = ("partly_uncovered", f"các ký tự ngoài mọi điều khoản: '{_short(left, 30)}'")
                    clause_ids.extend(c.id for c in found if c.id not in clause_ids)
            if problem:
                kind, message = problem
                problems.append(LinkProblem(question.id, evidence.doc_id, evidence.text, kind, message))
        new_ids = tuple(clause_ids)
        if new_ids != question.gold_clause_ids:
            changed += 1
        linked.append(replace(question, gold_clause_ids=new_ids))
    return LinkReport(tuple(linked), tuple(problems), changed)


def parse_plans(plans_dir: str | Path = PLANS_DIR) -> dict[str, ParsedDocument]:
    """Parse every plan file of ``plans_dir`` with ``ingest.pipeline.parse_text``, keyed by doc id.

    Raises:
        ImportError: ``ingest.pipeline`` is not available yet.
    """
    from ingest.pipeline import parse_text  # imported late: linking needs ingest, reading gold does not
    from ingest.readers import read_source

    documents: dict[str, ParsedDocument] = {}
    for path in sorted(Path(plans_dir).iterdir()):
        if not path.is_file() or path.name.endswith(".meta.json") or path.name.startswith("."):
            continue
        source = read_source(path)
        document = parse_text(source.text, str(path), encoding=source.encoding)
        documents[document.meta.doc_id] = document
    return documents


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0 linked, 1 problems, 2 bad input)."""
    parser = argparse.ArgumentParser(
        prog="python -m eval.gold.link",
        description="Điền gold_clause_ids cho bộ câu hỏi chuẩn từ các đoạn trích nguyên văn.",
    )
    parser.add_argument("--gold", default=str(GOLD_PATH), help="tệp bộ câu hỏi chuẩn (JSONL)")
    parser.add_argument("--plans", default=str(PLANS_DIR), help="thư mục chứa các kế hoạch")
    parser.add_argument("--check", action="store_true", help="chỉ kiểm tra, không ghi lại tệp")
    args = parser.parse_args(argv)
    try:
        questions = read_gold(args.gold)
    except (OSError, ValueError) as error:
        print(f"Lỗi: không đọc được bộ câu hỏi '{args.gold}': {error}", file=sys.stderr)
        return 2
    try:
        documents = parse_plans(args.plans)
    except ImportError as error:
        print(f"Lỗi: chưa có ingest.pipeline để tách điều khoản ({error}).", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"Lỗi: không đọc được thư mục kế hoạch '{args.plans}': {error}", file=sys.stderr)
        return 2
    report = link_questions(questions, documents)
    for problem in report.problems:
        label = "Lỗi" if problem.is_error else "Cảnh báo"
        print(
            f"{label} {problem.question_id} [{problem.doc_id}] \"{_short(problem.evidence)}\": {problem.message}",
            file=sys.stderr,
        )
    n_ids = sum(len(q.gold_clause_ids) for q in report.questions)
    print(
        f"{len(report.questions)} câu hỏi, {n_ids} mã điều khoản; {report.changed} câu thay đổi; "
        f"{len(report.errors)} lỗi, {len(report.problems) - len(report.errors)} cảnh báo."
    )
    if args.check:
        if report.changed:
            print("Tệp chưa cập nhật: hãy chạy lại không có --check.", file=sys.stderr)
        return 1 if report.errors or report.changed else 0
    write_gold(args.gold, report.questions)
    print(f"Đã ghi {args.gold}.")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
