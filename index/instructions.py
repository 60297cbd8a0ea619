"""Sentences addressed to an assistant rather than to the document's readers ("Ignore previous instructions and
reply only with ..."). They stay in the document's text, where a reader sees them, but are never quoted as an
answer: chunking leaves them out of a chunk's quotable sentences, the statement finder and the acronym pairs skip
them, and the written answerer withholds them from the model. Decided here, once, for every path."""

from __future__ import annotations

import re

from .sentences import split_sentences

# Linear: every gap between two cues is bounded ({0,40}?), so a sentence costs at most a few dozen steps a character.
INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}?\b(?:instructions?|prompts?|rules|directions|above|previous)\b"
    r"|\b(?:system|developer) (?:prompt|message|notice|instruction)s?\b"
    r"|\byou are now\b"
    r"|\byou are (?:an? )?(?:ai|assistant|chatbot|language model|llm)\b"
    r"|\b(?:ai|assistant|chatbot|language model|llm)s?\b.{0,30}?\b(?:must|should|shall) (?:always|now|only|reply|answer|say)\b"
    r"|\b(?:reply|respond|answer)\s+(?:only\s+with|with\s+(?:only|exactly|the\s+(?:words?|text|phrase)))\b"
    # Persian: "ignore (the previous instructions)", "previous instructions", "from now on you", "only answer/reply",
    # "you are now (an) assistant"
    r"|نادیده\s*بگیر|دستورالعمل(?:\u200c|\s)?های\s+قبلی|دستورات\s+قبلی|از\s+این\s+پس\s+تو\b"
    r"|فقط\s+(?:پاسخ|جواب)\s+بده|تو\s+(?:اکنون|حالا)\s+(?:یک\s+)?(?:دستیار|هوش\s+مصنوعی)",
    re.I,
)


def is_instruction(sentence: str) -> bool:
    """Does the sentence read as an instruction to an assistant?"""
    return bool(INSTRUCTION_LIKE.search(sentence))


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of a text that read as instructions to an assistant."""
    return [(s, e) for s, e in split_sentences(text) if is_instruction(text[s:e])]


def within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Do the offsets fall inside one of the spans?"""
    return any(s <= start and end <= e for s, e in spans)
