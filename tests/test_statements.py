"""Statements, event dates and acronyms, found at ingest over the sample documents and listed across them."""

from __future__ import annotations

from index.acronyms import expand, pairs
from index.statements import event_date, kind_of
from language import detect


def test_kinds_separate_agreements_from_proposals_and_expectations():
    assert kind_of("The two societies agreed to hold a joint exercise.", True) == "agreed"
    assert kind_of("He proposed holding a trilateral meeting.", True) == "proposed"
    assert kind_of("The IRCS expects the ICRC to maintain the workshops, she added.", True) == "requested"
    assert kind_of("In 2026, the joint efforts should focus on CBRN readiness, Alishvandi noted.", True) == "requested"
    assert kind_of("The conference is planned to be held in 2026.", False) == "planned"
    assert kind_of("No decision or agreement is recorded for this meeting.", False) is None
    assert kind_of("Cassard lauded the IRCS for its efforts.", True) == "reported"


def test_event_dates_resolve_against_the_document_date_or_stay_unresolved():
    q = event_date("It is planned to be held in the second quarter of 2026.", None)
    assert (q.text, q.start, q.end) == ("in the second quarter of 2026", "2026-04-01", "2026-06-30")
    sunday = event_date("In a meeting in Tehran on Sunday with the director.", "2025-11-19")
    assert (sunday.start, sunday.end) == ("2025-11-16", "2025-11-16")
    assert event_date("In a meeting in Tehran on Sunday.", None).start is None  # no document date: unresolved
    september = event_date("In September, they explored joint efforts.", "2025-10-02")
    assert (september.start, september.end) == ("2025-09-01", "2025-09-30")
    assert event_date("A review will be held in March.", "2025-10-02").start == "2026-03-01"
    assert event_date("Support will grow next year.", "2025-10").start == "2026-01-01"


def test_acronym_pairs_are_read_from_the_text_and_used_both_ways():
    text = ("the chemical, biological, radiological, and nuclear (CBRN) sector and mental health and psychosocial "
            "support (MHPSS) and the Restoring Family Links (RFL) course")
    found = pairs(text)
    assert found == {"CBRN": "chemical, biological, radiological, and nuclear",
                     "MHPSS": "mental health and psychosocial support", "RFL": "Restoring Family Links"}
    assert "chemical, biological" in expand("What about CBRN?", found)
    assert expand("Where was the Restoring Family Links course?", found).endswith("RFL")


def test_statements_are_stored_at_ingest_with_speaker_organisation_and_date(assistant):
    planned = assistant.statements(kind=["planned"])
    assert planned and all(s["kind"] == "planned" for s in planned)
    conference = next(s for s in planned if "second conference" in s["text"].lower())
    assert conference["speaker"] == "Vincent Cassard" and conference["organisation"] == "ICRC"
    assert (conference["date_start"], conference["date_end"]) == ("2026-04-01", "2026-06-30")
    assert conference["also_in"], "the same plan in the news and the notes is one item"
    document = assistant.index.text(conference["citation"]["document_id"])
    assert conference["citation"]["quote"] in document and conference["citation"]["chunk_id"]


def test_statements_filter_by_kind_organisation_topic_and_date(assistant):
    asked = assistant.statements(kind=["requested"], organisation=["IRCS"])
    assert asked and all(s["organisation"] == "IRCS" for s in asked)
    assert not assistant.statements(kind=["agreed"]), "the sample documents record no agreement"
    cbrn = assistant.statements(topic="chemical readiness")
    assert cbrn and all("CBRN" in s["text"] for s in cbrn)
    # a topic is matched on the statement's own words: the Persian notes' statement names CBRN, not "readiness"
    english = [s for s in assistant.statements(topic="CBRN") if detect(s["text"]) == "en"]
    assert english == assistant.statements(topic="CBRN readiness")
    in_2026 = assistant.statements(since="2026", until="2026")
    assert in_2026 and all(s["date_start"] and s["date_start"].startswith("2026") for s in in_2026)


