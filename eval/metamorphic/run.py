"""``python -m eval run --metamorphic``: the same questions on the plans as other hands would write them.

The five plans are rewritten (one rewrite each, fixed seed: ``corpus.py``),
the questions carried over (``questions.py``), both corpora ingested and
indexed the same way in temporary folders, each question set linked to its
own corpus with ``eval.gold.evidence_links.link_questions`` and scored by
``eval.runner.evaluate``. The report compares original and rewritten plans
per plan and overall (hit@5, MRR@10, key facts, strict), counts what could
not be carried over or relinked, and sets side by side how many clauses of
each kind ingest reads from each plan and its rewrite with how many markers
the rewrite wrote (structure parity), which shows where ingest falls flat.
Frozen blind sets are refused before they are opened.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.gold.evidence_links import LinkReport, link_questions
from eval.gold.questions import GOLD_PATH, GoldQuestion
from eval.metamorphic.corpus import DEFAULT_SEED, PLANS_DIR, CorpusOptions, plan_rewrites, read_plans, write_corpus
from eval.metamorphic.questions import MappedQuestion, map_questions
from eval.metamorphic.rewrite import RewrittenPlan
from eval.report import fmt, markdown_table, text_table
from eval.runner import EvalRun, QuestionResult, evaluate, load_gold, select, summarize
from eval.systems import build_systems
from index.maintenance import index_documents
from ingest.batch import ingest_paths
from ingest.model import ParsedDocument
from settings import load_settings

__all__ = ["FrozenSetError", "MetamorphicReport", "is_frozen", "metamorphic_text", "run_metamorphic"]

README = GOLD_PATH.parent / "README.md"
COMPARED = (("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("key_fact_accuracy", "ý chính"),
            ("strict_accuracy", "đúng (chặt)"))
PARITY_KINDS = ("section", "item", "letter", "bullet", "paragraph", "attribute", "footnote")


class FrozenSetError(ValueError):
    """The question file is a frozen blind set (message in Vietnamese)."""


def frozen_names(readme: Path = README) -> set[str]:
    """File names of the frozen sets recorded in the question sets' README."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return set()
    section = text.split("## Frozen blind set", 1)[-1]
    return set(re.findall(r"^\| `([\w.-]+\.jsonl)` \| \d+ \| `[0-9a-f]{64}` \|", section, flags=re.M))


def is_frozen(path: str | Path, readme: Path = README) -> bool:
    """Whether ``path`` names a frozen blind set (decided by its name; the file is not opened)."""
    return Path(path).name in frozen_names(readme)


@dataclass(frozen=True)
class PlanPair:
    """A source plan and its rewrite, as ingest read both."""

    rewrite: RewrittenPlan
    original: ParsedDocument
    rewritten: ParsedDocument


@dataclass(frozen=True)
class MetamorphicReport:
    """Everything the metamorphic run measured."""

    gold_path: str
    seed: int
    corpus_dir: str
    pairs: tuple[PlanPair, ...]
    mapped: tuple[MappedQuestion, ...]
    original_links: LinkReport
    rewritten_links: LinkReport
    original_run: EvalRun
    rewritten_run: EvalRun
    seconds: dict = field(default_factory=dict)


def _ingest(paths: Sequence[Path], settings) -> dict[str, ParsedDocument]:
    report = ingest_paths(paths, settings=settings)
    if report.skipped:
        raise RuntimeError("; ".join(s.message for s in report.skipped))
    return {d.meta.doc_id: d for d in report.documents}


def _scored(questions: Sequence[GoldQuestion], documents: dict[str, ParsedDocument], index_dir: Path,
            systems: Sequence[str], progress: bool, title: str, gold_path: str) -> tuple[LinkReport, EvalRun]:
    settings = load_settings(index_dir=str(index_dir))
    index_documents(documents.values(), settings, rebuild=True)
    links = link_questions(questions, documents)
    built, context = build_systems(list(systems), settings)
    run = evaluate(links.questions, built, context, gold_path=gold_path, progress=progress, title=title)
    return links, run


