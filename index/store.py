"""The vector store: chunks, their vectors and their metadata in a Chroma collection.

Embedded (`PersistentClient` under the data directory) by default; a Chroma server (`HttpClient`) when a host is
given. Chroma never embeds anything itself here: vectors are always passed in.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .dates import to_days
from .document import Chunk, Document, Hit
from .errors import IndexUnavailable
from .instructions import is_instruction


class ChromaStore:
    def __init__(
        self, *, path: Path | None = None, host: str | None = None, port: int = 8000, collection: str = "chunks"
    ) -> None:
        if path is None and host is None:
            raise ValueError("ChromaStore needs a path (embedded) or a host (server)")
        self.path, self.host, self.port, self.collection_name = path, host, port, collection
        self._client = None
        self._collection = None
        self._opening = threading.Lock()  # request threads may all ask for the collection at once
        self._count: int | None = None

    @property
    def location(self) -> str:
        return f"http://{self.host}:{self.port}" if self.host else str(self.path)

    @property
    def collection(self):
        """Connects on first use, so that commands with nothing to store never import Chroma."""
        if self._collection is not None:
            return self._collection
        with self._opening:
            return self._open()

    def _open(self):
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.host:
                    client = chromadb.HttpClient(host=self.host, port=self.port, settings=settings)
                else:
                    self.path.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(path=str(self.path), settings=settings)
                self._client = client
                self._collection = client.get_or_create_collection(
                    self.collection_name, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
            except Exception as error:  # connection refused, bad server: one clear message
                raise IndexUnavailable(f"cannot open the Chroma index at {self.location}: {error}") from error
        return self._collection

    def count(self) -> int:
        """Chunks in the collection; asked of Chroma once per change (it costs about 10 ms at 1k chunks, per call)."""
        count = self._count
        if count is None:
            count = self._count = self.collection.count()
        return count

    def reopen(self) -> None:
        """Read the index afresh on next use: an embedded index keeps what it read in memory, so another process's
        writes (an ingest while the server runs) are seen only by a new client. A Chroma server is always current."""
        with self._opening:
            if self.host is None and self._client is not None:
                self._client.close()  # the last client of this folder stops its in-memory view
            self._client = self._collection = self._count = None

    def add(self, documents: Sequence[tuple[Document, Sequence[Chunk]]], vectors: np.ndarray) -> None:
        """Write the chunks of several documents in as few calls as Chroma allows (upsert: a rerun is harmless)."""
        rows = [(document, c) for document, chunks in documents for c in chunks]
        batch = 1000
        for i in range(0, len(rows), batch):
            part = rows[i:i + batch]
            self.collection.upsert(
                ids=[c.id for _, c in part],
                embeddings=vectors[i:i + batch],
                documents=[c.text for _, c in part],
                metadatas=[_metadata(document, c) for document, c in part],
            )
        self._count = None

    def delete(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})
        self._count = None

    def search(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first; `doc_ids` restricts the search to those documents."""
        if doc_ids is not None and not doc_ids:
            return []
        where = None if doc_ids is None else {"doc_id": {"$in": list(doc_ids)}}
        n = min(k, self.count())
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where, include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]

    def get(self, ids: Sequence[str]) -> dict[str, Hit]:
        if not ids:
            return {}
        result = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {cid: _hit(cid, text, meta) for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"])}

    def chunk_at(self, doc_id: str, offset: int) -> str | None:
        """Id of the chunk of a document whose text holds the character at `offset`."""
        result = self.collection.get(
            where={"$and": [{"doc_id": doc_id}, {"start": {"$lte": offset}}, {"end": {"$gt": offset}}]}, include=[]
        )
        return result["ids"][0] if result["ids"] else None

    def rows(self, page: int = 5000) -> Iterator[tuple[str, str, str]]:
        """(chunk id, text, document id) of every chunk, in pages."""
        offset = 0
        while True:
            result = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            if not result["ids"]:
                return
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"]):
                yield cid, text, meta["doc_id"]
            offset += len(result["ids"])


def _metadata(document: Document, c: Chunk) -> dict:
    meta = {
        "doc_id": document.id, "source": document.source, "title": document.title, "type": document.type,
        "position": c.position, "start": c.start, "end": c.end, "section": c.section,
        "sentences": json.dumps(c.sentences, separators=(",", ":")),
    }
    if document.date:  # Chroma metadata has no null
        meta["date"] = document.date
        meta["date_days"] = to_days(document.date)
    return meta


def _hit(cid: str, text: str, meta: dict) -> Hit:
    start = int(meta["start"])
    # chunking leaves instructions to an assistant out of the quotable sentences; an index chunked before it did
    # is held to the same rule here
    sentences = tuple(tuple(s) for s in json.loads(meta.get("sentences", "[]"))
                      if not is_instruction(text[s[0] - start:s[1] - start]))
    chunk = Chunk(
        id=cid, document_id=meta["doc_id"], position=int(meta["position"]), text=text,
        start=start, end=int(meta["end"]), sentences=sentences, section=meta.get("section", ""),
    )
    return Hit(chunk=chunk, title=meta.get("title", ""), source=meta.get("source", ""), type=meta.get("type", ""),
               date=meta.get("date"))
