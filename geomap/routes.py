"""Route geometry and chaining: great circles, antimeridian splits, movements into routes.

Lines are drawn along the geodesic (WGS 84) and densified so that a leg from Pyongyang to
Vladivostok or from Vladivostok to Kursk bends the way the Earth does. Coordinates are
kept *unwrapped* (longitude may pass 180) for Leaflet, which draws a continuous line;
:func:`split_antimeridian` cuts them into RFC 7946 parts for GIS files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pyproj import Geod

from geomap.model import Movement, Place

__all__ = [
    "great_circle",
    "split_antimeridian",
    "movement_path",
    "chain_movements",
    "normalize_lon",
]

_GEOD = Geod(ellps="WGS84")

LonLat = tuple[float, float]


def normalize_lon(lon: float) -> float:
    """Longitude folded into [-180, 180)."""
    return ((lon + 180.0) % 360.0) - 180.0


def great_circle(a: Place | LonLat, b: Place | LonLat, step_km: float = 50.0) -> list[LonLat]:
    """Points (lon, lat) along the geodesic from a to b, about ``step_km`` apart.

    Longitudes are unwrapped: consecutive points never jump by more than 180 degrees, so a
    line across the Pacific goes past 180 instead of back across the whole map.
    """
    lon1, lat1 = _lonlat(a)
    lon2, lat2 = _lonlat(b)
    _, _, dist_m = _GEOD.inv(lon1, lat1, lon2, lat2)
    n = max(int(dist_m / (step_km * 1000.0)) - 1, 0)
    middle = _GEOD.npts(lon1, lat1, lon2, lat2, n) if n else []
    points = [(lon1, lat1), *middle, (lon2, lat2)]
    return _unwrap(points)


def _lonlat(p: Place | LonLat) -> LonLat:
    if isinstance(p, Place):
        return (p.lon, p.lat)
    return (float(p[0]), float(p[1]))


def _unwrap(points: Sequence[LonLat]) -> list[LonLat]:
    out: list[LonLat] = []
    for lon, lat in points:
        if out:
            prev = out[-1][0]
            lon = prev + ((lon - prev + 180.0) % 360.0) - 180.0
        out.append((lon, lat))
    return out


def split_antimeridian(points: Sequence[LonLat]) -> list[list[LonLat]]:
    """Cut an unwrapped line into parts that each stay within [-180, 180] (RFC 7946 section 3.1.9).

    Where the line crosses a multiple of 180 degrees the crossing latitude is interpolated,
    and the part ends on +180 and the next begins on -180 (or the reverse).
    """
    if not points:
        return []
    pts = _unwrap(points)
    parts: list[list[LonLat]] = [[]]
    shift = _shift_for(pts[0][0])
    parts[-1].append((pts[0][0] + shift, pts[0][1]))
    for (lon0, lat0), (lon1, lat1) in zip(pts, pts[1:], strict=False):
        k0 = math.floor((lon0 + 180.0) / 360.0)
        k1 = math.floor((lon1 + 180.0) / 360.0)
        if k0 != k1:
            edge = 180.0 + 360.0 * min(k0, k1)  # the seam crossed, in unwrapped longitude
            t = (edge - lon0) / (lon1 - lon0)
            lat_x = lat0 + t * (lat1 - lat0)
            going_east = lon1 > lon0
            parts[-1].append((180.0 if going_east else -180.0, lat_x))
            parts.append([(-180.0 if going_east else 180.0, lat_x)])
            shift = _shift_for(lon1)
        parts[-1].append((lon1 + shift, lat1))
    return [p for p in parts if len(p) >= 2]


def _shift_for(lon: float) -> float:
    return -360.0 * math.floor((lon + 180.0) / 360.0)


def movement_path(movement: Movement, step_km: float = 50.0) -> list[LonLat] | None:
    """The whole densified path of a movement, leg after leg; None if a stop is unresolved."""
    path: list[LonLat] = []
    for leg in movement.legs:
        if leg.origin_place is None or leg.destination_place is None:
            return None
        seg = great_circle(leg.origin_place, leg.destination_place, step_km)
        if path:
            offset = _unwrap([path[-1], seg[0]])[1][0] - seg[0][0]
            seg = [(lon + offset, lat) for lon, lat in seg[1:]]
        path.extend(seg)
    return path or None


def chain_movements(movements: Iterable[Movement]) -> list[list[Movement]]:
    """Group movements of the same actor into chains ordered by date.

    A chain is what a reader sees as one route: North Korea to Vladivostok, then Russia to
    the Kursk region. Movements without a date go last in their actor's chain, in input order.
    """
    by_actor: dict[str, list[Movement]] = {}
    for m in movements:
        by_actor.setdefault((m.actor or "").strip().casefold(), []).append(m)
    chains = []
    for group in by_actor.values():
        order = sorted(
            range(len(group)),
            key=lambda i: (group[i].date is None, group[i].date or 0, i),
        )
        chains.append([group[i] for i in order])
    return chains
