"""Word list numbering as a reader sees it: the "I. ", "2.1. ", "a) " or "- " before a paragraph.

Word does not store list markers in the text. A numbered paragraph carries
``w:numPr`` (``w:numId``, ``w:ilvl``), directly or through its paragraph style;
``numbering.xml`` maps the ``w:num`` instance to a ``w:abstractNum`` whose
``w:lvl`` entries give each level's format (``w:numFmt``), pattern
(``w:lvlText``, "%1.%2.") and start value (``w:start``), and a ``w:num`` may
restart a level (``w:lvlOverride/w:startOverride``). :class:`ListNumbering`
counts numbered paragraphs in document order, per list and level (a level
restarts when a higher level advances), and renders the marker Word shows.
Bullet glyphs the clause tree does not read (Symbol-font dots, "o", "▪") are
shown as "-", "+", "•", "*" by level, so nested bullets stay apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

__all__ = ["W", "ListNumbering", "child_val", "format_number"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_READ_BULLETS = "-–—+•*·"  # bullet glyphs ingest/structure/line_markers.py reads
_LEVEL_BULLETS = ("-", "+", "•", "*")
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class _Level:
    """One level of a list: format, pattern, start value, what follows the marker, restart rule."""

    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    suffix: str = "tab"
    legal: bool = False
    restart_after: int | None = None  # w:lvlRestart: restart only when a level < this advances


def child_val(element: etree._Element | None, child: str, default: str | None = None) -> str | None:
    """The ``w:val`` of ``element``'s child ``w:<child>``, or ``default``."""
    found = element.find(W + child) if element is not None else None
    return found.get(W + "val", default) if found is not None else default


def _int(text: str | None, default: int) -> int:
    return int(text) if text is not None and re.fullmatch(r"-?\d{1,9}", text.strip()) else default


def format_number(value: int, fmt: str) -> str:
    """``value`` written in the Word number format ``fmt`` (unknown formats as decimals)."""
    if fmt in ("upperRoman", "lowerRoman") and value > 0:
        roman = ""
        for amount, letters in _ROMAN:
            count, value = divmod(value, amount)
            roman += letters * count
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _read_level(lvl: etree._Element) -> _Level:
    restart = child_val(lvl, "lvlRestart")
    legal = lvl.find(W + "isLgl")
    return _Level(
        fmt=child_val(lvl, "numFmt", "decimal") or "decimal",
        text=child_val(lvl, "lvlText", "") or "",
        start=_int(child_val(lvl, "start"), 1),
        suffix=child_val(lvl, "suff", "tab") or "tab",
        legal=legal is not None and legal.get(W + "val", "1") not in ("0", "false", "off"),
        restart_after=_int(restart, 0) if restart is not None else None,
    )


