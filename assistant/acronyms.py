"""Answers to "What does CBRN stand for?": the long form, cited where a document spells it out, or from the glossary."""

from __future__ import annotations

import re
import threading
from collections import Counter

from index.sentences import split_sentences

from .answer import Answer, Citation
from .asked import Asked, Assessment

_STANDS_FOR = re.compile(
    r"^\s*(?:what|wh?ich)\s+(?:does|do|did|is|was)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?[“\"']?"
    r"(?P<a>[A-Za-z][A-Za-z&]{1,9})[”\"']?\s+(?:stand\s+for|mean|short\s+for)\b"
    r"|^\s*what\s+is\s+(?:the\s+)?(?:full\s+(?:form|name)|long\s+form|expansion)\s+of\s+(?:the\s+)?[“\"']?"
    r"(?P<b>[A-Za-z][A-Za-z&]{1,9})\b", re.I)


class AcronymAnswerer:
    """Answers what an acronym stands for, from the pairs ingest found; None for any other question, or an acronym
    nobody spells out."""

    def __init__(self, index, acronyms: "Acronyms") -> None:
        self.index, self.acronyms, self.glossary = index, acronyms, acronyms.glossary

    def assess(self, asked: Asked) -> Assessment | None:
        answer = self.answer(asked.text, asked.allowed)
        return None if answer is None else Assessment(answer, {"direct": float(len(answer.citations))})

    def answer(self, question: str, allowed: list[str] | None = None) -> Answer | None:
        match = _STANDS_FOR.search(question)
        if not match:
            return None
        asked = match.group("a") or match.group("b")
        permitted = None if allowed is None else set(allowed)
        spelled = [(self.index.catalog.document(doc_id), acronym, long_form, start, end)
                   for acronym in dict.fromkeys((asked, asked.upper()))
                   for doc_id, long_form, start, end in self.acronyms.spelled_out(acronym)
                   if permitted is None or doc_id in permitted]
        for d, acronym, long_form, start, end in sorted((s for s in spelled if s[0]), key=lambda s: s[0]["source"]):
            text = self.index.text(d["id"]) or ""
            # the sentence holding the pair; the pair alone if a sentence boundary falls inside it
            s, e = next(((s, e) for s, e in split_sentences(text) if s <= start and end <= e), (start, end))
            citation = Citation(
                marker=1, document_id=d["id"], title=d["title"], source=d["source"], date=d["date"], quote=text[s:e],
                chunk_id=self.index.chunk_at(d["id"], s) or "", score=1.0,
            )
            return Answer(f"{acronym} stands for {long_form} [1].", False, [citation])
        long_form = self.glossary.get(asked) or self.glossary.get(asked.upper())
        if long_form:
            return Answer(f"{asked.upper() if asked.upper() in self.glossary else asked} stands for {long_form}, "
                          "according to the acronym glossary (glossary.yaml); no document spells it out.", False, [])
        return None


class Acronyms:
    """Acronym -> long form: the glossary, then the pairs the documents spell out (found at ingest); gathered once
    per loaded index (the keyword index's generation), not per question."""

    def __init__(self, index, glossary: dict[str, str]) -> None:
        self.index, self.glossary = index, dict(glossary)
        self._read: tuple[str, dict[str, str], dict[str, str], dict[str, list]] | None = None
        self._lock = threading.Lock()

    def spelled_out(self, acronym: str) -> list[tuple[str, str, int, int]]:
        """Where documents spell the acronym out: (document id, long form, start, end of "long form (ACRONYM)")."""
        return self._pairs()[3].get(acronym, [])

    def all(self) -> dict[str, str]:
        """Every pair: a name and its other spelling are one name."""
        return self._pairs()[1]

    def expansions(self) -> dict[str, str]:
        """The pairs keyword search widens a question with. An acronym in most documents (ICRC, IRCS here) names
        what every question is about: expanding it only weighs down the rest of the question (measured: hit@1
        0.705 -> 0.682 on the partnership set)."""
        return self._pairs()[2]

    def _pairs(self) -> tuple[str, dict[str, str], dict[str, str], dict[str, list]]:
        generation = self.index.keywords.generation
        with self._lock:
            if self._read is None or self._read[0] != generation:
                found, where = dict(self.glossary), {}
                facts = self.index.catalog.all_facts()
                for doc_id, document in facts.items():
                    for acronym, long_form, start, end in document.get("acronyms", ()):
                        found.setdefault(acronym, long_form)
                        where.setdefault(acronym, []).append((doc_id, long_form, start, end))
                used = Counter(a for document in facts.values() for a in set(document.get("mentions", ())))
                common = {a for a in found if used[a] > len(facts) / 2}
                self._read = (generation, found, {a: f for a, f in found.items() if a not in common}, where)
            return self._read
