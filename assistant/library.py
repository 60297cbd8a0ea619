"""The documents of the index as callers see them: listed and read by access group, added by upload, removed.

Changes run one at a time, in the order they came, on a worker thread of their own (never on a thread that
answers questions), through an Index of their own on the same data directory: its own catalog connection, Chroma
client and keyword index, as another process's ingest would have. They take the data directory's write lock
(index.writer), so `assistant ingest` in another process waits for them and they for it. Questions notice a
finished change by the catalog, as they notice another process's ingest, and answer from it next.

An upload is written under a name the server chooses (the client's file name reduced to its last part and safe
characters: no folder, no traversal), first into a staging folder; it is indexed from there with the same bounded
loaders as `assistant ingest`, and moved into DATA_DIR/uploads only once it was read. A file that cannot be read is
reported with its reason and leaves the index and the uploads folder as they were.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import unicodedata
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Callable

from index.catalog import Catalog
from index.dates import normalize_date
from index.document import Document, document_id
from index.errors import AssistantError, InvalidRequest, NotFound, TooLarge, UnreadableFile, UnsupportedType
from index.groups import parse_groups
from index.keywords import KeywordIndex
from index.load import LOADERS
from index.store import ChromaStore

from index.index import UPLOADS, Index

_UNSAFE = re.compile(r"[^\w.\- ]+")
_TEXT = {".md", ".markdown", ".txt", ".text", ".html", ".htm"}
MAX_NAME = 120  # characters of a stored file name


@dataclass(frozen=True)
class Fields:
    """The optional form fields of an upload: they replace what the file itself says."""

    title: str | None = None
    type: str | None = None
    date: str | None = None
    groups: tuple[str, ...] | None = None

    @classmethod
    def of(cls, title=None, type=None, date=None, groups=None) -> "Fields":
        """Checked: a date that is not a date, or a group that is not a group name, is refused."""
        iso = None
        if date:
            iso = normalize_date(date)
            if iso is None:
                raise InvalidRequest(f"date: not a date: {date[:40]!r} (YYYY-MM-DD, YYYY-MM or YYYY)")
        return cls((title or "").strip() or None, (type or "").strip() or None, iso,
                   parse_groups(groups) if groups is not None else None)

    def apply(self, document: Document) -> Document:
        changes: dict = {}
        if self.title:
            changes["title"] = self.title
        if self.type:
            changes["type"] = self.type
        if self.date:
            changes["date"] = self.date
        if self.groups is not None:
            changes["meta"] = {**document.meta, "groups": list(self.groups)}
        return replace(document, **changes) if changes else document


@dataclass(frozen=True)
class Upload:
    """One file of a request: the client's name (only a hint) and its open content."""

    name: str
    file: BinaryIO


def stored_name(client_name: str) -> str:
    """The name an upload is stored under: the last part of the client's path, with only letters, digits, spaces,
    '.', '-' and '_'; never hidden, never empty, at most MAX_NAME characters with its extension kept."""
    name = unicodedata.normalize("NFC", client_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:16]
    stem = stem.strip(" .") or "upload"
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def check_type(name: str, head: bytes) -> None:
    """The type by name and by content: a PDF begins with %PDF-, a DOCX is a ZIP, text has no NUL byte."""
    ext = Path(name).suffix.lower()
    if ext not in LOADERS:
        raise UnsupportedType(f"{name}: unsupported file type {ext or '(none)'}; "
                              f"the types read are {', '.join(sorted(LOADERS))}")
    if ext == ".pdf" and b"%PDF-" not in head[:1024]:
        raise UnsupportedType(f"{name}: the name says PDF but the content is not a PDF")
    if ext == ".docx" and not head.startswith(b"PK\x03\x04"):
        raise UnsupportedType(f"{name}: the name says DOCX but the content is not a DOCX (ZIP) file")
    if ext in _TEXT and (b"\x00" in head or head.startswith((b"%PDF-", b"PK\x03\x04"))):
        raise UnsupportedType(f"{name}: the name says text but the content is binary")


def writer_for(index: Index) -> Index:
    """Another Index on the same data directory for the worker thread: its own catalog connection, Chroma client
    and keyword index; the embedding model is shared."""
    store = index.store
    return Index(
        catalog=Catalog(index.catalog.path),
        store=ChromaStore(path=store.path, host=store.host, port=store.port, collection=store.collection_name),
        keywords=KeywordIndex(index.keywords.path), embedder=index.embedder, counter=index.counter,
        max_tokens=index.max_tokens, limits=index.limits, derive_chunk_vectors=index.derive_chunk_vectors,
        write_wait=index.write_wait, bridge=index.bridge.copy() if index.bridge is not None else None,
    )


