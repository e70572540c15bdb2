"""Bootstrap 95% intervals for every aggregate metric of a group of question results.

Questions are resampled with replacement and the whole summary recomputed on
each sample (so ratios such as abstention precision or the pooled faithfulness
share get honest intervals, not per-question means). Seeded: the same run
gives the same intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_REPS = 1000
DEFAULT_SEED = 20261202


@dataclass(frozen=True)
class Interval:
    """A percentile interval of a metric."""

    low: float
    high: float


def bootstrap_intervals(results: Sequence, summarize: Callable[[Sequence], Mapping[str, float | None]], *,
                        reps: int = DEFAULT_REPS, seed: int = DEFAULT_SEED,
                        level: float = 0.95) -> dict[str, Interval]:
    """Percentile intervals of every metric ``summarize`` returns.

    Args:
        results: Per-question results (any objects ``summarize`` accepts).
        summarize: Results -> metric name -> value (None when it does not apply).
        reps: Number of resamples (> 0).
        seed: Random seed.
        level: Coverage of the interval, in (0, 1).

    Returns:
        Metric name -> interval, for metrics defined on at least half of the samples.
    """
    if reps <= 0:
        raise ValueError(f"reps must be > 0, got {reps}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if not results:
        return {}
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(reps):
        picked = [results[i] for i in rng.integers(0, len(results), len(results))]
        for name, value in summarize(picked).items():
            if value is not None:
                samples.setdefault(name, []).append(float(value))
    tail = (1 - level) / 2 * 100
    return {name: Interval(float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail)))
            for name, v in samples.items() if len(v) >= reps / 2}
