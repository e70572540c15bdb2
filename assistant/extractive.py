"""The default answerer: a fitted model picks the sentences of the retrieved clauses that answer.

Offline and deterministic. From the fused top clauses (and their neighbours in
the clause tree: bullets under a numbered item, attribute lines under a task,
paragraphs under an agency heading) it takes every sentence as a candidate
(:meth:`ExtractiveAnswerer.candidates`), describes each with the features of
:mod:`assistant.features`, and scores it with the fitted unit model
(:mod:`assistant.ranker`): ``Unit.score`` is P(this sentence states the answer).
The abstention model turns the candidates' probabilities and how the candidate
set meets the question's words into
P(answered), exposed as ``Answer.support``; below the ``abstain_threshold``
setting the answer abstains. The result is a typed :class:`Decision` that
:mod:`assistant.compose` only renders, with [n] markers pointing at citations
built from clause metadata only.

Five checks stay rules because they are facts, not judgements: a place the
question names that no ingested plan covers, what a document sets (figures, sums,
measures) when the plans only cite it by number (what their citation states of it, its
date, issuer and subject, is left to the fitted step), a sum of money asked when
no candidate states one, the present state asked when the candidates state only
targets, and a question about the plan document itself (its number, date,
signer, issuer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.answer import Answer
from assistant.compare_targets import compose_target_table, stated_target, stored_targets, target_rows
from assistant.compose import (
    ClauseTree,
    Unit,
    clause_or_none,
    compose_abstention,
    compose_compare,
    compose_duties,
    compose_list,
    compose_single,
    derive,
    is_bare_heading,
    whole_plan,
)
from assistant.duties import AgencyBlock, find_agency_block, subject_phrase
from assistant.features import (
    CandidateSetStats,
    candidate_set_stats,
    question_features,
    sentence_terms,
    term_weights,
    unit_features,
)
from assistant.intent import QuestionIntent, QuestionReading, content_terms, read_question
from assistant.plan_facts import answer_about_plan
from assistant.ranker import AnswerStep, load_answer_step
from assistant.sentences import AMOUNT_RE, PERCENT_RE, TARGET_WORDING_RE
from index.localities import locality_key, overlapping_locality, overlapping_plans
from index.retriever import scored_clause
from index.types import ScoredClause
from ingest.model import DocumentMeta
from ingest.targets import Target
from ingest.vntext import folded_form, nfc

__all__ = ["Candidates", "Decision", "ExtractiveAnswerer"]

MAX_CANDIDATES = 8          # retrieved clauses whose sentences are read


@dataclass
class Candidates:
    """Every candidate sentence of one question, with features, before any model scores them.

    Attributes:
        units: The candidate sentences (``Unit.features`` filled, ``score`` not yet).
        pool: The retrieved clauses they come from (the asked localities' when named).
        terms: The question's content terms.
        question: The question, NFC.
        reading: The question as read (intent, places, localities).
        top: The first retrieved clauses, as answers report them.
        documents: The indexed plans' metadata.
        asked: The localities the answer is restricted to (a filter, or those the question names).
        early: An answer decided before scoring (a place with no plan, a question about the plan
            document itself, nothing retrieved), else None.
    """

    units: list[Unit] = field(default_factory=list)
    pool: list[ScoredClause] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    stats: CandidateSetStats = field(default_factory=lambda: CandidateSetStats(0.0, 1.0, 1.0))
    total_weight: float = 0.0
    question: str = ""
    reading: QuestionReading | None = None
    top: tuple = ()
    documents: list[DocumentMeta] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    early: Answer | None = None


@dataclass(frozen=True)
class Decision:
    """What the fitted step decided: the scored candidates, the best one, P(answered) and whether to abstain."""

    units: tuple[Unit, ...]
    best: Unit | None
    probability: float
    abstain: bool


# Question kinds that ask what a document sets (figures, sums, measures, a comparison of them), not what
# a citation of it states.
_CITED_CONTENT_KINDS = frozenset({"target", "funding", "list", "compare"})
_SET_ASIDE_RE = re.compile(r"(?<!\w)ngoai\s+[^,?]{1,60},")


class ExtractiveAnswerer:
    """Grounded answers from retrieved clauses, with [n] citations; abstains when unsupported.

    Args:
        settings: Uses ``abstain_threshold`` (a probability in 0..1) and ``max_citations`` (> 0).
        answer_step: The fitted models (default: the bundled ``assistant/resources/answer_step.json``).

    Raises:
        ValueError: If a setting is out of range (the message names the value).
    """

    def __init__(self, settings, answer_step: AnswerStep | None = None) -> None:
        threshold = float(settings.abstain_threshold)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"abstain_threshold must be in [0, 1], got {threshold}")
        max_citations = int(settings.max_citations)
        if max_citations <= 0:
            raise ValueError(f"max_citations must be > 0, got {max_citations}")
        self.abstain_threshold = threshold
        self.max_citations = max_citations
        self._answer_step = answer_step

    @property
    def answer_step(self) -> AnswerStep:
        """The fitted models (read on first use)."""
        if self._answer_step is None:
            self._answer_step = load_answer_step()
        return self._answer_step

    def answer(self, question: str, retrieved: Sequence[ScoredClause], index: ClauseTree | None = None, *,
               locality: str | None = None, abstain_threshold: float | None = None,
               reading: QuestionReading | None = None) -> Answer:
        """Answer ``question`` from ``retrieved`` clauses.

        Args:
            question: The (guarded) question.
            retrieved: Fused top clauses, best first.
            index: The clause tree, to read children/parents and documents (optional).
            locality: Restrict the answer to this locality's plan.
            abstain_threshold: Per-call override of the setting.
            reading: The question as :func:`~assistant.intent.read_question` read it
                (read here when not given).

        Returns:
            An :class:`Answer` with ``mode="extractive"`` and ``support`` set.
        """
        threshold = self.abstain_threshold if abstain_threshold is None else abstain_threshold
        retrieved = list(retrieved)
        found = self.candidates(question, retrieved, index, locality=locality, reading=reading)
        if found.early is not None:
            return found.early
        decision = self.decide(found, found.reading.intent, threshold)
        support = round(decision.probability, 4)
        if decision.abstain:
            return compose_abstention(found.question, retrieved, found.top, support, reason="weak")
        return self._render(decision, found, retrieved, support, index)

    def candidates(self, question: str, retrieved: Sequence[ScoredClause], index: ClauseTree | None = None, *,
                   locality: str | None = None, reading: QuestionReading | None = None) -> Candidates:
        """The candidate sentences of ``question`` with their features (no model involved)."""
        question = nfc(question)
        retrieved = list(retrieved)
        top = tuple(retrieved[:10])
        documents = list(index.documents()) if index is not None else []
        if reading is None:
            reading = read_question(question, documents)
        intent = reading.intent
        asked = [locality] if locality else list(reading.localities)
        missing = [p for p in reading.places if documents and not overlapping_plans([p], documents)]
        if missing and not asked:
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="place",
                                                       detail=", ".join(missing)))
        cited_only = self._documents_cited_only(intent, documents)
        if cited_only and (intent.kind in _CITED_CONTENT_KINDS or intent.wants_amount):
            # A document the plans only cite by number: what it sets is not here. What their citation
            # states of it (its date, its issuer, what it is about) is, and the fitted step answers that.
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="cited",
                                                       detail=", ".join(cited_only)))
        if intent.about_plan and asked:
            # In the order the question names them ("lần lượt"), each plan once.
            named = sorted(overlapping_plans(asked, documents),
                           key=lambda d: next((i for i, a in enumerate(asked) if overlapping_locality(a, d)), 0))
            about = answer_about_plan(question, intent.plan_facts, named)
            if about is not None:
                return Candidates(early=replace(about, retrieved=top))
        pool = retrieved
        if asked:
            keys = {folded_form(a) for a in asked}
            pool = [s for s in retrieved if folded_form(s.locality) in keys] or retrieved
        if not pool:
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="none"))
        units = self._units(pool[:MAX_CANDIDATES] if intent.kind != "compare" else pool, index, intent)
        q_terms = self._question_terms(reading.query, documents, asked, reading.places)
        if not units:
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="none"))
        if intent.wants_amount and not any(AMOUNT_RE.search(u.sentence) for u in units):
            # A sum of money asked and none stated where the answer would be: said plainly, never guessed.
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="amount"))
        if intent.asks_current and not any(
                PERCENT_RE.search(u.sentence) and not TARGET_WORDING_RE.search(folded_form(u.sentence)) for u in units):
            # The present state asked ("hiện nay đã đạt …") and only targets stated: said plainly, never guessed.
            return Candidates(early=compose_abstention(question, retrieved, top, 0.0, reason="current"))
        units, stats, total_weight = self._featurise(units, q_terms, intent, pool, index)
        return Candidates(units=units, pool=list(pool), terms=q_terms, stats=stats, total_weight=total_weight,
                          question=question, reading=reading, top=top, documents=documents, asked=asked)

    def decide(self, found: Candidates, intent: QuestionIntent, threshold: float) -> Decision:
        """Score the candidates with the fitted models; abstain below ``threshold``."""
        step = self.answer_step
        scored = [replace(u, score=step.unit.probability(u.features)) for u in found.units]
        best = max(scored, key=lambda u: u.score)
        vector = question_features([u.score for u in scored], [u.features for u in scored], intent,
                                   len(found.terms), found.stats)
        probability = step.abstain.probability(vector)
        return Decision(tuple(scored), best, probability, probability < threshold)

    def _render(self, decision: Decision, found: Candidates, retrieved: Sequence[ScoredClause], support: float,
                index: ClauseTree | None) -> Answer:
        """Write the decided answer: an agency's duties, a comparison, a list or the best sentences."""
        question, reading, top, asked, pool = found.question, found.reading, found.top, found.asked, found.pool
        intent = reading.intent
        units = list(decision.units)
        best = decision.best
        documents = found.documents
        if intent.wants_duties and index is not None and (intent.kind != "compare" or len(asked) > 1):
            phrase = subject_phrase(intent.duty_subject, self._place_words(reading.places, documents, asked))
            blocks = self._agency_blocks(phrase, pool[:MAX_CANDIDATES], retrieved, asked, index)
            if blocks:
                return compose_duties(question, blocks, top, support, max_citations=self.max_citations)
        if (intent.kind == "compare" and len(asked) != 1) or len(asked) > 1:
            table = self._target_table(found, units, index, support) if index is not None else None
            if table is not None:
                return table
            return compose_compare(question, units, top, support, intent, asked, max_citations=self.max_citations,
                                   terms=found.terms, total_weight=found.total_weight)
        # A bare heading ("2. Mục tiêu cụ thể") answers only through its parts.
        bare_heading = index is not None and best.scored.clause.is_heading and bool(index.children(best.scored.id))
        if intent.kind == "list" or bare_heading:
            listed = compose_list(question, units, best, top, support, index, max_citations=self.max_citations)
            if listed is not None:
                return listed
        if is_bare_heading(best):  # no list to give: the likeliest sentence that says something
            best = max((u for u in units if not is_bare_heading(u)), key=lambda u: u.score, default=best)
        return compose_single(question, units, best, top, support, intent, max_citations=self.max_citations,
                              total_weight=found.total_weight, parts=self._part_weights(found, units))

    @staticmethod
    def _part_weights(found: Candidates, units: Sequence[Unit]) -> list[dict[str, float]]:
        """By part of a question that asks two things, the weight of each term only that part holds (a term
        two parts share says nothing of which is answered); a part with fewer than two such terms is left
        to the whole question's answer."""
        parts = found.reading.intent.parts
        if not parts:
            return []
        weights = {t: w for u in units for t, w in u.matched}
        terms = [set(content_terms(part)) for part in parts]
        result = []
        for i, own in enumerate(terms):
            others = set().union(*(t for j, t in enumerate(terms) if j != i))
            unique = {t: weights[t] for t in own - others if t in weights}
            result.append(unique if len(unique) >= 2 else {})
        return result

    @staticmethod
    def _target_table(found: Candidates, units: Sequence[Unit], index: ClauseTree, support: float) -> Answer | None:
        """A comparison of stored targets as a table, when the likeliest sentences state one (else None)."""
        stored = stored_targets(index.targets())
        stated = stated_target(units, stored, found.terms, found.reading.intent.years)
        if stated is None:
            return None
        documents = list(found.documents) if len(found.asked) < 2 else overlapping_plans(found.asked, found.documents)
        retrieved = {s.clause.id: s for s in found.pool}

        def scored_for(meta: DocumentMeta, target: Target) -> ScoredClause | None:
            if target.clause_id in retrieved:
                return retrieved[target.clause_id]
            clause = index.clause(target.clause_id)
            return scored_clause(meta, clause, index.first_section_start(meta.doc_id)) if clause else None

        intent = found.reading.intent
        rows = target_rows(stated, units, stored, documents, intent.years, scored_for)
        extreme = next((c for c in ("cao nhat", "thap nhat") if c in intent.cues), "")
        return compose_target_table(found.question, rows, found.top, support, extreme=extreme)

    def _units(self, pool: Sequence[ScoredClause], index: ClauseTree | None, intent: QuestionIntent) -> list[Unit]:
        units: list[Unit] = []
        seen: set[str] = set()
        by_id = {s.id: s for s in pool}

        def add(scored: ScoredClause, role: str) -> None:
            if scored.id in seen:
                return
            seen.add(scored.id)
            for position, sentence in enumerate(scored.clause.sentence_texts):
                units.append(Unit(scored=scored, sentence=sentence, role=role, position=position))

        for scored in pool:
            add(scored, "attribute" if scored.clause.kind == "attribute" else "self")
            if index is None:
                continue
            for kid in index.children(scored.id):
                add(by_id.get(kid.id) or derive(scored, kid), "attribute" if kid.kind == "attribute" else "child")
            # A bullet's task owns "Cơ quan thực hiện" / "Thời gian thực hiện" lines.
            if {"responsibility", "deadline"} & {intent.kind, *intent.kinds} and scored.clause.parent_id:
                parent = clause_or_none(index, scored.clause.parent_id)
                if parent is not None:
                    for kid in index.children(parent.id):
                        if kid.kind == "attribute":
                            add(by_id.get(kid.id) or derive(scored, kid), "attribute")
        return units

    @staticmethod
    def _place_words(places: Sequence[str], documents: Sequence[DocumentMeta], asked: Sequence[str]) -> set[str]:
        """Folded words of the places a question names or the corpus covers (not content)."""
        drop: set[str] = set()
        for name in list(asked) + list(places) + [d.locality for d in documents]:
            drop.update(locality_key(name).split())  # the name's words; "xã", "phường" stay content
        return drop

    def _question_terms(self, question: str, documents: Sequence[DocumentMeta], asked: Sequence[str],
                        places: Sequence[str]) -> list[str]:
        drop = self._place_words(places, documents, asked)
        # "Ngoài <X>, ... ?" sets X aside: what is set aside is not what is asked.
        question = _SET_ASIDE_RE.sub(" ", folded_form(question))
        terms = [t for t in content_terms(question) if t not in drop]
        return list(dict.fromkeys(terms))

    def _featurise(self, units: list[Unit], q_terms: list[str], intent: QuestionIntent,
                   pool: Sequence[ScoredClause], index: ClauseTree | None = None,
                   ) -> tuple[list[Unit], CandidateSetStats, float]:
        """Each unit with its features (:data:`assistant.features.UNIT_FEATURES`) and coverage, and how the
        candidate set as a whole meets the question's words."""
        top_score = max((s.score for s in pool), default=0.0) or 1.0
        by_clause = stored_targets(index.targets()).by_clause if index is not None else {}
        unit_terms = [sentence_terms(u.sentence) for u in units]
        weights = term_weights(q_terms, unit_terms)
        title_terms: dict[str, set[str]] = {}
        owner_terms: dict[str, set[str]] = {}
        result = []
        best_coverage = max((weights.share(terms) for terms in unit_terms), default=0.0)
        for unit, terms in zip(units, unit_terms, strict=True):
            clause = unit.scored.clause
            if clause.id not in title_terms:
                title_terms[clause.id] = set(content_terms(" ".join(clause.search_titles)))
                owner_terms[clause.id] = set(content_terms(clause.agency))
            quotes = frozenset(folded_form(t.quote) for t in by_clause.get(clause.id, ()))
            vector = unit_features(unit, terms, title_terms[clause.id], owner_terms[clause.id], weights, intent,
                                   top_score, best_coverage, stored_quotes=quotes)
            matched = tuple((t, w) for t, w in weights.weights.items() if t in terms)
            result.append(replace(unit, features=tuple(vector), coverage=vector[0], matched=matched))
        anywhere = set().union(*unit_terms, *title_terms.values(), *owner_terms.values())
        return result, candidate_set_stats(weights, anywhere), weights.total

    def _documents_cited_only(self, intent: QuestionIntent, documents: Sequence[DocumentMeta]) -> list[str]:
        """Document numbers in the question that are not an ingested plan nor named in a plan's title."""
        if not intent.doc_numbers or not documents:
            return []
        known = " ".join(folded_form(f"{d.number} {d.title}") for d in documents).replace(" ", "")
        return [num for num in intent.doc_numbers
                if folded_form(num).replace(" ", "") not in known]

    def _agency_blocks(self, phrase: str, pool: Sequence[ScoredClause], retrieved: Sequence[ScoredClause],
                       asked: Sequence[str], index: ClauseTree) -> list[AgencyBlock]:
        """The named agency's block: in the retrieved clauses first, then anywhere in the asked plans.

        With two or more localities named ("Sở Y tế ở Cà Mau và ở Sơn La"), one block per locality.
        """
        if not phrase:
            return []
        if len(asked) <= 1:
            block = find_agency_block(phrase, pool, index, derive)
            if block is None and asked:
                block = find_agency_block(phrase, whole_plan(index, pool), index, derive)
            return [block] if block is not None else []
        blocks = []
        for name in asked:
            local = [s for s in retrieved if folded_form(s.locality) == folded_form(name)]
            block = find_agency_block(phrase, local[:MAX_CANDIDATES] + whole_plan(index, local), index, derive)
            if block is not None:
                blocks.append(block)
        return blocks

