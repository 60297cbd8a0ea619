"""Server-sent events of an answer: the text in pieces as it is written, then its citations, then the end."""

from __future__ import annotations

import json
import re
from typing import Iterator

from assistant.answer import Answer

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
# after a [n] marker, and after a sentence of the answer's own framing
_BREAK = re.compile(r"(?<=\])(?=[:\s])|(?<=[.!?])(?=\s+[A-Z“\"])")


def pieces(text: str) -> list[str]:
    """The answer text cut after each [n] marker and each framing sentence: a claim with its citation a piece
    (joined, they give the text back)."""
    return [p for p in _BREAK.split(text) if p]


def event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def chat_events(answer: Answer, whole: dict) -> Iterator[str]:
    for piece in pieces(answer.answer):
        yield event("delta", {"text": piece})
    yield event("citations", {"citations": whole["citations"], "refused": answer.refused})
    yield event("done", whole)
