"""Benchmark of diacritic restoration and OCR repair; prints tables.

1. Leave-one-plan-out on the four clean plans: the model is built from the
   external counts (underthesea) plus the other three plans, the held-out plan
   is stripped of its diacritics and restored; syllable accuracy per plan.
2. The Đồng Nai OCR plan against its hand-corrected reading
   (``eval/gold/corrected/``, line i = line i of the plan; a test reference
   only, never a source of the model or rules). Its lines are split by
   :func:`is_development_line` into a development half (blocks 0, 2, 4, ... of
   10 lines: where errors were read and options chosen) and a held-out half
   (odd blocks: only the aggregate is read). Each is scored for all syllables
   and for Capitalised syllables (names, agencies), restoring line by line and
   the whole file at once (lines keep their neighbours' context, as clauses do).
   Then the older sets: ``tests/data/dong_nai_lines.tsv`` (lines the first OCR
   rules were written from) and ``dong_nai_lines_heldout.tsv``.
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
from ingest.ocr.restore import DEFAULT_MODEL_FILES, RESOURCES_DIR, Restorer, _default_restorer  # noqa: E402
from ingest.ocr.restore_accuracy import SyllableAccuracy, is_development_line, syllable_accuracy  # noqa: E402
from ingest.ocr.syllable_ngrams import NgramCounts  # noqa: E402
from ingest.vntext import fold_diacritics  # noqa: E402

PLANS = ROOT / "data" / "plans"
DONG_NAI = PLANS / "dong-nai_646-KH-TU_2026-01-09.txt"
DONG_NAI_CORRECTED = ROOT / "eval" / "gold" / "corrected" / DONG_NAI.name
# Accent-less questions written for this benchmark, in other words than any question file.
QUESTIONS = [
    "nha nuoc giup hoc sinh mua bhyt o muc nao",
    "do phu bhyt tinh dong nai nam 2026 dat muc nao",
    "ben nao lo viec truyen thong ve bhyt cho dan",
    "ke hoach nay duoc trien khai den luc nao",
    "uy ban cap xa phai ganh nhung phan viec gi",
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


def score_lines(references: list[str], hypotheses: list[str], keep) -> tuple[SyllableAccuracy, SyllableAccuracy, int]:
    """(all syllables, Capitalised syllables, lines skipped because their chunks differ) over kept lines."""
    every = capitals = SyllableAccuracy(0, 0)
    skipped = 0
    for i, (reference, hypothesis) in enumerate(zip(references, hypotheses, strict=True)):
        if not keep(i):
            continue
        try:
            every += syllable_accuracy(reference, hypothesis)
            capitals += syllable_accuracy(reference, hypothesis, capitalised_only=True)
        except ValueError:  # the scan lost or split a word: no position-wise comparison
            skipped += 1
    return every, capitals, skipped


def dong_nai_halves() -> None:
    restorer = Restorer.load_default()
    ocr = DONG_NAI.read_text(encoding="utf-8").splitlines()
    corrected = DONG_NAI_CORRECTED.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    by_line = [restorer.repair_ocr(line) for line in ocr]
    line_seconds = time.perf_counter() - start
    start = time.perf_counter()
    whole = restorer.repair_ocr("\n".join(ocr)).split("\n")
    whole_seconds = time.perf_counter() - start
    print("\nĐồng Nai OCR plan against its hand-corrected reading, syllable accuracy")
    print("| half | restored | syllables | raw OCR | repair_ocr | Capitalised (names, agencies) | lines skipped |")
    print("|---|---|---|---|---|---|---|")
    halves = (("development (even 10-line blocks)", is_development_line),
              ("**held-out** (odd 10-line blocks)", lambda i: not is_development_line(i)))
    for name, keep in halves:
        raw, _, _ = score_lines(corrected, ocr, keep)
        for mode, hypotheses in (("line by line", by_line), ("whole file", whole)):
            every, capitals, skipped = score_lines(corrected, hypotheses, keep)
            print(
                f"| {name} | {mode} | {every.total} | {raw.value:.2%} | {every.value:.2%} "
                f"| {capitals.value:.2%} ({capitals.total}) | {skipped} |"
            )
    print(f"repair_ocr: {line_seconds:.2f} s line by line, {whole_seconds:.2f} s whole file")


def dong_nai_lines() -> None:
    restorer = Restorer.load_default()
    print("\nOlder Đồng Nai line sets (tests/data), syllable accuracy")
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
    dong_nai_halves()
    dong_nai_lines()
    speed_and_damage()
