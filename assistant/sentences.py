"""Sentence-level reading of clause text: splitting, excerpts, figures, fact kinds.

What the extractive answerer needs to know about one sentence: where it ends
(:func:`split_sentences`), how to shorten it around its fact (:func:`excerpt`),
whether it carries the kind of fact a question asks for (:func:`evidence_score`:
percentages for targets, agencies for responsibility, dates for deadlines,
sources for funding, amounts in đồng for money), and which year a figure is for
(:func:`percent_years`). Headings are told apart from sentences
(:func:`is_heading_only`, :func:`is_agency_heading`).
"""

from __future__ import annotations

import math
import re

from assistant.intent import QuestionIntent
from ingest.model import Clause
from ingest.vntext import folded_form

# A figure stated as a target: "đến năm 2026", "phấn đấu", "mục tiêu", "trước năm 2030".
TARGET_WORDING_RE = re.compile(r"(?<!\w)(?:den nam|nam 20\d\d|phan dau|muc tieu|chi tieu|truoc nam|giai doan)(?!\w)")
MAX_SENTENCE_CHARS = 420    # longer sentences are cut around their evidence
PERCENT_RE = re.compile(r"\d+(?:[.,]\d+)?\s?%")
NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?![\w/])")
YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
# "tỷ/tỉ" is money only when not "tỷ lệ" (rate): "đến năm 2026 tỉ lệ bao phủ" states no amount.
AMOUNT_RE = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|(?:tỷ|tỉ)(?!\s*lệ)|nghìn|ngàn|vnđ|vnd)\b", re.IGNORECASE)
# Parts of a sentence that state one target: "đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030".
TARGET_PART_RE = re.compile(r"\s+và\s+|[,;]\s+")
DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b(?:ngày|trước ngày|tháng|quý|năm)\s+\d{1,4}\b|\b\d{1,2}/\d{4}\b",
                      re.IGNORECASE)
_PERIOD_WORDS = ("thuong xuyen", "hang nam", "hằng năm", "hang quy", "dinh ky", "truoc ngay", "trong nam",
                 "hang thang", "6 thang", "giai doan")
AGENCY_RE = re.compile(
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
        return 1.0 if AMOUNT_RE.search(sentence) else 0.0
    if kind == "target" or (kind == "compare" and any(c in intent.cues for c in ("cao nhat", "thap nhat"))) \
            or (kind == "compare" and intent.years):
        heading_year = last_year(" ".join(titles))
        if intent.years:
            # A question about 2030 wants what is stated for 2030, not the 2026 figure beside it.
            if any(year in intent.years for _, year in percent_years(sentence, heading_year)):
                return 1.0
            if any(y in sentence for y in intent.years) or heading_year in intent.years:
                return 0.8
            if PERCENT_RE.search(sentence):
                return 0.6
        elif PERCENT_RE.search(sentence):
            return 1.0
        numbers = [n for n in NUMBER_RE.findall(sentence) if not YEAR_RE.fullmatch(n)]
        if numbers:
            return 0.7
        return 0.4 if YEAR_RE.search(sentence) else 0.0
    if kind == "responsibility":
        score = 0.0
        if AGENCY_RE.search(sentence):
            score = 0.7
        if any(w in folded for w in _RESPONSIBILITY_WORDS):
            score = min(1.0, score + 0.4)
        if role == "attribute" and attribute_kind(sentence) == "responsibility":
            score = 1.0
        if score < 1.0 and any(is_agency_heading(t) for t in titles[1:]):
            score = max(score, 0.8)
        return score
    if kind == "deadline":
        if role == "attribute" and attribute_kind(sentence) == "deadline":
            return 1.0
        if DATE_RE.search(sentence):
            return 1.0
        return 0.6 if any(w in folded for w in _PERIOD_WORDS) else 0.0
    if kind == "funding":
        # The plan's own funding section ("IV. KINH PHÍ") answers "where does the money come from"
        # better than an agency's duty that mentions a budget.
        if titles and folded_form(heading_name(titles[0])).startswith("kinh phi"):
            return 1.0
        return 0.8 if any(w in folded for w in _FUNDING_WORDS) else 0.0
    if kind == "list":
        return 1.0 if role == "child" else 0.3
    return 0.5


def attribute_kind(text: str) -> str:
    head = folded_form(text.split(":", 1)[0]) if ":" in text[:60] else ""
    for name, kind in _ATTRIBUTE_NAMES.items():
        if name in head:
            return kind
    return ""


def is_agency_heading(title: str) -> bool:
    """A short heading naming an agency ("2. Sở Tài chính", "4- Bảo hiểm xã hội tỉnh")."""
    name = _NUMBERED_TITLE_RE.sub("", title).strip()
    return 0 < len(name) <= 90 and AGENCY_RE.match(name) is not None


def is_heading_only(clause: Clause) -> bool:
    """A clause that is only a heading ("3. Nâng cao chất lượng khám, chữa bệnh BHYT"), no sentence of its own."""
    text = _NUMBERED_TITLE_RE.sub("", " ".join((clause.reading or clause.body).split())).strip()
    return len(text) <= 120 and not re.search(r"[.;]\s", text)


def heading_name(title: str) -> str:
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


def last_year(text: str) -> str:
    years = YEAR_RE.findall(text)
    return years[-1] if years else ""


def percent_years(sentence: str, context_year: str = "") -> list[tuple[float, str]]:
    """The percentages a sentence states, each with the year it is for.

    A figure belongs to the year in its own part of the sentence ("đạt 100% trước
    năm 2030"), else to the last year named before it ("Năm 2026, tỷ lệ ... 95%"),
    else to ``context_year`` (a heading such as "Mục tiêu đến năm 2026").
    """
    found: list[tuple[float, str]] = []
    year = context_year
    for part in TARGET_PART_RE.split(sentence):
        own = last_year(part)
        for match in PERCENT_RE.finditer(part):
            value = float(match.group(0).rstrip("%").strip().replace(",", "."))
            found.append((value, own or year))
        year = own or year
    return found


def focus_excerpt(sentence: str, terms: list[str], limit: int = MAX_SENTENCE_CHARS) -> str:
    """Like :func:`excerpt`, centred on the part of the sentence that holds most of ``terms``.

    Long plan sentences chain many duties ("...; báo cáo sơ kết 6 tháng: trước ngày 05/6 ...");
    the part about the question is shown, not the sentence's opening.
    """
    if len(sentence) <= limit or not terms:
        return excerpt(sentence, limit=limit)
    wanted = set(terms)
    parts = [(m.start(), set(folded_form(m.group(0)).split()) & wanted) for m in re.finditer(r"[^;,:()]+", sentence)]
    # Words found in many parts ("thực hiện") tell less than words of one part ("6 tháng").
    weight = {t: math.log(1 + len(parts) / (1 + sum(t in found for _, found in parts))) for t in wanted}
    best_start, best_score = 0, 0.0
    for start, found in parts:
        score = sum(weight[t] for t in found)
        if score > best_score:
            best_start, best_score = start, score
    if best_score == 0:
        return excerpt(sentence, limit=limit)
    return excerpt(sentence, re.compile(re.escape(sentence[best_start:best_start + 12])), limit=limit)
