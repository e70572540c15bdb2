"""Tests for ingest/ocr/restore_accuracy.py: the syllable metric and the development/held-out split."""

from __future__ import annotations

from ingest.ocr.restore_accuracy import SPLIT_BLOCK, SyllableAccuracy, is_development_line, syllable_accuracy


def test_split_alternates_blocks_and_halves_the_lines():
    assert [is_development_line(i) for i in (0, SPLIT_BLOCK - 1, SPLIT_BLOCK, 2 * SPLIT_BLOCK)] == [
        True, True, False, True,
    ]
    development = sum(is_development_line(i) for i in range(305))
    assert development in (150, 155)  # the Đồng Nai plan has 305 lines


def test_capitalised_only_counts_names_and_agency_words():
    reference = "Ban Chỉ đạo của Tỉnh ủy do bà Tôn Ngọc Hạnh"
    hypothesis = "Bản Chỉ đạo của Tỉnh ủy do bà Tôn Ngọc Hành"
    assert syllable_accuracy(reference, hypothesis) == SyllableAccuracy(9, 11)
    assert syllable_accuracy(reference, hypothesis, capitalised_only=True) == SyllableAccuracy(4, 6)
    assert syllable_accuracy("TỈNH ỦY", "TINH ỦY", capitalised_only=True) == SyllableAccuracy(0, 0)


def test_a_chunk_read_back_exactly_is_right_whatever_its_digits():
    # WORD_RE splits "38-CT/TU" into CT, TU; the hypothesis tokens would be 38, CT, TU.
    assert syllable_accuracy("Chỉ thị số 38-CT/TU", "Chỉ thị số 38-CT/TU") == SyllableAccuracy(4, 4)
    assert syllable_accuracy("số", "s6") == SyllableAccuracy(0, 1)
