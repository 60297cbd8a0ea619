"""The evaluation metrics on hand-made cases, each worked out by hand."""

from __future__ import annotations

import pytest

from evals import metrics as m
from evals.run import Regression, Result, compare, summarize

TEXTS = {
    "news": "TEHRAN –  Cassard met Alishvandi.\nHe proposed a trilateral\n  meeting. She said CBRN readiness matters.",
    "notes": "- Cassard proposed a trilateral meeting.\n- No decision is recorded.",
}


@pytest.fixture()
def locator():
    return m.Locator(TEXTS)


def test_locator_folds_white_space_and_returns_original_offsets(locator):
    [span] = locator.find("proposed a trilateral meeting", "news")
    assert TEXTS["news"][span.start:span.end] == "proposed a trilateral\n  meeting"
    assert {s.document_id for s in locator.find("proposed a trilateral meeting")} == {"news", "notes"}
    assert locator.find("not there") == [] and locator.find("   ") == []
    assert locator.find("Cassard", "missing-document") == []


def test_locator_finds_every_occurrence():
    spans = m.Locator({"d": "a b a  b a"}).find("a b")
    assert [(s.start, s.end) for s in spans] == [(0, 3), (4, 8)]


def test_spans_overlap_only_within_one_document():
    a = m.Span("d", 10, 20)
    assert a.overlaps(m.Span("d", 19, 30)) and a.overlaps(m.Span("d", 0, 11)) and a.overlaps(m.Span("d", 12, 13))
    assert not a.overlaps(m.Span("d", 20, 30)) and not a.overlaps(m.Span("e", 10, 20))


def test_hit_at_k_and_reciprocal_rank():
    relevant = [False, False, True, False, True]
    assert [m.hit_at(relevant, k) for k in (1, 2, 3, 5)] == [0.0, 0.0, 1.0, 1.0]
    assert m.reciprocal_rank(relevant) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(relevant, k=2) == 0.0
    assert m.reciprocal_rank([]) == 0.0 and m.hit_at([], 10) == 0.0


def test_relevance_is_overlap_with_any_evidence_span():
    evidence = [m.Span("d", 100, 150)]
    chunks = [m.Span("d", 0, 100), m.Span("d", 90, 120), m.Span("e", 100, 150)]
    assert m.relevance(chunks, evidence) == [False, True, False]


def test_a_span_is_covered_by_one_chunk_or_by_adjacent_chunks_together():
    span = m.Span("d", 50, 120)
    assert m.covered(span, [m.Span("d", 0, 200)])
    assert m.covered(span, [m.Span("d", 100, 200), m.Span("d", 0, 100)])  # split across two chunks
    assert not m.covered(span, [m.Span("d", 0, 100)])
    assert not m.covered(span, [m.Span("d", 0, 80), m.Span("d", 90, 200)])  # a gap
    assert not m.covered(span, [m.Span("e", 0, 200)])


def test_evidence_recall_counts_a_span_found_in_any_of_its_occurrences():
    occurrences = [[m.Span("a", 0, 10), m.Span("b", 0, 10)], [m.Span("a", 50, 60)], [m.Span("c", 0, 5)]]
    retrieved = [m.Span("b", 0, 40), m.Span("a", 40, 100)]
    assert m.evidence_recall(occurrences, retrieved) == pytest.approx(2 / 3)
    assert m.evidence_recall([], retrieved) == 0.0


def test_token_f1_and_reference_recall_follow_squad_normalisation():
    # "The second quarter of 2026 [1]." -> second quarter of 2026 (article, marker and punctuation dropped)
    assert m.normalize_tokens("The second quarter of 2026 [1].") == ["second", "quarter", "of", "2026"]
    prediction = "It is planned for the second quarter of 2026 [1]."
    # prediction tokens: it is planned for second quarter of 2026 (8); reference: second quarter of 2026 (4)
    assert m.token_f1(prediction, ["In the second quarter of 2026."]) == pytest.approx(2 * 0.5 * 0.8 / 1.3)
    assert m.reference_recall(prediction, ["In the second quarter of 2026."]) == pytest.approx(4 / 5)
    assert m.reference_recall(prediction, ["Oman", "second quarter of 2026"]) == 1.0  # the best reference counts
    assert m.token_f1("nothing alike", ["Oman"]) == 0.0 and m.token_f1("x", []) == 0.0


