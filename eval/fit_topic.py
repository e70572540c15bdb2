"""``python -m eval fit-topic``: fit the topic check (is a question about what the plans cover?).

Training questions: ``eval/gold/offtopic/offtopic_train_*.jsonl`` (on- and off-topic questions written
from the plans alone, in citizens' and officers' words, a third without accents) and, as on-topic
questions, the training question files ``eval/gold/train_*.jsonl``. A class-balanced logistic model on
:data:`assistant.topic.TOPIC_FEATURES`; C is chosen by 5-fold cross-validated log-loss and the
probability Platt-calibrated on out-of-fold scores. The test file ``offtopic_test_*.jsonl`` was written
separately and is scored once, after fitting, never used to choose anything.

Reported: off-topic recall (off-topic questions judged off-topic) and the share of on-topic questions
judged off-topic, at the ``off_topic_threshold`` setting, cross-validated and on the test file.
Only abstentions are re-worded, so an on-topic question judged off-topic loses no answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.ranker import FittedModel
from assistant.topic import TOPIC_FEATURES, TOPIC_STEP_PATH
from eval.fit import logistic_model, platt_scaling

GOLD_DIR = Path(__file__).resolve().parent / "gold"
OFFTOPIC_DIR = GOLD_DIR / "offtopic"
C_GRID = (0.01, 0.1, 1.0, 10.0)
FOLDS = 5
SEED = 52


def read_topic_questions(paths: Sequence[Path]) -> list[tuple[str, int]]:
    """(question, 1 when on topic) from off-topic files (their ``on_topic`` field) and question files (all on topic)."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                rows.append((data["question"], int(data.get("on_topic", True))))
    return rows


def _folds(n: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return rng.permutation(n) % FOLDS


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _scores(on_topic: np.ndarray, y: np.ndarray, threshold: float) -> dict:
    off = on_topic < threshold
    return {"off_topic_recall": round(float(off[y == 0].mean()), 4) if (y == 0).any() else None,
            "on_topic_judged_off": round(float(off[y == 1].mean()), 4) if (y == 1).any() else None,
            "questions": int(len(y)), "off_topic": int((y == 0).sum())}


def fit_topic(x: np.ndarray, y: np.ndarray, threshold: float) -> tuple[FittedModel, dict]:
    """Choose C by cross-validation, calibrate, refit on everything; returns the model and its report."""
    folds = _folds(len(y))
    best = None
    for c in C_GRID:
        oof = np.zeros(len(y))
        for k in range(FOLDS):
            held = folds == k
            oof[held] = [logistic_model(x[~held], y[~held], c, TOPIC_FEATURES).raw(v) for v in x[held]]
        loss = _log_loss(1 / (1 + np.exp(-oof)), y)
        if best is None or loss < best[0]:
            best = (loss, c, oof)
    loss, c, oof = best
    platt = platt_scaling(oof, y)
    calibrated = 1 / (1 + np.exp(-(platt[0] * oof + platt[1])))
    model = logistic_model(x, y, c, TOPIC_FEATURES)
    model = FittedModel(model.kind, model.features, model.params, platt)
    return model, {"C": c, "cv_log_loss": round(loss, 4), "cross_validated": _scores(calibrated, y, threshold)}


def run(out: str | None = None, threshold: float | None = None) -> str:
    """Fit on the training files, score the test file once, write the model; returns a Vietnamese summary."""
    from assistant.service import Assistant
    from settings import load_settings

    settings = load_settings()
    threshold = float(settings.off_topic_threshold if threshold is None else threshold)
    assistant = Assistant(settings)
    train_paths = sorted(OFFTOPIC_DIR.glob("offtopic_train_*.jsonl")) + sorted(GOLD_DIR.glob("train_*.jsonl"))
    test_paths = sorted(OFFTOPIC_DIR.glob("offtopic_test_*.jsonl"))
    train = read_topic_questions(train_paths)
    x = np.array([assistant.topic_vector(q) for q, _ in train], dtype=float)
    y = np.array([label for _, label in train])
    model, report = fit_topic(x, y, threshold)
    test = read_topic_questions(test_paths)
    if test:
        tx = np.array([assistant.topic_vector(q) for q, _ in test], dtype=float)
        ty = np.array([label for _, label in test])
        report["test"] = _scores(np.array([model.probability(v) for v in tx]), ty, threshold)
    report.update({"threshold": threshold, "train_files": [p.name for p in train_paths],
                   "test_files": [p.name for p in test_paths]})
    path = Path(out) if out else TOPIC_STEP_PATH
    path.write_text(json.dumps({"format": 1, "model": model.to_json(), "report": report}, ensure_ascii=False,
                               indent=1) + "\n", encoding="utf-8")
    lines = [f"Mô hình chủ đề: C={report['C']}, log-loss kiểm chéo {report['cv_log_loss']}; ngưỡng {threshold}."]
    for name, label in (("cross_validated", "kiểm chéo (huấn luyện)"), ("test", "tập kiểm tra")):
        if name in report:
            r = report[name]
            lines.append(f"{label}: {r['questions']} câu ({r['off_topic']} ngoài chủ đề): nhận ra câu ngoài chủ đề "
                         f"{r['off_topic_recall']}, câu đúng chủ đề bị coi là ngoài chủ đề {r['on_topic_judged_off']}.")
    lines.append(f"Đã ghi {path}.")
    return "\n".join(lines)
