"""Tests for ingest/ocr/build_restorer.py: the shipped count files are rebuilt byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.ocr.build_restorer import (
    clean_plan_paths,
    default_lexicon_counts,
    lexicon_counts,
    main,
    plan_counts,
)
from ingest.ocr.restore import CONFIG_FILE, DEFAULT_MODEL_FILES, RESOURCES_DIR, read_config

ROOT = Path(__file__).resolve().parents[3]
PLANS = ROOT / "data" / "plans"


def test_plan_counts_rebuild_the_shipped_file(tmp_path):
    paths = clean_plan_paths(PLANS)
    assert len(paths) == 4 and not any("dong-nai" in p.name for p in paths)  # the OCR plan never feeds the model
    plan_counts(paths).write(tmp_path / "plans.tsv")
    shipped = RESOURCES_DIR / DEFAULT_MODEL_FILES[1]
    assert (tmp_path / "plans.tsv").read_bytes() == shipped.read_bytes()


def test_lexicon_rebuilds_the_shipped_file(tmp_path):
    default_lexicon_counts().write(tmp_path / "lexicon.tsv")
    shipped = RESOURCES_DIR / DEFAULT_MODEL_FILES[2]
    assert (tmp_path / "lexicon.tsv").read_bytes() == shipped.read_bytes()


def test_lexicon_counts_entries_once_with_their_capitals(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("bảo hiểm\nHà Nội\nabc-xyz\n", encoding="utf-8")
    divisions = tmp_path / "flat-divisions.json"
    divisions.write_text(
        json.dumps([{"name": "Phường Ngọc Hà", "province_name": "Thành phố Hà Nội"}], ensure_ascii=False),
        encoding="utf-8",
    )
    counts = lexicon_counts(words, divisions)
    assert counts.ngrams["bảo hiểm"] == 1 and counts.ngrams["ngọc hà"] == 1 and counts.ngrams["thành phố hà"] == 1
    assert counts.capitals["hà"] == 3 and counts.capitals["bảo"] == 0
    assert not any(key.startswith("<s>") for key in counts.ngrams)  # entries are not sentences


def test_build_writes_plans_and_lexicon_and_needs_the_external_file(tmp_path, capsys):
    assert main(["--out-dir", str(tmp_path), "--plans-dir", str(PLANS)]) == 2
    assert "--underthesea-wheel" in capsys.readouterr().err
    external = DEFAULT_MODEL_FILES[0]
    (tmp_path / external).write_bytes((RESOURCES_DIR / external).read_bytes())
    assert main(["--out-dir", str(tmp_path), "--plans-dir", str(PLANS)]) == 0
    for name in DEFAULT_MODEL_FILES:
        assert (tmp_path / name).read_bytes() == (RESOURCES_DIR / name).read_bytes(), name


def test_config_weights_every_count_file_and_resources_stay_small():
    config = read_config(RESOURCES_DIR / CONFIG_FILE)
    assert set(config["counts"]) == set(DEFAULT_MODEL_FILES)
    assert all(isinstance(w, int) and w > 0 for w in config["counts"].values())
    size = sum(p.stat().st_size for p in RESOURCES_DIR.iterdir())
    assert size < 20_000_000
