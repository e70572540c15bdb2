"""Quantified targets a plan sets ("tỷ lệ bao phủ BHYT đạt trên 95% năm 2026"), read once at ingest.

A target is a figure (a percentage, or a count of people, households, cards…) that a
sentence sets as something to reach or keep, with the year it is for. Figures that
describe the present ("năm 2025 đạt 93%"), support or benefit rates ("hỗ trợ 70% mức
đóng"), dates and document numbers are not targets.

How a sentence is read:

- It is cut into pieces at ";" and "," and " và ": a figure's year is the year named
  in its own piece, else the last one named before it in the sentence, else the year
  of the clause's heading context ("b) Mục tiêu đến năm 2030"), else none.
- A figure is a target when its sentence or the clause's headings carry a goal word
  (đạt, phấn đấu, mục tiêu, chỉ tiêu, duy trì, bảo đảm, tối thiểu…) or the figure
  opens its piece ("100% học sinh … tham gia BHYT"), and its year is not before the
  plan's own year.
- What is measured (the indicator) is the "tỷ lệ …" phrase before the figure, else the
  words after a figure that opens its piece, else the words before it; a bare
  "đạt 100% trước năm 2030" takes the indicator of the figure before it.
- A target is about coverage when its indicator speaks of coverage ("bao phủ") or of
  the share of the population taking part ("dân số tham gia").
- A plan may state its coverage goal for a year in words, as Directive 52 does:
  "Đến năm 2030, đạt mục tiêu bao phủ bảo hiểm y tế toàn dân". Such a goal is a
  coverage target without a figure (``value`` None, shown "toàn dân (không nêu con
  số)") when a reaching word (đạt, phấn đấu, hoàn thành) comes before the phrase in
  its piece, the piece (or the sentence before it, or the headings) names a year not
  before the plan's own, and the plan sets no coverage figure for that year. Without
  a year ("đáp ứng mục tiêu bao phủ BHYT toàn dân") it is a direction, not a target.

Matching uses the folded form (no accents, lowercase), so repaired OCR readings and
the "tỉ/tỷ" spellings read alike; quotes keep the clause's own reading.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ingest.model import Clause, DocumentMeta
from ingest.vntext import folded_form

COVERAGE = "coverage"
OTHER = "other"
# A coverage goal stated in words instead of a figure: Directive 52's own goal, "bảo hiểm y tế toàn dân".
IN_WORDS = "toàn dân"
NO_FIGURE = "không nêu con số"
IN_WORDS_INDICATOR = "bao phủ bảo hiểm y tế toàn dân"

# A percentage, with a Vietnamese decimal comma or point ("99,3%", "95 %").
_PERCENT_RE = re.compile(r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{1,2})?)\s*%")
# A count with thousands dots ("5.000 người") followed by what is counted.
_COUNT_RE = re.compile(r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})+|\d{2,7})\s+(người|hộ|thẻ|lượt|đối tượng|học sinh)(?!\w)")
# A year that is not part of a date ("03/10/2025"), a document number or a period's start.
_YEAR_RE = re.compile(r"(?<![\d/.\-–])((?:19|20)\d{2})(?![\d/]|\s*[-–]\s*(?:19|20)\d{2})")
_PIECE_RE = re.compile(r";|,\s|\svà\s|\s-\s")
# Folded goal words: a figure in such a sentence (or under such a heading) is a target.
_GOAL_WORDS = ("dat", "phan dau", "muc tieu", "chi tieu", "duy tri", "bao dam", "dam bao", "toi thieu",
               "it nhat", "tang", "nang", "giam", "them", "phat trien")
# Folded words before a percentage that make it a rate paid or received, not a goal.
_RATE_WORDS = ("ho tro", "huong", "muc dong", "dong", "thanh toan", "chi tra", "giam gia")
_PRESENT_WORDS = ("hien nay", "hien tai", "da dat", "uoc dat", "uoc thuc hien")
# Folded words that say the figure is a share of the whole population.
_COVERAGE_WORDS = ("bao phu", "dan so tham gia", "toan dan tham gia")
# Folded: the goal of universal coverage named in words, and the words that make it a goal to reach.
_IN_WORDS_RE = re.compile(r"\b(?:(?:muc tieu|chi tieu)\s+(?:ve\s+)?(?:bao phu\s+)?|bao phu\s+)"
                          r"(?:bao hiem y te|bhyt)\s+toan dan\b")
_REACH_WORDS = ("dat", "phan dau", "hoan thanh")


def _words_re(words: tuple[str, ...]) -> re.Pattern:
    """Any of ``words`` as whole words ("huong" must not match inside "phuong")."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


