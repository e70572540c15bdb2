"""Word (.docx) files as text: paragraphs in document order, tables row by row."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.reading.errors import UnreadableFileError, megabytes

# python-docx inflates the whole package: refuse archives that expand past this many times max_bytes.
_MAX_ZIP_EXPANSION = 10


def read_docx(p: Path, name: str, max_bytes: int) -> str:
    """The text of a Word file, one line per paragraph.

    Raises:
        UnreadableFileError: not a Word file, damaged, or expanding past the size guard.
    """
    import docx  # python-docx; imported here so text-only use does not load lxml
    from docx.opc.exceptions import PackageNotFoundError

    not_word = f"Tệp '{name}' không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng."
    if not zipfile.is_zipfile(p):
        raise UnreadableFileError(str(p), not_word)
    try:
        with zipfile.ZipFile(p) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > _MAX_ZIP_EXPANSION * max_bytes:
            raise UnreadableFileError(
                str(p), f"Tệp '{name}' khi giải nén quá lớn ({megabytes(expanded)} MB); không nạp."
            )
        document = docx.Document(str(p))
    except UnreadableFileError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFileError(str(p), not_word) from error
    return "\n".join(_docx_block_lines(document.element.body))


def _docx_block_lines(container) -> list[str]:
    """Lines of a body or table cell in document order: one per paragraph, tables row by row.

    Merged cells appear once (python-docx repeats them per grid column).
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, None).text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, None).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(_docx_block_lines(cell._tc))
    return lines
