"""``python -m assistant batch questions.jsonl [--out answers.jsonl] [--k N] [--mode M] [--index DIR]``.

Input: one JSON object per line, ``{"id", "question"}`` (optionally
``"locality"``), UTF-8. Lines are split on ``\\n`` bytes only (a U+2028 inside
a JSON string is not a line end) and read one at a time, so a huge file or a
huge line costs no more memory than :data:`MAX_LINE_BYTES`.

Output: exactly one JSON line per input line, in the same order (stdout by
default), each with ``"line"`` (the input line number, from 1):
``Answer.to_json(id)`` plus ``"refused"``, or for a line that cannot be used
``{"id", "line", "error"}`` with a Vietnamese message (blank line, not UTF-8,
not JSON, not an object, missing or mistyped field, lone surrogate, line too
long). Output lines are written by ``render.json_text``: U+2028, U+2029,
U+0085 and lone surrogates are escaped, so writing never fails and a reader
that splits on any line end still sees one line per record.

The index is loaded once. Exit codes: 0 every line answered, 1 some lines
bad or refused by the guard, 2 unreadable input or output file or unusable
index, 3 an internal error on some line (every line still gets its output
line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from assistant.commands.ask_cmd import add_answer_flags, open_assistant
from assistant.commands.cli import INTERNAL_ERROR
from assistant.commands.render import json_text

#: Longest input line read, in bytes (a question is at most ``max_question_chars`` characters,
#: at most 6 bytes each in JSON); the rest of a longer line is skipped, unread into memory.
MAX_LINE_BYTES = 1 << 20

_BOM = b"\xef\xbb\xbf"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``batch`` command."""
    parser = subparsers.add_parser("batch", help="Trả lời một tệp câu hỏi JSONL, mỗi dòng một câu.",
                                   description="Trả lời các câu hỏi trong tệp JSONL ({\"id\", \"question\"} mỗi dòng).")
    parser.add_argument("questions", metavar="TỆP_JSONL", help="Tệp câu hỏi, mỗi dòng một đối tượng JSON.")
    parser.add_argument("--out", metavar="TỆP", default=None, help="Ghi kết quả vào tệp (mặc định: in ra màn hình).")
    add_answer_flags(parser)
    parser.set_defaults(func=run)


@dataclass(frozen=True)
class QuestionLine:
    """One input line read: the question to ask, or why the line cannot be used.

    Attributes:
        number: Line number in the file, from 1.
        id: The line's ``"id"`` as text (None when absent or unreadable).
        question: The question ("" when ``error`` is set).
        locality: The ``"locality"`` filter, or None.
        error: Vietnamese message when the line cannot be used ("" otherwise).
    """

    number: int
    id: str | None = None
    question: str = ""
    locality: str | None = None
    error: str = ""


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, bytes without the line end)`` per ``\\n``-separated line.

    A line longer than ``limit`` bytes gives ``None``; the rest of it is read
    and dropped in bounded pieces. A final line without ``\\n`` counts; the
    empty piece after a final ``\\n`` does not.
    """
    number = 0
    while True:
        piece = stream.readline(limit + 1)
        if not piece:
            return
        number += 1
        if len(piece) > limit and not piece.endswith(b"\n"):
            while piece and not piece.endswith(b"\n"):
                piece = stream.readline(1 << 16)
            yield number, None
            continue
        if number == 1 and piece.startswith(_BOM):
            piece = piece[len(_BOM):]
        yield number, piece.rstrip(b"\n").rstrip(b"\r")


def parse_line(number: int, raw: bytes | None) -> QuestionLine:
    """Read one input line (``None``: longer than :data:`MAX_LINE_BYTES`) into a :class:`QuestionLine`."""
    if raw is None:
        return QuestionLine(number, error=f"Dòng {number} quá dài (hơn {MAX_LINE_BYTES:,} byte)."
                                          .replace(",", "."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return QuestionLine(number, error=f"Dòng {number} không phải văn bản UTF-8 hợp lệ "
                                          f"(byte lỗi ở vị trí {exc.start + 1}).")
    if not text.strip():
        return QuestionLine(number, error=f"Dòng {number} trống: không có câu hỏi.")
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return QuestionLine(number, error=f"Dòng {number} không phải JSON hợp lệ ({exc.msg}, cột {exc.colno}).")
    except (ValueError, RecursionError):  # numbers too long to convert, nesting too deep
        return QuestionLine(number, error=f"Dòng {number} không phải JSON dùng được (số quá dài hoặc lồng quá sâu).")
    if not isinstance(item, dict):
        return QuestionLine(number, error=f"Dòng {number} phải là một đối tượng JSON có \"id\" và \"question\".")
    qid = _id_text(item.get("id"))
    question = item.get("question")
    if not isinstance(question, str):
        return QuestionLine(number, qid, error=f"Dòng {number} thiếu trường \"question\" (chuỗi).")
    locality = item.get("locality")
    if locality is not None and not isinstance(locality, str):
        return QuestionLine(number, qid, error=f"Dòng {number}: trường \"locality\" phải là chuỗi.")
    for name, value in (("question", question), ("locality", locality or "")):
        if _has_lone_surrogate(value):
            return QuestionLine(number, qid, error=f"Dòng {number}: trường \"{name}\" có ký tự không hợp lệ "
                                                   "(nửa cặp thay thế UTF-16 đứng riêng, ví dụ \\ud83d).")
    return QuestionLine(number, qid, question, locality if locality and locality.strip() else None)


def _id_text(value: object) -> str | None:
    """The line's id as text: strings as written, other JSON values as compact JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def run(args: argparse.Namespace) -> int:
    """Answer every line of the input file; one output line per input line."""
    path = Path(args.questions)
    try:
        source = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        print(f"Lỗi: không đọc được tệp câu hỏi {path} ({exc.strerror or exc}).", file=sys.stderr)
        return 2
    try:
        return _answer_file(source, path, args)
    finally:
        source.close()


