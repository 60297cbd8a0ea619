"""The ingest flow: files -> changed documents -> chunks -> vectors -> Chroma, then the keyword index.

The index mirrors the given paths: unchanged files (same content hash) are skipped without loading the model,
changed files are replaced, files no longer under the paths are removed, unreadable files are reported and the
batch goes on. Every document is marked pending in the catalog before its chunks are written and ready after,
so a run killed at any moment is repaired by the next one.
"""

from __future__ import annotations

import hashlib
import logging
import os
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
from .facts import chunks_version as stamp_of
from .bridge import Bridge
from .facts import document_facts, embed_chunks
from .keywords import KeywordIndex
from .load import DEFAULT_LIMITS, Limits, check_size, read_document
from .statements import VERSION as STATEMENTS_VERSION
from .statements import event_dates
from .statements import extract as extract_statements
from .store import ChromaStore

Progress = Callable[[int, int], None]  # (files done, files to do)
FACTS_VERSION = STATEMENTS_VERSION * 100 + 2  # raise the last digit when document_facts changes
log = logging.getLogger("assistant.ingest")


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


def printable(name: str) -> str:
    """A path as it can be printed and stored: bytes that are not UTF-8 shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def discover(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[dict]]:
    """Files under the paths with their sources ("root-name/relative/path"), and the entries passed over with the
    reason. Hidden files are skipped. Symbolic links are never followed: one that leads out of the folder, in a
    loop, or nowhere is reported; one that leads to a file or folder inside it is passed over silently (its
    target is indexed under its own path). A name that is not UTF-8 is reported (rename the file)."""
    found, skipped = [], []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise PathNotFound(f"no such file or folder: {path}")
        root = path.resolve()
        if root.is_file():
            found.append((root, f"{root.parent.name}/{root.name}"))
            continue
        for folder, dirs, files in os.walk(root, followlinks=False, onerror=lambda error: skipped.append(
                {"path": printable(f"{root.name}/{Path(error.filename).relative_to(root).as_posix()}"),
                 "error": f"cannot read the folder: {error.strerror or error}"})):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted([*files, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]):
                file = Path(folder) / name
                relative = file.relative_to(root)
                if name.startswith(".") or name == GLOSSARY:  # the glossary is configuration, not a document
                    continue
                source = f"{root.name}/{relative.as_posix()}"
                reason = _link_problem(file, root) if file.is_symlink() else None
                if file.is_symlink() and reason is None:
                    continue
                if reason is None and not _is_utf8(source):
                    reason = "the file name is not UTF-8; rename it"
                if reason is None and not file.is_file():
                    continue
                if reason:
                    skipped.append({"path": printable(source), "error": reason})
                else:
                    found.append((file, source))
    return found, skipped


def _link_problem(link: Path, root: Path) -> str | None:
    """Why a symbolic link cannot be indexed, or None when it leads inside the folder."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop, not followed"
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return "symbolic link loop, not followed"
        return "broken symbolic link, not followed"
    if not target.is_relative_to(root):
        return "symbolic link to outside the ingested folder, not followed"
    return None


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _sha256(path: Path, limits: Limits) -> str:
    """The content hash of a file within the size limit, read in pieces."""
    check_size(path, limits)
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for piece in iter(lambda: file.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


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
    limits: Limits = DEFAULT_LIMITS,
    derive_chunk_vectors: bool = True,
    prune: bool = True,
    kept: Sequence[str] = (),
    amend: Callable[[Document], Document] | None = None,
    bridge: Bridge | None = None,
) -> IngestReport:
    """`prune`: remove the documents not under `paths` (those whose source begins with one of `kept` stay);
    `amend`: applied to each document read (an upload's form fields), and then every file is read again even
    when its content is unchanged; `bridge`: the multilingual space, computed beside the main one."""
    started = time.perf_counter()
    report = IngestReport()
    # a document whose chunks were computed by an older version, or whose chunk vectors were made the other way, or
    # without (or with) the multilingual space, is embedded again
    chunks_version = stamp_of(derive_chunk_vectors, bridge is not None)
    known = catalog.entries()
    seen: set[str] = set()
    todo: list[tuple[Path, str]] = []
    files, skipped = discover(paths)
    report.failed.extend(skipped)
    if not files:  # the index mirrors the paths: an empty folder would empty it, so refuse instead
        passed = f" ({len(skipped)} passed over: {skipped[0]['error']}, ...)" if skipped else ""
        raise PathNotFound("no files under " + ", ".join(str(p) for p in paths) + passed + "; the index was not changed")
    for path, source in files:  # only hashes are kept here: each file is read again when its turn comes
        doc_id = document_id(source)
        seen.add(doc_id)
        try:
            sha = _sha256(path, limits)
        except UnreadableFile as error:
            report.failed.append({"path": source, "error": str(error)})
            continue
        except OSError as error:
            report.failed.append({"path": source, "error": f"cannot read: {error.strerror or error}"})
            continue
        entry = known.get(doc_id)
        if entry and entry.state == "ready" and entry.sha256 == sha and entry.chunks_version == chunks_version \
                and amend is None:
            report.unchanged.append(source)
        else:
            todo.append((path, source))

    pending: list[tuple[Document, list[Chunk]]] = []
    for number, (path, source) in enumerate(todo, start=1):
        try:
            document = read_document(path, source, limits=limits)
            if amend is not None:
                document = amend(document)
            chunks = chunk(document, counter, max_tokens)
        except Exception as error:  # noqa: BLE001 - one file never stops the batch, whatever goes wrong with it
            if not isinstance(error, UnreadableFile):
                log.warning("%s could not be read", source, exc_info=True)
            reason = str(error) if isinstance(error, UnreadableFile) else f"cannot be read ({type(error).__name__}: {error})"
            report.failed.append({"path": source, "error": reason})
            entry = known.get(document_id(source))
            if entry and entry.state != "ready":  # half-written by a killed run: not worth keeping
                _remove(entry.id, catalog, store, bridge)
        else:
            pending.append((document, chunks))
        if number == len(todo) or sum(len(c) for _, c in pending) >= batch_chunks:
            _write(pending, known, report, catalog, store, bridge, embedder, derive_chunk_vectors, chunks_version)
            pending = []
            if progress:
                progress(number, len(todo))

    for doc_id, entry in known.items() if prune else ():
        if doc_id not in seen and not entry.source.startswith(tuple(kept)):
            _remove(doc_id, catalog, store, bridge)
            report.removed.append(entry.source)

    # what is read from a whole document: statements, people, acronym pairs (new documents, and an older finder's)
    for document in catalog.stale_statements(FACTS_VERSION):
        try:
            found, facts = extract_statements(document), document_facts(document)
            events = [[(d.text, d.start, d.end) for d in event_dates(st.text, document.date)] for st in found]
        except Exception:  # noqa: BLE001 - the document stays searchable; only its statements are missing
            log.warning("statements of %s could not be found", document.source, exc_info=True)
            found, facts, events = [], {}, []
        catalog.set_statements(document.id, found, FACTS_VERSION, facts, events)

    generation = catalog.generation()
    if keywords.stored_generation() != generation:
        keywords.rebuild(store.rows(), generation)
    report.chunks = catalog.counts()[1]
    report.seconds = time.perf_counter() - started
    return report


