"""Fits the answerer's refusal model: a logistic regression on the refusal signals recorded by an evaluation run.

    assistant eval /tmp/clapnq/clapnq.jsonl --docs /tmp/clapnq/passages --report /tmp/clapnq/report
    python -m evals.calibrate /tmp/clapnq/report/report.json [--check evals-report.json ...] [--write]

It prints 5-fold cross-validated refusal figures on the fitting set, and the figures on each `--check` report (a
set it was not fitted on). `--write` saves the weights to assistant/refusal.json, which the answerer reads.
Signals are recorded whatever the refusal settings of the run, so any run of the default retrieval will do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from assistant.refusal import FEATURES, MODEL_FILE, LogisticRefusal


def examples(report: dict) -> tuple[np.ndarray, np.ndarray]:
    """Signals (one row per question that has them) and labels (1 = unanswerable)."""
    rows = [r for r in report["results"] if r.get("signals")]
    x = np.array([[r["signals"][f] for f in FEATURES] for r in rows], dtype=float)
    y = np.array([0.0 if r["answerable"] else 1.0 for r in rows])
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression, by Newton's method (features standardised
    inside, weights returned on the raw scale)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[1:] / scale
    bias = w[0] - float((w[1:] * mean / scale).sum())
    return weights, float(bias)


def figures(probabilities: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    refuse = probabilities >= threshold
    unanswerable, answerable = y == 1, y == 0
    return {
        "refusal_recall": float(refuse[unanswerable].mean()) if unanswerable.any() else float("nan"),
        "false_refusal_rate": float(refuse[answerable].mean()) if answerable.any() else float("nan"),
        "refusal_accuracy": float((refuse == unanswerable).mean()),
    }


def best_threshold(probabilities: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the best balanced accuracy (mean of refusal recall and 1 - false-refusal rate)."""
    candidates = np.unique(np.round(probabilities, 3))
    scores = [(figures(probabilities, y, t)["refusal_recall"] + 1 - figures(probabilities, y, t)["false_refusal_rate"],
               -abs(t - 0.5), t) for t in candidates]
    return float(max(scores)[2])


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> dict[str, float]:
    order = np.random.default_rng(seed).permutation(len(y))
    out = []
    for fold in range(folds):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        weights, bias = fit(x[train], y[train])
        model = LogisticRefusal(dict(zip(FEATURES, weights)), bias, 0.5)
        threshold = best_threshold(np.array([model.probability(dict(zip(FEATURES, row))) for row in x[train]]),
                                   y[train])
        probabilities = np.array([model.probability(dict(zip(FEATURES, row))) for row in x[test]])
        out.append(figures(probabilities, y[test], threshold))
    return {k: float(np.mean([f[k] for f in out])) for k in out[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="report.json of the run to fit on")
    parser.add_argument("--check", type=Path, action="append", default=[], help="report.json of a set to check on")
    parser.add_argument("--write", action="store_true", help=f"save the model to {MODEL_FILE}")
    args = parser.parse_args(argv)

    x, y = examples(json.loads(args.report.read_text(encoding="utf-8")))
    if len(set(y)) < 2:
        print("error: the report needs both answerable and unanswerable questions with signals", file=sys.stderr)
        return 1
    print(f"{args.report}: {len(y)} questions, {int(y.sum())} unanswerable")
    print("5-fold cross-validation:", json.dumps({k: round(v, 3) for k, v in cross_validate(x, y).items()}))
    weights, bias = fit(x, y)
    model = LogisticRefusal(dict(zip(FEATURES, weights)), bias, 0.5)
    threshold = best_threshold(np.array([model.probability(dict(zip(FEATURES, r))) for r in x]), y)
    model = LogisticRefusal(model.weights, bias, threshold)
    print("fitted on all:", json.dumps({"weights": {k: round(v, 4) for k, v in model.weights.items()},
                                        "bias": round(bias, 4), "threshold": threshold}))
    for path in args.check:
        cx, cy = examples(json.loads(path.read_text(encoding="utf-8")))
        probabilities = np.array([model.probability(dict(zip(FEATURES, r))) for r in cx])
        print(f"check on {path} ({len(cy)} questions):",
              json.dumps({k: round(v, 3) for k, v in figures(probabilities, cy, threshold).items()}))
    if args.write:
        model.save(MODEL_FILE, fitted_on=str(args.report), questions=len(y))
        print(f"written: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