def run_metamorphic(gold_path: str | Path = GOLD_PATH, *, seed: int = DEFAULT_SEED, split: str = "all",
                    limit: int | None = None, systems: Sequence[str] = ("hybrid",),
                    plan_paths: Sequence[str | Path] = (PLANS_DIR,), work_dir: str | Path | None = None,
                    questions: Sequence[GoldQuestion] | None = None, progress: bool = True,
                    log: Callable[[str], None] = lambda _: None) -> MetamorphicReport:
    """Rewrite the plans, carry the questions over, index both corpora and score both runs.

    Args:
        gold_path: Development question file (a frozen blind set is refused unopened).
        seed: Corpus seed (one rewrite per plan).
        split, limit: Which questions (as ``python -m eval run``).
        systems: Systems to score (names of ``eval.systems``).
        plan_paths: Source plans (files or folders).
        work_dir: Where corpus and indexes go (default: a new temporary folder).
        questions: Questions to use instead of reading ``gold_path`` (tests).
        progress: Show progress bars.
        log: Called with one line per step (Vietnamese).

    Raises:
        FrozenSetError: ``gold_path`` is a frozen blind set.
    """
    if questions is None and is_frozen(gold_path):
        raise FrozenSetError(f"{Path(gold_path).name} là tập câu hỏi mù đã đóng băng: chế độ biến đổi "
                             "(--metamorphic) không chạy trên tập này. Hãy dùng gold.jsonl hoặc tập huấn luyện.")
    started = time.monotonic()
    if questions is None:
        questions = load_gold(gold_path)
    questions = select(questions, split=split, limit=limit)
    work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="bhyt-metamorphic-"))
    sources = read_plans(plan_paths)
    avoid = "\n".join(f"{q.question}\n{q.reference_answer}" for q in questions)
    rewrites = plan_rewrites(CorpusOptions(len(sources), seed, avoid_text=avoid), sources)
    corpus_dir = work / f"corpus-{seed}"
    files = write_corpus(rewrites, corpus_dir)
    log(f"Đã viết lại {len(files)} kế hoạch vào {corpus_dir}.")
    mapped = map_questions(questions, rewrites)
    carried = [m.question for m in mapped if m.question is not None]
    seconds = {"rewrite": round(time.monotonic() - started, 1)}

    step = time.monotonic()
    source_files = [Path(p) for p in (d.meta.source_path for _, d in sources)]
    originals = _ingest(source_files, load_settings(index_dir=str(work / "index-original")))
    rewritten = _ingest(files, load_settings(index_dir=str(work / "index-rewritten")))
    seconds["ingest"] = round(time.monotonic() - step, 1)
    log("Đã đọc cả hai bộ kế hoạch; đang lập chỉ mục và chấm điểm.")

    step = time.monotonic()
    kept_ids = {q.id for q in carried}
    original_questions = [q for q in questions if q.id in kept_ids]
    original_links, original_run = _scored(original_questions, originals, work / "index-original", systems,
                                           progress, "kế hoạch gốc", str(gold_path))
    rewritten_links, rewritten_run = _scored(carried, rewritten, work / "index-rewritten", systems, progress,
                                             "kế hoạch viết lại", str(gold_path))
    seconds["index_and_score"] = round(time.monotonic() - step, 1)
    seconds["total"] = round(time.monotonic() - started, 1)
    pairs = tuple(PlanPair(r, originals[r.mapping.source_doc_id], rewritten[r.mapping.doc_id]) for r in rewrites)
    return MetamorphicReport(str(gold_path), seed, str(corpus_dir), pairs, tuple(mapped), original_links,
                             rewritten_links, original_run, rewritten_run, seconds)


def _results(run: EvalRun, system: str, doc_ids: set[str] | None, by_question: dict[str, GoldQuestion]
             ) -> list[QuestionResult]:
    return [r for r in run.of(system) if doc_ids is None or doc_ids & set(by_question[r.qid].documents)]


def comparison_rows(report: MetamorphicReport, system: str = "hybrid") -> list[list[str]]:
    """Per plan and overall: questions, then each compared metric original -> rewritten."""
    original_q = {q.id: q for q in report.original_run.questions}
    rewritten_q = {q.id: q for q in report.rewritten_run.questions}
    groups: list[tuple[str, set[str] | None, set[str] | None]] = [
        (f"{p.rewrite.mapping.source_doc_id} → {p.rewrite.mapping.doc_id}", {p.rewrite.mapping.source_doc_id},
         {p.rewrite.mapping.doc_id}) for p in report.pairs]
    groups.append(("tất cả", None, None))
    rows = []
    for label, original_docs, rewritten_docs in groups:
        before = summarize(_results(report.original_run, system, original_docs, original_q))
        after = summarize(_results(report.rewritten_run, system, rewritten_docs, rewritten_q))
        row = [label, f"{before.n_questions}/{after.n_questions}"]
        for key, _ in COMPARED:
            row.append(f"{fmt(before.values.get(key), key)} → {fmt(after.values.get(key), key)}")
        rows.append(row)
    return rows


def problem_counts(report: MetamorphicReport) -> dict[str, int]:
    """What could not be carried over or relinked, by kind (Vietnamese keys)."""
    counts: Counter[str] = Counter()
    for mapped in report.mapped:
        for problem in mapped.problems:
            counts[f"chuyển: {problem.kind}"] += 1
    counts["câu hỏi có vấn đề khi chuyển"] = sum(1 for m in report.mapped if m.problems)
    counts["câu hỏi không chuyển được (bị loại)"] = sum(1 for m in report.mapped if m.question is None)
    for name, links in (("gốc", report.original_links), ("viết lại", report.rewritten_links)):
        for problem in links.problems:
            counts[f"liên kết {name}: {problem.kind}"] += 1
    return dict(sorted(counts.items()))


