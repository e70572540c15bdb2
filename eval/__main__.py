"""Command line of the evaluation: ``python -m eval run [options]``.

Runs a gold file (the project's ``eval/gold/gold.jsonl`` or any file in the
same format) through the chosen systems in-process, prints the tables, and
writes report.md, results.json and PNG charts into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.gold.questions import GoldFormatError
from eval.report import terminal_report, write_outputs
from eval.runner import compare_runs, evaluate, load_gold, select
from eval.systems import SYSTEM_NAMES, build_systems
from index.manifest import IndexLoadError
from ingest.vntext import fold_diacritics, nfc
from settings import load_settings

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "gold.jsonl"
DEFAULT_OUT = Path("eval_out")
DEFAULT_SYSTEMS = "hybrid,lexical,dense,plain,bm25-chunks,hybrid-chunks,bm25-clauses,top5,echo,contradict"


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m eval`` argument parser (help in Vietnamese)."""
    parser = argparse.ArgumentParser(prog="python -m eval", description="Đánh giá trợ lý trên tập câu hỏi vàng.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="Chạy tập câu hỏi qua các hệ thống và ghi báo cáo.")
    run.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="Tệp câu hỏi vàng (JSON lines).")
    run.add_argument("--systems", default=DEFAULT_SYSTEMS,
                     help="Các hệ thống, phân tách bằng dấu phẩy: hybrid, lexical, dense, plain, bm25-chunks, "
                          "hybrid-chunks, bm25-clauses (đối chứng), top5, echo, contradict (kiểm tra chỉ số).")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Thư mục ghi report.md, results.json, biểu đồ.")
    run.add_argument("--index", default=None, help="Thư mục chỉ mục (mặc định theo thiết lập index_dir).")
    run.add_argument("--compare", type=Path, default=None, help="results.json của một lần chạy trước để so sánh.")
    run.add_argument("--limit", type=int, default=None, help="Chỉ chạy N câu đầu tiên (theo mã câu hỏi).")
    run.add_argument("--split", choices=("train", "dev", "test", "all"), default="all", help="Phần của tập câu hỏi.")
    run.add_argument("--bootstrap", type=int, default=1000,
                     help="Số lần lấy mẫu lại để tính khoảng tin cậy 95%% (0 = không tính).")
    run.add_argument("--accentless", action="store_true",
                     help="Bỏ dấu và viết thường mọi câu hỏi (như gõ trên điện thoại) trước khi chạy.")
    run.add_argument("--no-charts", action="store_true", help="Không vẽ biểu đồ.")
    run.add_argument("--quiet", action="store_true", help="Không hiện thanh tiến trình.")
    run.add_argument("--metamorphic", action="store_true",
                     help="So sánh kế hoạch gốc với bản viết lại kiểu khác (đánh số, địa phương, số liệu, xuống dòng).")
    run.add_argument("--metamorphic-seed", type=int, default=52, help="Hạt giống của bộ viết lại (--metamorphic).")
    fit = commands.add_parser("fit", help="Huấn luyện bước trả lời (chọn câu, từ chối) từ các tập câu hỏi huấn luyện.")
    fit.add_argument("--train", nargs="*", default=None, help="Tệp câu hỏi huấn luyện (mặc định eval/gold/train_*).")
    fit.add_argument("--dev", nargs="*", default=None,
                     help="Tệp câu hỏi phát triển để chọn mô hình và hiệu chỉnh (mặc định gold.jsonl, holdout).")
    fit.add_argument("--out", default=None, help="Tệp trọng số (mặc định assistant/resources/answer_step.json).")
    fit.add_argument("--index", default=None, help="Thư mục chỉ mục (mặc định theo thiết lập index_dir).")
    fit.add_argument("--lopo", action="store_true",
                     help="Thêm kiểm tra bỏ một kế hoạch: huấn luyện trên bốn kế hoạch, chấm trên kế hoạch thứ năm.")
    topic = commands.add_parser("fit-topic", help="Huấn luyện bước nhận biết câu hỏi ngoài chủ đề (kế hoạch BHYT).")
    topic.add_argument("--out", default=None, help="Tệp mô hình (mặc định assistant/resources/topic_step.json).")
    targets = commands.add_parser("targets", help="Chấm phần trích chỉ tiêu (precision, recall theo ô) với bảng chuẩn.")
    targets.add_argument("--gold", type=Path, default=None, help="Bảng chỉ tiêu chuẩn (mặc định eval/gold/targets/targets_2026-12.jsonl).")
    targets.add_argument("--plans", default="data/plans", help="Thư mục các kế hoạch gốc.")
    targets.add_argument("--rewrites", type=int, default=10,
                         help="Số bản viết lại (kiểu đánh số, địa phương, số liệu khác) chấm thêm; 0 = không.")
    targets.add_argument("--out", type=Path, default=None, help="Ghi kết quả JSON vào tệp này.")
    return parser


