"""Tables, report.md, results.json and PNG charts of an evaluation run.

Everything a reader sees is in Vietnamese; metric names keep their usual
short forms (hit@5, MRR@10). Charts use matplotlib's Agg backend (no display).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from eval.answer_checks import figures
from eval.bootstrap import Interval, bootstrap_intervals
from eval.gold.questions import QUESTION_TYPES, SPLITS, TAGS
from eval.runner import (
    Change,
    EvalRun,
    QuestionResult,
    Summary,
    question_values,
    summarize,
)
from eval.targets import TargetScore

RESULTS_FORMAT = 1
# (metric key, column label), in table order.
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"), ("evidence_recall@5", "bằng chứng@5"),
    ("strict_accuracy", "đúng (chặt)"), ("key_fact_accuracy", "ý chính"), ("per_plan_facts", "đủ mỗi kế hoạch"),
    ("yes_no_accuracy", "có/không"), ("wrong_fact_rate", "sai số liệu"), ("precision", "câu đúng trọng tâm"),
    ("length", "độ dài"), ("faithfulness", "câu trung thành"), ("ocr_reading_accuracy", "đọc OCR đúng"),
    ("false_abstention", "từ chối nhầm"), ("abstention_precision", "từ chối P"),
    ("abstention_recall", "từ chối R"), ("citation_validity", "trích dẫn đúng"),
    ("citation_support", "trích dẫn hỗ trợ"),
)
TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("strict_accuracy", "đúng (chặt)"),
    ("key_fact_accuracy", "ý chính"), ("faithfulness", "câu trung thành"), ("abstention_recall", "từ chối R"),
)
# The headline figures, each with its bootstrap interval.
HEADLINE: tuple[str, ...] = ("strict_accuracy", "key_fact_accuracy", "per_plan_facts", "yes_no_accuracy",
                             "wrong_fact_rate", "precision", "faithfulness", "ocr_reading_accuracy",
                             "false_abstention", "abstention_precision", "abstention_recall", "hit@5", "mrr@10")
# Metrics that only mean something for a system that can abstain.
ABSTENTION_METRICS = frozenset({"abstention_precision", "abstention_recall", "false_abstention"})
# Metrics where lower is better (margins are still ours minus theirs).
LOWER_IS_BETTER = frozenset({"wrong_fact_rate", "false_abstention", "length"})
# Goals of issue 5, shown next to the default system's numbers.
GOALS: dict[str, float] = {"hit@5": 0.95, "mrr@10": 0.85, "strict_accuracy": 0.90, "abstention_recall": 0.85,
                           "faithfulness": 0.98, "citation_validity": 1.0}
DEFAULT_SYSTEM = "hybrid"
REFERENCE_SYSTEM = "plain"


def fmt(value: float | None, key: str = "") -> str:
    """A metric value with three decimals (a length in whole characters), or "—" when it does not apply."""
    if value is None:
        return "—"
    return f"{value:.0f}" if key == "length" else f"{value:.3f}"


def fmt_ci(value: float | None, interval: Interval | None, key: str = "") -> str:
    """A value with its 95% interval: "0.812 [0.75–0.87]"."""
    if value is None or interval is None:
        return fmt(value, key)
    if key == "length":
        return f"{value:.0f} [{interval.low:.0f}–{interval.high:.0f}]"
    return f"{value:.3f} [{interval.low:.2f}–{interval.high:.2f}]"


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


def _row(label: str, summary: Summary, columns: Sequence[tuple[str, str]], *, abstains: bool = True,
         intervals: dict[str, Interval] | None = None) -> list[str]:
    cells = [label, str(summary.n_questions)]
    for key, _ in columns:
        value = summary.values.get(key)
        if not abstains and key in ABSTENTION_METRICS:
            cells.append("không từ chối")
        elif intervals is not None:
            cells.append(fmt_ci(value, intervals.get(key), key))
        else:
            cells.append(fmt(value, key))
    return cells


def systems_rows(run: EvalRun, split: str | None = None) -> list[list[str]]:
    """One row per system: its metrics over the run (or one split)."""
    return [_row(s, run.summary(s, split=split), SUMMARY_COLUMNS, abstains=run.can_abstain(s))
            for s in run.systems]


def labels_in(run: EvalRun) -> list[str]:
    """Question types, then tags, present in the run."""
    present = {label for q in run.questions for label in q.labels}
    return [t for t in dict.fromkeys((*QUESTION_TYPES, *TAGS)) if t in present]


def intervals_of(results: Sequence[QuestionResult], reps: int) -> dict[str, Interval]:
    """Bootstrap intervals of every metric of a group of results (empty when ``reps`` is 0)."""
    if not reps:
        return {}
    return bootstrap_intervals(results, lambda sample: summarize(sample).values, reps=reps)


def type_rows(run: EvalRun, system: str, bootstrap: int = 0) -> list[list[str]]:
    """One row per question type and tag present in the run, then the total, for one system."""
    rows = []
    for label in [*labels_in(run), None]:
        results = run.of(system, type_=label)
        if not results:
            continue
        intervals = intervals_of(results, bootstrap) if bootstrap else None
        rows.append(_row(label or "tất cả", summarize(results), TYPE_COLUMNS, abstains=run.can_abstain(system),
                         intervals=intervals))
    return rows


def headline_rows(run: EvalRun, bootstrap: int) -> list[list[str]]:
    """The default system's headline figures with 95% intervals and the n they are computed on."""
    results = run.of(DEFAULT_SYSTEM)
    summary = summarize(results)
    intervals = intervals_of(results, bootstrap)
    labels = dict(SUMMARY_COLUMNS)
    rows = []
    for key in HEADLINE:
        value = summary.values.get(key)
        n = _n_for(results, key)
        rows.append([labels.get(key, key), fmt_ci(value, intervals.get(key), key), str(n)])
    return rows


