"""Fit the extractive answer step: which sentence answers, and when to abstain.

``python -m eval fit [--train FILE ...] [--dev FILE ...] [--out PATH]``

Labels come from the question files' evidence: a candidate sentence is positive
when its span in the plan overlaps an evidence span of the question (most of
the sentence, or most of the evidence). Training questions (the ``train_*``
files, written from the plans only) fit the models; development questions
(``gold.jsonl`` and the holdout) choose the model family and calibrate the
abstention probability (Platt scaling). The frozen blind set is never read here.

1. Unit model: logistic regression (standardised features, L2, C chosen on dev) and
   LightGBM are both fitted and compared on top-1 accuracy on dev (the share of answerable
   dev questions whose best-scored sentence is a positive one, among those where retrieval
   brought one); LightGBM is kept only when it wins by ``TREES_MARGIN`` or more.
2. Abstention model: a logistic regression on :data:`assistant.features.QUESTION_FEATURES`
   (computed with the chosen unit model, out of fold for training questions), label "the
   question is answerable", fitted on training and development questions, Platt-calibrated
   on its out-of-fold scores (the development files alone hold too few unanswerable questions
   that reach the model).
3. A learning curve: dev top-1 accuracy of the unit model fitted on growing shares of the
   training questions.

The weights and the report are written as JSON (``assistant/resources/answer_step.json``);
the same inputs give the same file.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.features import QUESTION_FEATURES, UNIT_FEATURES, question_features
from assistant.ranker import ANSWER_STEP_PATH, AnswerStep, FittedModel
from eval.evidence import EvidenceLocator, Span
from eval.gold.questions import GoldQuestion, read_gold

__all__ = ["QuestionData", "collect", "fit_answer_step", "label_units"]

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_TRAIN = ("train_2026-12.jsonl", "train_2026-12b.jsonl")
DEFAULT_DEV = ("gold.jsonl", "holdout_2026-12.jsonl")
SEED = 20261202
MIN_SHARE_OF_SENTENCE = 0.5
TREES_MARGIN = 0.02
FOLDS = 5
ABSTAIN_C = 1.0
MIN_SHARE_OF_EVIDENCE = 0.5


@dataclass(frozen=True)
class QuestionData:
    """One question's candidates as the fit sees them."""

    qid: str
    answerable: bool
    vectors: np.ndarray          # (n_units, n_features)
    labels: np.ndarray           # (n_units,) 1 = states the answer
    stats: object
    n_terms: int
    intent: object
    documents: tuple[str, ...]


def label_units(units, spans: Sequence[Span]) -> np.ndarray:
    """1 for each unit whose sentence span overlaps an evidence span enough, else 0."""
    labels = np.zeros(len(units), dtype=np.int8)
    for i, unit in enumerate(units):
        clause = unit.scored.clause
        if unit.position >= len(clause.sentences):
            continue
        sentence = clause.sentences[unit.position]
        length = max(sentence.end - sentence.start, 1)
        for span in spans:
            if span.doc_id != clause.doc_id:
                continue
            overlap = min(sentence.end, span.end) - max(sentence.start, span.start)
            if overlap > 0 and (overlap >= MIN_SHARE_OF_SENTENCE * length
                                or overlap >= MIN_SHARE_OF_EVIDENCE * max(span.length, 1)):
                labels[i] = 1
                break
    return labels


def collect(questions: Sequence[GoldQuestion], assistant) -> list[QuestionData]:
    """Candidates, features and labels of every question a rule does not decide first."""
    locator = EvidenceLocator(assistant.index.source_text)
    known = {d.doc_id for d in assistant.index.documents()}
    rows = []
    for q in questions:
        found, reading = assistant.candidates(q.question)
        if found.early is not None or not found.units:
            continue
        # Evidence found in more than one place would label the wrong places too: it is left out.
        located = [locator.locate(e.doc_id, e.text) for e in q.evidence if e.doc_id in known]
        spans = [found[0] for found in located if len(found) == 1]
        rows.append(QuestionData(
            q.id, q.answerable, np.array([u.features for u in found.units], dtype=float),
            label_units(found.units, spans) if q.answerable else np.zeros(len(found.units), dtype=np.int8),
            found.stats, len(found.terms), reading.intent, tuple(q.documents)))
    return rows


def _stack(rows: Sequence[QuestionData]) -> tuple[np.ndarray, np.ndarray]:
    usable = [r for r in rows if r.answerable and r.labels.any()]
    return np.vstack([r.vectors for r in usable]), np.concatenate([r.labels for r in usable])


