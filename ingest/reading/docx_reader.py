"""Word (.docx) files as a reader sees them: paragraphs in order, numbering shown, tables row by row.

The package is opened with :mod:`zipfile` and its XML parsed with lxml
(no entity expansion, no network, lxml's text-node limit kept). Text is what
Word shows on the page:

- tracked insertions (``w:ins``, ``w:moveTo``) are kept, deletions
  (``w:del``/``w:delText``, ``w:moveFrom``) and hidden runs (``w:vanish``) left out;
- content controls (``w:sdt``, block and run level), ``w:customXml``,
  ``w:smartTag`` and ``w:hyperlink`` are read through;
- fields show their result: the runs of ``w:fldSimple``, and for complex fields
  (``w:fldChar`` begin/separate/end) the runs between separate and end, never
  ``w:instrText``;
- list numbering is written before the paragraph ("I. ", "a) ", "- "), see
  :mod:`ingest.reading.docx_numbering`.

Paragraphs are separated by a blank line: :func:`ingest.structure.clean.logical_lines`
then starts a new logical line where a paragraph ends a sentence and the next
starts with a capital, and rejoins a paragraph Word wrapped by hand.
A table with visible borders is data: each row is one line "- cell — cell — cell",
which the clause tree reads as a bullet of its own. A borderless table is page
layout (the header's issuing body | national motto, the closing's recipients |
signature): its cells are read one after the other, paragraph by paragraph, as
the metadata readers expect.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ingest.reading.docx_numbering import ListNumbering, W, child_val
from ingest.reading.errors import UnreadableFileError, megabytes
from ingest.structure.lines import TABLE_CELL_SEPARATOR

# The whole package may expand to this many times max_bytes (media are never read).
_MAX_ZIP_EXPANSION = 10
# Each XML part that is parsed (document, styles, numbering) may expand to at most this many
# times max_bytes, the text limit: a plan is under 1 MB of XML, and the densest 20 MB part
# (one-word paragraphs) reads in about 3 s at 330 MB peak memory.
_MAX_XML_SHARE = 1
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW_MARKER = "- "
_OFF = ("0", "false", "off")
_NO_BORDER = ("nil", "none")
# Wrappers whose content is shown (a content control's w:sdtPr, its settings, holds no text).
_READ_THROUGH = {W + tag for tag in ("ins", "moveTo", "sdt", "sdtContent", "customXml", "smartTag", "hyperlink",
                                     "fldSimple", "dir", "bdo")}


def read_docx(p: Path, name: str, max_bytes: int) -> str:
    """The text of a Word file as a reader sees it, paragraphs separated by a blank line.

    Args:
        p: Path of the .docx file.
        name: File name used in messages.
        max_bytes: The reader's size limit; bounds how far the archive may expand.

    Returns:
        The text (not yet NFC-normalised).

    Raises:
        UnreadableFileError: not a Word file, damaged, or expanding past the size guard.
    """
    document, styles, numbering = _read_parts(p, name, max_bytes)
    body = document.find(W + "body")
    if body is None:
        return ""
    reader = _WordText(ListNumbering(numbering, styles), styles)
    return "\n\n".join(block for block in reader.blocks(body) if block)


def _read_parts(p: Path, name: str, max_bytes: int) -> tuple[etree._Element, etree._Element | None, etree._Element | None]:
    """The parsed main document, styles and numbering parts (the last two None when absent)."""
    not_word = f"Tệp '{name}' không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng."
    try:
        with zipfile.ZipFile(p) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            expanded = sum(sizes.values())
            if expanded > _MAX_ZIP_EXPANSION * max_bytes:
                raise UnreadableFileError(
                    str(p), f"Tệp '{name}' khi giải nén quá lớn ({megabytes(expanded)} MB); không nạp."
                )
            main = _related(archive, sizes, "", "officeDocument") or "word/document.xml"
            if main not in sizes:
                raise UnreadableFileError(str(p), not_word)
            parts = [main, _related(archive, sizes, main, "styles"), _related(archive, sizes, main, "numbering")]
            limit = _MAX_XML_SHARE * max_bytes
            for part in parts:
                if part and sizes[part] > limit:
                    raise UnreadableFileError(
                        str(p),
                        f"Tệp '{name}' khi giải nén có phần {part} quá lớn ({megabytes(sizes[part])} MB, "
                        f"giới hạn {megabytes(limit)} MB); không nạp.",
                    )
            document, styles, numbering = (_parse(archive.read(part)) if part else None for part in parts)
    except UnreadableFileError:
        raise
    except etree.XMLSyntaxError as error:
        # lxml's own limits (a text node over 10 million characters, nesting too deep) stay on.
        if error.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "huge" in str(error.msg).lower():
            message = f"Tệp '{name}' bất thường: nội dung Word vượt giới hạn đọc (một đoạn chữ quá dài); không nạp."
        else:
            message = f"Tệp '{name}' bị hỏng: nội dung Word (XML) không đọc được; hãy mở bằng Word và lưu lại."
        raise UnreadableFileError(str(p), message) from error
    except OSError as error:
        if error.errno is not None:
            raise  # the file system's own error (permission, disk): the caller words it
        raise UnreadableFileError(str(p), not_word) from error
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, RuntimeError, NotImplementedError) as error:
        raise UnreadableFileError(str(p), not_word) from error
    if document is None or document.tag != W + "document":
        raise UnreadableFileError(str(p), not_word)
    return document, styles, numbering


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
    return etree.fromstring(data, parser)


def _related(archive: zipfile.ZipFile, sizes: dict[str, int], source: str, kind: str) -> str:
    """The part ``source`` (the package when "") points to with a relationship of ``kind``; "" when none."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in sizes or sizes[rels] > 1024 * 1024:
        return ""
    for relation in _parse(archive.read(rels)).iter(_REL):
        if relation.get("Type", "").endswith("/" + kind) and relation.get("TargetMode") != "External":
            target = relation.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            return part if part in sizes else ""
    return ""