def _n_for(results: Sequence[QuestionResult], key: str) -> int:
    """How many questions (or sentences, syllables) a headline metric is computed on."""
    if key == "faithfulness":
        return sum(1 for r in results for s in r.sentences if s.source != "fixed")
    if key == "ocr_reading_accuracy":
        return sum(r.reading.syllables for r in results)
    if key in ("abstention_precision",):
        return sum(r.output.abstained for r in results)
    if key in ("abstention_recall",):
        return sum(not r.answerable for r in results)
    return sum(1 for r in results if r.metrics.get(key) is not None)


def splits_in(run: EvalRun) -> list[str]:
    """The splits that have questions in the run."""
    return [s for s in SPLITS if any(q.split == s for q in run.questions)]


def margin_rows(run: EvalRun, reference: str = REFERENCE_SYSTEM) -> list[list[str]]:
    """Default system minus one reference, per metric (empty when either is missing).

    Abstention metrics are compared only when the reference can abstain too.
    """
    if DEFAULT_SYSTEM not in run.systems or reference not in run.systems:
        return []
    ours, ref = run.summary(DEFAULT_SYSTEM).values, run.summary(reference).values
    rows = []
    for key, label in SUMMARY_COLUMNS:
        a, b = ours.get(key), ref.get(key)
        if a is None or b is None or (key in ABSTENTION_METRICS and not run.can_abstain(reference)):
            continue
        sign = f"{a - b:+.0f}" if key == "length" else f"{a - b:+.3f}"
        rows.append([label, fmt(a, key), fmt(b, key), sign])
    return rows


CONTROL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("strict_accuracy", "đúng (chặt)"), ("key_fact_accuracy", "ý chính"), ("wrong_fact_rate", "sai số liệu"),
    ("precision", "câu đúng trọng tâm"), ("length", "độ dài"), ("faithfulness", "câu trung thành"),
)
CONTROL_SYSTEMS: tuple[str, ...] = ("top5", "echo", "contradict")


def figure_question_ids(run: EvalRun) -> set[str]:
    """Answerable questions whose key facts state a figure (a percentage, date, year or amount)."""
    return {q.id for q in run.questions if q.answerable
            and any(values for fact in q.key_facts for values in figures(fact).values())}


def control_rows(run: EvalRun) -> list[list[str]]:
    """The assistant beside the adversarial controls, on all answerable questions and on figure questions."""
    systems = [s for s in (DEFAULT_SYSTEM, *CONTROL_SYSTEMS) if s in run.systems]
    if DEFAULT_SYSTEM not in systems or len(systems) == 1:
        return []
    with_figures = figure_question_ids(run)
    rows = []
    for subset, keep in (("câu trả lời được", None), ("câu có đáp án là con số", with_figures)):
        for system in systems:
            results = [r for r in run.of(system) if r.answerable and (keep is None or r.qid in keep)]
            rows.append(_row(f"{system} — {subset}", summarize(results), CONTROL_COLUMNS))
    return rows