def test_marked_sentences_and_attributions():
    answer = "Vincent Cassard, the ICRC representative [1]: “He proposed a meeting.” [2] No date is stated. [3]"
    assert m.marked_sentences(answer) == {
        1: "Vincent Cassard, the ICRC representative ", 2: ": “He proposed a meeting.” ", 3: " No date is stated. "
    }
    assert m.attributions(answer) == {1: 2}


def test_citation_correct_on_the_evidence_or_supporting_an_answer_about_the_reference():
    evidence = [m.Span("news", 40, 90)]
    on_evidence = [m.Span("news", 60, 70)]
    assert m.citation_correct(on_evidence, "anything", "anything", evidence, [])
    # off the evidence, but the quote supports its sentence and the sentence is about the reference answer
    quote = "Cassard proposed a trilateral meeting."
    elsewhere = [m.Span("notes", 2, 40)]
    assert m.citation_correct(elsewhere, quote, quote, evidence, ["Cassard proposed a trilateral meeting."])
    # a verbatim quote supports itself, but off the evidence and off the reference it is not correct
    assert not m.citation_correct(elsewhere, "No decision is recorded.", "No decision is recorded.", evidence,
                                  ["Cassard proposed a trilateral meeting."])
    # a sentence the quote does not support
    assert not m.citation_correct(elsewhere, quote, "The ICRC signed a memorandum in Oman.", evidence,
                                  ["The ICRC signed a memorandum in Oman."])


def test_refusal_metrics_from_answerable_and_refused_pairs():
    outcomes = [(False, True), (False, True), (False, False), (True, True), (True, False), (True, False)]
    got = m.refusal_metrics(outcomes)
    assert got["refusal_precision"] == pytest.approx(2 / 3)  # 3 refusals, 2 of them right
    assert got["refusal_recall"] == pytest.approx(2 / 3)  # 3 unanswerable, 2 refused
    assert got["refusal_accuracy"] == pytest.approx(4 / 6)  # 2 right refusals + 2 right answers
    assert got["false_refusal_rate"] == pytest.approx(1 / 3)
    assert m.refusal_metrics([(True, False)])["refusal_precision"] is None


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert m.percentile(values, 50) == 50 and m.percentile(values, 95) == 95 and m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None


def _result(answerable, refused, **scores):
    return Result(id="x", question="q", answerable=answerable, refused=refused, answer="", citations=[],
                  latency_ms=scores.pop("latency_ms", 10.0), outcome="", **scores)


def test_summary_averages_answerable_questions_and_pools_citations():
    results = [
        _result(True, False, hit_at_1=1.0, reciprocal_rank=1.0, citations_correct=[True, True, False]),
        _result(True, True, hit_at_1=0.0, reciprocal_rank=0.5, citations_correct=[]),
        _result(False, True, latency_ms=30.0),
    ]
    summary = summarize(results)
    assert summary["hit@1"] == 0.5 and summary["mrr@10"] == 0.75
    assert summary["citation_precision"] == pytest.approx(round(2 / 3, 4))
    assert summary["refusal_recall"] == 1.0 and summary["false_refusal_rate"] == 0.5
    assert summary["latency_p50_ms"] == 10.0 and summary["latency_p95_ms"] == 30.0


def test_baseline_gate_flags_drops_beyond_the_tolerance_in_the_right_direction():
    baseline = {"hit@5": 0.90, "false_refusal_rate": 0.10, "citation_precision": 0.95, "latency_p50_ms": 10}
    measured = {"hit@5": 0.89, "false_refusal_rate": 0.13, "citation_precision": None, "latency_p50_ms": 99}
    regressions = compare(measured, baseline, tolerance=0.02)
    assert [r.metric for r in regressions] == ["citation_precision", "false_refusal_rate"]
    assert compare(measured | {"citation_precision": 0.94}, baseline, tolerance=0.05) == []
    assert str(Regression("hit@5", 0.9, 0.8)) == "hit@5: 0.8000 against baseline 0.9000"


