"""Write plans as other hands would: the five plans rewritten, each with a JSON mapping beside it.

Each rewrite takes one of the five plans (in turn) and a seeded choice of
numbering ("Phần II.", "Chương II.", "Mục 2.", "2.1.", "Điều 7.", "a)", "a.",
"b-"), bullets ("-", "+", "•"), heading case, hard-wrapped or joined lines, a
real province, commune or ward as issuer (from ``vietnam-provinces``), and
figures, dates and document numbers changed consistently. ``<stem>.mapping.json``
lists every substitution (old -> new) and the choices. The same seed writes
byte-identical files. The logic lives in ``eval/metamorphic/``.

Usage::

    python bench/make_corpus.py --n 10 --seed 7 [--out DIR] [--plans DIR]
        [--reorder 0.1] [--drop 0.05] [--merge 0.05] [--ocr 0.1]

Without ``--out`` the corpus goes to ``<tmp>/bhyt-corpus-<seed>``, outside the repository.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.metamorphic.corpus import DEFAULT_SEED, PLANS_DIR, CorpusOptions, make_corpus, read_plans  # noqa: E402
from eval.metamorphic.damage import DamageOptions  # noqa: E402


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"tỉ lệ phải trong [0, 1], nhận {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line (help in Vietnamese)."""
    parser = argparse.ArgumentParser(prog="python bench/make_corpus.py",
                                     description="Viết lại các kế hoạch theo cách trình bày khác, kèm bảng ánh xạ JSON.")
    parser.add_argument("--n", type=int, required=True, help="Số bản viết lại.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Hạt giống (cùng hạt giống, cùng kết quả).")
    parser.add_argument("--out", type=Path, default=None, help="Thư mục ghi (mặc định <tmp>/bhyt-corpus-<seed>).")
    parser.add_argument("--plans", type=Path, default=PLANS_DIR, help="Thư mục các kế hoạch gốc.")
    parser.add_argument("--reorder", type=_share, default=0.0, help="Tỉ lệ ý bị đảo thứ tự (mặc định 0).")
    parser.add_argument("--drop", type=_share, default=0.0, help="Tỉ lệ ý bị bỏ (mặc định 0).")
    parser.add_argument("--merge", type=_share, default=0.0, help="Tỉ lệ ý bị nhập vào dòng trước (mặc định 0).")
    parser.add_argument("--ocr", type=_share, default=0.0, help="Tỉ lệ từ bị đọc sai kiểu OCR (mặc định 0).")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.n <= 0:
        print(f"Lỗi: --n phải lớn hơn 0, nhận {args.n}.", file=sys.stderr)
        return 2
    damage = DamageOptions(args.reorder, args.drop, args.merge, args.ocr)
    try:
        plans = read_plans([args.plans])
        folder, rewrites = make_corpus(CorpusOptions(args.n, args.seed, damage=damage if damage.active else None),
                                       args.out, plans)
    except (OSError, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    for rewrite in rewrites:
        mapping = rewrite.mapping
        print(f"{mapping.rewrite}: {mapping.source} → {mapping.locality['new_level']} {mapping.locality['new']}, "
              f"{len(mapping.substitutions)} thay thế, {mapping.conventions.section}/{mapping.conventions.item}/"
              f"{mapping.conventions.points}/{mapping.conventions.layout}")
    print(f"Đã ghi {len(rewrites)} kế hoạch vào {folder}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
