"""Tests for assistant/sentences.py on sentences cut from the real plans (data/plans).

Every text is sliced from a plan file by its first and last words and read as
a clause body (whitespace and line wraps collapsed), so the tests see what the
answerer sees: document numbers ("52-CT/TW"), dates ("03/10/2025"), decimal
percentages ("99,3%"), an ellipsis inside a sentence, OCR-damaged Đồng Nai
text and a closing sentence longer than the excerpt limit.
"""

from __future__ import annotations

import re

import pytest

from assistant.sentences import DATE_RE, PERCENT_RE, excerpt, focus_excerpt, percent_years
from ingest.structure.roles import agency_heading, attribute_kind, is_heading_text, last_year, strip_numbering
from ingest.structure.sentences import MAX_SENTENCE_CHARS, sentence_bounds
from ingest.vntext import nfc
from tests.plans import AN_GIANG, DAK_DOA, DONG_NAI, HUE, NINH_BINH, PLANS


def raw(plan: str, first: str, last: str, *, after: str = "") -> str:
    """The verbatim NFC slice of ``plan`` from ``first`` to the end of ``last`` (searched after ``after``)."""
    text = nfc((PLANS / plan).read_text(encoding="utf-8"))
    start = text.index(first, text.index(after) if after else 0)
    return text[start:text.index(last, start) + len(last)]


def passage(plan: str, first: str, last: str, *, after: str = "") -> str:
    """The slice as a clause body: one line, wraps and runs of spaces collapsed."""
    return " ".join(raw(plan, first, last, after=after).split())


# An Giang, section I item 4: two sentences, the first with its year before the figure.
AN_GIANG_TARGETS = passage(AN_GIANG, "Năm 2026, tỷ lệ bao phủ", "theo lộ trình.")
# Ninh Bình's closing sentence: 656 characters of reporting deadlines.
NINH_BINH_CLOSING = passage(NINH_BINH, "Trên đây là Kế hoạch Triển khai", "năm báo cáo)./.")
# Huế, II.2 bullet 1: a decimal percentage and two years, wrapped over a blank line in the file.
HUE_TARGET_RAW = raw(HUE, "Tỷ lệ bao phủ BHYT toàn thành phố", "trước năm 2030.")
HUE_TARGET = " ".join(HUE_TARGET_RAW.split())


def split_sentences(body: str) -> list[str]:
    """The sentences ingest records for a clause body (``ingest.structure.sentences``)."""
    body = " ".join(body.split())
    return [body[s:e] for s, e in sentence_bounds(body)]


# --- split_sentences -------------------------------------------------------------------------------------


def test_document_numbers_and_dates_stay_inside_the_sentence():
    opening = passage(AN_GIANG, "Để thực hiện tốt Chỉ thị số 52-CT/TW", "xây dựng kế hoạch thực hiện như sau:")
    assert "Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư" in opening
    assert "Hướng dẫn số 33-HD/BTGDVTW, 28/10/2025" in opening
    assert split_sentences(opening) == [opening]


def test_a_full_stop_before_a_capital_ends_a_sentence():
    first, second = split_sentences(AN_GIANG_TARGETS)
    assert first == "Năm 2026, tỷ lệ bao phủ bảo hiểm y tế đạt trên 95% dân số của tỉnh."
    assert second.startswith("Đến năm 2030, đạt mục tiêu bao phủ bảo hiểm y tế toàn dân; phát triển")
    assert second.endswith("trong phạm vi quyền lợi bảo hiểm y tế theo lộ trình.")


def test_decimal_percent_and_wrapped_lines_make_one_sentence():
    assert "\n" in HUE_TARGET_RAW  # the file wraps this bullet over a blank line
    assert split_sentences(HUE_TARGET_RAW) == [
        "Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030."]


