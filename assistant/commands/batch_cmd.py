"""``python -m assistant batch questions.jsonl [--out answers.jsonl] [--k N] [--mode M] [--index DIR]``.

Input: one JSON object per line, ``{"id", "question"}`` (optionally
``"locality"``). Output: one JSON line per input line, in the same order
(stdout by default): ``Answer.to_json(id)``, or for a line that cannot be
used ``{"id", "line", "error"}`` with a Vietnamese message. Blank lines are
skipped. The index is loaded once. Exit codes: 0 every line answered, 1 some
lines were bad, 2 unreadable input or unusable index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.commands.ask_cmd import add_answer_flags, open_assistant


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``batch`` command."""
    parser = subparsers.add_parser("batch", help="Trả lời một tệp câu hỏi JSONL, mỗi dòng một câu.",
                                   description="Trả lời các câu hỏi trong tệp JSONL ({\"id\", \"question\"} mỗi dòng).")
    parser.add_argument("questions", metavar="TỆP_JSONL", help="Tệp câu hỏi, mỗi dòng một đối tượng JSON.")
    parser.add_argument("--out", metavar="TỆP", default=None, help="Ghi kết quả vào tệp (mặc định: in ra màn hình).")
    add_answer_flags(parser)
    parser.set_defaults(func=run)


def parse_line(raw: str) -> tuple[str | None, str, str | None, str]:
    """Read one input line into (id, question, locality, error); ``error`` is "" when usable."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, "", None, f"Dòng không phải JSON hợp lệ ({exc.msg}, cột {exc.colno})."
    if not isinstance(item, dict):
        return None, "", None, "Mỗi dòng phải là một đối tượng JSON có \"id\" và \"question\"."
    qid = item.get("id")
    qid = None if qid is None else str(qid)
    question = item.get("question")
    if not isinstance(question, str):
        return qid, "", None, "Thiếu trường \"question\" (chuỗi) trong dòng này."
    locality = item.get("locality")
    return qid, question, locality if isinstance(locality, str) and locality.strip() else None, ""


def run(args: argparse.Namespace) -> int:
    """Answer every line of the input file."""
    path = Path(args.questions)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Lỗi: không đọc được tệp câu hỏi {path} ({exc}).", file=sys.stderr)
        return 2
    assistant = open_assistant(args)
    if assistant is None:
        return 2
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    bad = answered = 0
    try:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            qid, question, locality, error = parse_line(raw)
            if error:
                record = {"id": qid, "line": number, "error": error}
                bad += 1
            else:
                record = assistant.ask(question, locality=locality, top_k=args.k, mode=args.mode).to_json(qid)
                answered += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"Đã trả lời {answered} câu hỏi; {bad} dòng lỗi.", file=sys.stderr)
    return 1 if bad else 0
