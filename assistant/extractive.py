"""The offline answerer: picks the source sentences that answer the question and quotes them, or refuses.

It writes no claim of its own. Each answer sentence is a sentence of a document, cited with `[n]`; when a
sentence reports someone's words through "she" or a surname, the document's introduction of that person is quoted
and cited too, so the answer says who said it. It refuses when the best sentences do not cover the question's
informative terms, or lack the kind of answer asked for (a number, a date, a person, a place).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np

from index.attribute import people, speaker
from index.document import Hit
from index.embed import Embedder
from index.keywords import KeywordIndex
from index.statements import NEGATED
from index.terms import terms

from .answer import Answer, Citation
from .question import Question, analyze, has_answer_type
from .refusal import Refusal, ThresholdRefusal

_AGREED = re.compile(r"\b(?:agreed|agreement|signed|decided|decision|approved|memorandum|committed)\b", re.I)
_MISSING = {
    "count": "state the number or amount asked for",
    "date": "give a date for this",
    "person": "say who",
    "place": "say where",
}


class Documents(Protocol):
    """Where the answerer looks beyond the retrieved chunks: a document's whole text, and which chunk holds an offset."""

    def text(self, document_id: str) -> str | None: ...

    def chunk_at(self, document_id: str, offset: int) -> str | None: ...


@dataclass(frozen=True)
class Assessment:
    answer: Answer
    signals: dict[str, float]


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # document offsets
    end: int
    text: str
    rank: int  # of its chunk in the fused ranking


@dataclass
class Scored:
    candidate: Candidate
    similarity: float
    coverage: float
    typed: bool
    score: float
    terms: frozenset[str]  # stemmed, as the keyword index sees them


class ExtractiveAnswerer:
    def __init__(
        self,
        *,
        embedder: Embedder,
        keywords: KeywordIndex,
        documents: Documents,
        refusal: Refusal | None = None,
        max_sentences: int = 3,
        cache_size: int = 4096,
    ) -> None:
        self.embedder, self.keywords, self.documents = embedder, keywords, documents
        self.refusal = refusal or ThresholdRefusal()
        self.max_sentences = max_sentences
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def answer(self, question: str, hits: Sequence[Hit], vector: np.ndarray) -> Answer:
        return self.assess(question, hits, vector).answer

    def assess(self, question: str, hits: Sequence[Hit], vector: np.ndarray) -> "Assessment":
        """The answer, and the signals the decision to answer or refuse was taken on."""
        q = analyze(question)
        candidates = [
            Candidate(hit, s, e, hit.chunk.text[s - hit.chunk.start:e - hit.chunk.start], rank)
            for rank, hit in enumerate(hits)
            for s, e in hit.chunk.sentences
        ]
        if not candidates:
            return Assessment(Answer("The documents do not say: nothing in the index matches this question.", True, []), {})
        weights = self._weights(q)
        scored, vectors = self._score(q, weights, candidates, vector)
        picked = self._pick(scored, vectors)
        signals = self._signals(q, weights, picked)
        reason = self._refusal(q, signals)
        if reason is not None:
            answer = self._refuse(reason, q, picked or sorted(scored, key=lambda s: -s.score)[:2])
        else:
            answer = self._compose(q, picked)
        return Assessment(answer, signals)

    # --- scoring -------------------------------------------------------------------------------------------

    def _weights(self, q: Question) -> dict[str, float]:
        """Inverse document frequency of each question term; a term found nowhere in the corpus counts 1.5 times."""
        return {
            s: self.keywords.idf(s) * (1.5 if self.keywords.document_frequency(s) == 0 else 1.0) for _, s in q.terms
        }

    def _score(self, q: Question, weights: dict[str, float], candidates: list[Candidate], vector: np.ndarray):
        vectors = self._sentence_vectors(candidates)
        similarity = vectors @ np.asarray(vector, dtype=np.float32)
        scored = []
        surnames = {  # a sentence may name a person by surname alone ("Alishvandi said ...")
            doc_id: {p.surname for p in people(self.documents.text(doc_id) or "")}
            for doc_id in {c.hit.chunk.document_id for c in candidates}
        } if q.kind == "person" else {}
        for candidate, sim in zip(candidates, similarity):
            present = frozenset(terms(candidate.text))
            coverage = _coverage(weights, present)
            names = set(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b", candidate.text)) | {
                name for name in surnames.get(candidate.hit.chunk.document_id, ()) if name in candidate.text}
            typed = has_answer_type(q.kind, candidate.text, names)
            score = float(sim) + 0.5 * coverage + (0.1 if typed and q.kind != "other" else 0.0) - 0.01 * candidate.rank
            scored.append(Scored(candidate, float(sim), coverage, typed, score, present))
        return scored, vectors

    def _sentence_vectors(self, candidates: list[Candidate]) -> np.ndarray:
        """Sentence vectors, computed once per chunk and kept in a bounded cache."""
        by_chunk: dict[str, list[Candidate]] = {}
        for c in candidates:
            by_chunk.setdefault(c.hit.chunk.id, []).append(c)
        missing = [cid for cid in by_chunk if cid not in self._cache]
        if missing:
            texts = [c.text for cid in missing for c in by_chunk[cid]]
            embedded = self.embedder.embed(texts)
            offset = 0
            for cid in missing:
                n = len(by_chunk[cid])
                self._cache[cid] = embedded[offset:offset + n]
                offset += n
        for cid in by_chunk:
            self._cache.move_to_end(cid)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return np.vstack([self._cache[cid] for cid in by_chunk])

    def _pick(self, scored: list[Scored], vectors: np.ndarray) -> list[Scored]:
        """The best sentence, then others nearly as good that do not repeat what is already picked, until one holds
        less than half the best one's share of the question's terms (closeness of meaning alone is not enough: for a model
        that does not know the question's language, every sentence of that language looks alike)."""
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        picked: list[int] = []
        best = scored[order[0]].score
        for i in order:
            if len(picked) == self.max_sentences or scored[i].score < best - 0.15:
                break
            if picked and scored[i].coverage < 0.5 * scored[picked[0]].coverage:
                break
            if any(_same_statement(scored[i], scored[j], float(vectors[i] @ vectors[j])) for j in picked):
                continue  # the same statement in another document (the notes restate the news)
            picked.append(i)
        return [scored[i] for i in picked]

    # --- deciding ------------------------------------------------------------------------------------------

    def _signals(self, q: Question, weights: dict[str, float], picked: list[Scored]) -> dict[str, float]:
        """What the decision to refuse looks at, each a number (the evaluation records them per question)."""
        support = frozenset().union(*(p.terms for p in picked))
        total = sum(weights.values())
        unknown = sum(w for s, w in weights.items() if self.keywords.document_frequency(s) == 0)
        return {
            "similarity": max((p.similarity for p in picked), default=0.0),
            "coverage": _coverage(weights, support),
            "best_coverage": max((p.coverage for p in picked), default=0.0),
            "unknown": unknown / total if total else 0.0,
            "focus_missing": float(bool(q.focus and q.focus not in support)),
            "type_missing": float(q.kind in _MISSING and not any(p.typed for p in picked)),
        }

    def _refusal(self, q: Question, signals: dict[str, float]) -> str | None:
        """What the documents fail to do, when the signals say to refuse."""
        if not self.refusal.refuse(signals):
            return None
        return _MISSING[q.kind] if signals["type_missing"] else "answer this"

    def _missing_terms(self, q: Question, shown: list[Scored]) -> list[str]:
        support = frozenset().union(*(p.terms for p in shown))
        return [word for word, s in q.terms if s not in support and self.keywords.document_frequency(s) == 0]

    # --- writing -------------------------------------------------------------------------------------------

    def _refuse(self, reason: str, q: Question, closest: list[Scored]) -> Answer:
        citations = Citations()
        text = f"The documents do not {reason}."
        missing = self._missing_terms(q, closest)
        if missing:
            text += " They do not mention " + _join([f"“{w}”" for w in missing], "or") + "."
        closest = [c for c in closest if c.similarity > 0]
        if closest:
            markers = [citations.add(c.candidate.hit, c.candidate.text, c.similarity) for c in closest]
            text += " Closest passages: " + ", ".join(f"[{m}]" for m in markers) + "."
        return Answer(text, True, citations.list())

    def _compose(self, q: Question, picked: list[Scored]) -> Answer:
        citations = Citations()
        parts = []
        caveat = no_agreement(q, [p.candidate.text for p in picked])
        if caveat:
            parts.append(caveat)
        for p in picked:
            c = p.candidate
            prefix = self._attribution(c, citations, p.similarity)
            marker = citations.add(c.hit, c.text, p.similarity)
            parts.append(f"{prefix}“{c.text}” [{marker}]" if prefix else f"{c.text} [{marker}]")
        return Answer(" ".join(parts), False, citations.list())

    def _attribution(self, c: Candidate, citations: "Citations", similarity: float) -> str:
        """'Full Name, the role [n]: ' when the sentence reports words of a person introduced elsewhere."""
        text = self.documents.text(c.hit.chunk.document_id)
        if not text:
            return ""
        who = speaker(text, c.start, c.end, people(text))
        if who is None or who.person.full_name in c.text:
            return ""
        if who.person.intro and not (c.start <= who.person.intro[0] < c.end):
            s, e = who.person.intro
            chunk_id = self.documents.chunk_at(c.hit.chunk.document_id, s) or ""
            marker = citations.add(c.hit, text[s:e], similarity, chunk_id)
            return f"{text[s:e]} [{marker}]: "
        return "" if who.named_in_sentence else f"{who.person.full_name}: "


