"""English: abbreviations, stop words, stemming, question words, statement and speaker cues, dates, phrases."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .common import FoundDate, Language

# Words that end in a period without ending a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "u.s", "u.n", "u.k",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "ltd", "co", "corp", "gen", "gov", "sen", "rep", "fig", "approx", "dept", "est", "al",
}
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves""".split()
)
QUESTION_WORDS = frozenset("who whom whose what which when where why how".split())


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """Snowball's English stem of one lower-cased word."""
    return _stemmer().stemWord(word)


def stem_words(words: list[str]) -> list[str]:
    return _stemmer().stemWords(words)


# --- statements and speakers --------------------------------------------------------------------------------------
NEGATED = re.compile(r"\bno (?:\w+ )?(?:or \w+ )?(?:agreement|decision)s?\b|\bnot (?:agreed|decided|signed)\b", re.I)
STATEMENT_CUES = (
    ("agreed", re.compile(r"\b(?:agreed|agree to|signed|decided|approved|endorsed|committed to)\b", re.I)),
    ("proposed", re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*|put forward)\b", re.I)),
    ("requested", re.compile(r"\b(?:expects?|expected|expectations?|asked|requests?|requested|call(?:s|ed)? (?:on|for)|"
                             r"urged?|should|needs? to be|must)\b", re.I)),
    ("planned", re.compile(r"\b(?:planned|plans? to|scheduled|to be held|will be held|is to be)\b", re.I)),
)
SECTION_CUES = (  # headings of meeting notes, and the kind of what is filed under them
    ("agreed", re.compile(r"\b(?:decisions?|agreements?|agreed|resolutions?)\b", re.I)),
    ("proposed", re.compile(r"\b(?:proposals?|proposed|suggestions?|recommendations?)\b", re.I)),
    ("requested", re.compile(r"\b(?:expectations?|requests?|asks)\b", re.I)),
    ("planned", re.compile(r"\b(?:action items?|actions|plans?|next steps|follow[- ]ups?)\b", re.I)),
)
REPORTING = (
    r"said|says|noted|added|stressed|stated|explained|highlighted|proposed|suggested|urged|called|announced|"
    r"commended|lauded|expressed|expects|expected|hoped|asked|requested|emphasi[sz]ed|underlined|pointed|"
    r"went on|referred|mentioned|told|enumerated|quoted"
)
PRONOUN_SPEAKER = re.compile(
    rf"\b(?P<who>[Ss]he|[Hh]e|[Tt]he official)\s+(?:also\s+|further\s+|then\s+)?(?:{REPORTING})\b")

# --- dates --------------------------------------------------------------------------------------------------------
MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
TEXT_DATES = [  # full dates written in English: 2025-11-16, 16 November 2025, November 16, 2025
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<num>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
]

# Solar Hijri months as English text writes them: "10 Azar 1404", "Esfand 1403" (a year from 1300 to 1499)
SOLAR_MONTHS = {
    "farvardin": 1, "ordibehesht": 2, "khordad": 3, "tir": 4, "mordad": 5, "amordad": 5, "shahrivar": 6, "mehr": 7,
    "aban": 8, "azar": 9, "dey": 10, "dei": 10, "bahman": 11, "esfand": 12, "espand": 12,
}
_SOLAR = re.compile(r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>"
                    + "|".join(sorted(SOLAR_MONTHS, key=len, reverse=True)) + r")\s+(?P<year>1[34]\d\d)\b", re.I)


def solar_dates(text: str) -> list[FoundDate]:
    """Solar Hijri dates written in English ("10 Azar 1404" is 2025-12-01; "Azar 1404" the whole month)."""
    from .fa import solar_month, solar_to_gregorian  # the calendar lives with Persian

    out = []
    for match in _SOLAR.finditer(text):
        year, month = int(match.group("year")), SOLAR_MONTHS[match.group("month").lower()]
        try:
            if match.group("day"):
                day = solar_to_gregorian(year, month, int(match.group("day")))
                first, last = day, day
            else:
                first, last = solar_month(year, month)
        except ValueError:  # a day the calendar does not have
            continue
        out.append(FoundDate(match.start(), match.end(), match.group(), first.isoformat(), last.isoformat()))
    return out


