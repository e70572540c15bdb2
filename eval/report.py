"""Tables, report.md, results.json and PNG charts of an evaluation run.

Everything a reader sees is in Vietnamese; metric names keep their usual
short forms (hit@5, MRR@10). Charts use matplotlib's Agg backend (no display).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from eval.gold.questions import QUESTION_TYPES, SPLITS
from eval.runner import (
    Change,
    EvalRun,
    QuestionResult,
    Summary,
    question_values,
)

RESULTS_FORMAT = 1
# (metric key, column label), in table order.
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"), ("evidence_recall@5", "bằng chứng@5"),
    ("key_fact_accuracy", "ý chính"), ("abstention_precision", "từ chối P"),
    ("abstention_recall", "từ chối R"), ("citation_validity", "trích dẫn đúng"),
    ("citation_support", "trích dẫn hỗ trợ"),
)
TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("evidence_recall@5", "bằng chứng@5"),
    ("key_fact_accuracy", "ý chính"), ("abstention_recall", "từ chối R"),
)
# Goals of issue 5, shown next to the default system's numbers.
GOALS: dict[str, float] = {"hit@5": 0.95, "mrr@10": 0.85, "key_fact_accuracy": 0.90,
                           "abstention_recall": 0.85, "abstention_precision": 0.90, "citation_validity": 1.0}
DEFAULT_SYSTEM = "hybrid"
REFERENCE_SYSTEM = "plain"


def fmt(value: float | None) -> str:
    """A metric value with three decimals, or "—" when it does not apply."""
    return "—" if value is None else f"{value:.3f}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table for the terminal."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _row(label: str, summary: Summary, columns: Sequence[tuple[str, str]]) -> list[str]:
    return [label, str(summary.n_questions)] + [fmt(summary.values.get(key)) for key, _ in columns]


def systems_rows(run: EvalRun, split: str | None = None) -> list[list[str]]:
    """One row per system: its metrics over the run (or one split)."""
    return [_row(s, run.summary(s, split=split), SUMMARY_COLUMNS) for s in run.systems]


def type_rows(run: EvalRun, system: str) -> list[list[str]]:
    """One row per question type present in the run, then the total, for one system."""
    present = [t for t in QUESTION_TYPES if run.of(system, type_=t)]
    rows = [_row(t, run.summary(system, type_=t), TYPE_COLUMNS) for t in present]
    rows.append(_row("tất cả", run.summary(system), TYPE_COLUMNS))
    return rows


def splits_in(run: EvalRun) -> list[str]:
    """The splits that have questions in the run."""
    return [s for s in SPLITS if any(q.split == s for q in run.questions)]


def margin_rows(run: EvalRun) -> list[list[str]]:
    """Default system minus the plain recipe, per metric (empty when either is missing)."""
    if DEFAULT_SYSTEM not in run.systems or REFERENCE_SYSTEM not in run.systems:
        return []
    ours, ref = run.summary(DEFAULT_SYSTEM).values, run.summary(REFERENCE_SYSTEM).values
    rows = []
    for key, label in SUMMARY_COLUMNS:
        a, b = ours.get(key), ref.get(key)
        if a is None or b is None:
            continue
        rows.append([label, fmt(a), fmt(b), f"{a - b:+.3f}"])
    return rows


def terminal_report(run: EvalRun, changes: Sequence[Change] | None = None) -> str:
    """The tables printed after a run: systems overall, per split, per system by question type."""
    headers = ["hệ thống", "số câu"] + [label for _, label in SUMMARY_COLUMNS]
    parts = [f"Kết quả trên {len(run.questions)} câu hỏi ({run.split}):", text_table(headers, systems_rows(run))]
    if len(splits_in(run)) > 1:
        for split in splits_in(run):
            parts += [f"\nTập {split}:", text_table(headers, systems_rows(run, split))]
    type_headers = ["loại câu hỏi", "số câu"] + [label for _, label in TYPE_COLUMNS]
    for system in run.systems:
        parts += [f"\nHệ thống {system}, theo loại câu hỏi:", text_table(type_headers, type_rows(run, system))]
    margins = margin_rows(run)
    if margins:
        parts += [f"\nChênh lệch {DEFAULT_SYSTEM} so với {REFERENCE_SYSTEM}:",
                  text_table(["chỉ số", DEFAULT_SYSTEM, REFERENCE_SYSTEM, "chênh lệch"], margins)]
    if changes is not None:
        parts += ["", changes_text(changes)]
    if run.missing_evidence:
        parts += [f"\nCảnh báo: {len(run.missing_evidence)} bằng chứng không tìm thấy trong văn bản:"]
        parts += [f"  - {line}" for line in run.missing_evidence]
    return "\n".join(parts)


def changes_text(changes: Sequence[Change]) -> str:
    """Per-question changes against an older run, better first."""
    if not changes:
        return "So với lần chạy trước: không câu hỏi nào thay đổi."
    better = [c for c in changes if c.better]
    worse = [c for c in changes if not c.better]
    lines = [f"So với lần chạy trước: {len(better)} thay đổi tốt hơn, {len(worse)} thay đổi kém hơn."]
    for title, group in (("Tốt hơn", better), ("Kém hơn", worse)):
        if group:
            lines.append(f"{title}:")
            lines += [f"  - [{c.system}] {c.qid} {c.metric}: {fmt(c.old)} → {fmt(c.new)}" for c in group]
    return "\n".join(lines)


def _result_json(result: QuestionResult) -> dict:
    out = result.output
    return {
        "retrieved": [{"rank": rank, "id": r.id, "doc_id": r.doc_id, "char_start": r.char_start,
                       "char_end": r.char_end, "relevant": rel}
                      for rank, (r, rel) in enumerate(zip(out.retrieved, result.relevant, strict=True), start=1)],
        "answer": out.answer,
        "abstained": out.abstained,
        "citations": [{"n": c.n, "id": c.id, "doc_id": c.doc_id, "char_start": c.char_start,
                       "char_end": c.char_end, "text": c.text, "valid": v}
                      for c, v in zip(out.citations, result.citations_valid, strict=True)],
        "citations_supported": list(result.citations_supported),
        "key_facts_found": list(result.key_facts_found),
        "metrics": dict(result.metrics),
        "compared": question_values(result),
    }


def _summary_json(summary: Summary) -> dict:
    return {"n_questions": summary.n_questions, "n_answerable": summary.n_answerable,
            "n_citations": summary.n_citations, **summary.values}


def results_json(run: EvalRun) -> dict:
    """The whole run as JSON: summaries by system/split/type and every question's outputs."""
    by_id = {}
    for q in run.questions:
        by_id[q.id] = {"id": q.id, "question": q.question, "type": q.type, "split": q.split,
                       "answerable": q.answerable, "key_facts": list(q.key_facts), "systems": {}}
    for r in run.results:
        by_id[r.qid]["systems"][r.system] = _result_json(r)
    return {
        "format": RESULTS_FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "gold": run.gold_path,
        "split": run.split,
        "systems": list(run.systems),
        "summary": {s: {"all": _summary_json(run.summary(s)),
                        **{sp: _summary_json(run.summary(s, split=sp)) for sp in splits_in(run)}}
                    for s in run.systems},
        "by_type": {s: {t: _summary_json(run.summary(s, type_=t)) for t in QUESTION_TYPES if run.of(s, type_=t)}
                    for s in run.systems},
        "missing_evidence": list(run.missing_evidence),
        "questions": list(by_id.values()),
    }