def parity_rows(report: MetamorphicReport) -> list[list[str]]:
    """Per plan and clause kind: clauses ingest reads in the original, markers written, clauses read in the rewrite."""
    rows = []
    for pair in report.pairs:
        before = Counter(c.kind for c in pair.original.clauses)
        after = Counter(c.kind for c in pair.rewritten.clauses)
        written = pair.rewrite.mapping.written_kinds
        cells = []
        for kind in PARITY_KINDS:
            expected = written.get(kind, before[kind] if kind not in ("section", "item", "letter", "bullet") else 0)
            flag = "" if after[kind] == expected else " ≠"
            cells.append(f"{before[kind]}/{expected}/{after[kind]}{flag}")
        conventions = pair.rewrite.mapping.conventions
        rows.append([pair.rewrite.mapping.doc_id, f"{conventions.section}, {conventions.item}, {conventions.points}, "
                     f"{conventions.layout}", *cells])
    return rows


def _mapping_rows(report: MetamorphicReport) -> list[list[str]]:
    rows = []
    for pair in report.pairs:
        mapping = pair.rewrite.mapping
        kinds = Counter(s.kind for s in mapping.substitutions)
        rows.append([mapping.source_doc_id, mapping.doc_id,
                     f"{mapping.locality['old']} ({mapping.locality['old_level']}) → {mapping.locality['new']} "
                     f"({mapping.locality['new_level']}, {mapping.locality['new_province']})",
                     ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
                     pair.rewritten.meta.locality or "—", pair.rewritten.meta.issuer or "—"])
    return rows


def metamorphic_text(report: MetamorphicReport, system: str = "hybrid", *, markdown: bool = False) -> str:
    """The report's tables (terminal text, or Markdown)."""
    table = markdown_table if markdown else text_table
    heading = (lambda s: f"\n## {s}\n") if markdown else (lambda s: f"\n{s}")
    parts = [f"Đánh giá biến đổi (metamorphic): {report.gold_path}, hạt giống {report.seed}, hệ thống {system}",
             f"Bộ viết lại: {report.corpus_dir}"]
    parts += [heading("Các bản viết lại"), table(
        ["kế hoạch gốc", "bản viết lại", "địa phương", "thay thế", "ingest đọc địa phương", "ingest đọc cơ quan"],
        _mapping_rows(report))]
    parts += [heading("Gốc → viết lại (số câu gốc/viết lại)"), table(
        ["kế hoạch", "số câu", *(label for _, label in COMPARED)], comparison_rows(report, system))]
    parts += [heading("Không chuyển được / không liên kết được (báo cáo, không bỏ qua)")]
    parts += [table(["vấn đề", "số"], [[k, str(v)] for k, v in problem_counts(report).items()])]
    parts += [heading("Cấu trúc: điều khoản gốc / dấu mục bản viết lại đã viết / điều khoản ingest đọc được "
                      "(≠: lệch)"),
              table(["bản viết lại", "quy ước", *PARITY_KINDS], parity_rows(report))]
    parts.append(f"\nThời gian (giây): {json.dumps(report.seconds, ensure_ascii=False)}")
    return "\n".join(parts)


def question_rows(report: MetamorphicReport, system: str = "hybrid") -> list[dict]:
    """Per question: the question before and after, and each compared metric before and after."""
    before = {r.qid: r for r in report.original_run.of(system)}
    after = {r.qid: r for r in report.rewritten_run.of(system)}
    rewritten = {q.id: q for q in report.rewritten_run.questions}
    rows = []
    for mapped in report.mapped:
        qid = mapped.original.id
        row = {"id": qid, "question": mapped.original.question,
               "rewritten_question": rewritten[qid].question if qid in rewritten else None,
               "documents": list(rewritten[qid].documents) if qid in rewritten else list(mapped.original.documents),
               "problems": [p.kind for p in mapped.problems]}
        for key, _ in COMPARED:
            row[key] = [before[qid].metrics.get(key) if qid in before else None,
                        after[qid].metrics.get(key) if qid in after else None]
        rows.append(row)
    return rows


def report_json(report: MetamorphicReport, system: str = "hybrid") -> dict:
    """The report as JSON: tables, problems with their messages, mappings."""
    return {
        "gold": report.gold_path, "seed": report.seed, "corpus_dir": report.corpus_dir, "system": system,
        "comparison": comparison_rows(report, system), "problems": problem_counts(report),
        "problem_details": [{"id": p.question_id, "kind": p.kind, "message": p.message}
                            for m in report.mapped for p in m.problems],
        "link_problems": {name: [{"id": p.question_id, "doc_id": p.doc_id, "kind": p.kind, "message": p.message}
                                 for p in links.problems]
                          for name, links in (("original", report.original_links),
                                              ("rewritten", report.rewritten_links))},
        "parity": parity_rows(report), "mappings": [p.rewrite.mapping.to_json() for p in report.pairs],
        "questions": question_rows(report, system),
        "seconds": report.seconds,
    }


def write_report(report: MetamorphicReport, out_dir: str | Path, system: str = "hybrid") -> list[Path]:
    """Write ``metamorphic.md`` and ``metamorphic.json`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    markdown = out / "metamorphic.md"
    markdown.write_text(metamorphic_text(report, system, markdown=True) + "\n", encoding="utf-8")
    data = out / "metamorphic.json"
    data.write_text(json.dumps(report_json(report, system), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [markdown, data]
