"""Judging answers by meaning: everyday words never refuse, names must match, the direct answer leads.

A fixture corpus of its own: notes of a partnership between the ICRC and the IRCS, and another society's news,
written so that each fact the tests ask about has a look-alike of another organisation."""

from __future__ import annotations

import re

import pytest

from assistant.entities import context_words, matches, names, organisations
from assistant.judge import Judge, Support
from assistant.question import analyze
from assistant.refusal import ThresholdRefusal
from assistant.span import lead
from index.terms import informativeness

from .contract import assert_contract, fold

PARTNERS = """---
title: ICRC and IRCS partnership meeting
date: 2025-11-16
type: meeting-notes
participants:
  - Vincent Cassard, head of delegation of the International Committee of the Red Cross (ICRC)
  - Razieh Alishvandi, director for international affairs of the Iranian Red Crescent Society (IRCS)
---

# Partnership meeting, Tehran

Vincent Cassard met Razieh Alishvandi in Tehran to review the partnership.

He added that the second conference on rehabilitation is planned to be held in the second quarter of 2026.

Alishvandi said the IRCS expects the ICRC to keep holding psychosocial support workshops for rescuers.

The participants discussed a joint mine awareness campaign in the border provinces.
"""

OTHERS = """---
title: Coastal Relief Society receives ambulances from the Global Emergency Supplies Agency
date: 2025-10-14
type: news
---

# Ambulances for the coast

The Global Emergency Supplies Agency (GESA) handed over 12 ambulances to the Coastal Relief Society (CRS) in Port Aldane.

Nadia Ferreira, the secretary general of the CRS, said the society has 1,240 staff and 18,500 volunteers.

The Coastal Relief Society proposed a joint cyclone drill with GESA in March 2026.
"""

ALIASES = {"ICRC": "International Committee of the Red Cross", "IRCS": "Iranian Red Crescent Society",
           "CRS": "Coastal Relief Society", "GESA": "Global Emergency Supplies Agency"}


@pytest.fixture(scope="module")
def partners(tmp_path_factory, embedder):
    from assistant.assemble import assemble, open_index
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("judge")
    corpus = root / "docs"
    corpus.mkdir()
    (corpus / "partnership-meeting.md").write_text(PARTNERS, encoding="utf-8")
    (corpus / "coastal-news.md").write_text(OTHERS, encoding="utf-8")
    settings = Settings(data_dir=root / "data", documents_dir=corpus)
    index = open_index(settings)
    index.embedder = embedder
    assert not index.ingest([corpus]).failed
    return assemble(settings, index)


def ask(assistant, question: str) -> dict:
    answer = assistant.ask(question).to_dict()
    assert_contract(answer, assistant.index.catalog)
    return answer


def lead_of(answer: dict) -> str:
    return answer["answer"].split(" [", 1)[0]


def test_everyday_words_the_corpus_lacks_do_not_refuse(partners):
    """'take place' occurs in no document, and is no reason to refuse: the date leads the answer, cut from its quote."""
    answer = ask(partners, "When will the second conference on rehabilitation take place?")
    assert not answer["refused"]
    assert lead_of(answer) == "The second quarter of 2026"
    assert any("the second quarter of 2026" in c["quote"] for c in answer["citations"])
    assert "take" not in answer["answer"].lower().split("“")[0]


def test_direct_answers_lead_with_a_span_of_their_quote(partners):
    """how many, where, who: the answer begins with a span that a cited quote holds verbatim."""
    for question, expected in [
        ("How many ambulances did GESA hand over?", "12 ambulances"),
        ("Where were the ambulances handed over?", "Port Aldane"),
        ("Who is the secretary general of the CRS?", "Nadia Ferreira"),
    ]:
        answer = ask(partners, question)
        assert not answer["refused"], question
        span = lead_of(answer)
        assert span == expected, (question, answer["answer"])
        marker = int(re.match(r".*? \[(\d+)\]", answer["answer"]).group(1))
        quote = next(c["quote"] for c in answer["citations"] if c["marker"] == marker)
        assert fold(span[:1].lower() + span[1:]) in fold(quote) or fold(span) in fold(quote)


def test_another_organisations_fact_is_no_answer(partners):
    """The CRS's staff figure does not answer a question about the IRCS: refused, and the answer says whose it is."""
    answer = ask(partners, "How many staff does the IRCS have?")
    assert answer["refused"]
    assert "Coastal Relief Society" in answer["answer"] or "CRS" in answer["answer"]
    assert "IRCS" in answer["answer"]


