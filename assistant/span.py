"""The direct answer to a who / when / where / how-many question: a span of a quoted sentence, taken verbatim.

"When will the second conference take place?" is answered first with "the second quarter of 2026", cut from the
sentence that says so; "How many ambulances were donated?" with "12 ambulances"; "How much was it worth?" with
"about USD 1.1 million"; "Who set it up?" with the name after "by" ("established by the IRCS"), else the speaker
or a name the sentence holds. A span that the question already holds is no answer ("Who met the ICRC?" is not
answered "ICRC"). When no span of the right kind is found there is no lead, and the answer is the quote alone:
nothing is ever written that a quote does not hold. Every pattern here is linear in the sentence.
"""

from __future__ import annotations

import re

from index.dates import TEXT_DATES
from index.statements import event_dates
from index.terms import STOPWORDS, stem
from language.common import normalize_in_place

from .entities import GENERIC, context_words, matches, organisations
from .question import Question

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    "dozens?|hundreds?|thousands?|millions?|several|half"
)
_CURRENCY = r"(?:[$€£]\s?|(?:USD|EUR|GBP|CHF|IRR|US\$)\s)"
_AMOUNT = re.compile(
    r"(?:(?:about|around|nearly|almost|some|more than|fewer than|at least|up to)\s)?"
    r"(?P<money>" + _CURRENCY + r")?(?:\d[\d,.]*|\b(?:" + _NUMBER_WORDS + r")\b)"
    r"(?:-[a-z]+)?"  # "12-day"
    r"(?:\s?%|\s(?:per ?cent|percent))?"
    r"(?:\s(?:million|billion|thousand|hundred))?"
    r"(?:\s(?P<unit>euros?|dollars?|francs?|rials?|pounds?))?"
    r"(?:\s(?:[A-Za-z][\w-]*)){0,2}",
    re.I,
)
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
_LEADING_PREPOSITION = re.compile(r"^(?:in|during|by|since|on|at)\s", re.I)
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE_RANGE = re.compile(r"\b\d{1,2}\s?[–-]\s?\d{1,2}\s" + _MONTHS + r"\s(?:19|20)\d\d\b")
_DATE_PREFIX = re.compile(r"\b(?:the\s(?:end|beginning|start|middle)\sof|early|late|mid-?)\s?$", re.I)
_NAME = r"[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,3}"
# "in Tehran", "in the provinces of Khorasan Razavi, South Khorasan and Tehran": a place, or a list of them
_PLACE = re.compile(r"\b(?:in|at|from|to|across|near)\s(?:the\s(?:provinces?|cit(?:y|ies)|regions?)\sof\s)?"
                    r"(?P<place>" + _NAME + r"(?:(?:,\s|,?\sand\s)" + _NAME + r"){0,8})")
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,3}\b")
_AGENT = re.compile(r"\bby\s(?:the\s)?(?P<agent>" + _NAME + r")")  # "established by the IRCS"
# words that end no amount: "12 ambulances to", "18,500 volunteers across"
_TRAILING = STOPWORDS | set(
    "and or across among around per via through into onto within without along toward towards between during "
    "since until including plus each every".split()
)
_MONEY_WORDS = {"cost", "costs", "worth", "budget", "fund", "funds", "funding", "money", "grant", "paid", "price",
                "spend", "spent", "much"}


def lead(q: Question, sentence: str, speaker: str | None = None, aliases: dict[str, str] | None = None) -> str | None:
    """The span of `sentence` that answers the question directly, or None."""
    asked = q.text.lower()
    if q.kind == "date":
        return _first_new(_dates(sentence), asked)
    if q.kind == "count":
        return _amount(q, sentence, asked)
    if q.kind == "place":
        return _first_new([m.group("place") for m in _PLACE.finditer(sentence)], asked)
    if q.kind == "person":  # a name the question already holds is no answer, in either spelling
        candidates = _people_and_bodies(sentence, speaker)
        return _first_new([c for c in candidates
                           if not any(matches(n, context_words(c, aliases)) for n in q.names)], asked)
    return None


def _dates(sentence: str) -> list[str]:
    found = [(m.start(), m.end()) for m in _DATE_RANGE.finditer(sentence)]
    found += [(m.start(), m.end()) for pattern in TEXT_DATES for m in pattern.finditer(sentence)]
    for d in event_dates(sentence, None):
        at = sentence.find(d.text)
        if at >= 0:
            found.append((at + len(d.text) - len(_LEADING_PREPOSITION.sub("", d.text)), at + len(d.text)))
    out: list[str] = []
    for start, end in sorted(found, key=lambda f: (f[0], -f[1])):
        prefix = _DATE_PREFIX.search(sentence[max(0, start - 20):start])
        text = sentence[start - len(prefix.group()) if prefix else start:end]
        if not any(text in kept or kept in text for kept in out):
            out.append(text)
    return out


def _amount(q: Question, sentence: str, asked: str) -> str | None:
    """A number with what it counts: first one counting a word of the question ("how many ambulances"), or, for
    "how much", a sum of money."""
    found, money = [], []
    for match in _AMOUNT.finditer(sentence):
        words = match.group().strip(" ,.;:").split()
        if len(words) == 1 and _is_year(words[0]):
            continue
        while len(words) > 1 and words[-1].lower() in _TRAILING:
            words.pop()
        found.append(" ".join(words))
        if match.group("money") or match.group("unit") or re.search(r"million|billion", match.group(), re.I):
            money.append(found[-1])
    names = {stem(w) for n in q.names for w in n.text.split()}
    asked_stems = q.stems - names
    counted = [t for t in found if any(stem(w.strip(",.")) in asked_stems for w in t.split()[1:])]
    wants_money = bool(_MONEY_WORDS & set(asked.replace("?", " ").split())) and "how much" in asked
    return _first_new((money if wants_money else []) + counted + found, asked)


def _is_year(word: str) -> bool:
    """2026, ۲۰۲۶, or a Solar Hijri year written in Persian digits (۱۴۰۴)."""
    plain = normalize_in_place(word)
    return bool(_YEAR_ONLY.fullmatch(plain) or (plain != word and re.fullmatch(r"1[34]\d\d", plain)))


def _people_and_bodies(sentence: str, speaker: str | None) -> list[str]:
    """The agent after "by", the speaker, then people named in the sentence, then organisations."""
    bodies = organisations(sentence)
    places = {m.group("place") for m in _PLACE.finditer(sentence)}
    people = [m.group() for m in _PERSON.finditer(sentence)
              if not _generic(m.group()) and not any(m.group() in b for b in bodies) and m.group() not in places]
    agents = [m.group("agent") for m in _AGENT.finditer(sentence) if not _generic(m.group("agent"))]
    return list(dict.fromkeys(agents + ([speaker] if speaker and speaker in sentence else []) + people + bodies))


def _generic(name: str) -> bool:
    return all(w.lower() in GENERIC or w.lower() in STOPWORDS for w in name.split())


def _first_new(candidates: list[str], asked: str) -> str | None:
    for candidate in candidates:
        candidate = candidate.strip(" ,.;:")
        if candidate and candidate.lower() not in asked:
            return candidate
    return None
