"""The header block of a plan: the "KẾ HOẠCH" title block, the document number, place and date.

A plan opens with the issuing body, "Số 646-KH/TU", the place-and-date line
("Đồng Nai, ngày 09 tháng 01 năm 2026"), decoration lines and the title block
("KẾ HOẠCH" and the lines that continue it). The body starts after the title
block. Matching is done on folded forms, so OCR text without diacritics is
read too; each reader returns "" (or -1) when its field is not there.
"""

from __future__ import annotations

import re

from ingest.structure.clean import strip_markdown
from ingest.structure.line_markers import is_separator, parse_marker
from ingest.structure.lines import PhysicalLine
from ingest.vntext import folded_form

__all__ = ["date_line", "read_date_and_place", "read_number", "read_title_block"]

_NUMBER_RE = re.compile(r"(?:^|\s)S(?:ố|o)?\s*:?\s*(?P<digits>\d+)?\s*(?P<code>[-/]\s*[A-ZĐ]{1,6}(?:\s*[-/]\s*[A-ZĐ]{1,8})+)")
_DATE_RE = re.compile(
    r"ngay\w?\s*(?P<day>\d{1,2})?\s*thang\s*(?P<month>\d{1,2})?\s*n\w{0,3}m\s*(?P<year>\d{4})"
)
_TITLE_RE = re.compile(r"^ke hoach(?: [a-z]+){0,2}$")
_COLUMN_GAP_RE = re.compile(r"\s{3,}|\t")


def _one_line_title(plain: str) -> tuple[str, str]:
    """("KẾ HOẠCH" with the capitalised words that continue it, what follows) when the title is written
    on its line ("KẾ HOẠCH Thực hiện ...", "KẾ HOẠCH HÀNH ĐỘNG thực hiện ..."), else ("", "")."""
    # "HOACH" too: OCR capitals lose their accents ("KE HOACH HANH PONG thye hién ...").
    match = re.match(r"(?P<head>(?:KẾ|KÊ|KE)\s+HO[ẠA]CH)\b[\s:.–-]*(?P<rest>\S.*)$", plain)
    if not match or _TITLE_RE.match(folded_form(plain)):
        return "", ""
    head, words = [match.group("head")], match.group("rest").split()
    while len(words) > 1 and words[0].isalpha() and words[0].isupper():
        head.append(words.pop(0))
    if len(head) > 1 and words and not words[0].isupper():
        return " ".join(head), " ".join(words)
    return match.group("head"), match.group("rest").strip()


def read_title_block(lines: list[PhysicalLine], limit: int) -> tuple[int, int, str]:
    """Find the "KẾ HOẠCH" title block among the first ``limit`` lines.

    Args:
        lines: Physical lines of the whole file.
        limit: Index of the first section line; the title comes before it.

    Returns:
        (title line index, index of the first line after the title block and
        its decoration lines, the title as one line: "Kế hoạch thực hiện ...");
        (-1, -1, "") when there is no title.
    """
    for i, line in enumerate(lines[:limit]):
        plain = strip_markdown(line.text).strip()
        head, one_line = _one_line_title(plain)
        if one_line:
            plain, parts = head, [one_line]
        elif not plain or not _TITLE_RE.match(folded_form(plain)) or sum(c.isupper() for c in plain) < 5:
            continue
        else:
            parts = []
        j = i + 1
        in_bold = False
        while j < len(lines):
            text = lines[j].text
            if not text:
                j += 1
                continue
            if is_separator(text) or parse_marker(text).kind == "section":
                break
            starts_upper = strip_markdown(text).lstrip("*")[:1].isupper()
            if parts and starts_upper and not in_bold:
                break
            if text.count("**") % 2 == 1:
                in_bold = not in_bold
            parts.append(strip_markdown(text).strip())
            j += 1
        while j < len(lines) and (not lines[j].text or is_separator(lines[j].text)):
            j += 1
        rest = " ".join(parts)
        rest = rest[:1].lower() + rest[1:] if rest[:1].isupper() and not rest[:2].isupper() else rest
        head = plain[:1].upper() + plain[1:].lower()
        return i, j, re.sub(r"\s+", " ", f"{head} {rest}").strip()
    return -1, -1, ""


def read_number(header: list[PhysicalLine]) -> tuple[str, int]:
    """Find the document number ("Số 646-KH/TU") in the header block.

    Returns:
        (number as written without spaces: "646-KH/TU", or "/KH-UBND" when the
        digits were left blank; index of its header line), or ("", -1).
    """
    for i, line in enumerate(header):
        match = _NUMBER_RE.search(line.text)
        if match:
            code = re.sub(r"\s+", "", match.group("code"))
            return (match.group("digits") or "") + code, i
    return "", -1


def date_line(header: list[PhysicalLine]) -> int:
    """Index of the place-and-date line in the header block, -1 when there is none."""
    return next((i for i, line in enumerate(header) if _DATE_RE.search(folded_form(line.text))), -1)


def read_date_and_place(header: list[PhysicalLine]) -> tuple[str, str]:
    """Read the place-and-date line ("Đồng Nai, ngày 09 tháng 01 năm 2026") of the header block.

    Returns:
        (ISO date, or a partial one "2026-01" / "2026" when day or month were
        left blank; the place as written before the comma), or ("", "").
    """
    at = date_line(header)
    if at >= 0:
        line = header[at]
        match = _DATE_RE.search(folded_form(line.text))
        day, month, year = match.group("day"), match.group("month"), match.group("year")
        if day and month:
            date = f"{year}-{int(month):02d}-{int(day):02d}"
        elif month:
            date = f"{year}-{int(month):02d}"
        else:
            date = year
        comma = line.text.find(",", 0, max(match.start(), 1) + 2)
        before = line.text[:comma] if comma > 0 else ""
        number = _NUMBER_RE.search(before)
        if number:
            before = before[number.end():]
        # A two-column header flattened into one line ("ĐẢNG ỦY XÃ X      X, ngày …"): the place is the
        # right column, after the last run of spaces or tabs.
        before = _COLUMN_GAP_RE.split(before.strip())[-1]
        return date, before.strip(" :,")
    return "", ""
