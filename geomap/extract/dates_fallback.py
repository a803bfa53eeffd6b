"""Dates in languages without our word lists, through dateparser, on candidate spans only.

Our own grammar (dates.py) covers the languages with a resource file. For any other language
dateparser knows (Spanish, Italian, Polish, ...) this finds the spans that may hold a date
(a sentence with a number or a month-like word) and lets dateparser parse just those:
dateparser over a whole 4 kB article costs about 0.1-0.2 s, over a few short spans far less.
Its precision is read from what the span holds: a day number gives day precision, a month
name alone month precision, a year alone year precision.
"""

from __future__ import annotations

import datetime as dt
import re

from geomap.extract.dates import DateMention
from geomap.extract.sentences import sentences
from geomap.model import DatePrecision

__all__ = ["find_dates_dateparser"]

_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^\s*(1[89]\d\d|20\d\d)\s*$")
_DAY = re.compile(r"(?<!\d)([0-3]?\d)(?!\d)")


def find_dates_dateparser(text: str, published: dt.date | None, lang: str) -> list[DateMention]:
    """Dates of a text in a language dateparser supports; [] when it does not know the language."""
    try:
        import dateparser.search
        from dateparser.languages.loader import default_loader
    except ImportError:  # pragma: no cover - dateparser is a dependency
        return []
    if lang not in default_loader.get_locale_map():
        return []
    base = dt.datetime.combine(published or dt.date.today(), dt.time())
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "STRICT_PARSING": False}
    out: list[DateMention] = []
    for span in sentences(text):
        s_text = span.of(text)
        if not _DIGIT.search(s_text):
            continue
        found = dateparser.search.search_dates(s_text, languages=[lang], settings=settings) or []
        cursor = 0
        for mention, value in found:
            mention = mention.strip(" ,.;")
            at = s_text.find(mention, cursor)
            if at < 0 or not _DIGIT.search(mention):
                continue
            cursor = at + len(mention)
            if _YEAR.match(mention):
                precision, day = DatePrecision.YEAR, dt.date(value.year, 1, 1)
            elif _DAY.search(re.sub(r"(1[89]|20)\d\d", "", mention)):
                precision, day = DatePrecision.DAY, value.date()
            else:
                precision, day = DatePrecision.MONTH, value.date().replace(day=1)
            start = span.start + at
            out.append(
                DateMention(
                    mention=mention,
                    start=start,
                    end=start + len(mention),
                    value=day,
                    precision=precision,
                    assumed_year=not re.search(r"(1[89]|20)\d\d", mention),
                )
            )
    return out
