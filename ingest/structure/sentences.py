"""Sentence spans of a clause, and how they line up with the file text.

A clause's reading (its cleaned ``body``, or the repaired ``reading`` of OCR
text) is split into sentences at ". ", "; ", "! ", "? " before a capital, a
digit or a dash; sentences longer than :data:`MAX_SENTENCE_CHARS` are cut
further at "; " then ", " (plan sentences often chain many duties), so a fact
is never lost to a long excerpt. Each sentence is recorded as a
:class:`ingest.model.SentenceSpan`: its place in the reading (what answers
quote) and in the NFC file text (what a citation highlights).

The reading drops what the file has around it (markers, hard wraps, footnote
marks, page-number lines), so its characters are found in the file text in
order; the repaired reading of OCR text replaces words one for one, so its
sentences are mapped through the word they start and end on.
"""

from __future__ import annotations

import re

from ingest.model import SentenceSpan

__all__ = ["MAX_SENTENCE_CHARS", "sentence_bounds", "sentence_spans"]

MAX_SENTENCE_CHARS = 420
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+")
_WORD_RE = re.compile(r"\S+")
# How far ahead in the file a character of the reading is looked for (skipped markup is short).
_ALIGN_WINDOW = 400


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (a one-line reading), in order.

    Offsets point into ``text`` itself; leading and trailing spaces are excluded,
    and pieces with no letter or digit are dropped.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if nxt and (nxt.isupper() or nxt.isdigit() or nxt in "-+*•"):
            bounds.append((start, m.start()))
            start = m.end()
    bounds.append((start, len(text)))
    result: list[tuple[int, int]] = []
    for s, e in bounds:
        s, e = _strip(text, s, e)
        if e - s > MAX_SENTENCE_CHARS:
            result.extend(_split_long(text, s, e))
        elif e > s:
            result.append((s, e))
    return [(s, e) for s, e in result if re.search(r"\w", text[s:e])]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at "; " (then ", ") into parts of at most MAX_SENTENCE_CHARS where possible."""
    for separator in ("; ", ", "):
        cuts = [m.start() + 1 for m in re.finditer(re.escape(separator), text[start:end])]
        if not cuts:
            continue
        chunks: list[tuple[int, int]] = []
        chunk_start = start
        last_cut = None
        for cut in cuts:
            absolute = start + cut
            if absolute - chunk_start > MAX_SENTENCE_CHARS and last_cut is not None:
                chunks.append(_strip(text, chunk_start, last_cut))
                chunk_start = last_cut
            last_cut = absolute
        if last_cut is not None and end - chunk_start > MAX_SENTENCE_CHARS and last_cut > chunk_start:
            chunks.append(_strip(text, chunk_start, last_cut))
            chunk_start = last_cut
        chunks.append(_strip(text, chunk_start, end))
        if len(chunks) > 1:
            result: list[tuple[int, int]] = []
            for s, e in chunks:
                result.extend(_split_long(text, s, e) if e - s > MAX_SENTENCE_CHARS else [(s, e)])
            return result
    return [(start, end)]


def _align(reading: str, source: str) -> list[int]:
    """For each character of ``reading``, its offset in ``source`` (characters found in order)."""
    positions: list[int] = []
    j = 0
    for ch in reading:
        if ch.isspace():
            positions.append(j)
            continue
        found = source.find(ch, j, j + _ALIGN_WINDOW)
        if found >= 0:
            j = found
            positions.append(j)
            j += 1
        else:
            positions.append(j)
    return positions


def _word_index(text: str, offset: int) -> int:
    """Index of the word of ``text`` that contains or follows ``offset``."""
    return len(_WORD_RE.findall(text[:offset]))


def sentence_spans(body: str, reading: str, source: str, source_start: int) -> tuple[SentenceSpan, ...]:
    """The sentences of a clause as :class:`SentenceSpan` records.

    Args:
        body: The clause's cleaned reading (``Clause.body``).
        reading: The repaired reading of OCR text ("" when none); sentences are split on it when given.
        source: The clause's verbatim slice of the file text (``Clause.text``).
        source_start: ``Clause.char_start`` (offset of ``source`` in the file).

    Returns:
        Spans in order; ``start``/``end`` are offsets into the NFC file text, ``read_start``/
        ``read_end`` into ``reading or body``.
    """
    shown = reading or body
    bounds = sentence_bounds(shown)
    if not bounds:
        return ()
    body_positions = _align(body, source)
    body_words = [m.span() for m in _WORD_RE.finditer(body)]
    same_words = not reading or len(_WORD_RE.findall(reading)) == len(body_words)
    spans: list[SentenceSpan] = []
    for read_start, read_end in bounds:
        if not reading:
            body_start, body_end = read_start, read_end
        elif same_words and body_words:
            first = min(_word_index(reading, read_start), len(body_words) - 1)
            last = min(max(_word_index(reading, read_end) - 1, first), len(body_words) - 1)
            body_start, body_end = body_words[first][0], body_words[last][1]
        else:  # a reading with other words: proportional place in the body
            scale = len(body) / max(len(reading), 1)
            body_start, body_end = int(read_start * scale), max(int(read_end * scale), int(read_start * scale) + 1)
        body_end = min(max(body_end, body_start + 1), len(body))
        if not body or body_start >= len(body):
            start, end = source_start, source_start + len(source)
        else:
            start = source_start + body_positions[body_start]
            end = source_start + body_positions[body_end - 1] + 1
        spans.append(SentenceSpan(start, max(end, start), read_start, read_end))
    return tuple(spans)
