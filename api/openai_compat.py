"""The OpenAI chat completions protocol over the assistant: replies carry the [n] markers and end with the sources."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict
from typing import Iterator, Sequence

from assistant.answer import Answer
from assistant.conversation import Turn, resolve
from assistant.service import checked_question
from index.errors import InvalidRequest

from .stream import pieces

MODEL = "partnership-assistant"


def models() -> dict:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "partnership-assistant"}]}


def _text(content) -> str:
    if isinstance(content, str):
        return content
    texts = []
    for part in content or []:
        if isinstance(part, dict) and part.get("type") == "text":
            texts.append(str(part.get("text", "")))
        elif getattr(part, "type", None) == "text":
            texts.append(part.text)
    return "".join(texts)


def question_and_history(messages: Sequence) -> tuple[str, list[Turn]]:
    """The last user message, and the earlier user/assistant pairs as turns (each resolved in order). The
    question is checked before any earlier message is read."""
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise InvalidRequest("the last user message is missing or empty")
    checked_question(_text(messages[users[-1]].content))
    history: list[Turn] = []
    for i in users[:-1]:
        asked = _text(messages[i].content).strip()
        reply = next((_text(m.content) for m in messages[i + 1:] if m.role == "assistant"), "")
        if asked:
            history.append(Turn(asked, resolve(asked, history), reply))
    return _text(messages[users[-1]].content).strip(), history


def sources(answer: Answer) -> str:
    if not answer.citations:
        return ""
    heading = "Closest passages:" if answer.refused else "Sources:"
    lines = [f"[{c.marker}] {c.title} ({c.date or 'undated'}), {c.source}: “{c.quote}”" for c in answer.citations]
    return "\n\n" + heading + "\n" + "\n".join(lines)


def completion(answer: Answer) -> dict:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer + sources(answer)},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": [asdict(c) for c in answer.citations],
        "refused": answer.refused,
    }


def completion_chunks(answer: Answer) -> Iterator[str]:
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": MODEL}

    def chunk(delta: dict, finish: str | None = None) -> str:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces(answer.answer):
        yield chunk({"content": piece})
    if answer.citations:
        yield chunk({"content": sources(answer)})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"
