"""Questions of a development set carried over to the rewritten plans.

Each question gets the substitutions of the plans it is about (its question,
reference answer, key facts and key facts by plan; an accent-less question
stays accent-less), its documents renamed to the rewrites' ids, and each
evidence string replaced by the rewritten text of the same span (the source
span followed through the rewrite's offset maps), so markers renumbered inside
an evidence string carry over too. Whatever cannot be carried over cleanly is
reported in Vietnamese and counted, never dropped in silence: evidence not
found once in the source or not once in the rewrite, an old spelling left in
the question, a key fact no longer in its evidence, two plans changing one
string differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from eval.evidence import collapse_whitespace, locate_evidence
from eval.gold.questions import GoldEvidence, GoldQuestion
from eval.metamorphic.mapping import Substitution, compile_substitutions, substitute
from eval.metamorphic.rewrite import RewrittenPlan
from ingest.vntext import fold_diacritics, folded_form, is_accentless

__all__ = ["MappedQuestion", "QuestionProblem", "map_question", "map_questions"]

# Substitution kinds whose old strings must not survive in a mapped question.
_CHECKED_KINDS = ("locality", "province", "number", "date", "percent")


@dataclass(frozen=True)
class QuestionProblem:
    """Something of a question that could not be carried over cleanly.

    Attributes:
        question_id: The question.
        kind: "unknown_document", "evidence_not_found", "evidence_not_unique", "old_form_left",
            "fact_not_in_evidence", "conflict" or "invalid".
        message: Vietnamese description.
    """

    question_id: str
    kind: str
    message: str


@dataclass(frozen=True)
class MappedQuestion:
    """A question carried over to the rewritten plans (``question`` is None when it could not be built)."""

    original: GoldQuestion
    question: GoldQuestion | None
    problems: tuple[QuestionProblem, ...]


def _substitutions_of(question: GoldQuestion, rewrites: Mapping[str, RewrittenPlan]
                      ) -> tuple[list[Substitution], list[QuestionProblem]]:
    chosen: dict[str, Substitution] = {}
    problems = []
    for doc_id in question.documents:
        rewrite = rewrites.get(doc_id)
        if rewrite is None:
            continue
        for sub in rewrite.mapping.all_substitutions():
            known = chosen.get(sub.old)
            if known is None:
                chosen[sub.old] = sub
            elif known.new != sub.new:
                problems.append(QuestionProblem(question.id, "conflict",
                                                f"'{sub.old}' được đổi khác nhau ở hai kế hoạch "
                                                f"('{known.new}' và '{sub.new}')"))
    return list(chosen.values()), problems


def _evidence(question: GoldQuestion, evidence: GoldEvidence, rewrite: RewrittenPlan
              ) -> tuple[GoldEvidence, QuestionProblem | None]:
    spans = locate_evidence(rewrite.source_text, evidence.doc_id, evidence.text)
    new_id = rewrite.mapping.doc_id
    if len(spans) != 1:
        fallback = substitute(evidence.text, rewrite.mapping.substitutions)[0]
        what = "không tìm thấy" if not spans else f"gặp {len(spans)} lần"
        return GoldEvidence(new_id, fallback), QuestionProblem(
            question.id, "evidence_not_found", f"bằng chứng {what} trong kế hoạch gốc {evidence.doc_id}")
    start, end = rewrite.project(spans[0].start, spans[0].end)
    text = collapse_whitespace(rewrite.text[start:end]).text.strip()
    found = locate_evidence(rewrite.text, new_id, text) if text else ()
    if len(found) != 1:
        what = "không tìm thấy" if not found else f"gặp {len(found)} lần"
        return GoldEvidence(new_id, text or evidence.text), QuestionProblem(
            question.id, "evidence_not_unique", f"bằng chứng đã đổi {what} trong bản viết lại {new_id}")
    return GoldEvidence(new_id, text), None


def _left_over(question: GoldQuestion, texts: Sequence[str], substitutions: Sequence[Substitution]
               ) -> list[QuestionProblem]:
    checked = [(s.old, s.new) for s in substitutions if s.kind in _CHECKED_KINDS]
    pattern, _ = compile_substitutions(checked)
    if pattern is None:
        return []
    new_forms = {s.new for s in substitutions}
    left = sorted({m.group(0) for text in texts for m in pattern.finditer(text)} - new_forms)
    return [QuestionProblem(question.id, "old_form_left", f"còn dạng cũ '{old}' trong câu hỏi/đáp án")
            for old in left]


def map_question(question: GoldQuestion, rewrites: Mapping[str, RewrittenPlan]) -> MappedQuestion:
    """Carry one question over to the rewrites of its plans (``rewrites`` keyed by source doc id)."""
    problems: list[QuestionProblem] = []
    missing = [d for d in question.documents if d not in rewrites]
    if missing:
        problems.append(QuestionProblem(question.id, "unknown_document",
                                        f"không có bản viết lại của {', '.join(missing)}"))
    substitutions, conflicts = _substitutions_of(question, rewrites)
    problems += conflicts

    def change(text: str) -> str:
        return substitute(text, substitutions)[0]

    text = change(question.question)
    if is_accentless(question.question):
        text = fold_diacritics(text)
    reference = change(question.reference_answer)
    facts = tuple(change(f) for f in question.key_facts)
    by_doc = tuple((rewrites[d].mapping.doc_id if d in rewrites else d, tuple(change(f) for f in fs))
                   for d, fs in question.key_facts_by_doc)
    evidence = []
    for item in question.evidence:
        rewrite = rewrites.get(item.doc_id)
        if rewrite is None:
            evidence.append(item)
            continue
        mapped, problem = _evidence(question, item, rewrite)
        evidence.append(mapped)
        if problem:
            problems.append(problem)
    problems += _left_over(question, [text, reference, *facts], substitutions)
    old_evidence = folded_form(" ".join(e.text for e in question.evidence))
    new_evidence = folded_form(" ".join(e.text for e in evidence))
    for old_fact, fact in zip(question.key_facts, facts, strict=True):
        if folded_form(old_fact) in old_evidence and folded_form(fact) not in new_evidence:
            problems.append(QuestionProblem(question.id, "fact_not_in_evidence",
                                            f"ý chính '{fact}' không còn trong bằng chứng đã đổi"))
    documents = tuple(rewrites[d].mapping.doc_id if d in rewrites else d for d in question.documents)
    try:
        mapped_question = replace(question, question=text, documents=documents, reference_answer=reference,
                                  key_facts=facts, key_facts_by_doc=by_doc, evidence=tuple(evidence),
                                  gold_clause_ids=())
    except ValueError as error:
        problems.append(QuestionProblem(question.id, "invalid", f"câu hỏi đã đổi không hợp lệ: {error}"))
        mapped_question = None
    return MappedQuestion(question, mapped_question, tuple(problems))


def map_questions(questions: Sequence[GoldQuestion], rewrites: Sequence[RewrittenPlan]) -> tuple[MappedQuestion, ...]:
    """Carry every question over to ``rewrites`` (one rewrite per source plan)."""
    by_source = {r.mapping.source_doc_id: r for r in rewrites}
    return tuple(map_question(q, by_source) for q in questions)
