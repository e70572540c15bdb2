"""Run a gold set through one or more systems and score every question.

A *system* is anything with a ``name`` and a ``run(question) -> SystemOutput``:
the default hybrid assistant, lexical-only and dense-only variants of it, and
the plain LangChain recipe (:mod:`eval.baseline`); adapters for them live in
:mod:`eval.systems`. :func:`evaluate` runs every question through every
system (with a tqdm progress bar), scores each with :mod:`eval.metrics` and
returns an :class:`EvalRun` that :mod:`eval.report` prints and writes.

Only answerable questions count for retrieval metrics and key-fact accuracy;
abstention is scored on every question; citation support only on answered,
answerable questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tqdm import tqdm

from eval import faithfulness as fa
from eval import metrics as m
from eval.answer_checks import AnswerCheck, check_answer
from eval.evidence import EvidenceLocator, Span
from eval.faithfulness import CitedClause, CorrectedReadings, SentenceCheck
from eval.gold.questions import SPLITS, GoldQuestion, read_gold

# Per-question metrics, in report order; aggregates add abstention and citation rates.
QUESTION_METRICS: tuple[str, ...] = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10",
                                     "evidence_recall@5", "key_fact_accuracy", "strict_accuracy", "per_plan_facts",
                                     "yes_no_accuracy", "wrong_fact_rate", "precision", "length",
                                     "false_abstention")


def load_gold(path: str | Path) -> tuple[GoldQuestion, ...]:
    """Read a question file with :func:`eval.gold.questions.read_gold` (the one reader).

    Raises:
        GoldFormatError: Unreadable file, bad line or repeated id (Vietnamese message).
    """
    return tuple(read_gold(path))


def select(questions: Iterable[GoldQuestion], *, split: str = "all", limit: int | None = None,
           answerable_only: bool = False) -> tuple[GoldQuestion, ...]:
    """Questions of one split ("dev", "test" or "all"), sorted by id, optionally the first ``limit``."""
    if split not in (*SPLITS, "all"):
        raise ValueError(f"split must be one of {SPLITS} or 'all', got {split!r}")
    if limit is not None and limit <= 0:
        raise ValueError(f"limit must be > 0, got {limit}")
    kept = sorted((q for q in questions if (split == "all" or q.split == split)
                   and (q.answerable or not answerable_only)), key=lambda q: q.id)
    return tuple(kept[:limit] if limit else kept)


@dataclass(frozen=True)
class SystemOutput:
    """What a system returned for one question."""

    retrieved: tuple[m.RetrievedSpan, ...]
    answer: str
    abstained: bool
    citations: tuple[CitedClause, ...] = ()


class System(Protocol):
    """A system under evaluation."""

    name: str

    def run(self, question: str) -> SystemOutput: ...


@dataclass(frozen=True)
class QuestionResult:
    """One question scored for one system.

    Attributes:
        qid, system, type, split, answerable: Identify the row.
        output: The system's output.
        relevant: Relevance flag of each retrieved item, in rank order.
        metrics: Per-question values of :data:`QUESTION_METRICS` (None when the
            metric does not apply, e.g. retrieval metrics on unanswerable questions).
        citations_valid: Per citation, quoted text == source slice.
        citations_supported: Per citation, supported by evidence or a key fact
            (empty when the question is unanswerable or the system abstained).
        key_facts_found: Per key fact, whether the answer contains it.
        check: The answer checks of :mod:`eval.answer_checks` (answered, answerable questions).
        sentences: Faithfulness of each answer sentence (answered questions).
        reading: Quoted OCR-reading syllables confirmed by the hand-corrected reference.
        labels: The question's type and tags (per-kind reports).
    """

    qid: str
    system: str
    type: str
    split: str
    answerable: bool
    output: SystemOutput
    relevant: tuple[bool, ...]
    metrics: Mapping[str, float | None]
    citations_valid: tuple[bool, ...] = ()
    citations_supported: tuple[bool, ...] = ()
    key_facts_found: tuple[bool, ...] = ()
    check: AnswerCheck | None = None
    sentences: tuple[SentenceCheck, ...] = ()
    reading: fa.ReadingScore = fa.ReadingScore(0, 0)
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoringContext:
    """What scoring needs beyond the gold question: source texts, localities, corrected OCR readings."""

    locator: EvidenceLocator
    localities: Mapping[str, str] = field(default_factory=dict)
    readings: CorrectedReadings | None = None


def _retrievable_documents(gold: GoldQuestion) -> list[str]:
    """The plans whose evidence lies in clauses, so retrieval can find it.

    Evidence outside every clause (a header, a signature) is answered from the
    document's metadata and has no clause id once linked; a file that was never
    linked (no ids at all) counts every plan, except for questions about the
    document itself.
    """
    documents = list(dict.fromkeys(gold.documents))
    if not gold.gold_clause_ids:
        return [] if gold.type == "document" else documents
    return [d for d in documents if any(i.startswith(f"{d}:") for i in gold.gold_clause_ids)]


def _per_document_relevance(gold: GoldQuestion, output: SystemOutput,
                            evidence: Sequence[tuple[Span, ...]]) -> list[list[bool]]:
    """For a question on several plans, relevance of each retrieved item to each plan's evidence."""
    per_doc = []
    for doc_id in _retrievable_documents(gold):
        doc_evidence = [spans for e, spans in zip(gold.evidence, evidence, strict=True) if e.doc_id == doc_id]
        doc_ids = [i for i in gold.gold_clause_ids if i.startswith(f"{doc_id}:")]
        per_doc.append(m.relevance(output.retrieved, doc_ids, doc_evidence))
    return per_doc


