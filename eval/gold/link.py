"""Fill ``gold_clause_ids`` in the gold question set from its verbatim evidence strings.

The gold set (``eval/gold/gold.jsonl``) names its evidence as verbatim strings,
so it survives a change of chunking; the clause ids that retrieval metrics need
are derived from them, never written by hand: every plan of ``data/plans`` is
parsed with ``ingest.pipeline.parse_text`` and each evidence string is linked
to the most specific clauses holding it (see ``evidence_links.py``).

Usage::

    python -m eval.gold.link [--gold FILE] [--plans DIR] [--check]

The file is rewritten in place (ids in document order, deterministic) unless
``--check`` is given; evidence strings not found (or found more than once) and
evidence spans that no clause covers are reported in Vietnamese, and the exit
code is 1 when any evidence could not be linked.

This module is the command-line entry point (:func:`main`, :func:`parse_plans`).
Its parts live in ``questions.py`` (the gold file format: :class:`GoldQuestion`,
:func:`read_gold`, :func:`write_gold`) and ``evidence_links.py`` (span matching:
:func:`link_questions`, :func:`clauses_for_span`, :func:`uncovered_text`,
:class:`LinkReport`); import them from there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.gold.evidence_links import (
    link_questions,
    shorten,
)
from eval.gold.questions import (
    GOLD_PATH,
    read_gold,
    write_gold,
)
from ingest.batch import expand_paths
from ingest.model import ParsedDocument
from ingest.pipeline import parse_text
from ingest.reading.readers import read_source

__all__ = ["PLANS_DIR", "main", "parse_plans"]

PLANS_DIR = Path(__file__).resolve().parents[2] / "data" / "plans"


def parse_plans(plans_dir: str | Path = PLANS_DIR) -> dict[str, ParsedDocument]:
    """Parse every plan file of ``plans_dir`` (as ``ingest`` lists them) with ``parse_text``, keyed by doc id."""
    documents: dict[str, ParsedDocument] = {}
    files, missing = expand_paths([plans_dir])
    if missing:
        raise FileNotFoundError(missing[0].message)
    for path in files:
        source = read_source(path)
        document = parse_text(source.text, str(path), encoding=source.encoding)
        documents[document.meta.doc_id] = document
    return documents


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0 linked, 1 problems, 2 bad input)."""
    parser = argparse.ArgumentParser(
        prog="python -m eval.gold.link",
        description="Điền gold_clause_ids cho bộ câu hỏi chuẩn từ các đoạn trích nguyên văn.",
    )
    parser.add_argument("--gold", default=str(GOLD_PATH), help="tệp bộ câu hỏi chuẩn (JSONL)")
    parser.add_argument("--plans", default=str(PLANS_DIR), help="thư mục chứa các kế hoạch")
    parser.add_argument("--check", action="store_true", help="chỉ kiểm tra, không ghi lại tệp")
    args = parser.parse_args(argv)
    try:
        questions = read_gold(args.gold)
    except (OSError, ValueError) as error:
        print(f"Lỗi: không đọc được bộ câu hỏi '{args.gold}': {error}", file=sys.stderr)
        return 2
    try:
        documents = parse_plans(args.plans)
    except OSError as error:
        print(f"Lỗi: không đọc được thư mục kế hoạch '{args.plans}': {error}", file=sys.stderr)
        return 2
    report = link_questions(questions, documents)
    for problem in report.problems:
        label = "Lỗi" if problem.is_error else "Cảnh báo"
        print(
            f"{label} {problem.question_id} [{problem.doc_id}] \"{shorten(problem.evidence)}\": {problem.message}",
            file=sys.stderr,
        )
    n_ids = sum(len(q.gold_clause_ids) for q in report.questions)
    print(
        f"{len(report.questions)} câu hỏi, {n_ids} mã điều khoản; {report.changed} câu thay đổi; "
        f"{len(report.errors)} lỗi, {len(report.problems) - len(report.errors)} cảnh báo."
    )
    if args.check:
        if report.changed:
            print("Tệp chưa cập nhật: hãy chạy lại không có --check.", file=sys.stderr)
        return 1 if report.errors or report.changed else 0
    write_gold(args.gold, report.questions)
    print(f"Đã ghi {args.gold}.")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
