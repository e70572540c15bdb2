"""Tests for index/lexical.py: BM25 over accented and folded streams."""

import pytest

from index.lexical import LexicalIndex

CLEAN = "- Đến năm 2030, phấn đấu đạt mục tiêu bao phủ bảo hiểm y tế toàn dân."
OCR = "dén nam 2026, ty 1é bao phu y té dat trén 96% dan s6, dén nam 2030 dat muc tiéu bao pha bao hiém y té toan dan."
OTHER = "1. Sở Tài chính: Tham mưu bố trí kinh phí hỗ trợ mức đóng cho các đối tượng theo quy định."


def test_accentless_query_finds_clean_and_ocr_text():
    index = LexicalIndex.from_texts([OTHER, CLEAN, OCR])
    rows = [h.row for h in index.search("muc tieu bao phu", 10)]
    assert set(rows[:2]) == {1, 2}
    assert rows[2:] == [0]  # "mức" folds to "muc" too, but one shared syllable ranks last


def test_exact_accents_rank_above_folded_matches():
    index = LexicalIndex.from_texts(["kinh phi ho tro muc dong", "kinh phí hỗ trợ mức đóng"])
    hits = index.search("kinh phí hỗ trợ mức đóng", 2)
    assert [h.row for h in hits] == [1, 0]
    assert hits[0].score > hits[1].score > 0


def test_abbreviation_in_query_meets_expansion_in_text():
    index = LexicalIndex.from_texts([OTHER, CLEAN])
    assert index.search("mục tiêu BHYT toàn dân", 1)[0].row == 1


def test_allowed_mask_and_no_match():
    import numpy as np

    index = LexicalIndex.from_texts([OTHER, CLEAN, OCR])
    hits = index.search("bao phu", 10, allowed=np.array([True, False, True]))
    assert [h.row for h in hits] == [2]
    assert index.search("xyzzy", 5) == []


def test_empty_index_and_bad_arguments():
    assert LexicalIndex([], []).search("bảo hiểm", 3) == []
    with pytest.raises(ValueError, match="top_n must be > 0, got 0"):
        LexicalIndex.from_texts([CLEAN]).search("bảo hiểm", 0)
    with pytest.raises(ValueError, match="accent_weight must be > 0, got 0"):
        LexicalIndex([], [], accent_weight=0)
