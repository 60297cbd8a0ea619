"""The two values that flow through ingestion: a Document (extracted text and metadata) and its Chunks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A source file turned into text. Every offset in the project refers to `text`."""

    id: str
    source: str  # path under the ingested root, prefixed with the root's name: "documents/news/x.md"
    text: str
    title: str
    type: str  # "news", "meeting-notes", ... or "document" when nothing says
    date: str | None  # ISO date from front matter or stated in the text; never a file time
    sha256: str  # of the file's bytes: what incremental ingest compares
    meta: dict = field(default_factory=dict)  # other front matter (participants, groups, ...)
    size: int = 0  # bytes of the file


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document that fits the embedding model's window."""

    id: str
    document_id: str
    position: int
    text: str
    start: int  # document.text[start:end] == text
    end: int
    sentences: tuple[tuple[int, int], ...]  # document offsets of the sentences inside this chunk
    section: str = ""


@dataclass(frozen=True)
class Hit:
    """A chunk found by a search, with what a citation needs to know of its document."""

    chunk: Chunk
    title: str
    source: str
    type: str
    date: str | None
    score: float = 0.0


def document_id(source: str) -> str:
    """Stable id from the document's path under the ingested root."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def chunk_id(doc_id: str, position: int, text: str) -> str:
    """Content hash of the chunk: the same text at the same place of the same document keeps its id."""
    return hashlib.sha256(f"{doc_id}\x00{position}\x00{text}".encode("utf-8")).hexdigest()[:32]
