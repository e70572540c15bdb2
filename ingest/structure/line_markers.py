"""Structural markers at the start of a line: section numerals, items, letters, bullets, attributes, headings.

The clause tree of a plan is read from how its lines start: "II." (or the OCR'd
"I1-") opens a section when its title is in capitals, "3." or "3 -" an item,
"a)" a lettered point, "-", "+" or "•" a bullet, and "Thời gian thực hiện:"
(OCR spellings too) an attribute line. :func:`parse_marker` names the marker
of a line as a :class:`Marker`; :func:`is_separator` spots decoration lines
("-----", a lone "*") that carry no text.

Markdown is read the same way: emphasis around a marker ("**1. Mục đích**") and
backslash escapes ("1\\.") are seen through, "* " is a bullet but "*text*" is
emphasis, and a heading ("## II. MỤC TIÊU", "### 1. Mục tiêu chung", "## Mục
tiêu") records its depth in ``Marker.heading``. A heading's numeral is its label,
whatever its case; which level a depth stands for is a property of the whole
document, decided by :func:`heading_kinds`.

Plans written in other conventions are read too: "Phần I." / "PHẦN THỨ HAI",
"Chương II.", "Mục 2." (sections), "Điều 3." and decimal numbering "2.1." /
"2.1.3" (items), "a." and "b-" (lettered points), and Roman sections whose
title is not in capitals ("II. Nhiệm vụ và giải pháp"). Each marker carries a
``rank`` that orders the conventions the way Vietnamese administrative texts
nest them (Phần > Chương > Mục > I. > Điều > 1. > 1.1. > 1.1.1. > a) > bullets),
so the tree nests whatever subset a plan uses without a per-document pass.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.vntext import folded_form

__all__ = [
    "BULLET_RANK", "KIND_RANKS", "NO_MARKER", "RANKED_KINDS", "Marker", "attribute_label", "heading_kinds",
    "is_separator", "parse_marker", "uppercase_share",
]

# The ranked levels of the clause tree, outermost first.
RANKED_KINDS = ("section", "item", "letter")
# Nesting rank of each numbering convention (smaller = outer). A kind's default rank is its
# commonest convention's: Roman sections, "1." items, "a)" points. Bullets nest from BULLET_RANK on.
_STYLE_RANKS = {"phan": 1, "chuong": 2, "muc": 3, "roman": 4, "dieu": 10, "number": 11, "decimal2": 12,
                "decimal3": 13, "letter": 20}
KIND_RANKS = {"section": 4, "item": 11, "letter": 20}
BULLET_RANK = 30

# Structural markers at the start of a physical line.
_ROMAN_RE = re.compile(r"^(?P<label>[IVX][IVXl1]{0,4})\s*(?P<sep>[.\-–—:)])\s*(?=\S)")
# "3." / "3)" then a word, or then a space and a figure ("2. 100% các xã"), but not "1.000"; "3 -" then a space.
_ITEM_RE = re.compile(
    r"^(?P<label>\d{1,2})\s*(?:(?P<sep>[.)])(?:\s+(?=\S)|(?=[^\d\s]))|(?P<dash>[-–])\s+(?=\S))"
)
#: A Markdown ATX heading's opening "#"s and its optional closing ones (also used by clean.py).
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})[ \t]+")
HEADING_CLOSE_RE = re.compile(r"[ \t]+#+[ \t]*$")
# Multi-level numbering of a heading ("1.2.", "2.1").
_DECIMAL_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")
# Markdown emphasis opening a line: "**", "__", or a "*"/"_" closed later on the line.
_EMPHASIS_OPEN_RE = re.compile(r"^(?:\*\*|__|\*(?=[^\s*])(?=.*[^\s*]\*)|_(?=[^\s_])(?=.*[^\s_]_))")
# A Markdown backslash escape of a marker character ("1\.", "\-", "\*").
_ESCAPED_RE = re.compile(r"\\([.)\-+*#])")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?=\S)")
# "a. Nội dung", "b- Nội dung": a lowercase letter, "." or a dash, a space.
_LETTER_DOT_RE = re.compile(r"^(?P<label>[a-zđ])\s*(?P<sep>[.\-–])\s+(?=\S)")
# "Phần I.", "PHẦN THỨ HAI", "Chương 2:", "Mục II -", "Điều 3." (matched on the folded line).
_KEYWORD_RE = re.compile(
    r"^(?P<word>phan|chuong|muc|dieu)\s+(?P<label>[ivxl]+|\d{1,2}|thu\s+(?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi))"
    r"(?![\w/])\s*(?P<sep>[.:\-–—)])?\s*"
)
_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
# "2.1. Nội dung", "2.1.3 Nội dung": decimal numbering of items, a capital after it (not "2.5 triệu").
_PLAIN_DECIMAL_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,2})\.?\s+(?=\S)")
_BULLET_RE = re.compile(r"^(?P<label>[-–—+•*·])\s*(?=\S)")
_SEPARATOR_RE = re.compile(r"^[-–—*_=.~\s]{3,}$|^\*$")
# Attribute labels, matched on the folded (accent-free, lowercase) text with
# apostrophes removed, so OCR spellings ("Co' quan, don vi thwe hién:") match too.
_ATTRIBUTE_RE = re.compile(
    r"^(?:co quan|don vi|thoi gian|thoi han|tien do|chu tri|phoi hop|san pham|kinh phi|trach nhiem)"
    r"[^:]{0,32}:"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


@dataclass(frozen=True)
class Marker:
    """The structural marker a line starts with.

    Attributes:
        kind: "section", "item", "letter", "bullet", "attribute", "heading" (a Markdown
            heading without a numeral, its level still to be decided) or "" (none).
        label: Normalised label: "II" (OCR "I1" read as II), "3", "a", "-", "+", "*", "".
        written: The marker exactly as written ("I1-", "3.", "-"), "" for none; for a
            Markdown heading, the numeral after the "#"s ("II.", "" without one).
        sep: Separator after a number or numeral ("-", ".", ")"), "" otherwise.
        heading: Depth of a Markdown heading ("## II." -> 2), 0 for other lines.
        rank: Nesting rank of the numbering convention (see ``_STYLE_RANKS``); 0 takes the
            kind's default (:data:`KIND_RANKS`), bullets and attributes have none.
    """

    kind: str
    label: str
    written: str
    sep: str = ""
    heading: int = 0
    rank: int = 0

    @property
    def nesting_rank(self) -> int:
        """The rank the clause tree nests by: the convention's own, else the kind's default."""
        return self.rank or KIND_RANKS.get(self.kind, BULLET_RANK)


NO_MARKER = Marker("", "", "")


def _roman_value(label: str) -> int:
    """Value of a Roman numeral (0 when not a valid one)."""
    total = 0
    values = [_ROMAN_VALUES.get(ch, 0) for ch in label]
    if not values or 0 in values:
        return 0
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total


def uppercase_share(text: str) -> float:
    """Share of the letters of ``text`` that are capitals (0.0 when it has none)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


