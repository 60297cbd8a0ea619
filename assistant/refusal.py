"""When to refuse: one-method objects that look at the judge's signals (see `judge.py`, which names each) and say
whether the support is too weak.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping, Protocol

# the graded signals the model weighs; those of `outright` refuse on their own and are not fitted
FEATURES = ("similarity", "specificity", "coverage", "best_coverage", "missing", "focus_missing")  # names_missing refuses alone
MODEL_FILE = Path(__file__).with_name("refusal.json")


ABSENT = 0.5  # an informative question word this rare in the language that no document holds, nor any word like it


def outright(signals: Mapping[str, float]) -> str | None:
    """What refuses on its own, whatever the model says: the question names something the support is not about, asks
    a who-question about a role the support does not name, asks for a kind of answer (a date, a number, a place, a
    person) the support lacks, or uses an informative word that no document holds."""
    for name in ("names_missing", "role_missing", "type_missing"):
        if signals.get(name):
            return name
    return "absent" if signals.get("absent", 0.0) >= ABSENT else None


class Refusal(Protocol):
    def refuse(self, signals: Mapping[str, float]) -> bool: ...


class ThresholdRefusal:
    """Hand-set rules: refuse on low similarity or coverage, a missing focus, or a missing answer type."""

    def __init__(self, min_similarity: float = 0.25, min_coverage: float = 0.5) -> None:
        self.min_similarity, self.min_coverage = min_similarity, min_coverage

    def refuse(self, signals: Mapping[str, float]) -> bool:
        return (
            signals["similarity"] < self.min_similarity
            or signals["coverage"] < self.min_coverage
            or bool(signals["focus_missing"])
            or bool(signals["type_missing"])
        )


class LogisticRefusal:
    """P(unanswerable) = sigmoid(bias + sum of weight * signal); refuse at or above the threshold.

    The weights are fitted on labelled questions by `python -m evals.calibrate` and kept in refusal.json."""

    def __init__(self, weights: Mapping[str, float], bias: float, threshold: float) -> None:
        self.weights, self.bias, self.threshold = {k: float(v) for k, v in weights.items()}, float(bias), threshold

    def probability(self, signals: Mapping[str, float]) -> float:
        z = self.bias + sum(w * float(signals.get(name, 0.0)) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def refuse(self, signals: Mapping[str, float]) -> bool:
        return self.probability(signals) >= self.threshold

    @classmethod
    def load(cls, path: Path = MODEL_FILE, threshold: float | None = None) -> "LogisticRefusal":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(raw["weights"], raw["bias"], raw["threshold"] if threshold is None else threshold)

    def save(self, path: Path = MODEL_FILE, **about) -> None:
        raw = {"weights": self.weights, "bias": self.bias, "threshold": self.threshold,
               "refit": "python -m evals.calibrate CLAPNQ.json PARTNERSHIP.json PARAPHRASE.json --write (see evals/README.md)", **about}
        Path(path).write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
