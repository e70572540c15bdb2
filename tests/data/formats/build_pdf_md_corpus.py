"""Render the plans of data/plans as Markdown and as PDF, the way people write and print them.

Run it to look at the files (the tests build them into a temporary folder themselves):

    python tests/data/formats/build_pdf_md_corpus.py OUT_DIR

For every ``data/plans/*.txt`` it writes ``OUT_DIR/<stem>.md`` and ``OUT_DIR/<stem>.pdf``:

- Markdown as a person types it: ``# KẾ HOẠCH`` and a bold subtitle, ``##`` headings for
  the Roman sections, ``###``/``####`` headings for short item and letter titles, an
  ordered list (``1.``) for items that are whole paragraphs, lists nested by
  indentation for bullets, bold attribute labels and lead-ins ("**Sở Y tế:** ..."),
  footnotes as ``[^1]`` references with their ``[^1]:`` definitions after the paragraph
  that cites them. The writers' habits (:data:`STYLES`) differ from plan to plan:
  ``*`` or ``-`` lists, ``+`` for nested ones, one paragraph per line or hard wraps
  at 72 or 80 characters with indented continuation lines;
- PDF typeset with reportlab in DejaVu Serif (which covers every Vietnamese letter) on
  A4 pages: 13 pt paragraphs wrapped across lines and split across pages, bold
  headings, the page number on every page, a running line from page 2, and
  footnotes in 10 pt at the foot of the page where they are cited. The office
  layouts (:data:`PDF_STYLES`) differ from plan to plan: justified or ragged right,
  with or without first-line indent and space between paragraphs, "2", "Trang 2" or
  "- 2 -" in the footer or at the top.

The text of each block comes from the plan's own parse (``ingest.pipeline.parse_text``),
so the renderings say exactly what the .txt says; what changes is only how it is laid
out. The Đồng Nai plan, OCR-damaged, is rendered as it is. :func:`plan_blocks` reads a
plan into :class:`Block` s; :func:`render_markdown` and :func:`render_pdf` lay them out;
:func:`build_corpus` does all plans.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_text  # noqa: E402
from ingest.structure.clean import join_wrapped, logical_lines, strip_markdown  # noqa: E402
from ingest.structure.footnotes import classify_lines  # noqa: E402
from ingest.structure.header_block import read_title_block  # noqa: E402
from ingest.structure.line_markers import is_separator, parse_marker  # noqa: E402
from ingest.structure.lines import collapse_spaces, physical_lines  # noqa: E402
from ingest.structure.metadata import extract_metadata  # noqa: E402
from ingest.vntext import nfc  # noqa: E402

PLANS = ROOT / "data" / "plans"
# Debian's fonts-dejavu-core; matplotlib (a dependency of the project) ships the same files.
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Serif for the text, as Vietnamese administrative documents are set (Times New Roman there).
FONT_FILES = {
    "PlanSerif": "DejaVuSerif.ttf",
    "PlanSerif-Bold": "DejaVuSerif-Bold.ttf",
    "PlanSerif-Italic": "DejaVuSerif-Italic.ttf",
    "PlanSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
}
# Item and letter titles of at most this many words without a final full stop are headings.
_HEADING_WORDS = 40
# A lead-in ("Sở Y tế: ...") is put in bold when its colon comes within this many words.
_LEAD_IN_WORDS = 6


@dataclass(frozen=True)
class Block:
    """One unit of a plan as a typist lays it out.

    Attributes:
        role: "header", "title", "subtitle", "closing", or the clause kind of the body
            ("section", "item", "letter", "bullet", "attribute", "paragraph", "footnote").
        text: The whole unit on one line as written (marker and footnote markers included,
            hard wraps joined, Markdown marks of the .txt removed).
        marker: The structural marker as written ("II.", "1-", "a)", "-", "*"), "" for none.
        rest: ``text`` without its marker.
        depth: How many bullets a bullet is nested under.
        heading: A short title on a line of its own (laid out as a heading).
        refs: Numbers of the footnotes the unit cites.
        number: A footnote's number.
        plain: ``rest`` without the footnote markers (the parse's ``body``).
    """

    role: str
    text: str
    marker: str = ""
    rest: str = ""
    depth: int = 0
    heading: bool = False
    refs: tuple[int, ...] = ()
    number: int = 0
    plain: str = ""


def _split_marker(text: str) -> tuple[str, str]:
    marker = parse_marker(text).written
    if marker and text.startswith(marker):
        return marker, text[len(marker):].lstrip()
    return "", text


def _body_blocks(text: str, start: int, end: int, doc) -> list[Block]:
    """The body's logical lines as blocks, kinds and nesting taken from the parsed clause tree."""
    clauses = {c.char_start: c for c in doc.clauses}
    by_id = {c.id: c for c in doc.clauses}
    lines = [ln for ln in physical_lines(text) if ln.start >= start and ln.end <= end]
    classes = classify_lines(lines)
    blocks = []
    for line in logical_lines(text, start=start, end=end):
        clause = clauses.get(line.char_start)
        if clause is None:  # a line the clause tree dropped (a marker alone)
            continue
        inside = [
            ln.text for ln, (cls, _) in zip(lines, classes, strict=True)
            if line.char_start <= ln.start and ln.end <= line.char_end
            and (cls == "text" or (line.kind == "footnote" and cls == "footnote"))
        ]
        written = collapse_spaces(strip_markdown(join_wrapped(inside)))
        if line.kind == "footnote":
            blocks.append(Block("footnote", written, rest=line.body, number=line.footnote_number, plain=line.body))
            continue
        marker, rest = _split_marker(written)
        depth = 0
        parent = by_id.get(clause.parent_id)
        while parent is not None and clause.kind == "bullet":
            depth += parent.kind == "bullet"
            parent = by_id.get(parent.parent_id)
        heading = (
            clause.kind == "section"
            or clause.kind in ("item", "letter")
            and not rest.rstrip("*").endswith((".", ";", ",", ":")) and len(rest.split()) <= _HEADING_WORDS
        )
        blocks.append(Block(clause.kind, written, marker, rest, depth, heading, line.footnote_refs, plain=clause.body))
    return blocks


def plan_blocks(path: Path) -> list[Block]:
    """Read a plan (.txt) into the blocks a typist lays out: header, title, body, closing.

    Args:
        path: A plan of data/plans.

    Returns:
        The blocks in reading order.
    """
    text = nfc(path.read_text(encoding="utf-8")).replace("\r\n", "\n")
    doc = parse_text(text, str(path))
    extracted = extract_metadata(text, str(path))
    lines = physical_lines(text)
    first_section = next((i for i, ln in enumerate(lines) if parse_marker(ln.text).kind == "section"), len(lines))
    title_index, body_from, _ = read_title_block(lines, first_section)
    blocks: list[Block] = []
    if title_index >= 0:
        blocks += [Block("header", ln.text, rest=ln.text) for ln in lines[:title_index] if ln.text and ln.text != "*"]
        blocks.append(Block("title", strip_markdown(lines[title_index].text).strip()))
        subtitle = [ln.text for ln in lines[title_index + 1 : body_from] if ln.text and not is_separator(ln.text)]
        if subtitle:
            blocks.append(Block("subtitle", collapse_spaces(strip_markdown(" ".join(subtitle)))))
    blocks += _body_blocks(text, extracted.body_start, extracted.body_end, doc)
    blocks += [Block("closing", ln.text) for ln in lines if ln.start >= extracted.body_end and ln.text]
    return blocks


# --- Markdown ---------------------------------------------------------------------------


def _marker_runs(rest: str, plain: str) -> list[tuple[int, int]]:
    """Spans of ``rest`` that the parse removed as footnote markers ("⁽¹⁾", OCR "ty!").

    ``plain`` is ``rest`` as parsed, markers removed: the characters of ``rest`` it
    lacks (spaces aside) are the markers.
    """
    runs: list[tuple[int, int]] = []
    run_start = -1
    j = 0
    for i, char in enumerate(rest):
        matched = j < len(plain) and char == plain[j]
        if matched or char == " ":
            if run_start >= 0:
                runs.append((run_start, i))
                run_start = -1
            j += matched
        elif run_start < 0:
            run_start = i
    if run_start >= 0:
        runs.append((run_start, len(rest)))
    return runs


def _with_md_refs(block: Block) -> str:
    """``block.rest`` with its footnote markers written the Markdown way, ``[^n]``."""
    if not block.refs:
        return block.rest
    out, last = [], 0
    for (start, end), number in zip(_marker_runs(block.rest, block.plain), block.refs, strict=False):
        out += [block.rest[last:start], f"[^{number}]"]
        last = end
    return "".join(out) + block.rest[last:]


def _bold_lead_in(text: str) -> str:
    """ "Sở Y tế: chủ trì ..." -> "**Sở Y tế:** chủ trì ..." when the colon comes early."""
    head, colon, tail = text.partition(":")
    if colon and 0 < len(head.split()) <= _LEAD_IN_WORDS and tail.strip():
        return f"**{head}:**{tail}"
    return text


@dataclass(frozen=True)
class MarkdownStyle:
    """One writer's Markdown habits.

    Attributes:
        bullet: The list symbol ("-", "*" or "+").
        nested_bullet: The symbol of nested lists ("" for the same as ``bullet``).
        wrap: Lines are hard-wrapped at this many characters (0: one paragraph per line);
            list entries and footnotes go on indented, headings never wrap.
    """

    bullet: str = "-"
    nested_bullet: str = ""
    wrap: int = 0


# The habits the corpus cycles through, plan by plan.
STYLES = (
    MarkdownStyle(bullet="*", wrap=80),
    MarkdownStyle(bullet="-"),
    MarkdownStyle(bullet="-", nested_bullet="+", wrap=72),
)
# A word a wrapped line must not start with, or it would read as a list entry or a heading.
_MARKER_WORD_RE = re.compile(r"[-+*#>•–—]+|\d{1,2}[.)]|[a-zđ]\)|[IVXl1]{1,5}[.\-–—:)]|\[\^\d+\]:?")


def _wrap(line: str, width: int, hanging: str) -> list[str]:
    """Hard-wrap ``line`` at ``width``; continuation lines start with ``hanging``."""
    if not width or len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip(" "))]
    words = line.lstrip(" ").split(" ")
    lines, current = [], lead + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) > width and not _MARKER_WORD_RE.fullmatch(word):
            lines.append(current)
            current = hanging + word
        else:
            current += " " + word
    return lines + [current]