def no_agreement(q: Question, quotes: list[str]) -> str | None:
    """The caveat for a question about an agreement whose quotes record none."""
    if not q.asks_agreement or any(_AGREED.search(t) and not NEGATED.search(t) for t in quotes):
        return None
    topic = f" on {q.topic}" if q.topic else ""
    return f"The documents record no agreement{topic}; they report what was said."


def _coverage(weights: dict[str, float], present: frozenset[str]) -> float:
    """Share of the question's term weight found among `present` terms (1.0 when the question has none)."""
    total = sum(weights.values())
    return sum(w for s, w in weights.items() if s in present) / total if total else 1.0


def _same_statement(a: Scored, b: Scored, cosine: float) -> bool:
    overlap = len(a.terms & b.terms) / max(1, min(len(a.terms), len(b.terms)))
    return cosine > 0.85 or overlap > 0.7


def _join(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


class Citations:
    """Numbers citations in order of first use; the same quote of the same document keeps its number."""

    def __init__(self) -> None:
        self._items: list[Citation] = []

    def add(self, hit: Hit, quote: str, score: float, chunk_id: str | None = None) -> int:
        return self.cite(Citation(
            marker=0, document_id=hit.chunk.document_id, title=hit.title, source=hit.source, date=hit.date,
            quote=quote, chunk_id=chunk_id if chunk_id is not None else hit.chunk.id, score=round(float(score), 3),
        ))

    def cite(self, citation: Citation) -> int:
        """The marker of this quote of this document: its earlier one, or the next number."""
        for existing in self._items:
            if existing.document_id == citation.document_id and existing.quote == citation.quote:
                return existing.marker
        self._items.append(replace(citation, marker=len(self._items) + 1))
        return len(self._items)

    def list(self) -> list[Citation]:
        return list(self._items)
