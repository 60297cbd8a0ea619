"""Statements across documents: every statement that passes the filters, near-duplicates (the same story in the
notes and in the news) collapsed into one item, each item cited with its exact sentence."""

from __future__ import annotations

from dataclasses import asdict

from index.acronyms import expand
from index.dates import parse_bound
from index.errors import InvalidRequest
from index.statements import KINDS
from index.terms import terms

from .answer import Citation


def list_statements(
    index, acronyms: dict[str, str], *, kind: list[str] | None = None, organisation: list[str] | None = None,
    topic: str | None = None, since: str | None = None, until: str | None = None,
) -> list[dict]:
    unknown = sorted(set(kind or ()) - set(KINDS))
    if unknown:
        raise InvalidRequest(f"unknown kind {', '.join(unknown)}; kinds are {', '.join(KINDS)}")
    try:
        low = parse_bound(since) if since else None
        high = parse_bound(until, end=True) if until else None
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    rows = index.catalog.statements(kinds=kind or None, since=low, until=high)
    _fill_organisations(rows)
    if organisation:
        wanted = {o.upper() for o in organisation}
        rows = [r for r in rows if (r["organisation"] or "").upper() in wanted]
    if topic:
        rows = [r for r in rows if _about(r["text"], topic, acronyms)]
    items: list[dict] = []
    kept: list[set[str]] = []  # the terms of each item, to find its near-duplicates
    for row in rows:
        citation = asdict(_citation(index, row))
        words = set(terms(row["text"]))
        twin = next((i for i, seen in enumerate(kept) if _same(seen, words)), None)
        if twin is not None:
            items[twin]["also_in"].append(citation)
            continue
        kept.append(words)
        items.append({
            "kind": row["kind"], "speaker": row["speaker"], "organisation": row["organisation"],
            "date_text": row["date_text"], "date_start": row["date_start"], "date_end": row["date_end"],
            "text": row["text"], "citation": citation, "also_in": [],
        })
    return items


def _fill_organisations(rows: list[dict]) -> None:
    """A speaker's organisation from their other statements, where a document does not say it."""
    known = {}
    for r in rows:
        if r["speaker"] and r["organisation"]:
            known.setdefault(r["speaker"].split()[-1], r["organisation"])
    for r in rows:
        if r["speaker"] and not r["organisation"]:
            r["organisation"] = known.get(r["speaker"].split()[-1])


def _about(text: str, topic: str, acronyms: dict[str, str]) -> bool:
    """Every word of the topic is in the statement, an acronym counting for its long form and back."""
    wanted = set(terms(topic))
    present = set(terms(expand(text, acronyms)))
    return bool(wanted) and wanted <= present


def _same(a: set[str], b: set[str]) -> bool:
    return len(a & b) / max(1, min(len(a), len(b))) > 0.7


def _citation(index, row: dict) -> Citation:
    return Citation(
        marker=1, document_id=row["document_id"], title=row["title"], source=row["source"],
        date=row["document_date"], quote=row["text"], chunk_id=index.chunk_at(row["document_id"], row["start"]) or "",
        score=1.0,
    )
