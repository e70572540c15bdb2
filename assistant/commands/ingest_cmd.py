"""``python -m assistant ingest PATH... [--dump FILE] [--no-index] [--rebuild] [--index DIR] [--executor dask --address A]``.

Parses plans, reports what was found, and adds them to the index (unchanged
files cost nothing: content hash). With ``--executor dask`` files are read and
passages embedded on the workers of an existing Dask cluster
(``index/cluster_ingest.py``); the index is then built here as usual, from the
vectors the workers computed. Parsing (:func:`run_ingest`), printing
(:func:`print_report`), dumping (:func:`write_dump`) and indexing are separate steps.
Exit codes: 0 all files ingested, 1 some files skipped (each with its reason),
2 nothing ingested or the index could not be updated (the old one is kept) or the
cluster could not be used,
3 an internal error (see ``assistant/commands/cli.py``), 4 another ``ingest``
was updating the same index and did not finish within ``index_lock_timeout``
seconds; 130 when stopped with Ctrl-C (the index is left as it was).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import TextIO

from ingest.batch import IngestReport, ingest_paths
from ingest.model import CLAUSE_KINDS, ParsedDocument
from ingest.reading.errors import os_error_message

# How each clause kind is named to a Vietnamese reader.
KIND_NAMES: dict[str, str] = {
    "section": "phần",
    "item": "mục",
    "letter": "điểm",
    "bullet": "ý",
    "attribute": "thuộc tính",
    "footnote": "chú thích",
    "paragraph": "đoạn",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` sub-command."""
    parser = subparsers.add_parser(
        "ingest",
        help="Đọc các tệp kế hoạch, tách thành điều khoản và báo cáo kết quả.",
        description="Đọc tệp hoặc thư mục (.txt, .md, .docx, .pdf), tách mỗi kế hoạch thành cây điều khoản.",
    )
    parser.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="Tệp hoặc thư mục cần nạp.")
    parser.add_argument("--dump", metavar="TỆP", help="Ghi kết quả (siêu dữ liệu và điều khoản) ra tệp JSON.")
    parser.add_argument("--no-index", action="store_true", help="Chỉ phân tích, không cập nhật chỉ mục.")
    parser.add_argument("--rebuild", action="store_true",
                        help="Xây lại chỉ mục từ đầu chỉ với các tệp này (sau khi đổi bộ nhúng hoặc nâng cấp).")
    parser.add_argument("--index", metavar="THƯ_MỤC", help="Thư mục chỉ mục (mặc định: thiết lập index_dir).")
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="Nơi đọc tệp và nhúng đoạn: 'local' (máy này, mặc định) hoặc 'dask' (các máy trạm của "
                             "một cụm Dask đang chạy; chỉ mục vẫn được ghi ở máy này).")
    parser.add_argument("--address", metavar="ĐỊA_CHỈ",
                        help="Địa chỉ bộ điều phối cụm máy, ví dụ tcp://10.0.0.5:8786 (mặc định: thiết lập "
                             "cluster_address).")
    parser.set_defaults(func=run)


def run_ingest(paths: list[str], settings=None, known=None) -> IngestReport:
    """Parse every file in ``paths`` (see :func:`ingest.batch.ingest_paths`); ``known``: ids already indexed."""
    return ingest_paths(paths, settings=settings, known=known)


def describe_document(document: ParsedDocument, seconds: float | None = None) -> list[str]:
    """Vietnamese summary lines of one parsed document (``seconds``: time to read and parse it)."""
    meta = document.meta
    counts = Counter(c.kind for c in document.clauses)
    by_kind = ", ".join(f"{KIND_NAMES[k]} {counts[k]}" for k in CLAUSE_KINDS if counts.get(k))
    locality = meta.locality or "(không rõ)"
    if meta.level:
        locality += f" ({meta.level}"
        locality += f", tỉnh {meta.province})" if meta.level == "xã" and meta.province else ")"
    lines = [
        f"Tệp: {meta.source_path}",
        f"  Địa phương: {locality}",
        f"  Cơ quan ban hành: {meta.issuer or '(không rõ)'}",
        f"  Số: {meta.number or '(không có)'} · Ngày: {meta.date or '(không rõ)'}",
        f"  Mã văn bản: {meta.doc_id}",
        f"  Điều khoản: {len(document.clauses)} ({by_kind or 'không có'}) · Độ sâu: {document.depth}",
    ]
    if seconds is not None:
        lines.append(f"  Thời gian đọc: {seconds:.2f} giây".replace(".", ","))
    if meta.damage_score:
        repaired = sum(1 for c in document.clauses if c.reading)
        verdict = "hư hại, đã tạo bản đọc lại có dấu cho " + f"{repaired} điều khoản" if repaired else "nhẹ"
        lines.append(f"  Mức hư hại OCR: {meta.damage_score:.2f} ({verdict})")
    lines.extend(f"  Cảnh báo: {w}" for w in document.warnings)
    return lines


