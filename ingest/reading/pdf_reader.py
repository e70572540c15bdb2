"""PDF files with a text layer as text, as a reader sees the pages (pdfplumber); pages without text are reported.

A PDF keeps no paragraphs, only positioned lines, and every page carries
furniture. :func:`read_pdf` reads the lines of each page with their geometry
(pdfplumber's ``extract_text_lines``, the lines ``extract_text`` gives) and
gives back the text a reader sees:

- page furniture is left out: a page number ("4", "- 4 -", "Trang 4/7") that is
  the first or last line of its page and is set apart from the text or carries
  the page's own number, and a running header or footer: the same words (digits
  aside) at the same height at the top or bottom of several pages, set apart
  from the text;
- a paragraph is one line, its wrapped lines joined with a space (a line wraps
  when the next line's first word would not have fitted at its end), so a
  wrapped line that starts like a marker ("- xã hội", "2. 100%") is not read as
  a new item; a paragraph split over pages is joined the same way;
- paragraphs are separated by a blank line: a change of font size (a footnote,
  a heading), a wider gap than between the lines of a paragraph, a line that
  stops short (the next word would have fitted; in justified text, a sentence
  that ends short of the margin);
- where it cannot tell, the line break is kept without a blank line, and
  ``ingest.structure.clean`` decides from how the next line starts: after a
  full line that ends a sentence or a number split at its hyphen ("52-" +
  "CT/TW"), and before an indented line.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.reading.errors import UnreadableFileError

__all__ = ["read_pdf"]

# A PDF page with fewer non-space characters than this has no usable text layer.
_MIN_PAGE_CHARS = 10
# "4", "- 4 -", "Trang 4", "Trang 4/7", "4 / 7", "Page 4 of 7".
_PAGE_NUMBER_RE = re.compile(
    r"^(?:trang|page)?\s*[-–—]?\s*(?P<n>\d{1,4})\s*[-–—]?\s*(?:(?:/|trên|of)\s*\d{1,4})?$", re.IGNORECASE
)
# A full line ending so may close a paragraph (a sentence) or split a number ("52-" + "CT/TW"):
# the next line is left on a line of its own instead of being joined to it.
_SENTENCE_ENDINGS = (".", ":", ";", "!", "?")
_OPEN_ENDINGS = (*_SENTENCE_ENDINGS, "-", "–", "/")
# Justified text: at least this share of the lines end at the right margin, give or take the slack (points).
_JUSTIFIED_SHARE = 0.3
_MARGIN_SLACK = 1.5
# How many lines at each end of a page may be furniture.
_EDGE_LINES = 2


@dataclass(frozen=True)
class _TextLine:
    """One line of a page as pdfplumber groups its characters, with where it sits (PDF points)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word: float = 0.0  # width of its first word


@dataclass(frozen=True)
class _Layout:
    """What is usual in a document: where its lines stop, the gap between them, its font size, its alignment."""

    right: float
    gap: float
    size: float
    justified: bool = False


def _first_word_width(chars: list[dict], size: float) -> float:
    """Width of the first word of a line: its characters up to the first space or wide gap."""
    shown = [char for char in chars if char["text"].strip()]
    if not shown:
        return 0.0
    start = chars.index(shown[0])
    end = shown[0]
    for char in chars[start + 1:]:
        if not char["text"].strip() or char["x0"] - end["x1"] > 0.2 * size:
            break
        end = char
    return end["x1"] - shown[0]["x0"]


def _text_lines(page) -> list[_TextLine]:
    lines = []
    for line in page.extract_text_lines():
        chars = line.get("chars") or []
        sizes = [char["size"] for char in chars if char["text"].strip()]
        size = statistics.median(sizes) if sizes else line["bottom"] - line["top"]
        lines.append(_TextLine(line["text"], line["x0"], line["x1"], line["top"], line["bottom"], size,
                               _first_word_width(chars, size)))
    return lines


def _layout(pages: list[list[_TextLine]]) -> _Layout:
    """The document's usual geometry: the right margin of its text, median gap and size, justified or not."""
    lines = [line for page in pages for line in page]
    if not lines:
        return _Layout(0.0, 0.0, 0.0)
    size = statistics.median(line.size for line in lines)
    body = [line for line in lines if abs(line.size - size) < 0.5] or lines
    ends = sorted(line.x1 for line in body)
    right = ends[int(0.95 * (len(ends) - 1))]
    gaps = [b.top - a.bottom for page in pages for a, b in zip(page, page[1:], strict=False)]
    reaching = sum(abs(line.x1 - right) <= _MARGIN_SLACK for line in body)
    return _Layout(right, statistics.median(gaps) if gaps else 0.0, size,
                   justified=reaching >= _JUSTIFIED_SHARE * len(body))


def _page_number(text: str) -> int | None:
    match = _PAGE_NUMBER_RE.match(" ".join(text.split()))
    return int(match.group("n")) if match else None


def _set_apart(lines: list[_TextLine], index: int, layout: _Layout) -> bool:
    """The line at ``index``, near an edge of the page, is further from the text inwards than lines of text are."""
    inward = index + 1 if index < len(lines) / 2 else index - 1
    if not 0 <= inward < len(lines):
        return True
    first, second = sorted((lines[index], lines[inward]), key=lambda line: line.top)
    return second.top - first.bottom > max(1.5 * layout.gap, layout.gap + 0.5 * layout.size)


def _edge_indexes(count: int) -> list[int]:
    """Indexes of the lines of a page that may be furniture, outermost first: the first and last few."""
    indexes: list[int] = []
    for depth in range(min(_EDGE_LINES, count)):
        for index in (depth, count - 1 - depth):
            if index not in indexes:
                indexes.append(index)
    return indexes


