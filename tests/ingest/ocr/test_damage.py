"""Tests for ingest/ocr/damage.py: the syllable validator and the OCR damage score."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.ocr.damage import DAMAGED_THRESHOLD, DamageReport, score_damage
from ingest.syllables import is_vietnamese_syllable

PLANS = Path(__file__).resolve().parents[3] / "data" / "plans"
CLEAN_PLANS = [
    "an-giang_KH-TU.txt",
    "dak-doa-gia-lai_KH-DU_2026.txt",
    "hue_KH-UBND.txt",
    "ninh-binh_KH-UBND_2026-01.txt",
]


@pytest.mark.parametrize(
    "word",
    ["người", "nghiêng", "quyết", "giữa", "gì", "khuya", "Ủy", "uỷ", "ở", "thuở", "Đảng", "ĐỒNG", "kỹ", "học", "tuyên"],
)
def test_valid_syllables(word):
    assert is_vietnamese_syllable(word, loanword_p=False)


@pytest.mark.parametrize(
    "word",
    # OCR damage from the Đồng Nai plan, then spelling/tone rule breaks.
    ["hiém", "ctia", "Pang", "chirc", "thye", "strc", "BHYT", "ci", "ge", "nge", "hoc", "hòc", "52", "", "1a"],
)
def test_invalid_syllables(word):
    assert not is_vietnamese_syllable(word, loanword_p=False)


def test_validator_accepts_nfd_input():
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", "Người"), loanword_p=False)


def test_clean_plans_score_low_and_dong_nai_high():
    for name in CLEAN_PLANS:
        report = score_damage((PLANS / name).read_text(encoding="utf-8"))
        assert report.score < 0.05, (name, report)
        assert not report.damaged
    dong_nai = score_damage((PLANS / "dong-nai_646-KH-TU_2026-01-09.txt").read_text(encoding="utf-8"))
    assert dong_nai.score > 0.8
    assert dong_nai.damaged
    assert dong_nai.invalid_share > 0.3
    assert dong_nai.accentless_share > 0.7
    assert dong_nai.digit_confusions > 50


def test_digit_confusions_counted_but_numbers_are_not():
    report = score_damage("dén nam 2026, ty 1é bao phu dat trén 96% dan s6, Chi thi 52-CT/TW ngay 03/10/2025, d6i méi")
    assert report.digit_confusions == 3  # "1é", "s6", "d6i"
    clean = score_damage("Chỉ thị số 52-CT/TW ngày 03/10/2025: đạt trên 96% dân số.")
    assert clean.digit_confusions == 0
    assert clean.invalid_share == 0.0


def test_abbreviations_and_list_markers_are_not_counted_as_invalid():
    report = score_damage("Tỷ lệ tham gia BHYT của UBND xã; II. Nhiệm vụ; a) Tuyên truyền; b) Kiểm tra")
    assert report.invalid_share == 0.0
    assert report.score < DAMAGED_THRESHOLD


def test_real_ocr_line_scores_above_threshold():
    line = "Pang vé thuc hién bao hiém y té toan dan trong giai doan méi, Ban Thuong vu Tinh ay ban hanh"
    report = score_damage(line)
    assert isinstance(report, DamageReport)
    assert report.damaged
    assert 0.0 <= report.score <= 1.0


def test_empty_text_scores_zero():
    assert score_damage("") == DamageReport(0.0, 0.0, 0.0, 0, 0)
    assert score_damage("2026 - 03/10/2025 96%").score == 0.0