def _answer_file(source: BinaryIO, path: Path, args: argparse.Namespace) -> int:
    assistant = open_assistant(args)
    if assistant is None:
        return 2
    if args.out:
        try:
            out = open(args.out, "wb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            print(f"Lỗi: không ghi được tệp kết quả {args.out} ({exc.strerror or exc}).", file=sys.stderr)
            return 2
    else:
        out = getattr(sys.stdout, "buffer", None)
    counts = {"answered": 0, "bad": 0, "refused": 0, "internal": 0}
    try:
        for number, raw in read_lines(source):
            record = _answer_line(assistant, parse_line(number, raw), args, counts)
            line = json_text(record) + "\n"
            if out is None:  # a text-only stdout (tests, embedding): json_text always encodes
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                out.write(line.encode("utf-8"))
                out.flush()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): cli.main stops quietly
    except OSError as exc:
        print(f"Lỗi: đọc tệp câu hỏi {path} hoặc ghi kết quả bị gián đoạn ({exc.strerror or exc}).",
              file=sys.stderr)
        return 2
    finally:
        if args.out and out is not None:
            out.close()
    summary = f"Đã trả lời {counts['answered']} câu hỏi; {counts['bad']} dòng lỗi."
    if counts["refused"]:
        summary += f" {counts['refused']} câu hỏi bị từ chối (trống, quá dài hoặc chỉ có mã HTML)."
    if counts["internal"]:
        summary += (f" {counts['internal']} dòng gặp lỗi nội bộ; hãy báo cho nhóm phát triển "
                    "(đặt BHYT_DEBUG=1 để xem chi tiết).")
    print(summary, file=sys.stderr)
    if counts["internal"]:
        return INTERNAL_ERROR
    return 1 if counts["bad"] or counts["refused"] else 0


def _answer_line(assistant, line: QuestionLine, args: argparse.Namespace, counts: dict[str, int]) -> dict:
    """The output record of one input line; ``counts`` is updated."""
    if line.error:
        counts["bad"] += 1
        return {"id": line.id, "line": line.number, "error": line.error}
    try:
        answer = assistant.ask(line.question, locality=line.locality, top_k=args.k, mode=args.mode)
    except Exception as exc:  # noqa: BLE001 - one line's failure must not stop the batch
        if os.environ.get("BHYT_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        counts["internal"] += 1
        return {"id": line.id, "line": line.number,
                "error": f"Lỗi nội bộ khi trả lời dòng {line.number} ({type(exc).__name__})."}
    if answer.refused:
        counts["refused"] += 1
    else:
        counts["answered"] += 1
    return {**answer.to_json(line.id), "line": line.number, "refused": answer.refused}