def markdown_report(run: EvalRun, charts: Sequence[Path] = (), changes: Sequence[Change] | None = None) -> str:
    """report.md: overall and per-split tables, margin over the plain recipe, by type, changes, charts."""
    headers = ["hệ thống", "số câu"] + [label for _, label in SUMMARY_COLUMNS]
    lines = ["# Báo cáo đánh giá", "",
             f"Tập câu hỏi: `{run.gold_path}` — {len(run.questions)} câu "
             f"({sum(q.answerable for q in run.questions)} có thể trả lời), phần: {run.split}.", "",
             "Chỉ số truy xuất và độ chính xác ý chính chỉ tính trên câu có thể trả lời; "
             "từ chối (P = độ chính xác, R = độ phủ) tính trên mọi câu, lớp dương là \"hệ thống từ chối\"; "
             "\"trích dẫn đúng\" = văn bản trích khớp nguyên văn đoạn nguồn; "
             "\"trích dẫn hỗ trợ\" = đoạn được trích chứa bằng chứng vàng hoặc một ý chính.", "",
             "## Tổng quan", "", markdown_table(headers, systems_rows(run))]
    for split in splits_in(run):
        lines += ["", f"## Tập {split}", "", markdown_table(headers, systems_rows(run, split))]
    if len(splits_in(run)) > 1:
        lines += ["", "Ngưỡng từ chối chỉ được hiệu chỉnh trên tập dev; số liệu tập test là số liệu giữ lại."]
    margins = margin_rows(run)
    if margins:
        lines += ["", f"## Chênh lệch {DEFAULT_SYSTEM} so với công thức LangChain cơ bản ({REFERENCE_SYSTEM})", "",
                  markdown_table(["chỉ số", DEFAULT_SYSTEM, REFERENCE_SYSTEM, "chênh lệch"], margins)]
    if DEFAULT_SYSTEM in run.systems:
        values = run.summary(DEFAULT_SYSTEM).values
        goal_rows = [[k, fmt(values.get(k)), f"{g:.2f}",
                      "đạt" if values.get(k) is not None and values[k] >= g else "chưa đạt"]
                     for k, g in GOALS.items()]
        lines += ["", f"## Mục tiêu (hệ thống {DEFAULT_SYSTEM})", "",
                  markdown_table(["chỉ số", "kết quả", "mục tiêu", ""], goal_rows)]
    type_headers = ["loại câu hỏi", "số câu"] + [label for _, label in TYPE_COLUMNS]
    lines += ["", "## Theo loại câu hỏi"]
    for system in run.systems:
        lines += ["", f"### {system}", "", markdown_table(type_headers, type_rows(run, system))]
    if changes is not None:
        lines += ["", "## So sánh với lần chạy trước", "", changes_text(changes)]
    if run.missing_evidence:
        lines += ["", "## Bằng chứng không tìm thấy", ""] + [f"- {line}" for line in run.missing_evidence]
    if charts:
        lines += ["", "## Biểu đồ", ""] + [f"![{p.stem}]({p.name})" for p in charts]
    return "\n".join(lines) + "\n"


