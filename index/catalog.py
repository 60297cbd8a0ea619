"""The catalog: one SQLite row per document, the record of what the index holds.

A document is written `pending` before its chunks go into Chroma and `ready` after, so an ingest killed at any
moment leaves a trace the next run repairs. It also keeps each document's extracted text, which answers quote.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .dates import to_days
from .document import Document
from .groups import visible
from .terms import VERSION as TERMS_VERSION

_EMPTY = np.zeros((0, 0), dtype=np.float32)


def _blob(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype=np.float32).tobytes()


def _rows(blob: bytes, count: int) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32).reshape(count, -1) if count else _EMPTY

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'ready')),
    title TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    date TEXT,
    date_days INTEGER,
    text TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    chunks INTEGER NOT NULL DEFAULT 0,
    statements_version INTEGER NOT NULL DEFAULT 0,
    chunks_version INTEGER NOT NULL DEFAULT 0,
    facts TEXT NOT NULL DEFAULT '{}',
    groups TEXT NOT NULL DEFAULT '[]',
    size INTEGER NOT NULL DEFAULT 0,
    indexed_at TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentences TEXT NOT NULL,
    speakers TEXT NOT NULL,
    vectors BLOB NOT NULL,
    bridge BLOB
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (document_id, start);
CREATE TABLE IF NOT EXISTS statements (
    document_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    organisation TEXT,
    date_text TEXT,
    date_start TEXT,
    date_end TEXT,
    start_days INTEGER,
    end_days INTEGER,
    chunk_id TEXT,
    events TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS statements_document ON statements (document_id);
"""
_STATEMENT_FIELDS = ("start", "end", "text", "kind", "speaker", "organisation", "date_text", "date_start", "date_end")
_ADDED_COLUMNS = (  # columns of later versions, added to a catalog written before them
    ("documents", "statements_version", "INTEGER NOT NULL DEFAULT 0"),
    ("documents", "chunks_version", "INTEGER NOT NULL DEFAULT 0"),
    ("documents", "facts", "TEXT NOT NULL DEFAULT '{}'"),
    ("statements", "chunk_id", "TEXT"),
    ("statements", "events", "TEXT NOT NULL DEFAULT '[]'"),
    ("documents", "groups", "TEXT NOT NULL DEFAULT '[]'"),
    ("documents", "size", "INTEGER NOT NULL DEFAULT 0"),
    ("documents", "indexed_at", "TEXT"),
    ("chunks", "bridge", "BLOB"),
)


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    sha256: str
    state: str
    chunks_version: int = 0  # what the chunk rows (sentence vectors, speakers) were computed by


