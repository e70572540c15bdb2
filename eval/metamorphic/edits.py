"""Text edits with an offset map, so a span of the original text can be followed into the rewritten one.

Every pass of the rewriter (markers, substitutions, line layout) is a list of
non-overlapping :class:`Edit` s on its input; :func:`apply_edits` returns the
new text and an :class:`OffsetMap` that projects a span of the input onto the
output. Maps of successive passes compose, so a gold evidence span of the
original plan lands on its rewritten text exactly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Edit", "OffsetMap", "apply_edits", "project"]


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class OffsetMap:
    """Segments ``(old_start, old_end, new_start, new_end)`` covering the old text in order.

    A segment whose old and new lengths differ is a replacement: offsets inside
    it map to its edges; other segments map character for character.
    """

    segments: tuple[tuple[int, int, int, int], ...]

    def _segment(self, offset: int) -> tuple[int, int, int, int]:
        starts = [s[0] for s in self.segments]
        i = max(0, bisect_right(starts, offset) - 1)
        return self.segments[i]

    def start(self, offset: int) -> int:
        """Where the character at old ``offset`` starts in the new text."""
        old_start, old_end, new_start, new_end = self._segment(offset)
        if old_end - old_start == new_end - new_start:
            return new_start + (offset - old_start)
        return new_start

    def end(self, offset: int) -> int:
        """Where a span ending (exclusively) at old ``offset`` ends in the new text."""
        if offset <= 0:
            return 0
        old_start, old_end, new_start, new_end = self._segment(offset - 1)
        if old_end - old_start == new_end - new_start:
            return new_start + (offset - old_start)
        return new_end


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits to ``text``.

    Raises:
        ValueError: Two edits overlap or an edit lies outside the text.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    position = 0
    written = 0
    for edit in ordered:
        if edit.start < position or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit {edit!r} at position {position}")
        if edit.start > position:
            pieces.append(text[position:edit.start])
            segments.append((position, edit.start, written, written + edit.start - position))
            written += edit.start - position
        pieces.append(edit.replacement)
        segments.append((edit.start, edit.end, written, written + len(edit.replacement)))
        written += len(edit.replacement)
        position = edit.end
    if position < len(text) or not segments:
        pieces.append(text[position:])
        segments.append((position, len(text), written, written + len(text) - position))
    return "".join(pieces), OffsetMap(tuple(segments))


def project(maps: Sequence[OffsetMap], start: int, end: int) -> tuple[int, int]:
    """The span ``[start, end)`` of the first pass's input, followed through every map in order."""
    for offset_map in maps:
        start, end = offset_map.start(start), offset_map.end(end)
    return start, end
