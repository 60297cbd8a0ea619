"""The offline answerer: picks the source sentences that answer the question and quotes them, or refuses.

It writes no claim of its own. Each answer sentence is a sentence of a document, cited with `[n]`; when a
sentence reports someone's words through "she" or a surname, the document's introduction of that person is quoted
and cited too, so the answer says who said it. It refuses when the best sentences do not cover the question's
informative terms, lack the kind of answer asked for (a number, a date, a person, a place), or are about another
organisation, person, place or year than the question names: that decision is the `Judge`'s. A who / when / where
/ how-many answer begins with the answering span cut from its quote (`span.lead`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np

import language
from index.bridge import MAIN_LANGUAGE, on_main_scale
from index.catalog import ChunkFacts
from index.document import Hit
from index.embed import Embedder
from index.facts import speaker_row
from index.keywords import KeywordIndex
from index.statements import NEGATED
from index.terms import terms
from language.common import normalize_in_place

from .answer import Answer, Citation
from .asked import Asked, Assessment
from .entities import context_words, is_organisation, matches, organisations
from .judge import Decision, Judge, Reading, Support
from .question import Question, has_answer_type
from .refusal import ThresholdRefusal
from .retrieve import Probe
from .span import lead

_AGREED = re.compile(r"\b(?:agreed|agreement|signed|decided|decision|approved|memorandum|committed)\b", re.I)
_MISSING = {
    "count": "state the number or amount asked for",
    "date": "give a date for this",
    "person": "say who",
    "place": "say where",
}


class Documents(Protocol):
    """What the answerer reads beyond the retrieved chunks, all of it computed at ingest."""

    def text(self, document_id: str) -> str | None: ...

    def chunk_at(self, document_id: str, offset: int) -> str | None: ...

    def chunk_facts(self, chunk_ids: Sequence[str]) -> dict[str, ChunkFacts]:
        """Each chunk's sentence vectors and speakers."""
        ...

    def surnames(self, document_id: str) -> set[str]:
        """Surnames of the people the document introduces or quotes."""
        ...

    def about(self, document_id: str) -> str:
        """What names the document as a whole: its title and participants."""
        ...


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # document offsets
    end: int
    text: str
    rank: int  # of its chunk in the fused ranking
    vector: np.ndarray | None  # computed at ingest
    speaker: tuple | None  # (full name, introduction start, introduction end, named in the sentence), from ingest
    crossing: np.ndarray | None = None  # in the multilingual space (index.bridge), computed at ingest
    language: str = MAIN_LANGUAGE


@dataclass
class Scored:
    candidate: Candidate
    similarity: float
    coverage: float
    typed: bool
    score: float
    terms: frozenset[str]  # stemmed, as the keyword index sees them
    context: frozenset[str] = frozenset()  # words of the sentence, its paragraph and its document's title and people