def references_in(run: EvalRun) -> list[str]:
    """The systems other than the default one, in run order."""
    return [s for s in run.systems if s != DEFAULT_SYSTEM]


def terminal_report(run: EvalRun, changes: Sequence[Change] | None = None, bootstrap: int = 0) -> str:
    """The tables printed after a run: headline, systems overall, per split, per system by question type."""
    headers = ["hệ thống", "số câu"] + [label for _, label in SUMMARY_COLUMNS]
    parts = [f"Kết quả trên {len(run.questions)} câu hỏi ({run.title or run.split}):"]
    if DEFAULT_SYSTEM in run.systems:
        parts += [f"\nSố liệu chính của {DEFAULT_SYSTEM} (khoảng tin cậy 95%, n):",
                  text_table(["chỉ số", "giá trị", "n"], headline_rows(run, bootstrap)), ""]
    parts.append(text_table(headers, systems_rows(run)))
    if len(splits_in(run)) > 1:
        for split in splits_in(run):
            parts += [f"\nTập {split}:", text_table(headers, systems_rows(run, split))]
    type_headers = ["loại câu hỏi", "số câu"] + [label for _, label in TYPE_COLUMNS]
    for system in run.systems:
        rows = type_rows(run, system, bootstrap if system == DEFAULT_SYSTEM else 0)
        parts += [f"\nHệ thống {system}, theo loại câu hỏi:", text_table(type_headers, rows)]
    controls = control_rows(run)
    if controls:
        parts += ["\nKiểm tra chỉ số bằng câu trả lời đối chứng:",
                  text_table(["hệ thống — nhóm câu", "số câu"] + [label for _, label in CONTROL_COLUMNS], controls)]
    for reference in references_in(run):
        margins = margin_rows(run, reference)
        if margins:
            parts += [f"\nChênh lệch {DEFAULT_SYSTEM} so với {reference}:",
                      text_table(["chỉ số", DEFAULT_SYSTEM, reference, "chênh lệch"], margins)]
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
        "checks": None if result.check is None else {
            "per_document": dict(result.check.per_document), "polarity_right": result.check.polarity_right,
            "wrong": list(result.check.wrong), "precision": result.check.precision, "length": result.check.length},
        "sentences": [{"text": c.text, "cited": list(c.cited), "faithful": c.faithful, "source": c.source,
                       "reason": c.reason} for c in result.sentences],
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
        "by_type": {s: {t: _summary_json(run.summary(s, type_=t)) for t in labels_in(run) if run.of(s, type_=t)}
                    for s in run.systems},
        "title": run.title,
        "abstaining": list(run.abstaining),
        "missing_evidence": list(run.missing_evidence),
        "questions": list(by_id.values()),
    }


METRIC_NOTES = (
    "Chỉ số truy xuất và câu trả lời chỉ tính trên câu có thể trả lời; với câu hỏi về nhiều kế hoạch, "
    "một hạng chỉ tính là trúng khi mọi kế hoạch đã có một đoạn liên quan ở hạng đó trở lên. "
    "\"Đúng (chặt)\" = có mọi ý chính (với câu so sánh: ý chính của từng kế hoạch nằm ở dòng nói về kế hoạch đó), "
    "trả lời đúng có/không với câu hỏi có/không, không nêu con số cùng loại (tỷ lệ, ngày, năm, số tiền) mà đáp án "
    "và bằng chứng không có, và ít nhất một nửa số câu đúng trọng tâm (mang ý chính hoặc trích bằng chứng). "
    "\"Ý chính\" = chỉ đếm ý chính có mặt (như trước). \"Câu trung thành\" = tỷ lệ câu của câu trả lời khớp "
    "nguyên văn điều khoản được trích (sau các biến đổi đã khai báo trong eval/faithfulness.py). "
    "\"Đọc OCR đúng\" = tỷ lệ âm tiết của bản đọc lại OCR được trích trong câu trả lời khớp bản sửa tay. "
    "Từ chối (P, R; lớp dương là \"hệ thống từ chối\") chỉ so với hệ thống có thể từ chối. "
    "Khoảng tin cậy 95% bằng bootstrap trên câu hỏi."
)


