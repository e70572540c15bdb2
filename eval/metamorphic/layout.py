"""Line layout of a rewritten plan: wrapped lines joined, or lines hard-wrapped at a width.

Only whitespace changes, so every evidence string (compared with whitespace
runs collapsed) still reads the same. A line is joined to the next only when
the next one plainly continues it (it starts with a lower-case letter); a line
is broken only at a space, and never so that the next line would start with
something a reader takes for a marker ("- ", "2.", "a)", "Điều") or be a lone
number (a page number to a reader).
"""

from __future__ import annotations

import re

from eval.metamorphic.edits import Edit

__all__ = ["join_lines", "wrap_lines"]

_LINE_BREAK_RE = re.compile(r"\n(?:[ \t]*\n)*[ \t]*(?=\S)")
_MARKER_LIKE_RE = re.compile(
    r"^(?:[-–—+•*·]|\d{1,2}(?:\.\d{1,2})*[.)\-–]|[a-zđ][.)\-]|[IVXl1]{1,5}[.\-–:)]|"
    r"(?:Phần|Chương|Điều|Mục|PHẦN|CHƯƠNG|ĐIỀU|MỤC)\s)"
)
_LONE_NUMBER_RE = re.compile(r"^\W*\d+\W*$")
_MIN_TAIL = 12


def join_lines(text: str) -> list[Edit]:
    """Edits joining each line to the next (across blank lines too) when the next continues it."""
    edits = []
    for match in _LINE_BREAK_RE.finditer(text):
        rest = text[match.end():match.end() + 40]
        if not rest[:1].islower() or _MARKER_LIKE_RE.match(rest):
            continue
        start = match.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if start == 0 or text[start - 1] in ".:;!?\n":
            continue
        edits.append(Edit(start, match.end(), " "))
    return edits


def _break_allowed(rest: str) -> bool:
    return not _MARKER_LIKE_RE.match(rest) and len(rest) >= _MIN_TAIL and not _LONE_NUMBER_RE.match(rest)


def wrap_lines(text: str, width: int) -> list[Edit]:
    """Edits breaking every line longer than ``width`` at spaces (each break one space -> newline)."""
    edits = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        while len(line) - start > width:
            cut = None
            for match in re.finditer(r" +", line[start:start + width + 1]):
                if match.start() == 0:
                    continue
                rest = line[start + match.end():]
                if _break_allowed(rest):
                    cut = (start + match.start(), start + match.end())
            if cut is None:
                break
            edits.append(Edit(offset + cut[0], offset + cut[1], "\n"))
            start = cut[1]
        offset += len(line) + 1
    return edits
