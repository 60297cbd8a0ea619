"""Who said it: the speaker of a reported sentence, resolved to the person the document introduced.

"she added", "He proposed", "The official also commended" point back to the person last named before them;
"Alishvandi noted" names a person whom the document introduced earlier as "Razieh Alishvandi, the director of
...". The introduction is returned as a span of the document, so an answer can quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from language import fa
from language.common import normalize_in_place

_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_INTRO = re.compile(rf"\b(?P<full>{_NAME}(?:\s{_NAME}){{1,3}}),\s+(?P<role>the\s[^,;]*?(?:\([A-Z]{{2,}}\)[^,;]*?)?)(?=[,;]|\.\s|\.$)")
_REPORTING = (
    r"said|says|noted|added|stressed|stated|explained|highlighted|proposed|suggested|urged|called|announced|"
    r"commended|lauded|expressed|expects|expected|hoped|asked|requested|emphasi[sz]ed|underlined|pointed|"
    r"went on|referred|mentioned|told|enumerated|quoted"
)
_NAMED_SPEAKER = re.compile(
    rf"\b(?P<name>{_NAME})(?:\s\([A-Z]{{2,}}\))?\s+(?:also\s+|further\s+|then\s+)?(?:{_REPORTING})\b"
    rf"|\bquoted\s(?P<quoted>{_NAME})\sas\ssaying"
)
_NOT_NAMES = {"The", "He", "She", "They", "It", "This", "That", "We", "I", "You", "Its", "Their", "Her", "His"}
# words that say what kind of body or office speaks, not who: "The Coastal Relief Society proposed" has no person
# "Society" in it, and "the official" is resolved to the person named before
GENERIC_SPEAKERS = {
    "Society", "Committee", "Ministry", "Agency", "Council", "Federation", "Organisation", "Organization", "Office",
    "Movement", "Delegation", "Government", "Secretariat", "Official", "Officials", "Side", "Sides", "Director",
    "President", "Minister", "Representative", "Spokesperson", "Team", "Department", "Association", "Union",
    "Foundation", "Programme", "Cross", "Crescent", "Participants", "Members", "Both", "All", "Each",
}
_PRONOUN = re.compile(rf"\b(?P<who>[Ss]he|[Hh]e|[Tt]he official)\s+(?:also\s+|further\s+|then\s+)?(?:{_REPORTING})\b")


@dataclass(frozen=True)
class Person:
    full_name: str
    surname: str
    intro: tuple[int, int] | None  # document span "Full Name, the role ..." when the document has one


@dataclass(frozen=True)
class Speaker:
    person: Person
    named_in_sentence: bool  # False when the sentence says "she", "he" or "the official"


def people(text: str) -> list[Person]:
    """People the document introduces ("Full Name, the role") or names as speakers ("Alishvandi noted")."""
    found: dict[str, Person] = {}
    for match in _INTRO.finditer(text):
        full = match.group("full")
        surname = full.split()[-1]
        if surname not in found:
            found[surname] = Person(full, surname, (match.start(), match.end("role")))
    for match in _NAMED_SPEAKER.finditer(text):
        name = match.group("name") or match.group("quoted")
        if name not in _NOT_NAMES and name not in GENERIC_SPEAKERS and name not in found:
            found[name] = Person(name, name, None)
    for full, surname, intro in fa.people(text):  # Persian: "رضیه علیشوندی، مدیر ..."
        found.setdefault(surname, Person(full, surname, intro))
    for surname in fa.speakers(text):  # Persian: "علیشوندی گفت ..." twice, never introduced
        found.setdefault(surname, Person(surname, surname, None))
    return list(found.values())


def speaker(text: str, start: int, end: int, known: list[Person]) -> Speaker | None:
    """The speaker of the sentence text[start:end], if it reports someone's words."""
    sentence = text[start:end]
    persian = fa.REPORTING.search(normalize_in_place(sentence))
    if not (persian or re.search(rf"\b(?:{_REPORTING})\b", sentence)):
        return None
    mentioned = [p for p in known if re.search(rf"\b{re.escape(p.surname)}\b", sentence)]
    if len(mentioned) == 1:
        return Speaker(mentioned[0], True)
    if mentioned:  # two people in one sentence: the one named just before a reporting verb ("Cassard lauded")
        named = {m.group("name") for m in _NAMED_SPEAKER.finditer(sentence)} & {p.surname for p in mentioned}
        if len(named) == 1:
            return Speaker(next(p for p in mentioned if p.surname in named), True)
        return None
    if _PRONOUN.search(sentence) or (persian and fa.PRONOUN_SPEAKER.search(normalize_in_place(sentence))):
        return _last_named_before(text, start, known)
    return None


def _last_named_before(text: str, position: int, known: list[Person]) -> Speaker | None:
    best, where = None, -1
    for person in known:
        for match in re.finditer(rf"\b{re.escape(person.surname)}\b", text[:position]):
            if match.start() > where:
                best, where = person, match.start()
    return Speaker(best, False) if best else None
