"""The gold format's vocabulary and the matching distance: the facts every scoring module shares."""

from __future__ import annotations

import re

from geomap.geocode.base import distance_km

MATCH_KM = 161.0  # 100 miles: the threshold of "accuracy@161km" in the geoparsing literature
# facility: a port, airport, base or border crossing (its own point or its town's);
# border: a border line or area (its point is a convention, like a region's)
PLACE_KINDS = ("city", "region", "country", "continent", "sea", "facility", "border")
AREA_KINDS = ("region", "continent", "sea", "border")  # large areas whose point is only a convention
PRECISIONS = ("day", "week", "month", "year")
STATUSES = ("reported", "confirmed", "claimed", "denied")
MODES = ("sea", "rail", "road", "air", "unknown")
SPLITS = ("dev", "test")
ISO2 = re.compile(r"^[A-Z]{2}$")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere: plenty for a 161 km threshold."""
    return distance_km(lat1, lon1, lat2, lon2)
