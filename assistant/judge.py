"""The decision to answer or refuse, in one place: the question, the sentences offered as support, and a verdict
with the named signals it was taken on (the evaluation records them per question).

The signals, each computed on the support the answerer picked:
- similarity: the best cosine similarity of a supporting sentence to the question; specificity: how far it stands
  above the median sentence read (a passage on the topic that lacks the answer has no sentence standing out);
- coverage: the share of the question's informative weight that the support holds. A word weighs by how rare it
  is in the language itself (`index.terms.informativeness`), not in this corpus, so everyday words ("take",
  "place", "title", "carry out") weigh nothing and never cause a refusal on their own. A word counts as held when
  a supporting sentence has its stem, its paragraph or document has the word, or a sentence has a word the
  embedding model finds close in meaning ("rehab" for "rehabilitation");
  best_coverage: the same share held by the best single sentence, by stem;
- missing: the informativeness of the rarest question word the support does not hold (0 when none is missing);
  absent: the same, among those that no document of the corpus holds either (the strongest sign of absence);
- type_missing: the question asks for a number, date, person or place and no supporting sentence has one;
- names_missing: the question names an organisation, person, place or year that neither the supporting sentence
  nor its speaker, paragraph or document names (`entities`). Such a sentence is about something else: refused
  whatever the other signals say;
- focus_missing: the thing asked for ("who/what is the ___", "what ___", "how many ___") is absent from the support;
  role_missing: the same for a who-question, where the focus is a role ("Who is the president of ...?").
names_missing, role_missing, type_missing and an absent word refuse on their own (`refusal.outright`); the graded
signals are combined by a logistic model fitted on several labelled sets at once (`python -m evals.calibrate`), with
its weights in refusal.json; the rules of `ThresholdRefusal` remain as a setting.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

import language
from index.embed import Embedder
from index.terms import informativeness, stem, words
from language import fa

from .entities import Name, matches
from .question import Question
from .refusal import Refusal, outright

# cosine of two words' vectors at which they count as the same word. Measured on 19 pairs of paraphrases and 18 of
# related but different things: "widen"/"expand" 0.71, "kids"/"schoolchildren" 0.70, "rehab"/"rehabilitation" 0.81,
# against "afghanistan"/"iran" 0.60, "cholera"/"disease" 0.53; words that begin alike ("purifiers"/"purification")
# count as one without the model.
MEANING = 0.62
INFORMATIVE = 0.25  # a missing word less informative than this is an everyday word: it names nothing absent


@dataclass(frozen=True)
class Support:
    """A sentence offered as an answer, with what is known of where it stands."""

    text: str
    similarity: float
    typed: bool  # holds the kind of answer asked for (a number, a date, a person, a place)
    context: frozenset[str]  # words of the sentence, its speaker, paragraph and document (entities.context_words)
    document_date: str | None = None
    language: str = "en"
    speaker: str = ""  # who the document says spoke the sentence ("this official said ..."): it is about them too


class Reading:
    """Which of a question's words a sentence can be checked for, and holds.

    A sentence in the question's language can be checked for every word. One in another language only for the words
    written alike in both (numbers, acronyms) and for names, which are compared by their consonants ("Talan",
    "تالان"); the rest it can neither hold nor lack by spelling, and count as half held (the similarity of the
    multilingual model says the rest)."""

    UNKNOWN = 0.5

    def __init__(self, q: Question) -> None:
        self.language = language.detect(q.text)
        self.named = {w.lower() for n in q.names for w in n.text.split()}

    def checkable(self, word: str, sentence_language: str) -> bool:
        return sentence_language == self.language or word.isdigit() or word.lower() in self.named or (
            self.language != "en" and word.isascii())

    def held_across(self, word: str, sentence: str) -> bool:
        """Does a sentence in another language hold this word: the same number or acronym, or the same name?"""
        stems, persian, capitalised = _read(sentence)
        if stem(word) in stems:
            return True
        if word.isascii():  # a name of the question, by its consonants
            return word.lower() in self.named and any(fa.same_name(word, w) for w in persian)
        return any(fa.same_name(w, word) for w in capitalised)

    def share(self, weights: dict[str, float], sentence: str, sentence_language: str) -> float:
        """The share of the question's weight a sentence of another language holds, the uncheckable words half."""
        total = sum(weights.values())
        if not total:
            return 1.0
        held = 0.0
        for word, w in weights.items():
            if self.held_across(word, sentence):
                held += w
            elif not self.checkable(word, sentence_language):
                held += self.UNKNOWN * w
        return held / total


