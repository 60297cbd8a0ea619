"""Unit tests for index.dates: normalizing front-matter dates, finding dates in text, day numbers and bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import find_date, normalize_date, parse_bound, to_days


def test_normalize_date_object():
    """A datetime.date becomes its ISO string."""
    assert normalize_date(dt.date(2025, 11, 16)) == "2025-11-16"


def test_normalize_datetime_object_drops_time():
    """A datetime.datetime keeps only its date part."""
    assert normalize_date(dt.datetime(2025, 11, 16, 23, 59)) == "2025-11-16"


def test_normalize_full_iso_string():
    """A full ISO date string is kept as is."""
    assert normalize_date("2025-11-16") == "2025-11-16"


def test_normalize_year_month():
    """A year-month string stays a partial date."""
    assert normalize_date("2025-09") == "2025-09"


def test_normalize_year_only():
    """A bare year stays a bare year."""
    assert normalize_date("2025") == "2025"


def test_normalize_single_digit_month_is_padded():
    """A one-digit month is zero-padded."""
    assert normalize_date("2025-9") == "2025-09"


def test_normalize_invalid_date_is_none():
    """An impossible date (month 13, day 40) gives None rather than raising."""
    assert normalize_date("2025-13-40") is None


def test_normalize_invalid_month_is_none():
    """An impossible month in a year-month string gives None."""
    assert normalize_date("2025-13") is None


@pytest.mark.parametrize("value", [None, ""])
def test_normalize_empty_is_none(value):
    """No value means no date."""
    assert normalize_date(value) is None


def test_normalize_written_date():
    """A date written in words is understood too."""
    assert normalize_date("16 November 2025") == "2025-11-16"


def test_normalize_nonsense_is_none():
    """Text that holds no date gives None."""
    assert normalize_date("next Tuesday") is None


def test_find_date_iso_in_text():
    """An ISO date inside a sentence is found."""
    assert find_date("The meeting held on 2025-11-16 approved the plan.") == "2025-11-16"


def test_find_date_day_month_year():
    """A '16 November 2025' style date is found."""
    assert find_date("Geneva, 16 November 2025. The board met.") == "2025-11-16"


def test_find_date_month_day_year():
    """A 'November 16, 2025' style date is found."""
    assert find_date("Published November 16, 2025 by the press office.") == "2025-11-16"


def test_find_date_abbreviated_month_and_ordinal():
    """Abbreviated months with a period and ordinal suffixes are understood."""
    assert find_date("Updated on 3rd Sept. 2024 after review.") == "2024-09-03"


def test_find_date_returns_earliest_in_text():
    """When several dates appear, the first one in the text wins, whatever its format."""
    text = "Report of 2 March 2024, revising the note of 2023-01-05."
    assert find_date(text) == "2024-03-02"


def test_find_date_skips_impossible_date():
    """An impossible date is skipped in favour of a later valid one."""
    assert find_date("Dated 31 February 2024, corrected to 1 March 2024.") == "2024-03-01"


def test_find_date_only_looks_near_start():
    """A date beyond the `within` window is ignored."""
    text = "x" * 700 + " 16 November 2025"
    assert find_date(text) is None
    assert find_date(text, within=len(text)) == "2025-11-16"


def test_find_date_none_without_dates():
    """A text with no date gives None."""
    assert find_date("Nothing to see here, just 42 words and a year-less day.") is None


def test_to_days_epoch_is_zero():
    """1970-01-01 is day zero."""
    assert to_days("1970-01-01") == 0


def test_to_days_partial_counts_from_first_day():
    """A year-month or year counts from its first day."""
    assert to_days("2025-09") == to_days("2025-09-01")
    assert to_days("2025") == to_days("2025-01-01")


def test_to_days_is_monotonic():
    """Later dates have strictly larger day numbers."""
    dates = ["1999-12-31", "2000-01-01", "2024-02-28", "2024-02-29", "2024-03-01", "2025-11-16"]
    days = [to_days(d) for d in dates]
    assert days == sorted(days)
    assert len(set(days)) == len(days)
    assert days[3] - days[2] == 1


def test_parse_bound_start_of_month():
    """A month as a start bound is its first day."""
    assert parse_bound("2025-09") == to_days("2025-09-01")


def test_parse_bound_end_of_month():
    """A month as an end bound is its last day."""
    assert parse_bound("2025-09", end=True) == to_days("2025-09-30")


def test_parse_bound_end_of_february_leap_year():
    """February of a leap year ends on the 29th."""
    assert parse_bound("2024-02", end=True) == to_days("2024-02-29")


def test_parse_bound_end_of_december():
    """December ends on the 31st (no month 13 overflow)."""
    assert parse_bound("2025-12", end=True) == to_days("2025-12-31")


def test_parse_bound_end_of_year():
    """A year as an end bound is 31 December."""
    assert parse_bound("2025", end=True) == to_days("2025-12-31")


def test_parse_bound_full_date_ignores_end():
    """A full date is the same day whether start or end."""
    assert parse_bound("2025-09-14", end=True) == parse_bound("2025-09-14") == to_days("2025-09-14")


def test_parse_bound_invalid_raises():
    """A value that is not a date raises ValueError naming the accepted forms."""
    with pytest.raises(ValueError, match="YYYY"):
        parse_bound("soon")