def test_an_ellipsis_before_a_lowercase_word_is_not_an_end():
    sentence = passage(AN_GIANG, "Nghiên cứu cơ chế sử dụng một phần kinh phí", "các bệnh không lây nhiễm.")
    assert "đồ uống có đường... để chi trả" in sentence
    assert split_sentences(sentence) == [sentence]


def test_semicolon_ends_a_sentence_only_before_a_capital():
    duty = passage(DAK_DOA, "Ban Xây dựng Đảng chủ trì", "để theo dõi.", after="IV- TỔ CHỨC THỰC HIỆN")
    parts = split_sentences(duty)
    assert len(parts) == 2
    assert parts[0].endswith("thống nhất, hiệu quả trên địa bàn;")  # "; Phối hợp" starts a new sentence
    assert parts[1].startswith("Phối hợp với Chi bộ Ủy ban nhân xã")
    # A lowercase word after the semicolon: the sentence goes on.
    assert "Kế hoạch số 16-KH/TU và Kế hoạch này; hướng dẫn" in parts[0]


def test_a_sentence_over_the_limit_is_cut_at_semicolons_without_losing_text():
    assert len(NINH_BINH_CLOSING) > MAX_SENTENCE_CHARS
    parts = split_sentences(NINH_BINH_CLOSING)
    assert len(parts) == 2
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in parts)
    assert parts[0].endswith("triển khai thực hiện có hiệu quả các nội dung của Kế hoạch;")
    assert " ".join(parts) == NINH_BINH_CLOSING
    assert "báo cáo sơ kết 6 tháng: trước ngày 05/6 hàng năm" in parts[1]


def test_blank_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []


# --- figures per year -----------------------------------------------------------------------------------


def test_each_figure_gets_the_year_of_its_own_part():
    assert percent_years(HUE_TARGET) == [(99.3, "2026"), (100.0, "2030")]


def test_a_figure_after_its_year_takes_that_year():
    first = split_sentences(AN_GIANG_TARGETS)[0]
    assert percent_years(first) == [(95.0, "2026")]
    paragraph = passage(HUE, "Tập trung đẩy mạnh giải quyết toàn diện", "chỉ tiêu về bao phủ BHYT toàn dân.")
    assert percent_years(paragraph) == [(99.3, "2026")]  # "trước năm 2030" states no figure


def test_a_bullet_without_a_year_takes_the_year_of_its_heading():
    heading_2026 = passage(DAK_DOA, "1. Mục tiêu đến năm 2026", "1. Mục tiêu đến năm 2026")
    heading_2030 = passage(DAK_DOA, "2. Mục tiêu đến năm 2030", "2. Mục tiêu đến năm 2030")
    coverage_2026 = passage(DAK_DOA, "Tỷ lệ bao phủ bảo hiểm y tế toàn xã đạt", "dân số.")
    coverage_2030 = passage(DAK_DOA, "Tỷ lệ bao phủ bảo hiểm y tế toàn xã 98%", "dân số.")
    assert (last_year(heading_2026), last_year(heading_2030)) == ("2026", "2030")
    assert percent_years(coverage_2026, last_year(heading_2026)) == [(95.0, "2026")]
    assert percent_years(coverage_2030, last_year(heading_2030)) == [(98.0, "2030")]
    assert percent_years(coverage_2026) == [(95.0, "")]


def test_figures_in_ocr_damaged_text():
    damaged = passage(DONG_NAI, "dén nam 2026, ty 1é bao", "toan dan")
    assert percent_years(damaged) == [(96.0, "2026")]


def test_last_year_of_dates_and_document_numbers():
    assert last_year(passage(HUE, "Kế hoạch số 12-KH/ĐU", "15/12/2025")) == "2025"
    assert last_year("Chỉ thị số 52-CT/TW") == ""
    assert last_year(passage(AN_GIANG, "giai đoạn 2025-2030", "2030")) == "2030"


# --- excerpts ----------------------------------------------------------------------------------------------


