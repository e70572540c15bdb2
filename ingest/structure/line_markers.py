"""Structural markers at the start of a line: section numerals, items, letters, bullets, attributes.

The clause tree of a plan is read from how its lines start: "II." (or the OCR'd
"I1-") opens a section when its title is in capitals, "3." or "3 -" an item,
"a)" a lettered point, "-", "+" or "•" a bullet, and "Thời gian thực hiện:"
(OCR spellings too) an attribute line. :func:`parse_marker` names the marker
of a line as a :class:`Marker`; :func:`is_separator` spots decoration lines
("-----", a lone "*") that carry no text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.vntext import folded_form

__all__ = ["NO_MARKER", "Marker", "attribute_label", "is_separator", "parse_marker", "uppercase_share"]

# Structural markers at the start of a physical line.
_ROMAN_RE = re.compile(r"^(?P<label>[IVX][IVXl1]{0,4})\s*(?P<sep>[.\-–—:)])\s*(?=\S)")
_ITEM_RE = re.compile(r"^(?P<label>\d{1,2})\s*(?:(?P<sep>[.)])\s*(?=[^\d\s])|(?P<dash>[-–])\s+(?=\S))")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?=\S)")
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
        if _roman_value(label) and uppercase_share(rest) >= 0.7:
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
