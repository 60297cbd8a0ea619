"""The evaluation metrics, as small pure functions over plain values (each is defined in evals/README.md).

Evidence spans and quotes are located in the documents' extracted text with runs of white space folded to one
space, and compared by character offsets: a retrieved chunk is relevant when it overlaps a gold span, a span is
found when the retrieved chunks cover it, a citation is on the evidence when its quote overlaps a gold span.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from index.terms import normalize

_WHITE = re.compile(r"\s+")
_MARKER = re.compile(r"\[\d+\]")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation + "“”‘’«»–—،؛؟")
# Function words left out when asking whether a quote supports a sentence (content words only).
_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its this that these "
    "those there their they them he she his her we our you your i not no do does did has have had will would can "
    "could should may might must shall also than then so such which who whom whose what when where why how all any "
    "each other into over under about between during before after above below up down out off again further once "
    "said says say".split()
)


@dataclass(frozen=True)
class Span:
    """A stretch [start, end) of one document's extracted text."""

    document_id: str
    start: int
    end: int

    def overlaps(self, other: "Span") -> bool:
        return self.document_id == other.document_id and self.start < other.end and other.start < self.end


def fold(text: str) -> str:
    return _WHITE.sub(" ", text).strip()


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the offset of that character in `text`."""
    out, where, space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            where.append(i - 1)
            space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


class Locator:
    """Finds folded strings in the documents' text and answers with spans of the original text."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = {doc_id: _folded_with_offsets(text) for doc_id, text in texts.items()}

    def find(self, needle: str, document_id: str | None = None) -> list[Span]:
        """Every occurrence of `needle` (white space folded), in one document or in all."""
        needle = fold(needle)
        if not needle:
            return []
        ids = [document_id] if document_id is not None else list(self._texts)
        spans = []
        for doc_id in ids:
            if doc_id not in self._texts:
                continue
            folded, where = self._texts[doc_id]
            at = folded.find(needle)
            while at != -1:
                spans.append(Span(doc_id, where[at], where[at + len(needle) - 1] + 1))
                at = folded.find(needle, at + 1)
        return spans


# --- retrieval ---------------------------------------------------------------------------------------------------


def relevance(retrieved: Sequence[Span], evidence: Sequence[Span]) -> list[bool]:
    """For each retrieved chunk in rank order: does it overlap a gold evidence span?"""
    return [any(chunk.overlaps(span) for span in evidence) for chunk in retrieved]


def hit_at(relevant: Sequence[bool], k: int) -> float:
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int = 10) -> float:
    for rank, is_relevant in enumerate(relevant[:k], start=1):
        if is_relevant:
            return 1.0 / rank
    return 0.0


def covered(span: Span, chunks: Iterable[Span]) -> bool:
    """Whether the chunks, together, contain every character of the span."""
    position = span.start
    for chunk in sorted((c for c in chunks if c.document_id == span.document_id), key=lambda c: c.start):
        if chunk.start <= position < chunk.end:
            position = chunk.end
        if position >= span.end:
            return True
    return position >= span.end


def evidence_recall(evidence: Sequence[Sequence[Span]], retrieved: Sequence[Span]) -> float:
    """Share of gold evidence spans found in the retrieved chunks. Each span is given with all its occurrences
    (the same sentence may stand in two documents); finding one of them is enough."""
    if not evidence:
        return 0.0
    return sum(any(covered(o, retrieved) for o in occurrences) for occurrences in evidence) / len(evidence)


# --- answers ---------------------------------------------------------------------------------------------------


