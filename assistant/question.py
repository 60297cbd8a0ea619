"""What a question asks for: the kind of answer it expects and the terms an answer must be about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.terms import stem, words

# Words that frame a question rather than name its subject: they need not occur in the answer.
_FRAME = {
    "agree", "agreed", "agreement", "agreements", "decide", "decided", "decision", "decisions", "discuss",
    "discussed", "discussion", "say", "said", "says", "mention", "mentioned", "talk", "talked", "tell", "told",
    "propose", "proposed", "proposal", "proposals", "document", "documents", "meeting", "note", "notes", "happen",
    "happened", "know", "known", "anything", "something", "please", "give", "list", "name", "many", "much", "kind",
    "kinds", "type", "types", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does",
    "do", "has", "have", "was", "were", "is", "are", "will", "would", "can", "could", "should", "there", "any",
    "stated", "state", "states", "according", "stand", "stands", "mean", "means", "meaning", "acronym",
    "abbreviation", "full", "form", "report", "reported", "explain", "describe", "summary", "summarize",
}
FRAME_STEMS = frozenset(stem(w) for w in _FRAME)

_KIND_PATTERNS = [
    ("count", re.compile(r"\b(?:how many|how much|number of|amount|total|sum|cost|percentage|figure)\b", re.I)),
    ("date", re.compile(r"^\s*when\b|\b(?:what|which) (?:date|day|year|month|time|quarter)\b|\bby when\b", re.I)),
    ("person", re.compile(r"^\s*(?:who|whom)\b|\bwho\b|\b(?:which|what) (?:person|official|organi[sz]ation|"
                          r"society|agency|side|party|director|representative)\b", re.I)),
    ("place", re.compile(r"^\s*where\b|\b(?:which|what) (?:provinces?|cit(?:y|ies)|countr(?:y|ies)|regions?|"
                         r"places?|areas?|locations?)\b|\bin which (?:provinces?|cit(?:y|ies)|countr(?:y|ies))\b", re.I)),
]
_AGREEMENT = re.compile(r"\b(?:agree\w*|decid\w*|decision\w*|commit\w*|sign\w*)\b", re.I)
_FOCUS = re.compile(r"^\s*(?:who|what|which)\s+(?:is|was|are|were)\s+(?:the\s+|an?\s+)?(?P<focus>\w+)", re.I)
TOPIC = re.compile(r"\b(?:on|about|regarding|concerning|over|for|in)\s+(?:the\s+)?(?P<topic>[^?]{3,80}?)\s*\??\s*$", re.I)


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # count, date, person, place, or other
    asks_agreement: bool
    terms: tuple[tuple[str, str], ...]  # (word as written, stem) of the words an answer must be about
    topic: str
    focus: str | None  # stem of the thing asked for in "who/what is the ___ of ...", which the answer must name

    @property
    def stems(self) -> set[str]:
        return {s for _, s in self.terms}


def analyze(text: str) -> Question:
    kind = next((name for name, pattern in _KIND_PATTERNS if pattern.search(text)), "other")
    seen, content = set(), []
    for word in words(text):
        s = stem(word)
        if s in FRAME_STEMS or s in seen:
            continue
        seen.add(s)
        content.append((word, s))
    match = TOPIC.search(text)
    focus = _FOCUS.search(text)
    focus_stem = stem(focus.group("focus")) if focus else None
    return Question(
        text=text.strip(),
        kind=kind,
        asks_agreement=bool(_AGREEMENT.search(text)),
        terms=tuple(content),
        topic=match.group("topic").strip() if match else "",
        focus=focus_stem if focus_stem in {s for _, s in content} else None,
    )


_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|"
    r"billions?|single|several|half"
)
_COUNT = re.compile(r"(?<![\w-])(?!(?:19|20)\d\d\b)\d[\d,.]*(?:%|\b)|\b(?:" + _NUMBER_WORDS + r")\b", re.I)
_DATE = re.compile(
    r"\b(?:(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|quarter|today|yesterday|tomorrow|"
    r"(?:next|last|this|coming) (?:year|month|week)s?|annual\w*|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.I,
)
_ORGANISATION = re.compile(r"\b[A-Z]{2,}\b|\b(?:[A-Z][a-z]+ ){1,5}(?:Committee|Society|Ministry|Council|Office|"
                           r"Organi[sz]ation|Agency|Federation|Movement|Red Cross|Red Crescent)\b|\bministry\b")
_PLACE_CUE = re.compile(r"\b(?:in|at|from|to|across|near|of)\s+(?:the\s+)?[A-Z][a-z]+|\bprovinces?\b|"
                        r"\b(?:border|regions?|cit(?:y|ies)|countr(?:y|ies))\b")


def has_answer_type(kind: str, sentence: str, people: set[str] = frozenset()) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a number, a date, a person, a place)?"""
    if kind == "count":
        return bool(_COUNT.search(sentence))
    if kind == "date":
        return bool(_DATE.search(sentence))
    if kind == "person":
        return bool(_ORGANISATION.search(sentence)) or any(p in sentence for p in people)
    if kind == "place":
        return bool(_PLACE_CUE.search(sentence))
    return True