def strip_accents(questions):
    """The questions as typed without accents on a phone: diacritics folded (đ -> d), lowercase."""
    from dataclasses import replace

    return tuple(replace(q, question=fold_diacritics(nfc(q.question)).lower()) for q in questions)


def run_title(args: argparse.Namespace) -> str:
    """What the run is, for the report and chart titles: the question file, its split, accent-less typing."""
    parts = [Path(args.gold).stem]
    if args.split != "all":
        parts.append(f"phần {args.split}")
    if args.accentless:
        parts.append("gõ không dấu")
    if args.limit:
        parts.append(f"{args.limit} câu đầu")
    return ", ".join(parts)


def _index_targets_score(index_dir: str):
    """The index's stored targets against the hand-checked table (None when it covers none of its plans);
    read from the index's database alone (the run has loaded the index for its systems already)."""
    from eval.targets import load_target_gold, score_plans
    from index.store import read_plan_targets

    return score_plans(*read_plan_targets(Path(index_dir)), load_target_gold())


def run_command(args: argparse.Namespace) -> int:
    """Execute ``run``; returns the exit code."""
    if args.metamorphic:
        from eval.metamorphic.command import metamorphic_command

        return metamorphic_command(args, default_systems=DEFAULT_SYSTEMS)
    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    if args.bootstrap < 0:
        print(f"Lỗi: --bootstrap không được âm, nhận {args.bootstrap}.", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit <= 0:
        print(f"Lỗi: --limit phải lớn hơn 0, nhận {args.limit}.", file=sys.stderr)
        return 2
    try:
        questions = select(load_gold(args.gold), split=args.split, limit=args.limit)
    except GoldFormatError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if args.accentless:
        questions = strip_accents(questions)
    if not questions:
        print(f"Lỗi: không có câu hỏi nào trong {args.gold} (phần {args.split}).", file=sys.stderr)
        return 2
    old = None
    if args.compare is not None:
        try:
            old = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"Lỗi: không đọc được tệp so sánh {args.compare}: {exc}", file=sys.stderr)
            return 2
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if not names or unknown:
        print(f"Lỗi: hệ thống không hợp lệ {unknown or names}; chọn trong: {', '.join(SYSTEM_NAMES)}.",
              file=sys.stderr)
        return 2
    settings = load_settings(index_dir=args.index)
    try:
        systems, context = build_systems(names, settings)
    except IndexLoadError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    title = run_title(args)
    run = evaluate(questions, systems, context, gold_path=str(args.gold), split=args.split,
                   progress=not args.quiet, title=title)
    changes = compare_runs(old, run) if old is not None else None
    print(terminal_report(run, changes, bootstrap=args.bootstrap))
    written = write_outputs(run, args.out, changes, charts=not args.no_charts, bootstrap=args.bootstrap,
                            targets=_index_targets_score(settings.index_dir))
    print(f"\nĐã ghi: {', '.join(str(p) for p in written.values())}")
    return 0


def targets_command(args: argparse.Namespace) -> int:
    """``python -m eval targets``: cell precision and recall of target extraction, plans and rewrites."""
    import json

    from eval.targets import TARGETS_GOLD, extracted, load_target_gold, score_plans, score_rewrites, score_text
    from ingest.batch import ingest_paths

    gold = load_target_gold(args.gold or TARGETS_GOLD)
    documents = ingest_paths([args.plans]).documents
    plans = score_plans([d.meta for d in documents], extracted(documents), gold)
    scores = [plans] if plans is not None else []
    if args.rewrites > 0:
        scores.append(score_rewrites(args.rewrites, gold))
    print(score_text(scores))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps([s.to_json() for s in scores], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m eval``."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_command(args)
    if args.command == "fit-topic":
        from eval.fit_topic import run as fit_topic

        print(fit_topic(args.out))
        return 0
    if args.command == "targets":
        return targets_command(args)
    if args.command == "fit":
        from eval.fit import run
        from eval.gold.questions import GoldFormatError
        from index.manifest import IndexLoadError

        try:
            print(run(args.train, args.dev, args.out, args.index, lopo=args.lopo))
        except (GoldFormatError, IndexLoadError, ValueError) as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 2
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
