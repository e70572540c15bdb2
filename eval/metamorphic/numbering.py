"""Numbering conventions: the markers of sections, items and points written another way.

Where a marker stands is read from the source plan's clause tree (the five
plans are read correctly today, so their clauses are the baseline); what the
marker is comes from the text at that place. :func:`renumber` returns edits
that write every section as "Phần II." / "Chương II." / "Mục 2." / "II-",
every item as "2)" / "2.1." / "Điều 7." (numbered through), every bullet with
another sign or as a lettered point ("a)", "a.", "b-"), and section titles in
upper or sentence case; and how many markers of each kind it wrote, which the
structure-parity table compares with what ingest reads back.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from eval.metamorphic.edits import Edit
from eval.metamorphic.mapping import Conventions
from index.tokens import ABBREVIATIONS
from ingest.model import Clause

__all__ = ["MarkerPlan", "renumber", "roman", "sentence_case"]

# The marker at the start of a clause, after optional Markdown emphasis or heading marks.
_LEAD = r"(?P<lead>[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*|__|\*|_)?)"
_MARKERS = {
    "section": re.compile(_LEAD + r"(?P<marker>[IVX][IVXl1]{0,4}[ \t]*[.\-–—:)][ \t]*)(?=\S)"),
    "item": re.compile(_LEAD + r"(?P<marker>\d{1,2}[ \t]*(?:[.)]|[-–](?=[ \t]))[ \t]*)(?=\S)"),
    "letter": re.compile(_LEAD + r"(?P<marker>[a-zđ][ \t]*[).\-][ \t]*)(?=\S)"),
    "bullet": re.compile(_LEAD + r"(?P<marker>[-–—+•*·][ \t]*)(?=\S)"),
}
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMANS = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_KEEP_UPPER = {a.upper() for a in ABBREVIATIONS} | {"BCĐ", "ĐU", "TU", "KH"}


def roman(value: int) -> str:
    """``value`` (1–39) in Roman numerals."""
    out = []
    for number, letters in _ROMANS:
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _roman_value(label: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    digits = [values[ch] for ch in label.upper().replace("L", "I").replace("1", "I") if ch in values]
    total = 0
    for i, value in enumerate(digits):
        total += -value if i + 1 < len(digits) and digits[i + 1] > value else value
    return total


def sentence_case(title: str) -> str:
    """An upper-case title in sentence case, abbreviations kept ("MỤC TIÊU BHYT" -> "Mục tiêu BHYT")."""
    words = []
    for i, word in enumerate(title.split(" ")):
        core = word.strip(",.;:()")
        if core.upper() in _KEEP_UPPER and core.isupper() or (core and not core.isupper()):
            words.append(word)
        else:
            words.append(word.lower() if i else word[:1].upper() + word[1:].lower())
    return " ".join(words)


@dataclass(frozen=True)
class MarkerPlan:
    """The edits writing the new markers, and how many markers of each kind were written."""

    edits: tuple[Edit, ...]
    written: dict


def _section_marker(number: int, style: str, upper: bool) -> str:
    word = {"part": "Phần", "chapter": "Chương", "heading": "Mục"}.get(style)
    numeral = str(number) if style == "heading" else roman(number)
    if word is None:
        return numeral + ("-" if style == "roman_dash" else ".") + " "
    return f"{word.upper() if upper else word} {numeral}. "


def _item_marker(number: int, section: int | None, article: int, style: str) -> str:
    if style == "paren":
        return f"{number}) "
    if style == "decimal" and section:
        return f"{section}.{number}. "
    if style == "article":
        return f"Điều {article}. "
    return f"{number}. "


def _letter_marker(index: int, style: str) -> str:
    sep = {"letter": ")", "letter_dot": ".", "letter_dash": "-"}[style]
    return f"{_LETTERS[index]}{sep} "


def _section_of(clause: Clause, by_id: dict[str, Clause]) -> int | None:
    parent = by_id.get(clause.parent_id)
    while parent is not None:
        if parent.kind == "section":
            return _roman_value(parent.label)
        parent = by_id.get(parent.parent_id)
    return None


def renumber(text: str, clauses: Sequence[Clause], conventions: Conventions) -> MarkerPlan:
    """Edits on ``text`` (the source plan's NFC text) writing its markers in ``conventions``.

    Args:
        text: The source plan's NFC text (the clauses' offsets refer to it).
        clauses: The source plan's clauses as ingest reads them.
        conventions: The conventions to write.
    """
    by_id = {c.id: c for c in clauses}
    edits: list[Edit] = []
    written: Counter[str] = Counter()
    article = 0
    siblings: Counter[str] = Counter()
    letter_points = conventions.points != "bullet"
    upper = conventions.heading_case == "upper"
    group_sizes = Counter(c.parent_id for c in clauses if c.kind == "bullet")
    for clause in sorted(clauses, key=lambda c: c.char_start):
        pattern = _MARKERS.get(clause.kind)
        if pattern is None:
            continue
        line_end = text.find("\n", clause.char_start)
        line_end = len(text) if line_end < 0 else line_end
        match = pattern.match(text, clause.char_start, line_end)
        if match is None:
            written[clause.kind] += 1
            continue
        start, end = match.start("marker"), match.end("marker")
        kind = clause.kind
        if kind == "section":
            number = _roman_value(clause.label) or 1
            replacement = _section_marker(number, conventions.section, upper)
            title_end = line_end
            title = text[end:title_end].rstrip()
            closing = re.search(r"(\*\*|__)$", title)
            if closing:
                title = title[:closing.start()]
            new_title = title.upper() if upper else sentence_case(title)
            edits.append(Edit(start, end, replacement))
            if new_title != title:
                edits.append(Edit(end, end + len(title), new_title))
        elif kind == "item":
            article += 1
            number = int(re.match(r"\d+", match.group("marker")).group(0))
            edits.append(Edit(start, end, _item_marker(number, _section_of(clause, by_id), article,
                                                       conventions.item)))
        elif kind == "bullet":
            parent = by_id.get(clause.parent_id)
            index = siblings[clause.parent_id]
            siblings[clause.parent_id] += 1
            if letter_points and parent is not None and parent.kind != "bullet" \
                    and group_sizes[clause.parent_id] <= len(_LETTERS):
                edits.append(Edit(start, end, _letter_marker(index, conventions.points)))
                kind = "letter"
            else:
                edits.append(Edit(start, end, conventions.bullet + " "))
        else:
            index = _LETTERS.find(match.group("marker")[0])
            edits.append(Edit(start, end, _letter_marker(max(index, 0), conventions.points
                                                         if letter_points else "letter")))
        written[kind] += 1
    return MarkerPlan(tuple(edits), dict(sorted(written.items())))
