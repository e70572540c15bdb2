"""Read a plan file (.txt, .md, .docx, .pdf with a text layer) into NFC text.

:func:`read_source` is the only door from the file system into ingest. It checks
the size before reading anything, decodes text files with
:func:`ingest.reading.encoding.decode_bytes`, reads Word files (``docx_reader.py``: lxml on the package's XML, list numbering
rendered by ``docx_numbering.py``) and PDFs
with pdfplumber (chosen over pypdf by ``bench/encodings.py``: on LibreOffice PDFs
of the five plans it recovers every word exactly, where pypdf splits footnote
markers such as "tỉnh⁽¹⁾"; it is about 3x slower, 0.7 s for a plan), converts legacy-font
(TCVN3/VNI) runs, and normalises to NFC with ``\\n`` line breaks. Every failure
becomes :class:`UnreadableFileError` whose message is Vietnamese and names the file.
Word files are read by ``docx_reader.py``; PDFs by ``pdf_reader.py``, which also
leaves out page furniture (page numbers, running headers) and rejoins paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.reading.docx_reader import read_docx
from ingest.reading.encoding import UndecodableBytesError, decode_bytes
from ingest.reading.errors import UnreadableFileError, megabytes
from ingest.reading.legacy_runs import convert_legacy_runs
from ingest.reading.pdf_reader import read_pdf
from ingest.vntext import nfc

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")


@dataclass(frozen=True)
class SourceText:
    """A file's text, NFC, with how it was read.

    Attributes:
        path: the path as given.
        text: the text, NFC, lines separated by ``\\n``.
        encoding: the byte encoding for text files (``utf-8``, ``cp1258``, ``tcvn3``...),
            ``docx`` or ``pdf`` otherwise; ``+legacy`` is appended when TCVN3/VNI
            runs inside the text were converted.
        format: ``txt``, ``md``, ``docx`` or ``pdf``.
        warnings: Vietnamese notes for the ingest report (converted legacy
            lines, PDF pages without text).
    """

    path: str
    text: str
    encoding: str
    format: str
    warnings: tuple[str, ...] = field(default=())


def read_source(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read ``path`` into NFC text, whatever its supported format and encoding.

    Args:
        path: a .txt, .md, .docx or .pdf file.
        max_bytes: files larger than this are refused before being read.

    Returns:
        The text and how it was read.

    Raises:
        UnreadableFileError: missing, empty, too large, binary, unsupported,
            damaged, encrypted or scanned (no text layer) files, with a
            Vietnamese message naming the file.
        ValueError: if ``max_bytes`` is not positive.
    """
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be > 0, got {max_bytes}")
    p = Path(path)
    name = p.name
    suffix = p.suffix.lower()
    if not p.exists():
        raise UnreadableFileError(str(path), f"Không tìm thấy tệp '{name}'.")
    if not p.is_file():
        raise UnreadableFileError(str(path), f"'{name}' không phải là một tệp (có thể là thư mục).")
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(str(path), unsupported_message(name, suffix))
    size = p.stat().st_size
    if size == 0:
        raise UnreadableFileError(str(path), f"Tệp '{name}' rỗng (0 byte), không có gì để nạp.")
    if size > max_bytes:
        raise UnreadableFileError(
            str(path),
            f"Tệp '{name}' quá lớn ({megabytes(size)} MB, giới hạn {megabytes(max_bytes)} MB); "
            "hãy tách nhỏ tệp hoặc tăng giới hạn BHYT_MAX_FILE_MB.",
        )
    warnings: list[str] = []
    if suffix in TEXT_SUFFIXES:
        encoding, text = _read_text_file(p, name, max_bytes, warnings)
        file_format = "md" if suffix != ".txt" else "txt"
    elif suffix == ".docx":
        encoding, text, file_format = "docx", read_docx(p, name, max_bytes), "docx"
    else:
        encoding, file_format = "pdf", "pdf"
        text = read_pdf(p, name, warnings)
    text = _normalise_newlines(nfc(text))
    converted = convert_legacy_runs(text)
    if converted != text:
        changed = sum(a != b for a, b in zip(text.split("\n"), converted.split("\n"), strict=True))
        warnings.append(f"Đã chuyển {changed} dòng gõ bằng phông cũ (TCVN3/VNI) sang Unicode.")
        encoding += "+legacy"
        text = converted
    if not text.strip():
        raise UnreadableFileError(str(path), f"Tệp '{name}' không có nội dung chữ nào.")
    return SourceText(path=str(path), text=text, encoding=encoding, format=file_format, warnings=tuple(warnings))


def unsupported_message(name: str, suffix: str) -> str:
    """The Vietnamese reason a file of this format is not read (with what to do for old Word files)."""
    if suffix == ".doc":
        return f"Tệp '{name}' là định dạng Word cũ (.doc), chưa được hỗ trợ; hãy lưu lại thành .docx."
    shown = suffix or "(không có phần mở rộng)"
    return (
        f"Tệp '{name}' có định dạng {shown} chưa được hỗ trợ; "
        "chỉ nạp được .txt, .md, .docx và .pdf có lớp chữ."
    )


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_text_file(p: Path, name: str, max_bytes: int, warnings: list[str]) -> tuple[str, str]:
    with p.open("rb") as handle:
        data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    if len(data) > max_bytes:
        raise UnreadableFileError(str(p), f"Tệp '{name}' quá lớn (hơn {megabytes(max_bytes)} MB).")
    try:
        decoded = decode_bytes(data)
    except UndecodableBytesError as error:
        raise UnreadableFileError(
            str(p),
            f"Tệp '{name}' không phải văn bản (có vẻ là tệp nhị phân, ví dụ ảnh hoặc tệp nén); "
            "hãy kiểm tra lại tệp.",
        ) from error
    warnings.extend(decoded.warnings)
    return decoded.encoding, decoded.text


