"""Comparisons of targets as data: one row per locality and year (figure, year, [n]) from the targets ingest stored.

A comparison is about targets when the answer step's likeliest sentences state a
target that ingest recorded (:mod:`ingest.targets`): the model decides, not a word
list. The table then takes, for every locality compared, its stored targets of the
same kind (coverage, or the same indicator for other targets) and of the years the
question names (every year when it names none). A locality whose plan sets no such
figure gets a row saying so, citing its sentence that names the asked year (else its
likeliest sentence on that indicator) when there is one, so nothing is left out
silently; a coverage goal the plan states in words for the year ("toàn dân") is a
stored target like a figure and fills its row ("toàn dân (không nêu con số)"). Cells hold only the figure; the full sentence of each row is its citation,
one tap away in the chat.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answer import Answer, Citation
from assistant.compose import Unit, cite, is_bare_heading
from index.types import ScoredClause
from ingest.model import DocumentMeta
from ingest.targets import COVERAGE, NO_FIGURE, Target, speaks_of_coverage
from ingest.vntext import folded_form

# How many of the likeliest sentences may reveal that the comparison is about a stored target.
MATCH_DEPTH = 5
# Share of a stored indicator's words another "other" target must share to count as the same indicator.
SAME_INDICATOR = 0.5


@dataclass(frozen=True)
class TargetRow:
    """One row: a locality, its target (None when its plan sets none) and the clause the row cites."""

    locality: str
    target: Target | None
    cited: ScoredClause | None


@dataclass(frozen=True)
class StoredTargets:
    """Every stored target grouped once: by the clause that states it, by plan, and the indicator words'
    weights (see :func:`stored_targets`, which builds it once per index instead of once per question).

    Attributes:
        source: The ``(plan, target)`` pairs it was built from (``ClauseTree.targets()``).
    """

    source: Sequence[tuple[DocumentMeta, Target]]
    by_clause: dict[str, list[Target]] = field(default_factory=dict)
    by_doc: dict[str, list[Target]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, targets: Sequence[tuple[DocumentMeta, Target]]) -> StoredTargets:
        grouped = cls(targets, weights=_word_weights(targets))
        for meta, target in targets:
            grouped.by_clause.setdefault(target.clause_id, []).append(target)
            grouped.by_doc.setdefault(meta.doc_id, []).append(target)
        return grouped


_LAST: list[StoredTargets] = []  # one slot: the index's targets change only when the index does
_LAST_LOCK = threading.Lock()


def stored_targets(targets: Sequence[tuple[DocumentMeta, Target]]) -> StoredTargets:
    """``StoredTargets.of(targets)``, built again only when ``targets`` is another object than last time (an
    index hands out the same sequence until it changes): at 3,400 plans grouping took ~30 ms a question."""
    with _LAST_LOCK:
        if not _LAST or _LAST[0].source is not targets:
            _LAST[:] = [StoredTargets.of(targets)]
        return _LAST[0]


def stated_target(units: Sequence[Unit], stored: StoredTargets, terms: Sequence[str],
                  years: Sequence[str] = ()) -> Target | None:
    """The stored target the comparison is about: of the targets the likeliest sentences state, the one
    whose indicator shares most of the question's terms (None when none states one sharing any).

    A comparison that names only a year ("Đến năm 2030, hai kế hoạch đặt ra điều gì khác nhau?") shares no word with
    any indicator: it is then about the plans' headline target, coverage, when one of the likeliest sentences
    states it for an asked year.
    """
    by_clause = stored.by_clause
    words = {w for term in terms for w in folded_form(term).split()}
    wanted_years = {int(y) for y in years}
    best: tuple[int, int] | None = None
    chosen = None
    ranked = sorted(units, key=lambda u: u.score, reverse=True)
    for rank, unit in enumerate(ranked[:MATCH_DEPTH]):
        for target in by_clause.get(unit.scored.clause.id, ()):
            if folded_form(target.quote) != folded_form(unit.sentence):
                continue
            shared = len(words & set(folded_form(target.indicator).split()))
            if shared and (best is None or (shared, -rank) > best):
                best, chosen = (shared, -rank), target
    if chosen is None and wanted_years:
        chosen = next((t for unit in ranked[:MATCH_DEPTH] if not is_bare_heading(unit)
                       for t in by_clause.get(unit.scored.clause.id, ())
                       if t.kind == COVERAGE and t.year in wanted_years
                       and folded_form(t.quote) == folded_form(unit.sentence)), None)
    return chosen


def _word_weights(targets: Sequence[tuple[DocumentMeta, Target]]) -> dict[str, float]:
    """How telling each indicator word is: log(N / indicators holding it), so the words every indicator
    shares ("tỷ lệ", "bảo hiểm y tế") weigh little and "hài lòng", "điện tử" much."""
    counts: dict[str, int] = {}
    for _, target in targets:
        for word in set(folded_form(target.indicator).split()):
            counts[word] = counts.get(word, 0) + 1
    total = max(1, len(targets))
    return {word: math.log((total + 1) / n) for word, n in counts.items()}


def _share(indicator: str, text: str, weights: dict[str, float]) -> float:
    """The weighted share of ``indicator``'s words that ``text`` holds."""
    words = set(folded_form(indicator).split())
    held = set(folded_form(text).split())
    total = sum(weights.get(w, 0.0) for w in words)
    return sum(weights.get(w, 0.0) for w in words & held) / total if total else 0.0