def _shape(line: _TextLine) -> str:
    """A line's words with digits masked, so "Trang 2" and "Trang 3" look alike."""
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def _furniture(pages: list[list[_TextLine]], numbers: list[int], layout: _Layout) -> list[set[int]]:
    """Per page, the indexes of its lines that are page furniture (page numbers, running headers/footers).

    Args:
        pages: The lines of each page with text.
        numbers: The number of each of these pages in the file (1-based).
        layout: The document's usual geometry.
    """
    # Running headers and footers: the same words (digits aside) at the same height on several pages.
    places = Counter(
        (_shape(lines[index]), round(lines[index].top / 3))
        for lines in pages for index in _edge_indexes(len(lines))
    )
    repeated = {place for place, count in places.items() if count >= max(2, 0.5 * (len(pages) - 1))}
    found: list[set[int]] = []
    for number, lines in zip(numbers, pages, strict=True):
        drop: set[int] = set()
        for index in _edge_indexes(len(lines)):
            outer = index - 1 if index < len(lines) / 2 else index + 1
            if 0 <= outer < len(lines) and outer not in drop:
                continue  # only the outermost lines, or those just inside furniture, can be furniture
            line = lines[index]
            apart = _set_apart(lines, index, layout)
            shown = _page_number(line.text)
            if shown is not None and (apart or shown in (number, number - 1)):
                drop.add(index)
            elif apart and (_shape(line), round(line.top / 3)) in repeated:
                drop.add(index)
        found.append(drop)
    return found


def _breaks_paragraph(before: _TextLine, after: _TextLine, layout: _Layout, *, same_page: bool) -> bool:
    """Does a new paragraph start at ``after``? (A blank line is put between them.)"""
    if abs(before.size - after.size) >= 1.0:
        return True  # a footnote, a heading in another size
    if same_page and after.top - before.bottom > layout.gap + 0.25 * layout.size:
        return True  # space between paragraphs
    short = layout.right - before.x1
    if layout.justified and short > _MARGIN_SLACK and before.text.rstrip().endswith(_SENTENCE_ENDINGS):
        return True  # justified lines reach the margin; the last line of a paragraph stops short
    # A line that wraps is full: the next word did not fit in what is left of it.
    return short > after.first_word + 0.3 * layout.size


def _open_pages(p: Path, name: str) -> list[list[_TextLine]]:
    """The lines of every page of the file; Vietnamese errors for damaged and protected files."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(str(p)) as pdf:
            return [_text_lines(page) for page in pdf.pages]
    except PdfminerException as error:
        cause = type(error.args[0]).__name__ if error.args else ""
        if "Password" in cause:  # pdfminer's PDFPasswordIncorrect, wrapped by pdfplumber
            raise UnreadableFileError(
                str(p), f"Tệp '{name}' được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại."
            ) from error
        raise UnreadableFileError(str(p), f"Tệp '{name}' không phải PDF hợp lệ hoặc đã bị hỏng.") from error
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableFileError(str(p), f"Tệp '{name}' không phải PDF hợp lệ hoặc đã bị hỏng.") from error


def _reading(pages: list[list[_TextLine]], numbers: list[int]) -> str:
    """The text of the pages: furniture left out, wrapped lines joined, blank lines between paragraphs."""
    layout = _layout(pages)
    out: list[str] = []
    previous: _TextLine | None = None
    previous_page = -1
    for page_index, (lines, drop) in enumerate(zip(pages, _furniture(pages, numbers, layout), strict=True)):
        for index, line in enumerate(lines):
            if index in drop:
                continue
            if previous is None:
                out.append(line.text)
            elif _breaks_paragraph(previous, line, layout, same_page=page_index == previous_page):
                out += ["", line.text]
            elif line.x0 - previous.x0 > 0.5 * layout.size or out[-1].endswith(_OPEN_ENDINGS):
                # Indented, or after a sentence or a number split at its hyphen: a paragraph may
                # start here, or go on; ingest.structure.clean tells from how the line starts.
                out.append(line.text)
            else:
                out[-1] += " " + line.text  # the paragraph wraps: one line, as the typist wrote it
            previous, previous_page = line, page_index
    return "\n".join(out)


def read_pdf(p: Path, name: str, warnings: list[str]) -> str:
    """The text of a PDF as a reader sees it: page furniture left out, one line per paragraph, blank lines between.

    Pages without a text layer are named in ``warnings`` and skipped.

    Args:
        p: The PDF file.
        name: Its name, for messages.
        warnings: Where Vietnamese notes for the ingest report are added.

    Returns:
        The text (not yet NFC; :func:`ingest.reading.readers.read_source` normalises it).

    Raises:
        UnreadableFileError: damaged, password-protected, or scanned without a text layer.
    """
    pages = _open_pages(p, name)
    empty = [number for number, lines in enumerate(pages, start=1)
             if len("".join("".join(line.text.split()) for line in lines)) < _MIN_PAGE_CHARS]
    if len(empty) == len(pages):
        raise UnreadableFileError(
            str(p), f"Tệp '{name}' là bản quét không có lớp chữ; hãy chạy OCR trước khi nạp."
        )
    if empty:
        listed = ", ".join(str(number) for number in empty)
        warnings.append(f"Tệp '{name}': {len(empty)}/{len(pages)} trang không có lớp chữ (trang {listed}), đã bỏ qua.")
    numbers = [number for number in range(1, len(pages) + 1) if number not in empty]
    return _reading([pages[number - 1] for number in numbers], numbers)
