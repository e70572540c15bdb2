"""How well ingest reads plans' quantified targets: cell precision and recall against a hand-checked table.

A cell is (plan, kind, value, unit, year): what the overview shows in one place; a
coverage goal stated in words has value None ("toàn dân (không nêu con số)").
The hand-checked table (``eval/gold/targets/targets_2026-12.jsonl``) was written from the
plans alone. ``python -m eval targets`` scores the five plans, and with
``--metamorphic N`` also N rewrites of them in other conventions and at other
places (figures moved by the rewrite's own substitutions), which is the measure of
generality: the extractor was written beside the five plans.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.metamorphic.mapping import PlanMapping
from ingest.model import DocumentMeta, ParsedDocument
from ingest.targets import Target, extract_targets

TARGETS_GOLD = Path(__file__).parent / "gold" / "targets" / "targets_2026-12.jsonl"

Cell = tuple[str, str, float | None, str, int | None]


@dataclass(frozen=True)
class GoldTarget:
    """One row of the hand-checked table (file name of the plan, what and how much, for which year)."""

    document: str
    kind: str
    indicator: str
    value: float | None
    unit: str
    year: int | None
    quote: str

    def cell(self, document: str | None = None) -> Cell:
        return (document or self.document, self.kind, _rounded(self.value), self.unit, self.year)


@dataclass(frozen=True)
class TargetScore:
    """Cell precision and recall of one corpus.

    Attributes:
        corpus: "gốc" or "viết lại".
        extracted: Cells the extractor gave.
        gold: Cells of the table.
        matched: Cells in both.
        missed: Gold cells not extracted.
        extra: Extracted cells not in the table.
    """

    corpus: str
    extracted: int
    gold: int
    matched: int
    missed: tuple[Cell, ...] = field(default_factory=tuple)
    extra: tuple[Cell, ...] = field(default_factory=tuple)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def to_json(self) -> dict:
        return {"corpus": self.corpus, "extracted": self.extracted, "gold": self.gold, "matched": self.matched,
                "precision": self.precision, "recall": self.recall,
                "missed": [list(c) for c in self.missed], "extra": [list(c) for c in self.extra]}


def load_target_gold(path: str | Path = TARGETS_GOLD) -> list[GoldTarget]:
    """Read the hand-checked table."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            value = None if data["value"] is None else float(data["value"])
            rows.append(GoldTarget(data["document"], data["kind"], data.get("indicator", ""), value,
                                   data["unit"], data.get("year"), data.get("quote", "")))
    return rows


def target_cell(target: Target, document: str) -> Cell:
    """The cell a target fills, for the plan's file name ``document``."""
    return (document, target.kind, _rounded(target.value), target.unit, target.year)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def score_cells(corpus: str, extracted: Sequence[Cell], gold: Sequence[Cell]) -> TargetScore:
    """Precision and recall of ``extracted`` against ``gold`` (multisets: a plan may set two
    "other" targets of the same figure and year)."""
    got, want = Counter(extracted), Counter(gold)
    return TargetScore(corpus, sum(got.values()), sum(want.values()), sum((got & want).values()),
                       tuple(sorted((want - got).elements(), key=str)), tuple(sorted((got - want).elements(), key=str)))


def extracted(documents: Sequence[ParsedDocument]) -> list[tuple[DocumentMeta, Target]]:
    """What the extractor reads from parsed ``documents``: (plan, target) pairs, as an index stores them."""
    return [(d.meta, t) for d in documents for t in extract_targets(d.meta, d.clauses)]


def _cells(targets: Sequence[tuple[DocumentMeta, Target]]) -> list[Cell]:
    return [target_cell(t, Path(meta.source_path).name) for meta, t in targets]


def mapped_gold(gold: Sequence[GoldTarget], mapping: PlanMapping) -> list[Cell]:
    """The table's cells for a rewrite: its source plan's rows, figures moved as the rewrite moved them."""
    moved: dict[float, float] = {}
    for sub in mapping.substitutions:
        if sub.kind == "percent":
            moved[_percent(sub.old)] = _percent(sub.new)
    cells = []
    for row in gold:
        if row.document == mapping.source:
            value = moved.get(_rounded(row.value), row.value) if row.unit == "%" else row.value
            cells.append((mapping.rewrite, row.kind, _rounded(value), row.unit, row.year))
    return cells


def _percent(text: str) -> float:
    return round(float(text.rstrip("%").strip().replace(",", ".")), 2)


def score_plans(documents: Sequence[DocumentMeta], targets: Sequence[tuple[DocumentMeta, Target]],
                gold: Sequence[GoldTarget]) -> TargetScore | None:
    """Score ``targets`` (read from ``documents`` by ingest, or stored in an index) on the plans the table
    covers; a covered plan with no target read counts all its table rows as missed. None when
    ``documents`` hold none of the table's plans."""
    names = {Path(meta.source_path).name for meta in documents} & {g.document for g in gold}
    if not names:
        return None
    return score_cells("gốc", [c for c in _cells(targets) if c[0] in names],
                       [g.cell() for g in gold if g.document in names])


def score_rewrites(n: int, gold: Sequence[GoldTarget], seed: int | None = None) -> TargetScore:
    """Score ``n`` rewrites of the five plans (written to a temporary folder and ingested as files are)."""
    from eval.metamorphic.corpus import CorpusOptions, plan_rewrites, write_corpus
    from ingest.batch import ingest_paths

    options = CorpusOptions(n=n) if seed is None else CorpusOptions(n=n, seed=seed)
    rewrites = plan_rewrites(options)
    with tempfile.TemporaryDirectory(prefix="bhyt-targets-") as tmp:
        paths = write_corpus(rewrites, tmp)
        documents = ingest_paths(paths).documents
    want = [cell for r in rewrites for cell in mapped_gold(gold, r.mapping)]
    return score_cells("viết lại", _cells(extracted(documents)), want)


def score_text(scores: Sequence[TargetScore]) -> str:
    """A Vietnamese table of the scores, and the cells that differ."""
    from eval.report import fmt, text_table

    rows = [[s.corpus, str(s.gold), str(s.extracted), str(s.matched), fmt(s.precision), fmt(s.recall)]
            for s in scores]
    lines = [text_table(["kho", "ô chuẩn", "ô trích", "khớp", "precision", "recall"], rows)]
    for s in scores:
        for label, cells in (("thiếu", s.missed), ("thừa", s.extra)):
            lines += [f"  {s.corpus} {label}: {cell}" for cell in cells]
    return "\n".join(lines)

