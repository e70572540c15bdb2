"""Faithfulness: is every sentence of an answer what the clause it cites says?

"Citation validity" only checks that a quoted clause equals its source slice,
which holds by construction. This checks the answer's own sentences: each one
that carries [n] markers must be a verbatim piece of a cited clause (its text,
or its repaired OCR reading), after removing the *declared transformations*
below; each one without a marker must be one of the declared fixed sentences,
or a lead-in ending in ":" that introduces what follows; anything else is an
uncited claim.

Declared transformations (:data:`LEADS`, :data:`FIXED_SENTENCES`):
- a lead naming the plan ("Theo kế hoạch của Huế:") or introducing a list;
- a label before the quote ("Mục tiêu đến năm 2026: …", "Sở Y tế: …",
  "Bảo hiểm xã hội tỉnh — …") whose words all belong to the cited clause, its
  headings or its locality;
- the locality cell of a comparison row;
- an ellipsis "…" where a quote was cut, and the list marker, case, final
  punctuation, markdown emphasis ("*") and hyphens broken across lines of a quote;
- "Cao nhất/Thấp nhất …: X (99,3%)", faithful when its figure is in a citation;
- a data row of a comparison ("Huế | trên 99,3% | 2026 [n]"), faithful when its locality is the
  cited plan's, its figure with its qualifier is verbatim in the cited clause (text or reading)
  and its year is in that clause or its headings; a row saying the plan gives no figure
  ("không nêu con số («…»)") is faithful when its quote is verbatim in the cited clause, and a
  goal stated in words ("toàn dân (không nêu con số)") when its words are, with its year as above;
- a sentence about the plan document ("Kế hoạch của X có số 646-KH/TU, ban hành ngày 09/01/2026
  (…)", "… do Nguyễn Văn A (…) ký", "… do Ủy ban nhân dân tỉnh X ban hành (…)") citing its header or
  signature lines: faithful when every document number, date (day, month and year as numbers, in
  order) and signer's name it states is in the cited lines, and for the issuing body when the
  cited lines name the body's kind (Ban Thường vụ, Ủy ban nhân dân, Đảng ủy, Tỉnh ủy, Thành ủy) it
  names; the locality and the issuer's place are inferred, not checked. (The bodies a plan is sent
  to are list entries, each checked verbatim against the cited "Nơi nhận" lines like any quote.)

The repaired OCR reading in answers is also scored against a hand-corrected
reading of the cited lines (``eval/gold/corrected/<doc_id>.txt``, line i = line
i of the plan file): :func:`reading_accuracy` is the share of the quoted
syllables that the corrected text has at the same place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from eval.answer_checks import answer_sentences
from ingest.model import ISSUING_BODIES
from ingest.vntext import fold_diacritics, nfc

CORRECTED_DIR = Path(__file__).resolve().parent / "gold" / "corrected"

LEADS: tuple[re.Pattern, ...] = (
    re.compile(r"^theo (?:kế hoạch(?: của [^:,]+)?|các kế hoạch đã nạp)\s*[:,]\s*", re.IGNORECASE),
    re.compile(r"^(?:theo kế hoạch(?: của [^,]+)?, )?(?:mục \"[^\"]*\" gồm|nhiệm vụ của .+? gồm|các nội dung gồm)\s*:\s*",
               re.IGNORECASE),
)
FIXED_SENTENCES: tuple[re.Pattern, ...] = (
    re.compile(r"^so sánh theo từng địa phương", re.IGNORECASE),
    re.compile(r"^nhiệm vụ theo từng kế hoạch đã nạp", re.IGNORECASE),
    re.compile(r"^\(và \d+ ý khác trong cùng mục\)$", re.IGNORECASE),
    re.compile(r"^theo (?:kế hoạch(?: của [^:,]+)?|các kế hoạch đã nạp)\s*:?$", re.IGNORECASE),
    re.compile(r"^các kế hoạch đã nạp không", re.IGNORECASE),
    re.compile(r"^các đoạn liên quan gần nhất", re.IGNORECASE),
    # A plan that leaves a fact of its own document blank, said of one plan among several.
    re.compile(r"^(?:- )?(?:kế hoạch của .+? (?:để trống số văn bản|chỉ ghi (?:năm|tháng))|"
               r"dữ liệu đã nạp không ghi)", re.IGNORECASE),
)
_EXTREME = re.compile(r"^(?:cao|thấp) nhất trong các kế hoạch đã nạp:", re.IGNORECASE)
_LABEL = re.compile(r"^(?:\*\*)?([^:—|]{1,160}?)(?:\*\*)?\s*(?::|—)\s+")
_CELL = re.compile(r"^([^|]{1,80}?)\s*\|\s*")
_DATA_ROW = re.compile(r"^([^|]{1,80}?)\s*\|\s*([^|]+?)\s*\|\s*(\d{4}|—)$")
_NOT_STATED = re.compile(r"^không nêu con số(?:\s*\(«(.+)»\))?$")
_IN_WORDS = re.compile(r"^(.+?)\s*\(không nêu con số\)$")
_ELLIPSIS = re.compile(r"…|\.\.\.")
_PLAN_FACT = re.compile(r"^Kế hoạch của .+? (?:có số|ban hành (?:ngày|tháng|năm)|do .+? (?:ký|ban hành))")
_DOC_NUMBER = re.compile(r"\b\d+-[^\s,()]+")
_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
# A date the plan gives only to the month or the year ("ban hành tháng 01 năm 2026", "ban hành năm 2026").
_MONTH_OF_ISSUE = re.compile(r"ban hành tháng (\d{1,2}) năm (\d{4})")
_YEAR_OF_ISSUE = re.compile(r"ban hành năm (\d{4})")
_SIGNER = re.compile(r" do (.+?) (?:\(|ký)")
_ISSUED_BY = re.compile(r" do (.+?) ban hành \(")
_LIST_MARKER = re.compile(r"^(?:[-+•*]|[a-zđ]\)|\d+[.)])\s+", re.IGNORECASE)


@dataclass(frozen=True)
class CitedClause:
    """A citation as the evaluation sees it: its number, clause id, place and every wording of its clause.

    Attributes:
        n: The [n] number in the answer.
        doc_id: The cited document.
        text: The quoted text (should be the source slice ``char_start:char_end``).
        char_start: Start offset in the document's source text.
        char_end: End offset (exclusive).
        reading: The clause's repaired OCR reading ("" when none).
        titles: Its headings (and their readings), which labels may quote.
        locality: The plan's locality, which a comparison cell may name.
        id: The clause id ("" for a citation of a chunk without one).
    """

    n: int
    doc_id: str
    text: str
    char_start: int
    char_end: int
    reading: str = ""
    titles: tuple[str, ...] = ()
    locality: str = ""
    id: str = ""


@dataclass(frozen=True)
class SentenceCheck:
    """One answer sentence judged.

    Attributes:
        text: The sentence (markers removed).
        cited: Its citation numbers.
        faithful: Verbatim in a cited clause after the declared transformations
            (or a declared fixed sentence whose figures are cited).
        source: "text", "reading" (the repaired OCR reading), "derived", or "" when unfaithful.
        quoted: The pieces that were matched (for scoring the OCR reading).
        reason: Why it is unfaithful (Vietnamese), "" otherwise.
    """

    text: str
    cited: tuple[int, ...]
    faithful: bool
    source: str
    quoted: tuple[str, ...] = ()
    reason: str = ""


def _norm(text: str) -> str:
    """Comparison form: lowercase, whitespace collapsed, emphasis marks dropped, a hyphen
    broken across a line ("52-\nCT/TW") joined."""
    text = re.sub(r"-\s+", "-", nfc(text).lower().replace("*", ""))
    return " ".join(text.split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold_diacritics(nfc(text)).lower()))


def _pieces(content: str) -> list[str]:
    pieces = []
    for piece in _ELLIPSIS.split(content):
        piece = _LIST_MARKER.sub("", _norm(piece)).strip(" .;,:")
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def _strip_declared(text: str, cited: Sequence[CitedClause]) -> str:
    """Remove leads, the locality cell and labels made of the cited clauses' own words."""
    content = text.strip()
    for lead in LEADS:
        content = lead.sub("", content)
    cell = _CELL.match(content)
    if cell and any(_words(cell.group(1)) <= _words(c.locality) for c in cited if c.locality):
        content = content[cell.end():]
    allowed = set().union(*(_words(" ".join((c.text, c.reading, c.locality, *c.titles))) for c in cited))
    while (label := _LABEL.match(content)) and _words(label.group(1)) <= allowed:
        content = content[label.end():]
    return content.strip(" |")