def test_lead_is_the_answer_before_its_first_citation_marker():
    assert m.lead("In the second quarter of 2026 [1]. Cassard said so [2].") == "In the second quarter of 2026 "
    assert m.lead("No marker at all.") == "No marker at all."
    assert m.lead("[1] starts with a marker") == ""


def test_an_answer_leads_with_the_reference_when_its_lead_holds_80_percent_of_its_tokens():
    # lead tokens: it is planned for second quarter of 2026; reference: second quarter of 2026 (all 4 in the lead)
    assert m.leads_with_answer("It is planned for the second quarter of 2026 [1].", ["the second quarter of 2026"])
    # the reference only after the first marker: not in the lead
    assert not m.leads_with_answer("Cassard said [1]: “in the second quarter of 2026” [2]",
                                   ["the second quarter of 2026"])
    # 4 of 5 reference tokens (in second quarter of 2026; "in" missing) is 0.8: enough; 3 of 4 is 0.75: not
    assert m.leads_with_answer("The second quarter of 2026 [1].", ["In the second quarter of 2026."])
    assert not m.leads_with_answer("The second quarter of [1] 2026.", ["second quarter of 2026"])
    # the best reference counts; punctuation and case are normalised as for the answer F1
    assert m.leads_with_answer("Vincent Cassard, the ICRC representative [1]: “…” [2]", ["Oman", "vincent cassard"])
    assert m.leads_with_answer("GESA gave 12 ambulances [1].", ["12 ambulances"])
    assert not m.leads_with_answer("anything [1]", [])


def test_questions_asking_for_a_date_number_person_or_place_ask_for_a_span():
    assert m.asks_for_span("When's the next rehab conference happening?")  # date
    assert m.asks_for_span("How many ambulances is GESA giving the CRS?")  # count
    assert m.asks_for_span("Who set up the rehab secretariat?")  # person
    assert m.asks_for_span("Where was the RFL course held?")  # place
    assert not m.asks_for_span("What did the IRCS say about CBRN readiness?")


def test_direct_answer_is_the_share_of_span_questions_answered_lead_first_with_its_denominator():
    results = [
        _result(True, False, leads_with_answer=True),
        _result(True, False, leads_with_answer=False),
        _result(True, False, leads_with_answer=True),
        _result(True, False),  # not a span question (or not answered): outside the denominator
        _result(False, False, leads_with_answer=None),
    ]
    summary = summarize(results)
    assert summary["direct_answer"] == pytest.approx(round(2 / 3, 4)) and summary["direct_answer_questions"] == 3
    assert summarize([_result(True, True)])["direct_answer"] is None
    assert summarize([_result(True, True)])["direct_answer_questions"] == 0


def test_a_span_question_is_scored_for_its_lead_only_when_answered():
    from types import SimpleNamespace

    from evals.qa import QAItem
    from evals.run import score

    item = QAItem(id="q", question="When is the second conference planned?", answers=("the second quarter of 2026",),
                  evidence=(), answerable=True)
    answered = SimpleNamespace(refused=False, answer="In the second quarter of 2026 [1].", citations=[])
    buried = SimpleNamespace(refused=False, answer="Cassard said [1]: “the second quarter of 2026” [2]", citations=[])
    refused = SimpleNamespace(refused=True, answer="The documents do not answer this.", citations=[])
    locator = m.Locator({})
    assert score(item, answered, [], 1.0, locator).leads_with_answer is True
    assert score(item, buried, [], 1.0, locator).leads_with_answer is False
    assert score(item, refused, [], 1.0, locator).leads_with_answer is None
    other = QAItem(id="o", question="What was said about CBRN?", answers=("CBRN readiness",), evidence=(),
                   answerable=True)
    assert score(other, answered, [], 1.0, locator).leads_with_answer is None


def test_direct_answer_is_reported_but_not_gated():
    assert compare({"direct_answer": 0.1}, {"direct_answer": 0.9}, tolerance=0.02) == []
