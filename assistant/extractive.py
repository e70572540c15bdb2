"""The default answerer: picks the sentences of the retrieved clauses that answer.

Offline and deterministic. From the fused top clauses (and their neighbours in
the clause tree: bullets under a numbered item, "Cơ quan thực hiện" /
"Thời gian thực hiện" attribute lines under a task, paragraphs under an agency
heading) it splits bodies into sentences, scores each sentence, and writes a
short Vietnamese answer whose inline [n] markers point at citations built
from clause metadata only (:meth:`Citation.from_scored`).

Sentence score (all parts in [0, 1])::

    score = 0.55 * coverage + 0.25 * evidence + 0.20 * prior

- ``coverage``: share of the question's content words (folded, abbreviations
  spelled out, IDF-weighted over the candidate sentences) found in the
  sentence; a word found only in the clause's headings counts half (fully
  when the heading is the agency that owns the clause, "2. Sở Tài chính").
- ``evidence``: what the question type needs (see :func:`evidence_score`):
  numbers/percentages for targets, agencies for responsibility, dates for
  deadlines, "ngân sách/kinh phí/nguồn" for funding, an amount in đồng when
  the question asks for money.
- ``prior``: the clause's fused retrieval score divided by the top one.

Support score (exposed as ``Answer.support``; the answer abstains below the
``abstain_threshold`` setting)::

    support = (0.60 * coverage + 0.25 * evidence + 0.15 * agreement) * penalty

taken at the best sentence, where ``agreement`` is 1 when that clause (or the
clause it hangs under) was found by both the dense and the lexical channel,
0.5 by one, and ``penalty`` is 0 when the question names a place with no
ingested plan, 0.3 when it asks for an amount in đồng and no candidate states
one, 0.4 when it names a document that is not an ingested plan and that the
plans only cite by number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer import Answer
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
    whole_plan,
)
from assistant.duties import AgencyBlock, find_agency_block, subject_phrase
from assistant.intent import QuestionIntent, QuestionReading, content_terms, read_question
from assistant.plan_facts import answer_about_plan
from assistant.sentences import (
    AMOUNT_RE,
    PERCENT_RE,
    TARGET_WORDING_RE,
    evidence_score,
    is_agency_heading,
    is_heading_only,
    split_sentences,
)
from index.localities import overlapping_locality
from index.types import ScoredClause
from ingest.model import DocumentMeta
from ingest.vntext import folded_form, nfc

__all__ = ["ExtractiveAnswerer"]

S_COVERAGE, S_EVIDENCE, S_AGREEMENT = 0.60, 0.25, 0.15
PENALTY_AMOUNT_MISSING = 0.3
PENALTY_CITED_DOCUMENT = 0.4
PENALTY_FOCUS_MISSING = 0.3   # "Bệnh viện nào ...?" and no candidate names one
PENALTY_ONLY_TARGETS = 0.4    # "hiện nay đã đạt bao nhiêu?" and the candidates state only targets
MAX_CANDIDATES = 8          # retrieved clauses whose sentences are read


_SET_ASIDE_RE = re.compile(r"(?<!\w)ngoai\s+[^,?]{1,60},")


class ExtractiveAnswerer:
    """Grounded answers from retrieved clauses, with [n] citations; abstains when unsupported.

    Args:
        settings: Uses ``abstain_threshold`` (0..1) and ``max_citations`` (> 0).

    Raises:
        ValueError: If a setting is out of range (the message names the value).
    """

    def __init__(self, settings) -> None:
        threshold = float(settings.abstain_threshold)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"abstain_threshold must be in [0, 1], got {threshold}")
        max_citations = int(settings.max_citations)
        if max_citations <= 0:
            raise ValueError(f"max_citations must be > 0, got {max_citations}")
        self.abstain_threshold = threshold
        self.max_citations = max_citations

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
        question = nfc(question)
        retrieved = list(retrieved)
        top = tuple(retrieved[:10])
        documents = list(index.documents()) if index is not None else []
        if reading is None:
            reading = read_question(question, documents)
        intent = reading.intent
        asked = [locality] if locality else list(reading.localities)
        missing = [p for p in reading.places
                   if documents and not any(overlapping_locality(p, d) for d in documents)]
        if missing and not asked:
            return compose_abstention(question, retrieved, top, 0.0, reason="place", detail=", ".join(missing))
        if intent.about_plan and asked:
            named = [d for d in documents if any(overlapping_locality(a, d) for a in asked)]
            about = answer_about_plan(question, intent.about_plan, named)
            if about is not None:
                return replace(about, retrieved=top)

        pool = retrieved
        if asked:
            keys = {folded_form(a) for a in asked}
            in_asked = [s for s in retrieved if folded_form(s.locality) in keys]
            pool = in_asked or retrieved
        if not pool:
            return compose_abstention(question, retrieved, top, 0.0, reason="none")

        units = self._units(pool[:MAX_CANDIDATES] if intent.kind != "compare" else pool, index, intent)
        q_terms = self._question_terms(reading.query, documents, asked, reading.places)
        self._score_units(units, q_terms, intent, pool)
        if not units:
            return compose_abstention(question, retrieved, top, 0.0, reason="none")

        best = max(units, key=lambda u: u.score)
        penalty, reason, detail = 1.0, "weak", ""
        if intent.wants_amount and not any(AMOUNT_RE.search(u.sentence) for u in units):
            penalty, reason = PENALTY_AMOUNT_MISSING, "amount"
        if intent.focus_noun and not any(
                re.search(rf"(?<!\w){intent.focus_noun}(?!\w)", folded_form(u.sentence)) for u in units):
            penalty, reason, detail = min(penalty, PENALTY_FOCUS_MISSING), "focus", intent.focus_noun
        if intent.asks_current and intent.kind == "target" and not any(
                PERCENT_RE.search(u.sentence) and not TARGET_WORDING_RE.search(folded_form(u.sentence))
                for u in units):
            penalty, reason = min(penalty, PENALTY_ONLY_TARGETS), "current"
        cited_only = self._documents_cited_only(intent, documents)
        if cited_only:
            penalty, reason, detail = min(penalty, PENALTY_CITED_DOCUMENT), "cited", ", ".join(cited_only)
        support = (S_COVERAGE * best.coverage + S_EVIDENCE * best.evidence + S_AGREEMENT * best.agreement) * penalty
        support = round(min(1.0, max(0.0, support)), 4)
        if support < threshold:
            return compose_abstention(question, retrieved, top, support, reason=reason, detail=detail)
        if intent.wants_duties and index is not None and (intent.kind != "compare" or len(asked) > 1):
            phrase = subject_phrase(intent.duty_subject, self._place_words(reading.places, documents, asked))
            blocks = self._agency_blocks(phrase, pool[:MAX_CANDIDATES], retrieved, asked, index)
            if blocks:
                return compose_duties(question, blocks, top, support, max_citations=self.max_citations)
        if (intent.kind == "compare" and len(asked) != 1) or len(asked) > 1:
            return compose_compare(question, units, top, support, intent, asked, max_citations=self.max_citations,
                                   terms=q_terms)
        # A bare heading ("2. Mục tiêu cụ thể") answers only through its parts.
        bare_heading = index is not None and is_heading_only(best.scored.clause) and bool(
            index.children(best.scored.id))
        if intent.kind == "list" or bare_heading:
            listed = compose_list(question, units, best, top, support, index, max_citations=self.max_citations)
            if listed is not None:
                return listed
        return compose_single(question, units, best, top, support, intent, max_citations=self.max_citations)

    def _units(self, pool: Sequence[ScoredClause], index: ClauseTree | None, intent: QuestionIntent) -> list[Unit]:
        units: list[Unit] = []
        seen: set[str] = set()
        by_id = {s.id: s for s in pool}

        def add(scored: ScoredClause, role: str) -> None:
            if scored.id in seen:
                return
            seen.add(scored.id)
            text = scored.clause.reading or scored.clause.body or scored.clause.text
            for sentence in split_sentences(text):
                units.append(Unit(scored=scored, sentence=sentence, role=role))

        for scored in pool:
            add(scored, "attribute" if scored.clause.kind == "attribute" else "self")
            if index is None:
                continue
            kids = list(index.children(scored.id))
            for kid in kids:
                derived = by_id.get(kid.id) or derive(scored, kid)
                add(derived, "attribute" if kid.kind == "attribute" else "child")
            # A bullet's task owns "Cơ quan thực hiện" / "Thời gian thực hiện" lines.
            if intent.kind in ("responsibility", "deadline") and scored.clause.parent_id:
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
            drop.update(folded_form(name).split())
        return drop

    def _question_terms(self, question: str, documents: Sequence[DocumentMeta], asked: Sequence[str],
                        places: Sequence[str]) -> list[str]:
        drop = self._place_words(places, documents, asked)
        # "Ngoài ngân sách nhà nước, ... còn nguồn nào?": what is set aside is not what is asked.
        question = _SET_ASIDE_RE.sub(" ", folded_form(question))
        terms = [t for t in content_terms(question) if t not in drop]
        return list(dict.fromkeys(terms))

    def _score_units(self, units: list[Unit], q_terms: list[str], intent: QuestionIntent,
                     pool: Sequence[ScoredClause]) -> None:
        top_score = max((s.score for s in pool), default=0.0) or 1.0
        unit_terms = [set(content_terms(u.sentence)) for u in units]
        title_terms: dict[str, set[str]] = {}
        owner_terms: dict[str, set[str]] = {}  # an agency heading owns the paragraphs under it
        n = len(units)
        weights = {}
        for t in q_terms:
            df = sum(1 for terms in unit_terms if t in terms)
            weights[t] = math.log(1.0 + (n + 1) / (1.0 + df))
        total = sum(weights.values())
        for i, unit in enumerate(units):
            clause = unit.scored.clause
            if clause.id not in title_terms:
                owner = [t for t in clause.search_titles[1:] if is_agency_heading(t)]
                title_terms[clause.id] = set(content_terms(" ".join(clause.search_titles)))
                owner_terms[clause.id] = set(content_terms(" ".join(owner)))
            if total > 0:
                got = sum(w * (1.0 if t in unit_terms[i] or t in owner_terms[clause.id]
                               else 0.5 if t in title_terms[clause.id] else 0.0)
                          for t, w in weights.items())
                coverage = got / total
            else:
                coverage = 0.0
            evidence = evidence_score(intent, unit.sentence, role=unit.role, titles=clause.search_titles)
            channels = (unit.scored.dense_rank is not None) + (unit.scored.lexical_rank is not None)
            agreement = channels / 2 if channels else 0.5
            units[i] = replace(unit, coverage=coverage, evidence=evidence,
                               prior=max(0.0, min(1.0, unit.scored.score / top_score)), agreement=agreement)

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

