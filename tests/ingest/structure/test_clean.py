"""Tests for ingest/structure/clean.py: offsets, markers, wrap joining, page numbers, footnotes."""

from __future__ import annotations

import pytest

from ingest.structure.clean import join_wrapped, logical_lines, strip_markdown
from ingest.structure.line_markers import NO_MARKER, parse_marker
from ingest.structure.lines import physical_lines


def test_physical_lines_keep_content_offsets():
    text = "  Số:   /KH-UBND  \n\n- Tỷ lệ bao phủ\r\n"
    lines = physical_lines(text)
    assert [ln.text for ln in lines] == ["Số:   /KH-UBND", "", "- Tỷ lệ bao phủ", ""]
    for ln in lines:
        assert text[ln.start : ln.end] == ln.text


@pytest.mark.parametrize(
    ("line", "kind", "label"),
    [
        ("I- MỤC TIÊU, YÊU CẦU", "section", "I"),
        ("III. NHIỆM VỤ VÀ GIẢI PHÁP", "section", "III"),
        ("I1- NOI DUNG THUC HIEN", "section", "II"),  # OCR "I1" is II
        ("I1I- TO CHUC THUC HIEN", "section", "III"),
        ("1- Muc dich", "item", "1"),
        ("10. Thực hiện phối hợp thanh tra", "item", "10"),
        ("a) Sở Y tế chủ trì", "letter", "a"),
        ("- Nâng cao nhận thức", "bullet", "-"),
        ("-Pbi mébi phong céch, thai d6 phuc vu", "bullet", "-"),
        ("+ Xay dung chuong trinh", "bullet", "+"),
        ("* Co quan, don vi thuc hién: Cép ty, to chirc dang", "attribute", "*"),
        ("* Co' quan, don vi thwe hién: Cip ty", "attribute", "*"),
        ("* Thoi gian thuwe hién: Thyuc hién thuong xuyén.", "attribute", "*"),
        ("Thời gian thực hiện: Hằng năm.", "attribute", ""),
    ],
)
def test_parse_marker_recognises_plan_markers(line, kind, label):
    marker = parse_marker(line)
    assert (marker.kind, marker.label) == (kind, label)


@pytest.mark.parametrize(
    "line",
    [
        "52-CT/TW) và Kế hoạch số 17-KH/TU",  # wrapped line starting with a number
        "2030. Xây dựng chính sách hỗ trợ thêm",  # a year, not item 2030
        "03/10/2025 nhu sau:",
        "Chủ trì, phối hợp với các đơn vị liên quan tham mưu",  # a task, not "Chủ trì:"
        "-----",
        "Vu Dia phuong III, Ban TGDVTW.",
    ],
)
def test_parse_marker_ignores_ordinary_lines(line):
    assert parse_marker(line) is NO_MARKER


def test_join_wrapped_keeps_split_document_numbers_whole():
    assert join_wrapped(["Chỉ thị số 52-", "CT/TW, gắn việc"]) == "Chỉ thị số 52-CT/TW, gắn việc"
    assert join_wrapped(["giai đoạn 2026 –", "2030."]) == "giai đoạn 2026 – 2030."


def test_strip_markdown_removes_emphasis_but_not_glued_footnote_star():
    assert strip_markdown("(*gọi tắt là Chỉ thị số 52-CT/TW*) và") == "(gọi tắt là Chỉ thị số 52-CT/TW) và"
    assert strip_markdown("**T/M BAN THƯỜNG VỤ") == "T/M BAN THƯỜNG VỤ"
    assert strip_markdown("Ban Chap hanh Pang b tinh*,") == "Ban Chap hanh Pang b tinh*,"


def test_double_spaced_lines_join_into_one_paragraph():
    # Đak Đoa: every text line is followed by a blank line.
    text = (
        "1. Cấp ủy, tổ chức đảng, chính quyền, Mặt trận Tổ quốc và các tổ chức chính \n\n"
        "trị - xã hội xã tăng cường lãnh đạo, chỉ đạo việc thực hiện chính sách bảo hiểm y tế; \n\n"
        "đối với người lao động. \n\n"
        "Thời gian thực hiện: Hằng năm. \n"
    )
    lines = logical_lines(text)
    assert [ln.marker.kind for ln in lines] == ["item", "attribute"]
    assert lines[0].body.startswith("Cấp ủy, tổ chức đảng") and lines[0].body.endswith("đối với người lao động.")
    assert "\n" not in lines[0].body


def test_short_item_title_is_its_own_line_even_without_blank():
    # Huế: "1. Mục tiêu chung" is directly followed by its paragraph.
    text = "1. Mục tiêu chung\nTập trung đẩy mạnh giải quyết toàn diện, đồng bộ các nhiệm vụ, giải pháp \n"
    lines = logical_lines(text)
    assert [ln.body for ln in lines] == ["Mục tiêu chung", "Tập trung đẩy mạnh giải quyết toàn diện, đồng bộ các nhiệm vụ, giải pháp"]


def test_lone_page_number_is_dropped():
    text = "- Triển khai thực hiện bệnh án điện tử đến năm 2030.\n\n\n\n4\n\n- Bảo đảm việc kết nối, liên thông\n"
    lines = logical_lines(text)
    assert [ln.body for ln in lines] == [
        "Triển khai thực hiện bệnh án điện tử đến năm 2030.",
        "Bảo đảm việc kết nối, liên thông",
    ]


