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
- Markdown is read as its reader sees it: emphasis (``**bold**``, ``*italic*``,
  ``__bold__``, ``_italic_``), links (``[text](url)``), backslash escapes and the
  ``#`` of headings are removed from the reading; a heading ("## II. MỤC TIÊU",
  "## Mục tiêu") is one line whose level comes from its depth in the document
  (:func:`ingest.structure.line_markers.heading_kinds`); list nesting by
  indentation is kept in ``Line.indent``; footnotes ``[^1]`` are read as
  footnotes;
- footnotes ("¹ Chỉ thị ..." in An Giang, the OCR'd "1'V& thyc hién ..." block
  in Đồng Nai) become separate logical lines of kind ``"footnote"``, and the
  markers that cite them ("tỉnh⁽¹⁾", OCR "Tinh ty!", "Tinh ay3", "tinh*") are
  removed from the citing line and recorded in ``footnote_refs``.

This module is the entry point and holds the rejoining of wrapped lines and
the removal of markdown marks. Its parts live in ``lines.py`` (the line model:
:class:`PhysicalLine`, :class:`Line`, :func:`physical_lines`),
``line_markers.py`` (:class:`Marker`, :func:`parse_marker`,
:func:`is_separator`, :func:`attribute_label`) and ``footnotes.py`` (page
numbers, footnote lines and the markers that cite them); import them from
there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.structure.footnotes import FootnoteMarkerReader, classify_lines, footnote_body
from ingest.structure.line_markers import (
    HEADING_CLOSE_RE,
    HEADING_RE,
    NO_MARKER,
    Marker,
    heading_kinds,
    is_separator,
    parse_marker,
    uppercase_share,
)
from ingest.structure.lines import TABLE_CELL_SEPARATOR, Line, PhysicalLine, collapse_spaces, physical_lines
from ingest.vntext import folded_form

__all__ = ["join_wrapped", "logical_lines", "strip_markdown"]

_BOLD_RE = re.compile(r"\*\*")
_ITALIC_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_UNDERSCORE_BOLD_RE = re.compile(r"(?<![\w_])__(?=[^\s_])(.+?)(?<=[^\s_])__(?![\w_])")
_UNDERSCORE_ITALIC_RE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
# "[text](url)" and "![alt](url)"; not "[^1]", a footnote reference.
_LINK_RE = re.compile(r"!?\[(?!\^)([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_HARD_BREAK_RE = re.compile(r"\\(?=\s|$)")
# Escaped characters are kept out of the emphasis rules as private-use characters meanwhile
# (unless the text has such characters of its own).
_ESCAPED_BASE = 0xE000
_ESCAPED_RANGE_RE = re.compile("[\ue000-\ue07f]")
_SENTENCE_END = (".", ":", "!", "?")


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
    if marker.heading or parse_marker(line.text) is not NO_MARKER:
        return True  # a Markdown heading is one line
    if folded_form(line.text[:12]).startswith("tren day la"):
        return True  # the closing paragraph ("Trên đây là Kế hoạch ...") never continues a clause
    last = group[-1].text
    if marker.kind == "section":
        # Section titles are one line unless the next line is still in capitals.
        return uppercase_share(line.text) < 0.7
    if _starts_upper(line.text) and _is_heading_like(group, marker):
        return True
    if gap and marker.kind == "bullet" and len(group) == 1 and TABLE_CELL_SEPARATOR in last:
        return True  # a table row ("- Sở Y tế — Năm 2026") ends at the gap after it
    return gap and _ends_sentence(last) and _starts_upper(line.text)


def join_wrapped(pieces: list[str]) -> str:
    """Join the pieces of a hard-wrapped paragraph into one line.

    "52-" + "CT/TW" joins without a space (a number split at its hyphen);
    everything else joins with one space.
    """
    parts: list[str] = []
    for piece in pieces:
        # Only the end of the previous piece matters: looking at the whole joined text was quadratic.
        if parts and not (re.search(r"\d[-–/]$", parts[-1][-2:]) and piece[:1].isalnum()):
            parts.append(" ")
        parts.append(piece)
    return "".join(parts)


def strip_markdown(text: str) -> str:
    """The reading of a Markdown line: marks removed, words kept.

    Removes the "#"s of a heading, emphasis ("**x**", "__x__" and paired "*x*",
    "_x_"; a lone glued "*" is kept, it may cite a footnote), links (their text
    is kept) and backslash escapes ("1\\." reads "1."). Footnote references
    ("[^1]") are left for :class:`ingest.structure.footnotes.FootnoteMarkerReader`.
    """
    protect = "\\" in text and not _ESCAPED_RANGE_RE.search(text)
    if protect:
        text = _ESCAPE_RE.sub(lambda m: chr(_ESCAPED_BASE + ord(m.group(1))), text)
    if HEADING_RE.match(text):
        text = HEADING_CLOSE_RE.sub("", HEADING_RE.sub("", text, count=1))
    text = _LINK_RE.sub(r"\1", text)
    text = _UNDERSCORE_BOLD_RE.sub(r"\1", _BOLD_RE.sub("", text))
    text = _UNDERSCORE_ITALIC_RE.sub(r"\1", _ITALIC_RE.sub(r"\1", text))
    if protect:
        text = _HARD_BREAK_RE.sub("", text)
        text = _ESCAPED_RANGE_RE.sub(lambda m: chr(ord(m.group(0)) - _ESCAPED_BASE), text)
    return text



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
    classes = classify_lines(lines)
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

    markers = [parse_marker(group[0].text) if kind == "text" else NO_MARKER for kind, _, group in groups]
    levels = heading_kinds(markers)
    reader = FootnoteMarkerReader(set(footnotes))
    result = []
    for (kind, number, group), marker in zip(groups, markers, strict=True):
        joined = strip_markdown(join_wrapped([ln.text for ln in group]))
        if kind == "footnote":
            cleaned = collapse_spaces(joined)
            body = footnote_body(cleaned)
            result.append(Line(group[0].start, group[-1].end, cleaned, body, NO_MARKER, "footnote", number))
            continue
        cleaned, refs = reader.read(joined)
        cleaned = collapse_spaces(cleaned)
        if marker.heading:
            level = levels[marker.heading]
            marker = replace(marker, kind=level, rank=marker.rank if level == marker.kind else 0)
        body = _strip_written_marker(cleaned, marker)
        if not any(ch.isalnum() for ch in body):
            continue  # a marker or stray punctuation alone carries nothing to answer from
        result.append(Line(group[0].start, group[-1].end, cleaned, body, marker, "text", 0, refs, group[0].indent))
    return result