_GOAL_RE, _RATE_RE, _PRESENT_RE, _COVERAGE_RE, _REACH_RE = map(_words_re, (
    _GOAL_WORDS, _RATE_WORDS, _PRESENT_WORDS, _COVERAGE_WORDS, _REACH_WORDS))
_QUALIFIERS = ("tối thiểu", "ít nhất", "tối đa", "trên", "dưới", "hơn", "khoảng", "đạt")
_RATE_PHRASE_RE = re.compile(r"\b(?:tỷ|tỉ)\s+lệ\b", re.IGNORECASE)
_LEAD_WORDS_RE = re.compile(
    r"^(?:(?:phấn đấu|vượt chỉ tiêu|chỉ tiêu|mục tiêu|bảo đảm|đảm bảo|duy trì|đến hết|đến|trước|"
    r"năm|vào năm|giai đoạn|tăng|nâng|để|có|đạt)\s+)+", re.IGNORECASE)
_TAIL_VERBS_RE = re.compile(r"\s+(?:phải\s+)?(?:đạt|đạt được|ở mức|là|lên|xuống)(?:\s+(?:trên|dưới|tối thiểu|ít nhất))?$",
                            re.IGNORECASE)
_QUALIFIER_TAIL_RE = re.compile(r"(?:^|\s)(?:đạt|là|có)?\s*(?:tối thiểu|ít nhất|tối đa|trên|dưới|hơn|khoảng)?$",
                                re.IGNORECASE)
MAX_INDICATOR_WORDS = 18


@dataclass(frozen=True)
class Target:
    """One quantified target of a plan.

    Attributes:
        doc_id: The plan.
        clause_id: The clause that states it.
        kind: "coverage" (share of the population with BHYT) or "other".
        indicator: What is measured, as the plan words it ("Tỷ lệ bao phủ bảo hiểm y tế toàn xã").
        value: The figure (95.0, 99.3, 5000.0); None for a coverage goal stated in words ("toàn dân").
        unit: "%" or the counted noun ("người"); "" for a goal in words.
        qualifier: "trên", "tối thiểu", "đạt"… as written before the figure, "" when none.
        year: The year it is for, None when the plan names none.
        quote: The sentence that states it, as answers quote it.
        start: Start offset of that sentence in the plan's source text (what a citation highlights).
        end: End offset (exclusive).
    """

    doc_id: str
    clause_id: str
    kind: str
    indicator: str
    value: float | None
    unit: str
    qualifier: str
    year: int | None
    quote: str
    start: int
    end: int

    def to_json(self) -> dict:
        """A JSON-serialisable dict."""
        return asdict(self)

    @property
    def in_words(self) -> bool:
        """True for a coverage goal the plan states in words, without a figure."""
        return self.value is None

    @property
    def figure(self) -> str:
        """The figure as a Vietnamese reader writes it: "99,3%", "5.000 người" ("toàn dân" for a goal in words)."""
        if self.value is None:
            return IN_WORDS
        number = f"{self.value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{number}%" if self.unit == "%" else f"{number} {self.unit}"

    @property
    def stated(self) -> str:
        """The figure with the qualifier that changes its meaning: "trên 99,3%" ("đạt" adds nothing);
        "toàn dân (không nêu con số)" for a goal in words."""
        if self.value is None:
            return f"{IN_WORDS} ({NO_FIGURE})"
        qualifier = self.qualifier if self.qualifier != "đạt" else ""
        return f"{qualifier} {self.figure}".strip()