def _visible(borders: etree._Element | None) -> bool | None:
    """Whether a ``w:tblBorders``/``w:tcBorders`` draws any line; None when there is none."""
    if borders is None:
        return None
    return any(side.get(W + "val", "nil") not in _NO_BORDER for side in borders)


class _WordText:
    """Walks a document body in order and returns one text block per paragraph or table row."""

    def __init__(self, numbering: ListNumbering, styles: etree._Element | None) -> None:
        self.numbering = numbering
        self.fields: list[bool] = []  # open complex fields; True once past "separate" (the shown result)
        self.table_styles: dict[str, tuple[bool | None, str]] = {}  # id -> (draws lines, based on)
        self.default_table_style = ""
        for style in styles.iter(W + "style") if styles is not None else ():
            if style.get(W + "type") == "table":
                style_id = style.get(W + "styleId", "")
                borders = _visible(style.find(f"{W}tblPr/{W}tblBorders"))
                self.table_styles[style_id] = (borders, child_val(style, "basedOn") or "")
                if style.get(W + "default") in ("1", "true", "on"):
                    self.default_table_style = style_id

    def blocks(self, container: etree._Element) -> list[str]:
        """Text of each paragraph and table row of a body, cell or content control, in order."""
        blocks: list[str] = []
        for child in container:
            if child.tag == W + "p":
                blocks.append(self.paragraph(child))
            elif child.tag == W + "tbl":
                blocks.extend(self.table(child))
            elif child.tag in _READ_THROUGH:
                blocks.extend(self.blocks(child))
        return blocks

    def paragraph(self, paragraph: etree._Element) -> str:
        """The paragraph's text with its list marker; "" when it shows no text."""
        marker = self.numbering.marker(paragraph)
        pieces: list[str] = []
        self._inline(paragraph, pieces)
        # A field whose instruction runs past its paragraph is damaged: close it, or all that follows is lost.
        self.fields = [shown for shown in self.fields if shown]
        text = "".join(pieces).strip()
        return marker + text if text else ""

    def _inline(self, element: etree._Element, pieces: list[str]) -> None:
        for child in element:
            if child.tag == W + "r":
                self._run(child, pieces)
            elif child.tag in _READ_THROUGH:
                self._inline(child, pieces)

    def _run(self, run: etree._Element, pieces: list[str]) -> None:
        vanish = run.find(f"{W}rPr/{W}vanish")
        hidden = vanish is not None and vanish.get(W + "val", "1") not in _OFF
        for child in run:
            tag = child.tag
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif hidden or not all(self.fields):
                continue  # hidden text, or a field instruction (w:instrText and its runs)
            elif tag == W + "t":
                pieces.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                pieces.append("\t")
            elif tag == W + "br":
                pieces.append("" if child.get(W + "type") in ("page", "column") else "\n")
            elif tag == W + "cr":
                pieces.append("\n")
            elif tag == W + "noBreakHyphen":
                pieces.append("-")

    def table(self, table: etree._Element) -> list[str]:
        """A data table as one "- a — b — c" line per row; a layout table cell by cell."""
        bordered = self._bordered(table)
        blocks: list[str] = []
        for row in _children(table, "tr"):
            if row.find(f"{W}trPr/{W}del") is not None:
                continue  # a deleted row (tracked change)
            cells = [self.blocks(cell) for cell in _children(row, "tc")]
            if not bordered:
                blocks.extend(block for cell in cells for block in cell)
                continue
            texts = [" ".join(" ".join(block.split()) for block in cell if block) for cell in cells]
            shown = [text for text in texts if text]
            if shown:
                blocks.append(_ROW_MARKER + TABLE_CELL_SEPARATOR.join(shown))
        return blocks

    def _bordered(self, table: etree._Element) -> bool:
        """True when the table draws lines: its own borders, else its style's, or a cell's."""
        properties = table.find(W + "tblPr")
        draws = _visible(properties.find(W + "tblBorders")) if properties is not None else None
        style_id, seen = child_val(properties, "tblStyle") or self.default_table_style, set()
        while draws is None and style_id in self.table_styles and style_id not in seen:
            seen.add(style_id)
            draws, style_id = self.table_styles[style_id]
        return bool(draws) or any(_visible(cell) for cell in table.iter(W + "tcBorders"))


def _children(element: etree._Element, tag: str) -> list[etree._Element]:
    """Children ``w:<tag>`` of a table or row, looking through content controls and custom XML."""
    found: list[etree._Element] = []
    for child in element:
        if child.tag == W + tag:
            found.append(child)
        elif child.tag in _READ_THROUGH:
            found.extend(_children(child, tag))
    return found