def write_charts(run: EvalRun, out_dir: Path) -> list[Path]:
    """metrics_by_system.png, hit_at_k.png and by_type.png in ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    keys = ["hit@1", "hit@5", "mrr@10", "ndcg@10", "evidence_recall@5", "key_fact_accuracy"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(run.systems), 1)
    for i, system in enumerate(run.systems):
        values = run.summary(system).values
        ax.bar([x + i * width for x in range(len(keys))], [values.get(k) or 0.0 for k in keys], width, label=system)
    ax.set_xticks([x + width * (len(run.systems) - 1) / 2 for x in range(len(keys))], keys)
    ax.set_ylim(0, 1.05)
    ax.set_title("Chỉ số theo hệ thống")
    ax.legend()
    paths.append(_save(fig, out_dir / "metrics_by_system.png"))

    fig, ax = plt.subplots(figsize=(6, 4))
    ks = [1, 3, 5, 10]
    for system in run.systems:
        values = run.summary(system).values
        ax.plot(ks, [values.get(f"hit@{k}") or 0.0 for k in ks], marker="o", label=system)
    ax.set_xticks(ks)
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k")
    ax.set_ylim(0, 1.05)
    ax.set_title("Đường hit@k")
    ax.legend()
    paths.append(_save(fig, out_dir / "hit_at_k.png"))

    types = [t for t in QUESTION_TYPES if any(q.type == t and q.answerable for q in run.questions)]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    width = 0.8 / max(len(run.systems), 1)
    for ax, key, title in ((axes[0], "hit@5", "hit@5 theo loại câu hỏi"),
                           (axes[1], "key_fact_accuracy", "Độ chính xác ý chính theo loại câu hỏi")):
        for i, system in enumerate(run.systems):
            heights = [run.summary(system, type_=t).values.get(key) or 0.0 for t in types]
            ax.bar([x + i * width for x in range(len(types))], heights, width, label=system)
        ax.set_xticks([x + width * (len(run.systems) - 1) / 2 for x in range(len(types))], types, rotation=30)
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
    axes[0].legend()
    paths.append(_save(fig, out_dir / "by_type.png"))
    return paths


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_outputs(run: EvalRun, out_dir: Path, changes: Sequence[Change] | None = None,
                  charts: bool = True) -> dict[str, Path]:
    """Write results.json, the charts and report.md into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.json"
    results_path.write_text(json.dumps(results_json(run), ensure_ascii=False, indent=1), encoding="utf-8")
    chart_paths = write_charts(run, out_dir) if charts else []
    report_path = out_dir / "report.md"
    report_path.write_text(markdown_report(run, chart_paths, changes), encoding="utf-8")
    written = {"results": results_path, "report": report_path}
    written.update({p.stem: p for p in chart_paths})
    return written
