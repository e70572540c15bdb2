"""Tests for eval/calibrate.py on hand-made observations."""

import pytest

from eval.calibrate import Observation, choose_threshold, grid, score_threshold


def rows():
    # Two answerable questions (one answered right), two unanswerable ones.
    return [Observation("a1", "dev", True, 0.9, False, True),
            Observation("a2", "dev", True, 0.45, False, False),
            Observation("u1", "dev", False, 0.40, False, False),
            Observation("u2", "dev", False, 0.10, True, False)]


def test_score_threshold_counts_abstentions_below_the_threshold():
    low = score_threshold(rows(), 0.2)      # only the forced abstention
    assert (low.precision, low.recall, low.utility) == (1.0, 0.5, 0.5)
    mid = score_threshold(rows(), 0.5)      # a2 and u1 abstain too
    assert (mid.precision, mid.recall) == (2 / 3, 1.0)
    assert mid.utility == 0.75 and mid.key_fact_accuracy == 0.5
    high = score_threshold(rows(), 0.95)    # everything abstains
    assert high.utility == 0.5 and high.key_fact_accuracy == 0.0


def test_choose_threshold_takes_the_middle_of_the_widest_best_plateau():
    scores = [score_threshold(rows(), t) for t in grid(0.3, 0.9, 0.1)]
    chosen = choose_threshold(scores)
    assert [round(s.threshold, 1) for s in scores if s.utility == chosen.utility] == [0.5, 0.6, 0.7, 0.8, 0.9]
    assert chosen.threshold == pytest.approx(0.7)


def test_grid_and_empty_rows_are_checked():
    assert grid(0.2, 0.3, 0.05) == [0.2, 0.25, 0.3]
    with pytest.raises(ValueError):
        grid(0.5, 0.2, 0.1)
    with pytest.raises(ValueError):
        score_threshold([], 0.5)
