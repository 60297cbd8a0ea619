"""Runs a Q&A set through the assistant (the same `ask` that POST /chat calls) and scores every question."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Protocol, Sequence

from . import metrics as m
from .qa import QAItem

DEPTH = 10  # retrieval metrics look at the first 10 fused chunks
GOOD_OUTCOMES = ("answered", "refused")


class Asks(Protocol):
    """What the runner needs of the assistant: assistant.service.Assistant.ask_traced."""

    def ask_traced(self, question: str, filters=None, top_k=None, depth: int = 0): ...


@dataclass
class Result:
    """One question's answer and scores. Retrieval, answer and citation scores are None for unanswerable ones."""

    id: str
    question: str
    answerable: bool
    refused: bool
    answer: str
    citations: list[dict]
    latency_ms: float
    outcome: str  # answered | unsupported | false refusal | refused | should refuse
    hit_at_1: float | None = None
    hit_at_5: float | None = None
    hit_at_10: float | None = None
    reciprocal_rank: float | None = None
    evidence_recall: float | None = None
    f1: float | None = None
    reference_recall: float | None = None
    citations_correct: list[bool] = field(default_factory=list)  # of a non-refused answer, by citation
    citation_recall: float | None = None
    unlocated_evidence: list[str] = field(default_factory=list)  # evidence spans found in no document
    signals: dict[str, float] = field(default_factory=dict)  # the answerer's refusal signals
    slices: list[str] = field(default_factory=list)
    calls_proposal_agreement: bool | None = None  # for an item whose documents record no agreement
    leads_with_answer: bool | None = None  # of an answered question asking for a date, number, person or place

    def to_dict(self) -> dict:
        return asdict(self)


def score(item: QAItem, answer, hits: Sequence, latency_ms: float, locator: m.Locator,
          signals: dict | None = None) -> Result:
    """Scores one answer against its Q&A item."""
    citations = [asdict(c) for c in answer.citations]
    result = Result(
        id=item.id, question=item.question, answerable=item.answerable, refused=answer.refused, answer=answer.answer,
        citations=citations, latency_ms=round(latency_ms, 1), outcome="",
        signals={k: round(v, 4) for k, v in (signals or {}).items()}, slices=list(item.slices),
    )
    if item.agreed is False:
        result.calls_proposal_agreement = m.presents_as_agreement(answer.answer, answer.refused)
    if not item.answerable:
        result.outcome = "refused" if answer.refused else "should refuse"
        return result
    occurrences = [locator.find(span) for span in item.evidence]
    result.unlocated_evidence = [span for span, found in zip(item.evidence, occurrences) if not found]
    evidence = [span for found in occurrences for span in found]
    retrieved = [m.Span(h.chunk.document_id, h.chunk.start, h.chunk.end) for h in hits[:DEPTH]]
    relevant = m.relevance(retrieved, evidence)
    result.hit_at_1, result.hit_at_5, result.hit_at_10 = (m.hit_at(relevant, k) for k in (1, 5, 10))
    result.reciprocal_rank = m.reciprocal_rank(relevant, DEPTH)
    result.evidence_recall = m.evidence_recall(occurrences, retrieved) if item.evidence else None
    if answer.refused:
        result.f1 = result.reference_recall = 0.0
        result.citation_recall = 0.0 if item.evidence else None
        result.outcome = "false refusal"
        return result
    result.f1 = m.token_f1(answer.answer, item.answers) if item.answers else None
    result.reference_recall = m.reference_recall(answer.answer, item.answers) if item.answers else None
    if item.answers and m.asks_for_span(item.question):
        result.leads_with_answer = m.leads_with_answer(answer.answer, item.answers)
    sentences = m.marked_sentences(answer.answer)
    cited = []
    for c in answer.citations:
        quote_spans = locator.find(c.quote, c.document_id)
        cited += quote_spans
        result.citations_correct.append(
            m.citation_correct(quote_spans, c.quote, sentences.get(c.marker, ""), evidence, item.answers)
        )
    by_marker = {c.marker: ok for c, ok in zip(answer.citations, result.citations_correct)}
    for intro, quoted in m.attributions(answer.answer).items():  # a speaker's introduction goes with their words
        by_marker[intro] = by_marker.get(quoted, False)
    result.citations_correct = [by_marker[c.marker] for c in answer.citations]
    if item.evidence:
        found = [any(q.overlaps(e) for q in cited for e in spans) for spans in occurrences]
        result.citation_recall = sum(found) / len(found)
    result.outcome = "answered" if any(result.citations_correct) else "unsupported"
    return result