def logistic_model(x: np.ndarray, y: np.ndarray, c: float, features: Sequence[str] | None = None) -> FittedModel:
    """A class-balanced logistic model on standardised ``x`` (``features`` names its columns; by default
    the answer step's unit or question features, whichever has ``x``'s width)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    if features is None:
        features = UNIT_FEATURES if x.shape[1] == len(UNIT_FEATURES) else QUESTION_FEATURES
    return FittedModel("logistic", tuple(features),
                       {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
                        "coef": model.coef_[0].round(6).tolist(), "intercept": round(float(model.intercept_[0]), 6)})


def _lightgbm(x: np.ndarray, y: np.ndarray) -> FittedModel:
    import lightgbm as lgb

    model = lgb.LGBMClassifier(n_estimators=150, learning_rate=0.05, num_leaves=15, min_child_samples=10,
                               subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0,
                               random_state=SEED, n_jobs=1, verbose=-1, deterministic=True, force_row_wise=True)
    model.fit(x, y)
    trees = model.booster_.dump_model()["tree_info"]
    return FittedModel("trees", UNIT_FEATURES, {"trees": [{"tree_structure": t["tree_structure"]} for t in trees]})


def top1(model: FittedModel, rows: Sequence[QuestionData]) -> tuple[float, int]:
    """Share of answerable questions (with a positive candidate) whose best-scored candidate is positive."""
    usable = [r for r in rows if r.answerable and r.labels.any()]
    if not usable:
        return 0.0, 0
    right = sum(int(r.labels[int(np.argmax([model.raw(v) for v in r.vectors]))]) for r in usable)
    return right / len(usable), len(usable)


def _refit(unit: FittedModel, name: str, rows: Sequence[QuestionData]) -> FittedModel:
    """The unit model's family (and C) fitted again on ``rows``."""
    xs, ys = _stack(rows)
    return _lightgbm(xs, ys) if unit.kind == "trees" else logistic_model(xs, ys, float(name.split("=")[1]))


def _folds(n: int, k: int = FOLDS) -> list[list[int]]:
    order = list(range(n))
    random.Random(SEED).shuffle(order)
    return [order[i::k] for i in range(k)]


