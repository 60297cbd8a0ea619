"""When to refuse: one-method objects that look at the answerer's signals and say whether the support is too weak.

The signals, each computed on the sentences the answerer picked:
- similarity: the best cosine similarity of a picked sentence to the question;
- coverage: the share of the question's term weight (IDF; terms found nowhere in the corpus weigh 1.5 times)
  that the picked sentences hold together; best_coverage: the same for the best single sentence;
- unknown: the share of the question's term weight that belongs to terms found nowhere in the corpus;
- focus_missing: 1 when the thing asked for in "who/what is the ___" is absent from the picked sentences;
- type_missing: 1 when the question asks for a number, date, person or place and no picked sentence has one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping, Protocol

FEATURES = ("similarity", "coverage", "best_coverage", "unknown", "focus_missing", "type_missing")
MODEL_FILE = Path(__file__).with_name("refusal.json")


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
               "refit": "python -m evals.calibrate REPORT.json --write (see evals/README.md)", **about}
        Path(path).write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