def markdown_report(run: EvalRun, charts: Sequence[Path] = (), changes: Sequence[Change] | None = None,
                    bootstrap: int = 0) -> str:
    """report.md: headline with intervals, systems, splits, references and controls, by type and tag, charts."""
    headers = ["hệ thống", "số câu"] + [label for _, label in SUMMARY_COLUMNS]
    lines = [f"# Báo cáo đánh giá — {run.title}" if run.title else "# Báo cáo đánh giá", "",
             f"Tập câu hỏi: `{run.gold_path}` — {len(run.questions)} câu "
             f"({sum(q.answerable for q in run.questions)} có thể trả lời), phần: {run.split}.", "",
             METRIC_NOTES, ""]
    if DEFAULT_SYSTEM in run.systems:
        lines += [f"## Số liệu chính ({DEFAULT_SYSTEM})", "",
                  markdown_table(["chỉ số", "giá trị [KTC 95%]", "n"], headline_rows(run, bootstrap)), ""]
    lines += ["## Tổng quan", "", markdown_table(headers, systems_rows(run))]
    if len(splits_in(run)) > 1:
        for split in splits_in(run):
            lines += ["", f"## Tập {split}", "", markdown_table(headers, systems_rows(run, split))]
        lines += ["", "Ngưỡng từ chối chỉ được hiệu chỉnh trên tập dev; số liệu tập test là số liệu giữ lại."]
    for reference in references_in(run):
        margins = margin_rows(run, reference)
        if margins:
            lines += ["", f"## Chênh lệch {DEFAULT_SYSTEM} so với {reference}", "",
                      markdown_table(["chỉ số", DEFAULT_SYSTEM, reference, "chênh lệch"], margins)]
    controls = control_rows(run)
    if controls:
        lines += ["", "## Kiểm tra chỉ số bằng câu trả lời đối chứng", "",
                  "`top5` dán nguyên 5 điều khoản đứng đầu, `echo` lặp lại câu hỏi, `contradict` phủ định mọi con số "
                  "của câu trả lời (\"96%, không phải 95%\"): cả ba phải thấp hơn hẳn trợ lý.", "",
                  markdown_table(["hệ thống — nhóm câu", "số câu"] + [label for _, label in CONTROL_COLUMNS], controls)]
    if DEFAULT_SYSTEM in run.systems:
        values = run.summary(DEFAULT_SYSTEM).values
        goal_rows = [[k, fmt(values.get(k)), f"{g:.2f}",
                      "đạt" if values.get(k) is not None and values[k] >= g else "chưa đạt"]
                     for k, g in GOALS.items()]
        lines += ["", f"## Mục tiêu (hệ thống {DEFAULT_SYSTEM})", "",
                  markdown_table(["chỉ số", "kết quả", "mục tiêu", ""], goal_rows)]
    type_headers = ["loại / nhãn", "số câu"] + [label for _, label in TYPE_COLUMNS]
    lines += ["", "## Theo loại câu hỏi và nhãn"]
    for system in run.systems:
        rows = type_rows(run, system, bootstrap if system == DEFAULT_SYSTEM else 0)
        lines += ["", f"### {system}", "", markdown_table(type_headers, rows)]
    if changes is not None:
        lines += ["", "## So sánh với lần chạy trước", "", changes_text(changes)]
    if run.missing_evidence:
        lines += ["", "## Bằng chứng không tìm thấy", ""] + [f"- {line}" for line in run.missing_evidence]
    if charts:
        lines += ["", "## Biểu đồ", ""] + [f"![{p.stem}]({p.name})" for p in charts]
    return "\n".join(lines) + "\n"


