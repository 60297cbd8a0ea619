"""The ingest flow: files -> changed documents -> chunks -> vectors -> Chroma, then the keyword index.

The index mirrors the given paths: unchanged files (same content hash) are skipped without loading the model,
changed files are replaced, files no longer under the paths are removed, unreadable files are reported and the
batch goes on. Every document is marked pending in the catalog before its chunks are written and ready after,
so a run killed at any moment is repaired by the next one.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .acronyms import GLOSSARY
from .catalog import Catalog
from .chunk import TokenCounter, chunk
from .document import Chunk, Document, document_id
from .embed import Embedder
from .errors import PathNotFound, UnreadableFile
from .keywords import KeywordIndex
from .load import read_document
from .statements import VERSION as STATEMENTS_VERSION
from .statements import extract as extract_statements
from .store import ChromaStore

Progress = Callable[[int, int], None]  # (files done, files to do)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def indexed_nothing(self) -> bool:
        """True when no file could be read: nothing found, or every file failed."""
        return not (self.added or self.updated or self.unchanged)

    def summary(self) -> dict:
        """The spec's JSON summary: counts of files, the failures with their reasons, chunks in the index."""
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "removed": len(self.removed), "failed": self.failed, "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


def discover(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Files under the paths with their sources ("root-name/relative/path"); hidden files are skipped."""
    found = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise PathNotFound(f"no such file or folder: {path}")
        root = path.resolve()
        if root.is_file():
            found.append((root, f"{root.parent.name}/{root.name}"))
            continue
        for file in sorted(root.rglob("*")):
            relative = file.relative_to(root)
            if file.is_file() and not any(part.startswith(".") for part in relative.parts) \
                    and file.name != GLOSSARY:  # the acronym glossary is configuration, not a document
                found.append((file, f"{root.name}/{relative.as_posix()}"))
    return found


def ingest(
    paths: Sequence[Path],
    *,
    catalog: Catalog,
    store: ChromaStore,
    keywords: KeywordIndex,
    embedder: Embedder,
    counter: TokenCounter,
    max_tokens: int,
    progress: Progress | None = None,
    batch_chunks: int = 64,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    known = catalog.entries()
    seen: set[str] = set()
    todo: list[tuple[Path, str, bytes]] = []
    files = discover(paths)
    if not files:  # the index mirrors the paths: an empty folder would empty it, so refuse instead
        raise PathNotFound("no files under " + ", ".join(str(p) for p in paths) + "; the index was not changed")
    for path, source in files:
        doc_id = document_id(source)
        seen.add(doc_id)
        try:
            data = path.read_bytes()
        except OSError as error:
            report.failed.append({"path": source, "error": f"cannot read: {error.strerror or error}"})
            continue
        entry = known.get(doc_id)
        if entry and entry.state == "ready" and entry.sha256 == hashlib.sha256(data).hexdigest():
            report.unchanged.append(source)
        else:
            todo.append((path, source, data))

    pending: list[tuple[Document, list[Chunk]]] = []
    for number, (path, source, data) in enumerate(todo, start=1):
        try:
            document = read_document(path, source, data)
        except UnreadableFile as error:
            report.failed.append({"path": source, "error": str(error)})
            entry = known.get(document_id(source))
            if entry and entry.state != "ready":  # half-written by a killed run: not worth keeping
                _remove(entry.id, catalog, store)
        else:
            pending.append((document, chunk(document, counter, max_tokens)))
        if number == len(todo) or sum(len(c) for _, c in pending) >= batch_chunks:
            _write(pending, known, report, catalog, store, embedder)
            pending = []
            if progress:
                progress(number, len(todo))

    for doc_id, entry in known.items():
        if doc_id not in seen:
            _remove(doc_id, catalog, store)
            report.removed.append(entry.source)

    for document in catalog.stale_statements(STATEMENTS_VERSION):  # new documents, and those of an older finder
        catalog.set_statements(document.id, extract_statements(document), STATEMENTS_VERSION)

    generation = catalog.generation()
    if keywords.stored_generation() != generation:
        keywords.rebuild(store.rows(), generation)
    report.chunks = catalog.counts()[1]
    report.seconds = time.perf_counter() - started
    return report


def _write(pending, known, report, catalog, store, embedder) -> None:
    """Embed a batch of documents' chunks in one call and store them between pending and ready.

    All are marked pending first; the earlier chunks of known ones (left-overs of a killed run included) are
    deleted; the new chunks are written in one upsert; then each is marked ready.
    """
    texts = [c.text for _, chunks in pending for c in chunks]
    vectors = embedder.embed(texts) if texts else None
    for document, _ in pending:
        catalog.begin(document)
    for document, _ in pending:
        if document.id in known:
            store.delete(document.id)
    if texts:
        store.add(pending, vectors)
    for document, chunks in pending:
        catalog.complete(document, len(chunks))
        (report.updated if document.id in known else report.added).append(document.source)


def _remove(doc_id: str, catalog: Catalog, store: ChromaStore) -> None:
    catalog.begin_removal(doc_id)
    store.delete(doc_id)
    catalog.remove(doc_id)