def _markdown_lines(block: Block, rest: str, style: MarkdownStyle) -> list[str]:
    """The block as Markdown lines (wrapped as ``style`` says)."""
    if block.role == "section":
        return [f"## {block.marker} {rest}"]
    if block.role in ("item", "letter") and block.heading:
        return [f"{'###' if block.role == 'item' else '####'} {block.marker} {rest}"]
    if block.role == "item":
        number = re.match(r"\d+", block.marker)
        prefix = f"{number.group(0) if number else block.marker}. "
        return _wrap(prefix + rest, style.wrap, " " * len(prefix))
    if block.role == "letter":
        return _wrap(f"{block.marker} {rest}", style.wrap, "")
    if block.role in ("bullet", "attribute") and (block.role == "bullet" or block.marker):
        symbol = style.nested_bullet if block.depth and style.nested_bullet else style.bullet
        prefix = f"{'  ' * block.depth}{symbol} "
        return _wrap(prefix + _bold_lead_in(rest), style.wrap, " " * len(prefix))
    return _wrap(_bold_lead_in(rest) if block.role == "attribute" else rest, style.wrap, "")


def _footnote_lines(number: int, body: str, style: MarkdownStyle) -> list[str]:
    return _wrap(f"[^{number}]: {body}", style.wrap, "    ")


