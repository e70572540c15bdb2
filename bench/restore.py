"""Benchmark of diacritic restoration and OCR repair; prints tables.

1. Leave-one-plan-out on the four clean plans: the model is built from the
   external counts (underthesea) plus the other three plans, the held-out plan
   is stripped of its diacritics and restored; syllable accuracy per plan.
2. Đồng Nai OCR lines, hand-corrected: syllable accuracy of the raw OCR text
   and of ``repair_ocr``. ``tests/data/dong_nai_lines.tsv`` is the development
   set the OCR confusion rules were written from; ``dong_nai_lines_heldout.tsv``
   was set aside for measuring.
3. Speed: model load time, restoration time per 1,000 syllables, latency of
   accent-less questions.

Usage: python bench/restore.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.ocr.build_restorer import clean_plan_paths, plan_counts  # noqa: E402
from ingest.ocr.damage import score_damage  # noqa: E402
from ingest.ocr.restore import DEFAULT_MODEL_FILES, RESOURCES_DIR, Restorer, _default_restorer
from ingest.ocr.restore_accuracy import SyllableAccuracy, syllable_accuracy
from ingest.ocr.syllable_ngrams import NgramCounts
from ingest.vntext import fold_diacritics  # noqa: E402

PLANS = ROOT / "data" / "plans"
QUESTIONS = [
    "muc ho tro dong bao hiem y te cho hoc sinh la bao nhieu",
    "ty le bao phu bhyt cua tinh dong nai nam 2026",
    "co quan nao chiu trach nhiem tuyen truyen ve bao hiem y te",
    "thoi gian thuc hien ke hoach la khi nao",
    "uy ban nhan dan xa co nhiem vu gi",
]


def leave_one_plan_out() -> None:
    external = NgramCounts.read(RESOURCES_DIR / DEFAULT_MODEL_FILES[0])
    paths = clean_plan_paths(PLANS)
    total = SyllableAccuracy(0, 0)
    seconds = 0.0
    print("| held-out plan | syllables | accuracy | ms / 1,000 syllables |")
    print("|---|---|---|---|")
    for held in paths:
        restorer = Restorer(external.merged(plan_counts([p for p in paths if p != held])))
        text = held.read_text(encoding="utf-8")
        start = time.perf_counter()
        restored = restorer.restore(fold_diacritics(text))
        elapsed = time.perf_counter() - start
        acc = syllable_accuracy(text, restored)
        total += acc
        seconds += elapsed
        print(f"| {held.name} | {acc.total} | {acc.value:.2%} | {1000 * elapsed / acc.total * 1000:.0f} |")
    print(f"| **all four** | {total.total} | **{total.value:.2%}** | {1000 * seconds / total.total * 1000:.0f} |")


def read_line_pairs(path: Path) -> list[tuple[str, str]]:
    """(OCR line, hand-corrected line) pairs of a TSV file; '#' lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def dong_nai_lines() -> None:
    restorer = Restorer.load_default()
    print("\nĐồng Nai OCR lines, syllable accuracy")
    print("| set | lines | syllables | raw OCR | repair_ocr | ms / 1,000 syllables |")
    print("|---|---|---|---|---|---|")
    for name in ("dong_nai_lines.tsv", "dong_nai_lines_heldout.tsv"):
        rows = read_line_pairs(ROOT / "tests" / "data" / name)
        before = after = SyllableAccuracy(0, 0)
        elapsed = 0.0
        for ocr, gold in rows:
            before += syllable_accuracy(gold, ocr)
            start = time.perf_counter()
            repaired = restorer.repair_ocr(ocr)
            elapsed += time.perf_counter() - start
            after += syllable_accuracy(gold, repaired)
        print(
            f"| {name} | {len(rows)} | {before.total} | {before.value:.2%} | {after.value:.2%} "
            f"| {1000 * elapsed / before.total * 1000:.0f} |"
        )


def speed_and_damage() -> None:
    _default_restorer.cache_clear()
    start = time.perf_counter()
    restorer = Restorer.load_default()
    print(f"\nload_default: {1000 * (time.perf_counter() - start):.0f} ms")
    print("| question | restored | ms |")
    print("|---|---|---|")
    for q in QUESTIONS:
        start = time.perf_counter()
        out = restorer.restore(q)
        print(f"| {q} | {out} | {1000 * (time.perf_counter() - start):.1f} |")
    dong_nai = next(PLANS.glob("dong-nai*.txt"))
    start = time.perf_counter()
    repaired = restorer.repair_ocr(dong_nai.read_text(encoding="utf-8"))
    print(f"repair_ocr of the whole Đồng Nai file: {time.perf_counter() - start:.1f} s")
    print("\n| file | damage score | invalid | accent-free | digit confusions |")
    print("|---|---|---|---|---|")
    for path in sorted(PLANS.glob("*.txt")):
        r = score_damage(path.read_text(encoding="utf-8"))
        print(
            f"| {path.name} | {r.score:.3f} | {r.invalid_share:.3f} | {r.accentless_share:.3f} | {r.digit_confusions} |"
        )
    r = score_damage(repaired)
    print(
        f"| (Đồng Nai after repair_ocr) | {r.score:.3f} | {r.invalid_share:.3f} | {r.accentless_share:.3f} | {r.digit_confusions} |"
    )


if __name__ == "__main__":
    leave_one_plan_out()
    dong_nai_lines()
    speed_and_damage()
