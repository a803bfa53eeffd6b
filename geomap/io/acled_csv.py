"""ACLED-style CSV: an ACLED export loads as it is, and our own CSV export loads back.

Columns read (any order, unknown ones are a warning and kept in ``Event.extra``):

- ACLED: event_id_cnty, event_date ('2024-10-28' or '28 October 2024'), time_precision (1 day,
  2 week, 3 month), year (used when event_date is empty), event_type, sub_event_type, actor1,
  actor2, country, iso (ISO 3166 numeric), admin1..admin3, location (required), latitude,
  longitude, geo_precision (1/2/3), source, source_scale, notes, fatalities, and ACLED's other
  bookkeeping columns (kept in ``extra`` silently).
- Ours: country_code (ISO alpha-2), date_precision (day/week/month/year/unknown; wins over
  time_precision), kind, status, quantity, quote, publisher (else ACLED's source), source_title
  or title, source_url or url, published, place_name, place_kind, geocoder, geonameid, population.
  start and end are derived from the date and ignored.

A row with latitude and longitude gets its Place at once (ACLED's geo_precision, geocoder
'input' unless a geocoder column says otherwise), so an ACLED export maps without geocoding.

ACLED event types become our kinds as follows: 'Battles', 'Explosions/Remote violence' and
'Violence against civilians' are armed action at a place, so ``strike``; 'Strategic
developments' is ``other`` except its sub-events 'Headquarters or base established' and
'Non-violent transfer of territory' (``deployment``) and 'Agreement' (``meeting``); 'Protests'
and 'Riots' are ``other``. A ``kind`` column, when filled, wins.

Rows are read one at a time with the csv module; messages give the line a row starts on (the
header is line 1; a cell with line breaks makes the following rows' lines larger than their
row numbers). A cell may hold up to MAX_CSV_FIELD characters (the csv module's default of
131,072 is raised to it); a row with a larger cell is rejected alone, the rest is read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from geomap.files import atomic_path
from geomap.model import Dataset, Event, EventKind, GeomapError, Problem

from . import validate as v

__all__ = [
    "read_acled_csv",
    "iter_acled_csv",
    "write_acled_csv",
    "event_from_columns",
    "record_from_columns",
    "kind_from_acled",
    "KNOWN_COLUMNS",
]

# canonical key -> accepted column names, first filled one wins
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("event_id_cnty", "id"),
    "date": ("event_date", "date"),
    "date_precision": ("date_precision",),
    "location": ("location", "place", "name"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon"),
    "kind": ("kind",),
    "status": ("status",),
    "actor": ("actor1", "actor"),
    "quantity": ("quantity",),
    "description": ("notes", "description"),
    "quote": ("quote",),
    "place_name": ("place_name",),
    "place_kind": ("place_kind",),
    "geo_precision": ("geo_precision",),
    "geocoder": ("geocoder",),
    "geonameid": ("geonameid",),
    "population": ("population",),
}
SOURCE_COLUMNS = {
    "publisher": ("publisher", "source"),
    "title": ("source_title", "title"),
    "url": ("source_url", "url"),
    "published": ("published",),
}
COUNTRY_COLUMNS = ("country_code", "iso", "country")
SPECIAL_COLUMNS = ("time_precision", "year", "event_type", "sub_event_type")
DERIVED_COLUMNS = ("start", "end", "layer")  # written by our exports, recomputed on reading
# ACLED columns we have no field for: kept in extra without a warning.
ACLED_OTHER = frozenset((
    "event_id_no_cnty", "data_id", "iso3", "region", "admin1", "admin2", "admin3", "actor2",
    "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction", "civilian_targeting",
    "disorder_type", "source_scale", "fatalities", "timestamp", "tags", "population_best",
    "population_1km", "population_2km", "population_5km",
))  # fmt: skip
KNOWN_COLUMNS = frozenset(
    [c for names in ALIASES.values() for c in names]
    + [c for names in SOURCE_COLUMNS.values() for c in names]
    + [*COUNTRY_COLUMNS, *SPECIAL_COLUMNS, *DERIVED_COLUMNS, *ACLED_OTHER]
)

_SUB_EVENT_KIND = {
    "headquarters or base established": EventKind.DEPLOYMENT,
    "non-violent transfer of territory": EventKind.DEPLOYMENT,
    "agreement": EventKind.MEETING,
}
_EVENT_KIND = {
    "battles": EventKind.STRIKE,
    "explosions/remote violence": EventKind.STRIKE,
    "violence against civilians": EventKind.STRIKE,
    "strategic developments": EventKind.OTHER,
    "protests": EventKind.OTHER,
    "riots": EventKind.OTHER,
}


def kind_from_acled(event_type: str | None, sub_event_type: str | None) -> EventKind | None:
    """Our kind for an ACLED event type and sub-type (see the module docstring); None if unknown."""
    sub = (sub_event_type or "").strip().casefold()
    if sub in _SUB_EVENT_KIND:
        return _SUB_EVENT_KIND[sub]
    return _EVENT_KIND.get((event_type or "").strip().casefold())


def _first(props: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    """The first of ``names`` with a value (else the first present, else the first name)."""
    for name in names:
        value = props.get(name)
        if value is not None and not v.is_blank(value):
            return name, value
    present = [n for n in names if n in props]
    return (present[0] if present else names[0]), None


def record_from_columns(
    props: Mapping[str, Any], row: v.Row, *, warn_unknown: bool = True
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Translate ACLED/our column names into a canonical record, its column names, and the extras.

    Shared by the CSV, GeoJSON and GeoDataFrame readers, which all speak ACLED's names.
    """
    rec: dict[str, Any] = {}
    names: dict[str, str] = {}
    for key, aliases in ALIASES.items():
        names[key], rec[key] = _first(props, aliases)
    # precision: ours by name, else ACLED's 1/2/3 code
    if v.is_blank(rec["date_precision"]) and not v.is_blank(props.get("time_precision")):
        code = v.small_int(row, "time_precision", props.get("time_precision"), (1, 2, 3))
        if code is not None:
            rec["date_precision"], names["date_precision"] = str(code), "time_precision"
    year = props.get("year")
    if v.is_blank(rec["date"]) and not v.is_blank(year):
        rec["date"], names["date"] = str(year).strip().removesuffix(".0"), "year"
    if v.is_blank(rec["kind"]):
        event_type, sub_type = props.get("event_type"), props.get("sub_event_type")
        if not v.is_blank(event_type) or not v.is_blank(sub_type):
            mapped = kind_from_acled(str(event_type or ""), str(sub_type or ""))
            if mapped is None:
                given = " / ".join(f"'{t}'" for t in (event_type, sub_type) if not v.is_blank(t))
                row.warn("event_type", f"unknown ACLED event type {given}; kind 'other'")
                mapped = EventKind.OTHER
            rec["kind"], names["kind"] = str(mapped), "event_type"
    names["country"], rec["country"] = _first(props, COUNTRY_COLUMNS)
    src: dict[str, Any] = {}
    for key, aliases in SOURCE_COLUMNS.items():
        _, src[key] = _first(props, aliases)
    rec["source"] = {k: val for k, val in src.items() if not v.is_blank(val)} or None
    names["source"] = "source"
    extra: dict[str, Any] = {}
    unknown = []
    for col, val in props.items():
        if col in KNOWN_COLUMNS and col not in ACLED_OTHER:
            continue
        if col not in KNOWN_COLUMNS:
            unknown.append(col)
        if not v.is_blank(val):
            extra[col] = val
    if warn_unknown and unknown:
        row.warn(unknown[0], f"unknown column(s) {', '.join(map(repr, unknown))} (kept as extra fields)")
    return rec, names, extra


