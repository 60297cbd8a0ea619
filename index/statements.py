"""Statements: the sentences of a document that carry commitments or attributed words, found at ingest.

Each is classified by what it records:
- agreed: agreed, signed, decided or approved;
- proposed: proposed, suggested or recommended;
- requested: expected, asked, requested, urged, or what something "should" do;
- planned: planned, scheduled, "will be held";
- reported: someone's words that are none of these.
A sentence whose own words say none of these takes the kind its section names, where meeting notes file it under
"Proposals", "Expectations" or "Action items". A sentence that says no decision was taken is not a statement. Each statement keeps its speaker (a pronoun or
"the official" resolved to the person named before it), the speaker's organisation (the acronym beside the name,
in the person's introduction, or in the participants list), and the dates of the event it reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from .attribute import Person, people, speaker
from .dates import MONTHS, span
from .document import Document
from .instructions import is_instruction
from .sentences import heading_text, units

VERSION = 4  # raise when the finder changes: the next ingest finds the statements of every document again
KINDS = ("agreed", "proposed", "requested", "planned", "reported")
NEGATED = re.compile(r"\bno (?:\w+ )?(?:or \w+ )?(?:agreement|decision)s?\b|\bnot (?:agreed|decided|signed)\b", re.I)
_KIND_PATTERNS = [
    ("agreed", re.compile(r"\b(?:agreed|agree to|signed|decided|approved|endorsed|committed to)\b", re.I)),
    ("proposed", re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*|put forward)\b", re.I)),
    ("requested", re.compile(r"\b(?:expects?|expected|expectations?|asked|requests?|requested|call(?:s|ed)? (?:on|for)|"
                             r"urged?|should|needs? to be|must)\b", re.I)),
    ("planned", re.compile(r"\b(?:planned|plans? to|scheduled|to be held|will be held|is to be)\b", re.I)),
]
_SECTION_KINDS = [  # headings of meeting notes, and the kind of what is filed under them
    ("agreed", re.compile(r"\b(?:decisions?|agreements?|agreed|resolutions?)\b", re.I)),
    ("proposed", re.compile(r"\b(?:proposals?|proposed|suggestions?|recommendations?)\b", re.I)),
    ("requested", re.compile(r"\b(?:expectations?|requests?|asks)\b", re.I)),
    ("planned", re.compile(r"\b(?:action items?|actions|plans?|next steps|follow[- ]ups?)\b", re.I)),
]
_ORG = re.compile(r"\(([A-Z]{2,})\)")
# the organisation a sentence opens with: "The IRCS ...", "The Coastal Relief Society proposed ..."
_SUBJECT = re.compile(
    r"\s*(?:[-*]\s+)?(?:[Tt]he\s+)?([A-Z]{2,}\b|(?:[A-Z][a-z]+\s){1,4}(?:Society|Committee|Ministry|Agency|"
    r"Council|Federation|Organi[sz]ation|Office|Movement|Association|Union|Foundation|Programme)\b)"
)


@dataclass(frozen=True)
class Statement:
    start: int  # document offsets of the sentence
    end: int
    text: str
    kind: str  # one of KINDS
    speaker: str | None  # full name, as the document introduces the person
    organisation: str | None  # acronym: "IRCS", "ICRC"
    date_text: str | None  # the expression it was read from: "in the second quarter of 2026"
    date_start: str | None  # ISO; None when the expression cannot be resolved (no document date)
    date_end: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def kind_of(sentence: str, attributed: bool, section: str = "") -> str | None:
    if NEGATED.search(sentence):
        return None
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(sentence):
            return kind
    if not attributed:
        return None
    return next((kind for kind, pattern in _SECTION_KINDS if pattern.search(section)), "reported")


def extract(document: Document) -> list[Statement]:
    text = document.text
    known = people(text)
    out, section = [], ""
    for start, end, heading in units(text):
        if heading:
            section = heading_text(text[start:end])
            continue
        sentence = text[start:end]
        if is_instruction(sentence):  # addressed to an assistant: never a statement, never quoted
            continue
        who = speaker(text, start, end, known)
        kind = kind_of(sentence, who is not None, section)
        if kind is None:
            continue
        person = who.person if who else None
        organisation = _organisation(sentence, person, text, document.meta)
        if person is None and organisation is None:
            continue  # "The points below were proposed": nobody to attribute it to
        when = event_date(sentence, document.date)
        out.append(Statement(
            start=start, end=end, text=sentence, kind=kind,
            speaker=_full_name(person, document.meta) if person else None,
            organisation=organisation,
            date_text=when.text if when else None,
            date_start=when.start if when else None,
            date_end=when.end if when else None,
        ))
    return out


def _full_name(person: Person, meta: dict) -> str:
    """The person's full name; a surname alone is completed from the participants list ("Vincent Cassard, ...")."""
    if " " in person.full_name:
        return person.full_name
    for participant in meta.get("participants") or []:
        if isinstance(participant, str):
            name = participant.split(",")[0].strip()
            if name.split()[-1:] == [person.surname]:
                return name
    return person.full_name


