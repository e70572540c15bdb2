"""The ``--metamorphic`` mode of ``python -m eval run``: arguments in, tables printed and written, exit code out."""

from __future__ import annotations

import argparse
import sys

from eval.gold.questions import GoldFormatError
from eval.metamorphic.run import FrozenSetError, metamorphic_text, run_metamorphic, write_report
from eval.systems import SYSTEM_NAMES
from index.manifest import IndexLoadError

__all__ = ["metamorphic_command"]


def metamorphic_command(args: argparse.Namespace, *, default_systems: str) -> int:
    """Run the metamorphic evaluation for parsed ``run`` arguments; returns the exit code.

    Only the "hybrid" system runs unless ``--systems`` names others (each system is scored twice).
    """
    names = ["hybrid"] if args.systems == default_systems else [n.strip() for n in args.systems.split(",")
                                                                 if n.strip()]
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if not names or unknown:
        print(f"Lỗi: hệ thống không hợp lệ {unknown or names}; chọn trong: {', '.join(SYSTEM_NAMES)}.",
              file=sys.stderr)
        return 2
    if args.accentless or args.compare is not None:
        print("Lỗi: --metamorphic không dùng cùng --accentless hay --compare.", file=sys.stderr)
        return 2
    try:
        report = run_metamorphic(args.gold, seed=args.metamorphic_seed, split=args.split, limit=args.limit,
                                 systems=names, progress=not args.quiet,
                                 log=lambda line: print(line, file=sys.stderr))
    except FrozenSetError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except (GoldFormatError, ValueError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except (IndexLoadError, RuntimeError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    for system in names:
        print(metamorphic_text(report, system))
    written = write_report(report, args.out, names[0])
    print(f"\nĐã ghi: {', '.join(str(p) for p in written)}")
    return 0
