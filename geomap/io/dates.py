"""Date strings with their precision: '2024-10-28' is a day, '2024-10' a month, '2024-W43' a week.

Input files say how precisely they know a date by how much of it they write, so the form of
the string is the precision. A date is stored as the first day of the period it stands for
(model.period gives the last), which keeps every date a real ``datetime.date`` for GIS tools.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from geomap.model import DatePrecision

__all__ = [
    "DateError",
    "parse_date",
    "parse_precision",
    "is_finer",
    "PRECISION_ORDER",
    "UNKNOWN_WORDS",
]

# From finest to coarsest; UNKNOWN is coarser than everything.
PRECISION_ORDER = (
    DatePrecision.DAY,
    DatePrecision.WEEK,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
    DatePrecision.UNKNOWN,
)
UNKNOWN_WORDS = frozenset({"", "unknown", "null", "none", "n/a", "na", "?"})

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}")
# ACLED exports write '28 October 2024' (older ones '28-October-2024'); English month names only.
_WORDY_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y", "%b %d, %Y")
_MONTH_FORMATS = ("%B %Y", "%b %Y")
_ALLOWED_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Www (ISO week), '28 October 2024', or unknown"


class DateError(ValueError):
    """A date that cannot be read; the message says what was wrong and which forms are accepted."""


def parse_date(value: Any) -> tuple[dt.date | None, DatePrecision]:
    """Read a date and the precision its form implies; raise DateError for a wrong or impossible one.

    ``None`` and words like 'unknown' give ``(None, UNKNOWN)``. Dates of week precision are
    the Monday of the ISO week, months the 1st, years 1 January.
    """
    if value is None:
        return None, DatePrecision.UNKNOWN
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date; use {_ALLOWED_FORMS}")
    if isinstance(value, dt.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    if isinstance(value, int):
        return _make(value, 1, 1, str(value)), DatePrecision.YEAR
    if isinstance(value, float):
        if value != value:  # NaN from a table cell
            return None, DatePrecision.UNKNOWN
        raise DateError(f"{value!r} is not a date; use {_ALLOWED_FORMS}")
    text = str(value).strip()
    if text.casefold() in UNKNOWN_WORDS:
        return None, DatePrecision.UNKNOWN
    if m := _DAY.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text), DatePrecision.DAY
    if m := _MONTH.match(text):
        return _make(int(m[1]), int(m[2]), 1, text), DatePrecision.MONTH
    if m := _YEAR.match(text):
        return _make(int(m[1]), 1, 1, text), DatePrecision.YEAR
    if m := _WEEK.match(text):
        try:
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), DatePrecision.WEEK
        except ValueError:
            raise DateError(f"'{text}' is not a real ISO week (year {m[1]} has no week {m[2]})") from None
    if m := _DATETIME.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text), DatePrecision.DAY
    for fmt in _WORDY_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), DatePrecision.DAY
        except ValueError:
            pass
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), DatePrecision.MONTH
        except ValueError:
            pass
    raise DateError(f"cannot read the date '{text}'; use {_ALLOWED_FORMS}")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"'{text}' is not a real date ({exc})") from None


def parse_precision(value: Any) -> DatePrecision:
    """A precision name (day/week/month/year/unknown) or ACLED's time_precision code (1/2/3)."""
    text = str(value).strip().casefold()
    if text in {"1", "2", "3", "1.0", "2.0", "3.0"}:
        return DatePrecision.from_acled(int(float(text)))
    try:
        return DatePrecision(text)
    except ValueError:
        allowed = ", ".join(p.value for p in PRECISION_ORDER)
        raise DateError(f"unknown date precision '{value}'; allowed: {allowed}") from None


def is_finer(a: DatePrecision, b: DatePrecision) -> bool:
    """True when ``a`` claims more than ``b`` (a day where only a month is known)."""
    return PRECISION_ORDER.index(a) < PRECISION_ORDER.index(b)
