"""Smoke evaluation: a fixed subset of the gold set through the default hybrid assistant.

Fails when hit@5 on the subset falls more than 5 points under the value
measured when this test was written, so a retrieval regression shows up in the
ordinary test run. The full evaluation is ``python -m eval run``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.evidence import EvidenceLocator
from eval.runner import evaluate, load_gold, select
from eval.systems import AnswerSystem

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "gold.jsonl"
SUBSET_SIZE = 20  # the first 20 answerable questions by id
# Measured 2026-12-01 with default settings (e5-small, RRF k=60, extractive, OCR repair) on the 124-question gold set:
# hybrid hit@5 on this subset = 20/20 (full set: 0.991). Re-measure and update when the gold set changes.
MEASURED_HIT_AT_5 = 1.0
HIT_AT_5_FLOOR = MEASURED_HIT_AT_5 - 0.05
MEASURED_CITATION_VALIDITY = 1.0


def _fixture(request: pytest.FixtureRequest, name: str):
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        pytest.skip(f"fixture '{name}' (tests/conftest.py) is not available yet")


@pytest.fixture(scope="module")
def smoke_run(request: pytest.FixtureRequest):
    if not GOLD.exists():
        pytest.skip(f"gold set {GOLD} does not exist yet")
    index = _fixture(request, "built_index")
    service = _fixture(request, "assistant_service")
    questions = select(load_gold(GOLD), answerable_only=True, limit=SUBSET_SIZE)
    return evaluate(questions, [AnswerSystem("hybrid", service.ask)], EvidenceLocator(index.source_text),
                    gold_path=str(GOLD), progress=False)


@pytest.mark.slow
def test_smoke_hit_at_5_stays_above_floor(smoke_run):
    assert len(smoke_run.questions) == SUBSET_SIZE
    assert smoke_run.missing_evidence == ()
    summary = smoke_run.summary("hybrid")
    misses = [r.qid for r in smoke_run.of("hybrid") if r.metrics["hit@5"] == 0.0]
    assert summary.values["hit@5"] >= HIT_AT_5_FLOOR, f"hit@5 {summary.values['hit@5']:.3f}, misses: {misses}"


@pytest.mark.slow
def test_smoke_citations_quote_the_source(smoke_run):
    summary = smoke_run.summary("hybrid")
    assert summary.n_citations > 0
    assert summary.values["citation_validity"] == MEASURED_CITATION_VALIDITY
