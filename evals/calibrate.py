"""Fits the answerer's refusal model: a logistic regression on the refusal signals recorded by evaluation runs.

    assistant eval /tmp/clapnq/clapnq.jsonl --docs /tmp/clapnq/passages --report /tmp/clapnq/report
    assistant eval evals/sets/partnership.jsonl --docs documents --report /tmp/partnership
    assistant eval evals/sets/paraphrase.jsonl --docs documents --docs evals/corpus/partners --report /tmp/paraphrase
    python -m evals.calibrate /tmp/clapnq/report/report.json /tmp/partnership/report.json \
        /tmp/paraphrase/report.json [--check other-report.json ...] [--write]

It fits on several sets at once, each weighing the same whatever its size (600 ClapNQ questions must not drown 89
of the partnership's), and picks the threshold with the best balanced accuracy averaged over the sets. It prints
5-fold cross-validated figures per set, the in-sample figures per set, and the figures on each `--check` report (a
set it was not fitted on). `--write` saves the weights to assistant/refusal.json, which the answerer reads.
Signals are recorded whatever the refusal settings of the run, so any run of the default retrieval will do.
Questions answered before the judge is asked (acronyms, statements) carry no signals, and questions that a signal
refuses on its own (`refusal.outright`) are decided whatever the model says: both are left out of the fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from assistant.refusal import FEATURES, MODEL_FILE, LogisticRefusal, outright


def examples(report: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signals (one row per question that has them), labels (1 = unanswerable), and whether a signal refuses the
    question on its own (`refusal.outright`): those are decided whatever the model says, and not fitted."""
    rows = [r for r in report["results"] if all(f in (r.get("signals") or {}) for f in FEATURES)]
    x = np.array([[r["signals"][f] for f in FEATURES] for r in rows], dtype=float).reshape(-1, len(FEATURES))
    y = np.array([0.0 if r["answerable"] else 1.0 for r in rows])
    forced = np.array([outright(r["signals"]) is not None for r in rows], dtype=bool)
    return x, y, forced


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50,
        sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression, by Newton's method (features standardised
    inside, weights returned on the raw scale); `sample_weight` weighs each question (default 1)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (sw * (p - y)) + penalty @ w
        hessian = z.T @ (z * (sw * p * (1 - p))[:, None]) + penalty
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


FALSE_REFUSAL_COST = 2.0


def best_threshold(probabilities: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None,
                   cost: float = FALSE_REFUSAL_COST) -> float:
    """The threshold with the best weighted balanced accuracy (refusal recall and 1 - false-refusal rate, the latter
    weighing `cost` times as much), averaged over the sets in `groups` when given. A false refusal hides an answer
    the documents hold; a wrong answer still shows its citations, which the reader can check: so by default a false
    refusal costs twice as much."""
    groups = np.zeros(len(y), dtype=int) if groups is None else groups

    def balanced(t: float) -> float:
        scores = []
        for g in np.unique(groups):
            f = figures(probabilities[groups == g], y[groups == g], t)
            parts = [(v, w) for v, w in ((f["refusal_recall"], 1.0), (1 - f["false_refusal_rate"], cost))
                     if not np.isnan(v)]
            scores.append(sum(v * w for v, w in parts) / sum(w for _, w in parts))
        return float(np.mean(scores))

    candidates = np.unique(np.round(probabilities, 3))
    return float(max((balanced(t), -abs(t - 0.5), t) for t in candidates)[2])


def balance(groups: np.ndarray) -> np.ndarray:
    """Weights under which every set weighs the same, whatever its size (mean weight 1)."""
    counts = np.bincount(groups)
    return len(groups) / (len(counts) * counts[groups])


def _probabilities(weights: np.ndarray, bias: float, x: np.ndarray, forced: np.ndarray | None = None) -> np.ndarray:
    """P(unanswerable) by the model; 1 where a signal refuses on its own."""
    model = LogisticRefusal(dict(zip(FEATURES, weights)), bias, 0.5)
    p = np.array([model.probability(dict(zip(FEATURES, row))) for row in x])
    return p if forced is None else np.where(forced, 1.0, p)


def cross_validate(x: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None, folds: int = 5,
                   seed: int = 0, forced: np.ndarray | None = None,
                   cost: float = FALSE_REFUSAL_COST) -> dict[int, dict[str, float]]:
    """Figures per set of models fitted on four fifths of every set and applied to the fifth left out."""
    groups = np.zeros(len(y), dtype=int) if groups is None else groups
    forced = np.zeros(len(y), dtype=bool) if forced is None else forced
    order = np.random.default_rng(seed).permutation(len(y))
    probabilities, thresholds = np.zeros(len(y)), np.zeros(len(y))
    for fold in range(folds):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        fitted = train[~forced[train]]
        weights, bias = fit(x[fitted], y[fitted], sample_weight=balance(groups[fitted]))
        thresholds[test] = best_threshold(_probabilities(weights, bias, x[train], forced[train]), y[train],
                                          groups[train], cost)
        probabilities[test] = _probabilities(weights, bias, x[test], forced[test])
    out = {}
    for g in np.unique(groups):
        mask = groups == g
        refuse = probabilities[mask] >= thresholds[mask]
        out[int(g)] = figures(refuse.astype(float), y[mask], 0.5)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, nargs="+", help="report.json of each run to fit on (several sets)")
    parser.add_argument("--check", type=Path, action="append", default=[], help="report.json of a set to check on")
    parser.add_argument("--write", action="store_true", help=f"save the model to {MODEL_FILE}")
    args = parser.parse_args(argv)

    parts = [examples(json.loads(path.read_text(encoding="utf-8"))) for path in args.reports]
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    forced = np.concatenate([p[2] for p in parts])
    groups = np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(parts)])
    if len(set(y[~forced])) < 2:
        print("error: the reports need both answerable and unanswerable questions with signals", file=sys.stderr)
        return 1
    for path, (_, py, pf) in zip(args.reports, parts):
        print(f"{path}: {len(py)} questions, {int(py.sum())} unanswerable, {int(pf.sum())} refused outright")
    for g, f in cross_validate(x, y, groups, forced=forced).items():
        print(f"5-fold cross-validation, {args.reports[g]}:", json.dumps({k: round(v, 3) for k, v in f.items()}))
    fitted = ~forced
    weights, bias = fit(x[fitted], y[fitted], sample_weight=balance(groups[fitted]))
    threshold = best_threshold(_probabilities(weights, bias, x, forced), y, groups)
    model = LogisticRefusal(dict(zip(FEATURES, weights)), bias, threshold)
    print("fitted on all:", json.dumps({"weights": {k: round(v, 4) for k, v in model.weights.items()},
                                        "bias": round(bias, 4), "threshold": threshold}))
    for path, (px, py, pf) in [*zip(args.reports, parts),
                               *((p, examples(json.loads(p.read_text(encoding="utf-8")))) for p in args.check)]:
        label = "check on" if path in args.check else "in-sample"
        print(f"{label} {path} ({len(py)} questions):", json.dumps(
            {k: round(v, 3) for k, v in figures(_probabilities(weights, bias, px, pf), py, threshold).items()}))
    if args.write:
        model.save(MODEL_FILE, fitted_on=[str(p) for p in args.reports], questions=len(y))
        print(f"written: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