_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH_NAMES = r"(?:" + "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True)) + r")"
FUTURE = re.compile(r"\b(?:will|planned|plans?|scheduled|to be held|next|upcoming|coming)\b", re.I)
_PATTERNS = [
    ("quarter", re.compile(r"\b(?:in |during |by )?the (?P<q>first|second|third|fourth|last|1st|2nd|3rd|4th) quarter "
                           r"of (?P<year>(?:19|20)\d\d)\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in |during )?(?P<month>{_MONTH_NAMES}) (?P<year>(?:19|20)\d\d)\b", re.I)),
    ("month", re.compile(rf"\b(?:in|during|since|by) (?P<month>{_MONTH_NAMES})\b(?! \d)", re.I)),
    ("relative_year", re.compile(r"\b(?P<which>next|last|this|the coming|the past) year\b", re.I)),
    ("weekday", re.compile(r"\bon (?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.I)),
    ("year", re.compile(r"\b(?:in |during |by |since )?(?P<year>(?:19|20)\d\d)\b")),
]


def dates(sentence: str, document_date: str | None) -> list[FoundDate]:
    """Every date expression of an English sentence in order, overlapping ones read as the longest, resolved
    against the document's date where one is relative ("next year", "on Sunday", "in March")."""
    found = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            found.append((match.start(), -len(match.group()), name, match))
    solar = solar_dates(sentence)
    found += [(d.start, -(d.end - d.start), "solar", d) for d in solar]
    future = bool(FUTURE.search(sentence))
    out, covered = [], -1
    for position, _, name, match in sorted(found, key=lambda f: (f[0], f[1])):
        if position < covered:
            continue
        if name == "solar":  # already read to days
            covered = match.end
            out.append(match)
            continue
        covered = match.end()
        first, last = _resolve(name, match, document_date, future=future)
        text = match.group()
        lead = len(text) - len(text.lstrip())
        out.append(FoundDate(match.start() + lead, match.end(), text.strip(), first, last))
    return out


def _resolve(name: str, match: re.Match, document_date: str | None, future: bool) -> tuple[str | None, str | None]:
    if name == "quarter":
        year, q = int(match.group("year")), _QUARTERS[match.group("q").lower()]
        return iso_span(dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q))
    if name == "month_year":
        year, month = int(match.group("year")), MONTHS[match.group("month").lower()]
        return iso_span(dt.date(year, month, 1), month_end(year, month))
    if name == "year":
        year = int(match.group("year"))
        return iso_span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    parts = [int(p) for p in document_date.split("-")] if document_date else []
    if not parts:
        return None, None  # relative to a date the document does not give
    if name == "relative_year":
        which = match.group("which").lower()
        year = parts[0] + (1 if which in ("next", "the coming") else -1 if which in ("last", "the past") else 0)
        return iso_span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if name == "month":
        return nearest_month(MONTHS[match.group("month").lower()], parts, future)
    if name == "weekday":
        return nearest_weekday(WEEKDAYS.index(match.group("weekday").lower()), parts, future)
    return None, None


def nearest_month(month: int, parts: list[int], future: bool) -> tuple[str, str]:
    """A month named without its year: the one nearest the document's date, forward for plans, back for reports."""
    year = parts[0]
    if len(parts) >= 2:
        if future and month < parts[1]:
            year += 1
        elif not future and month > parts[1]:
            year -= 1
    return iso_span(dt.date(year, month, 1), month_end(year, month))


def nearest_weekday(wanted: int, parts: list[int], future: bool) -> tuple[str | None, str | None]:
    """A weekday (0 = Monday): the one on or after the document's date for plans, on or before it otherwise."""
    if len(parts) < 3:
        return None, None
    day = dt.date(*parts)
    shift = (wanted - day.weekday()) % 7 if future else -((day.weekday() - wanted) % 7)
    day += dt.timedelta(days=shift)
    return iso_span(day, day)


def month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def iso_span(start: dt.date, end: dt.date) -> tuple[str, str]:
    return start.isoformat(), end.isoformat()


# --- the framing words of an answer -------------------------------------------------------------------------------
PHRASES = {
    "not_of": "The documents do not say this of {names}.",
    "cannot": "The documents do not {reason}.",
    "answer_this": "answer this",
    "missing_count": "state the number or amount asked for", "missing_date": "give a date for this",
    "missing_person": "say who", "missing_place": "say where",
    "not_mention": " They do not mention {words}.",
    "closest": " Closest passages: {markers}.",
    "other_org": "The documents report this for {other}, not for {asked}: ",
    "or": "or",
    "and": "and",
    "no_agreement_yes_no": "No agreement{topic} was recorded; the documents report what was said:",
    "no_agreement": "The documents record no agreement{topic}; they report what was said.",
    "on_topic": " on {topic}",
    "agreed_head": "Agreed{about}:",
    "none_recorded_quote": "No agreement is recorded{about}: the meeting notes say “{quote}” [{marker}]",
    "none_recorded": "No agreement or decision{about} is recorded in the documents.",
    "others_head": "What was {said}{instead}:",
    "others_commitments": "proposed, asked for or planned",
    "others_said": "said",
    "instead": " instead",
    "label_agreed": "Agreed", "label_proposed": "Proposed", "label_requested": "Asked for or expected",
    "label_planned": "Planned", "label_reported": "Said",
    "by": "{label} by {who}", "who_said": "{who} said",
    "the_org": "the {organisation}", "the_document": "the document",
    "when": ", {text} ({span})", "recorded": ", recorded {date}",
    "span_to": "{first} to {last}",
    "mentioning": "mentioning {words}",
}

LANGUAGE = Language(
    code="en", name="English", stopwords=STOPWORDS, stem=stem, question_words=QUESTION_WORDS,
    statement_cues=STATEMENT_CUES, negated=NEGATED, section_cues=SECTION_CUES,
    reporting=re.compile(rf"\b(?:{REPORTING})\b"), pronoun_speaker=PRONOUN_SPEAKER, dates=dates, phrases=PHRASES,
)