def attribute_label(text: str) -> bool:
    """True when ``text`` starts with an attribute label ("Thời gian thực hiện:", OCR spellings too, in bold too)."""
    folded = folded_form(text[:64].lstrip("*_")).replace("'", "").replace("’", "").replace("`", "")
    folded = folded.replace("*", "").replace("_", "")
    return bool(_ATTRIBUTE_RE.match(folded))


def _unmarked(text: str) -> str:
    """``text`` without Markdown around its marker: an opening emphasis, backslash escapes."""
    match = _EMPHASIS_OPEN_RE.match(text)
    if match:
        text = text[match.end():]
    return _ESCAPED_RE.sub(r"\1", text[:12]) + text[12:]


def _heading_marker(text: str, depth: int) -> Marker:
    """The marker of a Markdown heading's text: its numeral, whatever the case of the title."""
    text = _unmarked(HEADING_CLOSE_RE.sub("", text))
    match = _ROMAN_RE.match(text)
    if match and _roman_value(match.group("label").replace("1", "I").replace("l", "I")):
        label = match.group("label").replace("1", "I").replace("l", "I")
        return Marker("section", label, text[: match.end()].rstrip(), match.group("sep"), depth)
    match = _DECIMAL_RE.match(text)
    if match:
        return Marker("item", match.group("label"), text[: match.end()].rstrip(), ".", depth)
    inner = parse_marker(text)
    if inner.kind in RANKED_KINDS:
        return Marker(inner.kind, inner.label, inner.written, inner.sep, depth, inner.rank)
    return Marker("heading", "", "", "", depth)