def test_short_sentence_is_its_own_excerpt():
    assert excerpt(HUE_TARGET, PERCENT_RE) == HUE_TARGET


def _unmarked(text: str) -> str:
    return text.removeprefix("…").removesuffix("…")


def test_excerpt_is_a_verbatim_window_around_the_anchor():
    shown = excerpt(NINH_BINH_CLOSING, re.compile("05/6"), limit=160)
    assert shown.startswith("…") and shown.endswith("…")
    assert len(_unmarked(shown)) <= 160
    assert "05/6" in shown
    start = NINH_BINH_CLOSING.index(_unmarked(shown))
    # Cut at word boundaries: a space (or the text's edge) on each side of the window.
    assert NINH_BINH_CLOSING[start - 1] == " "
    assert NINH_BINH_CLOSING[start + len(_unmarked(shown))] == " "


def test_excerpt_without_anchor_keeps_the_opening():
    shown = excerpt(NINH_BINH_CLOSING, limit=120)
    assert shown.startswith("Trên đây là Kế hoạch Triển khai thực hiện Chỉ thị số 52-CT/TW ngày 03/10/2025")
    assert shown.endswith("…") and NINH_BINH_CLOSING.startswith(_unmarked(shown))


def test_focus_excerpt_centres_on_the_part_about_the_question():
    shown = focus_excerpt(NINH_BINH_CLOSING, ["so", "ket", "6", "thang"], limit=200)
    assert "báo cáo sơ kết 6 tháng: trước ngày 05/6 hàng năm" in shown
    assert _unmarked(shown) in NINH_BINH_CLOSING
    assert not shown.startswith("Trên đây")
    assert focus_excerpt(NINH_BINH_CLOSING, [], limit=200) == excerpt(NINH_BINH_CLOSING, limit=200)
    assert focus_excerpt(HUE_TARGET, ["bao", "phu"]) == HUE_TARGET


def test_attribute_kind_reads_the_label_before_the_colon():
    assert attribute_kind(passage(DAK_DOA, "Thời gian thực hiện: Hằng năm.", "Hằng năm.")) == "deadline"
    assert attribute_kind(HUE_TARGET) == ""
    assert DATE_RE.search(passage(DAK_DOA, "Thời gian thực hiện: Hằng năm.", "Hằng năm.")) is None


# --- headings ------------------------------------------------------------------------------------------------


def test_agency_headings_and_heading_names():
    finance = passage(HUE, "2. Sở Tài chính", "2. Sở Tài chính")
    social_insurance = passage(NINH_BINH, "6. Bảo hiểm xã hội tỉnh", "6. Bảo hiểm xã hội tỉnh")
    assert agency_heading(finance) and agency_heading(social_insurance)
    assert not agency_heading(passage(HUE, "9. Chế độ thông tin, báo cáo", "báo cáo"))
    assert not agency_heading(passage(DAK_DOA, "1. Mục tiêu đến năm 2026", "2026"))
    assert strip_numbering(finance) == "Sở Tài chính"
    assert strip_numbering(passage(DAK_DOA, "IV- TỔ CHỨC THỰC HIỆN", "THỰC HIỆN")) == "TỔ CHỨC THỰC HIỆN"
    assert strip_numbering(passage(DAK_DOA, "1. Mục tiêu đến năm 2026", "2026")) == "Mục tiêu đến năm 2026"


@pytest.mark.parametrize(("words", "heading"), [
    ("2. Mục tiêu cụ thể", True),
    ("IV. KINH PHÍ", True),
    ("Kinh phí thực hiện Kế hoạch này", False),        # a sentence longer than a heading
    ("2. Ban Xây dựng Đảng chủ trì", False),           # a long item with sentences of its own
])
def test_heading_only_clauses(tiny_tree, words, heading):
    clause = next(c for c in tiny_tree.by_id.values() if c.text.startswith(words))
    assert is_heading_text(clause.reading or clause.body) is heading
    assert clause.is_heading is heading

