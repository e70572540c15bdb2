"""Tests for ingest/structure/footnotes.py: page numbers, footnote lines and the markers that cite them."""

from __future__ import annotations

from ingest.structure.footnotes import FootnoteMarkerReader, classify_lines, footnote_body
from ingest.structure.lines import physical_lines


def classes_of(text: str) -> list[tuple[str, int]]:
    return classify_lines(physical_lines(text))


def test_page_number_needs_a_blank_line_beside_it():
    assert classes_of("- Bệnh án điện tử.\n\n4\n\n- Kết nối") == [
        ("text", 0), ("blank", 0), ("page", 0), ("blank", 0), ("text", 0),
    ]
    assert classes_of("Trang 12\n") == [("page", 0), ("blank", 0)]


def test_superscript_footnote_runs_to_the_next_blank_line():
    text = "tỉnh⁽¹⁾ về BHYT.\n\n¹ Chỉ thị số 01-CT/TU,\nngày 25/8/2025.\n\nhiện chủ trương"
    assert classes_of(text) == [
        ("text", 0), ("blank", 0), ("footnote", 1), ("footnote", 1), ("blank", 0), ("text", 0),
    ]


def test_ocr_footnote_only_with_the_expected_number_after_a_blank_line():
    # "1'V& thyc hién" opens footnote 1; "6 Thang" is not footnote 6, and "2 V4" glued to text is not one.
    text = "Noi dung.\n\n1'V& thyc hién Chi thi.\n\n6 Thang dau nam.\nTiep theo\n2 V4 thuc hién."
    assert [cls for cls, _ in classes_of(text)] == ["text", "blank", "footnote", "blank", "text", "text", "text"]


def test_marker_reader_takes_superscripts_and_glued_glyphs_in_order():
    reader = FootnoteMarkerReader({1, 2, 3})
    assert reader.read("của tỉnh⁽¹⁾ và") == ("của tỉnh và", (1,))
    assert reader.read("cua Tinh ty!; Tinh ay3; so s6 310") == ("cua Tinh ty; Tinh ay; so s6 310", (2, 3))
    assert reader.read("Tinh ty!;") == ("Tinh ty!;", ())  # no footnote 4: the glyph stays


def test_marker_reader_without_footnotes_leaves_glued_glyphs():
    assert FootnoteMarkerReader(set()).read("bao hiém xa ho1, Tinh ty!") == ("bao hiém xa ho1, Tinh ty!", ())


def test_footnote_body_drops_the_opening_number():
    assert footnote_body("¹ Chỉ thị số 01-CT/TU") == "Chỉ thị số 01-CT/TU"
    assert footnote_body("⁽²⁾ Nghị quyết 42") == "Nghị quyết 42"
    assert footnote_body("1'V& thyc hién") == "V& thyc hién"
    assert footnote_body("Không có số") == "Không có số"


def test_page_number_without_blank_lines_when_it_is_the_next_page():
    # Text copied out of a PDF: "3" and "4" sit between the lines of a paragraph running over pages.
    text = "Đoạn một.\n\n2\n\nĐoạn hai kéo dài\n3\nsang trang sau\n4\nvà trang sau nữa.\nCó 5\n7\nngười."
    assert [cls for cls, _ in classes_of(text)] == [
        "text", "blank", "page", "blank", "text", "page", "text", "page", "text", "text", "text", "text",
    ]
    assert [cls for cls, _ in classes_of("Số người\n5\ntham gia.")] == ["text", "text", "text"]


def test_markdown_footnote_definitions_and_references():
    text = "của tỉnh[^1] về BHYT.\n\n[^1]: Chỉ thị số 01-CT/TU,\n    ngày 25/8/2025.\n\nhiện chủ trương"
    assert classes_of(text) == [
        ("text", 0), ("blank", 0), ("footnote", 1), ("footnote", 1), ("blank", 0), ("text", 0),
    ]
    assert FootnoteMarkerReader({1}).read("của tỉnh[^1] về BHYT.") == ("của tỉnh về BHYT.", (1,))
    assert footnote_body("[^1]: Chỉ thị số 01-CT/TU") == "Chỉ thị số 01-CT/TU"