class ListNumbering:
    """Counts numbered paragraphs and renders their markers, in document order.

    Args:
        numbering: Root of ``word/numbering.xml`` (``w:numbering``), or None.
        styles: Root of ``word/styles.xml`` (``w:styles``), or None.
    """

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}  # abstractNumId -> ilvl -> level
        self._level_styles: dict[str, int] = {}  # paragraph style -> the level (w:lvl/w:pStyle) it is tied to
        self._shared: dict[str, str] = {}  # abstractNumId -> the list whose levels and counts it borrows
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._style_numbering: dict[str, tuple[str | None, str | None]] = {}
        self._style_parent: dict[str, str] = {}
        self._default_style = ""
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if styles is not None:
            self._read_styles(styles)
        if numbering is not None:
            self._read_numbering(numbering)

    def _read_styles(self, styles: etree._Element) -> None:
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId", "")
            if style.get(W + "type") != "paragraph" or not style_id:
                continue
            if style.get(W + "default") in ("1", "true", "on"):
                self._default_style = style_id
            parent = child_val(style, "basedOn")
            if parent:
                self._style_parent[style_id] = parent
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                self._style_numbering[style_id] = (child_val(num_pr, "numId"), child_val(num_pr, "ilvl"))

    def _read_numbering(self, numbering: etree._Element) -> None:
        linked: dict[str, str] = {}  # numbering style name -> abstractNumId defining it
        links: dict[str, str] = {}  # abstractNumId -> numbering style it borrows its levels from
        for abstract in numbering.iter(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId", "")
            levels = {}
            for lvl in abstract.findall(W + "lvl"):
                ilvl = _int(lvl.get(W + "ilvl"), 0)
                levels[ilvl] = _read_level(lvl)
                style = child_val(lvl, "pStyle")
                if style:
                    self._level_styles[style] = ilvl
            self._levels[abstract_id] = levels
            if child_val(abstract, "styleLink"):
                linked[child_val(abstract, "styleLink") or ""] = abstract_id
            if child_val(abstract, "numStyleLink"):
                links[abstract_id] = child_val(abstract, "numStyleLink") or ""
        for abstract_id, style in links.items():  # a list defined by a numbering style (w:numStyleLink)
            if style in linked:
                self._shared[abstract_id] = linked[style]
        for num in numbering.iter(W + "num"):
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                if override.find(W + "startOverride") is not None:
                    starts[ilvl] = _int(child_val(override, "startOverride"), 1)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _read_level(lvl)
            self._nums[num.get(W + "numId", "")] = (child_val(num, "abstractNumId", "") or "", starts, levels)

    def _style_num_pr(self, style_id: str) -> tuple[str | None, str | None]:
        """(numId, ilvl) a paragraph style gives, following ``w:basedOn`` (cycles stopped)."""
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self._style_numbering:
                return self._style_numbering[style_id]
            style_id = self._style_parent.get(style_id, "")
        return None, None

    def marker(self, paragraph: etree._Element) -> str:
        """The marker Word shows before ``paragraph`` ("" when not numbered), counting it.

        Every numbered paragraph must be passed once, in document order, even
        when its text is empty: Word counts it.
        """
        p_pr = paragraph.find(W + "pPr")
        style_id = child_val(p_pr, "pStyle") or self._default_style
        style_num, style_ilvl = self._style_num_pr(style_id)
        num_pr = p_pr.find(W + "numPr") if p_pr is not None else None
        num_id = child_val(num_pr, "numId") or style_num
        ilvl_text = child_val(num_pr, "ilvl") or style_ilvl
        if not num_id or num_id == "0" or num_id not in self._nums:
            return ""
        abstract_id, starts, overrides = self._nums[num_id]
        abstract_id = self._shared.get(abstract_id, abstract_id)
        if ilvl_text is None and style_id in self._level_styles:
            ilvl_text = str(self._level_styles[style_id])
        ilvl = min(max(_int(ilvl_text, 0), 0), 8)
        levels = {**self._levels.get(abstract_id, {}), **overrides}
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started:  # a w:num restarting levels takes effect where it is first used
            self._started.add(num_id)
            for level, start in starts.items():
                counters[level] = start - 1
        level = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [d for d in counters if d > ilvl]:
            restart = levels[deeper].restart_after if deeper in levels else None
            if restart is None or ilvl < restart:
                del counters[deeper]
        text = self._render(level, levels, counters, ilvl)
        if not text.strip():
            return ""
        return text + ("" if level.suffix == "nothing" else " ")

    @staticmethod
    def _render(level: _Level, levels: dict[int, _Level], counters: dict[int, int], ilvl: int) -> str:
        """The marker text of ``level``: its bullet glyph, or its pattern with each "%n" filled in."""
        if level.fmt == "bullet":
            glyph = level.text.strip()
            return glyph if glyph and glyph in _READ_BULLETS else _LEVEL_BULLETS[min(ilvl, len(_LEVEL_BULLETS) - 1)]

        def placeholder(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            shown = levels.get(index, _Level())
            value = counters.get(index, shown.start)
            return format_number(value, "decimal" if level.legal and shown.fmt != "none" else shown.fmt)

        return re.sub(r"%([1-9])", placeholder, level.text).strip()
