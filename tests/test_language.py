"""The language layer: Persian and English found per text and per sentence, Solar Hijri and Persian-written dates
read to ISO (year boundaries and leap years included), Persian statements with their kind, speaker, organisation
and dates, and answers framed in the asker's language with quotes left as the documents have them."""

from __future__ import annotations

import pytest

import language
from index.dates import find_date, normalize_date
from index.document import Document
from index.statements import extract, kind_of
from language import fa


def _days(text: str, document_date: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(d.text, d.first, d.last) for d in fa.dates(text, document_date)]


def test_the_language_of_a_text_and_of_each_sentence_of_a_mixed_one():
    assert language.detect("چه چیزی در نشست توافق شد؟") == "fa"
    assert language.detect("What was agreed at the meeting?") == "en"
    assert language.detect("نقش ICRC و IRCS در آموزش CBRN چیست؟") == "fa"  # Latin acronyms in a Persian question
    assert language.detect("The notes say «همکاری» twice.") == "en"
    assert language.of("وی افزود").code == "fa" and language.get("xx").code == "en"


@pytest.mark.parametrize(("written", "iso"), [
    ("۱۴۰۴/۰۹/۱۰", "2025-12-01"),  # Persian digits
    ("1404/09/10", "2025-12-01"),  # Latin digits
    ("۱۴۰۴-۰۹-۱۰", "2025-12-01"),
    ("1404.9.10", "2025-12-01"),
    ("۱۰/۰۹/۱۴۰۴", "2025-12-01"),  # day first, as Persian forms are often filled
    ("١٤٠٤/٠٩/١٠", "2025-12-01"),  # Arabic-Indic digits
    ("۱۰ آذر ۱۴۰۴", "2025-12-01"),  # month names
    ("۱۰ آذرماه ۱۴۰۴", "2025-12-01"),
    ("دهم آذر ۱۴۰۴", "2025-12-01"),  # an ordinal day
    ("بیست و پنجم آبان سال ۱۴۰۴", "2025-11-16"),
    ("۱ فروردین ۱۴۰۴", "2025-03-21"),  # Nowruz: the Solar Hijri year begins at the March equinox
    ("۱ فروردین ۱۴۰۳", "2024-03-20"),  # ... a day earlier after a leap year
    ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),  # 1403 is a leap year: Esfand has 30 days
    ("۳۰ اسفند ۱۳۹۹", "2021-03-20"),  # and so is 1399
    ("۲۹ اسفند ۱۴۰۲", "2024-03-19"),  # the last day of a common year
    ("۱۱ دی ۱۴۰۳", "2024-12-31"),  # the Gregorian year turns inside Dey
    ("۱۲ دی ۱۴۰۳", "2025-01-01"),
    ("۱ دسامبر ۲۰۲۵", "2025-12-01"),  # a Gregorian date written in Persian
    ("۱۶ نوامبر ۲۰۲۵", "2025-11-16"),
    ("2025/12/01", "2025-12-01"),
])
def test_every_persian_form_of_a_day_is_read_to_iso(written, iso):
    found = _days(f"نشست در تاریخ {written} برگزار شد.")
    assert found == [(written, iso, iso)]


def test_solar_hijri_dates_written_in_english():
    """The spec's "10 Azar 1404": front matter, a date stated in the text, and event dates of English sentences."""
    from index.statements import event_dates

    assert normalize_date("10 Azar 1404") == "2025-12-01" and normalize_date("30 Esfand 1402") is None
    assert find_date("Held in Tehran on 25 Aban 1404 with the IRCS.") == "2025-11-16"
    found = event_dates("The drill will be held in Ordibehesht 1405 and reviewed in 2026.", "2025-12-01")
    assert [(d.text, d.start, d.end) for d in found] == [
        ("Ordibehesht 1405", "2026-04-21", "2026-05-21"), ("in 2026", "2026-01-01", "2026-12-31")]


def test_a_day_the_calendar_does_not_have_is_not_read_as_one():
    """1402 is a common year: 30 Esfand 1402 does not exist, so only the year is read."""
    assert _days("۳۰ اسفند ۱۴۰۲") == [("۱۴۰۲", "2023-03-21", "2024-03-19")]
    assert _days("۳۱ مهر ۱۴۰۴") == [("۱۴۰۴", "2025-03-21", "2026-03-20")]  # the second half-year has 30 days


