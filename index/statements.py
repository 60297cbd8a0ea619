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

import re
from dataclasses import asdict, dataclass

import language
from language import en, fa
from language.common import normalize_in_place

from .attribute import Person, people, speaker
from .document import Document
from .instructions import is_instruction
from .sentences import heading_text, units

VERSION = 5  # raise when the finder changes: the next ingest finds the statements of every document again
KINDS = ("agreed", "proposed", "requested", "planned", "reported")
# a sentence that says no decision was taken, in English or Persian
NEGATED = re.compile(rf"(?:{en.NEGATED.pattern})|(?:{fa.NEGATED.pattern})", re.I)
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
    """The kind of a sentence by the cues of its own language (language/en.py, language/fa.py), else by its
    section's heading, else "reported" when it reports someone's words."""
    lang, plain = language.of(sentence), normalize_in_place(sentence)
    if lang.negated.search(plain):
        return None
    for kind, pattern in lang.statement_cues:
        if pattern.search(plain):
            return kind
    if not attributed:
        return None
    heading = language.of(section) if section else lang
    return next((kind for kind, pattern in heading.section_cues if pattern.search(normalize_in_place(section))),
                "reported")


def extract(document: Document) -> list[Statement]:
    text = document.text
    known = people(text)
    known += _persian_participants(document.meta, {p.surname for p in known})
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


def _persian_participants(meta: dict, known: set[str]) -> list[Person]:
    """Participants written in Persian ("رضیه علیشوندی، مدیر ..."): Persian names have no capitals to be found
    by, so notes that name a participant by surname alone ("علیشوندی پیشنهاد کرد") are read from the list."""
    found = []
    for participant in meta.get("participants") or []:
        if isinstance(participant, str) and fa.ARABIC_SCRIPT.match(participant.strip()):
            name = re.split(r"[،,(]", participant)[0].strip()
            if name and name.split()[-1] not in known:
                known.add(name.split()[-1])
                found.append(Person(name, name.split()[-1], None))
    return found


def _full_name(person: Person, meta: dict) -> str:
    """The person's full name; a surname alone is completed from the participants list ("Vincent Cassard, ...")."""
    if " " in person.full_name:
        return person.full_name
    for participant in meta.get("participants") or []:
        if isinstance(participant, str):
            name = re.split(r"[،,]", participant)[0].strip()
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
    return subject.group(1) if subject else fa.organisation(sentence, text)


# --- event dates ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventDate:
    text: str
    start: str | None
    end: str | None


def event_date(sentence: str, document_date: str | None) -> EventDate | None:
    """The first date expression of a sentence, resolved against the document's date where that is known."""
    found = event_dates(sentence, document_date)
    return found[0] if found else None


def event_dates(sentence: str, document_date: str | None) -> list[EventDate]:
    """Every date expression of a sentence in order, overlapping ones read as the longest."""
    return [EventDate(d.text, d.first, d.last) for d in language.of(sentence).dates(sentence, document_date)]
