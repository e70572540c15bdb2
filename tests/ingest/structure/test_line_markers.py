"""Tests for ingest/structure/line_markers.py: attribute labels, separators, capitals that make a section."""

from __future__ import annotations

import pytest

from ingest.structure.line_markers import NO_MARKER, attribute_label, is_separator, parse_marker, uppercase_share


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thời gian thực hiện: Hằng năm.", True),
        ("Co' quan, don vi thwe hién: Cip ty", True),  # OCR apostrophe inside "Cơ"
        ("Kinh phí thực hiện: ngân sách nhà nước", True),
        ("Chủ trì, phối hợp với các đơn vị liên quan tham mưu", False),  # no colon close enough
        ("Tăng cường công tác tuyên truyền: ", False),
    ],
)
def test_attribute_label(text, expected):
    assert attribute_label(text) is expected


@pytest.mark.parametrize(("text", "expected"), [("-----", True), ("*", True), ("* * *", True), ("- a", False)])
def test_is_separator(text, expected):
    assert is_separator(text) is expected


def test_uppercase_share_counts_letters_only():
    assert uppercase_share("MỤC TIÊU, yêu") == pytest.approx(7 / 10)
    assert uppercase_share("2026 - 2030") == 0.0


def test_roman_numeral_needs_a_title_in_capitals():
    marker = parse_marker("II. NHIỆM VỤ VÀ GIẢI PHÁP")
    assert (marker.kind, marker.label, marker.written, marker.sep) == ("section", "II", "II.", ".")
    assert parse_marker("V. Tổ chức thực hiện trong năm") is NO_MARKER  # not a section title
