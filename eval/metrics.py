"""Evaluation metrics: retrieval ranking, key facts, abstention and citations.

Pure functions over plain values, unit-tested on hand-made cases in
``tests/eval/test_metrics.py``. The runner decides which questions count
(retrieval metrics and key-fact accuracy only over answerable questions).

Relevance of a retrieved item (a clause or a plain-recipe chunk): its id is one
of the question's ``gold_clause_ids``, OR its span overlaps a gold evidence span
(see :mod:`eval.evidence`). Judging by span overlap keeps the gold set valid for
any chunking, including the plain LangChain recipe's 1000-character chunks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eval.evidence import Span
from index.tokens import ABBREVIATIONS, CASE_SENSITIVE_ABBREVIATIONS
from ingest.vntext import fold_diacritics, nfc, search_form

HIT_KS: tuple[int, ...] = (1, 3, 5, 10)


@dataclass(frozen=True)
class RetrievedSpan:
    """One retrieved item as the metrics see it: an id and a span in its document.

    Attributes:
        id: Clause id (or a chunk id for the plain recipe).
        doc_id: Document id.
        char_start: Start offset into the NFC source text.
        char_end: End offset (exclusive).
    """

    id: str
    doc_id: str
    char_start: int
    char_end: int

    @property
    def span(self) -> Span:
        """The item's span."""
        return Span(self.doc_id, self.char_start, self.char_end)


# --- retrieval -------------------------------------------------------------

def relevance(retrieved: Sequence[RetrievedSpan], gold_ids: Iterable[str],
              evidence: Sequence[Sequence[Span]]) -> list[bool]:
    """Relevance of each retrieved item, in rank order.

    Args:
        retrieved: Items in rank order (rank 1 first).
        gold_ids: The question's gold clause ids.
        evidence: For each gold evidence string, the spans where it occurs.

    Returns:
        One flag per retrieved item: id in ``gold_ids`` or span overlapping evidence.
    """
    ids = set(gold_ids)
    spans = [s for occurrences in evidence for s in occurrences]
    return [item.id in ids or any(item.span.overlaps(s) for s in spans) for item in retrieved]


