"""Lines that are not running text (page numbers, footnotes) and the markers that cite footnotes.

Footnotes ("¹ Chỉ thị ..." in An Giang, the OCR'd "1'V& thyc hién ..." block in
Đồng Nai, Markdown's "[^1]: ...") become separate logical lines, and lone page
numbers (the "4" in the Huế plan, set off by a blank line or next in the run of
page numbers met so far, as text copied out of a PDF has them) are dropped:
:func:`classify_lines` tells them apart from text lines. The markers that cite a
footnote ("tỉnh⁽¹⁾", Markdown "tỉnh[^1]", OCR "Tinh ty!", "Tinh ay3", "tinh*")
are removed from the citing line by :class:`FootnoteMarkerReader`, which
records the numbers cited; :func:`footnote_body` is a footnote without its
opening number.
"""

from __future__ import annotations

import re

from ingest.structure.line_markers import NO_MARKER, parse_marker
from ingest.structure.lines import PhysicalLine, collapse_spaces

__all__ = ["FootnoteMarkerReader", "classify_lines", "footnote_body"]

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(_SUPERSCRIPTS, "0123456789")
_PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]\s*)?(?:trang\s+)?(?P<n>\d{1,3})(?:\s*[-–—])?$", re.IGNORECASE)

# Footnote lines: a superscript number or a Markdown definition ("[^1]:"), or (OCR)
# a plain number glued to an apostrophe or followed by a space, then an uppercase letter.
_FOOTNOTE_SUPER_RE = re.compile(r"^(?:⁽(?P<a>[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾|(?P<b>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^(?P<c>\d{1,3})\]:)\s*(?=\S)")
_FOOTNOTE_OCR_RE = re.compile(r"^(?P<n>\d{1,2})(?:['’`]\s*|\s+)(?=\S)")

# Footnote markers inside text: superscripts, Markdown references ("[^1]").
_SUPER_MARK_RE = re.compile(r"⁽([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾|(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^(\d{1,3})\](?!:)")
_GLUED_MARK_RE = re.compile(r"(?<=[^\W\d_])(?:(?P<sym>[!?*])(?=[;,.:)\s]|$)|(?P<digit>\d{1,2})(?=[;,.:)]))")


def _footnote_start(line: PhysicalLine, previous_blank: bool, expected: int) -> int:
    """Footnote number when ``line`` starts a footnote, else 0."""
    match = _FOOTNOTE_SUPER_RE.match(line.text)
    if match:
        digits = (match.group("a") or match.group("b") or match.group("c")).translate(_SUPER_TO_DIGIT)
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


def _next_page_number(number: int, last_page: int) -> bool:
    """Is ``number`` the next page number? Text copied out of a PDF runs on over page
    breaks, so its page numbers have no blank line beside them; the first page is
    seldom numbered, so a run may start at 2."""
    return number == last_page + 1 and number >= 2


def classify_lines(lines: list[PhysicalLine]) -> list[tuple[str, int]]:
    """Class of each physical line: ("blank"|"page"|"footnote"|"text", footnote number).

    Args:
        lines: The physical lines of (a part of) a file, in order.

    Returns:
        One (class, footnote number) pair per line; the number is 0 except on
        the lines of a footnote.
    """
    classes: list[tuple[str, int]] = []
    expected = 1
    in_footnote = 0
    last_page = 0
    for i, line in enumerate(lines):
        if line.blank:
            classes.append(("blank", 0))
            in_footnote = 0
            continue
        prev_blank = i == 0 or lines[i - 1].blank
        next_blank = i + 1 >= len(lines) or lines[i + 1].blank
        page = _PAGE_NUMBER_RE.match(line.text)
        if page and (prev_blank or next_blank or _next_page_number(int(page.group("n")), last_page)):
            classes.append(("page", 0))
            last_page = int(page.group("n"))
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


class FootnoteMarkerReader:
    """Removes footnote markers in document order and records the numbers cited.

    Superscript markers (¹, ⁽¹⁾) carry their number. OCR renders them as a
    character glued to the previous word ("ty!", "tiy?", "ay3", "tinh*"); such
    a glyph is taken as the *next* footnote number, and only while that
    footnote exists, so ordinary digits glued by OCR ("s6", "x4", "ho1") are
    left alone.

    Args:
        available: Numbers of the footnotes the document has.
    """

    def __init__(self, available: set[int]):
        self.available = available
        self.next_ref = 1

    def read(self, text: str) -> tuple[str, tuple[int, ...]]:
        """Remove the footnote markers of ``text``, the next text line in document order.

        Returns:
            (text without its markers, numbers of the footnotes it cites).
        """
        refs: list[int] = []

        def superscript(match: re.Match[str]) -> str:
            number = int((match.group(1) or match.group(2) or match.group(3)).translate(_SUPER_TO_DIGIT))
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


def footnote_body(text: str) -> str:
    """A footnote's cleaned one-line ``text`` without the number that opens it ("¹", OCR "1'")."""
    body = collapse_spaces(_FOOTNOTE_SUPER_RE.sub("", text, count=1))
    if body == text:
        body = collapse_spaces(_FOOTNOTE_OCR_RE.sub("", text, count=1))
    return body
