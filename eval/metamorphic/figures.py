"""Figures, dates and document numbers of a plan, and what a rewrite changes them to.

Changes are substitutions (old string -> new string) applied everywhere, so a
plan stays consistent with itself:

- percentages below 100 move down by the corpus's offset (monotone, so which
  plan has the higher target is unchanged and comparisons keep their answer);
- counts ("3 lần", "2 đợt") move up by the corpus's offset;
- dates move by the corpus's number of days (a day-month deadline never
  crosses the new year: it then moves back instead), written as before;
- the plan's own and its province's document numbers get new numbers of the
  same width. Central documents (numbers ending "/TW", and the dates written
  just after them, such as Directive 52-CT/TW of 03/10/2025) stay: every plan
  carries them out.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from eval.metamorphic.mapping import Substitution

__all__ = ["FigureShift", "document_number_substitutions", "figure_substitutions", "question_variants"]

_PERCENT_RE = re.compile(r"(?<![\w.,/])(\d{1,2}(?:[.,]\d{1,2})?)(\s?)%")
_COUNT_NOUNS = ("lần", "lượt", "đợt", "buổi", "cuộc", "hội nghị", "người", "hộ", "thẻ", "đơn vị", "cơ sở")
_COUNT_RE = re.compile(r"(?<![\w.,/])(\d{1,3}) (" + "|".join(_COUNT_NOUNS) + r")(?!\w)")
_FULL_DATE_RE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\w/])")
_SHORT_DATE_RE = re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)")
_LONG_DATE_RE = re.compile(r"(?<!\w)ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})(?!\d)")
_NUMBER_RE = re.compile(r"(?<!\d)(\d{1,4})(\s?-\s?)([A-ZĐ]{2,5})/([A-ZĐ]{1,12})(?!\w)")
_RESOLUTION_RE = re.compile(r"(?<![\w/])(\d{1,3})/(\d{4})/([A-ZĐ]{2,4}-?[A-ZĐ]{2,6})(?!\w)")
# A plan's number ("646-KH/TU", "15/KH-UBND" has no digits to cite) and the words a question cites it after.
_PLAN_NUMBER_RE = re.compile(r"(\d{1,4})\s?-\s?KH/")
_PLAN_LEADS = ("kế hoạch số", "Kế hoạch số", "kế hoạch", "Kế hoạch", "KẾ HOẠCH SỐ", "KẾ HOẠCH", "ke hoach so",
               "ke hoach", "KH số", "KH")
# A date written this close after a central document's number is that document's date.
_CENTRAL_WINDOW = 60


@dataclass(frozen=True)
class FigureShift:
    """How a corpus moves figures: percentage points down, counts up, days on."""

    percent_points: int
    count_step: int
    days: int

    @classmethod
    def from_seed(cls, corpus_seed: int) -> FigureShift:
        """The shift of a corpus (the same for every plan, so plans stay comparable)."""
        rng = random.Random(f"{corpus_seed}:figures")
        return cls(rng.randint(1, 3), rng.randint(1, 2), rng.randint(3, 12))


def _decimal(value: str, shift: int) -> str:
    separator = "," if "," in value else "." if "." in value else ""
    if not separator:
        return str(int(value) - shift)
    whole, part = value.split(separator)
    return f"{int(whole) - shift}{separator}{part}"


def _central_dates(text: str) -> set[str]:
    central = set()
    for number in _NUMBER_RE.finditer(text):
        if not number.group(4).endswith("TW"):
            continue
        window = text[number.end():number.end() + _CENTRAL_WINDOW]
        for pattern in (_FULL_DATE_RE, _SHORT_DATE_RE, _LONG_DATE_RE):
            central.update(m.group(0) for m in pattern.finditer(window))
    return central


def _shifted(day: int, month: int, year: int | None, days: int) -> date | None:
    try:
        start = date(year or 2026, month, day)
    except ValueError:
        return None
    moved = start + timedelta(days=days)
    if year is None and moved.year != start.year:
        moved = start - timedelta(days=days)
    return moved


def _width(written: str, value: int) -> str:
    return f"{value:0{len(written)}d}" if written.startswith("0") or len(written) == 2 and value >= 10 else str(value)


def figure_substitutions(text: str, shift: FigureShift) -> list[Substitution]:
    """Percentages, counts and dates of ``text`` with their new values (each old string once)."""
    found: dict[str, Substitution] = {}
    for match in _PERCENT_RE.finditer(text):
        value = float(match.group(1).replace(",", "."))
        if shift.percent_points < value < 100:
            new = _decimal(match.group(1), shift.percent_points) + match.group(2) + "%"
            found.setdefault(match.group(0), Substitution("percent", match.group(0), new))
    for match in _COUNT_RE.finditer(text):
        new = _width(match.group(1), int(match.group(1)) + shift.count_step) + " " + match.group(2)
        found.setdefault(match.group(0), Substitution("count", match.group(0), new))
    central = _central_dates(text)
    for pattern in (_FULL_DATE_RE, _SHORT_DATE_RE, _LONG_DATE_RE):
        for match in pattern.finditer(text):
            written = match.group(0)
            if written in central or written in found:
                continue
            day, month = match.group(1), match.group(2)
            year = int(match.group(3)) if pattern is not _SHORT_DATE_RE else None
            moved = _shifted(int(day), int(month), year, shift.days)
            if moved is None:
                continue
            if pattern is _LONG_DATE_RE:
                new = f"ngày {_width(day, moved.day)} tháng {_width(month, moved.month)} năm {moved.year}"
            else:
                new = f"{_width(day, moved.day)}/{_width(month, moved.month)}"
                if year is not None:
                    new += f"/{moved.year}"
            found[written] = Substitution("date", written, new)
    return list(found.values())


def document_number_substitutions(text: str, rng: random.Random) -> list[Substitution]:
    """Non-central document numbers of ``text`` with new numbers of the same width, each old one once."""
    found: dict[str, Substitution] = {}
    renumbered: dict[str, str] = {}
    used = {m.group(1) for m in _NUMBER_RE.finditer(text)} | {m.group(1) for m in _RESOLUTION_RE.finditer(text)}
    for pattern in (_NUMBER_RE, _RESOLUTION_RE):
        for match in pattern.finditer(text):
            suffix = match.group(4) if pattern is _NUMBER_RE else match.group(3)
            if suffix.endswith("TW") or match.group(0) in found:
                continue
            number = match.group(1)
            key = f"{number}|{suffix.replace('-', '')}"
            if key not in renumbered:
                width = len(number)
                while True:
                    candidate = str(rng.randint(1 if width == 1 else 10 ** (width - 1), 10 ** width - 1))
                    if number.startswith("0") and width > 1:
                        candidate = f"{rng.randint(1, 9):0{width}d}"
                    if candidate not in used:
                        break
                used.add(candidate)
                renumbered[key] = candidate
            new = renumbered[key] + match.group(0)[len(number):]
            found[match.group(0)] = Substitution("number", match.group(0), new)
            if pattern is _RESOLUTION_RE:
                # The number and year alone, as a question or a key fact may cite it.
                short = f"{number}/{match.group(2)}"
                found.setdefault(short, Substitution("number", short, f"{renumbered[key]}/{match.group(2)}"))
            if pattern is _NUMBER_RE and match.group(2) != "-":
                # The number as a question writes it, without the stray space.
                plain = f"{number}-{match.group(3)}/{suffix}"
                found.setdefault(plain, Substitution("number", plain, f"{renumbered[key]}-{match.group(3)}/{suffix}"))
    return list(found.values())


def _date_parts(written: str) -> tuple[str, ...] | None:
    for pattern in (_FULL_DATE_RE, _LONG_DATE_RE, _SHORT_DATE_RE):
        match = pattern.fullmatch(written)
        if match:
            return match.groups()
    return None


def _date_forms(parts: tuple[str, ...]) -> list[str]:
    day, month = int(parts[0]), int(parts[1])
    year = f"/{parts[2]}" if len(parts) == 3 else ""
    forms = [f"{day}/{month}{year}", f"{day:02d}/{month:02d}{year}", f"{day:02d}/{month}{year}",
             f"{day}/{month:02d}{year}", f"ngày {day} tháng {month}", f"ngày {day:02d} tháng {month:02d}"]
    if len(parts) == 3:
        forms += [f"ngày {day} tháng {month} năm {parts[2]}", f"ngày {day:02d} tháng {month:02d} năm {parts[2]}"]
    return forms


def question_variants(substitution: Substitution) -> list[Substitution]:
    """Other ways a question may write a changed figure, date or plan number ("5/6" for "05/6", "95 phần trăm"
    for "95%", "kế hoạch 646" for "646-KH/TU")."""
    if substitution.kind == "percent":
        old, new = substitution.old.replace(" ", "")[:-1], substitution.new.replace(" ", "")[:-1]
        return [Substitution("percent", f"{old}%", f"{new}%"), Substitution("percent", f"{old} %", f"{new} %"),
                Substitution("percent", f"{old} phần trăm", f"{new} phần trăm")]
    if substitution.kind == "date":
        old, new = _date_parts(substitution.old), _date_parts(substitution.new)
        if old is None or new is None:
            return []
        return [Substitution("date", o, n) for o, n in zip(_date_forms(old), _date_forms(new), strict=True)]
    if substitution.kind == "number":
        old, new = _PLAN_NUMBER_RE.match(substitution.old), _PLAN_NUMBER_RE.match(substitution.new)
        if old is None or new is None:
            return []
        # A question cites a plan by its digits alone: "kế hoạch 646", "Kế hoạch số 646", "KH 646".
        return [Substitution("number", f"{lead} {old.group(1)}", f"{lead} {new.group(1)}") for lead in _PLAN_LEADS]
    return []
