"""Countries as shapes: outlines, representative points, and whether a point lies in one.

The outlines are Natural Earth's 1:110m admin-0 countries (public domain), shipped as
``geomap/data/countries.geojson`` (made by ``scripts/build_countries.py``). They serve
the offline basemap (:func:`countries_geojson`), a country's point (:func:`representative_point`,
Natural Earth's label point), and the check that a geocoder's answer lies in the country
the report hints at (:func:`outside_hint`): an online service that puts 'Kursk' in the
wrong country should be flagged, not drawn silently. At 1:110m a coastal town can fall
just outside its coast, so the check has a tolerance (:data:`TOLERANCE_DEGREES`).

First-level regions are not shapes: the gazetteer puts a region ('Kursk Oblast',
'wilayah Kursk') on its main city with region precision (ACLED geo_precision 2) and says so
in the answer's ``note``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from geomap.geocode.tables import COUNTRIES_GEOJSON

__all__ = [
    "Country",
    "countries",
    "country",
    "country_shape",
    "representative_point",
    "country_at",
    "in_country",
    "outside_hint",
    "countries_geojson",
    "TOLERANCE_DEGREES",
]

TOLERANCE_DEGREES = 0.5  # ~50 km: the coarseness of 1:110m outlines along coasts and borders


@dataclass(frozen=True)
class Country:
    """One admin-0 country of the shipped outlines."""

    code: str
    name: str
    iso_a3: str | None
    continent: str | None
    label_lat: float
    label_lon: float
    geometry: Any  # shapely (Multi)Polygon, lon/lat


@functools.cache
def countries_geojson() -> dict[str, Any]:
    """The shipped FeatureCollection (read once), with its attribution."""
    return json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))


@functools.cache
def countries() -> dict[str, Country]:
    """Every country with an ISO alpha-2 code, by code (N. Cyprus and Somaliland have none)."""
    from shapely.geometry import shape

    out: dict[str, Country] = {}
    for f in countries_geojson()["features"]:
        p = f["properties"]
        code = p.get("iso_a2")
        if not code:
            continue
        geom = shape(f["geometry"])
        if p.get("label_lat") is not None:
            lat, lon = float(p["label_lat"]), float(p["label_lon"])
        else:
            rp = geom.representative_point()
            lat, lon = rp.y, rp.x
        out[code] = Country(code, p.get("name") or code, p.get("iso_a3"), p.get("continent"), lat, lon, geom)
    return out


def country(code: str) -> Country | None:
    """A country by ISO alpha-2 code (any case), or None when the outlines lack it."""
    return countries().get(code.strip().upper()) if code else None


def country_shape(code: str) -> Any | None:
    """The country's outline as a shapely geometry (lon/lat), or None."""
    c = country(code)
    return c.geometry if c else None


def representative_point(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a point inside the country where its name goes on a map, or None."""
    c = country(code)
    return (c.label_lat, c.label_lon) if c else None


def country_at(lat: float, lon: float, max_degrees: float = TOLERANCE_DEGREES) -> str | None:
    """ISO alpha-2 code of the country at (or within ``max_degrees`` of) a point; the gazetteer's own."""
    from geomap.geocode.gazetteer import country_at as _country_at

    return _country_at(lat, lon, max_degrees)


def in_country(lat: float, lon: float, code: str, tolerance: float = TOLERANCE_DEGREES) -> bool | None:
    """Whether the point lies in the country (within ``tolerance`` degrees); None if it has no outline."""
    from shapely.geometry import Point

    shape = country_shape(code)
    if shape is None:
        return None
    return bool(shape.distance(Point(lon, lat)) <= tolerance)


def outside_hint(lat: float, lon: float, hint: str | Iterable[str] | None) -> str | None:
    """A warning when a point lies outside every hinted country that has an outline; else None."""
    if not hint:
        return None
    codes = [c.strip().upper() for c in (hint.replace(";", ",").split(",") if isinstance(hint, str) else hint)]
    codes = [c for c in codes if c]
    verdicts = [in_country(lat, lon, c) for c in codes]
    if not codes or any(v is None or v for v in verdicts):
        return None  # inside one, or a hinted country we cannot check
    found = country_at(lat, lon)
    where = f"in {found}" if found else "in no country"
    return f"answer ({lat:.4f}, {lon:.4f}) lies {where}, outside the country hint {'/'.join(codes)}"
