"""Targets overview benchmark: the "Chỉ tiêu các địa phương" tab with thousands of plans.

Usage::

    python bench/overview.py [--plans 3400] [--repeat 5]

The five bundled plans are read once and their targets copied onto ``--plans``
synthetic plans (real commune, ward and province names from ``vietnam-provinces``,
levels mixed as the national corpus will be), so the overview holds as many rows as
the national corpus would. Prints one table: building the overview, one page (50
plans) for each order and a filter, its HTML, and the CSV of every plan, as the
median of ``--repeat`` runs in milliseconds, with the CSV and HTML sizes.
No timing is asserted in tests; this table is the check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic_corpus(n: int):
    """(documents, targets, clauses, sources) for ``n`` plans made from the five bundled ones."""
    from ingest.batch import ingest_paths
    from ingest.places import localities
    from ingest.targets import extract_targets

    report = ingest_paths([ROOT / "data" / "plans"])
    places = [p for p in localities() if not p.merged_into]
    documents, targets, clauses, sources = [], [], {}, {}
    for i in range(n):
        doc = report.documents[i % len(report.documents)]
        place = places[i % len(places)]
        meta = replace(doc.meta, doc_id=f"{doc.meta.doc_id}-{i}", locality=place.name, level=place.level,
                       province=place.province or place.name)
        documents.append(meta)
        for target in extract_targets(doc.meta, doc.clauses):
            targets.append((meta, replace(target, doc_id=meta.doc_id)))
        sources[meta.doc_id] = doc.source_text
    for doc in report.documents:
        clauses.update({c.id: c for c in doc.clauses})
    return documents, targets, clauses, sources


def _median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Đo tốc độ bảng chỉ tiêu với nhiều kế hoạch.")
    parser.add_argument("--plans", type=int, default=3400, help="Số kế hoạch giả lập.")
    parser.add_argument("--repeat", type=int, default=5, help="Số lần đo mỗi thao tác (lấy trung vị).")
    args = parser.parse_args(argv)
    from index.labels import section_label
    from webchat.overview import OverviewQuery, TargetOverview, render_overview

    documents, targets, clauses, sources = synthetic_corpus(args.plans)
    overview = TargetOverview(documents, targets)
    province = overview.provinces()[0]

    def html(query: OverviewQuery) -> str:
        return render_overview(overview.page(query), clause=clauses.get,
                               source=lambda doc_id: sources.get(doc_id), clause_label=section_label)

    rows = [("dựng bảng (một lần khi khởi động)", _median_ms(lambda: TargetOverview(documents, targets), args.repeat), "")]
    for label, query in (("trang 1, theo địa phương", OverviewQuery()),
                         ("trang 30, theo bao phủ 2026", OverviewQuery(sort="coverage:2026", page=30)),
                         ("lọc một tỉnh, theo cấp", OverviewQuery(province=province, sort="level")),
                         ("lọc cấp xã, trang 10", OverviewQuery(level="xã", page=10))):
        page_ms = _median_ms(lambda q=query: overview.page(q), args.repeat)
        html_ms = _median_ms(lambda q=query: html(q), args.repeat)
        rows.append((f"{label}: chọn trang / HTML", page_ms, f"{html_ms:.1f} ms HTML, {len(html(query)) // 1024} KB"))
    csv_ms = _median_ms(lambda: overview.csv(OverviewQuery()), args.repeat)
    rows.append(("CSV mọi kế hoạch", csv_ms, f"{len(overview.csv(OverviewQuery()).encode()) // 1024} KB"))
    print(f"{len(documents)} kế hoạch, {len(targets)} chỉ tiêu; trung vị {args.repeat} lần đo")
    print(f"{'thao tác':<48} {'ms':>8}  ghi chú")
    for label, ms, note in rows:
        print(f"{label:<48} {ms:>8.1f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
