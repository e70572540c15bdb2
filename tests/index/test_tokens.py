"""Tests for index/tokens.py: protected spans, one-letter words, NFD, abbreviations, spelling variants."""

import unicodedata

import pytest

from index.tokens import abbreviation_context, accented_tokens, folded_tokens, segment_for_embedding

HUE_TARGET = "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030."
DAK_DOA_INTRO = ("Thực hiện Kế hoạch số 16-KH/TU, ngày 26/11/2025 của Ban Thường Tỉnh ủy thực hiện "
                 "Chỉ thị số 52-CT/TW, ngày 03/10/2025 của Ban Bí thư")


@pytest.mark.parametrize("token", ["52-ct/tw", "03/10/2025", "16-kh/tu", "26/11/2025"])
def test_document_numbers_and_dates_stay_whole(token):
    assert token in accented_tokens(DAK_DOA_INTRO)
    assert token in folded_tokens(DAK_DOA_INTRO)


def test_percentages_stay_whole_and_number_head_is_added():
    tokens = accented_tokens(HUE_TARGET)
    assert "99,3%" in tokens and "100%" in tokens
    assert "52" in accented_tokens("Chỉ thị số 52-CT/TW")


def test_one_letter_words_are_kept():
    tokens = accented_tokens("Ở Huế, y tế cơ sở")
    assert tokens[0] == "ở"
    assert "y" in tokens
    assert "o" in folded_tokens("Ở Huế")


def test_dieu_1():
    assert accented_tokens("Điều 1", expand=False) == ["điều", "1"]
    assert folded_tokens("Điều 1", expand=False) == ["1", "dieu"]


def test_nfd_input_tokenises_like_nfc():
    nfd = unicodedata.normalize("NFD", HUE_TARGET)
    assert nfd != HUE_TARGET
    assert accented_tokens(nfd) == accented_tokens(HUE_TARGET)
    assert folded_tokens(nfd) == folded_tokens(HUE_TARGET)
    assert accented_tokens(unicodedata.normalize("NFD", "Người dân"), expand=False) == ["người", "dân"]


def test_accentless_and_ocr_text_meet_the_clean_text_when_folded():
    clean = set(folded_tokens("mục tiêu bao phủ"))
    assert set(folded_tokens("muc tieu bao phu")) == clean
    assert {"muc", "tieu", "bao", "muc_tieu"} <= set(folded_tokens("dat muc tiéu bao pha"))


def test_abbreviations_expand_both_ways():
    assert {"bảo_hiểm", "y_tế"} <= set(accented_tokens("Tỷ lệ bao phủ BHYT"))
    assert "bhyt" in accented_tokens("tham gia bảo hiểm y tế")
    assert "bhyt" in folded_tokens("tham gia bao hiem y te")
    assert "kcb" in accented_tokens("cơ sở khám bệnh, chữa bệnh")
    assert "hđnd" in accented_tokens("Hội đồng nhân dân tỉnh")
    assert "hội đồng nhân dân" in abbreviation_context("HĐND tỉnh")
    assert "hội đồng nhân dân" in abbreviation_context("hdnd tinh")


def test_lowercase_tu_is_not_an_abbreviation():
    assert "tỉnh ủy" not in abbreviation_context("tu dưỡng đạo đức")
    assert "tỉnh ủy" in abbreviation_context("Ban Thường vụ TU")


def test_spelling_variants_share_tokens():
    assert accented_tokens("Uỷ ban, tỷ lệ, sức khoẻ, hoá") == accented_tokens("Ủy ban, tỉ lệ, sức khỏe, hóa")


def test_segment_for_embedding_keeps_document_numbers():
    segmented = segment_for_embedding("Chỉ thị số 52-CT/TW ngày 03/10/2025 về bảo hiểm y tế")
    assert "52-CT/TW" in segmented.split()
    assert "03/10/2025" in segmented.split()
    assert "bảo_hiểm" in segmented
