"""Writing an extractive answer from chosen sentences: single, list, duties, comparison, abstention.

Every function returns an :class:`assistant.answer.Answer` whose inline [n]
markers point at citations built from clause metadata only
(:meth:`Citation.from_scored`); nothing here chooses *what* answers (that is
:mod:`assistant.extractive`), only how it is written and cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.answer import Answer, Citation
from assistant.duties import AgencyBlock
from assistant.features import ATTRIBUTE_FOR_KIND
from assistant.intent import QuestionIntent
from assistant.polarity import verdict
from assistant.sentences import AMOUNT_RE, DATE_RE, PERCENT_RE, excerpt, focus_excerpt, percent_years
from index.labels import section_label
from index.types import ScoredClause
from ingest.model import Clause, DocumentMeta
from ingest.structure.roles import AGENCY_RE, YEAR_RE, strip_numbering
from ingest.targets import Target
from ingest.vntext import folded_form

# A runner-up sentence is quoted beside the best one when the fitted model finds it nearly as
# likely to answer (this share of the best probability) and more likely than not.
RUNNER_UP_SHARE = 0.8
RUNNER_UP_MIN_P = 0.5
# A comparison row is shown when its sentence is at least this share as likely as the best row's.
ROW_SHARE = 0.3
# A sentence that answers the part of the question the chosen ones leave open (a two-part question,
# a fact given in two sentences) is added when it holds this share of the question's term weight
# that they lack, and the model gives it at least this probability.
COMPLEMENT_MIN_GAIN = 0.2
COMPLEMENT_MIN_P = 0.2
# A part of a two-part question is answered by sentences holding this share of its terms' weight.
PART_SHARE = 0.5
# A sentence of the best one's own agency or task may answer a part at a lower probability.
PART_OWNER_MIN_P = 0.1
# A clause this short is quoted whole rather than cut to its best sentence.
SHORT_CLAUSE_CHARS = 300


class ClauseTree(Protocol):
    """What the answerer needs from an index (``index.store.ClauseIndex`` provides it)."""

    def clause(self, clause_id: str) -> Clause | None: ...

    def children(self, clause_id: str) -> Sequence[Clause]: ...

    def documents(self) -> Sequence[DocumentMeta]: ...

    def targets(self) -> Sequence[tuple[DocumentMeta, Target]]: ...

    def first_section_start(self, doc_id: str) -> int | None: ...


MAX_LIST_ITEMS = 8


@dataclass(frozen=True)
class Unit:
    """One candidate sentence with the clause it quotes.

    Attributes:
        scored: The clause (retrieved, or reached through the tree).
        sentence: The sentence as answers quote it.
        role: "self", "child" or "attribute" (how it was reached).
        position: Its index among the clause's sentences.
        features: Its feature vector (:data:`assistant.features.UNIT_FEATURES`).
        coverage: Share of the question's content words it holds (the first feature).
        score: P(it states the answer), from the fitted unit model.
        matched: The question's content terms it holds, each with its weight.
    """

    scored: ScoredClause
    sentence: str
    role: str
    position: int = 0
    features: tuple[float, ...] = ()
    coverage: float = 0.0
    score: float = 0.0
    matched: tuple[tuple[str, float], ...] = ()


def is_bare_heading(unit: Unit) -> bool:
    """A section or item heading ("Mục tiêu chung"): it says nothing by itself (an attribute line does)."""
    clause = unit.scored.clause
    return clause.is_heading and unit.role != "attribute" and clause.kind in ("section", "item")


def derive(parent: ScoredClause, child: Clause) -> ScoredClause:
    """A ScoredClause for a clause reached through the tree (not retrieved itself).

    It inherits the document fields, score and channel ranks of the clause it
    was reached from; its section is the child's own section path in words.
    """
    return replace(parent, clause=child, section=section_label(child), dense_score=None, lexical_score=None)


def whole_plan(index: ClauseTree, local: Sequence[ScoredClause]) -> list[ScoredClause]:
    """Every clause of the plan ``local[0]`` belongs to, in reading order, reached from it."""
    if not local:
        return []
    reference = local[0]
    doc_id = reference.clause.doc_id
    children = index.children
    clauses_of = getattr(index, "document_clauses", None)
    if clauses_of is not None:
        # One read of the plan's clauses instead of one per clause, and not every plan's top level
        # (children("") is the top level of all 3,400 plans at national scale).
        kids: dict[str, list[Clause]] = {}
        for clause in clauses_of(doc_id):
            kids.setdefault(clause.parent_id, []).append(clause)

        def children(clause_id: str) -> list[Clause]:
            return kids.get(clause_id, [])
    found: list[ScoredClause] = []
    stack = [c for c in reversed(children("")) if c.doc_id == doc_id]
    while stack:
        clause = stack.pop()
        found.append(derive(reference, clause))
        stack.extend(reversed(children(clause.id)))
    return found


def clause_or_none(index: ClauseTree, clause_id: str) -> Clause | None:
    try:
        return index.clause(clause_id)
    except KeyError:
        return None


def cite(scored: ScoredClause, numbering: dict[str, int], citations: list[Citation]) -> int:
    if scored.id not in numbering:
        numbering[scored.id] = len(citations) + 1
        citations.append(Citation.from_scored(numbering[scored.id], scored))
    return numbering[scored.id]


def anchor_for(intent: QuestionIntent) -> re.Pattern | None:
    if intent.wants_amount:
        return AMOUNT_RE
    return {"target": PERCENT_RE, "deadline": DATE_RE, "responsibility": AGENCY_RE}.get(intent.kind)


def stated_percent(unit: Unit, years: Sequence[str]) -> float | None:
    """The percentage a row's sentence states for the question's year (any year when none is asked)."""
    for value, year in percent_years(unit.sentence, unit.scored.clause.year):
        if not years or year in years:
            return value
    return None


def extreme_line(rows: Sequence[tuple[str, Unit]], *, highest: bool, years: Sequence[str]) -> str:
    """"Cao nhất: Huế (99,3%)." from the figures the rows state ("" when fewer than two state one)."""
    figures = [(loc, value) for loc, unit in rows if (value := stated_percent(unit, years)) is not None]
    if len(figures) < 2:
        return ""
    best = max(v for _, v in figures) if highest else min(v for _, v in figures)
    names = ", ".join(sorted(loc for loc, v in figures if v == best))
    shown = f"{best:g}".replace(".", ",") + "%"
    return f"\n\n{'Cao nhất' if highest else 'Thấp nhất'} trong các kế hoạch đã nạp: {names} ({shown})."


def owner_prefix(unit: Unit, intent: QuestionIntent) -> str:
    """The owner of a sentence when it does not say it itself.

    An attribute line ("Thời gian thực hiện: Thường xuyên.") is prefixed with its
    task; for targets, a sentence without a year gets its heading when that names the
    year ("Mục tiêu đến năm 2026: "); for responsibility questions, a sentence whose
    clause belongs to an agency ("2. Sở Tài chính") that it does not name is prefixed
    with that agency.
    """
    clause = unit.scored.clause
    titles = clause.search_titles
    if unit.role == "attribute" and titles:
        return f"{excerpt(strip_numbering(titles[-1]), limit=140)} — "
    if intent.kind == "target" and titles and not YEAR_RE.search(unit.sentence):
        heading = strip_numbering(titles[-1])
        if clause.year and clause.year in heading and len(heading) <= 60:  # "Mục tiêu đến năm 2026"
            return f"{heading}: "
        return ""
    if intent.kind != "responsibility" or not clause.agency:
        return ""
    return "" if folded_form(clause.agency) in folded_form(unit.sentence) else f"{clause.agency}: "


def _complements(chosen: list[Unit], ranked: Sequence[Unit], total_weight: float, limit: int) -> list[Unit]:
    """Sentences of the chosen locality that hold what the chosen ones lack (the other part of the question)."""
    added: list[Unit] = []
    if total_weight <= 0:
        return added
    covered = {t for u in chosen for t, _ in u.matched}
    locality = chosen[0].scored.locality
    for unit in ranked:
        if len(chosen) + len(added) >= limit:
            break
        if unit.score < COMPLEMENT_MIN_P or unit.scored.locality != locality or unit in chosen or unit in added:
            continue
        if is_bare_heading(unit):
            continue
        if any(unit.sentence == c.sentence for c in [*chosen, *added]):
            continue
        gain = sum(w for t, w in unit.matched if t not in covered)
        if gain >= COMPLEMENT_MIN_GAIN * total_weight:
            added.append(unit)
            covered |= {t for t, _ in unit.matched}
    return added


def _task_attributes(chosen: list[Unit], units: Sequence[Unit], intent: QuestionIntent) -> list[Unit]:
    """The task's attribute lines that state what is asked ("Cơ quan, đơn vị thực hiện: …" for who,
    "Thời gian thực hiện: …" for when), when the best sentence is a task that does not say it itself;
    one for each kind a question of two parts asks (both when it asks who acts and by what date)."""
    best = chosen[0].scored.clause
    owners = {best.id, best.parent_id} - {""}
    found: list[Unit] = []
    for kind in intent.kinds or (intent.kind,):
        wanted = ATTRIBUTE_FOR_KIND.get(kind)
        if not wanted or best.attribute == wanted:
            continue
        if best.attribute and kind == intent.kind:
            continue
        found += [u for u in units if u.scored.clause.attribute == wanted and u.scored.clause.parent_id in owners
                  and u.scored.clause.doc_id == best.doc_id
                  and all(u.sentence != c.sentence for c in [*chosen, *found])][:1]
    return found


def _part_complements(chosen: list[Unit], ranked: Sequence[Unit], parts: Sequence[dict[str, float]]) -> list[Unit]:
    """For a question of two parts or more, a sentence for each part the chosen sentences leave open (they
    hold under half of its own terms' weight): one holding at least half, of the best sentence's agency or
    task first ("sở đó còn phải …" asks more of the same body), else the likeliest of its locality."""
    added: list[Unit] = []
    best = chosen[0].scored.clause
    owners = {best.id, best.parent_id} - {""}

    def same_owner(unit: Unit) -> bool:
        clause = unit.scored.clause
        return (bool(best.agency) and clause.agency == best.agency) or bool({clause.id, clause.parent_id} & owners)

    for weights in parts:
        total = sum(weights.values())
        if total <= 0:
            continue
        covered = {t for u in [*chosen, *added] for t, _ in u.matched}
        if sum(w for t, w in weights.items() if t in covered) >= PART_SHARE * total:
            continue
        fitting = [u for u in ranked
                   if u.scored.locality == chosen[0].scored.locality and not is_bare_heading(u)
                   and u.score >= (PART_OWNER_MIN_P if same_owner(u) else COMPLEMENT_MIN_P)
                   and all(u.sentence != c.sentence for c in [*chosen, *added])
                   and sum(w for t, w in weights.items() if t in {m for m, _ in u.matched}) >= PART_SHARE * total]
        pick = next((u for u in fitting if same_owner(u)), fitting[0] if fitting else None)
        if pick is not None:
            added.append(pick)
    return added


def compose_single(question: str, units: list[Unit], best: Unit, top: tuple, support: float,
                   intent: QuestionIntent, *, max_citations: int, total_weight: float = 0.0,
                   parts: Sequence[dict[str, float]] = ()) -> Answer:
    """The best sentence and up to two more of the same locality, each cited: close runners-up, and
    sentences that hold the part of the question the others leave open.

    A funding paragraph is short and lists its sources sentence by sentence
    ("Ngân sách Nhà nước ... Lồng ghép ...; các nguồn kinh phí hợp pháp khác"): the
    best sentence's other sentences come first there. ``total_weight`` is the question's
    whole term weight (0 turns complements off). ``parts`` are the term weights of each part of a
    question that asks two things: a part no chosen sentence answers gets its likeliest sentence.
    """
    ranked = sorted(units, key=lambda u: u.score, reverse=True)
    if intent.kind == "funding":
        same_clause = [u for u in units if u.scored.id == best.scored.id and u is not best]
        ranked = same_clause + [u for u in ranked if u not in same_clause]
    chosen: list[Unit] = [best]
    floor = max(RUNNER_UP_SHARE * best.score, RUNNER_UP_MIN_P)
    for unit in ranked:
        if len(chosen) >= min(3, max_citations):
            break
        same_funding_clause = intent.kind == "funding" and unit.scored.id == best.scored.id
        if unit is best or (not same_funding_clause and unit.score < floor):
            continue
        if is_bare_heading(unit):
            continue  # a heading says nothing by itself
        if any(unit.sentence == c.sentence for c in chosen):
            continue
        if unit.scored.locality != best.scored.locality:
            continue
        chosen.append(unit)
    chosen += _task_attributes(chosen, units, intent)
    chosen += _complements(chosen, ranked, total_weight, min(3, max_citations))
    chosen += _part_complements(chosen, ranked, parts)
    numbering: dict[str, int] = {}
    citations: list[Citation] = []
    lines: list[str] = []
    anchor = anchor_for(intent)
    whole: set[str] = set()
    for unit in chosen:
        clause = unit.scored.clause
        if clause.id in whole:
            continue  # already quoted whole
        n = cite(unit.scored, numbering, citations)
        owner = owner_prefix(unit, intent)
        text = " ".join(clause.search_text.split())
        if len(clause.sentences) > 1 and len(text) <= SHORT_CLAUSE_CHARS:
            whole.add(clause.id)  # a short clause is quoted whole: its other sentence often completes the fact
        else:
            text = excerpt(unit.sentence, anchor)
        lines.append(f"{owner}{text} [{n}]")
    localities = {u.scored.locality for u in chosen if u.scored.locality}
    intro = f"Theo kế hoạch của {next(iter(localities))}:" if len(localities) == 1 else "Theo các kế hoạch đã nạp:"
    said = verdict(question, [u.sentence for u in chosen], [u.scored.clause.year for u in chosen if u.scored.clause.year])
    body = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    if said:  # a yes/no question gets its verdict first, as the lead of the quoted sentences
        text = f"{said}, {intro[0].lower()}{intro[1:]}\n{body}"
    else:
        text = f"{intro} {body}" if len(lines) == 1 else f"{intro}\n{body}"
    return Answer(question=question, answer=text, abstained=False, mode="extractive",
                  citations=tuple(citations), retrieved=top, support=support)


def compose_list(question: str, units: list[Unit], best: Unit, top: tuple, support: float,
                 index: ClauseTree | None, *, max_citations: int) -> Answer | None:
    """The heading that owns the best sentence, with all its parts listed, each cited.

    The head is the best clause itself when it has parts (a numbered item with
    bullets; an item with a sentence of its own is listed first), else its parent
    item (the item a bullet belongs to, never a whole section); a list needs two parts.
    """
    if index is None:
        return None
    clause = best.scored.clause
    reached_from = best.scored
    own_parts = [k for k in index.children(clause.id) if k.kind not in ("footnote", "attribute")]
    if own_parts and clause.is_heading:
        head, parts = clause, own_parts          # "3. Nâng cao chất lượng KCB" and its bullets
    elif own_parts:
        head, parts = clause, [clause, *own_parts]  # an item that says something, then its parts
    else:
        parent = clause_or_none(index, clause.parent_id) if clause.parent_id else None
        if parent is None or parent.kind == "section":
            return None                          # a section's items are a table of contents, not an answer
        head = parent
        parts = [k for k in index.children(parent.id) if k.kind not in ("footnote", "attribute")]
    if len(parts) < 2:
        return None
    retrieved_by_id = {u.scored.id: u.scored for u in units}
    limit = min(MAX_LIST_ITEMS, max(max_citations, 1))
    numbering: dict[str, int] = {}
    citations: list[Citation] = []
    lines = []
    for part in parts[:limit]:
        scored = retrieved_by_id.get(part.id) or derive(reached_from, part)
        n = cite(scored, numbering, citations)
        lines.append(f"- {excerpt(' '.join((part.reading or part.body).split()))} [{n}]")
    if len(parts) > limit:
        lines.append(f"(và {len(parts) - limit} ý khác trong cùng mục)")
    title = head.heading if head.is_heading else ""
    locality = best.scored.locality
    intro = f"Theo kế hoạch của {locality}" if locality else "Theo kế hoạch"
    intro += f", mục \"{excerpt(title, limit=160)}\" gồm:" if title else ", các nội dung gồm:"
    return Answer(question=question, answer=intro + "\n" + "\n".join(lines), abstained=False,
                  mode="extractive", citations=tuple(citations), retrieved=top, support=support)


def duty_lines(block: AgencyBlock, numbering: dict[str, int], citations: list[Citation], *,
               max_citations: int) -> list[str]:
    """One cited line per clause of the block (per sentence when the block is a single clause)."""
    members = list(block.members)
    if len(members) == 1:
        n = cite(members[0], numbering, citations)
        sentences = members[0].clause.sentence_texts
        return [f"- {excerpt(s)} [{n}]" for s in sentences[:MAX_LIST_ITEMS]]
    lines = []
    for position, member in enumerate(members[:max_citations]):
        n = cite(member, numbering, citations)
        text = " ".join((member.clause.reading or member.clause.body).split())
        lead_in = block.lead_in(position)
        lines.append(f"- {lead_in + ' ' if lead_in else ''}{excerpt(text)} [{n}]")
    if len(members) > max_citations:
        lines.append(f"(và {len(members) - max_citations} ý khác trong cùng mục)")
    return lines


def compose_duties(question: str, blocks: Sequence[AgencyBlock], top: tuple, support: float, *,
                   max_citations: int) -> Answer:
    """Everything the named agency's block says; one part per locality when several are named."""
    numbering: dict[str, int] = {}
    citations: list[Citation] = []
    if len(blocks) == 1:
        block = blocks[0]
        locality = block.head.locality
        intro = f"Theo kế hoạch của {locality}, " if locality else "Theo kế hoạch, "
        intro += f"nhiệm vụ của {excerpt(block.name, limit=120)} gồm:"
        text = intro + "\n" + "\n".join(duty_lines(block, numbering, citations, max_citations=max_citations))
    else:
        parts = ["Nhiệm vụ theo từng kế hoạch đã nạp:"]
        for block in blocks:
            parts.append(f"\n**{block.head.locality}** — {excerpt(block.name, limit=120)}:")
            parts.extend(duty_lines(block, numbering, citations, max_citations=max_citations))
        text = "\n".join(parts)
    return Answer(question=question, answer=text, abstained=False,
                  mode="extractive", citations=tuple(citations), retrieved=top, support=support)


def compose_compare(question: str, units: list[Unit], top: tuple, support: float,
                    intent: QuestionIntent, asked: Sequence[str] = (), *, max_citations: int,
                    terms: Sequence[str] = (), total_weight: float = 0.0) -> Answer:
    """One row per locality, each cited: every named locality when the question names several, else
    the localities whose best sentence is likely enough.

    A row quotes its locality's most likely sentence (never a bare heading), with the agency it
    belongs to for responsibility questions, and a second sentence when that one holds the part of
    the question the first leaves open.
    """
    named = len(asked) > 1
    if named:  # the question names the localities to compare: only those, and all of them
        keys = {folded_form(a) for a in asked}
        units = [u for u in units if folded_form(u.scored.locality) in keys] or units
    ranks_extreme = any(c in intent.cues for c in ("cao nhat", "thap nhat"))
    by_locality: dict[str, list[Unit]] = {}
    def row_rank(unit: Unit) -> tuple:
        if not ranks_extreme:
            return (unit.score,)
        # Ranking localities by a figure: the row must state a figure for the asked year, and of what
        # is asked (the sentence holding most of the question's words), not a nearby figure.
        return (stated_percent(unit, intent.years) is not None, round(unit.coverage, 2), unit.score)

    for unit in sorted(units, key=row_rank, reverse=True):
        clause = unit.scored.clause
        if is_bare_heading(unit):
            continue  # a heading alone says nothing to compare
        by_locality.setdefault(unit.scored.locality or clause.doc_id, []).append(unit)
    rows = sorted(((loc, found[0]) for loc, found in by_locality.items()), key=lambda kv: kv[1].score, reverse=True)
    top_p = rows[0][1].score if rows else 0.0
    if not named:
        rows = [(loc, u) for loc, u in rows if u.score >= ROW_SHARE * top_p]
    rows = rows[: max(max_citations, 2, len(asked))]
    numbering: dict[str, int] = {}
    citations: list[Citation] = []
    lines = ["| Địa phương | Nội dung | Nguồn |", "|---|---|---|"]
    anchor = anchor_for(intent)
    for loc, unit in sorted(rows, key=lambda kv: kv[0]):
        parts = [unit, *_complements([unit], by_locality[loc], total_weight, 2)]
        shown, marks = [], []
        for part in parts:
            n = cite(part.scored, numbering, citations)
            text = focus_excerpt(part.sentence, list(terms), limit=260) if terms \
                else excerpt(part.sentence, anchor, limit=260)
            shown.append(owner_prefix(part, intent) + text)
            if f"[{n}]" not in marks:
                marks.append(f"[{n}]")
        cell = " … ".join(shown).replace("|", "/")
        lines.append(f"| {loc} | {cell} | {''.join(marks)} |")
    text = "So sánh theo từng địa phương trong các kế hoạch đã nạp:\n" + "\n".join(lines)
    if ranks_extreme:
        text += extreme_line(rows, highest="cao nhat" in intent.cues, years=intent.years)
    return Answer(question=question, answer=text, abstained=False, mode="extractive",
                  citations=tuple(citations), retrieved=top, support=support)


def compose_abstention(question: str, retrieved: Sequence[ScoredClause], top: tuple, support: float, *,
                       reason: str, detail: str = "") -> Answer:
    """Say plainly that the plans do not answer, and list the closest clauses as "liên quan"."""
    lead = {
        "place": f"Các kế hoạch đã nạp không có kế hoạch của {detail}, nên không trả lời được câu hỏi này.",
        "amount": "Các kế hoạch đã nạp không nêu số tiền cụ thể (đồng) cho nội dung này.",
        "cited": (f"Văn bản {detail} chỉ được các kế hoạch nhắc đến theo số hiệu; "
                  "nội dung của văn bản đó không có trong dữ liệu đã nạp."),
        "current": ("Các kế hoạch đã nạp chỉ nêu mục tiêu phấn đấu, không nêu số liệu hiện tại "
                    "cho nội dung này."),
    }.get(reason, "Các kế hoạch đã nạp không có thông tin để trả lời câu hỏi này.")
    citations = [Citation.from_scored(i, s) for i, s in enumerate(retrieved[:3], 1)]
    lines = [lead]
    if citations:
        lines.append("Các đoạn liên quan gần nhất (không phải câu trả lời):")
        lines += [f"- {c.section} — {c.locality} [{c.n}]" for c in citations]
    return Answer(question=question, answer="\n".join(lines), abstained=True, mode="extractive",
                  citations=tuple(citations), retrieved=top, support=support)
