"""The names a question is about, and whether a passage is about them too.

A question that names an organisation, a person, a place or a year ("How many staff does the IRCS have?",
"What did Cassard propose?", "What happened in 2024?") is answered only by a sentence whose own words, speaker,
paragraph or document (title, participants) name the same thing. A sentence about another society's staff is not
an answer about the IRCS's, however alike the two read. An acronym and its long form are one name ("ICRC",
"International Committee of the Red Cross"), and a name matches a longer one that holds it ("Cassard",
"Vincent Cassard"; "Iran", "Iranian").

Names are found by capital letters, so this reads Latin-script questions; a Persian question names nothing here.
A Latin-script name matches a Persian passage by its acronym there or by its consonants ("Talan", "تالان").
Everything is done on word lists, without backtracking patterns, so its cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.dates import MONTHS
from index.terms import STOPWORDS, informativeness, words
from language import fa

_TOKEN = re.compile(r"[A-Za-z][\w’'&.-]*")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CONNECTORS = {"of", "the", "for", "on", "de", "du", "al", "el"}
# Words that say what kind of body a name is, not which one: "the Society" alone names no one.
GENERIC = frozenset(
    """society societies committee ministry agency office council federation movement organisation organization
    international national red cross crescent relief union association department government delegation unit
    center centre secretariat team group programme program partner partners people republic state states
    the of for and on de du al el""".split()
)
_QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how is are was were did does do has have had will would can could "
    "should shall may might list name tell give show describe explain summarize summarise please according "
    "i in on at by for from to and or but so if then also".split()
)
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


@dataclass(frozen=True)
class Name:
    """A name as the question writes it, and the ways a passage may write the same thing."""

    text: str
    forms: tuple[tuple[str, ...], ...]  # each form: the distinctive lower-case words that must all occur

    @property
    def is_year(self) -> bool:
        return bool(_YEAR.fullmatch(self.text))


def names(question: str, aliases: dict[str, str] | None = None) -> tuple[Name, ...]:
    """Organisations, people, places and years the question names (capitalised runs of words and acronyms)."""
    aliases = aliases or {}
    out: list[Name] = []
    for year in dict.fromkeys(_YEAR.findall(question)):
        out.append(Name(year, ((year,),)))
    for run in _capitalised_runs(question):
        forms = _forms(run, aliases)
        if forms and all(n.text != run for n in out):
            out.append(Name(run, forms))
    for text, acronym in fa.names(question):  # Persian: the organisations it names (language/fa.py)
        forms = (tuple(w for w in words(text) if w not in _PERSIAN_GENERIC),) + (((acronym.lower(),),) if acronym else ())
        out.append(Name(text, tuple(f for f in forms if f)))
    return tuple(out)


# Persian words that say what kind of body a name is (as `words` writes them), not which one
_PERSIAN_GENERIC = frozenset("جمعیت کمیته المللی ایران جمهوری اسلامی".split())


def _capitalised_runs(text: str) -> list[str]:
    """Runs of capitalised words ("Coastal Relief Society", "ICRC", "International Committee of the Red Cross"),
    joined by "of"/"the"/... and by spaces only, as written."""
    matches_ = list(_TOKEN.finditer(text))
    tokens = [m.group().rstrip(".’'").removesuffix("’s").removesuffix("'s") for m in matches_]
    capital = [t[:1].isupper() for t in tokens]
    runs, current = [], []
    for i, token in enumerate(tokens):
        before = text[matches_[i - 1].end():matches_[i].start()] if i else ""
        joined = i > 0 and before.strip() == "" and not matches_[i - 1].group().endswith(".")
        if current and not joined:
            runs.append(current)
            current = []
        # what stands between this word and the one before: a full stop, a question mark ... opens a sentence
        sentence_start = i == 0 or any(mark in before for mark in ".?!:\n") or \
            matches_[i - 1].group().endswith((".", "?", "!", ":"))
        lower = token.lower()
        # "Committee of the Red Cross" goes on; "Cassard of the ICRC" is two names
        next_capital = next((capital[j] and not tokens[j].isupper() for j in range(i + 1, min(i + 4, len(tokens)))
                             if tokens[j].lower() not in _CONNECTORS), False)
        skip = (
            not capital[i]
            or lower in _QUESTION_WORDS and not token.isupper()
            or lower in MONTHS or lower in _WEEKDAYS
            # a common word that opens the sentence ("Roughly", "Tell") is no name, unless a name goes on after it
            or (sentence_start and not token.isupper() and informativeness(lower) < 0.75
                and not (i + 1 < len(tokens) and capital[i + 1]))
        )
        if not skip:
            current.append(token)
        elif current and lower in _CONNECTORS and next_capital:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    out = []
    for run in runs:
        while run and run[-1].lower() in _CONNECTORS:
            run = run[:-1]
        if run:
            out.append(" ".join(run))
    return out


def _distinctive(text: str) -> tuple[str, ...]:
    words = [w.lower() for w in _TOKEN.findall(text)]
    kept = tuple(w for w in words if w not in GENERIC and w not in STOPWORDS)
    return kept or tuple(w for w in words if w not in _CONNECTORS)


def _forms(run: str, aliases: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    forms = [_distinctive(run)]
    if run in aliases:  # an acronym: its long form too
        forms.append(_distinctive(aliases[run]))
    folded = " ".join(run.lower().split())
    for acronym, long_form in aliases.items():
        long = " ".join(long_form.lower().split())
        if acronym != run and folded and (folded == long or f" {folded} " in f" {long} " and len(folded) > 6):
            forms += [(acronym.lower(),), _distinctive(long_form)]
    return tuple(dict.fromkeys(f for f in forms if f))


def context_words(text: str, aliases: dict[str, str] | None = None) -> frozenset[str]:
    """The lower-case words of a passage, with the long form of every acronym it uses."""
    found = {m.group().rstrip(".’'").removesuffix("’s").removesuffix("'s").lower() for m in _TOKEN.finditer(text)}
    for acronym, long_form in (aliases or {}).items():
        if acronym.lower() in found:
            found.update(w.lower() for w in _TOKEN.findall(long_form))
    found.update(_YEAR.findall(text))
    found.update(words(text))  # every word as the question's terms are written, Persian too
    return frozenset(found)


def matches(name: Name, words: frozenset[str], document_date: str | None = None) -> bool:
    """Does a passage with these words (see context_words) name this? A year also matches the document's date."""
    if name.is_year and document_date and document_date.startswith(name.text):
        return True
    if any(all(_has(words, w) for w in form) for form in name.forms):
        return True
    if not name.text.isascii() and not any(fa.ARABIC_SCRIPT.match(w) for w in words):
        # a Persian name in an English passage: its words for a body ("سازمان آب") have no English spelling to
        # compare, its proper name ("سیستان", "Sistan") has the same consonants
        return any(_has(words, w) for form in name.forms for w in form)
    # a Persian passage writes "Talan Mountain Relief Society" in its own words, with its acronym beside: "(TMRS)"
    initials = "".join(w[0] for w in name.text.split() if w.lower() not in _CONNECTORS).lower()
    return len(initials) >= 3 and " " in name.text and initials in words