class ExtractiveAnswerer:
    def __init__(
        self,
        *,
        embedder: Embedder,
        keywords: KeywordIndex,
        documents: Documents,
        judge: Judge | None = None,
        max_sentences: int = 3,
        bridge: Embedder | None = None,
    ) -> None:
        """`bridge`: the multilingual model, when the main one reads English only (index.bridge)."""
        self.embedder, self.keywords, self.documents, self.bridge = embedder, keywords, documents, bridge
        self.judge = judge or Judge(ThresholdRefusal())
        self.max_sentences = max_sentences

    def assess(self, asked: Asked) -> Assessment:
        """The answer from the quotable sentences of the best chunks, and the signals the decision to answer or
        refuse was taken on."""
        aliases, q = asked.aliases, asked.question
        probe, ranking = asked.found()
        hits = ranking[:asked.top_k]
        candidates = self._candidates(hits, crossing=probe.crossing is not None)
        if not candidates:
            return Assessment(Answer("The documents do not say: nothing in the index matches this question.", True, []), {})
        scored = self._score(q, self._weights(q), candidates, probe)
        # a sentence about what the question names goes before one about something else, which is kept aside
        elsewhere = self._about_names(q, scored, aliases) if q.names else None
        picked = self._pick(scored, language.detect(q.text))
        decision = self.judge.decide(q, [self._support(p, aliases) for p in picked], [s.similarity for s in scored])
        if decision.refuse:
            closest = picked or sorted(scored, key=lambda s: -s.score)[:2]
            answer = self._refuse(decision, q, closest, aliases, elsewhere)
        else:
            answer = self._compose(q, picked, aliases)
        return Assessment(answer, decision.signals)

    # --- scoring -------------------------------------------------------------------------------------------

    def _weights(self, q: Question) -> dict[str, float]:
        """What each question term weighs in ranking sentences: its inverse document frequency in the corpus. (Whether
        a term the support lacks means the documents do not answer is the judge's to say, by the language.)"""
        return {s: self.keywords.idf(s) for _, s in q.terms}

    def _candidates(self, hits: Sequence[Hit], crossing: bool = False) -> list[Candidate]:
        """The quotable sentences of the hits, with the vectors and speakers ingest computed for them (and their
        multilingual vectors when the question crosses languages). An index built before ingest kept them has them
        computed here (the next `assistant ingest` stores them)."""
        stored = self.documents.chunk_facts([hit.chunk.id for hit in hits])
        candidates, missing = [], []
        for rank, hit in enumerate(hits):
            facts = stored.get(hit.chunk.id)
            at = {span: i for i, span in enumerate(facts.sentences)} if facts else {}
            for s, e in hit.chunk.sentences:
                i = at.get((s, e))
                if i is None:
                    missing.append(len(candidates))
                text = hit.chunk.text[s - hit.chunk.start:e - hit.chunk.start]
                candidates.append(Candidate(
                    hit, s, e, text, rank, None if i is None else facts.vectors[i],
                    None if i is None else facts.speakers[i],
                    None if i is None or facts.bridge is None else facts.bridge[i], language.detect(text)))
        if missing:
            vectors = self.embedder.embed([candidates[i].text for i in missing])
            for i, v in zip(missing, vectors):
                c = candidates[i]
                candidates[i] = replace(c, vector=v, speaker=speaker_row(self.documents.text(c.hit.chunk.document_id)
                                                                      or "", c.start, c.end))
        lacking = [i for i, c in enumerate(candidates) if c.crossing is None] if crossing and self.bridge else []
        if lacking:
            for i, v in zip(lacking, self.bridge.embed([candidates[i].text for i in lacking])):
                candidates[i] = replace(candidates[i], crossing=v)
        return candidates

    def _similarities(self, probe: Probe, candidates: list[Candidate]) -> np.ndarray:
        """Each sentence's similarity to the question: by the main model when it reads both, else by the
        multilingual one, put on the main model's scale (index.bridge)."""
        similarities = np.zeros(len(candidates), dtype=np.float32)
        if probe.main is not None:
            similarities[:] = np.vstack([c.vector for c in candidates]) @ np.asarray(probe.main, dtype=np.float32)
        if probe.crossing is not None:
            for i, c in enumerate(candidates):
                if c.crossing is not None and (probe.main is None or c.language != MAIN_LANGUAGE):
                    similarities[i] = on_main_scale(float(c.crossing @ probe.crossing), probe.language, c.language)
        return similarities

    def _score(self, q: Question, weights: dict[str, float], candidates: list[Candidate], probe: Probe):
        similarity = self._similarities(probe, candidates)
        scored = []
        surnames = {  # a sentence may name a person by surname alone ("Alishvandi said ...")
            doc_id: self.documents.surnames(doc_id) for doc_id in {c.hit.chunk.document_id for c in candidates}
        } if q.kind == "person" else {}
        reading = Reading(q)
        words_of = {s: w for w, s in q.terms}
        for candidate, sim in zip(candidates, similarity):
            present = frozenset(terms(candidate.text))
            coverage = _coverage(weights, present) if candidate.language == reading.language else reading.share(
                {words_of[s]: w for s, w in weights.items()}, candidate.text, candidate.language)
            names = set(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b", candidate.text)) | {
                name for name in surnames.get(candidate.hit.chunk.document_id, ()) if name in candidate.text}
            typed = has_answer_type(q.kind, candidate.text, names)
            # a when / where / who / how-many question is answered by a sentence holding a date, place, name or number
            score = float(sim) + 0.5 * coverage + (0.25 if typed and q.kind != "other" else 0.0) - 0.01 * candidate.rank
            scored.append(Scored(candidate, float(sim), coverage, typed, score, present))
        return scored

    def _about_names(self, q: Question, scored: list[Scored], aliases: dict[str, str]) -> Scored | None:
        """Ranks the sentences about every name of the question (by their own words, paragraph or document) above
        those about something else, when any is; returns the best of the others when it ranked first and holds the
        kind of answer asked for (the fact is there, but of someone else)."""
        for s in scored:
            s.context = self._context(s.candidate, aliases)
        consistent = [all(matches(n, s.context, s.candidate.hit.date) for n in q.names) for s in scored]
        if not any(consistent) or all(consistent):
            return None
        best = max(range(len(scored)), key=lambda i: scored[i].score)
        for s, ok in zip(scored, consistent):
            if not ok:
                s.score -= 1.0
        return scored[best] if not consistent[best] and scored[best].typed else None

    def _context(self, c: Candidate, aliases: dict[str, str]) -> frozenset[str]:
        """Words of the sentence, its paragraph and section, and its document's title and participants."""
        chunk = c.hit.chunk
        text, at = chunk.text, c.start - chunk.start
        first = text.rfind("\n\n", 0, at) + 1
        last = text.find("\n\n", at)
        paragraph = text[first:last if last >= 0 else len(text)]
        return context_words(" ".join((paragraph, chunk.section, self.documents.about(chunk.document_id))), aliases)

    def _support(self, p: Scored, aliases: dict[str, str]) -> Support:
        context = p.context or self._context(p.candidate, aliases)
        speaker = p.candidate.speaker[0] if p.candidate.speaker is not None else ""
        if speaker:  # "this official said ...": the person the document says spoke
            context = context | context_words(speaker, aliases)
        return Support(p.candidate.text, p.similarity, p.typed, context, p.candidate.hit.date, p.candidate.language,
                       speaker)

    def _pick(self, scored: list[Scored], asker: str) -> list[Scored]:
        """The best sentence, then others nearly as good that do not repeat what is already picked, until one holds
        less than half the best one's share of the question's terms (closeness of meaning alone is not enough: for a
        model that does not know the question's language, every sentence of that language looks alike). Of two
        sentences that say the same in two languages (a translation), the one in the `asker`'s language is quoted
        when it is nearly as good; when the best sentence is in that language, no other language's joins it
        (the judge could not check it)."""
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        picked: list[int] = []
        best = scored[order[0]].score
        for i in order:
            if len(picked) == self.max_sentences or scored[i].score < best - 0.15:
                break
            if picked and scored[i].coverage < 0.5 * scored[picked[0]].coverage:
                break
            if scored[i].candidate.language != asker:
                if picked and scored[picked[0]].candidate.language == asker:
                    continue  # a support the best sentence of the asker's language has is not widened with another's
                i = next((j for j in order if scored[j].candidate.language == asker
                          and scored[j].score >= best - 0.15 and _same(scored[i], scored[j])), i)
            if i in picked or any(_same(scored[i], scored[j]) for j in picked):
                continue  # the same statement in another document (the notes restate the news)
            picked.append(i)
        return [scored[i] for i in picked]

    # --- writing -------------------------------------------------------------------------------------------

    def _refuse(self, decision: Decision, q: Question, closest: list[Scored], aliases: dict[str, str],
                elsewhere: Scored | None = None) -> Answer:
        citations = Citations()
        closest = [c for c in closest if c.similarity > 0]
        about_other = elsewhere or (closest[0] if decision.unmatched and closest else None)
        other = _other_organisation(q, about_other, aliases) if about_other else None
        asked = tuple(n for n in decision.unmatched or (n.text for n in q.names) if is_organisation(n, aliases))
        lang = language.of(q.text)  # the framing words in the asker's language; quotes as the documents have them
        if other and asked:  # the fact is there, but of another organisation: say whose, and cite it
            c = about_other.candidate
            marker = citations.add(c.hit, c.text, about_other.similarity)
            return Answer(lang.phrase("other_org", other=other, asked=_join(list(asked), lang.phrase("or")))
                          + f"“{c.text}” [{marker}]", True, citations.list())
        if decision.unmatched:
            text = lang.phrase("not_of", names=_join(list(decision.unmatched), lang.phrase("or")))
        else:
            text = lang.phrase("cannot", reason=_reason(q, decision, lang))
        if decision.missing:
            text += lang.phrase("not_mention", words=_join([f"“{w}”" for w in decision.missing], lang.phrase("or")))
        if closest:
            markers = [citations.add(c.candidate.hit, c.candidate.text, c.similarity) for c in closest]
            text += lang.phrase("closest", markers=", ".join(f"[{m}]" for m in markers))
        return Answer(text, True, citations.list())

    def _compose(self, q: Question, picked: list[Scored], aliases: dict[str, str]) -> Answer:
        citations = Citations()
        parts, direct = [], None
        caveat = no_agreement(q, [p.candidate.text for p in picked])
        if caveat:
            parts.append(caveat)
        for p in picked:
            c = p.candidate
            who = self._attribution(c, citations, p.similarity)
            marker = citations.add(c.hit, c.text, p.similarity)
            if direct is None and q.kind in _MISSING:  # the answering span, from this quote or its speaker's
                sources = [(c.text, marker)] + ([(who.intro, who.intro_marker)] if who.intro_marker else [])
                for quote, quoted_as in sources:
                    found = lead(q, quote, who.name, aliases)
                    if found and who.intro_marker and who.name and found != who.name and who.name.endswith(found):
                        found, quoted_as = who.name, who.intro_marker  # a surname alone: the full name, as introduced
                    if found:
                        direct = f"{found[:1].upper()}{found[1:]} [{quoted_as}]."
                        break
            parts.append(f"{who.prefix}“{c.text}” [{marker}]" if who.prefix else f"{c.text} [{marker}]")
        if direct:
            parts.insert(0, direct)
        return Answer(" ".join(parts), False, citations.list())

    def _attribution(self, c: Candidate, citations: "Citations", similarity: float) -> "Attribution":
        """Who said the sentence; when the document introduced that person elsewhere, the introduction is quoted
        and cited first ('Full Name, the role [n]: ')."""
        if c.speaker is None:
            return Attribution()
        name, intro_start, intro_end, named_in_sentence = c.speaker
        if name in c.text:
            return Attribution(name=name)
        if intro_start is not None and not (c.start <= intro_start < c.end):  # "He added", "Alishvandi said": who?
            intro = (self.documents.text(c.hit.chunk.document_id) or "")[intro_start:intro_end]
            marker = self._cite_span(c, citations, similarity, intro_start, intro_end)
            return Attribution(f"{intro} [{marker}]: ", name, intro, marker)
        return Attribution("" if named_in_sentence else f"{name}: ", name)

    def _cite_span(self, c: Candidate, citations: "Citations", similarity: float, start: int, end: int) -> int:
        text = self.documents.text(c.hit.chunk.document_id) or ""
        chunk_id = self.documents.chunk_at(c.hit.chunk.document_id, start) or ""
        return citations.add(c.hit, text[start:end], similarity, chunk_id)


