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


def test_capitals_are_counted_inside_runs_and_in_dictionary_entries():
    counts = NgramCounts.empty()
    counts.add_text("Ban Chỉ đạo họp. Thành lập Ban Chỉ đạo, văn bản chỉ đạo")
    assert counts.capitals["ban"] == 1  # the first "Ban" opens a run: it may start a sentence
    assert counts.capitals["chỉ"] == 2 and counts.capitals["bản"] == 0
    counts.add_entry("Phường Ngọc Hà")
    assert counts.capitals["phường"] == 1 and counts.capitals["hà"] == 1
    assert counts.ngrams["ngọc hà"] == 1 and counts.ngrams[f"{BOS} phường"] == 0  # no sentence edges
    counts.add_text("TỈNH ỦY ĐỒNG NAI")
    assert counts.capitals["ủy"] == 0  # all capitals say nothing about names


def test_capital_log_prob_tells_names_from_common_words():
    counts = NgramCounts.empty()
    counts.add_text("kiện toàn Ban Chỉ đạo; thành lập Ban Chỉ đạo; văn bản chỉ đạo; bản đồ")
    model = SyllableModel(counts)
    assert model.capital_log_prob("ban") > model.capital_log_prob("bản")
    assert model.capital_log_prob("phở") == pytest.approx(math.log(0.5))  # unseen: no evidence either way


def test_scaled_counts_and_round_trip_with_capitals(tmp_path):
    counts = NgramCounts.empty()
    counts.add_text("thành lập Ban Chỉ đạo")
    tripled = counts.scaled(3)
    assert tripled.ngrams["ban chỉ đạo"] == 3 and tripled.capitals["ban"] == 3
    with pytest.raises(ValueError, match="weight must be > 0, got 0"):
        counts.scaled(0)
    path = tmp_path / "counts.tsv"
    tripled.write(path)
    assert path.read_text(encoding="utf-8").startswith("#restorer-ngrams v2\n")
    assert NgramCounts.read(path) == tripled


def test_version_1_files_are_still_read(tmp_path):
    path = tmp_path / "old.tsv"
    path.write_text("#restorer-ngrams v1\nn\tbảo\t2\ns\tbảo bảo\t2\n", encoding="utf-8")
    counts = NgramCounts.read(path)
    assert counts.ngrams["bảo"] == 2 and not counts.capitals
