"""``python -m assistant ask "câu hỏi" [--json] [--locality X] [--k N] [--mode extractive|llm] [--index DIR]``.

Without ``--json`` it prints the answer, then the numbered citations for a
terminal reader; ``--json`` prints ``Answer.to_json()`` (the exact shape of
issue 4). Exit codes: 0 answered (an abstention is an answer), 2 usage error,
rejected question (including argv bytes that are not UTF-8) or unusable index.
"""

from __future__ import annotations

import argparse
import sys

from settings import load_settings

MODES = ("extractive", "llm")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ask`` command."""
    parser = subparsers.add_parser("ask", help="Hỏi và nhận câu trả lời có trích dẫn.",
                                   description="Trả lời câu hỏi về các kế hoạch, kèm trích dẫn nguyên văn.")
    parser.add_argument("question", metavar="CÂU_HỎI", help="Câu hỏi, có dấu hoặc không dấu.")
    add_answer_flags(parser)
    parser.add_argument("--locality", default=None, help="Chỉ trả lời từ kế hoạch của địa phương này.")
    parser.add_argument("--json", action="store_true", help="In câu trả lời dạng JSON.")
    parser.add_argument("--timings", action="store_true", help="In thời gian xử lý (khi không dùng --json).")
    parser.set_defaults(func=run)


def add_answer_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by ``ask`` and ``batch``: --k, --mode, --index."""
    parser.add_argument("--k", type=int, default=None, help="Số đoạn truy xuất (mặc định: retrieval_top_k).")
    parser.add_argument("--mode", choices=MODES, default=None,
                        help="Cách trả lời: extractive (mặc định, ngoại tuyến) hoặc llm.")
    parser.add_argument("--index", metavar="THƯ_MỤC", help="Thư mục chỉ mục (mặc định: thiết lập index_dir).")


def open_assistant(args: argparse.Namespace):
    """Build the Assistant for ``args`` or print a Vietnamese error and return None."""
    from assistant.service import Assistant
    from index.embedders import EmbedderError
    from index.manifest import IndexLoadError

    if args.k is not None and args.k <= 0:
        print(f"Lỗi: --k phải lớn hơn 0 (nhận được {args.k}).", file=sys.stderr)
        return None
    try:
        return Assistant(load_settings(index_dir=args.index))
    except (IndexLoadError, EmbedderError) as exc:
        print(f"Lỗi: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return None


def undecodable_position(text: str) -> int | None:
    """1-based position of the first character of ``text`` that is not encodable as UTF-8, or None.

    Python decodes command-line bytes that are not UTF-8 to lone surrogates
    (``surrogateescape``); they cannot be searched, printed or written back.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start + 1
    return None


def run(args: argparse.Namespace) -> int:
    """Answer one question and print it."""
    from assistant.commands.render import json_text, render_answer
    from assistant.guard import check_question

    for name, value in (("câu hỏi", args.question), ("--locality", args.locality or "")):
        position = undecodable_position(value)
        if position is not None:
            print(f"Lỗi: {name} có byte không đọc được theo UTF-8 (ký tự thứ {position}). Hãy đặt bảng mã "
                  "của cửa sổ lệnh là UTF-8 (ví dụ LANG=vi_VN.UTF-8 hoặc chcp 65001) rồi hỏi lại.", file=sys.stderr)
            return 2
    settings = load_settings(index_dir=args.index)
    guard = check_question(args.question, settings.max_question_chars)
    if not guard.ok:
        print(f"Lỗi: {guard.message}", file=sys.stderr)
        return 2
    assistant = open_assistant(args)
    if assistant is None:
        return 2
    answer = assistant.ask(args.question, locality=args.locality, top_k=args.k, mode=args.mode)
    if args.json:
        print(json_text(answer.to_json(), indent=2))
    else:
        print(render_answer(answer, show_timings=args.timings))
    return 0
