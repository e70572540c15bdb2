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
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.answer import Answer, Citation
from assistant.duties import AgencyBlock, find_agency_block, subject_phrase
from assistant.intent import QuestionIntent, content_terms, detect_intent, named_places
from assistant.plan_facts import answer_about_plan
from index.localities import detect_localities
from index.retriever import section_label
from index.types import ScoredClause
from ingest.model import Clause, DocumentMeta
from ingest.vntext import folded_form, nfc

W_COVERAGE, W_EVIDENCE, W_PRIOR = 0.55, 0.25, 0.20
S_COVERAGE, S_EVIDENCE, S_AGREEMENT = 0.60, 0.25, 0.15
PENALTY_AMOUNT_MISSING = 0.3
PENALTY_CITED_DOCUMENT = 0.4
PENALTY_FOCUS_MISSING = 0.3   # "Bệnh viện nào ...?" and no candidate names one
PENALTY_ONLY_TARGETS = 0.4    # "hiện nay đã đạt bao nhiêu?" and the candidates state only targets
# A figure stated as a target: "đến năm 2026", "phấn đấu", "mục tiêu", "trước năm 2030".
_TARGET_WORDING_RE = re.compile(r"(?<!\w)(?:den nam|nam 20\d\d|phan dau|muc tieu|chi tieu|truoc nam|giai doan)(?!\w)")
MAX_CANDIDATES = 8          # retrieved clauses whose sentences are read
MAX_SENTENCE_CHARS = 420    # longer sentences are cut around their evidence
MAX_LIST_ITEMS = 8

_PERCENT_RE = re.compile(r"\d+(?:[.,]\d+)?\s?%")
_NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?![\w/])")
_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
# "tỷ/tỉ" is money only when not "tỷ lệ" (rate): "đến năm 2026 tỉ lệ bao phủ" states no amount.
_AMOUNT_RE = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|(?:tỷ|tỉ)(?!\s*lệ)|nghìn|ngàn|vnđ|vnd)\b", re.IGNORECASE)
# Parts of a sentence that state one target: "đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030".
_TARGET_PART_RE = re.compile(r"\s+và\s+|[,;]\s+")
_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b(?:ngày|trước ngày|tháng|quý|năm)\s+\d{1,4}\b|\b\d{1,2}/\d{4}\b",
                      re.IGNORECASE)
_PERIOD_WORDS = ("thuong xuyen", "hang nam", "hằng năm", "hang quy", "dinh ky", "truoc ngay", "trong nam",
                 "hang thang", "6 thang", "giai doan")
_AGENCY_RE = re.compile(
    r"\b(?:Sở|Ban|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Bảo hiểm xã hội|BHXH|Công an|Mặt trận|MTTQ|Hội|Đoàn|"
    r"Liên đoàn|Đảng ủy|Đảng uỷ|Tỉnh ủy|Tỉnh uỷ|Cấp ủy|Cấp uỷ|Văn phòng|Trung tâm|Phòng|Bộ|Báo|Đài|"
    r"Trường|Bệnh viện|Cục|Chi cục|cơ quan|đơn vị|các xã|các sở)\b")
_RESPONSIBILITY_WORDS = ("chu tri", "phoi hop", "chiu trach nhiem", "co quan", "don vi thuc hien", "tham muu")
_FUNDING_WORDS = ("ngan sach", "kinh phi", "nguon", "xa hoi hoa", "tai tro")
_ATTRIBUTE_NAMES = {"co quan": "responsibility", "don vi": "responsibility", "chu tri": "responsibility",
                    "phoi hop": "responsibility", "thoi gian": "deadline", "thoi han": "deadline",
                    "kinh phi": "funding"}
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+")
_NUMBERED_TITLE_RE = re.compile(r"^\s*(?:[IVXLC]+|\d+|[a-zđ])\s*[.\-)]\s*", re.IGNORECASE)


class ClauseTree(Protocol):
    """What the answerer needs from an index (``index.store.ClauseIndex`` provides it)."""

    def clause(self, clause_id: str) -> Clause | None: ...

    def children(self, clause_id: str) -> Sequence[Clause]: ...

    def documents(self) -> Sequence[DocumentMeta]: ...


