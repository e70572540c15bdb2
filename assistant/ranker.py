"""The fitted answer step's models, read from JSON: which sentence answers, and whether to answer.

``assistant/resources/answer_step.json`` holds two models fitted by
``python -m eval fit`` (:mod:`eval.fit`), each a standardised logistic model or
a gradient-boosted tree ensemble (whichever measured better when fitted):

- ``unit``: P(a candidate sentence states the answer) from
  :data:`assistant.features.UNIT_FEATURES`;
- ``abstain``: P(the question is answered by the best sentence) from
  :data:`assistant.features.QUESTION_FEATURES`, calibrated on development questions
  (Platt scaling); the answer abstains below the ``abstain_threshold`` setting
  (0.5: abstain when an answer is more likely wrong than right).

The file names its features; a file fitted on other features is refused in words,
so stale weights never score silently.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.features import QUESTION_FEATURES, UNIT_FEATURES

__all__ = ["ANSWER_STEP_PATH", "AnswerStep", "FittedModel", "load_answer_step"]

ANSWER_STEP_PATH = Path(__file__).resolve().parent / "resources" / "answer_step.json"
Z_CLIP = 4.0


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _tree_value(node: dict, x: Sequence[float]) -> float:
    while "leaf_value" not in node:
        value = x[node["split_feature"]]
        go_left = value <= node["threshold"] if node.get("decision_type", "<=") == "<=" else value < node["threshold"]
        node = node["left_child"] if go_left else node["right_child"]
    return float(node["leaf_value"])


@dataclass(frozen=True)
class FittedModel:
    """One fitted binary model.

    Attributes:
        kind: "logistic" (standardised features, ``coef``, ``intercept``) or "trees"
            (LightGBM's ``dump_model`` trees, raw score summed then squashed).
        features: Feature names, in vector order.
        params: The model's numbers as stored.
        platt: Optional (a, b) of a Platt calibration applied to the raw score: sigmoid(a * s + b).
    """

    kind: str
    features: tuple[str, ...]
    params: dict
    platt: tuple[float, float] | None = None

    def raw(self, x: Sequence[float]) -> float:
        """The model's score before the logistic squash."""
        if self.kind == "logistic":
            mean, scale, coef = self.params["mean"], self.params["scale"], self.params["coef"]
            # Standardised values are clipped: a feature far outside what the fit saw moves the
            # score no further than a value at the edge of it.
            return float(self.params["intercept"]) + sum(
                c * max(-Z_CLIP, min(Z_CLIP, (v - m) / s)) for c, v, m, s in zip(coef, x, mean, scale, strict=True))
        if self.kind == "trees":
            return sum(_tree_value(tree["tree_structure"], x) for tree in self.params["trees"])
        raise ValueError(f"unknown model kind {self.kind!r}")

    def probability(self, x: Sequence[float]) -> float:
        """P(positive | x), calibrated when the model carries a Platt scaling."""
        score = self.raw(x)
        if self.platt is not None:
            a, b = self.platt
            return _sigmoid(a * score + b)
        return _sigmoid(score)

    @classmethod
    def from_json(cls, data: dict, expected: Sequence[str]) -> FittedModel:
        features = tuple(data["features"])
        if features != tuple(expected):
            raise ValueError("Trọng số của bước trả lời được huấn luyện trên bộ đặc trưng khác; "
                             "hãy chạy lại `python -m eval fit`.")
        platt = data.get("platt")
        return cls(data["kind"], features, dict(data["params"]), tuple(platt) if platt else None)

    def to_json(self) -> dict:
        return {"kind": self.kind, "features": list(self.features), "params": self.params,
                "platt": list(self.platt) if self.platt else None}


@dataclass(frozen=True)
class AnswerStep:
    """The two fitted models."""

    unit: FittedModel
    abstain: FittedModel

    def to_json(self, report: dict | None = None) -> dict:
        return {"format": 1, "unit": self.unit.to_json(), "abstain": self.abstain.to_json(), "report": report or {}}


def read_models(path: str | Path, expected: dict[str, Sequence[str]], what: str, command: str) -> dict:
    """The fitted models named in ``expected`` (key -> feature names) from the JSON file ``path``.

    Raises:
        ValueError: In Vietnamese (naming ``what`` and the ``command`` that refits it), when the file
            is missing, unreadable, lacks a model or was fitted on other features.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        stored = {key: data[key] for key in expected}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"Không đọc được trọng số của {what} ({path}); hãy chạy `{command}`.") from exc
    for key, features in expected.items():
        if tuple(stored[key].get("features", ())) != tuple(features):
            raise ValueError(f"Trọng số của {what} ({path}) được huấn luyện trên bộ đặc trưng khác; "
                             f"hãy chạy lại `{command}`.")
    return {key: FittedModel.from_json(stored[key], features) for key, features in expected.items()}


@lru_cache(maxsize=4)
def load_answer_step(path: str | Path = ANSWER_STEP_PATH) -> AnswerStep:
    """Read the fitted answer step (cached per path).

    Raises:
        ValueError: In Vietnamese, when the file is missing, unreadable or fitted on other features.
    """
    models = read_models(path, {"unit": UNIT_FEATURES, "abstain": QUESTION_FEATURES}, "bước trả lời",
                         "python -m eval fit")
    return AnswerStep(models["unit"], models["abstain"])