def score_question(gold: GoldQuestion, system: str, output: SystemOutput,
                   context: ScoringContext | EvidenceLocator) -> QuestionResult:
    """Score one system's output on one gold question.

    On a question about several plans, a rank counts as a hit only once every
    plan has a relevant item at or above it (one side alone is not a hit).
    """
    if isinstance(context, EvidenceLocator):
        context = ScoringContext(context)
    locator = context.locator
    evidence: list[tuple[Span, ...]] = [locator.locate(e.doc_id, e.text) for e in gold.evidence]
    relevant = tuple(m.relevance(output.retrieved, gold.gold_clause_ids, evidence))
    values: dict[str, float | None] = dict.fromkeys(QUESTION_METRICS)
    facts_found: tuple[bool, ...] = ()
    check = None
    retrievable = _retrievable_documents(gold)
    if gold.answerable and retrievable:
        ranked = relevant
        if len(retrievable) > 1:
            per_doc = _per_document_relevance(gold, output, evidence)
            ranked = tuple(all(any(flags[:rank]) for flags in per_doc) for rank in range(1, len(relevant) + 1))
        for k in m.HIT_KS:
            values[f"hit@{k}"] = m.hit_at_k(ranked, k)
        values["mrr@10"] = m.reciprocal_rank(ranked, 10)
        n_gold = len(set(gold.gold_clause_ids)) or len(gold.evidence)
        values["ndcg@10"] = m.ndcg_at_k(relevant, n_gold, 10)
        values["evidence_recall@5"] = m.evidence_recall_at_k(output.retrieved, evidence, 5)
    if gold.answerable:
        facts_found = m.key_fact_hits(output.answer, gold.key_facts)
        values["key_fact_accuracy"] = float(m.answer_correct(output.answer, gold.key_facts, output.abstained))
        values["false_abstention"] = float(output.abstained)
        values["strict_accuracy"] = 0.0
        if not output.abstained:
            check = check_answer(output.answer, key_facts=gold.key_facts, facts_by_doc=dict(gold.key_facts_by_doc),
                                 yes_no=gold.yes_no, reference_answer=gold.reference_answer,
                                 evidence_texts=[e.text for e in gold.evidence],
                                 cited_docs={c.n: c.doc_id for c in output.citations},
                                 localities=context.localities)
            values["strict_accuracy"] = float(check.strict)
            if check.per_document:
                values["per_plan_facts"] = float(all(check.per_document.values()))
            if gold.yes_no is not None:
                values["yes_no_accuracy"] = float(bool(check.polarity_right))
            values["wrong_fact_rate"] = float(bool(check.wrong))
            values["precision"] = check.precision
            values["length"] = float(check.length)
        else:
            if len(gold.key_facts_by_doc) > 1:
                values["per_plan_facts"] = 0.0
            if gold.yes_no is not None:
                values["yes_no_accuracy"] = 0.0
    valid = tuple(_citation_valid(c, locator) for c in output.citations)
    supported: tuple[bool, ...] = ()
    if gold.answerable and not output.abstained:
        supported = tuple(m.citation_supported(m.RetrievedSpan(c.id, c.doc_id, c.char_start, c.char_end),
                                               c.text, evidence, gold.key_facts) for c in output.citations)
    sentences: tuple[SentenceCheck, ...] = ()
    reading = fa.ReadingScore(0, 0)
    if not output.abstained:
        cited = list(output.citations)
        sentences = fa.check_answer(output.answer, cited)
        if context.readings is not None:
            reading = fa.reading_accuracy(sentences, cited, context.readings)
    return QuestionResult(gold.id, system, gold.type, gold.split, gold.answerable, output, relevant,
                          values, valid, supported, facts_found, check, sentences, reading, gold.labels)


