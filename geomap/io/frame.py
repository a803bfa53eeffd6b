"""Events, places and routes as tables (GeoDataFrames), with ACLED's column names.

The tables are what every export writes and what QGIS, Leaflet timelines and pandas users
see: one row per event, per resolved place, per movement. ``start`` and ``end`` are the ISO
dates of the period a date stands for (a month-precise date covers the whole month), which
QGIS's Temporal Controller and Leaflet timelines read directly.

The plain-dict records (:func:`event_record`, :func:`place_records`, :func:`route_record`) are
the single definition of every column; the frames, the GeoJSON, GeoPackage and CSV writers all
build on them, so the formats cannot drift apart. Events whose place is unresolved stay in the
events frame with an empty geometry (so the round trip keeps them); exports leave them out.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from geomap.model import (
    Dataset,
    DatePrecision,
    Event,
    GeomapError,
    Leg,
    Mode,
    Movement,
    Place,
    PlaceKind,
    Source,
    Status,
)
from geomap.routes import movement_path, split_antimeridian

from . import validate as v
from .acled_csv import event_from_columns

__all__ = [
    "EVENT_SCHEMA",
    "PLACE_SCHEMA",
    "ROUTE_SCHEMA",
    "CRS",
    "event_record",
    "place_records",
    "route_record",
    "route_parts",
    "events_to_frame",
    "frame_to_events",
    "places_to_frame",
    "routes_to_frame",
    "frame_to_movements",
    "places_by_name",
    "movement_from_route",
    "clean_value",
    "frame_rows",
    "events_from_frame",
]

CRS = "EPSG:4326"

# (column, type) with type one of str, int, float, date (an ISO 'YYYY-MM-DD' string in records)
EVENT_SCHEMA: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "str"),
    ("event_date", "date"),
    ("time_precision", "int"),
    ("date_precision", "str"),
    ("actor1", "str"),
    ("location", "str"),
    ("place_name", "str"),
    ("country_code", "str"),
    ("latitude", "float"),
    ("longitude", "float"),
    ("geo_precision", "int"),
    ("place_kind", "str"),
    ("geocoder", "str"),
    ("geonameid", "int"),
    ("population", "int"),
    ("kind", "str"),
    ("status", "str"),
    ("quantity", "int"),
    ("notes", "str"),
    ("quote", "str"),
    ("source", "str"),
    ("source_title", "str"),
    ("source_url", "str"),
    ("published", "date"),
    ("start", "date"),
    ("end", "date"),
)
PLACE_SCHEMA: tuple[tuple[str, str], ...] = (
    ("name", "str"),
    ("as_written", "str"),
    ("country_code", "str"),
    ("kind", "str"),
    ("geo_precision", "int"),
    ("geocoder", "str"),
    ("geonameid", "int"),
    ("population", "int"),
    ("latitude", "float"),
    ("longitude", "float"),
    ("event_count", "int"),
    ("movement_count", "int"),
)
ROUTE_SCHEMA: tuple[tuple[str, str], ...] = (
    ("id", "str"),
    ("actor1", "str"),
    ("from", "str"),
    ("via", "str"),
    ("to", "str"),
    ("event_date", "date"),
    ("time_precision", "int"),
    ("date_precision", "str"),
    ("start", "date"),
    ("end", "date"),
    ("mode", "str"),
    ("status", "str"),
    ("quantity", "int"),
    ("notes", "str"),
    ("quote", "str"),
    ("source", "str"),
    ("source_title", "str"),
    ("source_url", "str"),
    ("published", "date"),
    ("legs", "str"),
)
AS_WRITTEN_SEP = "; "


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _source_columns(source: Source | None) -> dict[str, Any]:
    s = source or Source()
    return {
        "source": s.publisher,
        "source_title": s.title,
        "source_url": s.url,
        "published": _iso(s.published),
    }


# records ---------------------------------------------------------------------
def event_record(event: Event) -> dict[str, Any]:
    """One event as a row of EVENT_SCHEMA (dates as ISO strings, missing values as None)."""
    place = event.place
    span = event.period
    rec: dict[str, Any] = {
        "event_id_cnty": event.id,
        "event_date": _iso(event.date),
        "time_precision": event.date_precision.acled,
        "date_precision": str(event.date_precision),
        "actor1": event.actor,
        "location": event.location,
        "place_name": place.name if place else None,
        "country_code": (place.country_code if place else None) or event.country_hint,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geo_precision": place.geo_precision if place else None,
        "place_kind": str(place.kind) if place else None,
        "geocoder": place.source if place else None,
        "geonameid": place.geonameid if place else None,
        "population": place.population if place else None,
        "kind": str(event.kind),
        "status": str(event.status),
        "quantity": event.quantity,
        "notes": event.description or None,
        "quote": event.quote,
        **_source_columns(event.source),
        "start": _iso(span[0]) if span else None,
        "end": _iso(span[1]) if span else None,
    }
    return rec


def _place_key(place: Place) -> tuple[Any, ...]:
    return (place.name, round(place.lat, 6), round(place.lon, 6), place.country_code, str(place.kind))


def place_records(dataset: Dataset) -> list[tuple[Place, dict[str, Any]]]:
    """Each resolved place once (first-seen order), with the names it was written as and its use."""
    seen: dict[tuple[Any, ...], tuple[Place, dict[str, Any]]] = {}

    def add(place: Place | None, written: str, *, event: bool, movement_id: str | None) -> None:
        if place is None:
            return
        key = _place_key(place)
        if key not in seen:
            seen[key] = (place, {"names": [], "events": 0, "movements": set()})
        info = seen[key][1]
        if written not in info["names"]:
            info["names"].append(written)
        if event:
            info["events"] += 1
        if movement_id is not None:
            info["movements"].add(movement_id)

    for e in dataset.events:
        add(e.place, e.location, event=True, movement_id=None)
    for i, m in enumerate(dataset.movements):
        for leg in m.legs:
            add(leg.origin_place, leg.origin, event=False, movement_id=f"{i}")
            add(leg.destination_place, leg.destination, event=False, movement_id=f"{i}")
    out = []
    for place, info in seen.values():
        out.append(
            (
                place,
                {
                    "name": place.name,
                    "as_written": AS_WRITTEN_SEP.join(info["names"]),
                    "country_code": place.country_code,
                    "kind": str(place.kind),
                    "geo_precision": place.geo_precision,
                    "geocoder": place.source,
                    "geonameid": place.geonameid,
                    "population": place.population,
                    "latitude": place.lat,
                    "longitude": place.lon,
                    "event_count": info["events"],
                    "movement_count": len(info["movements"]),
                },
            )
        )
    return out


def _movement_dating(m: Movement) -> tuple[dt.date | None, DatePrecision, tuple[dt.date, dt.date] | None]:
    """The arrival date with its precision, and the span of all dated legs.

    The arrival is the leg whose period ends last (later legs win ties): a month-precise arrival
    in October comes after a day-precise stop on 8 October, though its date (1 October) is earlier.
    """
    dated = [(i, leg, leg.period) for i, leg in enumerate(m.legs) if leg.date is not None]
    if not dated:
        return None, DatePrecision.UNKNOWN, None
    _, last, _ = max(dated, key=lambda t: (t[2][1] if t[2] else t[1].date, t[0]))
    spans = [p for _, _, p in dated if p]
    span = (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None
    return last.date, last.date_precision, span


def _legs_json(legs: Sequence[Leg]) -> str:
    return json.dumps(
        [
            {
                "from": leg.origin,
                "to": leg.destination,
                "date": _iso(leg.date),
                "date_precision": str(leg.date_precision),
                "mode": str(leg.mode),
            }
            for leg in legs
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def route_record(m: Movement) -> dict[str, Any]:
    """One movement as a row of ROUTE_SCHEMA; ``legs`` keeps each leg's date and mode as JSON."""
    day, precision, span = _movement_dating(m)
    stops = m.stops
    return {
        "id": m.id,
        "actor1": m.actor,
        "from": stops[0] if stops else None,
        "via": AS_WRITTEN_SEP.join(stops[1:-1]) or None,
        "to": stops[-1] if stops else None,
        "event_date": _iso(day),
        "time_precision": precision.acled,
        "date_precision": str(precision),
        "start": _iso(span[0]) if span else None,
        "end": _iso(span[1]) if span else None,
        "mode": str(m.mode),
        "status": str(m.status),
        "quantity": m.quantity,
        "notes": m.description or None,
        "quote": m.quote,
        **_source_columns(m.source),
        "legs": _legs_json(m.legs),
    }