def _organisation(sentence: str, person: Person | None, text: str, meta: dict) -> str | None:
    if person is not None:
        beside = re.search(rf"\b{re.escape(person.surname)}\s+\(([A-Z]{{2,}})\)", text)
        if beside:
            return beside.group(1)
        if person.intro:  # "Nadia Ferreira, the secretary general of the CRS" or "... (CRS)"
            intro = text[person.intro[0]:person.intro[1]]
            found = _ORG.search(intro) or re.search(r"\b([A-Z]{2,})\b", intro)
            if found:
                return found.group(1)
        for participant in meta.get("participants") or []:
            if isinstance(participant, str) and person.surname in participant:
                found = _ORG.findall(participant)
                if found:
                    return found[-1]
    subject = _SUBJECT.match(sentence)
    return subject.group(1) if subject else None


# --- event dates ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventDate:
    text: str
    start: str | None
    end: str | None


_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH_NAMES = r"(?:" + "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True)) + r")"
_FUTURE = re.compile(r"\b(?:will|planned|plans?|scheduled|to be held|next|upcoming|coming)\b", re.I)
_PATTERNS = [
    ("quarter", re.compile(r"\b(?:in |during |by )?the (?P<q>first|second|third|fourth|last|1st|2nd|3rd|4th) quarter "
                           r"of (?P<year>(?:19|20)\d\d)\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in |during )?(?P<month>{_MONTH_NAMES}) (?P<year>(?:19|20)\d\d)\b", re.I)),
    ("month", re.compile(rf"\b(?:in|during|since|by) (?P<month>{_MONTH_NAMES})\b(?! \d)", re.I)),
    ("relative_year", re.compile(r"\b(?P<which>next|last|this|the coming|the past) year\b", re.I)),
    ("weekday", re.compile(r"\bon (?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", re.I)),
    ("year", re.compile(r"\b(?:in |during |by |since )?(?P<year>(?:19|20)\d\d)\b")),
]


def event_date(sentence: str, document_date: str | None) -> EventDate | None:
    """The first date expression of a sentence, resolved against the document's date where that is known."""
    found = event_dates(sentence, document_date)
    return found[0] if found else None


def event_dates(sentence: str, document_date: str | None) -> list[EventDate]:
    """Every date expression of a sentence in order, overlapping ones read as the longest."""
    found = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            found.append((match.start(), -len(match.group()), name, match))
    future = bool(_FUTURE.search(sentence))
    out, covered = [], -1
    for position, _, name, match in sorted(found, key=lambda f: (f[0], f[1])):
        if position < covered:
            continue
        covered = match.end()
        start, end = _resolve(name, match, document_date, future=future)
        out.append(EventDate(match.group().strip(), start, end))
    return out


def _resolve(name: str, match: re.Match, document_date: str | None, future: bool) -> tuple[str | None, str | None]:
    if name == "quarter":
        year, q = int(match.group("year")), _QUARTERS[match.group("q").lower()]
        return _span(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    if name == "month_year":
        year, month = int(match.group("year")), MONTHS[match.group("month").lower()]
        return _span(dt.date(year, month, 1), _month_end(year, month))
    if name == "year":
        year = int(match.group("year"))
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    parts = [int(p) for p in document_date.split("-")] if document_date else []
    if not parts:
        return None, None  # relative to a date the document does not give
    if name == "relative_year":
        which = match.group("which").lower()
        year = parts[0] + (1 if which in ("next", "the coming") else -1 if which in ("last", "the past") else 0)
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if name == "month":
        month = MONTHS[match.group("month").lower()]
        year = parts[0]
        if len(parts) >= 2:  # the month nearest the document's date, forward for plans, back for reports
            if future and month < parts[1]:
                year += 1
            elif not future and month > parts[1]:
                year -= 1
        return _span(dt.date(year, month, 1), _month_end(year, month))
    if name == "weekday":
        if len(parts) < 3:
            return None, None
        day = dt.date(*parts)
        wanted = _WEEKDAYS.index(match.group("weekday").lower())
        shift = (wanted - day.weekday()) % 7 if future else -((day.weekday() - wanted) % 7)
        day += dt.timedelta(days=shift)
        return _span(day, day)
    return None, None


def _month_end(year: int, month: int) -> dt.date:
    return span(f"{year}-{month:02d}")[1]


def _span(start: dt.date, end: dt.date) -> tuple[str, str]:
    return start.isoformat(), end.isoformat()