def check_sentence(text: str, cited_numbers: Sequence[int], citations: Mapping[int, CitedClause]) -> SentenceCheck:
    """Judge one sentence against the clauses it cites (see the module docstring)."""
    if not cited_numbers:
        if text.rstrip().endswith(":") or any(p.search(text.strip()) for p in FIXED_SENTENCES):
            return SentenceCheck(text, (), True, "fixed")
        if _EXTREME.search(text.strip()):
            shown = re.findall(r"\d+(?:,\d+)?%", text)
            sources = " ".join(f"{c.text} {c.reading}" for c in citations.values())
            ok = bool(shown) and all(s in sources for s in shown)
            return SentenceCheck(text, (), ok, "derived" if ok else "", (),
                                 "" if ok else "con số không có trong nguồn trích dẫn")
        return SentenceCheck(text, (), False, "", (), "câu không có trích dẫn")
    cited = [citations[n] for n in cited_numbers if n in citations]
    if len(cited) != len(cited_numbers):
        return SentenceCheck(text, tuple(cited_numbers), False, "", (), "trích dẫn không tồn tại")
    if _PLAN_FACT.match(_LIST_MARKER.sub("", text.strip())):
        return _check_plan_fact(text, tuple(cited_numbers), cited)
    row = _DATA_ROW.match(text.strip())
    if row and any(_words(row.group(1)) <= _words(c.locality) for c in cited if c.locality):
        return _check_row(text, tuple(cited_numbers), cited, row.group(2), row.group(3))
    pieces = _pieces(_strip_declared(text, cited))
    if not pieces:
        return SentenceCheck(text, tuple(cited_numbers), True, "text")
    for field in ("text", "reading"):
        sources = [_norm(getattr(c, field)) for c in cited if getattr(c, field)]
        if sources and all(any(p in s for s in sources) for p in pieces):
            return SentenceCheck(text, tuple(cited_numbers), True, field, tuple(pieces))
    return SentenceCheck(text, tuple(cited_numbers), False, "", (), "không khớp nguyên văn điều khoản được trích")


