"""Clean a plan's NFC text into logical lines that keep their source offsets.

A *physical* line is one line of the file. A *logical* line is what a reader
sees as one unit: a hard-wrapped paragraph, a numbered item, a bullet, an
attribute line ("Thời gian thực hiện: ..."), or a footnote. Every logical line
keeps ``char_start``/``char_end`` into the NFC text, so the clause built from it
can quote the exact source span, while ``text``/``body`` give a one-line
cleaned reading:

- hard wraps are joined (the Đak Đoa plan double-spaces every line, so a blank
  line alone does not end a paragraph: the previous line must end a sentence);
- lone page numbers (the "4" in the Huế plan) are dropped;
- markdown emphasis (``**bold**``, ``*italic*``) is removed;
- footnotes ("¹ Chỉ thị ..." in An Giang, the OCR'd "1'V& thyc hién ..." block
  in Đồng Nai) become separate logical lines of kind ``"footnote"``, and the
  markers that cite them ("tỉnh⁽¹⁾", OCR "Tinh ty!", "Tinh ay3", "tinh*") are
  removed from the citing line and recorded in ``footnote_refs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.vntext import folded_form

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(_SUPERSCRIPTS, "0123456789")
_EXTRA_SPACE = "\u200b\ufeff"

# Structural markers at the start of a physical line.
_ROMAN_RE = re.compile(r"^(?P<label>[IVX][IVXl1]{0,4})\s*(?P<sep>[.\-–—:)])\s*(?=\S)")
_ITEM_RE = re.compile(r"^(?P<label>\d{1,2})\s*(?:(?P<sep>[.)])\s*(?=[^\d\s])|(?P<dash>[-–])\s+(?=\S))")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?=\S)")
_BULLET_RE = re.compile(r"^(?P<label>[-–—+•*·])\s*(?=\S)")
_SEPARATOR_RE = re.compile(r"^[-–—*_=.~\s]{3,}$|^\*$")
_PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]\s*)?(?:trang\s+)?\d{1,3}(?:\s*[-–—])?$", re.IGNORECASE)
# Attribute labels, matched on the folded (accent-free, lowercase) text with
# apostrophes removed, so OCR spellings ("Co' quan, don vi thwe hién:") match too.
_ATTRIBUTE_RE = re.compile(
    r"^(?:co quan|don vi|thoi gian|thoi han|tien do|chu tri|phoi hop|san pham|kinh phi|trach nhiem)"
    r"[^:]{0,32}:"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

# Footnote lines: a superscript number, or (OCR) a plain number glued to an
# apostrophe or followed by a space, then an uppercase letter.
_FOOTNOTE_SUPER_RE = re.compile(r"^(?:⁽(?P<a>[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾|(?P<b>[⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*(?=\S)")
_FOOTNOTE_OCR_RE = re.compile(r"^(?P<n>\d{1,2})(?:['’`]\s*|\s+)(?=\S)")

# Footnote markers inside text.
_SUPER_MARK_RE = re.compile(r"⁽([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾|(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_GLUED_MARK_RE = re.compile(r"(?<=[^\W\d_])(?:(?P<sym>[!?*])(?=[;,.:)\s]|$)|(?P<digit>\d{1,2})(?=[;,.:)]))")
_BOLD_RE = re.compile(r"\*\*")
_ITALIC_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_SENTENCE_END = (".", ":", "!", "?")


@dataclass(frozen=True)
class PhysicalLine:
    """One line of the file.

    Attributes:
        index: 0-based line number.
        start: Offset of the first non-space character (line start when blank).
        end: Offset after the last non-space character (== start when blank).
        text: The stripped content.
    """

    index: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        """True when the line holds only whitespace."""
        return not self.text


@dataclass(frozen=True)
class Marker:
    """The structural marker a line starts with.

    Attributes:
        kind: "section", "item", "letter", "bullet", "attribute" or "" (none).
        label: Normalised label: "II" (OCR "I1" read as II), "3", "a", "-", "+", "*", "".
        written: The marker exactly as written ("I1-", "3.", "-"), "" for none.
        sep: Separator after a number or numeral ("-", ".", ")"), "" otherwise.
    """

    kind: str
    label: str
    written: str
    sep: str = ""


NO_MARKER = Marker("", "", "")


@dataclass(frozen=True)
class Line:
    """A logical line: a paragraph, item, bullet, attribute line or footnote.

    Attributes:
        char_start: Start offset of the first content character in the NFC text.
        char_end: End offset (exclusive) of the last content character.
        text: One-line cleaned reading including the structural marker.
        body: ``text`` without its structural marker.
        marker: The structural marker (``NO_MARKER`` for plain paragraphs).
        kind: "text" or "footnote".
        footnote_number: Number of a footnote line (0 for text lines).
        footnote_refs: Numbers of the footnotes this line cites.
    """

    char_start: int
    char_end: int
    text: str
    body: str
    marker: Marker = NO_MARKER
    kind: str = "text"
    footnote_number: int = 0
    footnote_refs: tuple[int, ...] = ()


def physical_lines(text: str) -> list[PhysicalLine]:
    """Split ``text`` into physical lines with content offsets.

    Args:
        text: NFC text of a file.

    Returns:
        One :class:`PhysicalLine` per line ("\\n"-separated; "\\r" counts as space).
    """
    lines = []
    pos = 0
    index = 0
    while pos <= len(text):
        newline = text.find("\n", pos)
        stop = len(text) if newline < 0 else newline
        raw = text[pos:stop]
        left = len(raw) - len(raw.lstrip().lstrip(_EXTRA_SPACE).lstrip())
        content = raw.strip().strip(_EXTRA_SPACE).strip()
        start = pos + left if content else pos
        lines.append(PhysicalLine(index, start, start + len(content), content))
        index += 1
        if newline < 0:
            break
        pos = newline + 1
    return lines


def _roman_value(label: str) -> int:
    """Value of a Roman numeral (0 when not a valid one)."""
    total = 0
    values = [_ROMAN_VALUES.get(ch, 0) for ch in label]
    if not values or 0 in values:
        return 0
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total


def _uppercase_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


def attribute_label(text: str) -> bool:
    """True when ``text`` starts with an attribute label ("Thời gian thực hiện:", OCR spellings too)."""
    folded = folded_form(text[:64]).replace("'", "").replace("’", "").replace("`", "")
    return bool(_ATTRIBUTE_RE.match(folded))


def parse_marker(text: str) -> Marker:
    """Recognise the structural marker at the start of a stripped line.

    Args:
        text: A stripped line (markdown "**" already removed is not required).

    Returns:
        The :class:`Marker`; ``NO_MARKER`` for a plain paragraph line.
    """
    if text.startswith("**"):
        text = text[2:]
    match = _ROMAN_RE.match(text)
    if match:
        label = match.group("label").replace("1", "I").replace("l", "I")
        rest = text[match.end():]
        if _roman_value(label) and _uppercase_share(rest) >= 0.7:
            return Marker("section", label, text[: match.end()].rstrip(), match.group("sep"))
    match = _ITEM_RE.match(text)
    if match and 0 < int(match.group("label")) <= 50:
        sep = match.group("sep") or match.group("dash")
        return Marker("item", str(int(match.group("label"))), text[: match.end()].rstrip(), sep)
    match = _LETTER_RE.match(text)
    if match:
        return Marker("letter", match.group("label"), text[: match.end()].rstrip(), ")")
    bullet = _BULLET_RE.match(text)
    rest = text[bullet.end():] if bullet else text
    if attribute_label(rest):
        written = text[: bullet.end()].rstrip() if bullet else ""
        return Marker("attribute", bullet.group("label") if bullet else "", written)
    if bullet and not _SEPARATOR_RE.match(text):
        label = bullet.group("label")
        label = "-" if label in "–—" else label
        return Marker("bullet", label, text[: bullet.end()].rstrip())
    return NO_MARKER


def is_separator(text: str) -> bool:
    """True for decoration lines such as "-----" or a lone "*"."""
    return bool(_SEPARATOR_RE.match(text))


def _footnote_start(line: PhysicalLine, previous_blank: bool, expected: int) -> int:
    """Footnote number when ``line`` starts a footnote, else 0."""
    match = _FOOTNOTE_SUPER_RE.match(line.text)
    if match:
        digits = (match.group("a") or match.group("b")).translate(_SUPER_TO_DIGIT)
        return int(digits)
    match = _FOOTNOTE_OCR_RE.match(line.text)
    # An OCR'd footnote is only trusted when it opens a block and carries the
    # next footnote number, so "6 thang, ..." wrapped lines are not taken.
    if (
        match
        and previous_blank
        and int(match.group("n")) == expected
        and line.text[match.end()].isupper()
        and parse_marker(line.text) is NO_MARKER
    ):
        return expected
    return 0


def _classify(lines: list[PhysicalLine]) -> list[tuple[str, int]]:
    """Class of each physical line: ("blank"|"page"|"footnote"|"text", footnote number)."""
    classes: list[tuple[str, int]] = []
    expected = 1
    in_footnote = 0
    for i, line in enumerate(lines):
        if line.blank:
            classes.append(("blank", 0))
            in_footnote = 0
            continue
        prev_blank = i == 0 or lines[i - 1].blank
        next_blank = i + 1 >= len(lines) or lines[i + 1].blank
        if _PAGE_NUMBER_RE.match(line.text) and (prev_blank or next_blank):
            classes.append(("page", 0))
            continue
        number = _footnote_start(line, prev_blank, expected)
        if number:
            in_footnote = number
            expected = number + 1
            classes.append(("footnote", number))
            continue
        if in_footnote:
            classes.append(("footnote", in_footnote))
            continue
        classes.append(("text", 0))
    return classes


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip("*”\"’' ")
    return stripped.endswith(_SENTENCE_END)


def _starts_upper(text: str) -> bool:
    stripped = text.lstrip("*“\"'(")
    return bool(stripped) and stripped[0].isupper()


def _is_heading_like(group: list[PhysicalLine], marker: Marker) -> bool:
    """A short item/section title on one line ("1. Mục đích", "2. Sở Tài chính")."""
    if marker.kind not in ("item", "letter", "section") or len(group) != 1:
        return False
    text = group[0].text
    return not _ends_sentence(text) and not text.endswith((",", ";")) and len(text.split()) <= 12


def _starts_new(group: list[PhysicalLine], marker: Marker, line: PhysicalLine, gap: bool) -> bool:
    """Decide whether ``line`` opens a new logical line after ``group``."""
    if parse_marker(line.text) is not NO_MARKER:
        return True
    last = group[-1].text
    if marker.kind == "section":
        # Section titles are one line unless the next line is still in capitals.
        return _uppercase_share(line.text) < 0.7
    if _starts_upper(line.text) and _is_heading_like(group, marker):
        return True
    return gap and _ends_sentence(last) and _starts_upper(line.text)


def join_wrapped(pieces: list[str]) -> str:
    """Join the pieces of a hard-wrapped paragraph into one line.

    "52-" + "CT/TW" joins without a space (a number split at its hyphen);
    everything else joins with one space.
    """
    out = ""
    for piece in pieces:
        if not out:
            out = piece
        elif re.search(r"\d[-–/]$", out) and piece[:1].isalnum():
            out += piece
        else:
            out += " " + piece
    return out


def strip_markdown(text: str) -> str:
    """Remove markdown emphasis: "**x**" and paired "*x*" (a lone glued "*" is kept)."""
    return _ITALIC_RE.sub(r"\1", _BOLD_RE.sub("", text))


class _MarkerReader:
    """Removes footnote markers in document order and records the numbers cited.

    Superscript markers (¹, ⁽¹⁾) carry their number. OCR renders them as a
    character glued to the previous word ("ty!", "tiy?", "ay3", "tinh*"); such
    a glyph is taken as the *next* footnote number, and only while that
    footnote exists, so ordinary digits glued by OCR ("s6", "x4", "ho1") are
    left alone.
    """

    def __init__(self, available: set[int]):
        self.available = available
        self.next_ref = 1

    def read(self, text: str) -> tuple[str, tuple[int, ...]]:
        refs: list[int] = []

        def superscript(match: re.Match[str]) -> str:
            number = int((match.group(1) or match.group(2)).translate(_SUPER_TO_DIGIT))
            refs.append(number)
            self.next_ref = max(self.next_ref, number + 1)
            return ""

        def glued(match: re.Match[str]) -> str:
            if self.next_ref not in self.available:
                return match.group(0)
            digit = match.group("digit")
            if digit is not None and int(digit) != self.next_ref:
                return match.group(0)
            refs.append(self.next_ref)
            self.next_ref += 1
            return ""

        text = _SUPER_MARK_RE.sub(superscript, text)
        if self.available:
            text = _GLUED_MARK_RE.sub(glued, text)
        return text, tuple(refs)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _strip_written_marker(text: str, marker: Marker) -> str:
    """Remove the structural marker (and a markdown "**" before it) from a cleaned line."""
    if not marker.written:
        return text
    index = text.find(marker.written)
    if index < 0 or index > 3:
        return text
    return text[index + len(marker.written):].lstrip()


def logical_lines(text: str, *, start: int = 0, end: int | None = None) -> list[Line]:
    """Clean ``text`` into logical lines with offsets, in reading order.

    Args:
        text: NFC text of the whole file (offsets refer to it).
        start: Only lines starting at or after this offset are read (e.g. the
            end of the header block).
        end: Only lines ending at or before this offset are read (e.g. the
            start of the closing block); ``None`` for the end of the text.

    Returns:
        Text lines and footnote lines sorted by ``char_start``.
    """
    stop = len(text) if end is None else end
    lines = [ln for ln in physical_lines(text) if ln.start >= start and ln.end <= stop]
    classes = _classify(lines)
    groups: list[tuple[str, int, list[PhysicalLine]]] = []  # (kind, footnote number, lines)
    current: list[PhysicalLine] = []
    current_marker = NO_MARKER
    gap = False
    footnotes: dict[int, list[PhysicalLine]] = {}
    for line, (cls, number) in zip(lines, classes, strict=True):
        if cls in ("blank", "page"):
            gap = True
            continue
        if cls == "footnote":
            footnotes.setdefault(number, []).append(line)
            gap = True
            continue
        if is_separator(line.text):
            gap = True
            continue
        if current and not _starts_new(current, current_marker, line, gap):
            current.append(line)
        else:
            if current:
                groups.append(("text", 0, current))
            current = [line]
            current_marker = parse_marker(line.text)
        gap = False
    if current:
        groups.append(("text", 0, current))
    for number, flines in footnotes.items():
        groups.append(("footnote", number, flines))
    groups.sort(key=lambda g: g[2][0].start)

    reader = _MarkerReader(set(footnotes))
    result = []
    for kind, number, group in groups:
        joined = strip_markdown(join_wrapped([ln.text for ln in group]))
        if kind == "footnote":
            cleaned = _collapse(joined)
            body = _collapse(_FOOTNOTE_SUPER_RE.sub("", cleaned, count=1))
            if body == cleaned:
                body = _collapse(_FOOTNOTE_OCR_RE.sub("", cleaned, count=1))
            result.append(Line(group[0].start, group[-1].end, cleaned, body, NO_MARKER, "footnote", number))
            continue
        cleaned, refs = reader.read(joined)
        cleaned = _collapse(cleaned)
        marker = parse_marker(group[0].text)
        body = _strip_written_marker(cleaned, marker)
        if not any(ch.isalnum() for ch in body):
            continue  # a marker or stray punctuation alone carries nothing to answer from
        result.append(Line(group[0].start, group[-1].end, cleaned, body, marker, "text", 0, refs))
    return result
