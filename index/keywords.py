"""The keyword index: BM25 (bm25s) over every chunk, persisted beside Chroma.

It is rebuilt from the store whenever the catalog's generation changes, written to a temporary folder and moved
into place, so a reader never sees half an index and a killed rebuild is simply redone.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .terms import terms

_META = "chunks.json"


class KeywordIndex:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._bm25 = None
        self._ids: list[str] = []
        self._doc_ids: list[str] = []
        self._vocab: dict[str, int] = {}
        self._df: np.ndarray | None = None
        self.generation = ""
        if (path / _META).exists():
            self._load()

    def __len__(self) -> int:
        return len(self._ids)

    def stamp(self) -> int:
        """Changes whenever a rebuild is moved into place (by this process or another): cheap to ask per question."""
        try:
            return os.stat(self.path / _META).st_mtime_ns
        except FileNotFoundError:
            return 0

    def reload(self) -> None:
        """Read the persisted index again (after another process rebuilt it)."""
        if (self.path / _META).exists():
            self._load()
        else:
            self.__init__(self.path)

    def stored_generation(self) -> str:
        meta = self.path / _META
        if not meta.exists():
            return ""
        return json.loads(meta.read_text()).get("generation", "")

    def rebuild(self, rows: Iterable[tuple[str, str, str]], generation: str) -> None:
        """Index (chunk id, text, document id) rows and persist them atomically."""
        import bm25s

        ids, doc_ids, corpus = [], [], []
        for cid, text, doc_id in sorted(rows):
            ids.append(cid)
            doc_ids.append(doc_id)
            corpus.append(terms(text) or ["\x00empty"])
        tmp = self.path.with_name(self.path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if corpus:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            bm25.save(str(tmp / "bm25"), show_progress=False)
        (tmp / _META).write_text(json.dumps({"generation": generation, "ids": ids, "doc_ids": doc_ids}))
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(tmp, self.path)
        shutil.rmtree(old, ignore_errors=True)
        self._load()

    def _load(self) -> None:
        import bm25s

        meta = json.loads((self.path / _META).read_text())
        self.generation = meta["generation"]
        self._ids, self._doc_ids = meta["ids"], meta["doc_ids"]
        self._bm25 = None
        self._vocab, self._df = {}, None
        if self._ids:
            self._bm25 = bm25s.BM25.load(str(self.path / "bm25"), show_progress=False, verbosity=0)
            self._vocab = self._bm25.vocab_dict
            self._df = np.diff(self._bm25.scores["indptr"])

    def search(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best matches, best first; only chunks with a query term count."""
        if self._bm25 is None or (doc_ids is not None and not doc_ids):
            return []
        tokens = [t for t in terms(query) if t in self._vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if doc_ids is not None:
            allowed = set(doc_ids)
            scores = scores * np.fromiter((d in allowed for d in self._doc_ids), dtype=bool, count=len(self._doc_ids))
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top]

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks (a term in no chunk scores highest)."""
        n = len(self._ids)
        df = int(self._df[self._vocab[term]]) if self._df is not None and term in self._vocab else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def document_frequency(self, term: str) -> int:
        if self._df is None or term not in self._vocab:
            return 0
        return int(self._df[self._vocab[term]])