def _write(pending, known, report, catalog, store, bridge, embedder, derive: bool, version: int) -> None:
    """Embed a batch of documents' sentences (and chunks) in one call and store them between pending and ready.

    All are marked pending first; the earlier chunks of known ones (left-overs of a killed run included) are
    deleted; the new chunks are written in one upsert, their sentence vectors and speakers beside them in the
    catalog; then each is marked ready.
    """
    vectors, crossing, facts = embed_chunks(pending, embedder, derive=derive,
                                            bridge=bridge.embedder if bridge is not None else None)
    for document, _ in pending:
        catalog.begin(document)
    for document, _ in pending:
        if document.id in known:
            store.delete(document.id)
            if bridge is not None:
                bridge.delete(document.id)
            catalog.delete_chunks(document.id)
    if vectors is not None:
        store.add(pending, vectors)
        if bridge is not None:
            bridge.add(pending, crossing)
        catalog.set_chunks(facts)
    for document, chunks in pending:
        catalog.complete(document, len(chunks), version)
        (report.updated if document.id in known else report.added).append(document.source)


def _remove(doc_id: str, catalog: Catalog, store: ChromaStore, bridge: Bridge | None = None) -> None:
    catalog.begin_removal(doc_id)
    store.delete(doc_id)
    if bridge is not None:
        bridge.delete(doc_id)
    catalog.remove(doc_id)


def remove(doc_id: str, *, catalog: Catalog, store: ChromaStore, keywords: KeywordIndex,
           bridge: Bridge | None = None) -> bool:
    """Remove one document and its statements, then rebuild the keyword index; False when there is no such one.
    Crash-safe as ingest is: marked pending first, so a run killed half way is finished by the next ingest."""
    if doc_id not in catalog.entries():
        return False
    _remove(doc_id, catalog, store, bridge)
    keywords.rebuild(store.rows(), catalog.generation())
    return True
