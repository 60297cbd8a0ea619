"""The ask flow on the sample documents: cited answers, honest refusals, filters."""

from __future__ import annotations

import pytest

from assistant.retrieve import Filters
from index.errors import InvalidRequest

from .contract import assert_contract, fold

CBRN = "the joint efforts should focus on boosting readiness in the chemical, biological, radiological"

ANSWERABLE = [
    ("Who proposed a trilateral meeting?", "trilateral meeting", "Cassard"),
    ("Where was the RFL course held?", "Oman", None),
    ("When is the second conference on rehabilitation planned?", "second quarter of 2026", None),
    ("Which provinces did Alishvandi mention?", "Khorasan Razavi", None),
    ("What does the IRCS expect from the ICRC?", "psychological support workshops", None),
    ("What does MHPSS stand for?", "mental health and psychosocial support", None),
]

UNANSWERABLE = [
    "What did the ICRC and IRCS agree about earthquake response in Kermanshah?",
    "When was the memorandum of understanding signed?",
    "How many refugees received rehabilitation services in 2025?",
    "What is the budget amount secured by the ICRC office in Tehran?",
    "Who is the president of the Iranian Red Crescent Society?",
    "What is the capital of Australia?",
]


def ask(assistant, question, filters=None) -> dict:
    return assistant.ask(question, filters).to_dict()


def test_cbrn_answer_cites_the_2026_sentence_and_says_who_said_it(assistant, sample_index):
    """The headline question is answered from the 2026 CBRN sentence, attributed to Alishvandi of the IRCS."""
    answer = ask(assistant, "What was agreed on CBRN readiness?")
    assert_contract(answer, sample_index.catalog)
    assert not answer["refused"]
    assert any(CBRN in c["quote"] for c in answer["citations"])
    assert "Alishvandi" in answer["answer"] and "IRCS" in answer["answer"]


def test_a_statement_is_not_called_an_agreement(assistant):
    """The documents report what the IRCS said joint efforts should do; the answer says no agreement is recorded."""
    text = ask(assistant, "What was agreed on CBRN readiness?")["answer"]
    assert text.startswith("No agreement or decision on CBRN readiness is recorded in the documents.")
    assert "agreed" not in text.lower().replace("“", "").split("is recorded in the documents.")[1]


@pytest.mark.parametrize("question, phrase, speaker", ANSWERABLE)
def test_answerable_questions_quote_the_passage(assistant, sample_index, question, phrase, speaker):
    """Each answerable question is answered with a quote holding the answer."""
    answer = ask(assistant, question)
    assert_contract(answer, sample_index.catalog)
    assert not answer["refused"], answer["answer"]
    assert any(phrase.lower() in c["quote"].lower() for c in answer["citations"]), answer["answer"]
    if speaker:
        assert speaker in answer["answer"]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_are_refused(assistant, sample_index, question):
    """Questions the documents do not answer are refused in plain words, with the closest passages cited."""
    answer = ask(assistant, question)
    assert_contract(answer, sample_index.catalog)
    assert answer["refused"], answer["answer"]
    assert answer["answer"].startswith("The documents do not")


def test_every_answer_sentence_is_a_source_sentence(assistant, sample_index):
    """Outside the framing and the attributions, the answer's text is made of the quoted sentences."""
    answer = ask(assistant, "Which joint projects did Alishvandi highlight?")
    assert not answer["refused"]
    text = answer["answer"]
    for citation in answer["citations"]:
        text = text.replace(citation["quote"], "")
    leftover = fold(__import__("re").sub(r"\[\d+\]|[“”:]", " ", text))
    assert leftover in ("", "The documents record no agreement; they report what was said.")


def test_type_filter_limits_the_sources(assistant, sample_index):
    """With type meeting-notes, every citation comes from a meeting-notes document."""
    answer = ask(assistant, "Who proposed a trilateral meeting?", Filters.of(type="meeting-notes"))
    assert_contract(answer, sample_index.catalog)
    assert answer["citations"] and all("meeting-notes/" in c["source"] for c in answer["citations"])


def test_date_filter_uses_document_dates(assistant, sample_index):
    """since 2025-10 leaves only the November meeting notes: undated news is excluded, September too."""
    answer = ask(assistant, "What did Alishvandi say about CBRN readiness?", Filters.of(since="2025-10"))
    assert answer["citations"]
    assert {c["date"] for c in answer["citations"]} == {"2025-11-16"}


def test_source_filter_takes_a_folder(assistant, sample_index):
    """A source filter names a document or a folder of documents."""
    answer = ask(assistant, "Where was the RFL course held?", Filters.of(source="documents/news"))
    assert answer["citations"] and all(c["source"].startswith("documents/news/") for c in answer["citations"])


def test_bad_date_filter_is_a_clear_error(assistant):
    """A filter that is not a date is refused with a message naming the accepted forms."""
    with pytest.raises(InvalidRequest, match="YYYY"):
        assistant.ask("Where was the RFL course held?", Filters.of(since="last week"))


def test_empty_question_is_an_error(assistant):
    """An empty question is the caller's mistake, not an empty answer."""
    with pytest.raises(InvalidRequest):
        assistant.ask("   ")
