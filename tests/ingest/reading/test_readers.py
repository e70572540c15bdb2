"""Tests for ingest/reading/readers.py on good input: encodings, .md, .docx and .pdf fixtures."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

import pytest

from ingest.reading.readers import read_source
from ingest.vntext import folded_form

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ROOT / "tests" / "data" / "formats"
HUE_PLAN = ROOT / "data" / "plans" / "hue_KH-UBND.txt"
REFERENCE = (FORMATS / "paragraph.utf8.txt").read_text(encoding="utf-8")
HEADER_LINES = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HUẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def _plan_lines() -> list[str]:
    return [" ".join(line.split()) for line in HUE_PLAN.read_text(encoding="utf-8").splitlines() if line.strip()]


def _word_recovery(expected: str, got: str) -> float:
    """Share of ``expected`` words (in order) found exactly in ``got``."""
    a, b = expected.split(), got.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


@pytest.mark.parametrize(
    "suffix", ["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "cp1258", "tcvn3", "vni"]
)
def test_every_encoding_reads_to_the_same_text(suffix: str) -> None:
    source = read_source(FORMATS / f"paragraph.{suffix}.txt")
    assert source.text == REFERENCE
    assert source.format == "txt"
    assert source.warnings == ()


def test_encoding_is_reported() -> None:
    assert read_source(FORMATS / "paragraph.tcvn3.txt").encoding == "tcvn3"
    assert read_source(FORMATS / "paragraph.cp1258.txt").encoding == "cp1258"


def test_markdown_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.md"
    path.write_bytes("**I. MỤC ĐÍCH**\r\n1. Mục đích\r\n".encode())
    source = read_source(path)
    assert (source.text, source.format, source.path) == ("**I. MỤC ĐÍCH**\n1. Mục đích\n", "md", str(path))


def test_nfd_text_file_comes_back_nfc(tmp_path: Path) -> None:
    path = tmp_path / "nfd.txt"
    path.write_bytes(unicodedata.normalize("NFD", "Người dân ở Huế").encode())
    assert read_source(path).text == "Người dân ở Huế"


def test_mixed_legacy_file_is_converted_with_a_warning() -> None:
    source = read_source(FORMATS / "mixed_legacy.txt")
    assert source.encoding == "utf-8+legacy"
    assert "sức khỏe Nhân dân." in source.text
    assert source.warnings == ("Đã chuyển 2 dòng gõ bằng phông cũ (TCVN3/VNI) sang Unicode.",)


def test_docx_reads_header_table_then_every_plan_line_in_order() -> None:
    source = read_source(FORMATS / "hue.docx")
    lines = [line for line in source.text.split("\n") if line]  # Word paragraphs are separated by blank lines
    assert (source.format, source.encoding) == ("docx", "docx")
    assert lines[:4] == HEADER_LINES
    # Word keeps the text exactly: every non-blank plan line, whitespace-normalised.
    assert [" ".join(line.split()) for line in lines[4:]] == _plan_lines()


def test_pdf_reads_back_the_plan_text() -> None:
    source = read_source(FORMATS / "hue.pdf")
    assert source.format == "pdf"
    assert unicodedata.is_normalized("NFC", source.text)
    plan = "\n".join(HEADER_LINES + _plan_lines())
    # Exact words, diacritics included (0.9990 measured: the two-column header
    # table comes out as one line); bench/encodings.py reports the rates per plan.
    assert _word_recovery(plan, source.text) >= 0.998
    assert _word_recovery(folded_form(plan), folded_form(source.text)) >= 0.998
    got_lines = {" ".join(line.split()) for line in source.text.split("\n")}
    assert sum(any(line in got for got in got_lines) for line in _plan_lines()) / len(_plan_lines()) >= 0.95
    assert "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt" in got_lines


def test_docx_table_cells_in_order_and_merged_cells_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Phụ lục")
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "Nhiệm vụ"
    for cell, text in zip(table.rows[1].cells, ["Sở Y tế", "Bảo hiểm xã hội tỉnh", "Năm 2026"], strict=True):
        cell.text = text
    document.add_paragraph("Đoạn cuối\ncó ngắt dòng")
    path = tmp_path / "phu-luc.docx"
    document.save(str(path))
    assert [line for line in read_source(path).text.split("\n") if line] == [
        "Phụ lục", "Nhiệm vụ", "Sở Y tế", "Bảo hiểm xã hội tỉnh", "Năm 2026", "Đoạn cuối", "có ngắt dòng",
    ]


def test_pdf_with_some_scanned_pages_warns(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.append(str(FORMATS / "hue.pdf"), pages=[0])
    writer.append(str(FORMATS / "scanned.pdf"))
    path = tmp_path / "mot-phan-quet.pdf"
    writer.write(str(path))
    source = read_source(path)
    assert "KẾ HOẠCH" in source.text
    assert source.warnings == ("Tệp 'mot-phan-quet.pdf': 1/2 trang không có lớp chữ (trang 2), đã bỏ qua.",)
