"""Conversations: the earlier turns kept under the data directory, and follow-up questions made whole with them.

"And what about rehabilitation?" after "What did the IRCS say about CBRN readiness?" is searched as "What did the
IRCS say about rehabilitation?"; "When is that planned?" after "Who proposed the second conference on
rehabilitation?" carries the earlier subject in place of "that". A question that stands on its own is unchanged.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.terms import stem, words

from .question import FRAME_STEMS, TOPIC

# Both linear in the question, as TOPIC is (see there): possessive runs of white space that give back only the two
# characters a topic of two or more could use, and a lookahead that checks the end before the topic is tried.
_WHAT_ABOUT = re.compile(
    r"^(?:\s*+(?:and|but|so|also))?+[\s,]*+(?:what|how)\s++about(?:\s++|\s+?(?=[^\S\n]\n*+$))"
    r"(?=[^\n]++\s*+\??\s*+$)(?P<topic>.+?)\s*+\??\s*+$",
    re.I,
)
_GIVE_BACK = r"(?:\s++|\s+?(?=\s(?!\s))|\s+?(?=\s\s(?!\s)))"
_AND_TOPIC = re.compile(
    r"^\s*+and(?:\s++(?!(?:what|when|where|who|whom|which|why|how|is|are|was|were|did|does|do|can|will|has|have)\b)"
    r"(?:(?:the|on|for)" + _GIVE_BACK + r")?|\s+?(?=\s(?!\s))|\s+?(?=\s\s(?!\s)))"
    r"(?=[^?]{0,60}+\s*+\?\s*+$)(?P<topic>[^?]{2,60}?)\s*+\?\s*+$",
    re.I,
)
_POINTER = re.compile(r"\b(?:that|it|this|they|them|those|these|there)\b", re.I)
_FUNCTION = {"the", "a", "an", "of", "on", "in", "for", "to", "with", "and", "or", "by", "at"}
_ABOUT = {"about", "regarding", "concerning"}
_LEADING_AND = re.compile(r"^\s*(?:and|but|so)\b[\s,]*", re.I)


@dataclass(frozen=True)
class Turn:
    question: str  # as asked
    resolved: str  # as searched
    answer: str


def resolve(question: str, history: list[Turn]) -> str:
    """The question made whole with the subject of the previous turn, or unchanged when it stands alone."""
    if not history:
        return question
    previous = history[-1].resolved
    asked = _WHAT_ABOUT.match(question) or _AND_TOPIC.match(question)
    if asked:
        topic = asked.group("topic").strip()
        match = TOPIC.search(previous)
        if match:  # "What did the IRCS say about CBRN readiness?" -> "... about rehabilitation?"
            return previous[: match.start("topic")] + topic + previous[match.end("topic"):]
        return f"{previous.rstrip(' ?')} {topic}?"
    content = [w for w in words(question) if stem(w) not in FRAME_STEMS and not _POINTER.fullmatch(w)]
    if _POINTER.search(question) and len(content) <= 2:
        subject = _subject(previous)
        if subject:  # "When is that planned?" -> "When is the second conference on rehabilitation planned?"
            whole = _LEADING_AND.sub("", _POINTER.sub(subject, question, count=1)).strip()
            return whole[:1].upper() + whole[1:]
    return question


def _subject(question: str) -> str:
    """What the question is about: the words after its last framing word ("proposed", "about") that is still
    followed by a content word. "Who proposed the second conference on rehabilitation?" -> "the second
    conference on rehabilitation"."""
    tokens = list(re.finditer(r"[\w'’-]+", question))
    content = [stem(t.group().lower()) not in FRAME_STEMS and t.group().lower() not in _FUNCTION for t in tokens]
    cut = None
    for i, token in enumerate(tokens):
        framing = not content[i] and token.group().lower() not in _FUNCTION or token.group().lower() in _ABOUT
        if framing and any(content[i + 1:]):
            cut = token.end()
    return question[cut:].strip(" ?") if cut is not None else ""


class ConversationStore:
    """Turns by conversation id in SQLite; each conversation keeps its last `max_turns`, and only the
    `max_conversations` most recently used are kept. Each belongs to an owner (a digest of the API key that began
    it, or "" without keys): only that owner may continue it."""

    def __init__(self, path: Path, max_turns: int = 20, max_conversations: int = 1000) -> None:
        self.path, self.max_turns, self.max_conversations = Path(path), max_turns, max_conversations
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        """Opened on first use: `assistant ask` and evaluation runs never create the file."""
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS turns (conversation TEXT NOT NULL, n INTEGER NOT NULL, question TEXT "
                "NOT NULL, resolved TEXT NOT NULL, answer TEXT NOT NULL, at REAL NOT NULL, owner TEXT NOT NULL DEFAULT '', "
                "PRIMARY KEY (conversation, n))"
            )
            if "owner" not in {row[1] for row in db.execute("PRAGMA table_info(turns)")}:  # written before owners
                db.execute("ALTER TABLE turns ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
            self._connection = db
        return self._connection

    def history(self, conversation: str) -> list[Turn]:
        rows = self._db.execute(
            "SELECT question, resolved, answer FROM turns WHERE conversation = ? ORDER BY n", (conversation,)
        )
        return [Turn(*row) for row in rows]

    def owned(self, conversation: str, owner: str = "") -> bool:
        """Is there such a conversation, begun by this owner?"""
        row = self._db.execute("SELECT owner FROM turns WHERE conversation = ? LIMIT 1", (conversation,)).fetchone()
        return row is not None and row[0] == owner

    def add(self, conversation: str, turn: Turn, owner: str = "") -> None:
        with self._lock:
            self._db.execute("BEGIN")
            last = self._db.execute("SELECT COALESCE(MAX(n), 0) FROM turns WHERE conversation = ?",
                                    (conversation,)).fetchone()[0]
            self._db.execute(
                "INSERT INTO turns (conversation, n, question, resolved, answer, at, owner) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation, last + 1, turn.question, turn.resolved, turn.answer, time.time(), owner),
            )
            self._db.execute("DELETE FROM turns WHERE conversation = ? AND n <= ?", (conversation, last + 1 - self.max_turns))
            self._db.execute(
                "DELETE FROM turns WHERE conversation IN (SELECT conversation FROM turns GROUP BY conversation "
                "ORDER BY MAX(at) DESC LIMIT -1 OFFSET ?)", (self.max_conversations,)
            )
            self._db.execute("COMMIT")

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(DISTINCT conversation) FROM turns").fetchone()[0]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
