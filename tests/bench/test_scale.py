"""bench/scale.py's fixed parts: which plans a size takes, the question set, the changed plan, masking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metamorphic.corpus import CorpusOptions, make_corpus
from tests.bench.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


def _load_script():
    return load_script("scale")


scale = _load_script()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder, _ = make_corpus(CorpusOptions(12, 3), tmp_path_factory.mktemp("corpus"))
    return folder


def test_a_size_takes_the_first_rewrites_in_number_order(corpus):
    files = scale._corpus_files(corpus, 11)
    assert [int(p.name.split("_")[0]) for p in files] == list(range(1, 12))  # "10_..." after "9_...", not "1_..."
    assert len(scale._corpus_files(corpus, 100)) == 12


def test_questions_name_the_corpus_localities_then_the_holdout_set(corpus):
    files = scale._corpus_files(corpus, 12)
    mappings = scale._mappings(corpus, files)
    questions = scale.make_questions(mappings, 6)
    templated = [q for q in questions if q["source"] == "template"]
    holdout = [json.loads(line)["question"] for line in scale.HOLDOUT.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    assert len(templated) == 6
    assert [q["question"] for q in questions[6:]] == holdout
    for q in templated:
        assert q["locality"] in q["question"]
        assert any(m["locality"]["new"] == q["locality"] for m in mappings)
    assert len({q["locality"] for q in templated}) == 6  # spread over the corpus, not one plan six times


def test_the_changed_plan_differs_in_one_figure(corpus):
    text = scale._corpus_files(corpus, 1)[0].read_text(encoding="utf-8")
    changed = scale._changed(text)
    assert changed != text and len(changed) == len(text)
    differing = [i for i, (a, b) in enumerate(zip(text, changed, strict=True)) if a != b]
    assert len(differing) == 1 and text[differing[0]].isdigit()


def test_masking_the_locality_makes_two_plans_clauses_equal():
    first = scale._fold_mask("Tỉ lệ bao phủ BHYT của tỉnh Cà Mau đạt 95%.", ("Cà Mau",))
    second = scale._fold_mask("Tỉ lệ bao phủ BHYT của tỉnh Quảng Trị đạt 95%.", ("Quảng Trị",))
    assert first == second
    assert "<noi>" in first