def _check_k(k: int) -> None:
    if k <= 0:
        raise ValueError(f"k must be > 0, got {k}")


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when a relevant item is in the top ``k``, else 0.0."""
    _check_k(k)
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int = 10) -> float:
    """1 / rank of the first relevant item within the top ``k`` (0.0 when none)."""
    _check_k(k)
    for rank, flag in enumerate(relevant[:k], start=1):
        if flag:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], n_gold: int, k: int = 10) -> float:
    """Binary-gain nDCG@k.

    The ideal ranking puts ``max(n_gold, relevant items retrieved)`` relevant
    items first (capped at ``k``): ``n_gold`` is the number of gold units (gold
    clause ids or evidence strings, whichever is larger), and the max keeps the
    score <= 1 when several retrieved items overlap the same evidence.

    Args:
        relevant: Relevance flags in rank order.
        n_gold: Number of gold units for the question (>= 0).
        k: Cut-off.

    Returns:
        nDCG in [0, 1]; 0.0 when nothing is relevant.
    """
    _check_k(k)
    if n_gold < 0:
        raise ValueError(f"n_gold must be >= 0, got {n_gold}")
    top = relevant[:k]
    dcg = sum(1.0 / math.log2(rank + 1) for rank, flag in enumerate(top, start=1) if flag)
    n_ideal = min(k, max(n_gold, sum(top)))
    if n_ideal == 0:
        return 0.0
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, n_ideal + 1))
    return dcg / ideal


def _covered_chars(span: Span, cover: Sequence[Span]) -> int:
    """Number of characters of ``span`` covered by the union of ``cover``."""
    pieces = sorted((max(span.start, c.start), min(span.end, c.end))
                    for c in cover if c.doc_id == span.doc_id)
    covered = 0
    reach = span.start
    for start, end in pieces:
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def evidence_recall_at_k(retrieved: Sequence[RetrievedSpan], evidence: Sequence[Sequence[Span]],
                         k: int = 5, min_coverage: float = 0.5) -> float | None:
    """Share of a question's evidence strings covered by the top ``k`` items.

    An evidence string counts as covered when, for one of its occurrences, the
    union of the top-k spans covers at least ``min_coverage`` of its characters
    (evidence may straddle two clauses; half of it is enough to read it there).

    Args:
        retrieved: Items in rank order.
        evidence: For each evidence string, the spans where it occurs (an
            evidence string that was not found counts as not covered).
        k: Cut-off.
        min_coverage: Required covered share of an occurrence, in (0, 1].

    Returns:
        Recall in [0, 1], or None when the question has no evidence.
    """
    _check_k(k)
    if not 0.0 < min_coverage <= 1.0:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage}")
    if not evidence:
        return None
    top = [item.span for item in retrieved[:k]]
    covered = 0
    for occurrences in evidence:
        if any(s.length and _covered_chars(s, top) >= min_coverage * s.length for s in occurrences):
            covered += 1
    return covered / len(evidence)


# --- key facts ---------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%", re.UNICODE)


def _folded_words(text: str) -> str:
    return " ".join(_TOKEN.findall(fold_diacritics(search_form(nfc(text)))))


# Abbreviations mapped to their full forms (folded, lowercase), from the one table
# (index/tokens.py). Both the answer and the fact are rewritten with it, so a fact
# written "BHYT" matches an answer saying "bảo hiểm y tế" and the other way round.
_EXPANSIONS: dict[str, str] = {
    _folded_words(abbr): _folded_words(expansions[0])
    for abbr, expansions in ABBREVIATIONS.items()
    if abbr not in CASE_SENSITIVE_ABBREVIATIONS
}
# Other spellings of a full form ("khám bệnh, chữa bệnh" = "khám chữa bệnh").
_PHRASE_VARIANTS: dict[str, str] = {
    _folded_words(variant): _folded_words(expansions[0])
    for expansions in ABBREVIATIONS.values()
    for variant in expansions[1:]
}


def fact_tokens(text: str) -> tuple[str, ...]:
    """The comparison form of a text: folded tokens with abbreviations expanded.

    Lowercase, canonical spelling (tỷ = tỉ), accents folded, punctuation and
    whitespace dropped, the decimal comma written as a point ("99,3%" ->
    ("99.3", "%")), leading zeros of whole numbers dropped ("05/6" = "5/06"),
    abbreviations replaced by their full forms.
    """
    folded = fold_diacritics(search_form(nfc(text)))
    tokens: list[str] = []
    for token in _TOKEN.findall(folded):
        if token.isdigit():
            tokens.append(token.lstrip("0") or "0")  # "05/6" = "5/6"
        elif token[0].isdigit():
            tokens.append(token.replace(",", "."))
        else:
            tokens.extend(_EXPANSIONS.get(token, token).split())
    joined = " " + " ".join(tokens) + " "
    for variant, full in _PHRASE_VARIANTS.items():
        joined = joined.replace(f" {variant} ", f" {full} ")
    return tuple(joined.split())


def _contains_sequence(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if n == 0:
        return True
    return any(tuple(haystack[i:i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


def contains_fact(text: str, fact: str) -> bool:
    """True when ``text`` states ``fact`` (token sequence match on :func:`fact_tokens`).

    Token boundaries matter: the fact "30" is not found in "2030".
    """
    return _contains_sequence(fact_tokens(text), fact_tokens(fact))


def key_fact_hits(answer: str, key_facts: Sequence[str]) -> tuple[bool, ...]:
    """For each key fact, whether ``answer`` contains it."""
    answer_tokens = fact_tokens(answer)
    return tuple(_contains_sequence(answer_tokens, fact_tokens(f)) for f in key_facts)


def answer_correct(answer: str, key_facts: Sequence[str], abstained: bool = False) -> bool:
    """True when a (non-abstained) answer contains every key fact.

    An abstention is never a correct answer to an answerable question, even when
    its "liên quan" list happens to mention the facts.
    """
    if abstained:
        return False
    return all(key_fact_hits(answer, key_facts))


# --- abstention --------------------------------------------------------------

@dataclass(frozen=True)
class AbstentionScores:
    """Abstention as a binary classifier (positive = the system abstained).

    Attributes:
        precision: Share of abstentions on unanswerable questions (None without abstentions).
        recall: Share of unanswerable questions abstained on (None without unanswerable ones).
        true_positives: Abstained on an unanswerable question.
        false_positives: Abstained on an answerable question.
        false_negatives: Answered an unanswerable question.
    """

    precision: float | None
    recall: float | None
    true_positives: int
    false_positives: int
    false_negatives: int


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> AbstentionScores:
    """Precision and recall of abstention over paired flags.

    Args:
        abstained: Whether the system abstained, per question.
        answerable: Whether the gold says the question is answerable, per question.
    """
    if len(abstained) != len(answerable):
        raise ValueError(f"abstained and answerable differ in length: {len(abstained)} != {len(answerable)}")
    tp = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and not ok)
    fp = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and ok)
    fn = sum(1 for a, ok in zip(abstained, answerable, strict=True) if not a and not ok)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return AbstentionScores(precision, recall, tp, fp, fn)


# --- citations ---------------------------------------------------------------

def citation_valid(text: str, char_start: int, char_end: int, source_text: str) -> bool:
    """True when the quoted ``text`` equals ``nfc(source_text)[char_start:char_end]``."""
    if char_start < 0 or char_end < char_start:
        return False
    return nfc(source_text)[char_start:char_end] == text


def citation_supported(cited: RetrievedSpan, cited_text: str, evidence: Sequence[Sequence[Span]],
                       key_facts: Sequence[str]) -> bool:
    """True when a cited clause carries the gold evidence or a key fact.

    Args:
        cited: The cited clause's id and span.
        cited_text: Its verbatim text.
        evidence: For each gold evidence string, the spans where it occurs.
        key_facts: The question's key facts.

    Returns:
        Whether the citation overlaps an evidence span or contains a key fact.
    """
    if any(cited.span.overlaps(s) for occurrences in evidence for s in occurrences):
        return True
    return any(contains_fact(cited_text, fact) for fact in key_facts)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the non-None values (None when there are none)."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
