"""Tests for ingest/structure/line_markers.py: attribute labels, separators, capitals that make a section."""

from __future__ import annotations

import pytest

from ingest.structure.line_markers import (
    NO_MARKER,
    attribute_label,
    heading_kinds,
    is_separator,
    parse_marker,
    uppercase_share,
)


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


@pytest.mark.parametrize(("text", "label"), [("2. 100% các xã, phường duy trì", "2"), ("3) 95% dân số tham gia", "3")])
def test_item_whose_text_starts_with_a_figure(text, label):
    marker = parse_marker(text)
    assert (marker.kind, marker.label) == ("item", label)


def test_a_number_with_thousands_is_not_an_item():
    assert parse_marker("1.000 người tham gia bảo hiểm") is NO_MARKER


@pytest.mark.parametrize(
    ("text", "kind", "label", "depth"),
    [
        ("## II. MỤC TIÊU", "section", "II", 2),
        ("## **II. Mục tiêu**", "section", "II", 2),  # a heading's numeral counts whatever the case
        ("### 1. Mục tiêu chung", "item", "1", 3),
        ("### 1.2. Mục tiêu cụ thể", "item", "1.2", 3),
        ("#### a) Sở Y tế ####", "letter", "a", 4),
        ("## Mục tiêu", "heading", "", 2),
    ],
)
def test_markdown_headings_record_their_depth_and_numeral(text, kind, label, depth):
    marker = parse_marker(text)
    assert (marker.kind, marker.label, marker.heading) == (kind, label, depth)


def test_a_hash_without_space_is_no_heading():
    assert parse_marker("#BHYT toàn dân") is NO_MARKER


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("* Tăng cường tuyên truyền", "bullet", "*"),
        ("*Những hạn chế trên* có nguyên nhân khách quan", "", ""),  # emphasis, not a bullet
        ("**1. Mục đích**", "item", "1"),
        ("1\\. Mục đích", "item", "1"),  # a Markdown escape
        ("- **Thời gian thực hiện:** Hằng năm.", "attribute", "-"),
        ("**Cơ quan chủ trì:** Sở Y tế", "attribute", ""),
    ],
)
def test_markdown_marks_around_markers_are_seen_through(text, kind, label):
    marker = parse_marker(text)
    assert (marker.kind, marker.label) == (kind, label)


def test_heading_kinds_follow_numerals_then_depth():
    def kinds(*lines: str) -> dict[int, str]:
        return heading_kinds([parse_marker(line) for line in lines])

    assert kinds("## I. A", "### 1. b", "#### Ghi chú", "# PHỤ LỤC") == {
        1: "section", 2: "section", 3: "item", 4: "letter",
    }
    # Numbered top headings with no Roman numeral anywhere are the sections.
    assert kinds("## 1. MỤC TIÊU", "1. Nâng cao nhận thức", "### 1.1. Mục tiêu chung") == {2: "section", 3: "item"}
    assert kinds("## A", "### B", "#### C", "##### D") == {2: "section", 3: "item", 4: "letter", 5: "letter"}
    assert kinds("I. MỤC TIÊU", "1. Nâng cao") == {}