def _check_row(text: str, numbers: tuple[int, ...], cited: Sequence[CitedClause], figure: str,
               year: str) -> SentenceCheck:
    """A comparison's data row: its figure (or quote) verbatim in a cited clause, its year there or in its headings."""
    absent = _NOT_STATED.match(figure)
    if absent:
        pieces = _pieces(absent.group(1) or "")
        for field in ("text", "reading"):
            sources = [_norm(getattr(c, field)) for c in cited if getattr(c, field)]
            if sources and all(any(p in s for s in sources) for p in pieces):
                return SentenceCheck(text, numbers, True, field, tuple(pieces))
        return SentenceCheck(text, numbers, False, "", (), "không khớp nguyên văn điều khoản được trích")
    in_words = _IN_WORDS.match(figure)
    if in_words:  # the goal as the plan words it ("toàn dân"): the words are what must be verbatim
        figure = in_words.group(1)
    for field in ("text", "reading"):
        for c in cited:
            said = _norm(getattr(c, field))
            context = _norm(" ".join((said, *c.titles)))
            if said and _norm(figure) in said and (year == "—" or year in context):
                return SentenceCheck(text, numbers, True, field, (_norm(figure),))
    return SentenceCheck(text, numbers, False, "", (), "con số hoặc năm không có trong điều khoản được trích")