@dataclass(frozen=True)
class Attribution:
    prefix: str = ""  # what goes before the quote: the cited introduction, or the speaker's name
    name: str | None = None  # the speaker's full name
    intro: str = ""  # the introduction ("Vincent Cassard, the representative of the ICRC")
    intro_marker: int | None = None  # its citation


def no_agreement(q: Question, quotes: list[str]) -> str | None:
    """The caveat for a question about an agreement whose quotes record none; a yes/no question is answered first."""
    if not q.asks_agreement or any(_agreed(t) and not NEGATED.search(t) for t in quotes):
        return None
    lang = language.of(q.text)
    topic = lang.phrase("on_topic", topic=q.topic) if q.topic else ""
    return lang.phrase("no_agreement_yes_no" if q.yes_no else "no_agreement", topic=topic)


def _agreed(text: str) -> bool:
    """Does a quote record an agreement, in English or Persian ("تصمیم گرفته شد")?"""
    return bool(_AGREED.search(text)) or language.fa.STATEMENT_CUES[0][1].search(normalize_in_place(text)) is not None


def _reason(q: Question, decision: Decision, lang: language.Language = language.en.LANGUAGE) -> str:
    return lang.phrase(f"missing_{q.kind}") if decision.signals.get("type_missing") else lang.phrase("answer_this")


