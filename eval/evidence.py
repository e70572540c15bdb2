"""Locate gold evidence strings in source documents, whitespace-flexibly.

A gold evidence string is a verbatim substring of its plan *after* collapsing
every whitespace run to one space in both texts, so it may cross a hard line
break or a run of blank lines. :func:`locate_evidence` finds it and returns
the span in the NFC source text (the same coordinates as ``Clause.char_start``
/ ``char_end`` and citations), so relevance can be judged by span overlap
whatever the chunking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.vntext import nfc

_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A half-open character span ``[start, end)`` in one document's NFC text.

    Attributes:
        doc_id: Id of the document the offsets refer to.
        start: Start offset (inclusive).
        end: End offset (exclusive).
    """

    doc_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"span must satisfy 0 <= start <= end, got [{self.start}, {self.end})")

    def overlaps(self, other: Span) -> bool:
        """True when both spans are in the same document and share at least one character."""
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end

    @property
    def length(self) -> int:
        """Number of characters in the span."""
        return self.end - self.start


@dataclass(frozen=True)
class CollapsedText:
    """A text with whitespace runs collapsed to one space, mapped back to the original.

    Attributes:
        text: The collapsed text (not stripped: a leading run becomes one space).
        offsets: ``offsets[i]`` is the original offset of collapsed character ``i``;
            one extra final entry holds the original length.
    """

    text: str
    offsets: tuple[int, ...]


def collapse_whitespace(text: str) -> CollapsedText:
    """Collapse every whitespace run of ``text`` to one space, keeping an offset map."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _WHITESPACE_RUN.finditer(text):
        for i in range(position, match.start()):
            pieces.append(text[i])
            offsets.append(i)
        pieces.append(" ")
        offsets.append(match.start())
        position = match.end()
    for i in range(position, len(text)):
        pieces.append(text[i])
        offsets.append(i)
    offsets.append(len(text))
    return CollapsedText("".join(pieces), tuple(offsets))


def _end_offset(collapsed: CollapsedText, collapsed_end: int) -> int:
    """Original exclusive end offset for a match ending at ``collapsed_end``."""
    # The last matched collapsed character maps to one original character,
    # except a collapsed space, which we never end on (evidence is stripped).
    return collapsed.offsets[collapsed_end - 1] + 1


def locate_in(collapsed: CollapsedText, doc_id: str, evidence: str) -> tuple[Span, ...]:
    """Every occurrence of ``evidence`` in an already collapsed document.

    Args:
        collapsed: The document, as returned by :func:`collapse_whitespace`.
        doc_id: Id put on the returned spans.
        evidence: The evidence string (any whitespace; NFC applied here).

    Returns:
        Spans in the original text, in document order; empty when not found.
    """
    needle = _WHITESPACE_RUN.sub(" ", nfc(evidence)).strip()
    if not needle:
        return ()
    spans = []
    start = collapsed.text.find(needle)
    while start >= 0:
        end = start + len(needle)
        spans.append(Span(doc_id, collapsed.offsets[start], _end_offset(collapsed, end)))
        start = collapsed.text.find(needle, start + 1)
    return tuple(spans)


def locate_evidence(source_text: str, doc_id: str, evidence: str) -> tuple[Span, ...]:
    """Every occurrence of ``evidence`` in ``source_text``, whitespace-flexibly.

    Args:
        source_text: The document text (NFC applied here, so offsets are NFC offsets).
        doc_id: Id put on the returned spans.
        evidence: The evidence string.

    Returns:
        Spans ``[start, end)`` into ``nfc(source_text)``; empty when not found.
    """
    return locate_in(collapse_whitespace(nfc(source_text)), doc_id, evidence)


class EvidenceLocator:
    """Locates evidence strings in documents fetched by id, caching collapsed texts.

    Args:
        source_text: Callable returning the NFC source text of a document id
            (e.g. ``ClauseIndex.source_text``); it may raise ``KeyError`` for an
            unknown document.
    """

    def __init__(self, source_text: Callable[[str], str]) -> None:
        if not callable(source_text):
            raise TypeError(f"source_text must be callable, got {source_text!r}")
        self._source_text = source_text
        self._collapsed: dict[str, CollapsedText] = {}

    def text(self, doc_id: str) -> str:
        """The NFC source text of ``doc_id``."""
        return nfc(self._source_text(doc_id))

    def locate(self, doc_id: str, evidence: str) -> tuple[Span, ...]:
        """Every occurrence of ``evidence`` in document ``doc_id`` (empty when not found)."""
        if doc_id not in self._collapsed:
            self._collapsed[doc_id] = collapse_whitespace(self.text(doc_id))
        return locate_in(self._collapsed[doc_id], doc_id, evidence)
