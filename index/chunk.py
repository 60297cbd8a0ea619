"""Sentence-aware chunking: whole sentences packed into chunks that fit the embedding model's window.

Sizes are counted with the embedding model's own tokenizer. A new section (a Markdown heading) starts a new chunk,
and the heading travels with it. A sentence longer than the window is cut between words.
"""

from __future__ import annotations

import re
from typing import Protocol

from .document import Chunk, Document, chunk_id
from .instructions import is_instruction
from .sentences import heading_text, units


class TokenCounter(Protocol):
    """Counts tokens as the embedding model will see them (special tokens excluded)."""

    def count(self, texts: list[str]) -> list[int]: ...


class HuggingFaceTokenCounter:
    """The embedding model's tokenizer.json, loaded with `tokenizers` alone (no torch)."""

    def __init__(self, tokenizer_file: str) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def count(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        return [len(e.ids) for e in encodings]


def chunk(document: Document, counter: TokenCounter, max_tokens: int) -> list[Chunk]:
    """Chunks of whole sentences, each at most `max_tokens` tokens (special tokens excluded)."""
    text = document.text
    pieces = _fit(text, units(text), counter, max_tokens)
    chunks: list[Chunk] = []
    current: list[tuple[int, int, bool]] = []
    used = 0
    section = ""
    current_section = ""

    def flush() -> None:
        nonlocal current, used
        if not current or all(h for _, _, h in current):
            return  # a heading alone is kept for the next chunk
        start, end = current[0][0], current[-1][1]
        body = text[start:end]
        chunks.append(
            Chunk(
                id=chunk_id(document.id, len(chunks), body),
                document_id=document.id,
                position=len(chunks),
                text=body,
                start=start,
                end=end,
                # quotable sentences: a sentence addressed to an assistant stays in the text, never in a quote
                sentences=tuple((s, e) for s, e, h in current if not h and not is_instruction(text[s:e])),
                section=current_section,
            )
        )
        current, used = [], 0

    for start, end, heading, size in pieces:
        # WordPiece splits on white space, so a chunk's size is the sum of its units' sizes
        if heading:
            flush()
            if current:  # consecutive headings: keep only the deepest
                current, used = [], 0
            section = heading_text(text[start:end])
        if current and used + size > max_tokens:
            if all(h for _, _, h in current):
                current, used = [], 0  # no room for the heading: the chunk keeps it as its section only
            else:
                flush()
        if not current:
            current_section = section
        current.append((start, end, heading))
        used += size
    flush()
    return chunks


def _fit(text, found, counter, max_tokens):
    """Units as (start, end, is_heading, tokens); one longer than the window is cut between words."""
    sizes = counter.count([text[s:e] for s, e, _ in found])
    fitted = []
    for (start, end, heading), size in zip(found, sizes):
        if size <= max_tokens:
            fitted.append((start, end, heading, size))
            continue
        words = _words(text, start, end, counter, max_tokens)
        word_sizes = counter.count([text[s:e] for s, e in words])
        piece_start, used = words[0][0], 0
        last_end = words[0][1]
        for (ws, we), wsize in zip(words, word_sizes):
            if used and used + wsize > max_tokens:
                fitted.append((piece_start, last_end, heading, used))
                piece_start, used = ws, 0
            used += wsize
            last_end = we
        fitted.append((piece_start, last_end, heading, used))
    return fitted


def _words(text, start, end, counter, max_tokens):
    """Words of a span; a word longer than the window (a URL, a hash) is cut by characters."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    sizes = counter.count([text[s:e] for s, e in words])
    step = max(1, max_tokens // 2)  # a WordPiece token covers at least one character
    out = []
    for (s, e), size in zip(words, sizes):
        out.extend([(s, e)] if size <= max_tokens else [(i, min(i + step, e)) for i in range(s, e, step)])
    return out
