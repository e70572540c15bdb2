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


def test_roman_numeral_opens_a_section_with_a_title_in_capitals_or_capitalised():
    marker = parse_marker("II. NHIỆM VỤ VÀ GIẢI PHÁP")
    assert (marker.kind, marker.label, marker.written, marker.sep) == ("section", "II", "II.", ".")
    marker = parse_marker("V. Tổ chức thực hiện")  # plans written in sentence case
    assert (marker.kind, marker.label) == ("section", "V")
    assert parse_marker("V. tổ chức thực hiện") is NO_MARKER  # no capital: not a title
    assert parse_marker("II: tổ chức") is NO_MARKER


@pytest.mark.parametrize(
    ("text", "kind", "label", "written"),
    [
        ("Phần I. MỤC ĐÍCH, YÊU CẦU", "section", "I", "Phần I."),
        ("PHẦN THỨ HAI", "section", "2", "PHẦN THỨ HAI"),
        ("Phần thứ ba: Tổ chức thực hiện", "section", "3", "Phần thứ ba:"),
        ("Chương II: Nhiệm vụ", "section", "II", "Chương II:"),
        ("Mục 3. Kinh phí", "section", "3", "Mục 3."),
        ("Điều 4. Trách nhiệm của Trạm Y tế", "item", "4", "Điều 4."),
        ("2.1. Mục tiêu chung", "item", "2.1", "2.1."),
        ("3.2.1 Tuyên truyền trên loa truyền thanh", "item", "3.2.1", "3.2.1"),
        ("a. Tổ chức tập huấn cho cán bộ", "letter", "a", "a."),
        ("b- Vận động hộ gia đình", "letter", "b", "b-"),
        ("đ) Kiểm tra, giám sát", "letter", "đ", "đ)"),
    ],
)
def test_numbering_conventions_of_other_plans(text, kind, label, written):
    marker = parse_marker(text)
    assert (marker.kind, marker.label, marker.written) == (kind, label, written)


@pytest.mark.parametrize(
    "text",
    [
        "Mục tiêu đến năm 2030 đạt 100%.",   # "Mục" without a numeral
        "Phần lớn người dân đã tham gia.",
        "Điều chỉnh mức đóng theo lộ trình.",
        "2.5 triệu người tham gia bảo hiểm y tế",  # a decimal figure, not "2.5." numbering
        "Điều 12 của luật quy định",          # a reference to an article, lower-case after it
    ],
)
def test_running_text_is_not_a_numbering_marker(text):
    assert parse_marker(text).kind in ("", "bullet")


def test_conventions_nest_in_administrative_order():
    ranks = [parse_marker(t).nesting_rank for t in (
        "Phần I. MỤC ĐÍCH", "Chương II: Nhiệm vụ", "Mục 3. Kinh phí", "II. NHIỆM VỤ", "Điều 4. Trách nhiệm",
        "1. Mục tiêu", "2.1. Mục tiêu chung", "2.1.3 Tuyên truyền", "a) Tập huấn", "- Phát tờ rơi")]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


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
