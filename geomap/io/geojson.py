"""GeoJSON (RFC 7946) in and out: lon/lat order, WGS 84, no ``crs`` member, 6 decimals.

``-o kursk.geojson`` writes one file per layer beside the name given (``kursk.events.geojson``,
``kursk.places.geojson``, ``kursk.routes.geojson``): one geometry type per file, since QGIS
splits a mixed file into sublayers and asks the user which to load. ``read_geojson`` of the name
given reads the three back together. Every feature we write carries ``properties.layer``
(events, places or routes), so a combined file (``.json``) can hold all three and still be read back. Routes are MultiLineStrings: one part, or one part per
side where a route crosses the antimeridian (cut at +-180 degrees). The text is written by hand,
one feature per line in a fixed key order, so the same dataset always gives the same bytes.

Reading accepts what we write and any Point FeatureCollection whose properties use our or
ACLED's column names (location, event_date, actor1, ...). A Point geometry gives the
coordinates; features are numbered from 1 in messages ('feature 3').
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from geomap.files import write_text_atomic
from geomap.model import Dataset, GeomapError

from . import validate as v
from .acled_csv import event_from_columns
from .frame import event_record, movement_from_route, place_records, places_by_name, route_parts, route_record

__all__ = [
    "LAYERS",
    "layer_features",
    "feature_collection_text",
    "write_geojson",
    "write_geojson_layers",
    "write_geojson_split",
    "split_paths",
    "read_geojson",
]

LAYERS = ("events", "places", "routes")
_COORD_COLUMNS = ("latitude", "longitude")


def _r(x: float) -> float:
    """Six decimals (about 0.1 m), with -0.0 written as 0.0."""
    return round(float(x), 6) + 0.0


def _props(layer: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"layer": layer}
    for key, value in rec.items():
        out[key] = _r(value) if key in _COORD_COLUMNS and value is not None else value
    return out


def _line_geometry(parts: Sequence[Sequence[tuple[float, float]]]) -> dict[str, Any]:
    """Always a MultiLineString, so that routes.geojson has one geometry type (GDAL and QGIS see
    'MultiLineString', not 'Unknown'); a route crossing the antimeridian has one part per side."""
    return {"type": "MultiLineString", "coordinates": [[[_r(x), _r(y)] for x, y in part] for part in parts]}


def layer_features(dataset: Dataset, layer: str) -> list[dict[str, Any]]:
    """The GeoJSON features of one layer; events without a place and unresolved routes are left out."""
    feats: list[dict[str, Any]] = []
    if layer == "events":
        for e in dataset.events:
            if e.place is not None:
                geom = {"type": "Point", "coordinates": [_r(e.place.lon), _r(e.place.lat)]}
                feats.append(
                    {"type": "Feature", "geometry": geom, "properties": _props(layer, event_record(e))}
                )
    elif layer == "places":
        for place, rec in place_records(dataset):
            geom = {"type": "Point", "coordinates": [_r(place.lon), _r(place.lat)]}
            feats.append({"type": "Feature", "geometry": geom, "properties": _props(layer, rec)})
    elif layer == "routes":
        for m in dataset.movements:
            parts = route_parts(m)
            if parts:
                feats.append(
                    {
                        "type": "Feature",
                        "geometry": _line_geometry(parts),
                        "properties": _props(layer, route_record(m)),
                    }
                )
    else:
        raise GeomapError(f"unknown layer '{layer}'; layers are: {', '.join(LAYERS)}")
    return feats


def feature_collection_text(features: Iterable[Mapping[str, Any]]) -> str:
    """A FeatureCollection as text, one feature per line (readable diffs, byte-stable output)."""
    lines = [json.dumps(f, ensure_ascii=False, allow_nan=False, separators=(",", ":")) for f in features]
    if not lines:
        return '{"type":"FeatureCollection","features":[]}\n'
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _write(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def write_geojson(dataset: Dataset, path: str | Path, layers: Sequence[str] = LAYERS) -> list[str]:
    """One FeatureCollection holding the chosen layers, each feature tagged with properties.layer."""
    feats = [f for layer in layers for f in layer_features(dataset, layer)]
    _write(Path(path), feature_collection_text(feats))
    return [str(path)]


def write_geojson_layers(
    dataset: Dataset, directory: str | Path, layers: Sequence[str] = LAYERS
) -> list[str]:
    """events.geojson, places.geojson, routes.geojson: one geometry type per file, as QGIS needs."""
    out_dir = Path(directory)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeomapError(f"{out_dir}: cannot create the directory: {exc.strerror}") from None
    written = []
    for layer in layers:
        path = out_dir / f"{layer}.geojson"
        _write(path, feature_collection_text(layer_features(dataset, layer)))
        written.append(str(path))
    return written


def split_paths(path: str | Path, layers: Sequence[str] = LAYERS) -> list[Path]:
    """kursk.geojson -> [kursk.events.geojson, kursk.places.geojson, kursk.routes.geojson]."""
    base = Path(path)
    return [base.with_name(f"{base.stem}.{layer}{base.suffix}") for layer in layers]


def write_geojson_split(dataset: Dataset, path: str | Path, layers: Sequence[str] = LAYERS) -> list[str]:
    """One FeatureCollection per layer beside ``path`` (see :func:`split_paths`), one geometry type each."""
    written = []
    for layer, out in zip(layers, split_paths(path, layers), strict=True):
        _write(out, feature_collection_text(layer_features(dataset, layer)))
        written.append(str(out))
    return written


# reading ---------------------------------------------------------------------
def read_geojson(path: str | Path, *, where: str | None = None) -> Dataset:
    """Events (and our routes) of a GeoJSON file; file-level failures raise GeomapError.

    If ``path`` does not exist but the per-layer files written for it do (``kursk.events.geojson``
    ... for ``kursk.geojson``), they are read together, so what ``export`` wrote reads back.
    """
    where = where if where is not None else str(path)
    if not Path(path).exists():
        parts = [p for p in split_paths(path) if p.is_file()]
        if parts:
            features: list[Any] = []
            for part in parts:
                features.extend(_features(part, str(part)))
            return _Reader(where).run(features)
    return _Reader(where).run(_features(path, where))


def _features(path: str | Path, where: str) -> list[Any]:
    content = v.read_utf8(path, where)
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        raise GeomapError(
            f"{where}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise GeomapError(f"{where}: JSON nested too deeply to read (arrays or objects thousands deep)") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise GeomapError(f"{where}: expected a GeoJSON FeatureCollection, got {got!r}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise GeomapError(f"{where}: 'features' must be a list")
    return features


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.ds = Dataset()

    def row(self, n: int) -> v.Row:
        return v.Row(self.where, n, label=f"feature {n}")

    def run(self, features: list[Any]) -> Dataset:
        places: list[dict[str, Any]] = []
        routes: list[tuple[int, dict[str, Any]]] = []
        for n, feat in enumerate(features, start=1):
            row = self.row(n)
            if not isinstance(feat, dict) or feat.get("type") != "Feature":
                row.error(None, 'not a GeoJSON Feature (needs "type": "Feature")')
                self.ds.problems.extend(row.problems)
                continue
            props = feat.get("properties") or {}
            geom = feat.get("geometry")
            if not isinstance(props, dict):
                row.error("properties", "properties must be an object")
                self.ds.problems.extend(row.problems)
                continue
            gtype = geom.get("type") if isinstance(geom, dict) else None
            layer = props.get("layer")
            if layer == "places":
                places.append(props)
            elif layer == "routes" or (layer is None and gtype in ("LineString", "MultiLineString")):
                routes.append((n, props))
            elif layer in (None, "events"):
                self.read_event(n, props, geom, gtype)
            else:
                row.warn("layer", f"unknown layer '{layer}' (expected one of {', '.join(LAYERS)}); skipped")
                self.ds.problems.extend(row.problems)
        book = places_by_name(places)
        for n, props in routes:
            row = self.row(n)
            m = movement_from_route({k: x for k, x in props.items() if k != "layer"}, row, book, f"m{n}")
            if m is not None:
                self.ds.movements.append(m)
            self.ds.problems.extend(row.problems)
        self.ds.problems.sort(key=lambda p: p.line or 0)  # routes are read last; report in file order
        return self.ds

    def read_event(self, n: int, props: dict[str, Any], geom: Any, gtype: str | None) -> None:
        row = self.row(n)
        props = {k: x for k, x in props.items() if k != "layer"}
        if gtype == "Point":
            coords = geom.get("coordinates")
            if isinstance(coords, list) and len(coords) >= 2:
                props["longitude"], props["latitude"] = coords[0], coords[1]
                props.pop("lat", None), props.pop("lon", None)
            else:
                row.error("geometry", "a Point needs coordinates [longitude, latitude]")
        elif gtype is not None:
            row.error("geometry", f"an event needs a Point geometry, not {gtype}")
        if not row.ok:
            self.ds.problems.extend(row.problems)
            return
        event = event_from_columns(props, row, default_id=f"f{n}")
        if event is not None:
            self.ds.events.append(event)
        self.ds.problems.extend(row.problems)
