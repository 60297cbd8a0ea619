"""Statements across documents: who agreed, proposed, asked for or planned what, and when.

Two uses of the statements found at ingest (index/statements.py):
- `list_statements`: every statement that passes the filters (`assistant statements`, `GET /statements`);
- `StatementAnswerer`: the answer to a question about commitments ("What was agreed on CBRN readiness?", "List
  every proposal made by the ICRC", "What has the IRCS asked the ICRC for?"), gathered from all matching
  statements rather than the top few chunks. Agreements are kept apart from proposals, requests and plans, each
  item says who said it and when, and an answer says plainly when the documents record no agreement.
Near-duplicates (the same statement in the meeting notes and in the news) are collapsed into one item, cited once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from typing import Callable

import language
from index.acronyms import expand
from index.dates import parse_bound, span
from index.errors import InvalidRequest
from index.sentences import split_sentences
from index.statements import KINDS, NEGATED, event_dates
from index.terms import stem, terms

from .answer import Answer, Citation
from .asked import Asked, Assessment
from .entities import context_words, matches
from .extractive import Citations
from .question import Period, Question, analyze, period

MAX_ITEMS = 12  # items in one answer; `assistant statements` lists them all
LABELS = {"agreed": "Agreed", "proposed": "Proposed", "requested": "Asked for or expected", "planned": "Planned",
          "reported": "Said"}
COMMITMENTS = ("proposed", "requested", "planned")

_LIST = re.compile(
    r"^\s*(?:list|name|enumerate)\b|\b(?:every|all (?:the )?)\b|"
    r"\bwhich\b[^?]*?\b(?:(?:were|was|have been|has been) (?:mentioned|proposed|planned|requested|asked|agreed|"
    r"decided|discussed|held|made|listed|highlighted|suggested|expected)|took place|happened)\b|"
    r"\bwhat (?:has|have|did|does) (?:the )?[A-Z]{2,}\w* (?:ask|asked|request|requested|propose|proposed|plan|"
    r"planned)\b", re.I)
_NAMED_KINDS = [
    ("agreed", re.compile(r"\b(?:agree\w*|decid\w*|decision\w*|sign\w*|commit\w*)\b", re.I)),
    ("proposed", re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*)\b", re.I)),
    ("requested", re.compile(r"\b(?:ask\w*|request\w*|expect\w*|want\w*|call\w* for)\b", re.I)),
    ("planned", re.compile(r"\b(?:plan|plans|planned|planning|schedul\w*)\b", re.I)),
]
# words that route a question here without naming its topic
_ROUTING = {stem(w) for w in (
    "every all made make took take place held happen happened record recorded ask asked request requested "
    "expect expected want wanted plan planned plans propose proposed proposal suggest suggested recommend "
    "recommended decide decided decision agree agreed agreement commit committed sign signed anything "
    "between side sides two societies society statement statements item items"
).split()}


# --- listing ---------------------------------------------------------------------------------------------------

def list_statements(
    index, acronyms: dict[str, str], *, kind: list[str] | None = None, organisation: list[str] | None = None,
    topic: str | None = None, since: str | None = None, until: str | None = None,
    document_ids: list[str] | None = None,
) -> list[dict]:
    """`document_ids`: only statements of these documents (the caller's access groups); None: all."""
    unknown = sorted(set(kind or ()) - set(KINDS))
    if unknown:
        raise InvalidRequest(f"unknown kind {', '.join(unknown)}; kinds are {', '.join(KINDS)}")
    try:
        low = parse_bound(since) if since else None
        high = parse_bound(until, end=True) if until else None
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    rows = complete(index.catalog.statements(kinds=kind or None, since=low, until=high, document_ids=document_ids))
    if organisation:
        wanted = {o.upper() for o in organisation}
        rows = [r for r in rows if (r["organisation"] or "").upper() in wanted]
    if topic:
        wanted_terms = set(terms(topic))
        rows = [r for r in rows if wanted_terms and wanted_terms <= set(terms(expand(r["text"], acronyms)))]
    items = []
    for group in collapse(rows):
        first = group[0]
        items.append({
            "kind": first["kind"], "speaker": first["speaker"], "organisation": first["organisation"],
            "date_text": first["date_text"], "date_start": first["date_start"], "date_end": first["date_end"],
            "text": first["text"], "citation": asdict(citation(index, first)),
            "also_in": [asdict(citation(index, twin)) for twin in group[1:]],
        })
    return items


def complete(rows: list[dict]) -> list[dict]:
    """A speaker's full name and organisation from their other statements, where a document gives only a surname
    or no organisation."""
    names, organisations = {}, {}
    for r in rows:
        if r["speaker"]:
            surname = r["speaker"].split()[-1]
            if " " in r["speaker"]:
                names.setdefault(surname, r["speaker"])
            if r["organisation"]:
                organisations.setdefault(surname, r["organisation"])
    for r in rows:
        if r["speaker"]:
            surname = r["speaker"].split()[-1]
            r["speaker"] = names.get(surname, r["speaker"])
            r["organisation"] = r["organisation"] or organisations.get(surname)
    return rows


def collapse(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped with their near-duplicates (most of the shorter one's terms shared), in order of first
    appearance."""
    groups: list[list[dict]] = []
    kept: list[set[str]] = []
    for row in rows:
        words_ = set(terms(row["text"]))
        twin = next((i for i, seen in enumerate(kept) if _same(seen, words_)), None)
        if twin is None:
            kept.append(words_)
            groups.append([row])
        else:
            groups[twin].append(row)
    return groups


def _same(a: set[str], b: set[str]) -> bool:
    return len(a & b) / max(1, min(len(a), len(b))) > 0.7


def citation(index, row: dict, marker: int = 1) -> Citation:
    chunk_id = row.get("chunk_id") or index.chunk_at(row["document_id"], row["start"]) or ""  # stored at ingest
    return Citation(
        marker=marker, document_id=row["document_id"], title=row["title"], source=row["source"],
        date=row["document_date"], quote=row["text"], chunk_id=chunk_id, score=1.0,
    )


# --- answering -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ask:
    """What a question about commitments asks of the statements."""

    agreement: bool  # "what was agreed ...": agreements apart, and say so when there is none
    kinds: tuple[str, ...]  # the kinds it names ("every proposal"); empty: any
    organisation: str | None  # whose statements ("made by the ICRC", "has the IRCS asked")
    topic: dict[str, float]  # stem -> weight, what the statements must be about
    topic_text: str  # "on CBRN readiness", "mentioning “joint” and “projects”"
    period: Period | None
    documents: tuple[str, ...] | None  # the meeting it names ("at the Tehran meeting"), as document ids
    lang: language.Language = language.en.LANGUAGE  # the asker's: the framing words follow it, quotes do not


class StatementAnswerer:
    """Answers questions about commitments from the statements; None for any other question."""

    def __init__(self, index, acronyms: Callable[[], dict[str, str]], today: dt.date | None = None,
                 aliases: Callable[[], dict[str, str]] = dict) -> None:
        self.index, self.acronyms, self.today = index, acronyms, today
        self.aliases = aliases  # every acronym pair, so that a name and its other spelling are one
        self._read: tuple[int, dict] = (-1, {})  # per statement, what matching reads: once per loaded index
        self._rows: tuple[int, list[dict]] = (-1, [])

    def _statements(self, allowed: list[str] | None) -> list[dict]:
        """The statements of the allowed documents, as fresh rows (completing a speaker's name reads only these):
        read from the catalog once per loaded index."""
        generation = self.index.version
        every = self._rows
        if every[0] != generation:
            every = self._rows = (generation, self.index.catalog.statements())
        permitted = None if allowed is None else set(allowed)
        return [dict(r) for r in every[1] if permitted is None or r["document_id"] in permitted]

    def _once(self, what: str, row: dict, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
        """A statement's terms (acronyms expanded) or name words, computed the first time a question reads them
        and kept until the index changes: every commitments question reads every statement, so at 100k chunks
        computing them per question cost a second."""
        generation = self.index.version
        read = self._read
        if read[0] != generation:
            read = self._read = (generation, {})
        key = (what, row["document_id"], row["start"])
        found = read[1].get(key)
        if found is None:
            found = read[1][key] = compute()
        return found

    def assess(self, asked: Asked) -> Assessment | None:
        answer = self.answer(asked.text, asked.allowed, asked.question, asked.aliases)
        return None if answer is None else Assessment(answer, {"direct": float(len(answer.citations))})

    def answer(self, question: str, allowed: list[str] | None = None, q: Question | None = None,
               aliases: dict[str, str] | None = None) -> Answer | None:
        """`allowed`: the documents the request's filters let through (None: all)."""
        aliases = self.aliases() if aliases is None else aliases
        q = q or analyze(question, aliases)
        if not (q.asks_agreement or _LIST.search(question) or language.fa.asks_list(question)):
            return None  # before any statement is read: most questions are not about commitments
        rows = complete(self._statements(allowed))
        if q.names:  # what another organisation proposed is no answer about the one the question names
            rows = [r for r in rows if self._about_names(r, q, aliases)]
        ask = self.read(question, q, organisations={r["organisation"] for r in rows if r["organisation"]})
        acronyms = self.acronyms()
        matching = [r for r in rows if self._matches(r, ask, acronyms)]
        matching.sort(key=lambda r: language.detect(r["text"]) != ask.lang.code)  # the asker's language first
        if ask.agreement:
            return self._agreement(ask, matching)
        if ask.kinds:
            matching = [r for r in matching if r["kind"] in ask.kinds]
        if not matching:
            return None  # the extractive answerer reads the chunks, and refuses if they do not answer
        return self._listing(ask, matching)

    # --- reading the question ---

    def read(self, question: str, q: Question, organisations: set[str]) -> Ask:
        lang = language.of(question)
        kinds = tuple(kind for kind, pattern in _NAMED_KINDS + list(language.fa.NAMED_KINDS) if pattern.search(question))
        named = [o for o in organisations if re.search(rf"\b{re.escape(o)}\b", question)]
        by = re.search(r"\bby (?:the )?([A-Z]{2,})\b", question)
        subject = re.search(r"\b(?:has|have|did|does) (?:the )?([A-Z]{2,})\b", question)
        organisation = (by or subject).group(1) if (by or subject) else language.fa.organisation_named(question)
        if organisation not in organisations or (q.asks_agreement and len(named) > 1):
            organisation = None  # "did the ICRC and the IRCS agree": both sides
        when = period(question, self.today)
        skip = _ROUTING | language.fa.ROUTING_STEMS | {stem(o) for o in organisations} | set(terms(when.text if when else ""))
        skip |= set(terms(" ".join(language.fa.names_of(organisations))))
        topic = {s: self.index.keywords.idf(s) for _, s in q.terms if s not in skip}
        documents = self._meeting(question, topic, when)
        if documents is not None:
            topic = {}  # the meeting named is the topic
        if q.topic and set(terms(q.topic)) & set(topic) and not re.search(r"\bmeeting\b", q.topic):
            topic_text = f"on {q.topic}"
        else:
            words = f" {lang.phrase('and')} ".join(f"“{w}”" for w, s in q.terms if s in topic)
            topic_text = lang.phrase("mentioning", words=words) if topic else ""
        return Ask(q.asks_agreement, kinds, organisation, topic, topic_text, when, documents, lang)

    def _meeting(self, question: str, topic: dict[str, float], when: Period | None) -> tuple[str, ...] | None:
        """The meeting notes a question names by place or month ("at the Tehran meeting"), if any."""
        if not re.search(r"\b(?:at|in|during|from|of) the\b[^?]*\bmeeting\b|\bmeeting (?:in|of|on)\b", question, re.I):
            return None
        found = []
        for d in self.index.catalog.documents():
            if d["type"] != "meeting-notes":
                continue
            named = topic and set(topic) <= set(terms(d["title"] or ""))
            dated = when is not None and d["date"] and when.overlaps(*_span(d["date"]))
            if named or (dated and not topic):
                found.append(d["id"])
        return tuple(found) or None

    # --- matching statements ---

    def _about_names(self, row: dict, q: Question, aliases: dict[str, str]) -> bool:
        """Do the statement's words, speaker, organisation or document (title, participants) name every name of the
        question (years aside: the period filter reads those)?"""
        words = self._once("names", row, lambda: context_words(" ".join(filter(None, (
            row["text"], row["speaker"], row["organisation"], self.index.about(row["document_id"])))), aliases))
        return all(matches(n, words, row.get("document_date")) for n in q.names if not n.is_year)

    def _matches(self, row: dict, ask: Ask, acronyms: dict[str, str]) -> bool:
        if ask.documents is not None and row["document_id"] not in ask.documents:
            return False
        if ask.organisation and row["organisation"] != ask.organisation:
            return False
        if ask.period and not any(ask.period.overlaps(s, e) for s, e in _dates(row)):
            return False
        if ask.topic:
            present = self._once("terms", row, lambda: frozenset(terms(expand(row["text"], acronyms))))
            total = sum(ask.topic.values())
            return sum(w for s, w in ask.topic.items() if s in present) >= 0.75 * total
        return True

    # --- writing ---

    def _agreement(self, ask: Ask, rows: list[dict]) -> Answer | None:
        agreed = collapse([r for r in rows if r["kind"] == "agreed"])
        others = collapse([r for r in rows if r["kind"] in COMMITMENTS] or [r for r in rows if r["kind"] == "reported"])
        if not agreed and not others:
            return None
        citations, lines, lang = Citations(), [], ask.lang
        cite = self._citer(citations)
        if agreed:
            lines.append(lang.phrase("agreed_head", about=_about(ask)))
            lines += _lines(agreed, cite, lang)
        else:
            recorded = self._no_decision_sentence(ask)
            if recorded:
                lines.append(lang.phrase("none_recorded_quote", about=_about(ask), quote=recorded["text"],
                                         marker=cite(recorded)))
            else:
                lines.append(lang.phrase("none_recorded", about=_about(ask)))
        if others:
            said = lang.phrase("others_commitments" if others[0][0]["kind"] != "reported" else "others_said")
            lines.append(lang.phrase("others_head", said=said, instead=lang.phrase("instead") if not agreed else ""))
            lines += _lines(others, cite, lang)
        return Answer("\n".join(lines), False, citations.list())

    def _listing(self, ask: Ask, rows: list[dict]) -> Answer:
        citations = Citations()
        cite = self._citer(citations)
        groups = collapse(rows)
        n = len(groups)
        if ask.lang.code != "en":
            head = ask.lang.phrase("listing_head", n=n, kinds=f" {ask.lang.phrase('or')} ".join(
                ask.lang.phrase(f"label_{k}") for k in ask.kinds), organisation=ask.organisation or "")
        elif ask.kinds:
            head = f"{n} {'item' if n == 1 else 'items'} " + " or ".join(LABELS[k].lower() for k in ask.kinds)
            head += f" by the {ask.organisation}" if ask.organisation else ""
        else:
            head = f"{n} {'statement' if n == 1 else 'statements'}"
            head += f" of the {ask.organisation}" if ask.organisation else ""
        lines = [f"{head}{_about(ask)}{f' ({ask.period.text})' if ask.period else ''}:"]
        lines += _lines(groups, cite, ask.lang)
        return Answer("\n".join(lines), False, citations.list())

    def _citer(self, citations: Citations) -> Callable[[dict], int]:
        """Cites a statement row in `citations`, giving its marker."""
        return lambda row: citations.cite(citation(self.index, row))

    def _no_decision_sentence(self, ask: Ask) -> dict | None:
        """The sentence of the named meeting's notes that says no decision was taken, as a statement row."""
        for doc_id in ask.documents or ():
            text = self.index.text(doc_id) or ""
            for s, e in split_sentences(text):
                if NEGATED.search(text[s:e]):
                    doc = next(d for d in self.index.catalog.documents() if d["id"] == doc_id)
                    row = {"document_id": doc_id, "title": doc["title"], "source": doc["source"],
                           "document_date": doc["date"], "text": text[s:e], "start": s}
                    return row
        return None


def _lines(groups: list[list[dict]], cite: Callable[[dict], int],
           lang: language.Language = language.en.LANGUAGE) -> list[str]:
    """One line per near-duplicate group, at most MAX_ITEMS, and how many more there are."""
    lines = [_line(group[0], cite, lang) for group in groups[:MAX_ITEMS]]
    if len(groups) > MAX_ITEMS:
        lines.append(f"… and {len(groups) - MAX_ITEMS} more (assistant statements lists them all).")
    return lines


def _line(row: dict, cite: Callable[[dict], int], lang: language.Language = language.en.LANGUAGE) -> str:
    # a person by full name, else the organisation that spoke ("the Coastal Relief Society"), never a generic word;
    # the framing words in the asker's language, the quote as the document has it
    organisation = row["organisation"]
    who = row["speaker"] or (lang.phrase("the_org", organisation=organisation) if organisation
                             else lang.phrase("the_document"))
    if organisation and organisation not in who:
        who += f" ({organisation})"
    label = lang.phrase(f"label_{row['kind']}")
    verb = lang.phrase("by", label=label, who=who) if row["kind"] != "reported" else lang.phrase("who_said", who=who)
    return f"- {verb}{_when(row, lang)}: “{row['text']}” [{cite(row)}]"


def _when(row: dict, lang: language.Language = language.en.LANGUAGE) -> str:
    """The dates of the event (read at ingest), resolved where the document's date allows; else the document's."""
    for text, start, end in _events(row):
        if start:
            span = start if start == end else lang.phrase("span_to", first=start, last=end)
            return lang.phrase("when", text=text, span=span)
    return lang.phrase("recorded", date=row["document_date"]) if row["document_date"] else ""


def _about(ask: Ask) -> str:
    return f" {ask.topic_text}" if ask.topic_text else ""


def _dates(row: dict) -> list[tuple[str, str]]:
    """The spans of days a statement is about: its event dates, or its document's date."""
    spans = [(start, end) for _, start, end in _events(row) if start]
    return spans or ([_span(row["document_date"])] if row["document_date"] else [])


def _events(row: dict) -> list[tuple[str, str | None, str | None]]:
    """A statement's event dates as ingest read them; read now only for a row stored before they were kept."""
    stored = json.loads(row["events"]) if row.get("events") else None
    if stored is not None and (stored or not row.get("date_text")):
        return [tuple(e) for e in stored]
    return [(d.text, d.start, d.end) for d in event_dates(row["text"], row["document_date"])]


def _span(iso: str) -> tuple[str, str]:
    first, last = span(iso)
    return first.isoformat(), last.isoformat()