def normalize_tokens(text: str) -> list[str]:
    """SQuAD's answer normalisation: lower case, no [n] markers, no punctuation, no articles, white space split;
    Persian letter variants made one and a ZWNJ read as a space."""
    text = _MARKER.sub(" ", normalize(text).replace("\u200c", " ").lower()).translate(_PUNCTUATION)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, references: Sequence[str]) -> float:
    """The best token F1 of the prediction against any reference (0 without references)."""
    best = 0.0
    predicted = Counter(normalize_tokens(prediction))
    for reference in references:
        gold = Counter(normalize_tokens(reference))
        common = sum((predicted & gold).values())
        if common:
            precision, recall = common / sum(predicted.values()), common / sum(gold.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def reference_recall(prediction: str, references: Sequence[str]) -> float:
    """The best share of a reference's tokens (with repeats) that the prediction contains."""
    predicted = Counter(normalize_tokens(prediction))
    best = 0.0
    for reference in references:
        gold = Counter(normalize_tokens(reference))
        if gold:
            best = max(best, sum((predicted & gold).values()) / sum(gold.values()))
    return best


# Kinds of question (assistant.question.analyze) whose answer is a short span: a number or amount, a date, a person
# or organisation, a place. An answer to one should lead with that span.
DIRECT_KINDS = frozenset({"count", "date", "person", "place"})


def asks_for_span(question: str) -> bool:
    """Whether the question asks for a date, a number or amount, a person or organisation, or a place."""
    from assistant.question import analyze

    return analyze(question).kind in DIRECT_KINDS


def lead(answer: str) -> str:
    """The answer's lead: its text before the first citation marker [n] (all of it when there is none)."""
    marker = _MARKER.search(answer)
    return answer[:marker.start()] if marker else answer


def leads_with_answer(answer: str, references: Sequence[str], threshold: float = 0.8) -> bool:
    """Whether the answer's lead holds the best reference: at least `threshold` of its tokens, normalised as for
    the answer F1."""
    return bool(references) and reference_recall(lead(answer), references) >= threshold


# --- citations -------------------------------------------------------------------------------------------------


def content_words(text: str) -> set[str]:
    return {t for t in normalize_tokens(text) if t not in _STOPWORDS}


def supports(quote: str, sentence: str, threshold: float = 0.6) -> bool:
    """Whether the quote holds at least `threshold` of the sentence's content words."""
    words = content_words(sentence)
    return bool(words) and len(words & content_words(quote)) / len(words) >= threshold


def about_references(sentence: str, references: Sequence[str], threshold: float = 0.3) -> bool:
    """Whether an answer sentence is about the reference answer: at least `threshold` of its content words occur
    in a reference."""
    words = content_words(sentence)
    return bool(words) and any(len(words & content_words(r)) / len(words) >= threshold for r in references)


def marked_sentences(answer: str) -> dict[int, str]:
    """The text each [n] marker closes: from the previous marker (or the start) up to it."""
    out, previous = {}, 0
    for match in _MARKER.finditer(answer):
        marker = int(match.group()[1:-1])
        out.setdefault(marker, answer[previous:match.start()])
        previous = match.end()
    return out


def attributions(answer: str) -> dict[int, int]:
    """Markers that introduce a speaker ("Name, role [1]: “...” [2]"), each with the marker of the quote it
    introduces."""
    out, markers = {}, list(_MARKER.finditer(answer))
    for this, following in zip(markers, markers[1:]):
        if answer[this.end():this.end() + 1] == ":":
            out[int(this.group()[1:-1])] = int(following.group()[1:-1])
    return out


def citation_correct(quote_spans: Sequence[Span], quote: str, sentence: str, evidence: Sequence[Span],
                     references: Sequence[str]) -> bool:
    """A citation is correct when its quote overlaps a gold evidence span, or when the quote supports the answer
    sentence that carries it and that sentence is about the reference answer."""
    if any(q.overlaps(e) for q in quote_spans for e in evidence):
        return True
    return supports(quote, sentence) and about_references(sentence, references)


# --- refusals and latency --------------------------------------------------------------------------------------


def refusal_metrics(outcomes: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """From (answerable, refused) pairs: precision and recall of refusing (the positive class is 'unanswerable'),
    accuracy of the refuse-or-answer decision over all questions, and the false-refusal rate on answerable ones.
    A rate whose denominator is zero is None."""
    refused_right = sum(1 for answerable, refused in outcomes if refused and not answerable)
    refused = sum(1 for _, r in outcomes if r)
    unanswerable = sum(1 for a, _ in outcomes if not a)
    answerable = len(outcomes) - unanswerable
    false_refusals = sum(1 for a, r in outcomes if a and r)
    right = sum(1 for a, r in outcomes if a != r)
    ratio = lambda n, d: n / d if d else None  # noqa: E731
    return {
        "refusal_precision": ratio(refused_right, refused),
        "refusal_recall": ratio(refused_right, unanswerable),
        "refusal_accuracy": ratio(right, len(outcomes)),
        "false_refusal_rate": ratio(false_refusals, answerable),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


_NO_AGREEMENT = re.compile(
    r"\b(?:no|not any|nothing)\b[^.]{0,40}?\b(?:agree\w*|decision\w*|decided|commitment\w*)\b"
    r"|\b(?:not|never)\b[^.]{0,20}?\b(?:agreed|decided|signed)\b", re.I)


def presents_as_agreement(answer: str, refused: bool) -> bool:
    """Whether an answer to "what was agreed" presents what it quotes as agreed, where the documents record no
    agreement: it neither refuses nor says plainly that no agreement or decision is recorded."""
    return not refused and not _NO_AGREEMENT.search(answer)