def _same_indicator(a: Target, b: Target, weights: dict[str, float]) -> bool:
    if a.kind == COVERAGE or b.kind == COVERAGE:
        return a.kind == b.kind
    return _share(a.indicator, b.indicator, weights) >= SAME_INDICATOR


def target_rows(stated: Target, units: Sequence[Unit], stored: StoredTargets,
                documents: Sequence[DocumentMeta], years: Sequence[str],
                scored_for: Callable[[DocumentMeta, Target], ScoredClause | None]) -> list[TargetRow]:
    """A row per (locality, matching target) for ``documents``, and one "not stated" row per locality without one."""
    wanted_years = {int(y) for y in years}
    weights, by_doc = stored.weights, stored.by_doc
    best_unit: dict[str, Unit] = {}
    # A plan without the figure: its likeliest sentence naming an asked year, else its likeliest sentence.
    for unit in sorted(units, key=lambda u: (any(y in u.sentence for y in years), u.score), reverse=True):
        best_unit.setdefault(unit.scored.clause.doc_id, unit)
    rows: list[TargetRow] = []
    for meta in sorted(documents, key=lambda m: folded_form(m.locality)):
        found = [t for t in by_doc.get(meta.doc_id, ()) if _same_indicator(stated, t, weights)
                 and (not wanted_years or t.year in wanted_years)]
        if found:
            rows += [TargetRow(meta.locality, t, scored_for(meta, t)) for t in
                     sorted(found, key=lambda t: (t.year is None, t.year or 0))]
        else:
            unit = best_unit.get(meta.doc_id)
            about = (speaks_of_coverage(unit.sentence) if stated.kind == COVERAGE
                     else _share(stated.indicator, unit.sentence, weights) >= SAME_INDICATOR) if unit else False
            if not about:
                unit = None  # its likeliest sentence is about something else: nothing to quote
            rows.append(TargetRow(meta.locality, None, unit.scored if unit else None))
    return rows


def compose_target_table(question: str, rows: Sequence[TargetRow], top: tuple, support: float, *,
                         extreme: str = "") -> Answer:
    """The comparison as a compact table: | Địa phương | Chỉ tiêu | Năm | Nguồn |.

    Args:
        extreme: "cao nhat" or "thap nhat" when the question asks which locality is highest or lowest.
    """
    numbering: dict[str, int] = {}
    citations: list[Citation] = []
    stated = next((r.target for r in rows if r.target is not None), None)
    if stated is None:
        title = "So sánh theo từng địa phương trong các kế hoạch đã nạp:"
    elif stated.kind == COVERAGE:
        title = "So sánh chỉ tiêu tỷ lệ bao phủ BHYT trong các kế hoạch đã nạp:"
    else:
        title = f"So sánh chỉ tiêu «{stated.indicator}» trong các kế hoạch đã nạp:"
    lines = [title,
             "| Địa phương | Chỉ tiêu | Năm | Nguồn |", "|---|---|---|---|"]
    for row in rows:
        mark = f"[{cite(row.cited, numbering, citations)}]" if row.cited is not None else ""
        if row.target is not None:
            lines.append(f"| {row.locality} | {row.target.stated} | {row.target.year or '—'} | {mark} |")
        else:  # the sentence that names the asked year (or the likeliest one) is the citation, one tap away
            lines.append(f"| {row.locality} | {NO_FIGURE} | — | {mark} |")
    text = "\n".join(lines)
    if extreme:
        text += _extreme_line(rows, highest=extreme == "cao nhat")
    return Answer(question=question, answer=text, abstained=False, mode="extractive",
                  citations=tuple(citations), retrieved=top, support=support)


def _extreme_line(rows: Sequence[TargetRow], *, highest: bool) -> str:
    figures = [(r.locality, r.target) for r in rows if r.target is not None and not r.target.in_words]
    years = {t.year for _, t in figures}
    if len(figures) < 2 or len(years) > 1:
        return ""  # several years: "highest" would compare unlike things
    best = (max if highest else min)(t.value for _, t in figures)
    names = ", ".join(sorted({loc for loc, t in figures if t.value == best}, key=folded_form))
    shown = next(t.figure for _, t in figures if t.value == best)
    return f"\n\n{'Cao nhất' if highest else 'Thấp nhất'} trong các kế hoạch đã nạp: {names} ({shown})."