@dataclass(frozen=True)
class Unit:
    """One candidate sentence with the clause it quotes and its scores."""

    scored: ScoredClause
    sentence: str
    role: str            # "self", "child", "attribute"
    coverage: float = 0.0
    evidence: float = 0.0
    prior: float = 0.0
    agreement: float = 0.0

    @property
    def score(self) -> float:
        """The sentence score (see the module docstring)."""
        return W_COVERAGE * self.coverage + W_EVIDENCE * self.evidence + W_PRIOR * self.prior


def split_sentences(body: str) -> list[str]:
    """Split a clause body into sentences at ". ", "; ", "! ", "? " before a capital, digit or dash.

    Sentences longer than MAX_SENTENCE_CHARS are cut further at "; " then ", "
    (plan sentences often chain many duties), so a fact is not lost to an excerpt.
    """
    body = " ".join(body.split())
    if not body:
        return []
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(body):
        nxt = body[m.end():m.end() + 1]
        if nxt and (nxt.isupper() or nxt.isdigit() or nxt in "-+*•"):
            pieces.append(body[start:m.start()].strip())
            start = m.end()
    pieces.append(body[start:].strip())
    result: list[str] = []
    for piece in pieces:
        result.extend(_split_long(piece) if len(piece) > MAX_SENTENCE_CHARS else [piece])
    return [p for p in result if re.search(r"\w", p)]


def _split_long(sentence: str) -> list[str]:
    """Cut a long sentence at "; " (then ", ") into parts of at most MAX_SENTENCE_CHARS where possible."""
    for separator in ("; ", ", "):
        parts = sentence.split(separator)
        if len(parts) == 1:
            continue
        chunks: list[str] = []
        current = ""
        for part in parts:
            candidate = f"{current}{separator}{part}" if current else part
            if current and len(candidate) > MAX_SENTENCE_CHARS:
                chunks.append(current + separator.strip())
                current = part
            else:
                current = candidate
        chunks.append(current)
        if len(chunks) > 1:
            return [c for chunk in chunks for c in (_split_long(chunk) if len(chunk) > MAX_SENTENCE_CHARS else [chunk])]
    return [sentence]


def evidence_score(intent: QuestionIntent, sentence: str, *, role: str = "self", titles: tuple[str, ...] = ()) -> float:
    """How well ``sentence`` carries the kind of fact the question asks for, in [0, 1].

    Args:
        intent: The question's intent.
        sentence: The candidate sentence (body text, accents as written).
        role: "attribute" for a task's attribute line, "child" for a bullet.
        titles: Ancestor headings of the clause (an agency heading owns its paragraphs).
    """
    folded = folded_form(sentence)
    kind = intent.kind
    if intent.wants_amount:
        return 1.0 if _AMOUNT_RE.search(sentence) else 0.0
    if kind == "target" or (kind == "compare" and any(c in intent.cues for c in ("cao nhat", "thap nhat"))) \
            or (kind == "compare" and intent.years):
        if _PERCENT_RE.search(sentence):
            if not intent.years:
                return 1.0
            # A question about 2030 wants the figure stated for 2030, not the 2026 one beside it.
            heading_year = _last_year(" ".join(titles))
            paired = any(year in intent.years for _, year in percent_years(sentence, heading_year))
            return 1.0 if paired else 0.85
        numbers = [n for n in _NUMBER_RE.findall(sentence) if not _YEAR_RE.fullmatch(n)]
        if numbers:
            return 0.7
        return 0.4 if _YEAR_RE.search(sentence) else 0.0
    if kind == "responsibility":
        score = 0.0
        if _AGENCY_RE.search(sentence):
            score = 0.7
        if any(w in folded for w in _RESPONSIBILITY_WORDS):
            score = min(1.0, score + 0.4)
        if role == "attribute" and _attribute_kind(sentence) == "responsibility":
            score = 1.0
        if score < 1.0 and any(_is_agency_heading(t) for t in titles[1:]):
            score = max(score, 0.8)
        return score
    if kind == "deadline":
        if role == "attribute" and _attribute_kind(sentence) == "deadline":
            return 1.0
        if _DATE_RE.search(sentence):
            return 1.0
        return 0.6 if any(w in folded for w in _PERIOD_WORDS) else 0.0
    if kind == "funding":
        return 1.0 if any(w in folded for w in _FUNDING_WORDS) else 0.0
    if kind == "list":
        return 1.0 if role == "child" else 0.3
    return 0.5


