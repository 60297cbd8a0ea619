"""Reciprocal rank fusion: merge ranked lists by chunk id into a new list; inputs are never changed."""

from __future__ import annotations

from typing import Sequence


def rrf(
    rankings: Sequence[Sequence[tuple[str | None, float]]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Each id scores the sum of weight / (k + rank) over the lists it appears in (rank from 1; weight 1 unless
    given, one per list), best first. An id of None holds a place in its list and scores nothing."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, (item, _) in enumerate(ranking, start=1):
            if item is None:
                continue
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
