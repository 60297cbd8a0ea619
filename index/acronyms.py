"""Acronyms: "long form (ACRONYM)" pairs stated in the documents, and a small editable glossary.

A pair is taken when the acronym's letters are the initials of the words before the parenthesis (words such as
"and", "of", "the" may be skipped): "chemical, biological, radiological, and nuclear (CBRN)",
"Restoring Family Links (RFL)", "mental health and psychosocial support (MHPSS)".
The glossary (`documents/glossary.yaml` by default: `ACRONYM: long form` lines) adds what the documents never spell out.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .instructions import instruction_spans, within

GLOSSARY = "glossary.yaml"  # in a documents folder: read as the glossary, never ingested as a document
_SKIPPABLE = {"and", "of", "the", "for", "in", "on", "to", "&"}
_PAREN = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def pairs(text: str) -> dict[str, str]:
    """Acronym -> long form, as the text spells them out (not in a sentence addressed to an assistant)."""
    found: dict[str, str] = {}
    withheld = instruction_spans(text)
    for match in _PAREN.finditer(text):
        acronym = match.group(1)
        if sum(c.isupper() for c in acronym) < 2 or within(withheld, match.start(), match.end()):
            continue
        long_form = _long_form(text[max(0, match.start() - 200):match.start()], acronym)
        if long_form and acronym not in found:
            found[acronym] = long_form
    return found


def spelled_out(text: str, acronym: str) -> tuple[int, int, str] | None:
    """Where a text first spells an acronym out: offsets of "long form (ACRONYM)" and the long form (never in a
    sentence addressed to an assistant, which is not quoted)."""
    withheld = None  # read only for a text that spells it out: most texts are passed over on the first search
    for match in re.finditer(rf"\(({re.escape(acronym)})\)", text):
        withheld = instruction_spans(text) if withheld is None else withheld
        if within(withheld, match.start(), match.end()):
            continue
        before = text[max(0, match.start() - 200):match.start()]
        long_form = _long_form(before, acronym)
        if long_form:
            return match.start() - len(before) + before.rindex(long_form), match.end(), long_form
    return None


def _long_form(before: str, acronym: str) -> str | None:
    words = list(_WORD.finditer(before))
    letters = [c.lower() for c in acronym if c.isupper()]
    i, j = len(words) - 1, len(letters) - 1
    while i >= 0 and j >= 0:
        word = words[i].group().lower()
        taken = _initials(word, letters[:j + 1])
        if taken:
            j -= taken
        elif word not in _SKIPPABLE:
            return None
        i -= 1
    if j >= 0:
        return None
    start = words[i + 1].start()
    return before[start:].strip().rstrip(",")


def _initials(word: str, letters: list[str]) -> int:
    """How many of the last `letters` the word stands for: its initial, and the letters after it found in order
    inside the word ("psychosocial" gives the P and S of MHPSS). 0 when its initial is not the letter due."""
    for k in range(min(3, len(letters)), 0, -1):
        wanted = letters[-k:]
        if word[0] != wanted[0]:
            continue
        rest, position = word[1:], 0
        for letter in wanted[1:]:
            position = rest.find(letter, position) + 1
            if position == 0:
                break
        else:
            return k
    return 0


def read_glossary(path: Path) -> dict[str, str]:
    """`ACRONYM: long form` pairs of a YAML glossary; a missing file is an empty glossary."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the glossary is a mapping of ACRONYM: long form")
    return {str(k).strip(): str(v).strip() for k, v in data.items() if str(k).strip() and str(v).strip()}


def expand(question: str, glossary: dict[str, str]) -> str:
    """The question with each acronym's long form added, and each long form's acronym (for keyword search)."""
    extra = []
    for acronym, long_form in glossary.items():
        if re.search(rf"\b{re.escape(acronym)}\b", question):
            extra.append(long_form)
        elif _mentions(question, long_form):
            extra.append(acronym)
    return question if not extra else question + " " + " ".join(extra)


def _mentions(text: str, long_form: str) -> bool:
    words = [w.lower() for w in _WORD.findall(long_form) if w.lower() not in _SKIPPABLE]
    present = {w.lower() for w in _WORD.findall(text)}
    return bool(words) and all(w in present for w in words)