def _has(words: frozenset[str], word: str) -> bool:
    if word in words:
        return True
    # "Iran" in "Iranian", "Cassard" in "Cassard's": a name is the start of a longer word of the passage
    if len(word) >= 4 and any(w.startswith(word) and len(w) - len(word) <= 3 for w in words):
        return True
    # "Talan" in a Persian passage's "تالان", and "سیستان" in an English one's "Sistan": the same consonants
    # (language/fa.py)
    if word.isascii():
        return any(fa.ARABIC_SCRIPT.match(w) and fa.same_name(word, w) for w in words)
    return any(w.isascii() and w.isalpha() and fa.same_name(w, word) for w in words)


_BODY = frozenset(
    "society committee ministry agency council federation organisation organization office programme association "
    "union movement cross crescent foundation fund authority institute university".split()
)


def organisations(sentence: str) -> list[str]:
    """Organisations a sentence names: acronyms, and runs of capitalised words with a word for a body in them
    ("the Global Emergency Supplies Agency", "International Committee of the Red Cross")."""
    found = []
    for run in _capitalised_runs(sentence):
        words = run.split()
        if (len(words) == 1 and 2 <= len(run) <= 6 and run.isupper()) or any(w.lower() in _BODY for w in words):
            found.append(run[4:] if run.startswith("The ") else run)
    return list(dict.fromkeys(found))


def is_organisation(name: str, aliases: dict[str, str] | None = None) -> bool:
    """An acronym, a known long form, or a name with a word for a body in it ("Coastal Relief Society")."""
    aliases = aliases or {}
    words = name.split()
    return (len(words) == 1 and 2 <= len(name) <= 6 and name.isupper()) or name in aliases \
        or name in aliases.values() or any(w.lower() in _BODY for w in words)
