"""``python -m assistant search "câu hỏi" [--k 10] [--locality X] [--json] [--index DIR]``.

Prints the fused clauses with their section, score and each channel's rank;
``--json`` prints ``{"query", "results": [ScoredClause.to_json(), ...]}``.
Exit codes: 0 success, 2 usage error or unusable index.
"""

from __future__ import annotations

import argparse
import json
import sys

from settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``search`` command."""
    parser = subparsers.add_parser("search", help="Tìm các đoạn liên quan đến câu hỏi (không trả lời).",
                                   description="Tìm các đoạn liên quan đến câu hỏi (không trả lời).")
    parser.add_argument("query", metavar="CÂU_HỎI", help="Câu hỏi hoặc từ khóa, có dấu hoặc không dấu.")
    parser.add_argument("--k", type=int, default=None, help="Số đoạn trả về (mặc định: retrieval_top_k).")
    parser.add_argument("--locality", default=None, help="Chỉ tìm trong kế hoạch của địa phương này.")
    parser.add_argument("--channels", default="dense,lexical",
                        help="Kênh tìm kiếm, cách nhau bởi dấu phẩy: dense, lexical (mặc định: cả hai).")
    parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
    parser.add_argument("--index", metavar="THƯ_MỤC", help="Thư mục chỉ mục (mặc định: thiết lập index_dir).")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Search and print the results."""
    from index.embedders import EmbedderError
    from index.maintenance import open_index
    from index.manifest import IndexLoadError
    from index.retriever import HybridRetriever

    if args.k is not None and args.k <= 0:
        print(f"Lỗi: --k phải lớn hơn 0 (nhận được {args.k}).", file=sys.stderr)
        return 2
    channels = tuple(c.strip() for c in args.channels.split(",") if c.strip())
    if not channels or any(c not in ("dense", "lexical") for c in channels):
        print(f"Lỗi: --channels chỉ nhận 'dense' và/hoặc 'lexical' (nhận được {args.channels!r}).", file=sys.stderr)
        return 2
    if not args.query.strip():
        print("Lỗi: câu hỏi trống.", file=sys.stderr)
        return 2
    settings = load_settings(index_dir=args.index)
    try:
        index = open_index(settings)
    except (IndexLoadError, EmbedderError) as exc:
        print(f"Lỗi: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    retriever = HybridRetriever(index, settings)
    filters = {"locality": args.locality} if args.locality else None
    results = retriever.retrieve(args.query, top_k=args.k, filters=filters, channels=channels)
    if args.json:
        print(json.dumps({"query": args.query, "results": [r.to_json() for r in results]},
                         ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("Không tìm thấy đoạn nào phù hợp.")
        return 0
    for n, r in enumerate(results, 1):
        ranks = f"vector #{r.dense_rank or '-'}, từ khóa #{r.lexical_rank or '-'}"
        print(f"[{n}] {r.locality} · {r.section}  (điểm {r.score:.4f}; {ranks})")
        print(f"    {' '.join(r.clause.text.split())}")
        print(f"    {r.clause.doc_id} ký tự {r.clause.char_start}–{r.clause.char_end}")
    return 0