def _citation_valid(citation: CitedClause, locator: EvidenceLocator) -> bool:
    try:
        source = locator.text(citation.doc_id)
    except KeyError:
        return False
    return m.citation_valid(citation.text, citation.char_start, citation.char_end, source)


@dataclass(frozen=True)
class Summary:
    """Aggregated metrics of a group of question results (one system, maybe one type/split)."""

    n_questions: int
    n_answerable: int
    values: Mapping[str, float | None]
    abstention: m.AbstentionScores
    n_citations: int = 0


def summarize(results: Sequence[QuestionResult]) -> Summary:
    """Aggregate question results: means over answerable questions, rates over citations."""
    answerable = [r for r in results if r.answerable]
    values: dict[str, float | None] = {name: m.mean(r.metrics[name] for r in answerable)
                                       for name in QUESTION_METRICS}
    abstention = m.abstention_scores([r.output.abstained for r in results], [r.answerable for r in results])
    values["abstention_precision"] = abstention.precision
    values["abstention_recall"] = abstention.recall
    valid = [v for r in results for v in r.citations_valid]
    supported = [v for r in results for v in r.citations_supported]
    values["citation_validity"] = sum(valid) / len(valid) if valid else None
    values["citation_support"] = sum(supported) / len(supported) if supported else None
    values["faithfulness"] = fa.faithful_share([s for r in results for s in r.sentences])
    syllables = sum(r.reading.syllables for r in results)
    values["ocr_reading_accuracy"] = (sum(r.reading.correct for r in results) / syllables) if syllables else None
    return Summary(len(results), len(answerable), values, abstention, len(valid))


@dataclass(frozen=True)
class EvalRun:
    """Every question result of a run, with the run's parameters."""

    gold_path: str
    split: str
    systems: tuple[str, ...]
    questions: tuple[GoldQuestion, ...]
    results: tuple[QuestionResult, ...]
    missing_evidence: tuple[str, ...] = field(default_factory=tuple)
    title: str = ""
    abstaining: tuple[str, ...] = ()

    def can_abstain(self, system: str) -> bool:
        """Whether the system can abstain (abstention scores and margins only make sense then)."""
        return system in self.abstaining

    def of(self, system: str, *, type_: str | None = None, split: str | None = None) -> list[QuestionResult]:
        """Results of one system, optionally of one question type or tag and/or split."""
        return [r for r in self.results if r.system == system and (type_ is None or type_ in (r.labels or (r.type,)))
                and (split is None or r.split == split)]

    def summary(self, system: str, *, type_: str | None = None, split: str | None = None) -> Summary:
        """Aggregated metrics of one system (optionally one type and/or split)."""
        return summarize(self.of(system, type_=type_, split=split))