def test_statements_endpoint(client):
    response = client.get("/statements", params={"kind": "proposed", "organisation": "ICRC"})
    assert response.status_code == 200
    items = response.json()["statements"]
    # the proposal as the English notes record it, and as the Persian notes do (the same speaker, in Persian)
    assert [(detect(i["text"]), i["organisation"]) for i in items] == [("fa", "ICRC"), ("en", "ICRC")]  # document order
    assert "trilateral meeting" in items[1]["text"] and items[1]["speaker"] == "Vincent Cassard"
    assert "سه‌جانبه" in items[0]["text"] and items[0]["speaker"] == "ونسان کاسار"
    bad = client.get("/statements", params={"kind": "promised"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"  # the schema lists the kinds


def test_statements_command(tmp_path, sample_settings):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(sample_settings.data_dir)}
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "statements", "--kind", "proposed"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "[proposed] Vincent Cassard, ICRC" in out.stdout and "trilateral meeting" in out.stdout


def test_meeting_notes_sections_give_the_kind_of_what_is_filed_under_them():
    assert kind_of("Alishvandi (IRCS) said workshops can improve relief.", True, "Proposals and expectations") == "proposed"
    assert kind_of("Cassard said the budget is secured.", True, "Discussion") == "reported"
    assert kind_of("No decision or agreement is recorded for this meeting.", False, "Decisions") is None


def test_a_question_names_a_period_of_days_or_a_month_of_any_year():
    import datetime as dt

    from assistant.question import period

    assert period("What is planned next year?", dt.date(2026, 11, 24)).start == "2027-01-01"
    september = period("Was any decision recorded at the September meeting?")
    assert september.month == 9 and september.overlaps("2025-09-01", "2025-09-30")
    assert not september.overlaps("2025-10-01", "2025-10-31")
    q2 = period("What happens in the second quarter of 2026?")
    assert (q2.start, q2.end) == ("2026-04-01", "2026-06-30")
    assert period("Who proposed a trilateral meeting?") is None


def test_agreement_questions_separate_agreements_from_proposals_and_say_who(assistant):
    answer = assistant.ask("What was agreed on CBRN readiness?")
    first, *rest = answer.answer.splitlines()
    assert first == "No agreement or decision on CBRN readiness is recorded in the documents."
    assert any(line.startswith("- Asked for or expected by Razieh Alishvandi (IRCS), in 2026") for line in rest)
    assert "should focus on boosting readiness" in answer.citations[0].quote
    tehran = assistant.ask("Was anything agreed at the Tehran meeting?")
    assert tehran.answer.startswith("No agreement is recorded: the meeting notes say “No decision or agreement is "
                                    "recorded for this meeting.” [1]")
    assert "Proposed by Vincent Cassard (ICRC)" in tehran.answer
    assert "Planned by Vincent Cassard (ICRC), the second quarter of 2026 (2026-04-01 to 2026-06-30)" in tehran.answer
    _each_marker_cites_an_exact_quote(assistant, tehran)
    # a topic no statement is about: the chunks are read, and the answerer refuses
    assert assistant.ask("What was agreed about the Afghanistan earthquake response?").refused


def test_list_questions_gather_every_matching_statement_once(assistant):
    asked = assistant.ask("What has the IRCS asked the ICRC for?")
    assert asked.answer.startswith("6 items asked for or expected by the IRCS:")
    quotes = [c.quote for c in asked.citations]
    assert any("annual meetings" in q for q in quotes) and any("psychological support workshops" in q for q in quotes)
    assert len(quotes) == len(set(quotes)) == 6  # the news article's copies are collapsed into the notes' items
    # the Persian notes' two requests are gathered too, after the statements in the asker's language
    assert [detect(q) for q in quotes] == ["en"] * 4 + ["fa"] * 2
    proposals = assistant.ask("List every proposal made by the ICRC.")
    assert proposals.answer.count("\n- ") == 2 and "trilateral meeting" in proposals.citations[0].quote
    in_2025 = assistant.ask("Which joint activities took place in 2025?")
    assert "enumerated joint activities in 2025" in in_2025.citations[0].quote
    _each_marker_cites_an_exact_quote(assistant, asked)


def test_acronym_questions_are_answered_from_where_a_document_spells_it_out(assistant):
    answer = assistant.ask("What does CBRN stand for?")
    assert answer.answer == "CBRN stands for chemical, biological, radiological, and nuclear [1]."
    assert "chemical, biological, radiological, and nuclear (CBRN)" in answer.citations[0].quote
    glossary = assistant.ask("What does IFRC stand for?")
    assert "International Federation of Red Cross and Red Crescent Societies" in glossary.answer
    assert "glossary" in glossary.answer and not glossary.citations


def _each_marker_cites_an_exact_quote(assistant, answer):
    import re

    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.marker for c in answer.citations}
    for c in answer.citations:
        assert c.quote in assistant.index.text(c.document_id)