@dataclass(frozen=True)
class _Figure:
    value: float
    unit: str
    at: int
    end: int


def extract_targets(meta: DocumentMeta, clauses: tuple[Clause, ...] | list[Clause]) -> tuple[Target, ...]:
    """The targets stated in a plan's clauses, first statement first, each stated once."""
    plan_year = _plan_year(meta)
    seen: set[tuple] = set()
    found: list[Target] = []
    in_words: list[Target] = []
    for clause in clauses:
        if clause.kind == "footnote":
            continue
        headings = folded_form(" ".join(clause.search_titles))
        for span, sentence in zip(clause.sentences, clause.sentence_texts, strict=True):
            for target in _sentence_targets(clause, sentence, headings, plan_year):
                target = Target(meta.doc_id, clause.id, *target, span.start, span.end)
                key = (target.kind, target.value, target.unit, target.year,
                       "" if target.kind == COVERAGE else folded_form(target.indicator))
                if key not in seen:
                    seen.add(key)
                    found.append(target)
            in_words += [Target(meta.doc_id, clause.id, COVERAGE, indicator, None, "", "", year, sentence,
                                span.start, span.end)
                         for indicator, year in _goals_in_words(clause, sentence, plan_year)]
    # A goal in words counts only for a year the plan gives no coverage figure, and once per year.
    covered = {t.year for t in found if t.kind == COVERAGE}
    for target in in_words:
        if target.year not in covered:
            covered.add(target.year)
            found.append(target)
    return tuple(found)


def _goals_in_words(clause: Clause, sentence: str, plan_year: int | None) -> list[tuple[str, int]]:
    """(indicator, year) of each universal-coverage goal ``sentence`` states in words for a year."""
    folded = folded_form(sentence)
    pieces = [(m.start(), m.end()) for m in _PIECE_RE.finditer(sentence)]
    goals = []
    for match in _IN_WORDS_RE.finditer(folded):
        start, end = _piece_bounds(pieces, match.start(), len(sentence))
        if not _REACH_RE.search(folded[start:match.start()]) or _PERCENT_RE.search(sentence[start:end]):
            continue
        year = _year_for(sentence, start, end) or (int(clause.year) if clause.year else None)
        if year is None or (plan_year is not None and year < plan_year):
            continue
        # Folding keeps an NFC text's length, so the match's span is the plan's own words.
        phrase = sentence[match.start():match.end()] if len(folded) == len(sentence) else IN_WORDS_INDICATOR
        goals.append((phrase[0].upper() + phrase[1:], year))
    return goals


def _sentence_targets(clause: Clause, sentence: str, headings: str, plan_year: int | None) -> list[tuple]:
    figures = _figures(sentence)
    if not figures:
        return []
    folded = folded_form(sentence)
    goal = bool(_GOAL_RE.search(folded) or _GOAL_RE.search(headings))
    pieces = [(m.start(), m.end()) for m in _PIECE_RE.finditer(sentence)]
    targets: list[tuple] = []
    previous_indicator = ""
    previous_end = 0
    for figure in figures:
        since_previous, previous_end = sentence[previous_end:figure.at], figure.end
        start, end = _piece_bounds(pieces, figure.at, len(sentence))
        piece_before = sentence[start:figure.at]
        before = folded_form(piece_before)
        if _RATE_RE.search(before[-30:]):
            continue
        after = sentence[figure.end:].split(";")[0]
        if figure.unit == "%":
            indicator = _indicator(since_previous, piece_before, after) or previous_indicator
        else:  # a count: what is counted is the noun and the words after it
            indicator = _indicator("", "", f"{figure.unit} {after}")
        previous_indicator = indicator or previous_indicator
        opens_piece = not _bare(before)
        year = _year_for(sentence, start, end) or (int(clause.year) if clause.year else None)
        if (not indicator or _PRESENT_RE.search(before) or not (goal or opens_piece)
                or (year is not None and plan_year is not None and year < plan_year)):
            continue
        kind = COVERAGE if figure.unit == "%" and speaks_of_coverage(indicator) else OTHER
        targets.append((kind, indicator, figure.value, figure.unit, _qualifier(piece_before), year, sentence))
    return targets


