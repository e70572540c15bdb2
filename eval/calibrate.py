"""Calibration of the abstention threshold on the gold set's dev split.

``python -m eval calibrate [--gold FILE] [--index DIR] [--lowest 0.2] [--highest 0.8] [--step 0.02]``

This is the one tuning the gold set may drive (eval/gold/README.md). Every
question of the dev split is answered once with the threshold at 0, keeping
its support score (``Answer.support``), whether it abstained anyway (a place
with no plan, a blank plan number), and whether the answer holds every key
fact. For each threshold ``t`` an answer abstains when ``support < t``; the
utility of ``t`` is the share of dev questions handled right (answerable:
answered with all key facts; unanswerable: abstained). The chosen threshold is
the middle of the widest best plateau. The test split is then scored at the
chosen threshold and printed separately, never used for choosing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.service import Assistant
from eval import metrics as m
from eval.runner import load_gold, select
from settings import load_settings


@dataclass(frozen=True)
class Observation:
    """One gold question answered with the threshold at 0."""

    qid: str
    split: str
    answerable: bool
    support: float
    forced_abstention: bool
    correct_when_answered: bool


@dataclass(frozen=True)
class ThresholdScore:
    """Outcome of one threshold on a set of observations."""

    threshold: float
    utility: float
    key_fact_accuracy: float | None
    precision: float | None
    recall: float | None


def observe(questions, assistant) -> list[Observation]:
    """Answer every question with ``assistant`` (whose threshold should be 0)."""
    rows = []
    for q in questions:
        answer = assistant.ask(q.question)
        rows.append(Observation(q.id, q.split, q.answerable, float(answer.support or 0.0), answer.abstained,
                                m.answer_correct(answer.answer, q.key_facts, answer.abstained)))
    return rows


def score_threshold(rows: Sequence[Observation], threshold: float) -> ThresholdScore:
    """Utility, key-fact accuracy and abstention precision/recall when abstaining below ``threshold``."""
    if not rows:
        raise ValueError("rows must not be empty")
    abstained = [r.forced_abstention or r.support < threshold for r in rows]
    right = [(not a and r.correct_when_answered) if r.answerable else a for r, a in zip(rows, abstained, strict=True)]
    answerable = [r.answerable for r in rows]
    scores = m.abstention_scores(abstained, answerable)
    kfa = [float(ok) for ok, r in zip(right, rows, strict=True) if r.answerable]
    return ThresholdScore(threshold, sum(right) / len(rows), sum(kfa) / len(kfa) if kfa else None,
                          scores.precision, scores.recall)


def choose_threshold(scores: Sequence[ThresholdScore]) -> ThresholdScore:
    """The middle of the widest run of consecutive thresholds with the best utility."""
    best = max(s.utility for s in scores)
    runs: list[list[ThresholdScore]] = []
    previous_best = False
    for s in scores:
        if s.utility == best:
            if previous_best:
                runs[-1].append(s)
            else:
                runs.append([s])
        previous_best = s.utility == best
    widest = max(runs, key=len)
    return widest[len(widest) // 2]


def grid(lowest: float, highest: float, step: float) -> list[float]:
    """Thresholds from ``lowest`` to ``highest`` inclusive."""
    if step <= 0 or highest < lowest:
        raise ValueError(f"need step > 0 and highest >= lowest, got {lowest}, {highest}, {step}")
    count = int(round((highest - lowest) / step))
    return [round(lowest + i * step, 4) for i in range(count + 1)]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def report(dev_scores: Sequence[ThresholdScore], chosen: ThresholdScore, test: ThresholdScore | None,
           current: float) -> str:
    """The Vietnamese table printed by ``python -m eval calibrate``."""
    lines = ["ngưỡng  đúng (dev)  ý chính  từ chối P  từ chối R", "------  ----------  -------  ---------  ---------"]
    for s in dev_scores:
        mark = "  ← chọn" if s is chosen else ""
        lines.append(f"{s.threshold:6.2f}  {s.utility:10.3f}  {_fmt(s.key_fact_accuracy):>7}  "
                     f"{_fmt(s.precision):>9}  {_fmt(s.recall):>9}{mark}")
    lines.append(f"\nNgưỡng chọn trên tập dev: {chosen.threshold:.2f} (thiết lập hiện tại abstain_threshold = "
                 f"{current:.2f}).")
    if test is not None:
        lines.append(f"Tập test ở ngưỡng {chosen.threshold:.2f} (không dùng để chọn): đúng {test.utility:.3f}, "
                     f"ý chính {_fmt(test.key_fact_accuracy)}, từ chối P {_fmt(test.precision)}, "
                     f"R {_fmt(test.recall)}.")
    return "\n".join(lines)


def run(gold_path, index_dir: str | None, lowest: float, highest: float, step: float) -> str:
    """Calibrate on dev, score test at the chosen threshold; returns the printed report."""
    settings = load_settings(index_dir=index_dir)
    assistant = Assistant(settings.with_overrides(abstain_threshold=0.0))
    questions = load_gold(gold_path)
    dev = observe(select(questions, split="dev"), assistant)
    test = observe(select(questions, split="test"), assistant)
    dev_scores = [score_threshold(dev, t) for t in grid(lowest, highest, step)]
    chosen = choose_threshold(dev_scores)
    return report(dev_scores, chosen, score_threshold(test, chosen.threshold) if test else None,
                  float(settings.abstain_threshold))