def render_markdown(blocks: list[Block], style: MarkdownStyle = MarkdownStyle()) -> str:
    """Lay the blocks out as a Markdown file.

    Args:
        blocks: From :func:`plan_blocks`.
        style: The writer's habits (list symbols, hard wrapping).

    Returns:
        The file's text (UTF-8 to write), ending with a newline.
    """
    footnotes = {b.number: b for b in blocks if b.role == "footnote"}
    cited = {n for b in blocks for n in b.refs}
    out: list[str] = []
    previous = ""
    for block in blocks:
        if block.role == "footnote" and block.number in cited:
            continue  # defined after the paragraph that cites it
        if block.role in ("header", "closing"):
            out += [block.text, ""]
        elif block.role == "title":
            out += [f"# {block.text}", ""]
        elif block.role == "subtitle":
            out += [f"**{block.text}**", ""]
        elif block.role == "footnote":
            out += [*_footnote_lines(block.number, block.rest, style), ""]
        else:
            listed = block.role == "bullet" or block.role == "attribute" and block.marker
            if listed and previous in ("bullet", "attribute") and out and out[-1] == "":
                out.pop()  # a tight list: no blank line between its entries
            out += [*_markdown_lines(block, _with_md_refs(block), style), ""]
            previous = block.role
            for number in block.refs:
                if number in footnotes:
                    out += [*_footnote_lines(number, footnotes[number].rest, style), ""]
                    previous = "footnote"
            continue
        previous = block.role
    return "\n".join(out).rstrip("\n") + "\n"


