"""What every language shares: script detection, normalisation, the sentence splitter and the `Language` record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

# Arabic letter variants become the Persian ones (ي -> ی, ك -> ک), Persian and Arabic-Indic digits become 0-9,
# diacritics, the tatweel and direction marks are dropped. Text in other scripts is unchanged and keeps its length
# except where a dropped mark stood.
_PERSIAN = str.maketrans({
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    **{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(c): None for c in range(0x064B, 0x0660)}, "\u0670": None, "\u0640": None,
    "\u200e": None, "\u200f": None,
})
# The same, keeping every character in place (one character for one): offsets into the normalised text are
# offsets into the original, so a date or a cue found in it can be quoted from the document exactly.
_IN_PLACE = str.maketrans({
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    **{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)},
    "٫": ".", "٬": ",",
})


def normalize(text: str) -> str:
    """Persian and Arabic letter variants, digits and diacritics made one (for search and comparison)."""
    return text.translate(_PERSIAN)


def normalize_in_place(text: str) -> str:
    """Letter variants and digits made one, character for character: offsets stay those of `text`."""
    return text.translate(_IN_PLACE)


def detect(text: str) -> str:
    """"fa" when at least 40% of the letters are in the Arabic script, else "en"."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    arabic = sum(1 for c in letters if ARABIC_SCRIPT.match(c))
    return "fa" if arabic >= 0.4 * len(letters) else "en"


@dataclass(frozen=True)
class FoundDate:
    """A date expression found in a text: where it is, as written, and the days it names (ISO, inclusive)."""

    start: int
    end: int
    text: str
    first: str | None  # None when it is relative to a date the reader was not given
    last: str | None


@dataclass(frozen=True)
class Language:
    """Everything the program needs to know of one language; each field is data or a plain function."""

    code: str  # ISO 639-1
    name: str
    stopwords: frozenset[str]
    stem: Callable[[str], str]  # one normalised, lower-cased word
    question_words: frozenset[str]
    # statement cues: (kind, pattern) in order of precedence; a sentence that says no decision was taken
    statement_cues: tuple[tuple[str, re.Pattern], ...]
    negated: re.Pattern
    section_cues: tuple[tuple[str, re.Pattern], ...]  # headings of meeting notes and the kind filed under them
    reporting: re.Pattern  # a verb that reports someone's words ("said", "گفت")
    pronoun_speaker: re.Pattern  # "she added", "وی افزود": the speaker named before
    dates: Callable[[str, str | None], list[FoundDate]]  # every date expression of a text, given the document date
    phrases: dict[str, str] = field(default_factory=dict)  # the framing words of an answer, by key

    def phrase(self, key: str, **values: object) -> str:
        """A framing phrase in this language, with its blanks filled."""
        return self.phrases[key].format(**values)
