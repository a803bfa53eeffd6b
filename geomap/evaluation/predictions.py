"""Reading an extraction (the GeoJSON contract) into what scoring compares: places, dates, routes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from geomap.evaluation.schema import ISO2, PRECISIONS
from geomap.model import GeomapError, Problem

DEPLOYMENT_KINDS = ("deployment", "transit")  # events that put a force at a place


@dataclass(frozen=True)
class PredPlace:
    label: str
    lat: float
    lon: float
    country: str | None
    kind: str | None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PredDate:
    mention: str
    value: dt.date
    precision: str


@dataclass(frozen=True)
class PredRoute:
    """A drawn route, or (``origin`` None) a deployment event: a force put at a place."""

    origin: tuple[float, float] | None  # (lat, lon) of the first vertex; None for an event
    dest: tuple[float, float]  # (lat, lon) of the last vertex, or the event's point
    frm: str | None
    to: str | None
    to_country: str | None
    from_country: str | None
    inferred: bool = False  # the origin was inferred by the tool, not stated in the text

    @property
    def drawn(self) -> bool:
        """A route drawn from an origin the text states (what drawn precision is about)."""
        return self.origin is not None and not self.inferred

    def label(self) -> str:
        arrow = "~>" if self.inferred else "->"
        return f"{self.frm} {arrow} {self.to}" if self.origin is not None else f"deployment at {self.to}"


def _lonlat(value: Any) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON position, or None when it is not one."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return None
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _line_ends(geometry: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """First and last vertex of a LineString, or of a MultiLineString's first and last part."""
    coords = geometry.get("coordinates")
    if geometry.get("type") == "LineString" and isinstance(coords, list) and coords:
        first, last = _lonlat(coords[0]), _lonlat(coords[-1])
    elif geometry.get("type") == "MultiLineString" and isinstance(coords, list) and coords:
        parts = [p for p in coords if isinstance(p, list) and p]
        if not parts:
            return None
        first, last = _lonlat(parts[0][0]), _lonlat(parts[-1][-1])
    else:
        return None
    return (first, last) if first and last else None


def iso_code(value: Any) -> str | None:
    return value.upper() if isinstance(value, str) and ISO2.match(value.upper()) else None


def read_prediction(
    pred: dict[str, Any], where: str
) -> tuple[list[PredPlace], list[PredDate], list[PredRoute], list[Problem]]:
    """The places, dates and routes (with deployment events) of a prediction; a bad feature is reported and skipped."""
    if not isinstance(pred, dict) or pred.get("type") != "FeatureCollection":
        raise GeomapError(f"{where}: not a GeoJSON FeatureCollection (the extraction contract)")
    problems: list[Problem] = []
    places: list[PredPlace] = []
    at_point: dict[tuple[float, float, str | None], int] = {}
    routes: list[PredRoute] = []
    features = pred.get("features")
    if not isinstance(features, list):
        raise GeomapError(f"{where}: 'features' is missing or not a list")
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(props, dict) or not isinstance(geom, dict):
            problems.append(Problem("feature without properties or geometry; skipped", where, None, f"features[{i}]"))
            continue
        layer = props.get("layer")
        if layer == "places":
            point = _lonlat(geom.get("coordinates")) if geom.get("type") == "Point" else None
            if point is None:
                problems.append(Problem("place is not a Point with valid lon/lat; skipped", where, None, f"features[{i}].geometry"))
                continue
            label = str(props.get("name") or props.get("mention") or f"feature {i}")
            kind = props.get("kind") if isinstance(props.get("kind"), str) else None
            aliases = tuple(a for a in (props.get("name"), props.get("mention")) if isinstance(a, str))
            key = (round(point[0], 4), round(point[1], 4), kind)
            if key in at_point:  # one place listed twice (two spellings) is one finding
                i_prev = at_point[key]
                prev = places[i_prev]
                places[i_prev] = PredPlace(prev.label, prev.lat, prev.lon, prev.country, prev.kind, prev.names + aliases)
                continue
            at_point[key] = len(places)
            places.append(PredPlace(label, point[0], point[1], iso_code(props.get("country_code")), kind, aliases))
        elif layer == "routes":
            ends = _line_ends(geom)
            if ends is None:
                problems.append(
                    Problem(
                        "route is not a LineString/MultiLineString with valid vertices; skipped",
                        where,
                        None,
                        f"features[{i}].geometry",
                    )
                )
                continue
            frm = props.get("from") if isinstance(props.get("from"), str) else None
            to = props.get("to") if isinstance(props.get("to"), str) else None
            routes.append(
                PredRoute(
                    origin=ends[0],
                    dest=ends[1],
                    frm=frm,
                    to=to,
                    to_country=iso_code(props.get("to_country_code")),
                    from_country=iso_code(props.get("from_country_code")),
                    inferred=bool(props.get("origin_inferred")),
                )
            )
        elif layer == "events" and props.get("kind") in DEPLOYMENT_KINDS:
            point = _lonlat(geom.get("coordinates")) if geom.get("type") == "Point" else None
            if point is not None:
                name = props.get("location") or props.get("place_name")
                routes.append(
                    PredRoute(
                        origin=None,
                        dest=point,
                        frm=None,
                        to=name if isinstance(name, str) else None,
                        to_country=iso_code(props.get("country_code")),
                        from_country=None,
                    )
                )
    dates: list[PredDate] = []
    seen: set[tuple[str, dt.date, str]] = set()
    extraction = pred.get("extraction")
    raw_dates = extraction.get("dates") if isinstance(extraction, dict) else None
    for i, d in enumerate(raw_dates if isinstance(raw_dates, list) else []):
        if not isinstance(d, dict):
            problems.append(Problem("date is not an object; skipped", where, None, f"extraction.dates[{i}]"))
            continue
        value = parse_day(d.get("value"))
        precision = d.get("precision")
        mention = d.get("mention")
        if value is None or precision not in (*PRECISIONS, "unknown") or not isinstance(mention, str):
            problems.append(
                Problem("date needs a mention, an ISO 'value' and a precision; skipped", where, None, f"extraction.dates[{i}]")
            )
            continue
        key = (mention.casefold(), value, precision)
        if key not in seen:  # the same phrase found twice is one finding, not two
            seen.add(key)
            dates.append(PredDate(mention, value, precision))
    return places, dates, routes, problems


def parse_day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
