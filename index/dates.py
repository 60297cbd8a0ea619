"""Document dates: from front matter or stated in the text, never from a file's modification time.

Dates are kept as ISO text ("2025-11-16", or "2025-09" / "2025" when only that much is known) and as an
integer day number, which Chroma can range-filter.
"""

from __future__ import annotations

import datetime as dt
import re

from language.common import ARABIC_SCRIPT, normalize_in_place
from language.en import MONTHS, TEXT_DATES, solar_dates  # noqa: F401  (English month names and full-date patterns)
from language.fa import dates as persian_dates
from language.fa import solar_to_gregorian

_ISO_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
# a Solar Hijri day in front matter: 1404/09/10, ۱۴۰۴-۰۹-۱۰ (a year from 1300 to 1499 is read as Solar Hijri)
_SOLAR = re.compile(r"^(?P<year>1[34]\d\d)[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$")
_EPOCH = dt.date(1970, 1, 1)


def normalize_date(value: object) -> str | None:
    """An ISO date string from a front-matter value (a date, "2025-11-16", "2025-09", "2025", "16 November 2025")."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = normalize_in_place(str(value).strip())
    solar = _SOLAR.match(text)
    if solar:
        try:
            return solar_to_gregorian(*(int(solar.group(g)) for g in ("year", "month", "day"))).isoformat()
        except ValueError:
            return None
    match = _ISO_PARTIAL.match(text)
    if match:
        year, month, day = match.group("year"), match.group("month"), match.group("day")
        try:
            if day:
                return dt.date(int(year), int(month), int(day)).isoformat()
            if month:
                dt.date(int(year), int(month), 1)
                return f"{year}-{int(month):02d}"
            return year
        except ValueError:
            return None
    return find_date(text, within=len(text))


def find_date(text: str, within: int = 600) -> str | None:
    """The first full date (day, month and year) stated near the start of a text, as ISO (Gregorian); a Persian
    text's Solar Hijri date ("۱۴۰۴/۰۹/۱۰", "۱۰ آذر ۱۴۰۴") is converted."""
    head = text[:within]
    found = []
    for pattern in TEXT_DATES:
        for match in pattern.finditer(head):
            month = match.groupdict().get("num") or MONTHS.get(match.group("month").lower().rstrip("."))
            try:
                date = dt.date(int(match.group("year")), int(month), int(match.group("day")))
            except (TypeError, ValueError):
                continue
            found.append((match.start(), date))
    found += [(d.start, dt.date.fromisoformat(d.first)) for d in solar_dates(head) if d.first == d.last]  # 10 Azar 1404
    if ARABIC_SCRIPT.search(head):  # Solar Hijri or Gregorian days written in Persian
        found += [(d.start, dt.date.fromisoformat(d.first)) for d in persian_dates(head, None)
                  if d.first and d.first == d.last]
    return min(found)[1].isoformat() if found else None


def to_days(iso: str) -> int:
    """Days since 1970-01-01 of an ISO date; a partial date counts from its first day."""
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return (dt.date(parts[0], parts[1], parts[2]) - _EPOCH).days


def span(iso: str) -> tuple[dt.date, dt.date]:
    """The first and last day of an ISO day, month ("2025-09") or year ("2025")."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    return dt.date(parts[0], parts[1], 1), following - dt.timedelta(days=1)


def parse_bound(value: str, *, end: bool = False) -> int:
    """A filter bound ("2025", "2025-09", "2025-09-14") as a day number; `end` takes the last day of the period."""
    iso = normalize_date(value)
    if iso is None:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return (span(iso)[1 if end else 0] - _EPOCH).days