def _attribute_kind(text: str) -> str:
    head = folded_form(text.split(":", 1)[0]) if ":" in text[:60] else ""
    for name, kind in _ATTRIBUTE_NAMES.items():
        if name in head:
            return kind
    return ""


def _is_agency_heading(title: str) -> bool:
    """A short heading naming an agency ("2. Sở Tài chính", "4- Bảo hiểm xã hội tỉnh")."""
    name = _NUMBERED_TITLE_RE.sub("", title).strip()
    return 0 < len(name) <= 90 and _AGENCY_RE.match(name) is not None


def _is_heading_only(clause: Clause) -> bool:
    """A clause that is only a heading ("3. Nâng cao chất lượng khám, chữa bệnh BHYT"), no sentence of its own."""
    text = _NUMBERED_TITLE_RE.sub("", " ".join((clause.reading or clause.body).split())).strip()
    return len(text) <= 120 and not re.search(r"[.;]\s", text)


def _heading_name(title: str) -> str:
    return _NUMBERED_TITLE_RE.sub("", title).strip().rstrip(":").strip()


def excerpt(sentence: str, anchor: re.Pattern | None = None, limit: int = MAX_SENTENCE_CHARS) -> str:
    """Cut ``sentence`` to about ``limit`` characters, keeping the part around ``anchor``."""
    if len(sentence) <= limit:
        return sentence
    m = anchor.search(sentence) if anchor else None
    center = m.start() if m else 0
    start = max(0, center - limit // 3)
    end = min(len(sentence), start + limit)
    start = max(0, end - limit)
    if start > 0:
        start = sentence.find(" ", start) + 1
    if end < len(sentence):
        cut = sentence.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("…" if start > 0 else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")


def _locality_matches(name: str, doc: DocumentMeta) -> bool:
    key = folded_form(name)
    return any(key and (key == folded_form(v) or re.search(rf"(?<!\w){re.escape(folded_form(v))}(?!\w)", key)
                        or re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded_form(v)))
               for v in (doc.locality, doc.province) if v)


def corpus_localities_named(question: str, documents: Sequence[DocumentMeta]) -> list[str]:
    """Localities of ingested plans that ``question`` names (accent-insensitive)."""
    return list(detect_localities(question, list(documents))) if documents else []


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

    # ---- public API -------------------------------------------------------------------------

    def answer(self, question: str, retrieved: Sequence[ScoredClause], index: ClauseTree | None = None, *,
               locality: str | None = None, abstain_threshold: float | None = None) -> Answer:
        """Answer ``question`` from ``retrieved`` clauses.

        Args:
            question: The (guarded) question.
            retrieved: Fused top clauses, best first.
            index: The clause tree, to read children/parents and documents (optional).
            locality: Restrict the answer to this locality's plan.
            abstain_threshold: Per-call override of the setting.

        Returns:
            An :class:`Answer` with ``mode="extractive"`` and ``support`` set.
        """
        threshold = self.abstain_threshold if abstain_threshold is None else abstain_threshold
        question = nfc(question)
        retrieved = list(retrieved)
        top = tuple(retrieved[:10])
        intent = detect_intent(question)
        documents = list(index.documents()) if index is not None else []
        asked = [locality] if locality else corpus_localities_named(question, documents)
        missing = [p for p in named_places(question)
                   if documents and not any(_locality_matches(p, d) for d in documents)]
        if missing and not asked:
            return self._abstain(question, retrieved, top, 0.0, reason="place", detail=", ".join(missing))
        if intent.about_plan and asked:
            named = [d for d in documents if any(_locality_matches(a, d) for a in asked)]
            about = answer_about_plan(question, intent.about_plan, named)
            if about is not None:
                return replace(about, retrieved=top)

        pool = retrieved
        if asked:
            keys = {folded_form(a) for a in asked}
            in_asked = [s for s in retrieved if folded_form(s.locality) in keys]
            pool = in_asked or retrieved
        if not pool:
            return self._abstain(question, retrieved, top, 0.0, reason="none")

        units = self._units(pool[:MAX_CANDIDATES] if intent.kind != "compare" else pool, index, intent)
        q_terms = self._question_terms(question, documents, asked)
        self._score_units(units, q_terms, intent, pool)
        if not units:
            return self._abstain(question, retrieved, top, 0.0, reason="none")

        best = max(units, key=lambda u: u.score)
        penalty, reason, detail = 1.0, "weak", ""
        if intent.wants_amount and not any(_AMOUNT_RE.search(u.sentence) for u in units):
            penalty, reason = PENALTY_AMOUNT_MISSING, "amount"
        if intent.focus_noun and not any(
                re.search(rf"(?<!\w){intent.focus_noun}(?!\w)", folded_form(u.sentence)) for u in units):
            penalty, reason, detail = min(penalty, PENALTY_FOCUS_MISSING), "focus", intent.focus_noun
        if intent.asks_current and intent.kind == "target" and not any(
                _PERCENT_RE.search(u.sentence) and not _TARGET_WORDING_RE.search(folded_form(u.sentence))
                for u in units):
            penalty, reason = min(penalty, PENALTY_ONLY_TARGETS), "current"
        cited_only = self._documents_cited_only(intent, documents)
        if cited_only:
            penalty, reason, detail = min(penalty, PENALTY_CITED_DOCUMENT), "cited", ", ".join(cited_only)
        support = (S_COVERAGE * best.coverage + S_EVIDENCE * best.evidence + S_AGREEMENT * best.agreement) * penalty
        support = round(min(1.0, max(0.0, support)), 4)
        if support < threshold:
            return self._abstain(question, retrieved, top, support, reason=reason, detail=detail)
        if intent.wants_duties and index is not None and (intent.kind != "compare" or len(asked) > 1):
            phrase = subject_phrase(intent.duty_subject, self._place_words(question, documents, asked))
            blocks = self._agency_blocks(phrase, pool[:MAX_CANDIDATES], retrieved, asked, index)
            if blocks:
                return self._compose_duties(question, blocks, top, support)
        if (intent.kind == "compare" and len(asked) != 1) or len(asked) > 1:
            return self._compose_compare(question, units, top, support, intent, asked)
        # A bare heading ("2. Mục tiêu cụ thể") answers only through its parts.
        bare_heading = index is not None and _is_heading_only(best.scored.clause) and bool(
            index.children(best.scored.id))
        if intent.kind == "list" or bare_heading:
            listed = self._compose_list(question, units, best, top, support, index)
            if listed is not None:
                return listed
        return self._compose(question, units, best, top, support, intent)

    # ---- candidate sentences ----------------------------------------------------------------

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
                parent = _clause_or_none(index, scored.clause.parent_id)
                if parent is not None:
                    for kid in index.children(parent.id):
                        if kid.kind == "attribute":
                            add(by_id.get(kid.id) or derive(scored, kid), "attribute")
        return units

    @staticmethod
    def _place_words(question: str, documents: Sequence[DocumentMeta], asked: Sequence[str]) -> set[str]:
        """Folded words of the places a question names or the corpus covers (not content)."""
        drop: set[str] = set()
        for name in list(asked) + list(named_places(question)) + [d.locality for d in documents]:
            drop.update(folded_form(name).split())
        return drop

    def _question_terms(self, question: str, documents: Sequence[DocumentMeta], asked: Sequence[str]) -> list[str]:
        drop = self._place_words(question, documents, asked)
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
                owner = [t for t in clause.search_titles[1:] if _is_agency_heading(t)]
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

    # ---- composing --------------------------------------------------------------------------

    def _compose(self, question: str, units: list[Unit], best: Unit, top: tuple, support: float,
                 intent: QuestionIntent) -> Answer:
        ranked = sorted(units, key=lambda u: u.score, reverse=True)
        chosen: list[Unit] = [best]
        for unit in ranked:
            if len(chosen) >= min(3, self.max_citations):
                break
            if unit is best or unit.score < 0.8 * best.score or unit.coverage < 0.3:
                continue
            if unit.role != "attribute" and _is_heading_only(unit.scored.clause) and unit.scored.clause.kind in (
                    "section", "item"):
                continue  # a heading says nothing by itself
            if any(unit.sentence == c.sentence for c in chosen):
                continue
            if unit.scored.locality != best.scored.locality:
                continue
            chosen.append(unit)
        numbering: dict[str, int] = {}
        citations: list[Citation] = []
        lines: list[str] = []
        anchor = _anchor_for(intent)
        for unit in chosen:
            n = _cite(unit.scored, numbering, citations)
            owner = _owner_prefix(unit, intent)
            lines.append(f"{owner}{excerpt(unit.sentence, anchor)} [{n}]")
        localities = {u.scored.locality for u in chosen if u.scored.locality}
        intro = f"Theo kế hoạch của {next(iter(localities))}:" if len(localities) == 1 else "Theo các kế hoạch đã nạp:"
        body = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
        text = f"{intro} {body}" if len(lines) == 1 else f"{intro}\n{body}"
        return Answer(question=question, answer=text, abstained=False, mode="extractive",
                      citations=tuple(citations), retrieved=top, support=support)

    def _compose_list(self, question: str, units: list[Unit], best: Unit, top: tuple, support: float,
                      index: ClauseTree | None) -> Answer | None:
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
        if own_parts and _is_heading_only(clause):
            head, parts = clause, own_parts          # "3. Nâng cao chất lượng KCB" and its bullets
        elif own_parts:
            head, parts = clause, [clause, *own_parts]  # an item that says something, then its parts
        else:
            parent = _clause_or_none(index, clause.parent_id) if clause.parent_id else None
            if parent is None or parent.kind == "section":
                return None                          # a section's items are a table of contents, not an answer
            head = parent
            parts = [k for k in index.children(parent.id) if k.kind not in ("footnote", "attribute")]
        if len(parts) < 2:
            return None
        retrieved_by_id = {u.scored.id: u.scored for u in units}
        limit = min(MAX_LIST_ITEMS, max(self.max_citations, 1))
        numbering: dict[str, int] = {}
        citations: list[Citation] = []
        lines = []
        for part in parts[:limit]:
            scored = retrieved_by_id.get(part.id) or derive(reached_from, part)
            n = _cite(scored, numbering, citations)
            lines.append(f"- {excerpt(' '.join((part.reading or part.body).split()))} [{n}]")
        if len(parts) > limit:
            lines.append(f"(và {len(parts) - limit} ý khác trong cùng mục)")
        title = _heading_name(head.reading or head.body) if _is_heading_only(head) else ""
        locality = best.scored.locality
        intro = f"Theo kế hoạch của {locality}" if locality else "Theo kế hoạch"
        intro += f", mục \"{excerpt(title, limit=160)}\" gồm:" if title else ", các nội dung gồm:"
        return Answer(question=question, answer=intro + "\n" + "\n".join(lines), abstained=False,
                      mode="extractive", citations=tuple(citations), retrieved=top, support=support)

    def _agency_blocks(self, phrase: str, pool: Sequence[ScoredClause], retrieved: Sequence[ScoredClause],
                       asked: Sequence[str], index: ClauseTree) -> list[AgencyBlock]:
        """The named agency's block: in the retrieved clauses first, then anywhere in the asked plans.

        With two or more localities named ("Sở Tài chính ở Huế và ở Ninh Bình"), one block per locality.
        """
        if not phrase:
            return []
        if len(asked) <= 1:
            block = find_agency_block(phrase, pool, index, derive)
            if block is None and asked:
                block = find_agency_block(phrase, _whole_plan(index, pool), index, derive)
            return [block] if block is not None else []
        blocks = []
        for name in asked:
            local = [s for s in retrieved if folded_form(s.locality) == folded_form(name)]
            block = find_agency_block(phrase, local[:MAX_CANDIDATES] + _whole_plan(index, local), index, derive)
            if block is not None:
                blocks.append(block)
        return blocks

    def _duty_lines(self, block: AgencyBlock, numbering: dict[str, int], citations: list[Citation]) -> list[str]:
        """One cited line per clause of the block (per sentence when the block is a single clause)."""
        members = list(block.members)
        if len(members) == 1:
            n = _cite(members[0], numbering, citations)
            sentences = split_sentences(members[0].clause.reading or members[0].clause.body)
            return [f"- {excerpt(s)} [{n}]" for s in sentences[:MAX_LIST_ITEMS]]
        lines = []
        for position, member in enumerate(members[:self.max_citations]):
            n = _cite(member, numbering, citations)
            text = " ".join((member.clause.reading or member.clause.body).split())
            lead_in = block.lead_in(position)
            lines.append(f"- {lead_in + ' ' if lead_in else ''}{excerpt(text)} [{n}]")
        if len(members) > self.max_citations:
            lines.append(f"(và {len(members) - self.max_citations} ý khác trong cùng mục)")
        return lines

    def _compose_duties(self, question: str, blocks: Sequence[AgencyBlock], top: tuple, support: float) -> Answer:
        """Everything the named agency's block says; one part per locality when several are named."""
        numbering: dict[str, int] = {}
        citations: list[Citation] = []
        if len(blocks) == 1:
            block = blocks[0]
            locality = block.head.locality
            intro = f"Theo kế hoạch của {locality}, " if locality else "Theo kế hoạch, "
            intro += f"nhiệm vụ của {excerpt(block.name, limit=120)} gồm:"
            text = intro + "\n" + "\n".join(self._duty_lines(block, numbering, citations))
        else:
            parts = ["Nhiệm vụ theo từng kế hoạch đã nạp:"]
            for block in blocks:
                parts.append(f"\n**{block.head.locality}** — {excerpt(block.name, limit=120)}:")
                parts.extend(self._duty_lines(block, numbering, citations))
            text = "\n".join(parts)
        return Answer(question=question, answer=text, abstained=False,
                      mode="extractive", citations=tuple(citations), retrieved=top, support=support)

    def _compose_compare(self, question: str, units: list[Unit], top: tuple, support: float,
                         intent: QuestionIntent, asked: Sequence[str] = ()) -> Answer:
        best_by_locality: dict[str, Unit] = {}
        if len(asked) > 1:  # the question names the localities to compare: only those
            keys = {folded_form(a) for a in asked}
            units = [u for u in units if folded_form(u.scored.locality) in keys] or units
        ranks_extreme = any(c in intent.cues for c in ("cao nhat", "thap nhat"))
        # Comparing figures: per locality, the sentence that states the figure wins over a closer paraphrase.
        by_figure = ranks_extreme or (intent.kind in ("target", "compare") and bool(intent.years))

        def rank(unit: Unit) -> tuple[float, float]:
            return (unit.evidence, unit.score) if by_figure else (unit.score, unit.evidence)

        for unit in units:
            key = unit.scored.locality or unit.scored.clause.doc_id
            if key not in best_by_locality or rank(unit) > rank(best_by_locality[key]):
                best_by_locality[key] = unit
        rows = sorted(best_by_locality.items(), key=lambda kv: kv[1].score, reverse=True)
        rows = [(loc, u) for loc, u in rows if u.coverage >= 0.25][: max(self.max_citations, 2)]
        numbering: dict[str, int] = {}
        citations: list[Citation] = []
        lines = ["| Địa phương | Nội dung | Nguồn |", "|---|---|---|"]
        anchor = _anchor_for(intent)
        for loc, unit in sorted(rows, key=lambda kv: kv[0]):
            n = _cite(unit.scored, numbering, citations)
            cell = excerpt(unit.sentence, anchor, limit=260).replace("|", "/")
            lines.append(f"| {loc} | {cell} | [{n}] |")
        text = "So sánh theo từng địa phương trong các kế hoạch đã nạp:\n" + "\n".join(lines)
        if ranks_extreme:
            text += _extreme_line(rows, highest="cao nhat" in intent.cues, years=intent.years)
        return Answer(question=question, answer=text, abstained=False, mode="extractive",
                      citations=tuple(citations), retrieved=top, support=support)

    def _abstain(self, question: str, retrieved: Sequence[ScoredClause], top: tuple, support: float, *,
                 reason: str, detail: str = "") -> Answer:
        lead = {
            "place": f"Các kế hoạch đã nạp không có kế hoạch của {detail}, nên không trả lời được câu hỏi này.",
            "amount": "Các kế hoạch đã nạp không nêu số tiền cụ thể (đồng) cho nội dung này.",
            "cited": (f"Văn bản {detail} chỉ được các kế hoạch nhắc đến theo số hiệu; "
                      "nội dung của văn bản đó không có trong dữ liệu đã nạp."),
            "focus": "Các kế hoạch đã nạp không nêu tên cụ thể nơi/đơn vị nào như câu hỏi yêu cầu.",
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


def derive(parent: ScoredClause, child: Clause) -> ScoredClause:
    """A ScoredClause for a clause reached through the tree (not retrieved itself).

    It inherits the document fields, score and channel ranks of the clause it
    was reached from; its section is the child's own section path in words.
    """
    return replace(parent, clause=child, section=section_label(child), dense_score=None, lexical_score=None)


def _whole_plan(index: ClauseTree, local: Sequence[ScoredClause]) -> list[ScoredClause]:
    """Every clause of the plan ``local[0]`` belongs to, in reading order, reached from it."""
    if not local:
        return []
    reference = local[0]
    doc_id = reference.clause.doc_id
    found: list[ScoredClause] = []
    stack = [c for c in reversed(index.children("")) if c.doc_id == doc_id]
    while stack:
        clause = stack.pop()
        found.append(derive(reference, clause))
        stack.extend(reversed(index.children(clause.id)))
    return found


def _clause_or_none(index: ClauseTree, clause_id: str) -> Clause | None:
    try:
        return index.clause(clause_id)
    except KeyError:
        return None


def _cite(scored: ScoredClause, numbering: dict[str, int], citations: list[Citation]) -> int:
    if scored.id not in numbering:
        numbering[scored.id] = len(citations) + 1
        citations.append(Citation.from_scored(numbering[scored.id], scored))
    return numbering[scored.id]


def _anchor_for(intent: QuestionIntent) -> re.Pattern | None:
    if intent.wants_amount:
        return _AMOUNT_RE
    return {"target": _PERCENT_RE, "deadline": _DATE_RE, "responsibility": _AGENCY_RE}.get(intent.kind)


def _last_year(text: str) -> str:
    years = _YEAR_RE.findall(text)
    return years[-1] if years else ""


def percent_years(sentence: str, context_year: str = "") -> list[tuple[float, str]]:
    """The percentages a sentence states, each with the year it is for.

    A figure belongs to the year in its own part of the sentence ("đạt 100% trước
    năm 2030"), else to the last year named before it ("Năm 2026, tỷ lệ ... 95%"),
    else to ``context_year`` (a heading such as "Mục tiêu đến năm 2026").
    """
    found: list[tuple[float, str]] = []
    year = context_year
    for part in _TARGET_PART_RE.split(sentence):
        own = _last_year(part)
        for match in _PERCENT_RE.finditer(part):
            value = float(match.group(0).rstrip("%").strip().replace(",", "."))
            found.append((value, own or year))
        year = own or year
    return found


def _stated_percent(unit: Unit, years: Sequence[str]) -> float | None:
    """The percentage a row's sentence states for the question's year (any year when none is asked)."""
    heading_year = _last_year(" ".join(unit.scored.clause.search_titles))
    for value, year in percent_years(unit.sentence, heading_year):
        if not years or year in years:
            return value
    return None


def _extreme_line(rows: Sequence[tuple[str, Unit]], *, highest: bool, years: Sequence[str]) -> str:
    """"Cao nhất: Huế (99,3%)." from the figures the rows state ("" when fewer than two state one)."""
    figures = [(loc, value) for loc, unit in rows if (value := _stated_percent(unit, years)) is not None]
    if len(figures) < 2:
        return ""
    best = max(v for _, v in figures) if highest else min(v for _, v in figures)
    names = ", ".join(sorted(loc for loc, v in figures if v == best))
    shown = f"{best:g}".replace(".", ",") + "%"
    return f"\n\n{'Cao nhất' if highest else 'Thấp nhất'} trong các kế hoạch đã nạp: {names} ({shown})."


def _owner_prefix(unit: Unit, intent: QuestionIntent) -> str:
    """The owner of a sentence when it does not say it itself.

    An attribute line ("Thời gian thực hiện: Thường xuyên.") is prefixed with its
    task; for responsibility questions, a sentence under an agency heading
    ("2. Sở Tài chính") that names no agency is prefixed with that agency.
    """
    titles = unit.scored.clause.search_titles
    if unit.role == "attribute" and titles:
        return f"{excerpt(_heading_name(titles[-1]), limit=140)} — "
    if intent.kind == "target" and titles and not _YEAR_RE.search(unit.sentence):
        heading = _heading_name(titles[-1])
        if _YEAR_RE.search(heading) and len(heading) <= 60:  # "Mục tiêu đến năm 2026"
            return f"{heading}: "
        return ""
    if intent.kind != "responsibility":
        return ""
    for title in reversed(unit.scored.clause.search_titles[1:]):
        if _is_agency_heading(title):
            name = _heading_name(title)
            if folded_form(name) not in folded_form(unit.sentence):
                return f"{name}: "
            return ""
    return ""
