"""What the fitted answer step sees of one candidate sentence: a fixed vector of named features.

For each candidate :class:`~assistant.compose.Unit` (a sentence of a retrieved
clause, of its children, or of its task's attribute lines), :func:`unit_features`
describes, in numbers:

- how much of the question it covers: IDF-weighted share of the question's content
  words in the sentence, in the headings above it, in its owning agency;
- how retrieval saw its clause: fused score relative to the top one, dense cosine,
  dense and lexical ranks, whether both channels found it;
- what it is: role (the clause itself, a child, an attribute line), clause kind and
  depth, whether the clause is only a heading, the sentence's place and length;
- what the question asks (its kind, a sum of money, a year, an agency's duties) and what
  the sentence has (a percentage, a figure, a year, a date, an agency, an amount,
  funding or period words, the year asked, an attribute line of the asked kind, a target ingest
  stored, a document number the question names), and
  their products, so a linear model can weigh "asks a figure and has one".

Nothing here names a plan, a locality, an agency or a question's wording; the weights
are fitted by ``python -m eval fit`` (:mod:`eval.fit`) and read by
:mod:`assistant.ranker`. :func:`question_features` describes the candidate set as a
whole for the abstention model: only what every retrieval channel provides (no cosine, which a
lexical-only retriever lacks).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.intent import INTENT_KINDS, QuestionIntent, content_terms
from assistant.sentences import AMOUNT_RE, DATE_RE, NUMBER_RE, PERCENT_RE, percent_years
from ingest.structure.roles import AGENCY_RE, YEAR_RE
from ingest.vntext import folded_form

__all__ = ["ATTRIBUTE_FOR_KIND", "QUESTION_FEATURES", "UNIT_FEATURES", "CandidateSetStats", "TermWeights",
           "candidate_set_stats", "cites_document", "question_features", "term_weights", "unit_features"]

_KINDS = ("section", "item", "letter", "bullet", "paragraph", "attribute")
_ROLES = ("self", "child", "attribute")
_FUNDING_WORDS = ("ngan sach", "kinh phi", "nguon", "xa hoi hoa", "tai tro")
_PERIOD_WORDS = ("thuong xuyen", "hang nam", "hang quy", "dinh ky", "truoc ngay", "trong nam", "hang thang",
                 "6 thang", "giai doan")
_DUTY_WORDS = ("chu tri", "phoi hop", "chiu trach nhiem", "tham muu", "huong dan", "chi dao", "to chuc")
_TARGET_WORDS = ("phan dau", "muc tieu", "chi tieu", "den nam", "truoc nam")
#: The attribute line ("Cơ quan thực hiện: …", "Thời gian thực hiện: …") that states what a question kind asks.
ATTRIBUTE_FOR_KIND = {"responsibility": "responsibility", "deadline": "deadline", "funding": "funding"}


def _words_re(words: Sequence[str]) -> re.Pattern:
    """One pattern for any of the folded ``words`` as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


_FUNDING_WORDS_RE = _words_re(_FUNDING_WORDS)
_PERIOD_WORDS_RE = _words_re(_PERIOD_WORDS)
_DUTY_WORDS_RE = _words_re(_DUTY_WORDS)
_TARGET_WORDS_RE = _words_re(_TARGET_WORDS)

_BASE = (
    "coverage", "coverage_gap", "title_coverage", "owner_coverage", "best_term_hit", "prior", "dense_score", "dense_rank_inv",
    "lexical_rank_inv", "both_channels", *(f"role_{r}" for r in _ROLES), *(f"kind_{k}" for k in _KINDS),
    "depth", "is_heading", "first_sentence", "log_length", "n_sentences_inv",
    *(f"q_{k}" for k in INTENT_KINDS), "q_amount", "q_year", "q_duties",
    "s_percent", "s_number", "s_year", "s_date", "s_agency", "s_amount", "s_funding", "s_period", "s_duty",
    "s_target_words", "year_match", "attribute_match", "has_agency", "s_stored_target", "s_doc_number",
)
_PAIRS = (
    ("q_target", "s_percent"), ("q_target", "year_match"), ("q_target", "s_number"), ("q_target", "s_target_words"),
    ("q_responsibility", "s_agency"), ("q_responsibility", "attribute_match"), ("q_responsibility", "has_agency"),
    ("q_responsibility", "s_duty"), ("q_deadline", "s_date"), ("q_deadline", "attribute_match"),
    ("q_deadline", "s_period"), ("q_funding", "s_funding"), ("q_funding", "attribute_match"),
    ("q_amount", "s_amount"), ("q_list", "role_child"), ("q_list", "is_heading"), ("q_compare", "s_percent"),
    ("q_compare", "year_match"), ("q_year", "year_match"), ("q_duties", "has_agency"), ("q_other", "coverage"),
    ("q_target", "s_stored_target"), ("q_compare", "s_stored_target"),
)
#: Names of the unit features, in vector order.
UNIT_FEATURES: tuple[str, ...] = _BASE + tuple(f"{a}*{b}" for a, b in _PAIRS)
#: Names of the question-level features of the abstention model, in vector order.
QUESTION_FEATURES: tuple[str, ...] = (
    "best_p", "margin", "best_coverage", "best_title_coverage", "best_term_hit", "best_has_fact", "fact_p",
    "union_coverage", "unmatched_share", "rare_miss", "best_doc_number",
    "n_terms_inv", *(f"q_{k}" for k in INTENT_KINDS),
)
# The fact each kind of question asks for, as unit features: the best sentence "has the fact" when any is set.
_FACT_FEATURES = {
    "target": ("s_percent", "s_number"), "responsibility": ("s_agency", "has_agency", "attribute_match"),
    "deadline": ("s_date", "s_period", "attribute_match"), "funding": ("s_funding", "attribute_match"),
    "compare": ("s_percent", "s_number", "s_agency", "s_date"),
}


