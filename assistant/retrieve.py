"""Retrieval: dense search (Chroma) and keyword search (BM25), fused by reciprocal rank on chunk id."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from index.catalog import Catalog
from index.dates import parse_bound
from index.document import Hit
from index.errors import InvalidRequest
from index.keywords import KeywordIndex
from index.store import ChromaStore

from .fuse import rrf

MODES = ("fused", "dense", "keyword")


@dataclass(frozen=True)
class Filters:
    """Which documents a question may be answered from. Dates are YYYY, YYYY-MM or YYYY-MM-DD, inclusive."""

    types: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    groups: frozenset[str] | None = None  # the caller's access groups (index.groups); None: no restriction

    @classmethod
    def of(cls, type=None, since=None, until=None, source=None) -> "Filters":
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else ((v,) if v else ())  # noqa: E731
        return cls(as_tuple(type), since or None, until or None, as_tuple(source))

    @property
    def empty(self) -> bool:
        return not (self.types or self.since or self.until or self.sources)

    def bounds(self) -> tuple[int | None, int | None]:
        try:
            since = parse_bound(self.since) if self.since else None
            until = parse_bound(self.until, end=True) if self.until else None
        except ValueError as error:
            raise InvalidRequest(str(error)) from None
        return since, until


class Retriever:
    def __init__(
        self,
        *,
        store: ChromaStore,
        keywords: KeywordIndex,
        catalog: Catalog,
        candidates: int = 30,
        rrf_k: int = 60,
        mode: str = "fused",
        keyword_weight: float = 1.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"retrieval mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.store, self.keywords, self.catalog = store, keywords, catalog
        self.candidates, self.rrf_k, self.mode, self.keyword_weight = candidates, rrf_k, mode, keyword_weight

    def allowed_documents(self, filters: Filters | None) -> list[str] | None:
        """Ids of the documents the filters and the caller's groups let through, or None for all."""
        if filters is None or (filters.empty and filters.groups is None):
            return None
        since, until = filters.bounds()
        return self.catalog.select(types=filters.types, since=since, until=until, sources=filters.sources,
                                   groups=filters.groups)

    def retrieve(self, question: str, vector: np.ndarray, k: int, filters: Filters | None = None, *,
                 allowed: list[str] | None = None) -> list[Hit]:
        """The k best chunks by reciprocal rank fusion of dense and keyword rankings, best first, among the
        documents the filters let through (or `allowed`, when they were already read).

        Mode "dense" or "keyword" uses one ranking alone (to measure what fusion adds)."""
        if filters is not None:
            allowed = self.allowed_documents(filters)
        rankings, weights = [], []
        if self.mode in ("fused", "dense"):
            rankings.append(self.store.search(vector, max(self.candidates, k), allowed))
            weights.append(1.0)
        if self.mode in ("fused", "keyword"):
            rankings.append(self.keywords.search(question, max(self.candidates, k), allowed))
            weights.append(self.keyword_weight)
        fused = rrf(rankings, self.rrf_k, weights)[:k]
        found = self.store.get([cid for cid, _ in fused])
        return [replace(found[cid], score=score) for cid, score in fused if cid in found]
