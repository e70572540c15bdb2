"""Linking gold evidence strings to the clauses that hold them.

The gold set names its evidence as verbatim strings, so it survives a change of
chunking; the clause ids that retrieval metrics need are derived here, never
written by hand. For each evidence string we find its span in the NFC text of
its plan (whitespace runs collapsed, see :mod:`eval.evidence`) and keep the
clauses produced by ``ingest.pipeline.parse_text`` whose
``[char_start, char_end)`` overlaps it. A clause whose overlap is entirely
covered by smaller clauses nested inside it (a section whose span contains its
items) is dropped, so the ids name the most specific clauses that hold the
evidence. Problems are described in Vietnamese for the person fixing the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from eval.evidence import Span, collapse_whitespace, locate_in
from eval.gold.questions import GoldQuestion
from ingest.model import Clause, ParsedDocument
from ingest.vntext import nfc

__all__ = ["LinkProblem", "LinkReport", "clauses_for_span", "link_questions", "shorten", "uncovered_text"]

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
        kind: "unknown_document", "not_found", "ambiguous", "outside_clauses" (a
            warning: no clause overlaps the span, e.g. the header or signature, which
            only document metadata answers) or "partly_uncovered" (a warning: some characters of
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
        return self.kind not in ("partly_uncovered", "outside_clauses")


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


def shorten(text: str, limit: int = 70) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" (for messages quoting evidence)."""
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
                        problem = ("outside_clauses", "nằm ngoài mọi điều khoản (phần đầu, chữ ký, nơi nhận): "
                                   "chỉ trả lời được từ thông tin của văn bản, không tính chỉ số truy xuất")
                    else:
                        left = uncovered_text(found, spans[0], source)
                        if left:
                            problem = ("partly_uncovered", f"các ký tự ngoài mọi điều khoản: '{shorten(left, 30)}'")
                    clause_ids.extend(c.id for c in found if c.id not in clause_ids)
            if problem:
                kind, message = problem
                problems.append(LinkProblem(question.id, evidence.doc_id, evidence.text, kind, message))
        new_ids = tuple(clause_ids)
        if new_ids != question.gold_clause_ids:
            changed += 1
        linked.append(replace(question, gold_clause_ids=new_ids))
    return LinkReport(tuple(linked), tuple(problems), changed)
