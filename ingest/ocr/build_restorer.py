"""Build the restorer's n-gram count files in ``ingest/ocr/resources/``.

Three plain TSV files are written (format in :class:`ingest.ocr.syllable_ngrams.NgramCounts`):

- ``syllable_ngrams_external.tsv``: from the underthesea wheel (Apache-2.0),
  read straight from the ``.whl`` zip without installing it: the running text
  of ``pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt``
  (VLSP 2013 POS test sentences, ~90k syllables) and the ``Viet74K.txt`` word
  list (each word counted once as its own run).
- ``syllable_ngrams_plans.tsv``: the clean plans in ``data/plans/`` (files whose
  damage score is above the threshold, i.e. OCR output, are skipped).
- ``syllable_ngrams_lexicon.tsv``: dictionary entries from installed
  dependencies, each counted once as its own run, with its capitalisation:
  pyvi's word list (``pyvi/models/words.txt``, ~31k words and names) and the
  names of Vietnam's provinces, communes and wards (``vietnam_provinces``'s
  ``data/flat-divisions.json``).

How much each file weighs and the decoder options are in ``resources/restorer.json``.

Usage::

    python -m ingest.ocr.build_restorer                   # plans + lexicon (external file kept)
    pip download underthesea==9.5.0 --no-deps -d /tmp/ut
    python -m ingest.ocr.build_restorer --underthesea-wheel /tmp/ut/underthesea-9.5.0-py3-none-any.whl
    python -m ingest.ocr.build_restorer --plans-only      # refresh the plan counts only
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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
    # The shipped file predates capitalisation counts; leaving them out keeps a rebuild identical.
    counts.capitals.clear()
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


def package_file(package: str, relative: str) -> Path:
    """A data file shipped inside an installed package (found without importing it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"Không tìm thấy gói {package} (cần cài các phụ thuộc của dự án).")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.exists():
        raise FileNotFoundError(f"Không tìm thấy {relative} trong gói {package}.")
    return path


def lexicon_counts(words_file: Path, divisions_file: Path) -> NgramCounts:
    """Count dictionary entries: one word per line of ``words_file``, each division name of ``divisions_file``.

    Args:
        words_file: pyvi's ``models/words.txt`` (one word or name per line).
        divisions_file: vietnam_provinces's ``data/flat-divisions.json`` (records
            with ``name`` and ``province_name``).
    """
    counts = NgramCounts.empty()
    for entry in nfc(words_file.read_text(encoding="utf-8")).splitlines():
        counts.add_entry(entry)
    provinces = set()
    for division in json.loads(divisions_file.read_text(encoding="utf-8")):
        counts.add_entry(nfc(division["name"]))
        provinces.add(nfc(division["province_name"]))
    for province in sorted(provinces):
        counts.add_entry(province)
    return counts


def default_lexicon_counts() -> NgramCounts:
    """:func:`lexicon_counts` of the installed pyvi and vietnam_provinces packages."""
    return lexicon_counts(
        package_file("pyvi", "models/words.txt"), package_file("vietnam_provinces", "data/flat-divisions.json")
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description="Xây dựng mô hình khôi phục dấu tiếng Việt.")
    parser.add_argument("--underthesea-wheel", type=Path, help="Tệp .whl của underthesea (pip download).")
    parser.add_argument("--plans-dir", type=Path, default=PROJECT_ROOT / "data" / "plans")
    parser.add_argument("--out-dir", type=Path, default=RESOURCES_DIR)
    parser.add_argument("--plans-only", action="store_true", help="Chỉ tính lại phần đếm từ các kế hoạch.")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    external_name, plans_name, lexicon_name = DEFAULT_MODEL_FILES
    if args.underthesea_wheel is not None:
        if not args.underthesea_wheel.exists():
            print("Cần --underthesea-wheel trỏ tới tệp .whl của underthesea.", file=sys.stderr)
            return 2
        ext = external_counts(args.underthesea_wheel)
        ext.write(args.out_dir / external_name)
        print(f"Đã ghi {external_name}: {len(ext.ngrams)} n-gram, {len(ext.surfaces)} cách viết.")
    elif not args.plans_only and not (args.out_dir / external_name).exists():
        print(f"Thiếu {external_name}: hãy chạy lại với --underthesea-wheel.", file=sys.stderr)
        return 2
    if not args.plans_only:
        lexicon = default_lexicon_counts()
        lexicon.write(args.out_dir / lexicon_name)
        print(f"Đã ghi {lexicon_name}: {len(lexicon.ngrams)} n-gram, {len(lexicon.capitals)} âm tiết viết hoa.")
    paths = clean_plan_paths(args.plans_dir)
    plans = plan_counts(paths)
    plans.write(args.out_dir / plans_name)
    print(f"Đã ghi {plans_name} từ {len(paths)} kế hoạch: {len(plans.ngrams)} n-gram.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
