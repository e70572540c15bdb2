"""Tests for ingest/structure/header_block.py: the title block, the document number, place and date."""

from __future__ import annotations

import pytest

from ingest.structure.header_block import read_date_and_place, read_number, read_title_block
from ingest.structure.lines import physical_lines

HEADER = (
    "TỈNH ỦY ĐỒNG NAI\n"
    "Số 646-KH/TU\n"
    "Đồng Nai, ngày 09 tháng 01 năm 2026\n"
    "\n"
    "KẾ HOẠCH\n"
    "thực hiện Chỉ thị số 52-CT/TW\n"
    "về bảo hiểm y tế toàn dân\n"
    "-----\n"
    "\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
)


def test_title_block_joins_its_lines_and_skips_decoration():
    lines = physical_lines(HEADER)
    title_index, body_from, title = read_title_block(lines, limit=9)
    assert (title_index, body_from) == (4, 9)
    assert lines[body_from].text == "I. MỤC ĐÍCH, YÊU CẦU"
    assert title == "Kế hoạch thực hiện Chỉ thị số 52-CT/TW về bảo hiểm y tế toàn dân"


def test_no_title_block_before_the_limit():
    assert read_title_block(physical_lines(HEADER), limit=4) == (-1, -1, "")


@pytest.mark.parametrize(
    ("line", "number"),
    [("Số 646-KH/TU", "646-KH/TU"), ("Số:   /KH-UBND", "/KH-UBND"), ("So 12 - KH / ĐU", "12-KH/ĐU"), ("Sở Y tế", "")],
)
def test_read_number(line, number):
    assert read_number(physical_lines(f"TỈNH ỦY\n{line}"))[0] == number


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Đồng Nai, ngày 09 tháng 01 năm 2026", ("2026-01-09", "Đồng Nai")),
        ("Ninh Bình, ngày     tháng 01 năm 2026", ("2026-01", "Ninh Bình")),
        ("Số -KH/ĐU Đak Đoa, ngày  tháng  năm 2026", ("2026", "Đak Đoa")),
        ("PONG NAI, ngay 09 thang 01 nam 2026", ("2026-01-09", "PONG NAI")),  # OCR, no diacritics
        ("KẾ HOẠCH", ("", "")),
    ],
)
def test_read_date_and_place(line, expected):
    assert read_date_and_place(physical_lines(line)) == expected


@pytest.mark.parametrize("title_line", [
    "KẾ HOẠCH Thực hiện Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư về bảo hiểm y tế toàn dân",
    "KẾ HOẠCH: Thực hiện Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư về bảo hiểm y tế toàn dân",
])
def test_a_title_written_on_one_line_is_read_whole(title_line):
    lines = physical_lines(f"ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\n\n{title_line}\n\nI. MỤC ĐÍCH\n")
    index, body_from, title = read_title_block(lines, 5)
    assert (index, body_from) == (3, 5)
    assert title == ("Kế hoạch thực hiện Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư "
                     "về bảo hiểm y tế toàn dân")


@pytest.mark.parametrize(
    ("line", "place"),
    [
        # A two-column header flattened into one line: the place is the right column.
        ("ĐẢNG ỦY PHƯỜNG TÂN ĐỊNH      Tân Định, ngày 05 tháng 01 năm 2026", "Tân Định"),
        ("UBND XÃ IA GRAI\tIa Grai, ngày 05 tháng 01 năm 2026", "Ia Grai"),
        ("Số: 15/KH-UBND          phường Tân Định, ngày 05 tháng 01 năm 2026", "phường Tân Định"),
    ],
)
def test_the_place_is_the_column_before_the_date(line, place):
    assert read_date_and_place(physical_lines(line)) == ("2026-01-05", place)


def test_a_one_line_title_keeps_the_capitalised_words_that_continue_it():
    lines = physical_lines("KẾ HOẠCH HÀNH ĐỘNG thực hiện Chỉ thị số 52-CT/TW\n\nI. MỤC ĐÍCH\n")
    assert read_title_block(lines, 2)[2] == "Kế hoạch hành động thực hiện Chỉ thị số 52-CT/TW"
    lines = physical_lines("KE HOACH HANH PONG thye hién Chi thi s0 52-CT/TW\n\nI. MUC PICH\n")
    assert read_title_block(lines, 2)[0] == 0