def route_parts(m: Movement) -> list[list[tuple[float, float]]] | None:
    """The movement's geodesic path cut at the antimeridian (RFC 7946); None if a stop is unresolved."""
    path = movement_path(m)
    if path is None:
        return None
    return split_antimeridian(path) or None


def route_geometry(parts: list[list[tuple[float, float]]] | None) -> BaseGeometry | None:
    if not parts:
        return None
    if len(parts) == 1:
        return LineString(parts[0])
    return MultiLineString(parts)


# frames ----------------------------------------------------------------------
def _frame(
    records: list[dict[str, Any]], schema: Sequence[tuple[str, str]], geoms: list[Any]
) -> gpd.GeoDataFrame:
    data: dict[str, Any] = {}
    for name, kind in schema:
        values = [r.get(name) for r in records]
        if kind == "int":
            data[name] = pd.array(values, dtype="Int64")
        elif kind == "float":
            data[name] = pd.array([math.nan if x is None else float(x) for x in values], dtype="float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    df = pd.DataFrame(data, columns=[n for n, _ in schema])
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def events_to_frame(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame (EPSG:4326 points, ACLED column names); unplaced events have no geometry."""
    events = list(events)
    geoms = [Point(e.place.lon, e.place.lat) if e.place else None for e in events]
    return _frame([event_record(e) for e in events], EVENT_SCHEMA, geoms)


def places_to_frame(dataset: Dataset) -> gpd.GeoDataFrame:
    """Each resolved place once: resolved name, names as written, kind, precision, geocoder, use counts."""
    rows = place_records(dataset)
    return _frame([r for _, r in rows], PLACE_SCHEMA, [Point(p.lon, p.lat) for p, _ in rows])


def routes_to_frame(dataset: Dataset) -> gpd.GeoDataFrame:
    """One row per movement: LineString, or MultiLineString where it crosses the antimeridian."""
    movements = list(dataset.movements)
    geoms = [route_geometry(route_parts(m)) for m in movements]
    return _frame([route_record(m) for m in movements], ROUTE_SCHEMA, geoms)


def clean_value(value: Any) -> Any:
    """A table cell as a plain Python value: NaN/NA/NaT to None, numpy scalars to Python ones."""
    if value is None or isinstance(value, list | dict | tuple):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item") and not isinstance(value, str | dt.date):
        return value.item()
    return value


def _plain_column(series: pd.Series) -> list[Any]:
    """A column as plain Python values, None where missing (vectorised: no per-cell pd.isna)."""
    missing = series.isna().to_numpy()
    values = series.astype(object).tolist()
    plain = (str, int, float)
    return [
        None if gone else x if x.__class__ in plain else clean_value(x)
        for x, gone in zip(values, missing, strict=True)
    ]


def frame_rows(gdf: pd.DataFrame) -> Iterable[tuple[int, dict[str, Any], BaseGeometry | None]]:
    """(1-based row number, plain-valued cells, geometry or None) for each row of a table."""
    geom_name = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
    columns = [str(c) for c in gdf.columns if c != geom_name]
    data = [_plain_column(gdf[c]) for c in columns]
    geoms = list(gdf.geometry) if geom_name else [None] * len(gdf)
    for i, (values, geom) in enumerate(zip(zip(*data, strict=True), geoms, strict=True) if data else []):
        props = dict(zip(columns, values, strict=True))
        yield i + 1, props, geom if isinstance(geom, BaseGeometry) and not geom.is_empty else None


def point_into(props: dict[str, Any], geom: Any) -> None:
    """Let a Point geometry give latitude/longitude (the geometry is what a GIS user edits)."""
    if isinstance(geom, Point) and not geom.is_empty:
        props["latitude"], props["longitude"] = geom.y, geom.x
        props.pop("lat", None), props.pop("lon", None)


def events_from_frame(gdf: pd.DataFrame, where: str, *, label: str = "row") -> Dataset:
    """Events of a table with our/ACLED columns; bad rows become Problems (row N = N-th row)."""
    ds = Dataset()
    for n, props, geom in frame_rows(gdf):
        row = v.Row(where, n, label=f"{label} {n}")
        point_into(props, geom)
        event = event_from_columns(props, row, default_id=f"{label[0]}{n}")
        if event is not None:
            ds.events.append(event)
        ds.problems.extend(row.problems)
    return ds


def frame_to_events(gdf: pd.DataFrame) -> list[Event]:
    """The events of a frame made by :func:`events_to_frame` (or any table with ACLED columns).

    Rows are checked like any input; a bad row raises GeomapError naming it and its column.
    """
    ds = events_from_frame(gdf, "<GeoDataFrame>")
    errors = ds.errors
    if errors:
        v.raise_if_problems("<GeoDataFrame>", errors)
    return ds.events


def places_by_name(records: Iterable[Mapping[str, Any]]) -> dict[str, Place]:
    """Places of a places table, keyed by every name they were written as (casefolded)."""
    out: dict[str, Place] = {}
    for rec in records:
        try:
            kind = PlaceKind(str(rec.get("kind") or "city"))
            place = Place(
                name=str(rec["name"]),
                lat=float(rec["latitude"]),
                lon=float(rec["longitude"]),
                country_code=rec.get("country_code") or None,
                kind=kind,
                geo_precision=int(rec.get("geo_precision") or kind.acled_precision),
                source=str(rec.get("geocoder") or "input"),
                geonameid=int(rec["geonameid"]) if rec.get("geonameid") is not None else None,
                population=int(rec["population"]) if rec.get("population") is not None else None,
            )
        except (KeyError, TypeError, ValueError):
            continue
        names = str(rec.get("as_written") or place.name).split(AS_WRITTEN_SEP)
        for name in [*names, place.name]:
            out.setdefault(name.strip().casefold(), place)
    return out


def movement_from_route(
    props: Mapping[str, Any], row: v.Row, places: Mapping[str, Place], default_id: str
) -> Movement | None:
    """A Movement from a routes row (ours: ``legs`` JSON; else from/via/to with one date and mode)."""
    legs_raw = props.get("legs")
    specs: list[dict[str, Any]] = []
    if isinstance(legs_raw, str) and legs_raw.strip():
        try:
            legs_raw = json.loads(legs_raw)
        except ValueError as exc:
            row.error("legs", f"legs is not valid JSON ({exc.msg})")
            return None
    if isinstance(legs_raw, list) and legs_raw:
        if not all(isinstance(x, Mapping) for x in legs_raw):
            row.error("legs", "legs must be a list of {from, to, date, date_precision, mode}")
            return None
        specs = [dict(x) for x in legs_raw]
    else:
        origin = v.text(row, "from", props.get("from"))
        dest = v.text(row, "to", props.get("to"))
        for key, val in (("from", origin), ("to", dest)):
            if val is None:
                row.error(key, f"missing required field '{key}'")
        if origin is None or dest is None:
            return None
        via = [s.strip() for s in str(props.get("via") or "").split(AS_WRITTEN_SEP.strip()) if s.strip()]
        stops = [origin, *via, dest]
        specs = [
            {"from": a, "to": b, "mode": props.get("mode")} for a, b in zip(stops, stops[1:], strict=False)
        ]
        specs[-1]["date"] = props.get("event_date")
        specs[-1]["date_precision"] = props.get("date_precision")
    legs: list[Leg] = []
    for i, spec in enumerate(specs, start=1):
        a = v.text(row, f"legs[{i}].from", spec.get("from"))
        b = v.text(row, f"legs[{i}].to", spec.get("to"))
        dated = v.date_and_precision(
            row, f"legs[{i}].date", spec.get("date"), f"legs[{i}].date_precision", spec.get("date_precision")
        )
        mode = v.enum_value(row, f"legs[{i}].mode", spec.get("mode"), Mode, Mode.UNKNOWN)
        if a is None or b is None:
            row.error(f"legs[{i}]", f"leg {i} needs both 'from' and 'to'")
        if a is None or b is None or dated is None or mode is None:
            continue
        legs.append(
            Leg(
                origin=a,
                destination=b,
                origin_place=places.get(a.casefold()),
                destination_place=places.get(b.casefold()),
                date=dated[0],
                date_precision=dated[1],
                mode=mode,
            )
        )
    status = v.enum_value(row, "status", props.get("status"), Status, Status.REPORTED)
    qty = v.quantity(row, "quantity", props.get("quantity"))
    source_fields = {
        "publisher": props.get("source") if not isinstance(props.get("source"), Mapping) else None,
        "title": props.get("source_title"),
        "url": props.get("source_url"),
        "published": props.get("published"),
    }
    source = v.source_from(
        row, "source", {k: x for k, x in source_fields.items() if not v.is_blank(x)} or None
    )
    if not row.ok or status is None:
        return None
    return Movement(
        id=v.text(row, "id", props.get("id")) or default_id,
        actor=v.text(row, "actor1", props.get("actor1") if "actor1" in props else props.get("actor")),
        legs=legs,
        status=status,
        quantity=qty,
        description=v.text(row, "notes", props.get("notes")) or "",
        source=source,
        quote=v.text(row, "quote", props.get("quote")),
        where=row.where,
        line=row.line,
    )


def frame_to_movements(routes: pd.DataFrame, places: pd.DataFrame | None = None) -> list[Movement]:
    """The movements of a frame made by :func:`routes_to_frame`; stops get places from a places frame."""
    book = places_by_name(dict(p) for _, p, _ in frame_rows(places)) if places is not None else {}
    out: list[Movement] = []
    problems = []
    for n, props, _ in frame_rows(routes):
        row = v.Row("<GeoDataFrame>", n, label=f"row {n}")
        m = movement_from_route(props, row, book, f"m{n}")
        problems.extend(p for p in row.problems if p.severity == "error")
        if m is not None:
            out.append(m)
    if problems:
        raise GeomapError("\n".join(["<GeoDataFrame>: bad routes:"] + [f"  {p}" for p in problems]))
    return out
