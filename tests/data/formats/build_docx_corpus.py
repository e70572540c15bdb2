"""Word renderings of the five plans, made the way an officer's Word file looks (issue 12).

    python tests/data/formats/build_docx_corpus.py OUT_DIR

writes ``<plan>.docx`` for every plan of ``data/plans/*.txt`` into OUT_DIR and
prints what each holds. Nothing is committed: the tests build the corpus into a
temporary folder (``tests/ingest/reading/test_docx_reader.py``). Each plan is
rendered from its own text, the OCR-damaged Đồng Nai plan included:

- one Word paragraph per logical line of the .txt (hard wraps joined; footnotes
  as paragraphs where the .txt has them, page numbers dropped);
- section numerals, items and letters as one multi-level Word list (I./1./a),
  the separator the .txt uses), the section headings numbered through their
  paragraph style, bullets as a bullet list with the .txt's glyphs; a marker is
  left typed only where the .txt's number is not the one Word would show next;
- the header lines in a borderless two-column table (issuing body | national
  motto and date), the closing block likewise (recipients | signature), and a
  bordered duty table (agency — first duty) built from the items of the last
  section, placed before that section's second item (see :func:`duty_table_position`);
- a tracked change around a real figure (an old figure deleted, the figure
  inserted), a block content control around a real item, a complex field and a
  simple field whose results are real text, a hyperlink, a smart tag, a custom
  XML wrapper and a run-level content control.

:func:`build_plan_docx` returns a :class:`DocxRendering` saying what went where.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from ingest.structure.clean import join_wrapped, logical_lines, strip_markdown  # noqa: E402
from ingest.structure.footnotes import classify_lines  # noqa: E402
from ingest.structure.header_block import read_title_block  # noqa: E402
from ingest.structure.line_markers import NO_MARKER, Marker, is_separator, parse_marker  # noqa: E402
from ingest.structure.lines import collapse_spaces, physical_lines  # noqa: E402
from ingest.structure.metadata import extract_metadata  # noqa: E402
from ingest.vntext import folded_form, nfc  # noqa: E402

PLANS = ROOT / "data" / "plans"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"
SECTION_STYLE = "Muc La Ma"
DUTY_HEADER = ("Cơ quan chủ trì", "Nhiệm vụ được giao")
_LEVELS = {"section": 0, "item": 1, "letter": 2}
_FORMATS = ("upperRoman", "decimal", "lowerLetter")
_RIGHT_HEADER_RE = re.compile(r"^(?:cong hoa|dang cong san|doc lap)|ng\w{1,3}\s*\d*\s*thang")
_SIGNATURE_RE = re.compile(r"^(?:t/m|tm\.|kt\.|tl\.)\s")
_DOCUMENT_NUMBER = r"\b\d{1,3}-[A-ZĐ]{2,3}/[A-ZĐ]{2,4}\b"
_YEAR = r"\b20\d\d\b"
# Inline features: name -> the real text each wraps (one paragraph each, in body order).
FEATURES = {
    "tracked change": r"\d+(?:,\d+)?%",
    "complex field": r"\b\d{2}/\d{2}/\d{4}\b",
    "simple field": _DOCUMENT_NUMBER,
    "hyperlink": _DOCUMENT_NUMBER,
    "smart tag": _YEAR,
    "custom xml": _YEAR,
    "run content control": _YEAR,
}


@dataclass(frozen=True)
class PlanParagraph:
    """One logical line of the plan: its text as written (marker included) and its marker."""

    text: str
    marker: Marker = NO_MARKER
    footnote: bool = False

    @property
    def body(self) -> str:
        """The text without its structural marker."""
        if self.marker.written and self.text.startswith(self.marker.written):
            return self.text[len(self.marker.written):].lstrip()
        return self.text


@dataclass(frozen=True)
class PlanLayout:
    """A plan cut the way its Word file is laid out: header, title, body, closing."""

    header: tuple[str, ...]
    title: tuple[str, ...]
    body: tuple[PlanParagraph, ...]
    closing: tuple[str, ...]


@dataclass
class DocxRendering:
    """What :func:`build_plan_docx` put in a Word file.

    Attributes:
        path: The .docx written.
        table_rows: Lines the duty table's rows should read as ("agency — duty"), header row first.
        inserted: The figure inside the tracked insertion; deleted: the old figure deleted.
        numbered: Paragraphs whose marker Word's numbering shows; typed: markers left as text.
        features: Feature name -> the text it wraps (block content control: the paragraph body).
    """

    path: Path
    table_rows: tuple[str, ...] = ()
    inserted: str = ""
    deleted: str = ""
    numbered: int = 0
    typed: int = 0
    features: dict[str, str] = field(default_factory=dict)


def plan_layout(text: str) -> PlanLayout:
    """Cut a plan's text into the parts its Word file shows (the structure code decides where)."""
    text = nfc(text)
    extracted = extract_metadata(text, "plan.txt")
    lines = physical_lines(text)
    first_section = next((i for i, ln in enumerate(lines) if parse_marker(ln.text).kind == "section"), len(lines))
    title_index, body_from, _ = read_title_block(lines, first_section)
    header = tuple(ln.text for ln in lines[: max(title_index, 0)] if ln.text)
    title: tuple[str, ...] = ()
    if title_index >= 0:
        rest = [strip_markdown(ln.text).strip() for ln in lines[title_index + 1 : body_from]
                if ln.text and not is_separator(ln.text)]
        title = (strip_markdown(lines[title_index].text).strip(), *([" ".join(rest)] if rest else []))
    body_lines = [ln for ln in lines if ln.start >= extracted.body_start and ln.end <= extracted.body_end]
    classes = dict(zip((ln.index for ln in body_lines), classify_lines(body_lines), strict=True))
    body = []
    for line in logical_lines(text, start=extracted.body_start, end=extracted.body_end):
        wanted = "footnote" if line.kind == "footnote" else "text"
        pieces = [ln.text for ln in body_lines if line.char_start <= ln.start < line.char_end
                  and classes[ln.index][0] == wanted and not is_separator(ln.text)]
        written = collapse_spaces(strip_markdown(join_wrapped(pieces)))
        body.append(PlanParagraph(written, NO_MARKER if line.kind == "footnote" else parse_marker(written),
                                  line.kind == "footnote"))
    closing = tuple(strip_markdown(ln.text).strip() for ln in lines if ln.start >= extracted.body_end and ln.text)
    return PlanLayout(header, title, tuple(body), tuple(c for c in closing if c))