@dataclass(frozen=True)
class CandidateSetStats:
    """How the candidate set as a whole meets the question's words.

    Attributes:
        union_coverage: IDF-weighted share of the question's terms found in any candidate
            sentence or heading.
        unmatched_share: Share of the question's terms found in none of them.
        rare_miss: Weight of the heaviest question term found nowhere, relative to the heaviest term.
    """

    union_coverage: float
    unmatched_share: float
    rare_miss: float


@dataclass(frozen=True)
class TermWeights:
    """The question's content terms with their IDF weights over the candidate sentences."""

    weights: dict[str, float]

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values())

    def share(self, found: set[str]) -> float:
        """The weighted share of the question's terms that ``found`` holds (0.0 without terms)."""
        total = self.total
        return sum(w for t, w in self.weights.items() if t in found) / total if total > 0 else 0.0


def term_weights(q_terms: Sequence[str], unit_terms: Sequence[set[str]]) -> TermWeights:
    """IDF weights of ``q_terms`` over the candidates' term sets (rarer among candidates = heavier)."""
    n = len(unit_terms)
    return TermWeights({t: math.log(1.0 + (n + 1) / (1.0 + sum(1 for terms in unit_terms if t in terms)))
                        for t in q_terms})


def _has(words: re.Pattern, folded: str) -> float:
    return 1.0 if words.search(folded) else 0.0


def unit_features(unit, terms: set[str], title_terms: set[str], owner_terms: set[str], weights: TermWeights,
                  intent: QuestionIntent, top_score: float, best_coverage: float = 0.0, *,
                  stored_quotes: frozenset[str] = frozenset()) -> list[float]:
    """The feature vector (:data:`UNIT_FEATURES` order) of one candidate sentence.

    ``best_coverage`` is the highest coverage among the candidates (``coverage_gap`` is the distance to it);
    ``stored_quotes`` the folded sentences of the clause that state a target ingest stored
    (:mod:`ingest.targets`).
    """
    clause = unit.scored.clause
    scored = unit.scored
    sentence = unit.sentence
    folded = folded_form(sentence)
    f: dict[str, float] = {}
    f["coverage"] = weights.share(terms)
    f["coverage_gap"] = f["coverage"] - best_coverage
    f["title_coverage"] = weights.share(title_terms - terms)
    f["owner_coverage"] = weights.share(owner_terms - terms)
    matched = [w for t, w in weights.weights.items() if t in terms]
    f["best_term_hit"] = max(matched) / max(weights.weights.values()) if matched else 0.0
    f["prior"] = max(0.0, min(1.0, scored.score / top_score)) if top_score > 0 else 0.0
    f["dense_score"] = float(scored.dense_score or 0.0)
    f["dense_rank_inv"] = 1.0 / scored.dense_rank if scored.dense_rank else 0.0
    f["lexical_rank_inv"] = 1.0 / scored.lexical_rank if scored.lexical_rank else 0.0
    f["both_channels"] = float(scored.dense_rank is not None and scored.lexical_rank is not None)
    for role in _ROLES:
        f[f"role_{role}"] = float(unit.role == role)
    for kind in _KINDS:
        f[f"kind_{kind}"] = float(clause.kind == kind)
    f["depth"] = min(len(clause.path), 5) / 5.0
    f["is_heading"] = float(clause.is_heading)
    f["first_sentence"] = float(unit.position == 0)
    f["log_length"] = math.log1p(len(sentence)) / 6.0
    f["n_sentences_inv"] = 1.0 / max(len(clause.sentences), 1)
    for kind in INTENT_KINDS:
        f[f"q_{kind}"] = float(intent.kind == kind)
    f["q_amount"] = float(intent.wants_amount)
    f["q_year"] = float(bool(intent.years))
    f["q_duties"] = float(intent.wants_duties)
    f["s_percent"] = float(bool(PERCENT_RE.search(sentence)))
    f["s_number"] = float(any(not YEAR_RE.fullmatch(n) for n in NUMBER_RE.findall(sentence)))
    f["s_year"] = float(bool(YEAR_RE.search(sentence)))
    f["s_date"] = float(bool(DATE_RE.search(sentence)))
    f["s_agency"] = float(bool(AGENCY_RE.search(sentence)))
    f["s_amount"] = float(bool(AMOUNT_RE.search(sentence)))
    f["s_funding"] = _has(_FUNDING_WORDS_RE, folded)
    f["s_period"] = _has(_PERIOD_WORDS_RE, folded)
    f["s_duty"] = _has(_DUTY_WORDS_RE, folded)
    f["s_target_words"] = _has(_TARGET_WORDS_RE, folded)
    years = set(intent.years)
    f["year_match"] = float(bool(years) and (
        any(y in years for _, y in percent_years(sentence, clause.year))
        or any(y in sentence for y in years) or clause.year in years))
    wanted = ATTRIBUTE_FOR_KIND.get(intent.kind, "")
    f["attribute_match"] = float(bool(wanted) and clause.attribute == wanted)
    f["has_agency"] = float(bool(clause.agency))
    f["s_stored_target"] = float(folded in stored_quotes)
    f["s_doc_number"] = float(cites_document(sentence, intent.doc_numbers))
    vector = [f[name] for name in _BASE]
    vector.extend(f[a] * f[b] for a, b in _PAIRS)
    return vector


