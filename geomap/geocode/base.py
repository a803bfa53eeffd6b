"""The geocoder interface: geopy's, so any geopy geocoder can stand in for ours.

A geocoder has ``geocode(query, exactly_one=True, **hints)`` and answers with a
``geopy.location.Location`` (or a list of them, or None). Our own geocoders put the
fields of a :class:`~geomap.model.Place` and the runner-up candidates in ``Location.raw``;
:func:`place_from_location` reads them back, and falls back to sensible values for the
bare ``Location`` of a foreign geopy geocoder.
"""

from __future__ import annotations

import math
from typing import Any, Protocol, runtime_checkable

from geopy.location import Location
from geopy.point import Point

from geomap.model import Place, PlaceKind

__all__ = [
    "Geocoder",
    "location_from_place",
    "place_from_location",
    "candidates_of",
    "distance_km",
    "failure_of",
]


@runtime_checkable
class Geocoder(Protocol):
    """What geomap needs of a geocoder: geopy's ``geocode`` method."""

    def geocode(self, query: str, exactly_one: bool = True, **kwargs: Any) -> Any: ...


def location_from_place(
    place: Place, query: str, candidates: list[dict[str, Any]] | None = None, **extra: Any
) -> Location:
    """Wrap a Place as a geopy Location; ``raw`` carries the place's fields and the candidates."""
    raw = place.to_dict()
    raw["query"] = query
    raw["candidates"] = candidates or []
    raw.update(extra)
    address = place.name if not place.country_code else f"{place.name}, {place.country_code}"
    return Location(address, Point(place.lat, place.lon), raw)


def place_from_location(location: Location, source: str | None = None) -> Place:
    """Read a Place from a Location made by us or by any geopy geocoder."""
    raw = location.raw if isinstance(location.raw, dict) else {}
    kind = raw.get("kind")
    try:
        place_kind = PlaceKind(kind) if kind else PlaceKind.OTHER
    except ValueError:
        place_kind = PlaceKind.OTHER
    name = raw.get("name") or (location.address or "").split(",")[0].strip() or "?"
    return Place(
        name=name,
        lat=float(location.latitude),
        lon=float(location.longitude),
        country_code=raw.get("country_code"),
        kind=place_kind,
        geo_precision=int(raw.get("geo_precision") or place_kind.acled_precision),
        source=source or raw.get("geocoder") or "geopy",
        geonameid=raw.get("geonameid"),
        population=raw.get("population"),
    )


def candidates_of(location: Location) -> list[dict[str, Any]]:
    """The runner-up candidates our geocoders keep in ``raw['candidates']`` (empty otherwise)."""
    raw = location.raw if isinstance(location.raw, dict) else {}
    return list(raw.get("candidates") or [])


def failure_of(geocoder: Any) -> str | None:
    """Why a geocoder's last "nothing found" may be wrong: the services of a chain that failed."""
    note = getattr(geocoder, "failure_note", None)
    return note() if callable(note) else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km: enough to compare candidates and spot ambiguity."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
