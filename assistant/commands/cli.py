"""Command-line interface: one sub-command per module in ``assistant/commands``.

Each command module exposes ``register(subparsers)`` (adds its parser and sets
``func``) and is imported lazily, so ``ingest`` does not pay for loading FAISS
or Gradio. Exit codes: 0 success, 1 partial success (some inputs skipped;
for ``batch``, some lines bad or refused, every line still answered),
2 usage or input error (also command-line bytes that are not UTF-8),
3 internal error (a Vietnamese message, no traceback; ``BHYT_DEBUG=1`` shows
it; for ``batch``, an internal error on some line, after every line got its
output line), 4 the index is being updated by another process (``ingest``,
``index build|rm`` waited ``index_lock_timeout`` seconds; ``index_cmd.INDEX_BUSY``),
130 stopped with Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

# command name -> module in assistant.commands
#: Exit code of an unexpected error in any command (after a Vietnamese message, no traceback).
INTERNAL_ERROR = 3

COMMANDS: dict[str, str] = {
    "ingest": "ingest_cmd",
    "index": "index_cmd",
    "search": "search_cmd",
    "ask": "ask_cmd",
    "batch": "batch_cmd",
}


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors in Vietnamese."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised via CLI tests
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: tham số không hợp lệ ({message}).\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; ``only`` restricts registration to one command (fast path)."""
    parser = VietnameseArgumentParser(
        prog="python -m assistant",
        description="Trợ lý hỏi đáp về các kế hoạch thực hiện Chỉ thị 52-CT/TW về bảo hiểm y tế toàn dân.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=VietnameseArgumentParser)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        importlib.import_module(f"assistant.commands.{module_name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; return its exit code."""
    argv = sys.argv[1:] if argv is None else argv
    only = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        logging.getLogger("assistant").debug("internal error", exc_info=True)
        print(f"Lỗi nội bộ không lường trước ({type(exc).__name__}: {exc}). Dữ liệu và chỉ mục không bị "
              "thay đổi dở dang; hãy báo lỗi này cho nhóm phát triển (đặt BHYT_DEBUG=1 để xem chi tiết).",
              file=sys.stderr)
        if os.environ.get("BHYT_DEBUG"):
            raise
        return INTERNAL_ERROR
