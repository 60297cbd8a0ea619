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

from .dates import to_days
from .document import Document
from .terms import VERSION as TERMS_VERSION

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
    statements_version INTEGER NOT NULL DEFAULT 0
);
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
    end_days INTEGER
);
CREATE INDEX IF NOT EXISTS statements_document ON statements (document_id);
"""
_STATEMENT_FIELDS = ("start", "end", "text", "kind", "speaker", "organisation", "date_text", "date_start", "date_end")


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
        self._data_version: int | None = None
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if columns and "statements_version" not in columns:  # a catalog written before statements existed
            self._db.execute("ALTER TABLE documents ADD COLUMN statements_version INTEGER NOT NULL DEFAULT 0")
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
            "meta = ?, chunks = ?, statements_version = 0 WHERE id = ?",
            (
                document.title, document.type, document.date,
                to_days(document.date) if document.date else None,
                document.text, json.dumps(document.meta, ensure_ascii=False), chunks, document.id,
            ),
        )

    def remove(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._db.execute("DELETE FROM statements WHERE document_id = ?", (doc_id,))

    def set_statements(self, doc_id: str, statements: Sequence, version: int) -> None:
        """Replace a document's statements (objects with the fields of index.statements.Statement)."""
        rows = [
            (doc_id, *(getattr(st, f) for f in _STATEMENT_FIELDS),
             to_days(st.date_start) if st.date_start else None, to_days(st.date_end) if st.date_end else None)
            for st in statements
        ]
        self._db.execute("BEGIN")
        try:
            self._db.execute("DELETE FROM statements WHERE document_id = ?", (doc_id,))
            self._db.executemany(f"INSERT INTO statements VALUES ({','.join('?' * 12)})", rows)
            self._db.execute("UPDATE documents SET statements_version = ? WHERE id = ?", (version, doc_id))
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
               ", d.title, d.source, d.date FROM statements s JOIN documents d ON d.id = s.document_id "
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
        names = ("document_id", *_STATEMENT_FIELDS, "title", "source", "document_date")
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
        """Ids of ready documents that pass the filters; a source matches itself or anything under it.

        Types and sources are matched here rather than in SQL, so that any number of them is one query (SQLite
        limits the variables and the depth of an expression)."""
        sql, args = "SELECT id, type, source FROM documents WHERE state = 'ready'", []
        if since is not None:
            sql += " AND date_days >= ?"
            args.append(since)
        if until is not None:
            sql += " AND date_days <= ?"
            args.append(until)
        wanted_types = set(types or ())
        folders = {source.rstrip("/") for source in sources or ()}
        found = []
        for doc_id, kind, source in self._db.execute(sql, args):
            if wanted_types and kind not in wanted_types:
                continue
            if folders and not any(part in folders for part in _self_and_folders(source)):
                continue
            found.append(doc_id)
        return found


def _self_and_folders(source: str) -> list[str]:
    """"a/b/c.md" -> ["a/b/c.md", "a/b", "a"]: the source and every folder above it."""
    parts = source.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]
