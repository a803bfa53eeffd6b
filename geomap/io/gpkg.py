"""GeoPackage out (layers events, places, routes) and back in, through pyogrio's GDAL.

Written as GeoPackage 1.2 (QGIS 3.22 warns about the 1.4 that GDAL writes by default), with
date columns as real DATE fields (so QGIS's Temporal Controller can use them), integer
columns that keep their nulls, and each layer's style (QML and SLD, the HTML map's colours
and the events' temporal settings) in the ``layer_styles`` table that QGIS applies on load. GDAL stamps each layer with the current time; that stamp is
pinned (OGR_CURRENT_DATE) so the same dataset gives the same bytes. Routes are always
MultiLineString in the file: one geometry type per layer, and antimeridian crossings stay split.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyogrio.raw import write as raw_write
from shapely.geometry import MultiLineString, Point

from geomap.files import OutputError, atomic_path
from geomap.model import Dataset, GeomapError
from geomap.textclean import strip_controls

from .frame import (
    CRS,
    EVENT_SCHEMA,
    PLACE_SCHEMA,
    ROUTE_SCHEMA,
    event_record,
    events_from_frame,
    frame_rows,
    movement_from_route,
    place_records,
    places_by_name,
    route_parts,
    route_record,
)
from .styles import STYLE_TABLE, feature_layer_style, layer_style, write_layer_styles
from .validate import Row, open_checked

__all__ = ["write_gpkg", "write_feature_layer", "read_gpkg", "FIXED_TIMESTAMP"]

FIXED_TIMESTAMP = "2000-01-01T00:00:00.000Z"
LAYERS = ("events", "places", "routes")
_COORDS = ("latitude", "longitude")


@contextlib.contextmanager
def _pinned_clock() -> Iterator[None]:
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _columns(
    records: list[dict[str, Any]], schema: Sequence[tuple[str, str]]
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """numpy field arrays for pyogrio: datetime64[D] for dates (GDAL's Date), masked int64 for ints."""
    data: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    for name, kind in schema:
        values = [r.get(name) for r in records]
        if kind == "date":
            data.append(np.array([x if x else "NaT" for x in values], dtype="datetime64[D]"))
            masks.append(None)
        elif kind == "int":
            mask = np.array([x is None for x in values], dtype=bool)
            data.append(np.array([0 if x is None else int(x) for x in values], dtype="int64"))
            masks.append(mask if mask.any() else None)
        elif kind == "float":
            rounded = [
                np.nan if x is None else round(float(x), 6) if name in _COORDS else float(x) for x in values
            ]
            data.append(np.array(rounded, dtype="float64"))
            masks.append(None)
        else:  # text: NUL would cut a string, other controls kept out as in every output
            data.append(np.array([strip_controls(x) if isinstance(x, str) else x for x in values], dtype=object))
            masks.append(None)
    return data, masks


def _round_geoms(geoms: list[Any]) -> np.ndarray:
    arr = np.array(geoms, dtype=object)
    if len(arr) == 0:
        return np.array([], dtype=object)
    rounded = shapely.transform(arr, lambda c: np.round(c, 6) + 0.0)
    return shapely.to_wkb(rounded)


def _layer(
    dataset: Dataset, layer: str
) -> tuple[list[dict[str, Any]], list[Any], Sequence[tuple[str, str]], str]:
    if layer == "events":
        placed = [e for e in dataset.events if e.place is not None]
        geoms = [Point(e.place.lon, e.place.lat) for e in placed if e.place is not None]
        return [event_record(e) for e in placed], geoms, EVENT_SCHEMA, "Point"
    if layer == "places":
        rows = place_records(dataset)
        return [r for _, r in rows], [Point(p.lon, p.lat) for p, _ in rows], PLACE_SCHEMA, "Point"
    if layer == "routes":
        recs, geoms = [], []
        for m in dataset.movements:
            parts = route_parts(m)
            if parts:
                recs.append(route_record(m))
                geoms.append(MultiLineString(parts))
        return recs, geoms, ROUTE_SCHEMA, "MultiLineString"
    raise GeomapError(f"unknown layer '{layer}'; layers are: {', '.join(LAYERS)}")


def write_gpkg(dataset: Dataset, path: str | Path, layers: Sequence[str] = LAYERS) -> list[str]:
    """One GeoPackage with the chosen layers (an existing file is replaced, not appended to)."""
    out = Path(path)
    tables = [(layer, *_layer(dataset, layer)) for layer in layers]  # fail on a bad layer name first
    with atomic_path(out) as tmp, _pinned_clock():  # the previous file stays whole until the rename
        for i, (layer, records, geoms, schema, gtype) in enumerate(tables):
            data, masks = _columns(records, schema)
            try:
                raw_write(
                    str(tmp),
                    _round_geoms(geoms),
                    data,
                    [name for name, _ in schema],
                    field_mask=masks,
                    layer=layer,
                    driver="GPKG",
                    geometry_type=gtype,
                    crs=CRS,
                    encoding="UTF-8",
                    dataset_options={"VERSION": "1.2"} if i == 0 else None,
                    layer_options={"SPATIAL_INDEX": "YES"},
                )
            except (DataSourceError, DataLayerError, OSError) as exc:
                raise OutputError(out, f"layer '{layer}': {' '.join(str(exc).split())}") from None
        write_layer_styles(tmp, [layer_style(layer, dataset) for layer, *_ in tables])
    return [str(out)]


def write_feature_layer(path: str | Path, table: str, features: Sequence[dict[str, Any]], title: str = "") -> None:
    """Add a user's layer (GeoJSON-like features, see :class:`geomap.layer.Layer`) as a styled table.

    Properties become columns (GDAL picks the types); the style is the first feature's.
    """
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(
        [{"type": "Feature", "geometry": f["geometry"], "properties": f.get("properties") or {}} for f in features],
        crs=CRS,
    )
    with _pinned_clock():
        try:
            pyogrio.write_dataframe(frame, str(path), layer=table, driver="GPKG", append=False)
        except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
            raise GeomapError(f"{path}: cannot write layer '{table}': {' '.join(str(exc).split())}") from None
    write_layer_styles(path, [feature_layer_style(table, features, title)])


def read_gpkg(path: str | Path, *, where: str | None = None) -> Dataset:
    """Events (layer 'events', else the first layer not named places/routes) and routes of a GeoPackage.

    Features are numbered from 1 in messages ('feature 3'); stops of routes get their places from
    the 'places' layer by the names they were written as.
    """
    where = where if where is not None else str(path)
    open_checked(path, where)
    try:
        names = [str(n) for n, _ in pyogrio.list_layers(str(path))]
    except DataSourceError as exc:
        reason = " ".join(str(exc).split(";")[0].split())
        raise GeomapError(f"{where}: not a readable GeoPackage ({reason})") from None
    if not names:
        raise GeomapError(f"{where}: the GeoPackage has no layers")
    others = [n for n in names if n not in ("places", "routes", STYLE_TABLE)]
    event_layer = "events" if "events" in names else (others[0] if others else None)
    try:
        ds = Dataset()
        if event_layer is not None:
            events = pyogrio.read_dataframe(str(path), layer=event_layer)
            ds = events_from_frame(events, where, label="feature")
        if "routes" in names:
            book = {}
            if "places" in names:
                places = pyogrio.read_dataframe(str(path), layer="places", read_geometry=False)
                book = places_by_name(props for _, props, _ in frame_rows(places))
            routes = pyogrio.read_dataframe(str(path), layer="routes", read_geometry=False)
            for n, props, _ in frame_rows(routes):
                row = Row(where, n, label=f"routes feature {n}")
                m = movement_from_route(props, row, book, f"m{n}")
                if m is not None:
                    ds.movements.append(m)
                ds.problems.extend(row.problems)
    except (DataSourceError, DataLayerError) as exc:
        raise GeomapError(f"{where}: cannot read: {' '.join(str(exc).split())}") from None
    return ds