def print_report(report: IngestReport, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> None:
    """Print a summary per document on ``out`` and one line per skipped file on ``err``."""
    for document in report.documents:
        print("\n".join(describe_document(document, report.seconds.get(document.meta.source_path))), file=out)
    for note in report.notes:
        print(f"Lưu ý: {note}", file=out)
    for skipped in report.skipped:
        print(f"Bỏ qua: {skipped.message}", file=err)
    total = len(report.documents) + len(report.skipped)
    print(f"Đã nạp {len(report.documents)}/{total} tệp.", file=out)


def dump_json(report: IngestReport) -> dict:
    """The ``--dump`` JSON: documents with their metadata, warnings and clauses."""
    return {
        "documents": [
            {
                "source": doc.meta.source_path,
                "meta": doc.meta.to_json(),
                "warnings": list(doc.warnings),
                "clauses": [clause.to_json() for clause in doc.clauses],
            }
            for doc in report.documents
        ]
    }


def write_dump(report: IngestReport, path: str) -> None:
    """Write :func:`dump_json` to ``path`` (UTF-8, readable Vietnamese)."""
    target = Path(path)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dump_json(report), ensure_ascii=False, indent=1), encoding="utf-8")


def exit_code(report: IngestReport) -> int:
    """0 all ingested, 1 some skipped, 2 nothing ingested."""
    if not report.documents:
        return 2
    return 1 if report.skipped else 0


def index_report(report: IngestReport, settings, *, rebuild: bool = False) -> int:
    """Upsert the parsed documents into the index; prints what changed. Returns 0, 2 or 4 (index busy)."""
    from assistant.commands.index_cmd import update_index

    return update_index(report.documents, settings, rebuild=rebuild, error_label="Lỗi chỉ mục",
                        heading=f"Chỉ mục {settings.get('index_dir')}:")


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m assistant ingest``."""
    from index.maintenance import known_sources
    from settings import load_settings

    settings = load_settings(index_dir=args.index, cluster_address=args.address)
    known = {} if args.rebuild or args.no_index else known_sources(settings)
    if args.executor == "local":
        return _finish(args, settings, run_ingest(args.paths, settings, known))
    with tempfile.TemporaryDirectory(prefix="bhyt-cluster-") as scratch:
        # Without a vector cache, the workers' vectors reach the index build through a cache of this run only.
        if not settings.get("vector_cache"):
            settings = settings.with_overrides(vector_cache=str(Path(scratch) / "vectors.sqlite"))
        report = run_cluster_ingest(args.paths, settings, known, args.executor)
        if report is None:
            return 2
        return _finish(args, settings, report)


def run_cluster_ingest(paths: list[str], settings, known, executor: str) -> IngestReport | None:
    """Read and embed on the cluster named by ``settings.cluster_address``; vectors go into the vector cache.

    Prints a Vietnamese summary of the cluster's work, or the reason it could not be used (then returns None).
    """
    from index.cluster_ingest import ClusterError, ClusterIngest
    from index.vector_cache import VectorCache

    cache = VectorCache(settings.get("vector_cache"))
    try:
        timeout = settings.get("cluster_connect_timeout")
        cluster = ClusterIngest(executor, settings.get("cluster_address"), connect_timeout=timeout,
                                worker_grace=timeout)
        outcome = cluster.ingest(paths, settings=settings, cache=cache, known=known)
    except ClusterError as exc:
        print(f"Lỗi cụm máy: {exc.message}", file=sys.stderr)
        return None
    finally:
        cache.close()
    rate = outcome.chars / outcome.seconds / 1000 if outcome.seconds else 0.0
    print(f"Cụm máy {settings.get('cluster_address')}: {outcome.workers} máy trạm; đã nhúng {outcome.embedded} đoạn "
          f"({_vn(outcome.chars, 0)} ký tự, {_vn(rate, 1)} nghìn ký tự/giây), dùng lại {outcome.reused} vector "
          f"đã có; {_vn(outcome.seconds, 1)} giây.")
    return outcome.ingest


def _vn(number: float, digits: int) -> str:
    """A number written the Vietnamese way: 12.345,6."""
    return f"{number:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _finish(args: argparse.Namespace, settings, report: IngestReport) -> int:
    """Print the report, write the dump, update the index; the exit code."""
    print_report(report)
    if not report.documents and not report.skipped:
        print("Lỗi: không tìm thấy tệp .txt, .md, .docx hoặc .pdf nào để nạp.", file=sys.stderr)
    if args.dump:
        try:
            write_dump(report, args.dump)
        except OSError as exc:
            print(f"Lỗi: không ghi được tệp {args.dump}: {os_error_message(args.dump, exc)}", file=sys.stderr)
            return 2
        print(f"Đã ghi kết quả ra {args.dump}.")
    if report.documents and not args.no_index:
        failed = index_report(report, settings, rebuild=args.rebuild)
        if failed:
            return failed
    return exit_code(report)