def find_missing_evidence(questions: Sequence[GoldQuestion], locator: EvidenceLocator) -> tuple[str, ...]:
    """Descriptions (Vietnamese) of evidence strings that cannot be found in their document."""
    missing = []
    for q in questions:
        for e in q.evidence:
            try:
                found = locator.locate(e.doc_id, e.text)
            except KeyError:
                missing.append(f"{q.id}: không có văn bản {e.doc_id!r}")
                continue
            if not found:
                missing.append(f"{q.id}: không tìm thấy bằng chứng trong {e.doc_id}: {e.text[:60]!r}")
    return tuple(missing)


def evaluate(questions: Sequence[GoldQuestion], systems: Sequence[System],
             context: ScoringContext | EvidenceLocator, *, gold_path: str = "", split: str = "all",
             progress: bool = True, on_result: Callable[[QuestionResult], None] | None = None,
             title: str = "") -> EvalRun:
    """Run every question through every system and score it.

    Args:
        questions: Gold questions (already selected by split/limit).
        systems: Systems to run, in report order.
        context: Source texts for evidence and citation checks, localities and
            corrected OCR readings (a bare locator scores without the last two).
        gold_path: Recorded in the run for the report.
        split: Recorded in the run for the report.
        progress: Show a tqdm progress bar (on stderr).
        on_result: Called after each question is scored (e.g. for logging).
        title: What the run is (e.g. "tập mù, gõ không dấu"), shown on the report and charts.

    Returns:
        The run, results ordered by system then question.
    """
    if not systems:
        raise ValueError("systems must name at least one system, got none")
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise ValueError(f"system names must be unique, got {names}")
    results: list[QuestionResult] = []
    bar = tqdm(total=len(questions) * len(systems), disable=not progress, unit="câu", desc="Đánh giá")
    for system in systems:
        bar.set_postfix_str(system.name)
        for gold in questions:
            result = score_question(gold, system.name, system.run(gold.question), context)
            results.append(result)
            if on_result:
                on_result(result)
            bar.update(1)
    bar.close()
    if isinstance(context, EvidenceLocator):
        context = ScoringContext(context)
    abstaining = tuple(s.name for s in systems if getattr(s, "abstains", True))
    return EvalRun(gold_path, split, tuple(names), tuple(questions), tuple(results),
                   find_missing_evidence(questions, context.locator), title, abstaining)


@dataclass(frozen=True)
class Change:
    """A per-question metric that moved between two runs."""

    system: str
    qid: str
    metric: str
    old: float | None
    new: float | None

    @property
    def better(self) -> bool:
        """True when the new value is higher (None counts as 0)."""
        return (self.new or 0.0) > (self.old or 0.0)


COMPARED_METRICS: tuple[str, ...] = ("hit@1", "hit@5", "mrr@10", "evidence_recall@5", "key_fact_accuracy",
                                     "abstention_correct")


def question_values(result: QuestionResult) -> dict[str, float | None]:
    """Per-question values compared between runs (metrics plus whether abstention was right)."""
    values = {name: result.metrics.get(name) for name in COMPARED_METRICS if name != "abstention_correct"}
    values["abstention_correct"] = float(result.output.abstained != result.answerable)
    return values


def compare_runs(old: Mapping, run: EvalRun) -> list[Change]:
    """Per-question changes from an older ``results.json`` (as loaded JSON) to ``run``.

    Only (system, question) pairs present in both are compared.
    """
    old_values: dict[tuple[str, str], Mapping] = {}
    for row in old.get("questions", ()):
        for system, out in (row.get("systems") or {}).items():
            old_values[(system, row["id"])] = out.get("compared") or {}
    changes = []
    for result in run.results:
        before = old_values.get((result.system, result.qid))
        if before is None:
            continue
        for name, new in question_values(result).items():
            was = before.get(name)
            if name in before and (was or 0.0) != (new or 0.0):
                changes.append(Change(result.system, result.qid, name, was, new))
    return changes