class Library:
    def __init__(self, index: Index, *, max_upload_bytes: int, writer: Index | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.index = index
        self.writer = writer or writer_for(index)
        self.folder = index.catalog.path.parent / UPLOADS
        self.max_upload_bytes = max_upload_bytes
        self.on_change = on_change
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents", initializer=_yield_to_questions)

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    # --- reading: only what the caller may see ------------------------------------------------------------------

    def list(self, groups: frozenset[str] | None, *, type: str | None = None, group: str | None = None,
             status: str | None = None, q: str | None = None, offset: int = 0, limit: int = 100) -> dict:
        items = self.index.catalog.listing(groups)
        if type:
            items = [d for d in items if d["type"] == type]
        if group:
            items = [d for d in items if group in d["groups"]]
        if status:
            items = [d for d in items if d["status"] == status]
        if q:
            needle = q.casefold()
            items = [d for d in items if needle in d["title"].casefold() or needle in d["source"].casefold()]
        return {"documents": items[offset: offset + limit], "total": len(items), "offset": offset, "limit": limit}

    def get(self, doc_id: str, groups: frozenset[str] | None) -> dict:
        found = next((d for d in self.index.catalog.listing(groups) if d["id"] == doc_id), None)
        if found is None or found["status"] != "ready":
            raise NotFound("no such document")
        return {**found, "text": self.index.catalog.text(doc_id) or ""}

    # --- changing: one at a time, in order, on the worker thread ------------------------------------------------

    def add(self, uploads: list[Upload], fields: Fields) -> Future:
        """Queue the files; the future's result is one result a file ({name, id, source, status, error?})."""
        return self._worker.submit(self._closing, self._add, uploads, fields)

    def remove(self, doc_id: str) -> Future:
        return self._worker.submit(self._closing, self._remove, doc_id)

    def _closing(self, change, *args):
        """Run a change, then let go of the writer's Chroma client: an embedded Chroma shares one view per folder
        in a process, and a client left open would keep the readers from seeing another process's ingest."""
        try:
            return change(*args)
        finally:
            self.writer.store.reopen()
            if self.writer.bridge is not None:
                self.writer.bridge.reopen()

    def _add(self, uploads: list[Upload], fields: Fields) -> list[dict]:
        results = []
        for upload in uploads:
            name = stored_name(upload.name)
            result = {"name": name, "id": document_id(f"{UPLOADS}/{name}"), "source": f"{UPLOADS}/{name}"}
            try:
                result["status"] = self._add_one(upload, name, fields)
            except AssistantError as error:
                result.update(status="failed", error={"code": error.code, "message": str(error)},
                              http_status=error.status)
            results.append(result)
        if self.on_change:
            self.on_change()
        return results

    def _add_one(self, upload: Upload, name: str, fields: Fields) -> str:
        staging = self.folder / ".staging" / uuid.uuid4().hex
        staged = staging / UPLOADS / name
        staged.parent.mkdir(parents=True)
        try:
            size = _copy_bounded(upload.file, staged, self.max_upload_bytes, name)
            if size == 0:
                raise UnreadableFile(f"{name}: empty file")
            with open(staged, "rb") as file:
                check_type(name, file.read(8192))
            report = self.writer.ingest([staged], prune=False, amend=fields.apply)
            if report.failed:
                raise UnreadableFile(f"{name}: {report.failed[0]['error']}; nothing was changed")
            self.folder.mkdir(parents=True, exist_ok=True)
            os.replace(staged, self.folder / name)  # kept, so that the document can be read again
            return "updated" if report.updated else "added"
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _remove(self, doc_id: str) -> dict:
        source = next((e.source for e in self.writer.catalog.entries().values() if e.id == doc_id), None)
        if source is None or not self.writer.remove(doc_id):
            raise NotFound("no such document")
        if source.startswith(UPLOADS + "/"):
            (self.folder / source.split("/", 1)[1]).unlink(missing_ok=True)
        if self.on_change:
            self.on_change()
        return {"id": doc_id, "source": source, "status": "deleted"}


def _yield_to_questions() -> None:
    """Lower the worker thread's scheduling priority (Linux: per thread; the threads it starts, torch's among
    them, inherit it), so that questions keep their share of the cores while a file is being indexed."""
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + 10))
    except (AttributeError, OSError):  # not Linux, or not allowed: the worker runs at the usual priority
        pass


def _copy_bounded(source: BinaryIO, target: Path, limit: int, name: str) -> int:
    """Copy in pieces, refusing (413) once more than `limit` bytes came: never the whole file in memory."""
    size = 0
    with open(target, "wb") as out:
        while piece := source.read(1 << 20):
            size += len(piece)
            if size > limit:
                raise TooLarge(f"{name}: over the upload limit of {limit / 2**20:g} MB")
            out.write(piece)
    return size


__all__ = ["Fields", "Library", "Upload", "check_type", "stored_name", "writer_for"]
