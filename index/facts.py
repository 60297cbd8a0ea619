"""What depends only on a document, computed once at ingest and stored with the index: each chunk's sentence
vectors and each sentence's speaker, and, for the whole document, its people and acronym pairs. A question then
costs one embedding (of the question) and reads the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .acronyms import pairs, spelled_out
from .attribute import people, speaker
from .catalog import ChunkFacts
from .document import Chunk, Document
from .embed import Embedder

VERSION = 2  # raise when what is computed per chunk changes: the next ingest recomputes every document's chunks
# (2: Persian speakers reported but never introduced)


def chunks_version(derive: bool, bridged: bool = False) -> int:
    """What a document's chunk rows are stamped with: this module's version, how chunk vectors were made and whether
    the multilingual space (index.bridge) was computed too, so that vectors made two ways never mix in one index and
    an index without the multilingual vectors gains them (a document stamped otherwise is embedded again)."""
    return VERSION * 10 + (1 if derive else 2) + (20 if bridged else 0)
_ACRONYM_LIKE = re.compile(r"\b[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*\b")


class Embedded(NamedTuple):
    vectors: np.ndarray | None  # one row per chunk, in the main model's space
    bridge: np.ndarray | None  # the same in the multilingual space (when there is a bridge)
    facts: list[ChunkFacts]


def embed_chunks(
    pending: Sequence[tuple[Document, Sequence[Chunk]]], embedder: Embedder, *, derive: bool,
    bridge: Embedder | None = None,
) -> Embedded:
    """The chunks' vectors and their facts, for a batch of documents, in one call of each model.

    Every quotable sentence is embedded (the answerer ranks sentences by these vectors). With `derive`, a chunk's
    vector is the normalised mean of its sentences' vectors and of the pieces of its text no sentence covers (a
    heading, a withheld instruction), so the model reads each text once; without it the chunk text is embedded too.
    The multilingual model (`bridge`) reads the same texts, and its chunk vectors are made the same way.
    """
    texts: list[str] = []
    layout = []  # per chunk: (index of its first sentence text, sentences, index of its first other piece, pieces)
    for document, chunks in pending:
        for c in chunks:
            first = len(texts)
            texts += [document.text[s:e] for s, e in c.sentences]
            rest = _uncovered(document.text, c) if derive else []
            texts += rest
            layout.append((first, len(c.sentences), len(rest)))
    if not derive:
        whole_first = len(texts)
        texts += [c.text for _, chunks in pending for c in chunks]
    if not texts:
        return Embedded(None, None, [])
    vectors = embedder.embed(texts)
    crossing = bridge.embed(texts) if bridge is not None else None
    chunk_vectors, bridge_vectors, rows, n = [], [], [], 0
    for document, chunks in pending:
        known = people(document.text)
        for c in chunks:
            first, count, extra = layout[n]
            for made, space in ((chunk_vectors, vectors), (bridge_vectors, crossing)):
                if space is not None:
                    made.append(_mean(space[first:first + count + extra]) if derive else space[whole_first + n])
            rows.append(ChunkFacts(c.id, document.id, c.start, c.end, tuple(c.sentences),
                                   tuple(speaker_row(document.text, s, e, known) for s, e in c.sentences),
                                   vectors[first:first + count],
                                   None if crossing is None else crossing[first:first + count]))
            n += 1
    return Embedded(np.vstack(chunk_vectors).astype(np.float32),
                    np.vstack(bridge_vectors).astype(np.float32) if bridge_vectors else None, rows)


def _mean(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def _uncovered(text: str, c: Chunk) -> list[str]:
    """The pieces of a chunk's text outside its quotable sentences that hold a word (a heading, an instruction)."""
    pieces, at = [], c.start
    for s, e in [*c.sentences, (c.end, c.end)]:
        piece = text[at:s].strip()
        if re.search(r"\w\w", piece):
            pieces.append(piece)
        at = max(at, e)
    return pieces


def speaker_row(text: str, start: int, end: int, known=None) -> tuple[str, int | None, int | None, bool] | None:
    """Who said text[start:end]: (full name, introduction start, introduction end, named in the sentence), or None."""
    who = speaker(text, start, end, people(text) if known is None else known)
    if who is None:
        return None
    intro = who.person.intro or (None, None)
    return (who.person.full_name, intro[0], intro[1], who.named_in_sentence)


def document_facts(document: Document) -> dict:
    """The document's people (full name, surname, introduction span), the acronym pairs it spells out (acronym, long
    form, span of "long form (ACRONYM)") and the acronym-like words it uses."""
    text = document.text
    spelled = []
    for acronym in pairs(text):
        found = spelled_out(text, acronym)
        if found:
            spelled.append([acronym, found[2], found[0], found[1]])
    return {
        "people": [[p.full_name, p.surname, *(p.intro or (None, None))] for p in people(text)],
        "acronyms": spelled,
        "mentions": sorted(set(_ACRONYM_LIKE.findall(text))),
    }