def _bars(ax, run: EvalRun, groups: Sequence[str], value_of, n_of=None) -> None:
    """Grouped bars, one series per system; a missing value is drawn as "—", not as 0."""
    width = 0.8 / max(len(run.systems), 1)
    for i, system in enumerate(run.systems):
        xs = [x + i * width for x in range(len(groups))]
        heights = [value_of(system, g) for g in groups]
        ax.bar([x for x, h in zip(xs, heights, strict=True) if h is not None],
               [h for h in heights if h is not None], width, label=system)
        for x, h in zip(xs, heights, strict=True):
            if h is None:
                ax.text(x, 0.02, "—", ha="center", va="bottom", fontsize=8)
    labels = [f"{g}\n(n={n_of(g)})" if n_of else g for g in groups]
    ax.set_xticks([x + width * (len(run.systems) - 1) / 2 for x in range(len(groups))], labels, rotation=30,
                  fontsize=8)
    ax.set_ylim(0, 1.05)


def write_charts(run: EvalRun, out_dir: Path) -> list[Path]:
    """metrics_by_system.png, hit_at_k.png and by_type.png in ``out_dir``, titled with the run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    suffix = f" — {run.title}" if run.title else ""
    n_answerable = sum(q.answerable for q in run.questions)
    paths = []
    keys = ["hit@1", "hit@5", "mrr@10", "ndcg@10", "strict_accuracy", "key_fact_accuracy", "faithfulness"]
    fig, ax = plt.subplots(figsize=(12, 5))
    _bars(ax, run, keys, lambda system, key: run.summary(system).values.get(key))
    ax.set_title(f"Chỉ số theo hệ thống{suffix} (n = {n_answerable} câu trả lời được)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    paths.append(_save(fig, out_dir / "metrics_by_system.png"))

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ks = [1, 3, 5, 10]
    for system in run.systems:
        values = run.summary(system).values
        points = [(k, values.get(f"hit@{k}")) for k in ks if values.get(f"hit@{k}") is not None]
        if points:
            ax.plot([k for k, _ in points], [v for _, v in points], marker="o", label=system)
    ax.set_xticks(ks)
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Đường hit@k{suffix} (n = {n_answerable})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    paths.append(_save(fig, out_dir / "hit_at_k.png"))

    labels = [t for t in labels_in(run) if any(t in q.labels and q.answerable for q in run.questions)]

    def n_of(label: str) -> int:
        return sum(1 for q in run.questions if label in q.labels and q.answerable)

    fig, axes = plt.subplots(2, 1, figsize=(13, 9), sharey=True)
    for ax, key, title in ((axes[0], "hit@5", "hit@5 theo loại câu hỏi và nhãn"),
                           (axes[1], "strict_accuracy", "Đúng (chặt) theo loại câu hỏi và nhãn")):
        _bars(ax, run, labels, lambda system, label, key=key: run.summary(system, type_=label).values.get(key), n_of)
        ax.set_title(title + suffix)
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    paths.append(_save(fig, out_dir / "by_type.png"))
    return paths


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def targets_section(score: TargetScore) -> str:
    """report.md's section on the quantified targets read at ingest (the overview's cells)."""
    lines = ["## Chỉ tiêu trích khi nạp (bảng tổng quan)", "",
             "Mỗi ô là (kế hoạch, loại, con số, đơn vị, năm), so với bảng chuẩn kiểm tay "
             "`eval/gold/targets/targets_2026-12.jsonl`.", "",
             markdown_table(["ô chuẩn", "ô trích", "khớp", "precision", "recall"],
                            [[str(score.gold), str(score.extracted), str(score.matched), fmt(score.precision),
                              fmt(score.recall)]])]
    lines += [f"- thiếu: {cell}" for cell in score.missed] + [f"- thừa: {cell}" for cell in score.extra]
    return "\n".join(lines) + "\n"


def write_outputs(run: EvalRun, out_dir: Path, changes: Sequence[Change] | None = None,
                  charts: bool = True, bootstrap: int = 0, targets: TargetScore | None = None) -> dict[str, Path]:
    """Write results.json, the charts and report.md into ``out_dir`` (created if needed).

    ``targets``: the index's target extraction scored against the hand-checked table, when it applies.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.json"
    results = results_json(run)
    if targets is not None:
        results["targets"] = targets.to_json()
    results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    chart_paths = write_charts(run, out_dir) if charts else []
    report_path = out_dir / "report.md"
    report = markdown_report(run, chart_paths, changes, bootstrap)
    if targets is not None:
        report += "\n" + targets_section(targets)
    report_path.write_text(report, encoding="utf-8")
    written = {"results": results_path, "report": report_path}
    written.update({p.stem: p for p in chart_paths})
    return written
