"""Tests for ingest/ocr/syllable_ngrams.py: the language model built from n-gram counts."""

from __future__ import annotations

import math

import pytest

from ingest.ocr.syllable_ngrams import BOS, NgramCounts, SyllableModel


@pytest.fixture(scope="module")
def model() -> SyllableModel:
    counts = NgramCounts.empty()
    counts.add_text("bảo hiểm y tế. bảo hiểm xã hội. báo cáo. bão lớn", weight=1)
    counts.add_text("bảo hiểm y tế", weight=3)
    counts.add_text("báo cáo", weight=1)
    return SyllableModel(counts, backoff=0.4)


def test_constructor_rejects_bad_settings():
    with pytest.raises(ValueError, match="backoff must be in"):
        SyllableModel(NgramCounts.empty(), backoff=0)
    with pytest.raises(ValueError, match="counts must not be empty"):
        SyllableModel(NgramCounts.empty())


def test_seen_trigram_beats_backoff(model):
    assert model.log_prob("bảo", "hiểm", "y") == pytest.approx(math.log(4 / 5))
    assert model.log_prob(BOS, "hiểm", "y") == pytest.approx(math.log(0.4) + math.log(4 / 5))
    assert model.log_prob("xã", "hội", "y") < model.log_prob("bảo", "hiểm", "y")


def test_unseen_syllable_gets_the_floor(model):
    assert model.unigram("phở") < model.unigram("bão") < model.unigram("bảo")


def test_lexicon_maps_folded_spelling_to_syllables_most_frequent_first(model):
    assert [canon for canon, _ in model.by_fold["bao"]] == ["bảo", "báo", "bão"]
    assert "hiem" in model.by_fold and "phở" not in model.by_fold
