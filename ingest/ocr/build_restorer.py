"""Build the restorer's n-gram count files in ``ingest/ocr/resources/``.

Two plain TSV files are written (format in :class:`ingest.ocr.restore.NgramCounts`):

- ``syllable_ngrams_external.tsv``: from the underthesea wheel (Apache-2.0),
  read straight from the ``.whl`` zip without installing it: the running text
  of ``pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt``
  (VLSP 2013 POS test sentences, ~90k syllables) and the ``Viet74K.txt`` word
  list (each word counted once as its own run).
- ``syllable_ngrams_plans.tsv``: the clean plans in ``data/plans/`` (files whose
  damage score is above the threshold, i.e. OCR output, are skipped).

Usage::

    pip download underthesea==9.5.0 --no-deps -d /tmp/ut
    python -m ingest.ocr.build_restorer --underthesea-wheel /tmp/ut/underthesea-9.5.0-py3-none-any.whl
    python -m ingest.ocr.build_restorer --plans-only      # refresh the plan counts only
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from ingest.ocr.damage import score_damage
from ingest.ocr.restore import DEFAULT_MODEL_FILES, RESOURCES_DIR
from ingest.ocr.syllable_ngrams import NgramCounts, syllable_runs
from ingest.vntext import nfc

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VLSP_MEMBER = "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
WORDLIST_MEMBER = "underthesea/corpus/data/Viet74K.txt"
# Trigrams seen once in the external corpus add size, not accuracy.
MIN_EXTERNAL_TRIGRAM = 2


def vlsp_sentences(raw: str) -> list[str]:
    """Sentences of a CoNLL-like file (one word per line, tab-separated tags, blank line between sentences)."""
    sentences, words = [], []
    for line in raw.splitlines():
        if not line.strip():
            if words:
                sentences.append(" ".join(words))
                words = []
            continue
        words.append(line.split("\t", 1)[0])
    if words:
        sentences.append(" ".join(words))
    return sentences


def external_counts(wheel: Path) -> NgramCounts:
    """Count n-grams of the VLSP sentences and the Viet74K word list inside ``wheel``."""
    counts = NgramCounts.empty()
    with zipfile.ZipFile(wheel) as zf:
        for sentence in vlsp_sentences(nfc(zf.read(VLSP_MEMBER).decode("utf-8"))):
            counts.add_text(sentence)
        for word in nfc(zf.read(WORDLIST_MEMBER).decode("utf-8")).splitlines():
            for run in syllable_runs(word):
                counts.add_run(run, edges=False)
    for key in [k for k, v in counts.ngrams.items() if k.count(" ") == 2 and v < MIN_EXTERNAL_TRIGRAM]:
        del counts.ngrams[key]
    return counts


def clean_plan_paths(plans_dir: Path) -> list[Path]:
    """Plan files in ``plans_dir`` that are not OCR-damaged."""
    paths = sorted(plans_dir.glob("*.txt"))
    return [p for p in paths if not score_damage(p.read_text(encoding="utf-8")).damaged]


def plan_counts(paths: list[Path]) -> NgramCounts:
    """Count n-grams of the given plan files."""
    counts = NgramCounts.empty()
    for path in paths:
        counts.add_text(path.read_text(encoding="utf-8"))
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description="Xây dựng mô hình khôi phục dấu tiếng Việt.")
    parser.add_argument("--underthesea-wheel", type=Path, help="Tệp .whl của underthesea (pip download).")
    parser.add_argument("--plans-dir", type=Path, default=PROJECT_ROOT / "data" / "plans")
    parser.add_argument("--out-dir", type=Path, default=RESOURCES_DIR)
    parser.add_argument("--plans-only", action="store_true", help="Chỉ tính lại phần đếm từ các kế hoạch.")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    external_name, plans_name = DEFAULT_MODEL_FILES
    if not args.plans_only:
        if args.underthesea_wheel is None or not args.underthesea_wheel.exists():
            print("Cần --underthesea-wheel trỏ tới tệp .whl của underthesea.", file=sys.stderr)
            return 2
        ext = external_counts(args.underthesea_wheel)
        ext.write(args.out_dir / external_name)
        print(f"Đã ghi {external_name}: {len(ext.ngrams)} n-gram, {len(ext.surfaces)} cách viết.")
    paths = clean_plan_paths(args.plans_dir)
    plans = plan_counts(paths)
    plans.write(args.out_dir / plans_name)
    print(f"Đã ghi {plans_name} từ {len(paths)} kế hoạch: {len(plans.ngrams)} n-gram.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