def _question_vectors(model: FittedModel, rows: Sequence[QuestionData],
                      models: Sequence[FittedModel] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Abstention features of ``rows`` (with ``models[i]`` scoring row i's candidates when given)."""
    vectors, labels = [], []
    for i, r in enumerate(rows):
        scorer = models[i] if models is not None else model
        probs = [scorer.probability(v) for v in r.vectors]
        vectors.append(question_features(probs, r.vectors, r.intent, r.n_terms, r.stats))
        labels.append(int(r.answerable))
    return np.array(vectors, dtype=float), np.array(labels)


def platt_scaling(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of sigmoid(a * raw + b) fitted to labels ``y`` (raw scores should be out-of-fold)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6, max_iter=1000).fit(raw.reshape(-1, 1), y)
    return round(float(model.coef_[0][0]), 6), round(float(model.intercept_[0]), 6)


def _abstention_scores(probs: np.ndarray, answerable: np.ndarray, threshold: float) -> dict:
    abstain = probs < threshold
    false_abstention = float(np.mean(abstain[answerable == 1])) if (answerable == 1).any() else 0.0
    recall = float(np.mean(abstain[answerable == 0])) if (answerable == 0).any() else 0.0
    precision = float(np.mean(answerable[abstain] == 0)) if abstain.any() else 0.0
    return {"threshold": threshold, "false_abstention": round(false_abstention, 3),
            "abstention_recall": round(recall, 3), "abstention_precision": round(precision, 3)}


def fit_answer_step(train: Sequence[QuestionData], dev: Sequence[QuestionData]) -> tuple[AnswerStep, dict]:
    """Fit both models on ``train``, choose and calibrate on ``dev``; returns the step and its report."""
    x, y = _stack(train)
    candidates: dict[str, FittedModel] = {}
    for c in (0.03, 0.1, 0.3, 1.0, 3.0):
        candidates[f"logistic C={c}"] = logistic_model(x, y, c)
    candidates["lightgbm"] = _lightgbm(x, y)
    dev_top1 = {name: top1(model, dev) for name, model in candidates.items()}
    scores = {name: share for name, (share, _) in dev_top1.items()}
    best_logistic = max((n for n in scores if n.startswith("logistic")), key=lambda n: scores[n])
    # The tree ensemble must win clearly (a few dev questions decide less than that) to replace the
    # linear model, whose weights can be read.
    chosen_name = "lightgbm" if scores["lightgbm"] >= scores[best_logistic] + TREES_MARGIN else best_logistic
    unit = candidates[chosen_name]

    # Learning curve: the chosen family refitted on growing shares of the training questions.
    order = list(range(len(train)))
    random.Random(SEED).shuffle(order)
    curve = []
    for share in (0.25, 0.5, 0.75, 1.0):
        subset = [train[i] for i in order[: max(1, int(round(share * len(train))))]]
        model = _refit(unit, chosen_name, subset)
        curve.append({"questions": len(subset), "dev_top1": round(top1(model, dev)[0], 3)})

    # Abstention: the unit probabilities a training question sees come from a unit model that did not
    # train on it (out of fold), as at answer time; the abstention model learns on training and
    # development questions together, and its Platt scaling is fitted on out-of-fold scores, so
    # the few unanswerable development questions are not the only ones that calibrate it.
    scorers: list[FittedModel] = [unit] * len(train)
    for fold in _folds(len(train)):
        held = set(fold)
        fold_model = _refit(unit, chosen_name, [r for i, r in enumerate(train) if i not in held])
        for i in fold:
            scorers[i] = fold_model
    tx, ty = _question_vectors(unit, train, scorers)
    dx, dy = _question_vectors(unit, dev)
    qx, qy = np.vstack([tx, dx]), np.concatenate([ty, dy])
    oof = np.zeros(len(qy))
    for fold in _folds(len(qy)):
        held = np.zeros(len(qy), dtype=bool)
        held[fold] = True
        fold_model = logistic_model(qx[~held], qy[~held], ABSTAIN_C)
        oof[held] = [fold_model.raw(v) for v in qx[held]]
    platt = platt_scaling(oof, qy)
    abstain = logistic_model(qx, qy, ABSTAIN_C)
    abstain = FittedModel(abstain.kind, QUESTION_FEATURES, abstain.params, platt)
    oof_probs = np.array([1.0 / (1.0 + np.exp(-(platt[0] * r + platt[1]))) for r in oof])
    dev_probs = oof_probs[len(ty):]
    report = {
        "train_questions": len(train), "train_units": int(len(y)), "train_positive_units": int(y.sum()),
        "dev_questions": len(dev),
        "unit_models_dev_top1": {n: round(v, 3) for n, v in scores.items()},
        "unit_model": chosen_name,
        "train_top1": round(top1(unit, train)[0], 3),
        "dev_top1": round(scores[chosen_name], 3), "dev_top1_questions": dev_top1[chosen_name][1],
        "learning_curve": curve,
        "abstention_dev": [_abstention_scores(dev_probs, dy, t) for t in (0.3, 0.4, 0.5, 0.6, 0.7)],
        "abstention_out_of_fold": [_abstention_scores(oof_probs, qy, t) for t in (0.3, 0.4, 0.5, 0.6, 0.7)],
        "abstention_questions": int(len(qy)), "abstention_unanswerable": int((qy == 0).sum()),
    }
    return AnswerStep(unit, abstain), report


def _read(paths: Sequence[Path]) -> list[GoldQuestion]:
    questions: list[GoldQuestion] = []
    for path in paths:
        if path.exists():
            questions.extend(read_gold(path))
    return questions


def run(train_paths: Sequence[str] | None, dev_paths: Sequence[str] | None, out: str | None,
        index_dir: str | None = None, *, lopo: bool = False) -> str:
    """Fit and write the answer step; returns the printed Vietnamese report."""
    import json

    from assistant.service import Assistant
    from settings import load_settings

    train_files = [Path(p) for p in train_paths] if train_paths else [GOLD_DIR / n for n in DEFAULT_TRAIN]
    dev_files = [Path(p) for p in dev_paths] if dev_paths else [GOLD_DIR / n for n in DEFAULT_DEV]
    if any("blind" in f.name for f in [*train_files, *dev_files]):
        raise ValueError("Tập mù (blind) không bao giờ được dùng để huấn luyện hay hiệu chỉnh.")
    assistant = Assistant(load_settings(index_dir=index_dir))
    train = collect(_read(train_files), assistant)
    dev = collect(_read(dev_files), assistant)
    step, report = fit_answer_step(train, dev)
    lopo_rows = leave_one_plan_out(_read(train_files), _read(dev_files), assistant) if lopo else []
    if lopo_rows:
        report["leave_one_plan_out"] = lopo_rows
    report["train_files"] = [f.name for f in train_files if f.exists()]
    report["dev_files"] = [f.name for f in dev_files if f.exists()]
    target = Path(out) if out else ANSWER_STEP_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(step.to_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [f"Đã ghi {target}",
             f"Câu hỏi huấn luyện: {report['train_questions']} ({report['train_units']} câu ứng viên, "
             f"{report['train_positive_units']} câu đúng); câu hỏi phát triển: {report['dev_questions']}.",
             "Độ chính xác top-1 trên tập phát triển theo mô hình:"]
    lines += [f"  {name:<18} {value:.3f}" for name, value in report["unit_models_dev_top1"].items()]
    lines.append(f"Chọn: {report['unit_model']} (top-1 huấn luyện {report['train_top1']:.3f}, "
                 f"phát triển {report['dev_top1']:.3f} trên {report['dev_top1_questions']} câu).")
    lines.append("Đường cong học (số câu huấn luyện → top-1 phát triển): " + ", ".join(
        f"{p['questions']} → {p['dev_top1']:.3f}" for p in report["learning_curve"]))
    lines.append(f"Từ chối, dự đoán ngoài fold trên {report['abstention_questions']} câu huấn luyện và phát triển "
                 f"({report['abstention_unanswerable']} câu không trả lời được; ngưỡng: từ chối nhầm / recall / "
                 "precision):")
    lines += [f"  {a['threshold']:.1f}: {a['false_abstention']:.3f} / {a['abstention_recall']:.3f} / "
              f"{a['abstention_precision']:.3f}" for a in report["abstention_out_of_fold"]]
    if lopo_rows:
        lines.append(lopo_table(lopo_rows))
    return "\n".join(lines)


def _involves(question_documents: Sequence[str], doc_id: str) -> bool:
    return doc_id in question_documents


def leave_one_plan_out(train_questions: Sequence[GoldQuestion], dev_questions: Sequence[GoldQuestion],
                       assistant) -> list[dict]:
    """Fit on the questions of four plans, score end to end on the fifth's; one row per plan.

    Questions that name no plan (other provinces, the law) train every fold. A fold's test
    questions are every question (training and development files alike) about its plan: none
    of them trained or calibrated that fold's models.
    """
    from eval.runner import evaluate, summarize
    from eval.systems import assistant_systems, build_context

    train_rows = collect(train_questions, assistant)
    dev_rows = collect(dev_questions, assistant)
    everything = list(train_questions) + list(dev_questions)
    context = build_context(assistant)
    saved = assistant.extractive.answer_step
    rows = []
    try:
        for meta in assistant.index.documents():
            plan = meta.doc_id
            step, _ = fit_answer_step([r for r in train_rows if not _involves(r.documents, plan)],
                                      [r for r in dev_rows if not _involves(r.documents, plan)])
            assistant.extractive._answer_step = step
            tested = [q for q in everything if _involves(q.documents, plan)]
            run = evaluate(tested, assistant_systems(assistant, ["hybrid"]), context, progress=False)
            summary = summarize(run.results)
            values = summary.values
            rows.append({"plan": plan, "locality": meta.locality, "questions": summary.n_questions,
                         "answerable": summary.n_answerable,
                         "key_facts": _round(values.get("key_fact_accuracy")),
                         "strict": _round(values.get("strict_accuracy")),
                         "false_abstention": _round(values.get("false_abstention")),
                         "abstention_recall": _round(values.get("abstention_recall"))})
    finally:
        assistant.extractive._answer_step = saved
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def lopo_table(rows: Sequence[dict]) -> str:
    """The Vietnamese table of :func:`leave_one_plan_out`."""
    lines = ["Bỏ một kế hoạch (huấn luyện trên câu hỏi của bốn kế hoạch, chấm trên kế hoạch thứ năm):",
             f"{'kế hoạch':<32} {'câu':>4} {'ý chính':>8} {'chặt':>6} {'từ chối nhầm':>13} {'recall từ chối':>15}"]
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    for r in rows:
        lines.append(f"{r['plan']:<32} {r['questions']:>4} {fmt(r['key_facts']):>8} {fmt(r['strict']):>6} "
                     f"{fmt(r['false_abstention']):>13} {fmt(r['abstention_recall']):>15}")
    return "\n".join(lines)
