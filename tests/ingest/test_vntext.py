"""Tests for ingest/vntext.py: folding, canonical spelling, accent-less detection."""

import unicodedata

import pytest

from ingest.vntext import (
    canonical_spelling,
    canonical_syllable,
    fold_diacritics,
    folded_form,
    is_accentless,
    search_form,
    split_tone,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đồng Nai", "Dong Nai"),
        ("bảo hiểm y tế toàn dân", "bao hiem y te toan dan"),
        ("ở", "o"),
        ("Điều 1", "Dieu 1"),
        ("ĐẢNG ỦY", "DANG UY"),
        ("52-CT/TW ngày 03/10/2025", "52-CT/TW ngay 03/10/2025"),
    ],
)
def test_fold_diacritics(text, folded):
    assert fold_diacritics(text) == folded


def test_fold_diacritics_accepts_nfd_input():
    nfd = unicodedata.normalize("NFD", "Người dân tham gia bảo hiểm")
    assert fold_diacritics(nfd) == "Nguoi dan tham gia bao hiem"


@pytest.mark.parametrize(
    ("variant_a", "variant_b"),
    [("hóa", "hoá"), ("khỏe", "khoẻ"), ("Ủy", "Uỷ"), ("thủy", "thuỷ"), ("tỉ", "tỷ"), ("kĩ", "kỹ"), ("lí", "lý")],
)
def test_spelling_variants_share_a_search_form(variant_a, variant_b):
    assert search_form(variant_a) == search_form(variant_b)


@pytest.mark.parametrize(
    "word",
    ["người", "quyết", "giá", "gì", "ngoài", "tiêu", "yêu", "mới", "Tỉnh", "toàn", "của", "y", "ý", "quý", "ở"],
)
def test_canonical_syllable_leaves_standard_spellings_alone(word):
    assert canonical_syllable(word) == word


def test_canonical_spelling_keeps_case_numbers_and_punctuation():
    text = "Uỷ ban nhân dân tỉnh: tỷ lệ 99,3% (năm 2026); sức khoẻ"
    assert canonical_spelling(text) == "Ủy ban nhân dân tỉnh: tỉ lệ 99,3% (năm 2026); sức khỏe"


def test_split_tone_numbers():
    assert split_tone("hiểm") == ("hiêm", 3)
    assert split_tone("dân") == ("dân", 0)
    assert split_tone("đạt") == ("đat", 5)


def test_folded_and_search_forms_are_lowercase():
    assert folded_form("Mục Tiêu BHYT") == "muc tieu bhyt"
    assert search_form("Mục Tiêu BHYT") == "mục tiêu bhyt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("muc ho tro dong bhyt ho can ngheo", True), ("mức hỗ trợ", False), ("2026", False), ("BHYT", True)],
)
def test_is_accentless(text, expected):
    assert is_accentless(text) is expected