def test_months_years_quarters_and_relative_expressions():
    assert _days("در آذر ۱۴۰۴") == [("آذر ۱۴۰۴", "2025-11-22", "2025-12-21")]
    assert _days("در اسفند ۱۴۰۳") == [("اسفند ۱۴۰۳", "2025-02-19", "2025-03-20")]  # 30 days in a leap year
    assert _days("سال ۱۴۰۴") == [("سال ۱۴۰۴", "2025-03-21", "2026-03-20")]
    assert _days("در سال ۲۰۲۶") == [("سال ۲۰۲۶", "2026-01-01", "2026-12-31")]
    assert _days("در سه‌ماهه دوم ۲۰۲۶") == [("سه‌ماهه دوم ۲۰۲۶", "2026-04-01", "2026-06-30")]
    assert _days("در فصل اول ۱۴۰۵") == [("فصل اول ۱۴۰۵", "2026-03-21", "2026-06-21")]  # spring of 1405
    # relative to the document's date (a Monday, 10 Azar 1404)
    assert _days("سال آینده برگزار خواهد شد", "2025-12-01")[0][1:] == ("2026-03-21", "2027-03-20")
    assert _days("پارسال", "2025-12-01")[0][1:] == ("2024-03-20", "2025-03-20")
    assert _days("هفته آینده برگزار خواهد شد", "2025-12-01")[0][1:] == ("2025-12-06", "2025-12-12")
    assert _days("روز یکشنبه دیدار کردند", "2025-12-01")[0][1:] == ("2025-11-30", "2025-11-30")
    assert _days("سه‌شنبه برگزار خواهد شد", "2025-12-01")[0][1:] == ("2025-12-02", "2025-12-02")
    assert _days("۱۰ آذر برگزار شد", "2026-01-05")[0][1:] == ("2025-12-01", "2025-12-01")  # no year: the nearest
    assert _days("سال آینده") == [("سال آینده", None, None)]  # no document date: unresolved, never guessed


def test_words_that_are_also_month_names_are_not_dates():
    assert _days("مهر و محبت میان دو جمعیت") == []
    assert _days("او از تیر و کمان گفت") == []


def test_offsets_are_those_of_the_text_as_written():
    text = "گزارش نشست: يکشنبه ۲۵ آبان ۱۴۰۴، تهران"  # an Arabic ي in the weekday
    for found in fa.dates(text, None):
        assert text[found.start:found.end] == found.text


def test_document_dates_in_the_solar_hijri_calendar():
    assert normalize_date("۱۴۰۴/۰۹/۱۰") == normalize_date("1404-09-10") == "2025-12-01"
    assert normalize_date("1402/12/30") is None  # no such day
    assert normalize_date("2025-12-01") == "2025-12-01" and normalize_date("2025") == "2025"
    assert find_date("# یادداشت نشست\nتاریخ نشست: ۱۰ آذر ۱۴۰۴\nدر سال ۲۰۲۶ ...") == "2025-12-01"
    assert find_date("Held on 1 December 2025 in Tehran.") == "2025-12-01"


_NOTES = """# نشست جمعیت امداد ساحلی و دفتر هماهنگی

## گفت‌وگو
- نادیا فریرا، دبیرکل جمعیت امداد ساحلی (CRS)، گفت آموزش امدادگران در سال ۲۰۲۶ گسترش می‌یابد.
- وی افزود که قرار است نشست بعدی در سه‌ماهه سوم ۲۰۲۶ برگزار شود.
- فریرا پیشنهاد کرد یک تمرین مشترک در بندرها برگزار شود.
- مهدی رستمی، نماینده دفتر هماهنگی (OCU)، خواستار تأمین بودجه برای قایق‌های نجات شد.
- دو طرف توافق کردند که گزارش‌ها هر ماه مبادله شود؛ رستمی این را اعلام کرد.

## تصمیم‌ها
- هیچ توافقی درباره بودجه ثبت نشد.
"""


def test_persian_statements_have_kind_speaker_organisation_and_dates():
    document = Document(id="d1", source="notes.fa.md", text=_NOTES, title="نشست", type="meeting-notes",
                        date="2025-12-01", sha256="", meta={})
    found = {s.text[:12]: s for s in extract(document)}
    rows = [(s.kind, s.speaker, s.organisation, s.date_start, s.date_end) for s in found.values()]
    assert rows == [
        ("reported", "نادیا فریرا", "CRS", "2026-01-01", "2026-12-31"),
        ("planned", "نادیا فریرا", "CRS", "2026-07-01", "2026-09-30"),  # "وی افزود": the person named before
        ("proposed", "نادیا فریرا", "CRS", None, None),
        ("requested", "مهدی رستمی", "OCU", None, None),
        ("agreed", "مهدی رستمی", "OCU", None, None),
    ]
    assert all(_NOTES[s.start:s.end] == s.text for s in found.values())  # quotes are exact slices