def test_footnote_inside_paragraph_is_separated_and_linked():
    # An Giang: the footnote sits between two halves of a bullet.
    text = (
        "1. Quán triệt, văn bản chỉ đạo của tỉnh⁽¹⁾ về bảo hiểm y tế toàn dân.\n\n"
        "- Tăng cường phối hợp và nâng cao trách nhiệm liên ngành trong thực\n\n"
        "¹ Chỉ thị số 01-CT/TU, ngày 25/8/2025 của Ban Thường vụ Tỉnh ủy.\n\n"
        "hiện chủ trương, chế độ, chính sách BHYT.\n"
    )
    lines = logical_lines(text)
    item, bullet, footnote = lines
    assert item.footnote_refs == (1,) and "⁽¹⁾" not in item.body
    assert footnote.kind == "footnote" and footnote.footnote_number == 1
    assert footnote.body.startswith("Chỉ thị số 01-CT/TU")
    assert bullet.body == "Tăng cường phối hợp và nâng cao trách nhiệm liên ngành trong thực hiện chủ trương, chế độ, chính sách BHYT."
    assert "¹ Chỉ thị" in text[bullet.char_start : bullet.char_end]  # text keeps the span verbatim


def test_ocr_footnote_markers_glued_to_words():
    # Đồng Nai OCR: markers "!", "?", "3", "*" glued to words; footnotes "1'V&", "2 V4", "3 V&", "4 Thyc".
    text = (
        "- nhu: K& hoach s6 310-KH/TU ngay 11/01/2024 cta Tinh ty!; Ké hoach cua Tinh\n"
        "tiy?; Chi thi s6 38-CT/TU cua Tinh ay3; Ké hoach ctia Ban Chap hanh Pang b tinh*,\n\n"
        "5- Tang cuong, nang cao nang lwe cho cac co quan quan ly nha nuwée\n\n"
        "1'V& thyc hién Chi thi s6 25-CT/TW ngay 25/10/2023 cua Ban Bi thu vé tiép tuc\n"
        "chat lwong hoat dong ctia y té co s& trén dia ban tinh Dong Nai.\n\n"
        "2 V4 thuc hién Nghi quyét sb 42-NQ/TW.\n\n"
        "3 V& tang cudng cong tac lanh dao.\n\n"
        "4 Thyc hién Nghi quyét s6 28- NQ/TW.\n\n"
        "- Thuong xuyén ra soat, bao hiém xa ho1, bao hiém y te.\n"
    )
    lines = logical_lines(text)
    text_lines = [ln for ln in lines if ln.kind == "text"]
    footnotes = [ln for ln in lines if ln.kind == "footnote"]
    assert [f.footnote_number for f in footnotes] == [1, 2, 3, 4]
    assert footnotes[0].body.endswith("trén dia ban tinh Dong Nai.")
    assert text_lines[0].footnote_refs == (1, 2, 3, 4)
    assert "Tinh ty;" in text_lines[0].body and "Tinh ay;" in text_lines[0].body and "tinh," in text_lines[0].body
    assert "s6 310" in text_lines[0].body  # OCR digits inside words are not markers
    assert text_lines[1].body.startswith("Tang cuong") and text_lines[1].footnote_refs == ()
    assert "ho1," in text_lines[2].body and text_lines[2].footnote_refs == ()


def test_strip_markdown_reads_headings_links_escapes_and_underscores():
    assert strip_markdown("## II. MỤC TIÊU ##") == "II. MỤC TIÊU"
    assert strip_markdown("__Sở Y tế__ chủ trì, _phối hợp_ với NP_VP6_KHYT") == "Sở Y tế chủ trì, phối hợp với NP_VP6_KHYT"
    assert strip_markdown("theo [Chỉ thị 52](https://example.org/ct52) và") == "theo Chỉ thị 52 và"
    assert strip_markdown("1\\. Mục đích \\*không nghiêng\\*") == "1. Mục đích *không nghiêng*"
    assert strip_markdown("văn bản của tỉnh[^1] về") == "văn bản của tỉnh[^1] về"  # read by the footnote reader


def test_item_starting_with_a_figure_is_not_glued_to_the_item_before():
    # Text of a PDF: no blank line between items; "2. 100% ..." is an item of its own.
    text = "1. Tỷ lệ bao phủ đạt trên 95% dân số\n2. 100% các xã, phường duy trì các nhóm tham gia\n"
    lines = logical_lines(text)
    assert [(ln.marker.kind, ln.marker.label, ln.body) for ln in lines] == [
        ("item", "1", "Tỷ lệ bao phủ đạt trên 95% dân số"),
        ("item", "2", "100% các xã, phường duy trì các nhóm tham gia"),
    ]


def test_markdown_heading_is_a_line_of_its_own_with_the_level_of_its_depth():
    text = "## Mục tiêu\nĐến năm 2026 đạt 95%.\n### 1. Mục tiêu chung\n- Tăng bao phủ\n  tiếp tục.\n"
    lines = logical_lines(text)
    assert [(ln.marker.kind, ln.marker.label, ln.body, ln.indent) for ln in lines] == [
        ("section", "", "Mục tiêu", 0),
        ("", "", "Đến năm 2026 đạt 95%.", 0),
        ("item", "1", "Mục tiêu chung", 0),
        ("bullet", "-", "Tăng bao phủ tiếp tục.", 0),
    ]
    assert text[lines[0].char_start : lines[0].char_end] == "## Mục tiêu"
