"""Retrieval: dense search (Chroma) and keyword search (BM25), fused by reciprocal rank on chunk id."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from index.bridge import Bridge
from index.catalog import Catalog
from index.dates import parse_bound
from index.document import Hit
from index.errors import InvalidRequest
from index.keywords import KeywordIndex
from index.store import ChromaStore

from .fuse import rrf

MODES = ("fused", "dense", "keyword")
# The weight of that stand-in when a question searches its own language and the others at once: at half weight, of
# two passages that say the same in two languages (an article and its translation) the one in the asker's language
# comes first (measured: 1.0 put the English original above its Persian translation for Persian questions; 0.5 and
# 0.25 ranked the same). A question asked again across languages, its own having failed, weighs them fully.
FOREIGN = 0.5


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


@dataclass(frozen=True)
class Probe:
    """A question's vectors: in the main model's space (None when that model cannot read the question's language),
    and in the multilingual space (None when nothing crosses languages: an English question, no foreign chunk)."""

    language: str
    main: np.ndarray | None
    crossing: np.ndarray | None = None
    reach: tuple[str, ...] = ()  # the chunk languages the multilingual vector searches
    foreign: float = 1.0  # the weight of the stand-in for keyword search on chunks of another language (FOREIGN)


class Retriever:
    def __init__(
        self,
        *,
        store: ChromaStore,
        keywords: KeywordIndex,
        catalog: Catalog,
        bridge: Bridge | None = None,
        candidates: int = 30,
        rrf_k: int = 60,
        mode: str = "fused",
        keyword_weight: float = 1.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"retrieval mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.store, self.keywords, self.catalog, self.bridge = store, keywords, catalog, bridge
        self.candidates, self.rrf_k, self.mode, self.keyword_weight = candidates, rrf_k, mode, keyword_weight

    def allowed_documents(self, filters: Filters | None) -> list[str] | None:
        """Ids of the documents the filters and the caller's groups let through, or None for all."""
        if filters is None or (filters.empty and filters.groups is None):
            return None
        since, until = filters.bounds()
        return self.catalog.select(types=filters.types, since=since, until=until, sources=filters.sources,
                                   groups=filters.groups)

    def retrieve(self, question: str, vector: np.ndarray | Probe, k: int, filters: Filters | None = None, *,
                 allowed: list[str] | None = None) -> list[Hit]:
        """The k best chunks by reciprocal rank fusion of dense and keyword rankings, best first, among the
        documents the filters let through (or `allowed`, when they were already read). The dense ranking is the
        main model's, and the multilingual model's for the chunks the main one cannot compare with the question.

        Mode "dense" or "keyword" uses one ranking alone (to measure what fusion adds)."""
        if filters is not None:
            allowed = self.allowed_documents(filters)
        probe = vector if isinstance(vector, Probe) else Probe("en", vector)
        n = max(self.candidates, k)
        rankings, weights = [], []
        if self.mode in ("fused", "dense"):
            dense = self.store.search(probe.main, n, allowed) if probe.main is not None else []
            crossed = self.bridge.search(probe.crossing, n, probe.language, probe.reach, allowed) \
                if probe.crossing is not None and self.bridge is not None else []
            if crossed:  # one ranking by similarity, each chunk compared by the model that reads it
                seen = {cid for cid, _, _ in crossed}
                dense = sorted([*((cid, sim) for cid, sim in dense if cid not in seen),
                                *((cid, sim) for cid, sim, _ in crossed)], key=lambda hit: -hit[1])[:n]
            rankings.append(dense)
            weights.append(1.0)
            # keyword search cannot read a chunk in another language than the question's: for those chunks their
            # place in the dense ranking stands in for it
            foreign = {cid for cid, _, code in crossed if code != probe.language}
            if foreign and self.mode == "fused":
                rankings.append([(cid if cid in foreign else None, sim) for cid, sim in dense])
                weights.append(self.keyword_weight * probe.foreign)
        if self.mode in ("fused", "keyword"):
            rankings.append(self.keywords.search(question, n, allowed))
            weights.append(self.keyword_weight)
        fused = rrf(rankings, self.rrf_k, weights)[:k]
        found = self.store.get([cid for cid, _ in fused])
        return [replace(found[cid], score=score) for cid, score in fused if cid in found]
