"""The corpus table: events and movements of many articles in one GeoParquet file.

One row per event (``record = 'event'``, Point) or movement (``record = 'movement'``, LineString
or MultiLineString), with the columns of :mod:`geomap.io.frame` (ACLED names) plus provenance:
``article_id``, ``article_seq`` (position in the corpus), ``item`` (position in the article),
``url``, ``language``, ``quote_start``/``quote_end``, ``reason``, and for movements ``stops``
(JSON of every stop's resolved place), so the file reads back into a Dataset with nothing to
geocode again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geomap.io import validate as v
from geomap.io.frame import (
    EVENT_SCHEMA,
    event_record,
    events_from_frame,
    frame_rows,
    movement_from_route,
    places_by_name,
    route_geometry,
    route_parts,
    route_record,
)
from geomap.model import Dataset, GeomapError, Movement, Place

__all__ = ["records_of", "records_to_frame", "read_corpus_table", "write_parquet", "CRS"]

CRS = "EPSG:4326"


def _stop_record(name: str, place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "as_written": name,
        "latitude": place.lat,
        "longitude": place.lon,
        "country_code": place.country_code,
        "kind": str(place.kind),
        "geo_precision": place.geo_precision,
        "geocoder": place.source,
    }


def _stops_json(m: Movement) -> str:
    stops = []
    if m.legs:
        stops.append(_stop_record(m.legs[0].origin, m.legs[0].origin_place))
    stops.extend(_stop_record(leg.destination, leg.destination_place) for leg in m.legs)
    return json.dumps([s for s in stops if s], ensure_ascii=False, separators=(",", ":"))


def records_of(dataset: Dataset, provenance: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Plain rows (with a shapely ``geometry``) for the events and movements of one article."""
    rows: list[dict[str, Any]] = []
    item = 0
    for e in dataset.events:
        if e.place is None:
            continue
        rec = {"record": "event", **provenance, "item": item, **event_record(e)}
        rec.update(quote_start=e.extra.get("quote_start"), quote_end=e.extra.get("quote_end"), reason=e.extra.get("reason"))
        rec["geometry"] = Point(e.place.lon, e.place.lat)
        rows.append(rec)
        item += 1
    for m in dataset.movements:
        geom = route_geometry(route_parts(m))
        if geom is None:
            continue
        rec = {"record": "movement", **provenance, "item": item, **route_record(m)}
        dest = m.legs[-1].destination_place if m.legs else None
        rec.update(
            quote_start=m.extra.get("quote_start"),
            quote_end=m.extra.get("quote_end"),
            reason=m.extra.get("reason"),
            location=m.legs[-1].destination if m.legs else None,
            place_name=dest.name if dest else None,
            country_code=dest.country_code if dest else None,
            latitude=dest.lat if dest else None,
            longitude=dest.lon if dest else None,
            kind="transit",
            stops=_stops_json(m),
            geometry=geom,
        )
        rows.append(rec)
        item += 1
    return rows


_INT_COLUMNS = ("article_seq", "item", "time_precision", "geo_precision", "quantity", "quote_start",
                "quote_end", "geonameid", "population")  # fmt: skip
_FLOAT_COLUMNS = ("latitude", "longitude")


def records_to_frame(rows: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Rows as a GeoDataFrame with stable column types (so every part file has one schema)."""
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k != "geometry" and k not in columns:
                columns.append(k)
    data: dict[str, Any] = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        if c in _INT_COLUMNS:
            data[c] = pd.array([None if x is None else int(x) for x in values], dtype="Int64")
        elif c in _FLOAT_COLUMNS:
            data[c] = pd.array([None if x is None else float(x) for x in values], dtype="Float64")
        else:
            data[c] = pd.Series([None if x is None else str(x) for x in values], dtype=object)
    df = pd.DataFrame(data, columns=columns)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([r.get("geometry") for r in rows], crs=CRS), crs=CRS)


def write_parquet(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write GeoParquet atomically (a temporary file renamed into place)."""
    from geomap.files import atomic_path

    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)
    return path


def read_corpus_table(path: str | Path) -> Dataset:
    """Read a corpus GeoParquet back into a Dataset (events and movements with their places)."""
    path = Path(path)
    try:
        frame = gpd.read_parquet(path)
    except FileNotFoundError:
        raise GeomapError(f"{path}: no such file") from None
    except Exception as exc:  # pyarrow raises many kinds for a broken file
        raise GeomapError(f"{path}: not a readable GeoParquet file: {exc}") from None
    if "record" not in frame.columns:
        frame["record"] = "event"
    ds = Dataset()
    events = frame[frame["record"] == "event"]
    if len(events):
        known = [c for c, _ in EVENT_SCHEMA if c in events.columns]
        part = events_from_frame(events[[*known, events.geometry.name]], str(path))
        ds.extend(part)
    for n, props, _ in frame_rows(frame[frame["record"] == "movement"]):
        row = v.Row(str(path), n, label=f"row {n}")
        book = places_by_name(_stops(props.get("stops")))
        m = movement_from_route(props, row, book, f"m{n}")
        ds.problems.extend(row.problems)
        if m is not None:
            ds.movements.append(m)
    return ds


def _stops(value: Any) -> Iterable[Mapping[str, Any]]:
    if not value:
        return []
    try:
        stops = json.loads(value)
    except (TypeError, ValueError):
        return []
    return [s for s in stops if isinstance(s, dict)]