def _check_year(row: v.Row, props: Mapping[str, Any], event: Event) -> None:
    year = props.get("year")
    if event.date is None or v.is_blank(year):
        return
    try:
        if int(float(year)) != event.date.year:
            row.warn("year", f"year {year} does not match event_date {event.date.isoformat()}")
    except (TypeError, ValueError):
        pass


def event_from_columns(
    props: Mapping[str, Any], row: v.Row, *, default_id: str, warn_unknown: bool = True
) -> Event | None:
    """One Event from a row of ACLED/our columns, or None with the reasons in ``row``."""
    rec, names, extra = record_from_columns(props, row, warn_unknown=warn_unknown)
    event = v.event_from_record(rec, row, default_id=default_id, names=names, extra=extra)
    if event is not None:
        _check_year(row, props, event)
    return event


def _sniff_delimiter(header_line: str) -> str:
    if "," in header_line:
        return ","
    for candidate in (";", "\t", "|"):
        if candidate in header_line:
            return candidate
    return ","


MAX_CSV_FIELD = 16 * 1024 * 1024  # characters in one CSV cell; text fields are then cut to v.MAX_FIELD_CHARS


def iter_acled_csv(path: str | Path, *, where: str | None = None) -> Iterator[Event | Problem]:
    """Events and problems in file order, one row at a time, so a large export never sits in memory."""
    where = where if where is not None else str(path)
    if csv.field_size_limit() < MAX_CSV_FIELD:
        csv.field_size_limit(MAX_CSV_FIELD)
    lines = v.utf8_lines(path, where)
    try:
        first = next(lines)
    except StopIteration:
        raise GeomapError(f"{where}: empty file") from None

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=_sniff_delimiter(first))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise GeomapError(f"{where}: cannot read the CSV header: {exc}") from None
    if not any(header):
        raise GeomapError(f"{where}: empty file (the first line, the header, is blank)")
    if not {"location", "place", "name"} & set(header):
        raise GeomapError(
            f"{where}: no 'location' column in the header (row 1); columns are: {', '.join(header)}"
        )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            yield Problem(f"column '{name}' appears twice; the last one is used", where, 1, name, "warning")
        seen.add(name)
    unknown = [h for h in header if h and h not in KNOWN_COLUMNS]
    if unknown:
        yield Problem(
            f"unknown column(s) {', '.join(map(repr, unknown))} (kept as extra fields)",
            where, 1, unknown[0], "warning",
        )  # fmt: skip
    number = 1
    data_rows = 0
    while True:
        start = reader.line_num + 1  # the line this row starts on
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # one bad row (a cell over MAX_CSV_FIELD, ...): reject it alone
            number += 1
            yield Problem(f"row rejected: {exc}", where, start, None, "error")
            continue
        number += 1
        if not any(c.strip() for c in cells):
            continue
        data_rows += 1
        row = v.Row(where, start)
        if len(cells) > len(header):
            row.error(None, f"row has {len(cells)} fields but the header has {len(header)}")
            yield from row.problems
            continue
        props = dict(zip(header, cells, strict=False))
        event = event_from_columns(props, row, default_id=f"r{number}", warn_unknown=False)
        yield from row.problems
        if event is not None:
            yield event
    if data_rows == 0:
        yield Problem("no data rows after the header", where, 1, None, "warning")


def read_acled_csv(path: str | Path, *, where: str | None = None) -> Dataset:
    """Read an ACLED export or our CSV into a Dataset; bad rows become Problems, good rows are kept."""
    ds = Dataset()
    for item in iter_acled_csv(path, where=where):
        if isinstance(item, Problem):
            ds.problems.append(item)
        else:
            ds.events.append(item)
    return ds


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6) + 0.0) if name in ("latitude", "longitude") else repr(value)
    return str(value)


def write_acled_csv(dataset: Dataset, path: str | Path) -> list[str]:
    """The placed events as a CSV with ACLED's column names (and ours), loadable by ACLED tools and by us."""
    from .frame import EVENT_SCHEMA, event_record  # frame builds on this module's reader

    columns = [name for name, _ in EVENT_SCHEMA]
    out = Path(path)
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for event in dataset.events:
            if event.place is None:
                continue
            rec = event_record(event)
            writer.writerow([_cell(c, rec.get(c)) for c in columns])
    return [str(out)]
