"""Tests for webchat/render.py: escaping, citations, context highlight, abstentions, plans table."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Answer
from tests.webchat.fakes import (
    RELATED_CLAUSE,
    TARGET_CLAUSE,
    citation_for,
    hue_meta,
    ninh_binh_meta,
    ninh_binh_source,
)
from webchat import render

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


def _answer(**fields) -> Answer:
    base = {"question": "q", "answer": "Đạt trên 95% [1].", "abstained": False, "mode": "extractive",
            "citations": (citation_for(1, TARGET_CLAUSE),)}
    base.update(fields)
    return Answer(**base)


@pytest.mark.parametrize("payload", XSS)
def test_user_message_is_inert(payload):
    html = render.render_user_message(payload)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;" in html


def test_long_user_message_is_shortened_with_a_vietnamese_note():
    html = render.render_user_message("a" * 10_000)
    assert html.count("a") < 1_000
    assert "10.000 ký tự" in html


@pytest.mark.parametrize("payload", XSS)
def test_answer_and_document_text_are_escaped(payload):
    citation = citation_for(1, TARGET_CLAUSE)
    hostile = citation.__class__(**{**citation.__dict__, "doc_title": payload, "section": payload, "text": payload,
                                    "char_start": 0, "char_end": 0})
    html = render.render_answer(_answer(answer=f"{payload} [1]", citations=(hostile,), notices=(payload,)))
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert html.count("&lt;") >= 4


def test_answer_markers_and_numbered_sources():
    html = render.render_answer(_answer())
    assert '<span class="bhyt-ref">[1]</span>' in html
    assert "Nguồn trích dẫn" in html and "Nội dung liên quan" not in html
    assert '<details class="bhyt-source">' in html
    assert "Mục II › 2. Mục tiêu cụ thể › ý 1" in html
    assert "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%." in html
    # Without a source lookup there is no context view.
    assert "bhyt-context" not in html


def test_marker_without_citation_is_left_plain():
    html = render.render_answer(_answer(answer="Xem [7]."))
    assert "[7]" in html and '<span class="bhyt-ref">[7]</span>' not in html


def test_context_highlights_exactly_the_cited_span():
    source = ninh_binh_source()
    start = source.index(TARGET_CLAUSE)
    html = render.render_context(source, start, start + len(TARGET_CLAUSE))
    assert re.findall(r"<mark>(.*?)</mark>", html) == [TARGET_CLAUSE]
    assert "2. Mục tiêu cụ thể<br><mark>" in html  # the heading above keeps its own line
    assert html.startswith("… ") and html.endswith(" …")


def test_context_rejects_offsets_outside_the_source():
    with pytest.raises(ValueError, match="0 <= start <= end <= 5, got 3..9"):
        render.render_context("abcde", 3, 9)


def test_answer_with_source_lookup_shows_context():
    html = render.render_answer(_answer(), lambda doc_id: ninh_binh_source())
    assert "Xem đoạn này trong văn bản gốc" in html
    assert f"<mark>{TARGET_CLAUSE}</mark>" in html


def test_abstention_looks_different():
    abstained = _answer(abstained=True, answer="Các kế hoạch đã nạp không nêu số tiền này.",
                        citations=(citation_for(1, RELATED_CLAUSE),))
    html = render.render_answer(abstained)
    assert html.startswith('<div class="bhyt-abstain">')
    assert "Nội dung liên quan" in html and "Nguồn trích dẫn" not in html
    assert "bhyt-related" in html
    assert "bhyt-abstain" not in render.render_answer(_answer())


def test_html_blocks_have_no_raw_newlines():
    # A newline inside an HTML block would let the chat's markdown rewrite the rest.
    html = render.render_answer(_answer(), lambda doc_id: ninh_binh_source())
    for block in html.split("\n\n"):
        if block.startswith("<"):
            assert "\n" not in block


def test_reflow_joins_wrapped_lines_and_keeps_list_items():
    text = "- Bố trí ngân sách nhà nước đóng và hỗ trợ đóng BHYT cho các đối tượng chính\nsách, người thuộc hộ nghèo.\n\n- Đến năm 2030"
    assert render.reflow(text) == ("- Bố trí ngân sách nhà nước đóng và hỗ trợ đóng BHYT cho các đối tượng chính "
                                   "sách, người thuộc hộ nghèo.<br>- Đến năm 2030")


@pytest.mark.parametrize(("date", "shown"), [("2026-01-09", "09/01/2026"), ("2026-01", "01/2026"), ("01/2026", "01/2026"),
                                           ("2026", "2026"), ("", "—")])
def test_format_date(date, shown):
    assert render.format_date(date) == shown


def test_plans_table_lists_locality_issuer_number_date():
    html = render.render_plans_table([ninh_binh_meta(), hue_meta()])
    rows = re.findall(r"<tr><td>(.*?)</td>", html)
    assert rows == ["Huế", "Ninh Bình"]
    assert "Ủy ban nhân dân tỉnh Ninh Bình" in html and "09/01/2026" in html and "(không ghi số)" in html
    assert "Chưa nạp kế hoạch nào" in render.render_plans_table([])


@pytest.mark.parametrize(("typed", "shown"), [
    ("Mục tiêu\x07 bao phủ\u200b BHYT", "Mục tiêu bao phủ BHYT"),
    ("\u202eHuế\u2066 2026\ufeff", "Huế 2026"),
    ("a\tb\u2028c\x85d", "a b c d"),
    ("\ud83d?", "\ufffd?"),
])
def test_user_message_never_shows_control_or_invisible_characters(typed, shown):
    html = render.render_user_message(typed)
    assert html == f'<div class="bhyt-user">{shown}</div>'


def test_user_message_keeps_its_lines_and_counts_what_is_shown():
    assert render.render_user_message("dòng 1\r\ndòng 2") == '<div class="bhyt-user">dòng 1<br>dòng 2</div>'
    assert "10.000 ký tự" in render.render_user_message("\x00" * 500 + "a" * 10_000)


def test_waiting_reply_says_how_many_plans_are_searched():
    html = render.render_waiting(5)
    assert render.WAITING_MARK in html and 'role="status"' in html
    assert re.sub(r"<[^>]+>", "", html).strip() == "Đang tìm trong 5 kế hoạch…"


def test_ocr_citation_leads_with_the_repaired_reading_and_keeps_the_scan_one_tap_away():
    scanned = citation_for(1, TARGET_CLAUSE)
    scanned = scanned.__class__(**{**scanned.__dict__, "text": "- Dén nam 2026, ti 1é bao phu <b>", "reading": "Đến năm 2026, tỉ lệ bao phủ"})
    html = render.render_citation(scanned, ninh_binh_source())
    label, reading = html.index("Bản đọc đã sửa lỗi nhận dạng"), html.index("Đến năm 2026, tỉ lệ bao phủ")
    scan_tap, scan_text = html.index("<summary>Xem nguyên văn bản quét</summary>"), html.index("Dén nam 2026")
    assert label < reading < scan_tap < scan_text < html.index("Xem đoạn này trong văn bản gốc")
    assert '<details class="bhyt-scan">' in html and "&lt;b&gt;" in html
    # A clause that was not scanned shows its text as before, with no reading and no scan.
    plain = render.render_citation(citation_for(1, TARGET_CLAUSE))
    assert "Bản đọc" not in plain and "bhyt-scan" not in plain and TARGET_CLAUSE in plain


def test_an_off_topic_reply_has_no_not_found_banner():
    from assistant.topic import compose_off_topic

    html = render.render_answer(compose_off_topic("giá vàng hôm nay?", mode="extractive"))
    assert "Chưa tìm thấy câu trả lời" not in html
    assert "ngoài phạm vi" in html and "ví dụ" in html