def _compact_number(text: str) -> str:
    """A document number as compared: folded, without hyphens (often dropped: "NQHĐND") or the spaces
    around them and around slashes."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s*[-–]\s*", "", folded_form(text)))


def cites_document(sentence: str, numbers: Sequence[str]) -> bool:
    """Whether ``sentence`` names one of the document ``numbers`` ("72-NQ/TW"): accents, spaces and hyphens
    aside, and not as the end of a longer number ("172-NQ/TW")."""
    if not numbers:
        return False
    compact = _compact_number(sentence)
    return any(re.search(r"(?<!\d)" + re.escape(_compact_number(n)), compact) for n in numbers)


def candidate_set_stats(weights: TermWeights, found_anywhere: set[str]) -> CandidateSetStats:
    """The :class:`CandidateSetStats` of a question's term weights and every term its candidates hold."""
    if not weights.weights:
        return CandidateSetStats(0.0, 1.0, 1.0)
    heaviest = max(weights.weights.values())
    missing = [t for t in weights.weights if t not in found_anywhere]
    return CandidateSetStats(weights.share(found_anywhere), len(missing) / len(weights.weights),
                             max((weights.weights[t] for t in missing), default=0.0) / heaviest)


def _has_fact(named: dict[str, float], intent: QuestionIntent) -> float:
    """1.0 when a sentence (its named features) carries the kind of fact the question asks for."""
    if intent.wants_amount:
        return named["s_amount"]
    facts = _FACT_FEATURES.get(intent.kind, ())
    return float(any(named[f] for f in facts)) if facts else 1.0


def question_features(probabilities: Sequence[float], vectors: Sequence[Sequence[float]], intent: QuestionIntent,
                      n_terms: int, stats: CandidateSetStats) -> list[float]:
    """The abstention model's features (:data:`QUESTION_FEATURES` order) for one candidate set.

    Args:
        probabilities: Each candidate's P(it states the answer), from the unit model.
        vectors: Each candidate's unit features, in the same order.
    """
    order = sorted(range(len(probabilities)), key=lambda i: probabilities[i], reverse=True)
    best_p = probabilities[order[0]]
    second_p = probabilities[order[1]] if len(order) > 1 else 0.0
    named = dict(zip(UNIT_FEATURES, vectors[order[0]], strict=True))
    # The likeliest sentence that carries the asked kind of fact: low when only other facts are stated.
    fact_p = max((probabilities[i] for i in order
                  if _has_fact(dict(zip(UNIT_FEATURES, vectors[i], strict=True)), intent)), default=0.0)
    values = [best_p, best_p - second_p, named["coverage"], named["title_coverage"], named["best_term_hit"],
              _has_fact(named, intent), fact_p, stats.union_coverage, stats.unmatched_share, stats.rare_miss,
              named["s_doc_number"], 1.0 / max(n_terms, 1)]
    values.extend(float(intent.kind == kind) for kind in INTENT_KINDS)
    return values


def sentence_terms(sentence: str) -> set[str]:
    """The folded content terms of a sentence (what coverage is counted on)."""
    return set(content_terms(sentence))
