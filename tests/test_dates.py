"""Date expressions found in text and resolved against the publication date, in every resource language."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geomap.extract.dates import FUTURE_DAYS, DateMention, find_dates, resolve_year
from geomap.extract.resources import load_resource_file
from geomap.model import DatePrecision, GeomapError

PUBLISHED = dt.date(2024, 10, 29)  # a Tuesday; the seed article's publication date


def found(text: str, lang: str, published: dt.date | None = PUBLISHED) -> list[tuple[str, str, str]]:
    """(mention, ISO value, precision) of every date, checking that each mention slices the text."""
    out = []
    for d in find_dates(text, published, lang):
        assert text[d.start : d.end] == d.mention
        out.append((d.mention, d.value.isoformat(), d.precision.value))
    return out


# ------------------------------------------------------------------------------------------------ seed


def test_seed_gold_dates_all_found_and_nothing_else(seed_article: Path, seed_gold: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    gold = json.loads(seed_gold.read_text(encoding="utf-8"))
    published = dt.date.fromisoformat(gold["published"])
    dates = find_dates(text, published, gold["language"])
    by_mention = {d.mention: d for d in dates}
    for g in gold["dates"]:
        d = by_mention.get(g["mention"])
        assert d is not None, f"gold date {g['mention']!r} not found"
        assert text[d.start : d.end] == g["mention"]
        assert d.value.isoformat().startswith(g["date"]), (g, d)
        assert d.precision == DatePrecision(g["precision"]), (g, d)
    # no false dates: not from '1.500 tentara', '10.000 tentara', 'Pasal 4', 'KN-23', nor the quoted 'Hari ini'
    assert sorted(by_mention) == sorted(g["mention"] for g in gold["dates"])
    assert len(dates) == len(gold["dates"])


def test_seed_last_week_is_the_week_before_publication(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    (week,) = [d for d in find_dates(text, PUBLISHED, "id") if d.mention == "Minggu lalu"]
    assert week.value == dt.date(2024, 10, 21)  # the Monday of the week before 29 October 2024
    assert week.value.weekday() == 0
    assert week.assumed_year is False


def test_relative_date_in_direct_speech_is_kept_only_on_request(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    assert "Hari ini" not in [d.mention for d in find_dates(text, PUBLISHED, "id")]
    kept = {d.mention: d for d in find_dates(text, PUBLISHED, "id", quoted_relative=True)}
    assert kept["Hari ini"].value == PUBLISHED
    assert kept["Hari ini"].precision == DatePrecision.DAY


# ------------------------------------------------------------------------------------------------ languages

CASES = [
    # English
    ("en", "NATO said on October 28, 2024 that", [("October 28, 2024", "2024-10-28", "day")]),
    ("en", "Oct. 28, 2024: troops moved.", [("Oct. 28, 2024", "2024-10-28", "day")]),
    ("en", "A statement on 28 October.", [("28 October", "2024-10-28", "day")]),
    (
        "en",
        "Dated 2024-10-28 and 10/28/2024.",
        [("2024-10-28", "2024-10-28", "day"), ("10/28/2024", "2024-10-28", "day")],
    ),
    ("en", "The fleet sailed in October 2024.", [("October 2024", "2024-10-01", "month")]),
    ("en", "It began in early October.", [("early October", "2024-10-01", "month")]),
    ("en", "Fighting since mid-October.", [("mid-October", "2024-10-01", "month")]),
    ("en", "By the end of this month.", [("the end of this month", "2024-10-01", "month")]),
    ("en", "The navy has not come since 1990.", [("1990", "1990-01-01", "year")]),
    ("en", "He spoke yesterday.", [("yesterday", "2024-10-28", "day")]),
    ("en", "Troops moved last week.", [("last week", "2024-10-21", "week")]),
    ("en", "Sanctions from last month.", [("last month", "2024-09-01", "month")]),
    ("en", "Exercises this year.", [("this year", "2024-01-01", "year")]),
    ("en", "Zelensky said on Monday.", [("Monday", "2024-10-28", "day")]),
    ("en", "He left three days ago.", [("three days ago", "2024-10-26", "day")]),
    ("en", "Friday, October 25, 2024.", [("Friday, October 25, 2024", "2024-10-25", "day")]),
    # Indonesian
    ("id", "Pada 28 Oktober 2024, NATO.", [("28 Oktober 2024", "2024-10-28", "day")]),
    ("id", "kata Rutte pada 28 Oktober.", [("28 Oktober", "2024-10-28", "day")]),
    ("id", "Laporan Oktober 2024.", [("Oktober 2024", "2024-10-01", "month")]),
    ("id", "pada awal Oktober, kapal", [("awal Oktober", "2024-10-01", "month")]),
    ("id", "pertengahan Oktober", [("pertengahan Oktober", "2024-10-01", "month")]),
    ("id", "pada akhir bulan ini.", [("akhir bulan ini", "2024-10-01", "month")]),
    ("id", "perairan itu sejak 1990, kata", [("1990", "1990-01-01", "year")]),
    ("id", "Minggu lalu, Badan Intelijen", [("Minggu lalu", "2024-10-21", "week")]),
    ("id", "Dia tiba kemarin.", [("kemarin", "2024-10-28", "day")]),
    ("id", "Sanksi bulan lalu.", [("bulan lalu", "2024-09-01", "month")]),
    ("id", "Latihan tahun ini.", [("tahun ini", "2024-01-01", "year")]),
    ("id", "kata Putin pada hari Senin.", [("hari Senin", "2024-10-28", "day")]),
    ("id", "kata Putin, Senin (28/10).", [("Senin (28/10)", "2024-10-28", "day")]),
    ("id", "pada hari Minggu pasukan tiba", [("hari Minggu", "2024-10-27", "day")]),
    ("id", "3 hari yang lalu", [("3 hari yang lalu", "2024-10-26", "day")]),
    # Russian
    ("ru", "28 октября 2024 года НАТО заявило", [("28 октября 2024 года", "2024-10-28", "day")]),
    ("ru", "заявил 28 октября Рютте", [("28 октября", "2024-10-28", "day")]),
    ("ru", "В начале октября корабли", [("В начале октября", "2024-10-01", "month")]),
    ("ru", "в конце этого месяца", [("в конце этого месяца", "2024-10-01", "month")]),
    ("ru", "На прошлой неделе разведка", [("На прошлой неделе", "2024-10-21", "week")]),
    ("ru", "впервые с 1990 года", [("1990 года", "1990-01-01", "year")]),
    ("ru", "документ от 28.10.2024", [("28.10.2024", "2024-10-28", "day")]),
    ("ru", "заявил в понедельник", [("понедельник", "2024-10-28", "day")]),
    # Ukrainian
    ("uk", "28 жовтня 2024 року", [("28 жовтня 2024 року", "2024-10-28", "day")]),
    ("uk", "На початку жовтня", [("На початку жовтня", "2024-10-01", "month")]),
    ("uk", "Минулого тижня розвідка", [("Минулого тижня", "2024-10-21", "week")]),
    # German
    ("de", "sagte Rutte am 28. Oktober 2024.", [("28. Oktober 2024", "2024-10-28", "day")]),
    ("de", "sagte Rutte am 28. Oktober.", [("28. Oktober", "2024-10-28", "day")]),
    ("de", "Anfang Oktober legten Schiffe", [("Anfang Oktober", "2024-10-01", "month")]),
    ("de", "bis Ende dieses Monats", [("Ende dieses Monats", "2024-10-01", "month")]),
    ("de", "erstmals seit 1990", [("1990", "1990-01-01", "year")]),
    ("de", "Vorige Woche meldete", [("Vorige Woche", "2024-10-21", "week")]),
    ("de", "Am Morgen sagte er, morgen komme er", [("morgen", "2024-10-30", "day")]),
    # French
    ("fr", "a déclaré le 28 octobre 2024", [("28 octobre 2024", "2024-10-28", "day")]),
    ("fr", "a déclaré le 28 octobre", [("28 octobre", "2024-10-28", "day")]),
    ("fr", "le 1er novembre", [("1er novembre", "2024-11-01", "day")]),
    ("fr", "début octobre, des navires", [("début octobre", "2024-10-01", "month")]),
    ("fr", "vers la mi-octobre", [("mi-octobre", "2024-10-01", "month")]),
    ("fr", "la semaine dernière", [("la semaine dernière", "2024-10-21", "week")]),
    ("fr", "pour la première fois depuis 1990", [("1990", "1990-01-01", "year")]),
    ("fr", "il y a trois jours", [("il y a trois jours", "2024-10-26", "day")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_date_expressions(lang: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text, lang) == expected


NOT_DATES = [
    ("id", "mengangkut 1.500 tentara Korea Utara"),
    ("id", "bisa mencapai 10.000 tentara"),
    ("id", "menyebutkan Pasal 4 dari perjanjian"),
    ("id", "situs peluncuran rudal KN-23 dekat front"),
    ("id", "pada 2000 tentara"),
    ("id", "sejak 1990-an"),
    ("id", "pada minggu pertama"),
    ("en", "Russia sent 2000 troops to Kursk"),
    ("en", "in 2000 troops were moved"),
    ("en", "about 10,000 soldiers and 1,500 more"),
    ("en", "since the 1990s"),
    ("en", "troops may come; they march on"),
    ("en", "Resolution 2231 and Article 4"),
    ("ru", "в 2000 километрах от границы"),
    ("de", "mit 2000 Soldaten"),
]


@pytest.mark.parametrize(("lang", "text"), NOT_DATES, ids=[f"{c[0]}:{c[1][:30]}" for c in NOT_DATES])
def test_numbers_and_words_that_are_not_dates(lang: str, text: str) -> None:
    assert found(text, lang) == []


# ------------------------------------------------------------------------------------------------ rules


def test_year_resolution_around_new_year() -> None:
    published = dt.date(2025, 1, 3)
    dates = find_dates("He came on 28 December and left on 2 January.", published, "en")
    assert [(d.mention, d.value, d.assumed_year) for d in dates] == [
        ("28 December", dt.date(2024, 12, 28), True),
        ("2 January", dt.date(2025, 1, 2), True),
    ]
    (oct_id,) = find_dates("pada 28 Desember", published, "id")
    assert oct_id.value == dt.date(2024, 12, 28)


def test_year_resolution_takes_the_nearest_year_tilted_to_the_past() -> None:
    assert resolve_year(11, 1, PUBLISHED) == 2024  # three days after publication
    assert resolve_year(12, 15, PUBLISHED) == 2024  # seven weeks after: a plan, same year
    assert resolve_year(2, 20, dt.date(2025, 2, 6)) == 2025  # 'will arrive on 20 February'
    assert resolve_year(6, None, dt.date(2025, 2, 6)) == 2025  # 'in June', four months ahead
    assert resolve_year(8, 1, dt.date(2025, 2, 6)) == 2024  # six months ahead is further than back
    assert resolve_year(1, 20, dt.date(2024, 12, 10)) == 2025  # 'awal Januari' in a December article
    assert resolve_year(2, 29, dt.date(2025, 3, 1)) == 2024  # the nearest year that has the day
    assert resolve_year(2, 30, PUBLISHED) is None


def test_explicit_year_is_not_assumed_and_year_less_is() -> None:
    explicit, bare = find_dates("On 28 October 2024 and on 28 October.", PUBLISHED, "en")
    assert explicit.assumed_year is False
    assert bare.assumed_year is True
    assert bare.value == dt.date(2024, 10, 28)


def test_without_publication_date_dates_resolve_against_today_and_are_assumed() -> None:
    today = dt.date.today()
    rel, bare, explicit = find_dates("Yesterday, on 1 March, and on 1 March 2020.", None, "en")
    assert rel.value == today - dt.timedelta(days=1)
    assert rel.assumed_year is True
    assert bare.assumed_year is True
    assert bare.value <= today + dt.timedelta(days=FUTURE_DAYS)
    assert explicit.assumed_year is False


def test_weekdays_resolve_to_the_latest_such_day() -> None:
    tuesday = PUBLISHED
    text = "He spoke on Monday, on Tuesday, last Tuesday and will go next Monday."
    assert [(d.mention, d.value) for d in find_dates(text, tuesday, "en")] == [
        ("Monday", dt.date(2024, 10, 28)),
        ("Tuesday", dt.date(2024, 10, 29)),  # on the day of publication: that day
        ("last Tuesday", dt.date(2024, 10, 22)),
        ("next Monday", dt.date(2024, 11, 4)),
    ]


def test_longest_overlapping_mention_wins() -> None:
    assert found("pada awal Oktober 2024", "id") == [("awal Oktober 2024", "2024-10-01", "month")]
    assert found("Monday, October 28, 2024", "en") == [("Monday, October 28, 2024", "2024-10-28", "day")]
    assert found("pada Minggu lalu", "id") == [("Minggu lalu", "2024-10-21", "week")]


def test_invalid_calendar_days_are_dropped() -> None:
    assert found("on 30 February", "en") == []
    # the impossible day goes, the month that was written stays
    assert found("on 31 June 2024", "en") == [("June 2024", "2024-06-01", "month")]


def test_unknown_language_reads_with_english_words() -> None:
    assert found("On 28 October 2024.", "xx") == [("28 October 2024", "2024-10-28", "day")]


def test_results_are_deterministic_and_in_text_order(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    first = find_dates(text, PUBLISHED, "id")
    assert first == find_dates(text, PUBLISHED, "id")
    assert [d.start for d in first] == sorted(d.start for d in first)
    assert all(isinstance(d, DateMention) for d in first)


def test_bad_template_in_a_resource_file_names_file_and_field(tmp_path: Path) -> None:
    from geomap.extract.resources import RESOURCES_DIR

    source = (RESOURCES_DIR / "en.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "en.yaml"
    bad.write_text(source.replace('- "{rel}"\n', '- "{relative_phrase}"\n', 1), encoding="utf-8")
    res = load_resource_file(bad)
    with pytest.raises(GeomapError) as err:
        find_dates("yesterday", PUBLISHED, res)
    assert str(bad) in str(err.value)
    assert "dates.templates." in str(err.value)
    assert "{relative_phrase}" in str(err.value)