def parse_marker(text: str) -> Marker:
    """Recognise the structural marker at the start of a stripped line.

    Args:
        text: A stripped line, plain text or Markdown.

    Returns:
        The :class:`Marker`; ``NO_MARKER`` for a plain paragraph line.
    """
    heading = HEADING_RE.match(text)
    if heading:
        return _heading_marker(text[heading.end():], len(heading.group("hashes")))
    text = _unmarked(text)
    keyword = _keyword_marker(text)
    if keyword is not None:
        return keyword
    match = _ROMAN_RE.match(text)
    if match:
        label = match.group("label").replace("1", "I").replace("l", "I")
        rest = text[match.end():]
        # A title in capitals, or a capitalised title after "II." / "II-" ("II. Nhiệm vụ và giải pháp").
        titled = match.group("sep") in ".-–" and rest[:1].isupper()
        if _roman_value(label) and (uppercase_share(rest) >= 0.7 or titled):
            return Marker("section", label, text[: match.end()].rstrip(), match.group("sep"))
    match = _PLAIN_DECIMAL_RE.match(text)
    if match and text[match.end():][:1].isupper():
        label = match.group("label")
        return Marker("item", label, text[: match.end()].rstrip(), ".", rank=_STYLE_RANKS[f"decimal{label.count('.') + 1}"])
    match = _ITEM_RE.match(text)
    if match and 0 < int(match.group("label")) <= 50:
        sep = match.group("sep") or match.group("dash")
        return Marker("item", str(int(match.group("label"))), text[: match.end()].rstrip(), sep)
    match = _LETTER_RE.match(text) or _LETTER_DOT_RE.match(text)
    if match:
        sep = match.groupdict().get("sep") or ")"
        return Marker("letter", match.group("label"), text[: match.end()].rstrip(), sep)
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


def _keyword_marker(text: str) -> Marker | None:
    """"Phần I.", "PHẦN THỨ HAI", "Chương 2:", "Mục II -", "Điều 3." — or None.

    "Mục tiêu" is not a marker (a numeral must follow the word); without a separator the
    rest must be a capitalised title or nothing ("PHẦN I" alone on its line).
    """
    folded = folded_form(text[:40])
    match = _KEYWORD_RE.match(folded)
    if match is None or len(folded) != len(text[:40]):
        return None
    rest = text[match.end():]
    if match.group("sep") is None and rest and not rest[:1].isupper():
        return None
    raw = match.group("label")
    if raw.startswith("thu"):
        label = str(_ORDINALS[raw.split()[-1]])
    elif raw.isdigit():
        label = str(int(raw))
    else:
        label = raw.upper()
        if not _roman_value(label):
            return None
    word = match.group("word")
    kind = "item" if word == "dieu" else "section"
    return Marker(kind, label, text[: match.end()].rstrip(), match.group("sep") or "", rank=_STYLE_RANKS[word])


def heading_kinds(markers: list[Marker]) -> dict[int, str]:
    """The level ("section", "item" or "letter") each Markdown heading depth stands for in one document.

    A depth whose headings carry numerals takes the level they say (Roman numerals
    sections, numbers items, letters lettered points; the top headings, numbered,
    are sections when the document has no Roman numeral anywhere). A depth without
    numerals sits one level under the nearest numbered depth above it, or, above
    them all, one level over the top numbered one (a section at most); with no
    numerals at all, depths are taken in order.
    Deeper depths never get a higher level than shallower ones.

    Args:
        markers: The markers of every line of the document (headings and others).

    Returns:
        Heading depth -> kind, for every depth that occurs.
    """
    depths = sorted({m.heading for m in markers if m.heading})
    if not depths:
        return {}
    any_roman = any(m.kind == "section" for m in markers)
    voted: dict[int, int] = {}
    for depth in depths:
        votes = Counter(m.kind for m in markers if m.heading == depth and m.kind in RANKED_KINDS)
        if votes:
            rank = RANKED_KINDS.index(votes.most_common(1)[0][0])
            if rank == 1 and not any_roman and depth == depths[0]:
                rank = 0  # "## 1. MỤC TIÊU", the top headings, and no Roman numeral anywhere: sections
            voted[depth] = max(rank, max(voted.values(), default=-1) + 1) if voted else rank
    kinds: dict[int, str] = {}
    for position, depth in enumerate(depths):
        if depth in voted:
            rank = voted[depth]
        elif not voted:
            rank = position
        else:
            above = [voted[d] for d in voted if d < depth]
            rank = max(above) + 1 if above else max(min(voted.values()) - 1, 0)
        kinds[depth] = RANKED_KINDS[min(rank, len(RANKED_KINDS) - 1)]
    return kinds


def is_separator(text: str) -> bool:
    """True for decoration lines such as "-----" or a lone "*"."""
    return bool(_SEPARATOR_RE.match(text))
