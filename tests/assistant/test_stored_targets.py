"""assistant/compare_targets.py: the stored targets are grouped once per index, not once per question."""

from __future__ import annotations

from assistant.compare_targets import StoredTargets, stored_targets
from ingest.batch import ingest_paths
from ingest.targets import extract_targets
from tests.plans import DAK_DOA, HUE, PLANS


def _pairs():
    return tuple((d.meta, t) for d in ingest_paths([PLANS / DAK_DOA, PLANS / HUE]).documents
                 for t in extract_targets(d.meta, d.clauses))


def test_the_grouping_is_built_once_for_the_same_targets_and_again_for_new_ones():
    pairs = _pairs()
    first = stored_targets(pairs)
    assert stored_targets(pairs) is first
    assert first == StoredTargets.of(pairs)  # what a fresh grouping gives
    assert sum(len(v) for v in first.by_clause.values()) == sum(len(v) for v in first.by_doc.values()) == len(pairs)
    changed = pairs[1:]  # an index that changed hands out another sequence
    again = stored_targets(changed)
    assert again is not first and again.source is changed
    assert sum(len(v) for v in again.by_doc.values()) == len(pairs) - 1
