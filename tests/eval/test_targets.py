"""Scoring target extraction: cells as multisets, the hand-checked table, rewrites' moved figures."""

from __future__ import annotations

from eval.metamorphic.mapping import Conventions, PlanMapping, Substitution
from eval.targets import TARGETS_GOLD, load_target_gold, mapped_gold, score_cells
from tests.plans import PLANS


def test_the_hand_checked_table_quotes_its_plans():
    rows = load_target_gold(TARGETS_GOLD)
    assert rows
    for row in rows:
        text = (PLANS / row.document).read_text(encoding="utf-8")
        assert row.quote in text, row.quote
        assert row.kind in ("coverage", "other")


def test_two_targets_of_the_same_figure_count_twice():
    cell = ("a.txt", "other", 100.0, "%", None)
    score = score_cells("gốc", [cell], [cell, cell])
    assert (score.matched, score.precision, score.recall) == (1, 1.0, 0.5)
    assert score.missed == (cell,)


def test_a_rewrite_moves_the_tables_figures_as_it_moved_the_plan():
    rows = [r for r in load_target_gold(TARGETS_GOLD) if r.document == "hue_KH-UBND.txt"]
    mapping = PlanMapping(source="hue_KH-UBND.txt", source_doc_id="hue", rewrite="04_x.txt", doc_id="x",
                          seed="s", corpus_seed=1, locality={}, issuer={},
                          substitutions=(Substitution("percent", "99,3%", "96,3%", 2),), question_forms=(),
                          conventions=Conventions())
    cells = mapped_gold(rows, mapping)
    assert ("04_x.txt", "coverage", 96.3, "%", 2026) in cells
    assert ("04_x.txt", "coverage", 100.0, "%", 2030) in cells
    assert len(cells) == len(rows)
