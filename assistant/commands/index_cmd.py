"""``python -m assistant index info | rm <doc_id> | build PATH... [--rebuild]``.

Exit codes: 0 success, 1 some inputs skipped, 2 usage error, unusable index or
an index that could not be written (full disk, no permission: the old one is
kept), 4 (:data:`INDEX_BUSY`) another process kept the index locked for
``index_lock_timeout`` seconds.
"""

from __future__ import annotations

import argparse
import sys

from settings import load_settings

#: Exit code when another process is updating the same index directory and did not finish in time.
INDEX_BUSY = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``index`` command and its sub-commands."""
    parser = subparsers.add_parser("index", help="Xem, xây hoặc sửa chỉ mục tìm kiếm.",
                                   description="Xem, xây hoặc sửa chỉ mục tìm kiếm.")
    actions = parser.add_subparsers(dest="index_action", metavar="THAO_TÁC", parser_class=type(parser))

    info = actions.add_parser("info", help="In danh sách văn bản, số đoạn, bộ nhúng, dung lượng.")
    _add_index_flag(info)
    info.set_defaults(func=run_info)

    rm = actions.add_parser("rm", help="Xóa một văn bản (và các đoạn của nó) khỏi chỉ mục.")
    rm.add_argument("doc_id", help="Mã văn bản, ví dụ hue_KH-UBND (xem: index info).")
    _add_index_flag(rm)
    rm.set_defaults(func=run_rm)

    build = actions.add_parser("build", help="Nạp các tệp và cập nhật chỉ mục (chỉ làm lại phần thay đổi).")
    build.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="Tệp hoặc thư mục kế hoạch.")
    build.add_argument("--rebuild", action="store_true", help="Xây lại chỉ mục từ đầu chỉ với các tệp này.")
    _add_index_flag(build)
    build.set_defaults(func=run_build)

    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _add_index_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="THƯ_MỤC", help="Thư mục chỉ mục (mặc định: thiết lập index_dir).")


def _settings(args: argparse.Namespace):
    return load_settings(index_dir=args.index)


def _size(num_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.0f} {unit}" if unit == "B" else f"{num_bytes:.1f} {unit}"
        num_bytes /= 1024
    return ""


def run_info(args: argparse.Namespace) -> int:
    """Print what the index holds."""
    from index.maintenance import open_index
    from index.manifest import IndexLoadError

    try:
        index = open_index(_settings(args), with_embedder=False)
    except IndexLoadError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    info = index.info()
    print(f"Chỉ mục: {info.directory}")
    print(f"Bộ nhúng: {info.embedder_id} ({info.dim} chiều), FAISS: {info.faiss_type}, "
          f"định dạng phiên bản {info.format_version}")
    print(f"Dung lượng: {_size(info.size_bytes)}; xây lúc: {info.built_at}")
    print(f"{len(info.documents)} văn bản, {info.clauses} đoạn:")
    for doc in info.documents:
        damage = f", mức hư hại OCR {doc.damage_score:.2f}" if doc.damage_score else ""
        print(f"  - {doc.doc_id}: {doc.locality or '?'} ({doc.level or '?'}), {doc.clauses} đoạn{damage}")
        for warning in doc.warnings:
            print(f"      Cảnh báo: {warning}")
    return 0


def run_rm(args: argparse.Namespace) -> int:
    """Remove one document."""
    from index.atomic import IndexWriteError
    from index.locking import IndexBusyError
    from index.maintenance import remove_document
    from index.manifest import IndexLoadError
    from index.store import UnknownDocumentError

    try:
        index = remove_document(args.doc_id, _settings(args))
    except IndexBusyError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return INDEX_BUSY
    except (IndexLoadError, IndexWriteError) as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    except UnknownDocumentError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    print(f"Đã xóa văn bản {args.doc_id}; còn {len(index.documents())} văn bản, {len(index)} đoạn.")
    return 0


def run_build(args: argparse.Namespace) -> int:
    """Ingest the given paths and upsert them into the index."""
    from index.maintenance import known_sources
    from ingest.batch import ingest_paths

    settings = _settings(args)
    report = ingest_paths(args.paths, settings=settings, known={} if args.rebuild else known_sources(settings))
    for note in report.notes:
        print(f"Lưu ý: {note}")
    for skipped in report.skipped:
        print(f"Bỏ qua {skipped.source_path}: {skipped.message}", file=sys.stderr)
    failed = update_index(report.documents, settings, rebuild=args.rebuild)
    if failed:
        return failed
    return 1 if report.skipped else 0


def update_index(documents, settings, *, rebuild: bool, error_label: str = "Lỗi", heading: str = "") -> int:
    """Upsert ``documents`` into the settings' index and print what changed (``heading`` first).

    Returns 0; 2 after printing ``"<error_label>: <message>"`` when the index or
    the embedder cannot be used or the index cannot be written; :data:`INDEX_BUSY`
    when another process kept the index locked. Shared by ``index build`` and ``ingest``.
    """
    from index.atomic import IndexWriteError
    from index.embedders import EmbedderError
    from index.locking import IndexBusyError
    from index.maintenance import index_documents
    from index.manifest import IndexLoadError

    try:
        update = index_documents(documents, settings, rebuild=rebuild)
    except IndexBusyError as exc:
        print(f"{error_label}: {exc.message}", file=sys.stderr)
        return INDEX_BUSY
    except (IndexLoadError, EmbedderError, IndexWriteError) as exc:
        print(f"{error_label}: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    if heading:
        print(heading)
    print(describe_update(update))
    return 0


def describe_update(update) -> str:
    """Vietnamese summary of an UpdateReport (also used by ``ingest``)."""
    lines = []
    for label, ids in (("Thêm mới", update.added), ("Cập nhật", update.updated),
                       ("Không đổi", update.unchanged), ("Đã xóa", update.removed)):
        if ids:
            lines.append(f"{label} ({len(ids)}): {', '.join(ids)}")
    if not lines:
        lines.append("Không có văn bản nào.")
    lines.append(f"Đã nhúng {update.embedded} đoạn mới, dùng lại {update.reused} vector; {update.seconds:.1f} giây.")
    return "\n".join(lines)
