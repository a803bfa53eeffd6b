"""Reading events files: the YAML schema, ACLED CSV, GeoJSON; bad rows rejected with reasons, good ones kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geomap.io import read_events
from geomap.io.acled_csv import iter_acled_csv, kind_from_acled
from geomap.io.dates import DateError, parse_date
from geomap.io.yaml_events import parse_yaml
from geomap.model import DatePrecision, Event, EventKind, GeomapError, Mode, PlaceKind, Problem, Status

DATA = Path(__file__).parent / "data" / "io"


def _by_id(events: list[Event]) -> dict[str, Event]:
    return {e.id: e for e in events}


def _problem(problems: list[Problem], line: int) -> Problem:
    found = [p for p in problems if p.line == line]
    assert len(found) == 1, f"expected one problem on line {line}, got {found}"
    return found[0]


# dates -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("2024-10-28", dt.date(2024, 10, 28), DatePrecision.DAY),
        ("2024-10", dt.date(2024, 10, 1), DatePrecision.MONTH),
        ("2024", dt.date(2024, 1, 1), DatePrecision.YEAR),
        (2024, dt.date(2024, 1, 1), DatePrecision.YEAR),
        ("2024-W43", dt.date(2024, 10, 21), DatePrecision.WEEK),
        ("28 October 2024", dt.date(2024, 10, 28), DatePrecision.DAY),
        ("28-October-2024", dt.date(2024, 10, 28), DatePrecision.DAY),
        ("2024-10-28T09:30:00Z", dt.date(2024, 10, 28), DatePrecision.DAY),
        ("unknown", None, DatePrecision.UNKNOWN),
        (None, None, DatePrecision.UNKNOWN),
    ],
)
def test_parse_date_forms_give_their_precision(
    text: object, day: dt.date | None, precision: DatePrecision
) -> None:
    assert parse_date(text) == (day, precision)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2024-02-30", "not a real date"),
        ("2023-02-29", "not a real date"),
        ("2024-13", "not a real date"),
        ("2021-W53", "no week 53"),
        ("next Tuesday", "cannot read the date"),
    ],
)
def test_parse_date_refuses_wrong_dates(text: str, fragment: str) -> None:
    with pytest.raises(DateError, match=fragment):
        parse_date(text)


# YAML ---------------------------------------------------------------------------
def test_yaml_reads_events_movements_and_places() -> None:
    path = str(DATA / "events.yaml")
    ds = read_events(path)
    assert ds.title == "North Korean troops to Russia, October 2024"
    events = _by_id(ds.events)
    assert list(events) == ["rutte-2024-10-28", "e2", "e3", "e4"]
    rutte = events["rutte-2024-10-28"]
    assert (rutte.where, rutte.line) == (path, 15)
    assert rutte.date == dt.date(2024, 10, 28) and rutte.date_precision == DatePrecision.DAY
    assert rutte.place is not None and (rutte.place.lat, rutte.place.lon, rutte.place.source) == (
        50.85,
        4.35,
        "input",
    )
    assert rutte.kind == EventKind.STATEMENT and rutte.status == Status.CONFIRMED
    assert rutte.source is not None and rutte.source.publisher == "Example Wire"  # the file's default source
    kursk = events["e2"]
    assert kursk.date_precision == DatePrecision.MONTH and kursk.period == (
        dt.date(2024, 10, 1),
        dt.date(2024, 10, 31),
    )
    assert kursk.place is not None and kursk.place.kind == PlaceKind.REGION and kursk.place.geo_precision == 2
    assert kursk.quantity == 10000
    kazan = events["e3"]  # a places: hint without coordinates leaves the place to the geocoder
    assert kazan.place is None and kazan.country_hint == "RU"
    assert kazan.date == dt.date(2024, 10, 21) and kazan.date_precision == DatePrecision.WEEK
    assert kazan.source is not None and kazan.source.publisher == "Other Paper"
    assert events["e4"].date is None and events["e4"].date_precision == DatePrecision.UNKNOWN
    assert [str(p) for p in ds.problems] == [
        f"{path}:37: [date] warning: no date given; the date precision is 'unknown'"
    ]
    sea, hop = ds.movements
    assert sea.stops == ["North Korea", "Vladivostok", "Kursk region"]
    assert [leg.mode for leg in sea.legs] == [Mode.SEA, Mode.RAIL]
    assert sea.legs[0].date == dt.date(2024, 10, 8) and sea.legs[1].date_precision == DatePrecision.MONTH
    assert all(leg.origin_place and leg.destination_place for leg in sea.legs + hop.legs)
    assert sea.quantity == 1500 and sea.line == 40 and sea.where == path


BAD_YAML = [
    # (line, field, fragment of the message)
    (10, "place", "missing required field 'place'"),
    (14, "date", "cannot read the date '28th of Octember'"),
    (17, "date", "'2024-02-30' is not a real date"),
    (22, "lat", "latitude 95 is outside -90..90"),
    (24, "lon", "lat is given but lon is not"),
    (31, "kind", "unknown kind 'invasion'; allowed: deployment, transit, statement, strike, meeting, other"),
    (35, "status", "unknown status 'rumoured'; allowed: reported, confirmed, claimed, denied"),
    (39, "quantity", "non-negative whole number, got -5"),
    (42, "date_precision", "'day' is finer than the date '2024-10'"),
    (50, "to", "missing required field 'to'"),
    (56, "mode", "unknown mode 'submarine'"),
]


def test_yaml_bad_entries_are_rejected_with_reasons_and_good_ones_kept() -> None:
    path = str(DATA / "bad_entries.yaml")
    ds = read_events(path)
    assert [e.id for e in ds.events] == ["good-1", "good-2"]
    assert [m.id for m in ds.movements] == ["good-move"]
    errors = ds.errors
    assert len(errors) == len(BAD_YAML)
    for line, field, fragment in BAD_YAML:
        p = _problem(errors, line)
        assert (p.where, p.field, p.severity) == (path, field, "error")
        assert fragment in p.message
        assert str(p).startswith(f"{path}:{line}: [{field}] error:")
    colour = _problem(ds.problems, 48)  # unknown key: a warning, and the value is kept
    assert colour.severity == "warning" and colour.field == "colour"
    assert _by_id(ds.events)["good-2"].extra == {"colour": "red"}


def test_yaml_strict_raises_with_every_problem_listed() -> None:
    with pytest.raises(GeomapError) as info:
        read_events(DATA / "bad_entries.yaml", strict=True)
    text = str(info.value)
    assert text.splitlines()[0].endswith("bad_entries.yaml: 12 problem(s):")
    assert "bad_entries.yaml:22: [lat] error: latitude 95 is outside -90..90" in text
    assert len(text.splitlines()) == 13


def test_yaml_strict_passes_a_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "clean.yml"
    path.write_text(
        "events:\n  - {place: Kyiv, date: 2024-10-28, lat: 50.45, lon: 30.52}\n", encoding="utf-8"
    )
    ds = read_events(path, strict=True)
    assert [e.location for e in ds.events] == ["Kyiv"] and ds.problems == []


def test_yaml_keeps_dates_and_country_codes_as_written() -> None:
    # YAML 1.1 would read NO (Norway) as False and 2024-10-28 as a date object.
    ds = parse_yaml("events:\n  - {place: Oslo, country: NO, date: 2024-10-28, kind: Meeting}\n", "x.yaml")
    (event,) = ds.events
    assert (
        event.country_hint == "NO" and event.date == dt.date(2024, 10, 28) and event.kind == EventKind.MEETING
    )
    assert event.where == "x.yaml" and event.line == 2


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("empty.yaml", "empty file"),
        ("comments_only.yaml", "empty file"),
        ("empty.csv", "empty file"),
        ("syntax_error.yaml", "YAML syntax error at line 5, column 10"),
        ("not_mapping.yaml", "expected a mapping with 'events' and/or 'movements' at the top, got a list"),
        ("not_utf8.yaml", "not UTF-8 text: byte 0xe9 at byte offset 44 (line 3)"),
        ("not_utf8.csv", "not UTF-8 text: byte 0x96 at byte offset 58 (line 3)"),
        ("missing.yaml", "no such file"),
    ],
)
def test_file_level_failures_are_one_line_errors_naming_the_file(name: str, fragment: str) -> None:
    path = str(DATA / name)
    with pytest.raises(GeomapError) as info:
        read_events(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and fragment in message
    assert "\n" not in message and "Traceback" not in message


def test_unknown_extension_and_directory_are_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    with pytest.raises(GeomapError, match=r"notes\.txt: unknown file type '\.txt'; readable: .*\.yaml"):
        read_events(notes)
    folder = tmp_path / "events.yaml"
    folder.mkdir()
    with pytest.raises(GeomapError, match="is a directory"):
        read_events(folder)
    with pytest.raises(GeomapError, match=r"x\.parquet: "):  # .parquet: a corpus table (geomap.corpus)
        read_events(tmp_path / "x.parquet")


# ACLED CSV ----------------------------------------------------------------------
def test_acled_export_loads_directly_with_places() -> None:
    ds = read_events(DATA / "acled_export.csv")
    assert ds.problems == []
    events = _by_id(ds.events)
    kharkiv = events["UKR900001"]
    assert kharkiv.date == dt.date(2024, 10, 28) and kharkiv.date_precision == DatePrecision.DAY
    assert kharkiv.kind == EventKind.STRIKE and kharkiv.line == 2
    assert kharkiv.place is not None
    assert (kharkiv.place.lat, kharkiv.place.lon, kharkiv.place.country_code) == (49.9935, 36.2304, "UA")
    assert kharkiv.description.startswith(
        'On 28 October 2024, an example shelling was reported, "with quotes"'
    )
    assert kharkiv.source is not None and kharkiv.source.publisher == "Example Regional News"
    base = events["RUS900002"]
    assert base.kind == EventKind.DEPLOYMENT and base.date_precision == DatePrecision.WEEK
    assert base.place is not None and base.place.geo_precision == 2 and base.place.kind == PlaceKind.REGION
    assert base.country_hint == "RU"  # from ACLED's numeric iso 643
    assert events["BEL900003"].kind == EventKind.OTHER
    battle = events["RUS900004"]
    assert battle.kind == EventKind.STRIKE and battle.date_precision == DatePrecision.MONTH
    assert battle.place is not None and battle.place.geo_precision == 3
    assert (
        battle.extra["actor2"] == "Military Forces of Ukraine (2019-)" and battle.extra["fatalities"] == "2"
    )


def test_acled_event_types_map_to_kinds() -> None:
    assert kind_from_acled("Strategic developments", "Agreement") == EventKind.MEETING
    assert kind_from_acled("Strategic developments", "Arrests") == EventKind.OTHER
    assert kind_from_acled("Battles", "Armed clash") == EventKind.STRIKE
    assert kind_from_acled("Something new", "") is None


BAD_CSV = [
    (3, "latitude", "latitude 95 is outside -90..90"),
    (4, "event_date", "'2024-13-45' is not a real date"),
    (5, "location", "missing required field 'location'"),
    (6, "kind", "unknown kind 'invasion'; allowed:"),
    (7, "quantity", "got 'many'"),
    (8, None, "row has 11 fields but the header has 10"),
]


def test_csv_bad_rows_are_rejected_and_good_rows_kept() -> None:
    path = str(DATA / "bad_rows.csv")
    ds = read_events(path)
    assert [e.id for e in ds.events] == ["ok-1", "ok-2", "ok-3"]
    assert [e.line for e in ds.events] == [2, 9, 10]  # the header is row 1
    errors = ds.errors
    assert len(errors) == len(BAD_CSV)
    for row, field, fragment in BAD_CSV:
        p = _problem(errors, row)
        assert (p.where, p.field) == (path, field) and fragment in p.message
    ok2, ok3 = ds.events[1], ds.events[2]
    assert ok2.date_precision == DatePrecision.MONTH and ok2.quantity == 10000
    assert ok3.place is None and ok3.country_hint == "RU" and ok3.date_precision == DatePrecision.UNKNOWN
    assert _problem(ds.problems, 10).severity == "warning"


def test_csv_messages_give_the_line_a_row_starts_on(tmp_path: Path) -> None:
    # issue 14: after a cell with a line break, messages name the file's line, not the record
    path = tmp_path / "multi.csv"
    path.write_text(
        'location,event_date,notes\nKyiv,2024-10-28,"two\nlines"\nKursk,2024-10-32,bad day\n',
        encoding="utf-8",
    )
    ds = read_events(path)
    assert [(e.location, e.line, e.description) for e in ds.events] == [("Kyiv", 2, "two\nlines")]
    assert [(p.line, p.field) for p in ds.errors] == [(4, "event_date")]


def test_csv_is_streamed_row_by_row(tmp_path: Path) -> None:
    # The good first row comes out before the reader meets the bad bytes further down.
    path = tmp_path / "stream.csv"
    path.write_bytes(
        b"location,event_date\nKyiv,2024-10-28\n" + b"Lviv,2024-10-28\n" * 1000 + b"Caf\xe9,2024\n"
    )
    rows = iter_acled_csv(path)
    first = next(rows)
    assert isinstance(first, Event) and first.location == "Kyiv"
    with pytest.raises(GeomapError, match=r"stream\.csv: not UTF-8 text: .*\(line 1003\)"):
        list(rows)


def test_csv_without_location_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("city,date\nKyiv,2024-10-28\n", encoding="utf-8")
    with pytest.raises(GeomapError, match=r"wrong\.csv: no 'location' column in the header \(row 1\)"):
        read_events(path)


# GeoJSON ------------------------------------------------------------------------
def test_generic_point_geojson_reads_with_feature_numbers() -> None:
    path = str(DATA / "points.geojson")
    ds = read_events(path)
    assert [e.id for e in ds.events] == ["g1", "g3"]
    g1, g3 = ds.events
    assert g1.place is not None and (g1.place.lon, g1.place.lat) == (30.52, 50.45)
    assert g1.kind == EventKind.STRIKE and g1.country_hint == "UA" and g1.line == 1
    assert g3.place is None and g3.date_precision == DatePrecision.MONTH
    lat95, nameless = ds.errors
    assert (lat95.line, lat95.field) == (2, "latitude") and lat95.message.startswith("feature 2: latitude 95")
    assert (nameless.line, nameless.field) == (4, "location") and "feature 4" in nameless.message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [}\n', encoding="utf-8")
    with pytest.raises(GeomapError, match=r"broken\.geojson: not valid JSON at line 2, column 15"):
        read_events(path)