def _check_plan_fact(text: str, numbers: tuple[int, ...], cited: Sequence[CitedClause]) -> SentenceCheck:
    """A sentence about the plan document: what it states must be in the cited header or signature lines."""
    lines = " ".join(c.text for c in cited)
    compact = re.sub(r"\s+", "", lines)
    stated = [number in compact for number in _DOC_NUMBER.findall(text)]
    for day, month, year in _DATE.findall(text):
        pattern = rf"(?<!\d)0?{int(day)}(?!\d)\D{{1,20}}(?<!\d)0?{int(month)}(?!\d)\D{{1,20}}{year}"
        stated.append(bool(re.search(pattern, fold_diacritics(lines))))
    for month, year in _MONTH_OF_ISSUE.findall(text):
        pattern = rf"(?<!\d)0?{int(month)}(?!\d)\D{{1,20}}{year}"
        stated.append(bool(re.search(pattern, fold_diacritics(lines))))
    stated += [year in lines for year in _YEAR_OF_ISSUE.findall(text)]
    issued_by = _ISSUED_BY.search(text)
    signer = _SIGNER.search(text)
    if issued_by:
        body, folded = fold_diacritics(issued_by.group(1)).lower(), fold_diacritics(lines).lower()
        stated.append(any(b in body and b in folded for b in ISSUING_BODIES))
    elif signer:
        stated.append(_norm(signer.group(1)) in _norm(lines))
    ok = bool(stated) and all(stated)
    return SentenceCheck(text, numbers, ok, "text" if ok else "", (),
                         "" if ok else "thông tin văn bản không có trong dòng được trích")


def check_answer(answer: str, citations: Sequence[CitedClause]) -> tuple[SentenceCheck, ...]:
    """Every counted sentence of ``answer`` judged; fixed sentences are returned with source "fixed"."""
    by_number = {c.n: c for c in citations}
    return tuple(check_sentence(s.text, s.cited, by_number) for s in answer_sentences(answer))


def faithful_share(checks: Sequence[SentenceCheck]) -> float | None:
    """Share of faithful sentences, fixed sentences not counted (None when nothing is counted)."""
    counted = [c for c in checks if c.source != "fixed"]
    return sum(c.faithful for c in counted) / len(counted) if counted else None


# --- the OCR reading against a hand-corrected reference ------------------------------------------

@dataclass(frozen=True)
class ReadingScore:
    """Syllables of repaired OCR readings quoted in answers, and how many the reference confirms."""

    syllables: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        """Share of quoted syllables that match the hand-corrected reference."""
        return self.correct / self.syllables if self.syllables else None


class CorrectedReadings:
    """Hand-corrected readings of OCR plans, line-aligned with the plan files.

    Args:
        source_text: Doc id -> the plan's NFC text (the offsets citations use).
        directory: Where ``<doc_id>.txt`` references live.
    """

    def __init__(self, source_text, directory: Path = CORRECTED_DIR) -> None:
        self._source_text = source_text
        self._lines: dict[str, list[str]] = {}
        for path in sorted(directory.glob("*.txt")) if directory.is_dir() else ():
            self._lines[path.stem] = nfc(path.read_text(encoding="utf-8")).split("\n")

    def covers(self, doc_id: str) -> bool:
        """Whether a corrected reference exists for ``doc_id``."""
        return doc_id in self._lines

    def reference(self, doc_id: str, char_start: int, char_end: int) -> str:
        """The corrected lines that hold ``[char_start, char_end)`` of the plan, joined by spaces."""
        source = nfc(self._source_text(doc_id))
        first = source.count("\n", 0, char_start)
        last = source.count("\n", 0, max(char_start, char_end - 1))
        return " ".join(self._lines[doc_id][first:last + 1])


def reading_accuracy(checks: Sequence[SentenceCheck], citations: Sequence[CitedClause],
                     readings: CorrectedReadings) -> ReadingScore:
    """Score the quoted pieces of sentences taken from a repaired reading against the reference."""
    by_number = {c.n: c for c in citations}
    syllables = correct = 0
    for check in checks:
        if check.source != "reading":
            continue
        cited = [by_number[n] for n in check.cited if n in by_number and readings.covers(by_number[n].doc_id)]
        if not cited:
            continue
        reference = " ".join(readings.reference(c.doc_id, c.char_start, c.char_end) for c in cited)
        truth = re.findall(r"\w+", _norm(reference))
        for piece in check.quoted:
            quoted = re.findall(r"\w+", piece)
            blocks = SequenceMatcher(None, quoted, truth, autojunk=False).get_matching_blocks()
            syllables += len(quoted)
            correct += sum(b.size for b in blocks)
    return ReadingScore(syllables, correct)