def _other_organisation(q: Question, closest: Scored, aliases: dict[str, str]) -> str | None:
    """An organisation the closest sentence (or its document's title) names that the question does not."""
    c = closest.candidate
    for name in organisations(c.text) + organisations(c.hit.title):
        words = context_words(name, aliases)
        if not any(matches(n, words) for n in q.names):
            return name
    return None


def _coverage(weights: dict[str, float], present: frozenset[str]) -> float:
    """Share of the question's term weight found among `present` terms (1.0 when the question has none)."""
    total = sum(weights.values())
    return sum(w for s, w in weights.items() if s in present) / total if total else 1.0


# e5 puts a sentence and its translation at a cosine of 0.87 to 0.92, and other sentences of the same article at
# most 0.85 (the 7 sentences of "IRCS, ICRC discuss ways to boost co-op" against its Persian translation)
SAME_ACROSS = 0.86


def _same(a: Scored, b: Scored) -> bool:
    """Do two sentences say the same: by the main model's vectors for two English ones, by the multilingual vectors
    for a sentence and its translation, by their terms for two sentences of another language."""
    ca, cb = a.candidate, b.candidate
    overlap = len(a.terms & b.terms) / max(1, min(len(a.terms), len(b.terms)))
    if ca.language == cb.language == MAIN_LANGUAGE:
        return float(ca.vector @ cb.vector) > 0.85 or overlap > 0.7
    if ca.language != cb.language and ca.crossing is not None and cb.crossing is not None:
        return float(ca.crossing @ cb.crossing) > SAME_ACROSS
    return overlap > 0.7


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