def run(
    items: Sequence[QAItem], assistant: Asks, locator: m.Locator, progress: Callable[[int, int], None] | None = None
) -> list[Result]:
    results = []
    for done, item in enumerate(items, start=1):
        started = time.perf_counter()
        traced = assistant.ask_traced(item.question, depth=DEPTH)
        latency_ms = (time.perf_counter() - started) * 1000
        results.append(score(item, traced.answer, traced.hits, latency_ms, locator, traced.signals))
        if progress:
            progress(done, len(items))
    return results


def summarize(results: Sequence[Result]) -> dict[str, float | None]:
    """The set's metrics. Retrieval and answer metrics average over answerable questions; citation precision is
    over the citations of answers given to answerable questions; refusal metrics over all questions."""
    answerable = [r for r in results if r.answerable]

    def average(name: str) -> float | None:
        return m.mean([getattr(r, name) for r in answerable if getattr(r, name) is not None])

    citations = [ok for r in answerable for ok in r.citations_correct]
    direct = [float(r.leads_with_answer) for r in answerable if r.leads_with_answer is not None]
    latencies = [r.latency_ms for r in results]
    out = {
        "hit@1": average("hit_at_1"),
        "hit@5": average("hit_at_5"),
        "hit@10": average("hit_at_10"),
        "mrr@10": average("reciprocal_rank"),
        "evidence_recall@10": average("evidence_recall"),
        "answer_f1": average("f1"),
        "reference_recall": average("reference_recall"),
        "citation_precision": m.mean([float(ok) for ok in citations]),
        "citation_recall": average("citation_recall"),
        **m.refusal_metrics([(r.answerable, r.refused) for r in results]),
        "proposals_called_agreements": sum(bool(r.calls_proposal_agreement) for r in results),
        "direct_answer": m.mean(direct),
        "direct_answer_questions": len(direct),
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
    }
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


SLICE_COLUMNS = ("questions", "reference_recall", "citation_precision", "hit@1", "refusal_accuracy",
                 "proposals_called_agreements", "direct_answer")


def by_slice(results: Sequence[Result]) -> dict[str, dict]:
    """The metrics of each slice, with its number of questions."""
    names = sorted({s for r in results for s in r.slices})
    return {name: {"questions": sum(name in r.slices for r in results),
                   **summarize([r for r in results if name in r.slices])} for name in names}


# Which way is better, for the baseline gate. Latency depends on the machine: reported, never gated.
HIGHER_IS_BETTER = (
    "hit@1", "hit@5", "hit@10", "mrr@10", "evidence_recall@10", "answer_f1", "reference_recall",
    "citation_precision", "citation_recall", "refusal_precision", "refusal_recall", "refusal_accuracy",
)
LOWER_IS_BETTER = ("false_refusal_rate", "proposals_called_agreements")
# Reported and plotted, never gated: direct_answer (whether an answer leads with the date, number, person or place
# asked for) is a measure of presentation, with a denominator that changes with the answered questions.
REPORTED_ONLY = ("direct_answer",)


@dataclass(frozen=True)
class Regression:
    metric: str
    baseline: float
    measured: float | None

    def __str__(self) -> str:
        measured = "none" if self.measured is None else f"{self.measured:.4f}"
        return f"{self.metric}: {measured} against baseline {self.baseline:.4f}"


def compare(measured: dict, baseline: dict, tolerance: float) -> list[Regression]:
    """The gated metrics that got worse than the baseline by more than `tolerance` (absolute)."""
    out = []
    for name in HIGHER_IS_BETTER + LOWER_IS_BETTER:
        before, now = baseline.get(name), measured.get(name)
        if before is None:
            continue
        if now is None:
            out.append(Regression(name, before, None))
        elif name in HIGHER_IS_BETTER and now < before - tolerance:
            out.append(Regression(name, before, now))
        elif name in LOWER_IS_BETTER and now > before + tolerance:
            out.append(Regression(name, before, now))
    return out