def speaks_of_coverage(text: str) -> bool:
    """True when ``text`` speaks of BHYT coverage of the population ("bao phủ", "dân số tham gia")."""
    return bool(_COVERAGE_RE.search(folded_form(text)))


def _strip_leads(text: str) -> str:
    """``text`` without its years and the goal words it opens with ("phấn đấu đến năm 2026 …")."""
    return _LEAD_WORDS_RE.sub("", _strip_years(text).strip(" ,:.")).strip(" ,:.")


def _bare(text: str) -> str:
    """``text`` without goal and qualifier words, years and punctuation: "" when nothing else is left."""
    return _QUALIFIER_TAIL_RE.sub("", _strip_leads(text)).strip(" ,:.")


def _figures(sentence: str) -> list[_Figure]:
    figures = [_Figure(_number(m.group(1)), "%", m.start(), m.end()) for m in _PERCENT_RE.finditer(sentence)]
    for m in _COUNT_RE.finditer(sentence):
        if not _YEAR_RE.fullmatch(m.group(1)):
            figures.append(_Figure(float(m.group(1).replace(".", "")), m.group(2), m.start(), m.end()))
    return sorted(figures, key=lambda f: f.at)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _piece_bounds(cuts: list[tuple[int, int]], at: int, length: int) -> tuple[int, int]:
    """The piece of the sentence holding offset ``at``: between the cuts around it."""
    start = max((e for s, e in cuts if e <= at), default=0)
    end = min((s for s, e in cuts if s >= at), default=length)
    return start, end


def _year_for(sentence: str, start: int, end: int) -> int | None:
    """The year named in the piece [start, end), else the last one named before it."""
    own = _YEAR_RE.findall(sentence[start:end])
    if own:
        return int(own[-1])
    earlier = _YEAR_RE.findall(sentence[:start])
    return int(earlier[-1]) if earlier else None


def _indicator(since_previous: str, before: str, after: str) -> str:
    """What is measured: the "tỷ lệ …" phrase since the figure before (or the sentence start),
    else the words before the figure in its piece, else the words after a figure that opens it."""
    rate = list(_RATE_PHRASE_RE.finditer(since_previous))
    if rate:
        phrase = since_previous[rate[-1].start():]
    elif _bare(before):
        phrase = before
    else:
        phrase = after
    phrase = _QUALIFIER_TAIL_RE.sub("", _TAIL_VERBS_RE.sub("", _strip_leads(phrase)).strip(" ,:.")).strip(" ,:.")
    words = phrase.split()
    if len(words) < 2:
        return ""
    phrase = " ".join(words[:MAX_INDICATOR_WORDS])
    if len(words) > MAX_INDICATOR_WORDS and len(phrase[:phrase.rfind(",")].split()) >= 4:
        phrase = phrase[:phrase.rfind(",")]  # cut where the plan's own comma is, not mid-phrase
    return phrase[0].upper() + phrase[1:]


def _strip_years(text: str) -> str:
    return re.sub(r"\b(?:(?:đến|trước|vào|trong)\s+)?(?:hết\s+)?(?:năm\s+)?(?:19|20)\d{2}\b", " ", text)


def _qualifier(before: str) -> str:
    tail = before.rstrip().lower()
    for word in _QUALIFIERS:
        if tail.endswith(word):
            return word
    return ""


def _plan_year(meta: DocumentMeta) -> int | None:
    years = _YEAR_RE.findall(meta.date or "")
    return int(years[0]) if years else None
