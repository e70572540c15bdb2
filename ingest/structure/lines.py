"""The line model of cleaning: physical lines of a file and the logical lines built from them.

A :class:`PhysicalLine` is one line of the file with the offsets of its content;
a :class:`Line` is what a reader sees as one unit (a hard-wrapped paragraph, an
item, a bullet, an attribute line or a footnote) with its one-line cleaned
reading and its ``char_start``/``char_end`` into the NFC text, so the clause
built from it can quote the exact source span. :func:`physical_lines` splits a
text; :func:`ingest.structure.clean.logical_lines` builds the logical lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.structure.line_markers import NO_MARKER, Marker

__all__ = ["TABLE_CELL_SEPARATOR", "Line", "PhysicalLine", "collapse_spaces", "physical_lines"]

_EXTRA_SPACE = "\u200b\ufeff"


#: How a reader writes the cells of one table row on one line ("- Sở Y tế — Tuyên truyền — Năm 2026"):
#: the row is a bullet of its own, and a gap after it ends it (see ``clean.py``).
TABLE_CELL_SEPARATOR = " — "

@dataclass(frozen=True)
class PhysicalLine:
    """One line of the file.

    Attributes:
        index: 0-based line number.
        start: Offset of the first non-space character (line start when blank).
        end: Offset after the last non-space character (== start when blank).
        text: The stripped content.
        indent: Columns of white space before the content (a tab counts to the next multiple of 4).
    """

    index: int
    start: int
    end: int
    text: str
    indent: int = 0

    @property
    def blank(self) -> bool:
        """True when the line holds only whitespace."""
        return not self.text


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
        indent: Indentation of its first physical line (Markdown nests lists by it).
    """

    char_start: int
    char_end: int
    text: str
    body: str
    marker: Marker = NO_MARKER
    kind: str = "text"
    footnote_number: int = 0
    footnote_refs: tuple[int, ...] = ()
    indent: int = 0


def _columns(white: str) -> int:
    """Width of leading white space in columns, tabs stopping at multiples of 4."""
    width = 0
    for char in white:
        width = (width // 4 + 1) * 4 if char == "\t" else width + 1
    return width


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
        lines.append(PhysicalLine(index, start, start + len(content), content, _columns(raw[:left]) if content else 0))
        index += 1
        if newline < 0:
            break
        pos = newline + 1
    return lines


def collapse_spaces(text: str) -> str:
    """``text`` with every whitespace run made one space, stripped (the one-line reading)."""
    return re.sub(r"\s+", " ", text).strip()