@dataclass(frozen=True)
class ChunkFacts:
    """What was computed at ingest for one chunk: its quotable sentences' vectors, in the order of `sentences`, and
    each sentence's speaker ((full name, introduction start, introduction end, named in the sentence) or None)."""

    id: str
    document_id: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    speakers: tuple[tuple[str, int | None, int | None, bool] | None, ...]
    vectors: np.ndarray  # float32, one row per sentence
    bridge: np.ndarray | None = None  # the same sentences in the multilingual model's space (index.bridge), or None


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._data_version: int | None = None
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        added = set()
        for table, column, declaration in _ADDED_COLUMNS:
            columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if columns and column not in columns:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                added.add(column)
        self._db.executescript(_SCHEMA)
        if "groups" in added:  # written before access groups: read them from the front matter
            for doc_id, meta in self._db.execute("SELECT id, meta FROM documents").fetchall():
                groups = json.loads(meta).get("groups") or []
                self._db.execute("UPDATE documents SET groups = ? WHERE id = ?", (json.dumps(groups), doc_id))

    def close(self) -> None:
        self._db.close()

    def entries(self) -> dict[str, Entry]:
        rows = self._db.execute("SELECT id, source, sha256, state, chunks_version FROM documents")
        return {row[0]: Entry(*row) for row in rows}

    def begin(self, document: Document) -> None:
        """Mark a document as being (re)written: until `complete`, its chunks may be partial."""
        self._db.execute(
            "INSERT INTO documents (id, source, sha256, state) VALUES (?, ?, ?, 'pending') "
            "ON CONFLICT(id) DO UPDATE SET state = 'pending', sha256 = excluded.sha256, source = excluded.source",
            (document.id, document.source, document.sha256),
        )

    def begin_removal(self, doc_id: str) -> None:
        self._db.execute("UPDATE documents SET state = 'pending' WHERE id = ?", (doc_id,))

    def complete(self, document: Document, chunks: int, chunks_version: int = 0) -> None:
        self._db.execute(
            "UPDATE documents SET state = 'ready', title = ?, type = ?, date = ?, date_days = ?, text = ?, "
            "meta = ?, chunks = ?, statements_version = 0, chunks_version = ?, groups = ?, size = ?, "
            "indexed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            (
                document.title, document.type, document.date,
                to_days(document.date) if document.date else None,
                document.text, json.dumps(document.meta, ensure_ascii=False), chunks, chunks_version,
                json.dumps(sorted(document.meta.get("groups") or [])), document.size, document.id,
            ),
        )

    def remove(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._db.execute("DELETE FROM statements WHERE document_id = ?", (doc_id,))
        self._db.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))

    # --- what ingest computed per chunk ---

    def set_chunks(self, rows: Sequence[ChunkFacts]) -> None:
        """Replace the chunk rows of the documents they belong to (written while those documents are pending)."""
        self._db.execute("BEGIN")
        try:
            for doc_id in {r.document_id for r in rows}:
                self._db.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))
            self._db.executemany(
                'INSERT OR REPLACE INTO chunks (id, document_id, start, "end", sentences, speakers, vectors, bridge) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.id, r.document_id, r.start, r.end, json.dumps(r.sentences), json.dumps(r.speakers),
                  _blob(r.vectors), None if r.bridge is None else _blob(r.bridge)) for r in rows])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def delete_chunks(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))

    def chunk_facts(self, ids: Sequence[str]) -> dict[str, ChunkFacts]:
        """The stored rows of these chunks (those an index built before sentence vectors lacks are left out)."""
        found: dict[str, ChunkFacts] = {}
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), 500):  # SQLite bounds the number of variables
            part = ids[i:i + 500]
            for cid, doc_id, start, end, sentences, speakers, blob, bridge in self._db.execute(
                    'SELECT id, document_id, start, "end", sentences, speakers, vectors, bridge FROM chunks '
                    f"WHERE id IN ({','.join('?' * len(part))})", part):
                spans = tuple(tuple(s) for s in json.loads(sentences))
                found[cid] = ChunkFacts(cid, doc_id, start, end, spans,
                                        tuple(tuple(s) if s else None for s in json.loads(speakers)),
                                        _rows(blob, len(spans)), None if bridge is None else _rows(bridge, len(spans)))
        return found

    def chunk_at(self, doc_id: str, offset: int) -> str | None:
        """Id of the chunk of a document whose text holds the character at `offset` (None for an index built before
        chunk rows were kept)."""
        row = self._db.execute(
            'SELECT id FROM chunks WHERE document_id = ? AND start <= ? AND "end" > ? ORDER BY start DESC LIMIT 1',
            (doc_id, offset, offset)).fetchone()
        return row[0] if row else None

    def facts(self, doc_id: str) -> dict:
        """What ingest read from the whole document: its people and acronym pairs."""
        row = self._db.execute("SELECT facts FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def all_facts(self) -> dict[str, dict]:
        return {doc_id: json.loads(facts) for doc_id, facts in
                self._db.execute("SELECT id, facts FROM documents WHERE state = 'ready'")}

    def set_statements(self, doc_id: str, statements: Sequence, version: int, facts: dict | None = None,
                       events: Sequence[Sequence] | None = None) -> None:
        """Replace a document's statements (objects with the fields of index.statements.Statement), each with the
        dates of the events it reports (`events`: per statement, a list of (text, start, end)), and what else was
        read from the document's whole text (`facts`)."""
        events = events if events is not None else [[] for _ in statements]
        rows = [
            (doc_id, *(getattr(st, f) for f in _STATEMENT_FIELDS),
             to_days(st.date_start) if st.date_start else None, to_days(st.date_end) if st.date_end else None,
             self.chunk_at(doc_id, st.start), json.dumps([list(e) for e in found], ensure_ascii=False))
            for st, found in zip(statements, events)
        ]
        self._db.execute("BEGIN")
        try:
            self._db.execute("DELETE FROM statements WHERE document_id = ?", (doc_id,))
            self._db.executemany(f"INSERT INTO statements VALUES ({','.join('?' * 14)})", rows)
            self._db.execute("UPDATE documents SET statements_version = ?, facts = ? WHERE id = ?",
                             (version, json.dumps(facts or {}, ensure_ascii=False), doc_id))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def stale_statements(self, version: int) -> list[Document]:
        """Ready documents whose statements were found by an older version of the finder (or never)."""
        rows = self._db.execute(
            "SELECT id, source, text, title, type, date, sha256, meta FROM documents "
            "WHERE state = 'ready' AND statements_version < ?", (version,))
        return [Document(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def statements(
        self, *, kinds=None, organisations=None, since: int | None = None, until: int | None = None,
        document_ids=None,
    ) -> list[dict]:
        """Statements of ready documents, with their document's title, source and date, in document order.
        A date filter keeps statements whose event dates overlap the range, or, without event dates, whose
        document's date is in it."""
        sql = ("SELECT s.document_id, " + ", ".join(f's."{f}"' for f in _STATEMENT_FIELDS) +
               ", d.title, d.source, d.date, s.chunk_id, s.events FROM statements s JOIN documents d ON d.id = s.document_id "
               "WHERE d.state = 'ready'")
        args: list = []
        for column, values in (("s.kind", kinds), ("s.organisation", organisations), ("s.document_id", document_ids)):
            if values is not None:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args += list(values)
        if since is not None:
            sql += " AND COALESCE(s.end_days, d.date_days) >= ?"
            args.append(since)
        if until is not None:
            sql += " AND COALESCE(s.start_days, d.date_days) <= ?"
            args.append(until)
        sql += " ORDER BY d.source, s.start"
        names = ("document_id", *_STATEMENT_FIELDS, "title", "source", "document_date", "chunk_id", "events")
        # "events": the event dates read at ingest, as JSON [[text, start, end], ...] (decoded only where needed)
        return [dict(zip(names, row)) for row in self._db.execute(sql, args)]

    def changed(self) -> bool:
        """Has another connection (another process's ingest) committed since this was last asked? Cheap."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        changed, self._data_version = version != self._data_version, version
        return changed

    def generation(self) -> str:
        """A fingerprint of the ready documents: the keyword index is rebuilt when it differs."""
        digest = hashlib.sha256(f"terms {TERMS_VERSION};".encode())  # and of how words are stemmed
        for doc_id, sha in self._db.execute("SELECT id, sha256 FROM documents WHERE state = 'ready' ORDER BY id"):
            digest.update(f"{doc_id}:{sha};".encode())
        return digest.hexdigest()

    def counts(self) -> tuple[int, int]:
        row = self._db.execute("SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM documents WHERE state = 'ready'")
        documents, chunks = row.fetchone()
        return documents, chunks

    def text(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str) -> dict | None:
        """One ready document's metadata, as `documents` lists it."""
        row = self._db.execute("SELECT id, source, title, type, date, chunks, meta FROM documents "
                               "WHERE id = ? AND state = 'ready'", (doc_id,)).fetchone()
        return None if row is None else {"id": row[0], "source": row[1], "title": row[2], "type": row[3],
                                         "date": row[4], "chunks": row[5], "meta": json.loads(row[6])}

    def documents(self) -> list[dict]:
        rows = self._db.execute(
            "SELECT id, source, title, type, date, chunks, meta FROM documents WHERE state = 'ready' ORDER BY source"
        )
        return [
            {"id": r[0], "source": r[1], "title": r[2], "type": r[3], "date": r[4], "chunks": r[5],
             "meta": json.loads(r[6])}
            for r in rows
        ]

    def select(
        self, *, types=None, since: int | None = None, until: int | None = None, sources=None,
        groups: frozenset[str] | None = None,
    ) -> list[str]:
        """Ids of ready documents that pass the filters; a source matches itself or anything under it; `groups`:
        only documents a caller with these access groups may see (None: no restriction).

        Types and sources are matched here rather than in SQL, so that any number of them is one query (SQLite
        limits the variables and the depth of an expression)."""
        sql, args = "SELECT id, type, source, groups FROM documents WHERE state = 'ready'", []
        if since is not None:
            sql += " AND date_days >= ?"
            args.append(since)
        if until is not None:
            sql += " AND date_days <= ?"
            args.append(until)
        wanted_types = set(types or ())
        folders = {source.rstrip("/") for source in sources or ()}
        found = []
        for doc_id, kind, source, doc_groups in self._db.execute(sql, args):
            if groups is not None and not visible(json.loads(doc_groups), groups):
                continue
            if wanted_types and kind not in wanted_types:
                continue
            if folders and not any(part in folders for part in _self_and_folders(source)):
                continue
            found.append(doc_id)
        return found


    def listing(self, groups: frozenset[str] | None = None) -> list[dict]:
        """Every document, ready or being written, that a caller with these groups may see: what GET /documents
        lists (without the text)."""
        rows = self._db.execute(
            "SELECT id, title, type, date, source, groups, chunks, state, size, indexed_at FROM documents "
            "ORDER BY source")
        names = ("id", "title", "type", "date", "source", "groups", "chunks", "status", "size", "indexed_at")
        found = []
        for row in rows:
            item = dict(zip(names, row))
            item["groups"] = json.loads(item["groups"])
            if visible(item["groups"], groups):
                item["status"] = "ready" if item["status"] == "ready" else "indexing"
                found.append(item)
        return found

    def visible_counts(self, groups: frozenset[str] | None) -> tuple[int, int]:
        """Ready documents and their chunks that a caller with these groups may see."""
        rows = self._db.execute("SELECT groups, chunks FROM documents WHERE state = 'ready'")
        seen = [chunks for doc_groups, chunks in rows if visible(json.loads(doc_groups), groups)]
        return len(seen), sum(seen)


def _self_and_folders(source: str) -> list[str]:
    """"a/b/c.md" -> ["a/b/c.md", "a/b", "a"]: the source and every folder above it."""
    parts = source.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]