def _roman(value: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for amount, letters in numerals:
        count, value = divmod(value, amount)
        out += letters * count
    return out


def _shown(value: int, level: int) -> str:
    """The label Word shows for ``value`` at ``level`` of the plan list (I, 1, a)."""
    return (_roman(value), str(value), chr(ord("a") + value - 1))[level]


def _element(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element, text: str | None = None):
    prefix, name = tag.split(":")
    element = etree.Element(f"{{{R_NS if prefix == 'r' else W_NS}}}{name}", nsmap={"w": W_NS, "r": R_NS})
    for key, value in (attrs or {}).items():
        key_prefix, key_name = key.split(":")
        element.set(f"{{{R_NS if key_prefix == 'r' else W_NS}}}{key_name}", value)
    element.extend(children)
    if text is not None:
        element.text = text
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def _run(text: str = "", tag: str = "w:t", **attrs: str) -> etree._Element:
    """A run holding ``text`` in ``tag`` (w:t, w:delText, w:instrText) or a field character."""
    if tag == "w:fldChar":
        return _element("w:r", None, _element(tag, attrs))
    return _element("w:r", None, _element(tag, None, text=text))


def _plain_runs(text: str) -> list[etree._Element]:
    """``text`` cut into runs of a few words, as Word splits text at edits and formatting."""
    words = re.findall(r"\S+\s*|\s+", text)
    return [_run("".join(words[i : i + 7])) for i in range(0, len(words), 7)]


class _WordLists:
    """The numbering.xml of a plan: one multi-level list I./1./a) and one bullet list."""

    def __init__(self, document, layout: PlanLayout) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        numbering = document.part.numbering_part.element
        abstract_ids = [int(a.get(W + "abstractNumId")) for a in numbering.iter(W + "abstractNum")]
        num_ids = [int(n.get(W + "numId")) for n in numbering.iter(W + "num")]
        plan_abstract, bullet_abstract = max(abstract_ids, default=0) + 1, max(abstract_ids, default=0) + 2
        self.plan_num, self.bullet_num = str(max(num_ids, default=0) + 1), str(max(num_ids, default=0) + 2)
        separators = {}
        self.glyphs: list[str] = []
        for paragraph in layout.body:
            kind = paragraph.marker.kind
            if kind in _LEVELS:
                separators.setdefault(kind, paragraph.marker.sep or ".")
            elif self._glyph(paragraph.marker) and self._glyph(paragraph.marker) not in self.glyphs:
                self.glyphs.append(self._glyph(paragraph.marker))
        plan_levels = []
        for kind, level in _LEVELS.items():
            sep = separators.get(kind, ")" if kind == "letter" else ".")
            style = _element("w:pStyle", {"w:val": SECTION_STYLE.replace(" ", "")}) if level == 0 else None
            plan_levels.append(_element(
                "w:lvl", {"w:ilvl": str(level)}, _element("w:start", {"w:val": "1"}),
                _element("w:numFmt", {"w:val": _FORMATS[level]}), *([style] if style is not None else []),
                _element("w:lvlText", {"w:val": f"%{level + 1}{sep}"}), _element("w:lvlJc", {"w:val": "left"}),
            ))
        bullet_levels = [
            _element("w:lvl", {"w:ilvl": str(level)}, _element("w:start", {"w:val": "1"}),
                     _element("w:numFmt", {"w:val": "bullet"}), _element("w:lvlText", {"w:val": glyph}),
                     _element("w:lvlJc", {"w:val": "left"}))
            for level, glyph in enumerate(self.glyphs[:9])
        ]
        first_num = numbering.find(W + "num")
        for abstract_id, levels in ((plan_abstract, plan_levels), (bullet_abstract, bullet_levels)):
            abstract = _element("w:abstractNum", {"w:abstractNumId": str(abstract_id)},
                                _element("w:multiLevelType", {"w:val": "multilevel"}), *levels)
            if first_num is not None:
                first_num.addprevious(abstract)  # the schema wants every abstractNum before any num
            else:
                numbering.append(abstract)
        for num_id, abstract_id in ((self.plan_num, plan_abstract), (self.bullet_num, bullet_abstract)):
            numbering.append(_element("w:num", {"w:numId": num_id},
                                      _element("w:abstractNumId", {"w:val": str(abstract_id)})))
        style = document.styles.add_style(SECTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.element.get_or_add_pPr().append(self._num_pr(self.plan_num, 0))
        self.counters = [0, 0, 0]

    @staticmethod
    def _glyph(marker: Marker) -> str:
        return marker.written if marker.kind in ("bullet", "attribute") and marker.written else ""

    @staticmethod
    def _num_pr(num_id: str, level: int) -> etree._Element:
        return _element("w:numPr", None, _element("w:ilvl", {"w:val": str(level)}),
                        _element("w:numId", {"w:val": num_id}))

    def number(self, paragraph, marker: Marker) -> bool:
        """Give ``paragraph`` the Word numbering showing ``marker``; False when it must stay typed."""
        if marker.kind in _LEVELS:
            level = _LEVELS[marker.kind]
            counters = self.counters[:level] + [self.counters[level] + 1] + [0] * (2 - level)
            if _shown(counters[level], level) != marker.label:
                return False
            self.counters = counters
            if level == 0:
                paragraph.style = SECTION_STYLE
            else:
                paragraph._p.get_or_add_pPr().append(self._num_pr(self.plan_num, level))
            return True
        glyph = self._glyph(marker)
        if glyph and glyph in self.glyphs[:9]:
            paragraph._p.get_or_add_pPr().append(self._num_pr(self.bullet_num, self.glyphs.index(glyph)))
            return True
        return False


def _layout_table(document, left: list[str], right: list[str]) -> None:
    """A borderless two-column table (no table style: Word's "Normal Table" draws no lines)."""
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def split_header(header: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Header lines of the issuing body (left) and of the national motto and date (right)."""
    right = [line for line in header if _RIGHT_HEADER_RE.search(folded_form(line))]
    return [line for line in header if line not in right], right


def split_closing(closing: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Closing lines of the recipients (left) and of the signature (right)."""
    cut = next((i for i, line in enumerate(closing) if i and _SIGNATURE_RE.match(folded_form(line))), len(closing))
    return list(closing[:cut]), list(closing[cut:])


def duty_rows(body: tuple[PlanParagraph, ...]) -> list[tuple[str, str]]:
    """(agency, first duty) for up to four items of the plan's last section, in its own words."""
    last_section = max((i for i, p in enumerate(body) if p.marker.kind == "section"), default=-1)
    rows = []
    for i, paragraph in enumerate(body):
        if i <= last_section or paragraph.marker.kind != "item" or len(rows) == 4:
            continue
        words = paragraph.body.split()
        following = body[i + 1] if i + 1 < len(body) else None
        if len(words) <= 12 and following is not None and following.marker.kind not in ("section", "item"):
            agency, duty = paragraph.body, following.body
        else:
            agency, duty = " ".join(words[:6]), " ".join(words[6:])
        duty = " ".join(re.split(r"(?<=[.;])\s", duty, maxsplit=1)[0].split()[:25])
        if agency and duty:
            rows.append((agency.rstrip(":"), duty))
    return rows


def duty_table_position(body: tuple[PlanParagraph, ...]) -> int:
    """Where the duty table goes: before the second item of the last section (after the first
    item's own lines), so the line after the table has a marker; else at the end of the body.

    A paragraph without a marker right after a table is read onto its last row
    (see ``test_paragraph_after_a_table_starts_its_own_clause``), so the corpus
    does not put one there.
    """
    last_section = max((i for i, p in enumerate(body) if p.marker.kind == "section"), default=-1)
    items = [i for i, p in enumerate(body) if i > last_section and p.marker.kind == "item"]
    return items[1] if len(items) > 1 else len(body)


def _choose_features(body: tuple[PlanParagraph, ...]) -> tuple[dict[int, tuple[str, int, int]], int]:
    """Paragraph index -> (feature, span in its body) for each inline feature; the item put in a content control."""
    block = next((i for i, p in enumerate(body) if p.marker.kind == "item"), 0)
    chosen: dict[int, tuple[str, int, int]] = {}
    for name, pattern in FEATURES.items():
        for i, paragraph in enumerate(body):
            match = re.search(pattern, paragraph.body)
            if i != block and i not in chosen and not paragraph.footnote and match:
                chosen[i] = (name, *match.span())
                break
    return chosen, block


def _feature_runs(document, name: str, text: str, start: int, end: int, rendering: DocxRendering) -> list:
    """Runs of a paragraph whose ``text[start:end]`` is wrapped in feature ``name``."""
    found = text[start:end]
    rendering.features[name] = found
    if name == "tracked change":
        old = "90%" if found != "90%" else "80%"
        rendering.inserted, rendering.deleted = found, old
        changed = [
            _element("w:del", {"w:id": "901", "w:author": "Chuyên viên", "w:date": "2026-01-05T08:00:00Z"},
                     _run(old, "w:delText")),
            _element("w:ins", {"w:id": "902", "w:author": "Chuyên viên", "w:date": "2026-01-05T08:00:00Z"},
                     _run(found)),
        ]
    elif name == "complex field":
        changed = [_run(tag="w:fldChar", **{"w:fldCharType": "begin"}),
                   _run(" DOCPROPERTY NgayBanHanh \\* MERGEFORMAT ", "w:instrText"),
                   _run(tag="w:fldChar", **{"w:fldCharType": "separate"}), _run(found),
                   _run(tag="w:fldChar", **{"w:fldCharType": "end"})]
    elif name == "simple field":
        changed = [_element("w:fldSimple", {"w:instr": " DOCPROPERTY SoVanBan "}, _run(found))]
    elif name == "hyperlink":
        from docx.opc.constants import RELATIONSHIP_TYPE

        rid = document.part.relate_to("https://vanban.chinhphu.vn/", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        changed = [_element("w:hyperlink", {"r:id": rid}, _run(found))]
    elif name == "smart tag":
        changed = [_element("w:smartTag", {"w:uri": "urn:schemas-microsoft-com:office:smarttags",
                                           "w:element": "date"}, _run(found))]
    elif name == "custom xml":
        changed = [_element("w:customXml", {"w:uri": "urn:bhyt:ke-hoach", "w:element": "nam"}, _run(found))]
    else:
        changed = [_element("w:sdt", None, _element("w:sdtPr", None, _element("w:tag", {"w:val": "nam"})),
                            _element("w:sdtContent", None, _run(found)))]
    return _plain_runs(text[:start]) + changed + _plain_runs(text[end:])


def build_plan_docx(source: Path, target: Path) -> DocxRendering:
    """Render the plan ``source`` (.txt) as the Word file ``target``.

    Returns:
        What went where (table rows, tracked change, features, numbering counts).
    """
    import docx
    from docx.shared import Pt

    layout = plan_layout(source.read_text(encoding="utf-8"))
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    lists = _WordLists(document, layout)
    rendering = DocxRendering(target)
    left, right = split_header(layout.header)
    if left and right:
        _layout_table(document, left, right)
    else:
        for line in layout.header:
            document.add_paragraph(line)
    for line in layout.title:
        document.add_paragraph(line)

    rows = duty_rows(layout.body)
    table_at = duty_table_position(layout.body)
    chosen, block = _choose_features(layout.body)
    for i, paragraph in enumerate(layout.body):
        if i == table_at and rows:
            _duty_table(document, rows, rendering)
        word = document.add_paragraph()
        numbered = lists.number(word, paragraph.marker)
        rendering.numbered += numbered
        rendering.typed += bool(paragraph.marker.written) and not numbered
        text = paragraph.body if numbered else paragraph.text
        if i in chosen:
            name, start, end = chosen[i]
            offset = len(text) - len(paragraph.body)  # a typed marker stays before the body
            word._p.extend(_feature_runs(document, name, text, start + offset, end + offset, rendering))
        else:
            word._p.extend(_plain_runs(text))
        if i == block:
            sdt = _element("w:sdt", None, _element("w:sdtPr", None, _element("w:alias", {"w:val": "Nhiệm vụ"})))
            word._p.addprevious(sdt)
            sdt.append(_element("w:sdtContent", None, word._p))
            rendering.features["block content control"] = paragraph.body
    if table_at == len(layout.body) and rows:
        _duty_table(document, rows, rendering)
    left, right = split_closing(layout.closing)
    if left and right:
        _layout_table(document, left, right)
    else:
        for line in layout.closing:
            document.add_paragraph(line)
    document.save(str(target))
    return rendering


def _duty_table(document, rows: list[tuple[str, str]], rendering: DocxRendering) -> None:
    table = document.add_table(rows=len(rows) + 1, cols=2)
    table.style = document.styles["Table Grid"]
    for row, cells in zip(table.rows, [DUTY_HEADER, *rows], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    rendering.table_rows = tuple(" — ".join(" ".join(c.split()) for c in cells) for cells in [DUTY_HEADER, *rows])


def build_corpus(out_dir: Path, plans: Path = PLANS) -> dict[str, DocxRendering]:
    """Render every ``plans/*.txt`` into ``out_dir``; plan stem -> what was rendered."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {txt.stem: build_plan_docx(txt, out_dir / f"{txt.stem}.docx") for txt in sorted(plans.glob("*.txt"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for stem, rendering in build_corpus(args.out_dir).items():
        print(f"{stem}: {rendering.numbered} numbered by Word, {rendering.typed} typed, "
              f"{len(rendering.table_rows)} duty-table rows, features: {', '.join(sorted(rendering.features))}")


if __name__ == "__main__":
    main()
