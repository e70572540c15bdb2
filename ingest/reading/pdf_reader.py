"""PDF files with a text layer as text, page by page (pdfplumber); pages without text are reported."""

from __future__ import annotations

from pathlib import Path

from ingest.reading.errors import UnreadableFileError

# A PDF page with fewer non-space characters than this has no usable text layer.
_MIN_PAGE_CHARS = 10


def read_pdf(p: Path, name: str, warnings: list[str]) -> str:
    """The text layer of a PDF, pages joined; pages without text are named in ``warnings``.

    Raises:
        UnreadableFileError: damaged, password-protected, or scanned without a text layer.
    """
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(str(p)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except PdfminerException as error:
        cause = type(error.args[0]).__name__ if error.args else ""
        if "Password" in cause:  # pdfminer's PDFPasswordIncorrect, wrapped by pdfplumber
            raise UnreadableFileError(
                str(p), f"Tệp '{name}' được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại."
            ) from error
        raise UnreadableFileError(str(p), f"Tệp '{name}' không phải PDF hợp lệ hoặc đã bị hỏng.") from error
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableFileError(str(p), f"Tệp '{name}' không phải PDF hợp lệ hoặc đã bị hỏng.") from error
    empty = [number for number, text in enumerate(pages, start=1) if len("".join(text.split())) < _MIN_PAGE_CHARS]
    if len(empty) == len(pages):
        raise UnreadableFileError(
            str(p), f"Tệp '{name}' là bản quét không có lớp chữ; hãy chạy OCR trước khi nạp."
        )
    if empty:
        listed = ", ".join(str(number) for number in empty)
        warnings.append(f"Tệp '{name}': {len(empty)}/{len(pages)} trang không có lớp chữ (trang {listed}), đã bỏ qua.")
    return "\n".join(text for text in pages if text.strip())