@lru_cache(maxsize=4096)
def _read(sentence: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """A sentence's stems, its words in another script than Latin, and its capitalised Latin words: read once for all
    the question's words checked against it."""
    found = words(sentence)
    return (frozenset(stem(w) for w in found), tuple(w for w in found if not w.isascii()),
            tuple(re.findall(r"\b[A-Z][a-z]{2,}\b", sentence)))


@dataclass(frozen=True)
class Decision:
    refuse: bool
    signals: dict[str, float]
    missing: tuple[str, ...]  # informative question words that no support holds, as the question wrote them
    unmatched: tuple[str, ...]  # names of the question that the support is not about


class WordMeaning:
    """Whether two words mean nearly the same, by the embedding model; word vectors kept in a bounded cache.

    Only in a script the model reads (`persian`: whether it knows Persian): to a model that does not, every Persian
    word looks like every other, and all would "match"."""

    def __init__(self, embedder: Embedder, threshold: float = MEANING, cache_size: int = 50_000,
                 persian: bool = False) -> None:
        self.embedder, self.threshold, self.cache_size, self.persian = embedder, threshold, cache_size, persian
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def close_to_any(self, word: str, others: Sequence[str]) -> bool:
        if not others:
            return False
        if any(_same_root(word, other) for other in others):
            return True
        if _is_persian(word) and not self.persian:
            return False
        if not self.persian:  # a model that reads one language compares words of one script; a multilingual one, any
            others = [o for o in others if _is_persian(o) == _is_persian(word)]
        if not others:
            return False
        vectors = self._embed([word, *others])
        return bool((vectors[1:] @ vectors[0]).max() >= self.threshold)

    def _embed(self, items: Sequence[str]) -> np.ndarray:
        with self._lock:
            known = {w: self._vectors[w] for w in items if w in self._vectors}
        missing = [w for w in dict.fromkeys(items) if w not in known]
        if missing:
            known.update(zip(missing, self.embedder.embed(missing)))
            with self._lock:
                self._vectors.update((w, known[w]) for w in missing)
                while len(self._vectors) > self.cache_size:
                    self._vectors.popitem(last=False)
        return np.vstack([known[w] for w in items])


def _is_persian(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _same_root(a: str, b: str) -> bool:
    """Words that begin alike for most of the shorter one: "purifiers" and "purification"."""
    shorter = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), shorter)
    return common >= 5 and common >= 0.6 * shorter


class Judge:
    """Answer or refuse: one call, one verdict, its signals named."""

    def __init__(self, refusal: Refusal, meaning: WordMeaning | None = None,
                 document_frequency: Callable[[str], int] | None = None) -> None:
        """`document_frequency`: how many chunks of the corpus hold a stem (the keyword index's)."""
        self.refusal, self.meaning, self.document_frequency = refusal, meaning, document_frequency

    def decide(self, q: Question, support: Sequence[Support], background: Sequence[float] = ()) -> Decision:
        """`background`: the similarities of every candidate sentence read, picked or not."""
        reading = Reading(q)
        own = [s for s in support if s.language == reading.language]  # in the question's language
        other = [s for s in support if s.language != reading.language]
        held_stems = {stem(w) for s in own for w in words(s.text)}
        support_words = sorted({w for s in own for w in words(s.text)})
        unmatched = unmatched_names(q.names, support)
        named = {w.lower() for n in q.names if n.text not in unmatched for w in n.text.split()}
        weights = {word: _weight(word, word.lower() in named) for word, _ in q.terms}
        # a word the sentence's paragraph or document holds is held too: "this official" in a sentence whose
        # paragraph names her
        around = frozenset().union(*(s.context for s in support)) if support else frozenset()
        held = {word: s in held_stems or word.lower() in named or word in around
                or any(reading.held_across(word, o.text) for o in other)
                for word, s in q.terms}
        for word, is_held in held.items():
            if not is_held and own and informativeness(word) >= INFORMATIVE and self.meaning is not None:
                held[word] = self.meaning.close_to_any(word.lower(), support_words)
        # a word no sentence of the support can be checked for (all are in another language) is neither held nor
        # missing: half its weight counts as held
        unknown = {word for word in weights if not held[word] and not own
                   and not any(reading.checkable(word, o.language) for o in other)}
        total = sum(weights.values())
        missing = tuple(w for w in weights if not held[w] and w not in unknown and informativeness(w) >= INFORMATIVE)
        focus_held = q.focus is None or q.focus in held_stems or any(
            held[w] or w in unknown for w, s in q.terms if s == q.focus)
        best = max((s.similarity for s in support), default=0.0)
        covered = sum(w for word, w in weights.items() if held[word]) + Reading.UNKNOWN * sum(weights[w] for w in unknown)
        signals = {
            "similarity": best,
            "specificity": best - float(np.median(background)) if len(background) else 0.0,
            "coverage": covered / total if total else 1.0,
            "best_coverage": max((_coverage(weights, s, named) if s.language == reading.language
                                  else reading.share(weights, s.text, s.language) for s in support), default=0.0),
            "missing": max((informativeness(w) for w in missing), default=0.0),
            "absent": max((informativeness(w) for w in missing if self._nowhere(w)), default=0.0),
            "type_missing": float(q.kind in ("count", "date", "person", "place") and not any(s.typed for s in support)),
            "names_missing": float(bool(unmatched)),
            "focus_missing": float(not focus_held),
            # "Who is the president of ...?": a sentence that does not name the role asked about names someone else
            "role_missing": float(q.kind == "person" and not focus_held),
        }
        refuse = not support or outright(signals) is not None or self.refusal.refuse(signals)
        return Decision(refuse, signals, missing, unmatched)

    def _nowhere(self, word: str) -> bool:
        return self.document_frequency is not None and self.document_frequency(stem(word)) == 0


def _coverage(weights: dict[str, float], support: Support, named: set[str]) -> float:
    """The share of the question's weight that one sentence (and its speaker's name) holds by stem, or a name its
    context holds."""
    total = sum(weights.values())
    own = {stem(w) for w in words(f"{support.text} {support.speaker}")}
    return sum(w for word, w in weights.items() if stem(word) in own or word.lower() in named) / total if total else 1.0


def _weight(word: str, named: bool) -> float:
    """A question word's share in coverage: by its rarity in the language (an everyday word nothing), a name the
    support is about half (whether it is about it is the names check's to say)."""
    return 0.5 if named else informativeness(word)


def unmatched_names(names: Sequence[Name], support: Sequence[Support]) -> tuple[str, ...]:
    """The question's names that no supporting sentence is about (by its words, speaker, paragraph or document)."""
    if not support:
        return tuple(n.text for n in names)
    best = min((tuple(n.text for n in names if not matches(n, s.context, s.document_date)) for s in support), key=len)
    return best