def test_a_rare_word_no_document_holds_is_named_in_the_refusal(partners):
    """Only genuinely absent informative words are named; everyday ones never are."""
    answer = ask(partners, "What did the ICRC say about the earthquake response?")
    assert answer["refused"]
    assert "“earthquake”" in answer["answer"]
    for everyday in ("“say”", "“response”"):
        assert everyday not in answer["answer"]


def test_statements_of_an_organisation_name_it_in_full(partners):
    """'The Coastal Relief Society proposed ...' is listed as proposed by the Coastal Relief Society, not 'Society'."""
    rows = partners.statements(kind=["proposed"])
    drill = next(r for r in rows if "cyclone drill" in r["text"])
    assert drill["organisation"] == "Coastal Relief Society" and drill["speaker"] is None
    answer = ask(partners, "List every proposal")
    assert "Proposed by the Coastal Relief Society" in answer["answer"]
    assert "by Society" not in answer["answer"]


def test_a_yes_no_question_about_an_agreement_begins_with_what_is_recorded(partners):
    """No agreement on the drill is recorded: the answer begins by saying so."""
    answer = ask(partners, "Was the cyclone drill agreed?")
    assert answer["answer"].startswith("No agreement")


# --- the parts, on their own ---------------------------------------------------------------------------------

def test_informativeness_follows_the_language_not_the_corpus():
    assert informativeness("take") == 0 and informativeness("place") == 0 and informativeness("title") == 0
    assert informativeness("headcount") == 1 and informativeness("CBRN") == 1
    assert 0 < informativeness("rehabilitation") < 1


def test_names_are_found_and_matched_in_either_spelling():
    found = {n.text: n for n in names("Roughly how many volunteers does the Iranian Red Crescent have in 2025?", ALIASES)}
    assert set(found) == {"2025", "Iranian Red Crescent"}  # "Roughly" opens the sentence: no name
    assert matches(found["Iranian Red Crescent"], context_words("The IRCS said ...", ALIASES))
    assert not matches(found["Iranian Red Crescent"], context_words("The CRS said ...", ALIASES))
    assert matches(found["2025"], context_words("nothing dated"), document_date="2025-03-01")
    cassard = names("What did Cassard say?")[0]
    assert matches(cassard, context_words("Vincent Cassard's remarks"))


def test_organisations_are_named_whole():
    assert organisations("The International Committee of the Red Cross met the Global Emergency Supplies Agency "
                         "(GESA).") == ["International Committee of the Red Cross", "Global Emergency Supplies Agency",
                                        "GESA"]


def test_lead_spans_by_kind():
    sentence = "GESA handed over 12 ambulances and 40 generators to the CRS in Port Aldane on 14 October 2025."
    assert lead(analyze("How many generators were handed over?"), sentence) == "40 generators"
    assert lead(analyze("When were the ambulances handed over?"), sentence) == "14 October 2025"
    assert lead(analyze("Where did GESA hand over the ambulances?"), sentence) == "Port Aldane"
    assert lead(analyze("Who handed over the ambulances to the CRS?", ALIASES), sentence, aliases=ALIASES) == "GESA"
    assert lead(analyze("What was handed over?"), sentence) is None


def test_the_judge_refuses_on_a_missing_name_and_not_on_an_everyday_word():
    judge = Judge(ThresholdRefusal())
    other = Support("The society has 1,240 staff.", 0.7, True, context_words("Coastal Relief Society (CRS)", ALIASES))
    verdict = judge.decide(analyze("How many staff does the IRCS have?", ALIASES), [other])
    assert verdict.refuse and verdict.unmatched == ("IRCS",) and verdict.signals["names_missing"] == 1
    held = Support("The conference is planned for the second quarter of 2026.", 0.7, True, context_words(""))
    verdict = judge.decide(analyze("When will the conference take place?"), [held])
    assert not verdict.refuse and verdict.missing == ()


@pytest.mark.parametrize("text", ["The Ab " * 300, "in Tehran, " * 200, "by the Xy " * 250, "12," * 700,
                                  "What " + "Big " * 500 + "?", "A. " * 700, "Mr. X " * 350])
def test_names_and_spans_are_linear_on_long_hostile_text(text):
    """Names, organisations and direct-answer spans of a 2,000-character text take well under 50 ms of CPU."""
    import dataclasses
    import time

    informativeness("warm")  # the word lists load once, at start-up (Assistant.warm_up)
    text = text[:2000]
    start = time.thread_time()
    q = analyze(text, ALIASES)
    for kind in ("count", "date", "person", "place"):
        lead(dataclasses.replace(q, kind=kind), text, aliases=ALIASES)
    organisations(text), context_words(text, ALIASES)
    assert time.thread_time() - start < 0.05