# --- PDF ----------------------------------------------------------------------------------


def font_dir() -> Path:
    """The folder with the DejaVu Serif files: the system's, else matplotlib's copy."""
    if all((SYSTEM_FONT_DIR / name).is_file() for name in FONT_FILES.values()):
        return SYSTEM_FONT_DIR
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def register_fonts() -> str:
    """Register DejaVu Serif with reportlab (once) and return the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "PlanSerif" not in pdfmetrics.getRegisteredFontNames():
        folder = font_dir()
        for name, file_name in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
        for bold in (0, 1):
            for italic in (0, 1):
                name = "PlanSerif" + {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Italic", (1, 1): "-BoldItalic"}[bold, italic]
                addMapping("PlanSerif", bold, italic, name)
    return "PlanSerif"


@dataclass(frozen=True)
class PdfStyle:
    """How one office sets its documents.

    Attributes:
        justified: Body text justified (else ragged right).
        indent_cm: First-line indent of body paragraphs.
        space_pt: Space before each body paragraph.
        page_label: The page number as printed ("{n}", "Trang {n}", "- {n} -").
        page_at_top: The page number at the top of the page (else in the footer).
        running: A running line (the plan's subtitle) on every page but the first, opposite the page number.
    """

    justified: bool = True
    indent_cm: float = 1.0
    space_pt: float = 4.0
    page_label: str = "{n}"
    page_at_top: bool = False
    running: bool = True


# The layouts the corpus cycles through, plan by plan.
PDF_STYLES = (
    PdfStyle(),
    PdfStyle(indent_cm=0.0, space_pt=0.0, page_label="Trang {n}", running=False),
    PdfStyle(justified=False, indent_cm=1.27, space_pt=6.0, page_label="- {n} -", page_at_top=True),
)


def _styles(family: str, layout: PdfStyle) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm

    body = ParagraphStyle("body", fontName=family, fontSize=13, leading=17,
                          alignment=TA_JUSTIFY if layout.justified else TA_LEFT,
                          firstLineIndent=layout.indent_cm * cm, spaceBefore=layout.space_pt)
    return {
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, fontName=family + "-Bold", alignment=TA_LEFT),
        "section": ParagraphStyle("section", parent=body, fontName=family + "-Bold", alignment=TA_LEFT,
                                  firstLineIndent=0, spaceBefore=2 * layout.space_pt),
        "header": ParagraphStyle("header", parent=body, fontSize=12, leading=15, alignment=TA_CENTER,
                                 firstLineIndent=0, spaceBefore=0),
        "title": ParagraphStyle("title", parent=body, fontName=family + "-Bold", fontSize=14, leading=18,
                                alignment=TA_CENTER, firstLineIndent=0, spaceBefore=14),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName=family + "-Bold", alignment=TA_CENTER,
                                   firstLineIndent=0, spaceBefore=0, spaceAfter=12),
        "closing": ParagraphStyle("closing", parent=body, fontSize=12, leading=15, alignment=TA_LEFT,
                                  firstLineIndent=0, spaceBefore=0),
        "footnote": ParagraphStyle("footnote", parent=body, fontSize=10, leading=12, firstLineIndent=0.5 * cm,
                                   spaceBefore=2),
    }


def _markup(block: Block) -> str:
    """The block's text as reportlab markup; each footnote marker calls back ``footnote`` when drawn."""
    if not block.refs or not block.rest:
        return escape(block.text)
    prefix = block.text[: len(block.text) - len(block.rest)]
    out, last = [escape(prefix)], 0
    for (_, end), number in zip(_marker_runs(block.rest, block.plain), block.refs, strict=False):
        out += [escape(block.rest[last:end]), f'<onDraw name="footnote" label="{number}"/>']
        last = end
    return "".join(out) + escape(block.rest[last:])


def render_pdf(blocks: list[Block], target: Path, layout: PdfStyle = PdfStyle()) -> int:
    """Typeset the blocks as an A4 PDF.

    Args:
        blocks: From :func:`plan_blocks`.
        target: The PDF file to write.
        layout: How the office sets its documents.

    Returns:
        The number of pages.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    family = register_fonts()
    styles = _styles(family, layout)
    running = _running_line(blocks) if layout.running else ""
    width, height = A4
    left, right, top, bottom = 3 * cm, 2 * cm, 2 * cm, 2 * cm
    text_width = width - left - right
    footnotes = {b.number: b for b in blocks if b.role == "footnote"}
    notes = {n: Paragraph(escape(b.text), styles["footnote"]) for n, b in footnotes.items()}
    reserve = sum(p.wrap(text_width, height)[1] + 2 for p in notes.values()) + (0.6 * cm if notes else 0)
    placed: dict[int, list[int]] = {}

    def cite(canvas, kind, label) -> None:  # called by reportlab where a footnote marker is drawn
        placed.setdefault(canvas.getPageNumber(), []).append(int(label))

    def prepare(canvas, doc) -> None:
        canvas.setNamedCB("footnote", cite)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        number_y, running_y = 1.2 * cm, height - 1.2 * cm
        if layout.page_at_top:
            number_y, running_y = running_y, number_y
        canvas.setFont(family, 11)
        canvas.drawCentredString(width / 2, number_y, layout.page_label.format(n=doc.page))
        if running and doc.page > 1:
            canvas.setFont(family + "-Italic", 10)
            canvas.drawCentredString(width / 2, running_y, running)
        numbers = list(dict.fromkeys(placed.get(doc.page, [])))
        y = bottom
        for number in reversed(numbers):
            paragraph = notes[number]
            _, h = paragraph.wrap(text_width, height)
            paragraph.drawOn(canvas, left, y)
            y += h + 2
        if numbers:
            canvas.line(left, y + 4, left + 5 * cm, y + 4)
        canvas.restoreState()

    frame = Frame(left, bottom + reserve, text_width, height - top - bottom - reserve,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document = BaseDocTemplate(str(target), pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top,
                               bottomMargin=bottom, title=target.stem, author="build_pdf_md_corpus")
    document.addPageTemplates([PageTemplate("page", frames=[frame], onPage=prepare, onPageEnd=decorate)])
    story = []
    for block in blocks:
        if block.role == "footnote":
            continue
        if block.role in ("header", "title", "subtitle", "closing", "section"):
            style = styles[block.role]
        elif block.heading:
            style = styles["heading"]
        else:
            style = styles["body"]
        story.append(Paragraph(_markup(block), style))
    document.build(story)
    return document.page


def _running_line(blocks: list[Block]) -> str:
    title = next((b.text for b in blocks if b.role == "subtitle"), "")
    words = title.split()
    return " ".join(words[:10]) + (" ..." if len(words) > 10 else "")


def build_corpus(out_dir: Path, plans: list[Path] | None = None) -> dict[str, dict[str, Path]]:
    """Write ``<stem>.md`` and ``<stem>.pdf`` for every plan into ``out_dir``.

    Args:
        out_dir: An existing folder.
        plans: The plans to render (default: every ``data/plans/*.txt``).

    Returns:
        Plan file name -> {"txt": original, "md": Markdown file, "pdf": PDF file}.
    """
    corpus = {}
    for index, plan in enumerate(plans or sorted(PLANS.glob("*.txt"))):
        blocks = plan_blocks(plan)
        md = out_dir / f"{plan.stem}.md"
        md.write_text(render_markdown(blocks, STYLES[index % len(STYLES)]), encoding="utf-8")
        pdf = out_dir / f"{plan.stem}.pdf"
        render_pdf(blocks, pdf, PDF_STYLES[index % len(PDF_STYLES)])
        corpus[plan.name] = {"txt": plan, "md": md, "pdf": pdf}
    return corpus


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python tests/data/formats/build_pdf_md_corpus.py OUT_DIR")
    out_dir = Path(args[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, files in build_corpus(out_dir).items():
        print(f"{name}: {files['md'].stat().st_size:>7} B md, {files['pdf'].stat().st_size:>7} B pdf")


if __name__ == "__main__":
    main()
