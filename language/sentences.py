"""Sentence boundaries as character offsets, so that every quote is an exact slice of the document.

One splitter serves English and Persian: a sentence ends at . ! ? or the Persian question mark ؟ followed by a
capital, a digit or a letter of the Arabic script (Persian has no capitals); the abbreviations that end in a period
without ending a sentence are English ones (language/en.py).
"""

from __future__ import annotations

import re

from .en import ABBREVIATIONS as _ABBREVIATIONS

# Linear: a run of end marks is tried once, from its first mark (a later start ends at the same place and would
# fail the same way), and every run is possessive.
_END = re.compile(
    r"""(?<![.!?؟])[.!?؟]++["'”’»)\]]*+(?=\s++["'“‘«(\[]?[A-Z0-9\u0600-\u06FF]|$)"""
)
_WORD_END = re.compile(r"""(\S+?)[.!?؟]+["'”’»)\]]*$""")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")


def blocks(text: str) -> list[tuple[int, int]]:
    """Non-empty lines as (start, end) offsets: no sentence crosses a line break."""
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def is_heading(text: str) -> bool:
    return bool(_HEADING.match(text))


def heading_text(text: str) -> str:
    return _HEADING.sub("", text).strip().strip("#").strip()


def split_block(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentences of one line of text, as offsets shifted by `offset`; list markers are left outside."""
    start = 0
    bullet = _BULLET.match(text)
    if bullet:
        start = bullet.end()
    spans = []
    for match in _END.finditer(text, start):
        end = match.end()
        word = _WORD_END.search(text, _word_start(text, start, match.start()), end)
        if word and match.group().startswith(".") and _is_abbreviation(word.group(1)):
            continue
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(offset + s, offset + e) for s, e in spans if e > s]


def _word_start(text: str, start: int, mark: int) -> int:
    """Where the word that ends at `mark` begins (not before `start`): the last word of a sentence that keeps
    growing past initials ("A. A. A. ...") is found without reading the sentence again."""
    begin = mark
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    return begin


def _is_abbreviation(word: str) -> bool:
    word = word.lstrip("(\"'“‘").lower()
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Smith"


def units(text: str) -> list[tuple[int, int, bool]]:
    """Headings and sentences in document order, as (start, end, is_heading)."""
    found = []
    for start, end in blocks(text):
        line = text[start:end]
        if is_heading(line):
            found.append((start, end, True))
        else:
            found.extend((s, e, False) for s, e in split_block(line, start))
    return found


def split_sentences(text: str) -> list[tuple[int, int]]:
    """All sentences of a text, headings excluded, as (start, end) offsets into `text`."""
    return [(start, end) for start, end, heading in units(text) if not heading]
