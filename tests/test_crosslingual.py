"""Issue 14: with the default settings a Persian question finds and cites an English passage, and an English
question a Persian one (the multilingual space beside MiniLM, index/bridge.py). Real models, real Chroma under
tmp_path, a small corpus of its own: an English report and Persian meeting notes that share no fact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import write_corpus

REPORT = """---
title: Water trucking in Sistan
type: news
date: 2025-07-02
---
The Sistan Water Board sent twenty-five water trucks to the villages east of Zabol.
Each truck carries eighteen thousand litres of drinking water a day.
The board said the trucking will continue until the end of September.
"""

NOTES = """---
title: "یادداشت‌های نشست: جمعیت امداد البرز و اداره راه"
type: meeting-notes
date: ۱۴۰۴/۰۵/۱۲
language: fa
---
# گفت‌وگو

- نسرین قاسمی، مدیر عملیات جمعیت امداد البرز (ARS)، گفت زمین‌لغزش مرداد ۱۴۰۴ جاده کندوان را به مدت نه روز بست.
- قاسمی افزود که جمعیت امداد البرز شصت چادر اضطراری در روستای گچسر برپا کرده است.

# پیشنهادها

- قاسمی پیشنهاد کرد که یک انبار تجهیزات زمستانی در شهر مرزن‌آباد ساخته شود.
"""


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "docs", {"water-trucking.md": REPORT, "alborz-meeting.fa.md": NOTES})


def _assistant(tmp_path, corpus, **settings):
    from assistant.assemble import assemble, open_index
    from assistant.settings import Settings

    config = Settings(data_dir=tmp_path / "data", documents_dir=corpus, **settings)
    index = open_index(config)
    index.ingest([corpus])
    return index, assemble(config, index)


def _sources(answer) -> set[str]:
    return {c.source for c in answer.citations}


def test_a_persian_question_finds_and_cites_the_english_passage(tmp_path, corpus):
    """The passage is found and cited across languages. Whether it is then offered as the answer or as the closest
    passage of a refusal is the judge's call, which cannot check words across languages and on this small corpus
    refuses (evals/RESULTS.md, "Issue 14, continued")."""
    _, assistant = _assistant(tmp_path, corpus)
    answer = assistant.ask("سازمان آب سیستان چند کامیون آب به روستاها فرستاد؟")  # how many water trucks ...?
    assert "twenty-five water trucks" in answer.citations[0].quote
    assert _sources(answer) == {"docs/water-trucking.md"}


def test_an_english_question_finds_and_cites_the_persian_passage(tmp_path, corpus):
    _, assistant = _assistant(tmp_path, corpus)
    answer = assistant.ask("How many emergency tents did the Alborz Relief Society set up in Gachsar?")
    assert "شصت چادر" in answer.citations[0].quote and answer.citations[0].source == "docs/alborz-meeting.fa.md"


def test_an_english_question_answered_in_english_never_searches_the_other_language(tmp_path, corpus):
    index, assistant = _assistant(tmp_path, corpus)
    answer = assistant.ask("How many litres does each truck carry a day?")
    assert not answer.refused and "eighteen thousand litres" in answer.answer
    assert _sources(answer) == {"docs/water-trucking.md"}


def test_a_fact_in_neither_language_is_refused(tmp_path, corpus):
    _, assistant = _assistant(tmp_path, corpus)
    assert assistant.ask("How many helicopters did the Red Crescent send to Kabul?").refused
    assert assistant.ask("چند هلیکوپتر به کابل فرستاده شد؟").refused  # how many helicopters were sent to Kabul?


def test_each_chunk_is_kept_in_its_language_collection_and_an_index_without_them_is_embedded_again(tmp_path, corpus):
    from assistant.assemble import open_index
    from assistant.settings import Settings

    plain, _ = _assistant(tmp_path, corpus, crosslingual=False)
    assert plain.bridge is None
    chunks = plain.store.count()

    index = open_index(Settings(data_dir=tmp_path / "data", crosslingual=True))
    report = index.ingest([corpus])
    assert len(report.updated) == 2  # built without the multilingual space: both documents embedded again
    counts = {code: store.count() for code, store in index.bridge.stores.items()}
    assert counts["en"] > 0 and counts["fa"] > 0 and sum(counts.values()) == chunks == index.store.count()
    facts = index.chunk_facts([cid for cid, _, _ in index.store.rows()])
    assert all(row.bridge is not None and row.bridge.shape == row.vectors.shape for row in facts.values())
    assert index.ingest([corpus]).unchanged  # and then left alone


def test_a_removed_document_leaves_the_multilingual_space_too(tmp_path, corpus):
    index, _ = _assistant(tmp_path, corpus)
    notes = next(d["id"] for d in index.catalog.documents() if d["type"] == "meeting-notes")
    assert index.remove(notes)
    assert index.bridge.stores["fa"].count() == 0 and index.bridge.foreign() == 0