def test_persian_kinds_and_what_is_not_a_decision():
    assert kind_of("دو طرف به توافق رسیدند که دفتر مشترکی باز شود.", False) == "agreed"
    assert kind_of("تصمیم گرفته شد که کارگاه‌ها ادامه یابد.", False) == "agreed"
    assert kind_of("وی پیشنهاد کرد نشستی سه‌جانبه برگزار شود.", True) == "proposed"
    assert kind_of("جمعیت خواستار ادامه حمایت‌ها شد.", True) == "requested"
    assert kind_of("برنامه‌ریزی شده است که دوره در بهار برگزار شود.", False) == "planned"
    assert kind_of("در این نشست هیچ توافق یا تصمیمی ثبت نشده است.", False) is None
    assert kind_of("او از تلاش‌ها قدردانی کرد.", True) == "reported"


def test_answers_are_framed_in_the_askers_language(assistant):
    """The sample documents record no agreement: said in Persian to a Persian question, in English to an English
    one; the quotes are the documents' own sentences in either case."""
    persian = assistant.ask("چه چیزی توافق شد؟")
    assert not persian.refused and persian.answer.startswith("در اسناد توافق یا تصمیمی ثبت نشده است")
    english = assistant.ask("What was agreed?")
    assert english.answer.startswith("No agreement or decision is recorded")
    for answer in (persian, english):
        assert {language.detect(c.quote) for c in answer.citations} == {"en", "fa"}  # both languages gathered
        for c in answer.citations:
            assert c.quote in assistant.index.text(c.document_id)
    refused = assistant.ask("بودجه دفتر صلیب سرخ در کابل چقدر است؟")
    assert refused.refused and language.detect(refused.answer) == "fa"


def test_names_across_scripts_by_acronym_and_consonants():
    """An English question's names match a Persian passage by the acronym beside the Persian name or by their
    consonants (Persian writes no short vowels); a Persian question's organisations are names too."""
    from assistant.entities import context_words, matches, names

    passage = context_words("سمیرا کاظمی، دبیرکل جمعیت نجات دریایی پارسان (PSRS)، گفت بندر کیانپور ۱۴ قایق دارد.")
    asked = {n.text: n for n in names("How many boats does the Parsan Sea Rescue Society keep at Kianpur?")}
    assert matches(asked["Parsan Sea Rescue Society"], passage)  # PSRS
    assert matches(asked["Kianpur"], passage)  # k-n-p-r in کیانپور
    assert not matches(names("What did Cassard say about Mashhad?")[1], passage)
    assert fa.same_name("Farvardin", "فروردین") and fa.same_name("Mousavi", "موسوی")  # و read as v or as a vowel
    persian = names("جمعیت هلال احمر ایران و آژانس آب شمال درباره چه توافق کردند؟")
    assert [(n.text, n.forms) for n in persian] == [
        ("جمعیت هلال احمر ایران", (("هلال", "احمر"), ("ircs",))), ("آژانس آب شمال", (("آژانس", "آب", "شمال"),))]
    assert matches(persian[0], context_words("The IRCS said ...")) and not matches(persian[1], passage)


@pytest.mark.parametrize("hostile", ["چه " * 660, "همه کدام " * 200, "جمعیت " * 330, "۱۴۰۴/" * 400,
                                     "سه‌شنبه " * 250, "آ" * 2000, "رضیه علیشوندی، " * 140])
def test_persian_readers_are_linear_on_hostile_text(hostile):
    """Each Persian reader holds to 50 ms on 2,000 characters built to make a backtracking pattern blow up."""
    import time

    from language.common import detect

    started = time.perf_counter()
    fa.asks_list(hostile), fa.dates(hostile, "2025-12-01"), fa.names(hostile), fa.people(hostile)
    fa.question_kind(hostile), fa.organisation(hostile, hostile), kind_of(hostile, True), detect(hostile)
    assert time.perf_counter() - started < 0.05


def test_a_persian_speaker_reported_but_never_introduced_is_resolved():
    """"مرادی گفت …" twice, never "name, role": "this official" is Moradi; a body or a pronoun that opens reported
    sentences is no one's name."""
    from index.attribute import people, speaker

    text = ("مرادی گفت انبار جدید در بندر ساخته می‌شود.\n"
            "جمعیت گفت کمک‌ها ادامه دارد.\n"
            "مرادی همچنین گفت دو قایق تازه خریده شده است.\n"
            "جمعیت افزود که داوطلبان آموزش دیده‌اند.\n"
            "وی افزود که کار تا پاییز تمام می‌شود.\n"
            "این مقام بر اهمیت آموزش داوطلبان تأکید کرد.\n")
    assert fa.speakers(text) == ["مرادی"]
    start = text.index("این مقام")
    who = speaker(text, start, text.index("\n", start), people(text))
    assert who is not None and who.person.surname == "مرادی" and not who.named_in_sentence
