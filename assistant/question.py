"""What a question asks for: the kind of answer it expects and the terms an answer must be about."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.dates import MONTHS
from index.statements import event_dates
from index.terms import STOPWORDS, stem, words
from language import fa
from language.common import normalize_in_place

from .entities import Name, names

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
    # Persian: "referred", "something", "subject(s)", "result", "given", "regarding", "placed", "took"
    "اشاره", "چیزی", "موضوع", "موضوعاتی", "نتیجه", "داده", "مورد", "قرار", "گرفت", "کردند", "کرد", "شدند",
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
# "What equipment ...", "Which projects ...", "How many staff ...": the thing asked for, which the answer must name
_FOCUS_NOUN = re.compile(r"\s*(?:what|which|how many|how much)\s+(?P<focus>[a-z]+)\b", re.I)
# words that only say which kind of answer is wanted (a date, a person, ...), which the answer-type check covers
_NOT_NOUNS = STOPWORDS | set(
    "kind kinds type types sort sorts role exactly else year years date dates day days month months time times person "
    "people persons place places city cities country countries organisation organisations organization "
    "organizations society societies side sides part parts way ways amount number numbers percentage".split()
)
_YES_NO = re.compile(r"\s*(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b", re.I)
# Linear in the text (a question of any length is analysed in well under a millisecond): possessive runs of white
# space, and a white-space run gives back at most three characters to the topic, which is all that the old
# backtracking form `\s+(?:the\s+)?(?P<topic>[^?]{3,80}?)\s*\??\s*$` could use (a longer topic never helps); the
# lookahead checks that the rest is at most 80 characters before the topic is tried, so only the last ones are.
_GIVE_BACK = r"(?:\s++|\s+?(?=\s(?!\s))|\s+?(?=\s\s(?!\s))|\s+?(?=\s\s\s(?!\s)))"
TOPIC = re.compile(
    r"\b(?:on|about|regarding|concerning|over|for|in)(?:\s++the" + _GIVE_BACK + "|" + _GIVE_BACK + r")"
    r"(?=[^?]{0,80}+\s*+\??\s*+$)(?P<topic>[^?]{3,80}?)\s*+\??\s*+$",
    re.I,
)


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # count, date, person, place, or other
    asks_agreement: bool
    terms: tuple[tuple[str, str], ...]  # (word as written, stem) of the words an answer must be about
    topic: str
    focus: str | None  # stem of the thing asked for in "who/what is the ___ of ...", which the answer must name
    names: tuple[Name, ...] = ()  # organisations, people, places and years it names, which an answer must be about
    yes_no: bool = False  # "Was the proposal agreed?", "Did the ICRC ...?"

    @property
    def stems(self) -> set[str]:
        return {s for _, s in self.terms}


def analyze(text: str, aliases: dict[str, str] | None = None) -> Question:
    """What the question asks; `aliases` (acronym -> long form) lets a name match its other spelling."""
    kind = next((name for name, pattern in _KIND_PATTERNS if pattern.search(text)), None) or fa.question_kind(text) or "other"
    seen, content = set(), []
    for word in words(text):
        s = stem(word)
        if s in FRAME_STEMS or s in seen:
            continue
        seen.add(s)
        content.append((word, s))
    match = TOPIC.search(text)
    focus = _FOCUS.search(text)
    if focus is None:
        focus = _FOCUS_NOUN.match(text)
        focus = focus if focus and focus.group("focus").lower() not in _NOT_NOUNS else None
    focus_stem = stem(focus.group("focus")) if focus else None
    return Question(
        text=text.strip(),
        kind=kind,
        asks_agreement=bool(_AGREEMENT.search(text) or fa.ASKS_AGREEMENT.search(normalize_in_place(text))),
        terms=tuple(content),
        topic=match.group("topic").strip() if match else "",
        focus=focus_stem if focus_stem in {s for _, s in content} else None,
        names=names(text, aliases),
        yes_no=bool(_YES_NO.match(text)),
    )


_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|"
    r"(?:twen|thir|for|fif|six|seven|eigh|nine)ty|dozens?|hundreds?|thousands?|millions?|billions?|single|several|half"
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
    if fa.ARABIC_SCRIPT.search(sentence):  # Persian: its own cues, and digits read as Latin ones (۲۰۲۶ is a year)
        if fa.has_answer_type(kind, sentence):
            return True
        sentence = normalize_in_place(sentence)
    if kind == "count":
        return bool(_COUNT.search(sentence))
    if kind == "date":
        return bool(_DATE.search(sentence))
    if kind == "person":
        return bool(_ORGANISATION.search(sentence)) or any(p in sentence for p in people)
    if kind == "place":
        return bool(_PLACE_CUE.search(sentence))
    return True


@dataclass(frozen=True)
class Period:
    """The time a question names: a range of days ("in 2026", "next year"), or a month of any year ("in September",
    which the question does not place in a year)."""

    text: str
    start: str | None = None  # ISO
    end: str | None = None
    month: int | None = None

    def overlaps(self, start: str | None, end: str | None) -> bool:
        if not start or not end:
            return False
        if self.month is not None:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            months = (last.year - first.year) * 12 + last.month - first.month
            return months >= 11 or any((first.month - 1 + i) % 12 + 1 == self.month for i in range(months + 1))
        return start <= self.end and end >= self.start


# a month named without a year ("in September", "the September meeting"); "may" only as a capitalised "May"
_MONTH_ONLY = re.compile(r"(?i:\b(?P<month>" + "|".join(m for m in MONTHS if len(m) > 3 and m != "sept") +
                         r"))\b(?! \d)|(?<=\w )(?P<may>May)\b(?! \d)")
_RELATIVE_YEAR = re.compile(r"\b(?P<which>next|last|this|the coming|the past) year\b", re.I)


def period(text: str, today: dt.date | None = None) -> Period | None:
    """The period a question names, if any; "next year" counts from today."""
    today = today or dt.date.today()
    relative = _RELATIVE_YEAR.search(text)
    if relative:
        which = relative.group("which").lower()
        year = today.year + (1 if which in ("next", "the coming") else -1 if which in ("last", "the past") else 0)
        return Period(relative.group(), f"{year}-01-01", f"{year}-12-31")
    month = _MONTH_ONLY.search(text)
    if month:
        return Period(month.group(), month=MONTHS[(month.group("month") or "may").lower()])
    for found in event_dates(text, None):
        if found.start:
            return Period(found.text, found.start, found.end)
    return None
