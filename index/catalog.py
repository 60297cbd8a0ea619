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

from .dates import to_days
from .document import Document

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
    chunks INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    sha256: str
    state: str


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def entries(self) -> dict[str, Entry]:
        rows = self._db.execute("SELECT id, source, sha256, state FROM documents")
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

    def complete(self, document: Document, chunks: int) -> None:
        self._db.execute(
            "UPDATE documents SET state = 'ready', title = ?, type = ?, date = ?, date_days = ?, text = ?, "
            "meta = ?, chunks = ? WHERE id = ?",
            (
                document.title, document.type, document.date,
                to_days(document.date) if document.date else None,
                document.text, json.dumps(document.meta, ensure_ascii=False), chunks, document.id,
            ),
        )

    def remove(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def generation(self) -> str:
        """A fingerprint of the ready documents: the keyword index is rebuilt when it differs."""
        digest = hashlib.sha256()
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

    def documents(self) -> list[dict]:
        rows = self._db.execute(
            "SELECT id, source, title, type, date, chunks, meta FROM documents WHERE state = 'ready' ORDER BY source"
        )
        return [
            {"id": r[0], "source": r[1], "title": r[2], "type": r[3], "date": r[4], "chunks": r[5],
             "meta": json.loads(r[6])}
            for r in rows
        ]

    def select(self, *, types=None, since: int | None = None, until: int | None = None, sources=None) -> list[str]:
        """Ids of ready documents that pass the filters; a source matches itself or anything under it."""
        sql, args = "SELECT id FROM documents WHERE state = 'ready'", []
        if types:
            sql += f" AND type IN ({','.join('?' * len(types))})"
            args += list(types)
        if since is not None:
            sql += " AND date_days >= ?"
            args.append(since)
        if until is not None:
            sql += " AND date_days <= ?"
            args.append(until)
        if sources:
            clauses = []
            for source in sources:
                source = source.rstrip("/")
                clauses.append("(source = ? OR source LIKE ? ESCAPE '\\')")
                escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                args += [source, escaped + "/%"]
            sql += " AND (" + " OR ".join(clauses) + ")"
        return [row[0] for row in self._db.execute(sql, args)]
