"""Geocode a column of a DataFrame or GeoDataFrame, with a progress bar and a list of failures.

``geocode_column(df, "location", build_chain("offline,nominatim", user_agent=...))`` returns
a :class:`BatchResult`: the frame with, per row, the point (``geo_point``, EPSG:4326), its
name, country, kind, ACLED precision, the backend that answered, the runner-up candidates
and any warning (answer outside the row's country hint), plus the list of rows that stayed
unresolved and why. Each distinct (name, country) is asked once; with a chain's cache a
rerun after a crash asks only for what was never answered.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from geomap.geocode.base import Geocoder, candidates_of, failure_of, place_from_location

__all__ = ["geocode_column", "BatchResult", "Unresolved", "Progress"]

COLUMNS = ("geo_name", "geo_country", "geo_kind", "geo_precision", "geo_backend", "geo_candidates", "geo_warning")


@dataclass(frozen=True)
class Unresolved:
    """A row that got no point: its index label, 1-based row number, the query and why."""

    index: Any
    row: int
    query: Any
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.query!r}: {self.reason}"


@dataclass
class BatchResult:
    """The geocoded frame and what stayed unresolved."""

    frame: Any  # geopandas.GeoDataFrame
    unresolved: list[Unresolved] = field(default_factory=list)
    asked: int = 0  # distinct queries put to the geocoder

    @property
    def resolved(self) -> int:
        return len(self.frame) - len(self.unresolved)


class Progress:
    """A one-line progress bar on stderr (redrawn at most ten times a second)."""

    def __init__(self, total: int, label: str = "geocoding", stream: TextIO | None = None, enabled: bool = True):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last >= 0.1 or self.done >= self.total):
            self._last = now
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(
                f"\r{self.label} {self.done}/{self.total} [{'#' * filled}{' ' * (width - filled)}]"
                f" {100 * self.done // self.total:3d}%"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def geocode_column(
    frame: Any,
    column: str,
    geocoder: Geocoder | None = None,
    *,
    country: str | None = None,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> BatchResult:
    """Geocode ``frame[column]``; ``country`` is a column of country hints or one ISO code for all.

    ``progress`` defaults to whether stderr is a terminal. The frame is not changed: a copy
    with the ``geo_*`` columns is returned (a GeoDataFrame whose geometry is ``geo_point``
    when the input had none).
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from geomap.model import GeomapError

    if column not in frame.columns:
        raise GeomapError(f"no column {column!r} to geocode; columns: {', '.join(map(str, frame.columns))}")
    if geocoder is None:
        from geomap.geocode.gazetteer import OfflineGeocoder

        geocoder = OfflineGeocoder()
    hints = _hints(frame, country)
    stream = stream or sys.stderr
    bar = Progress(len(frame), stream=stream, enabled=stream.isatty() if progress is None else progress)
    memo: dict[tuple[str, str | None], tuple[dict[str, Any] | None, str | None]] = {}
    rows: list[dict[str, Any]] = []
    points: list[Any] = []
    unresolved: list[Unresolved] = []
    for pos, (label, value) in enumerate(zip(frame.index, frame[column], strict=True)):
        hint = hints[pos]
        query = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        key = (query, hint)
        if key not in memo:
            memo[key] = _geocode(geocoder, query, hint)
        found, reason = memo[key]
        if found is None:
            unresolved.append(Unresolved(label, pos + 1, value, reason or "not found"))
            rows.append(dict.fromkeys(COLUMNS))
            points.append(None)
        else:
            rows.append({k: found[k] for k in COLUMNS})
            points.append(Point(found["lon"], found["lat"]))
        bar.update()
    bar.close()
    extra = pd.DataFrame(rows, index=frame.index, columns=list(COLUMNS))
    extra["geo_precision"] = extra["geo_precision"].astype("Int64")
    out = frame.copy()
    for name in COLUMNS:
        out[name] = extra[name]
    geo_points = gpd.GeoSeries(points, index=frame.index, crs="EPSG:4326")
    if isinstance(out, gpd.GeoDataFrame) and out.geometry is not None and out._geometry_column_name in out:
        out["geo_point"] = geo_points
    else:
        out["geo_point"] = geo_points
        out = gpd.GeoDataFrame(out, geometry="geo_point", crs="EPSG:4326")
    return BatchResult(out, unresolved, asked=len(memo))


def _hints(frame: Any, country: str | None) -> list[str | None]:
    if country is None:
        return [None] * len(frame)
    if country in frame.columns:
        return [str(v).strip().upper() if isinstance(v, str) and v.strip() else None for v in frame[country]]
    return [country.strip().upper()] * len(frame)


def _geocode(geocoder: Geocoder, query: str, hint: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """One answer as the row's fields, or None and the reason (never an exception)."""
    from geomap.geocode.chain import query_problem

    problem = query_problem(query)
    if problem and not query.strip():
        return None, problem
    kwargs: dict[str, Any] = {"country_codes": hint} if hint else {}
    try:
        location = geocoder.geocode(query, exactly_one=True, **kwargs)
    except Exception as exc:  # a service failure of one row must not stop the batch
        return None, f"{type(exc).__name__}: {exc}"
    if isinstance(location, list):
        location = location[0] if location else None
    if location is None:
        failed = failure_of(geocoder)
        if failed:
            return None, f"not found, and not every geocoder could be asked: {failed}"
        return None, problem or (f"not found (country hint {hint})" if hint else "not found")
    raw = location.raw if isinstance(location.raw, dict) else {}
    try:
        place = place_from_location(location, source=raw.get("backend") or getattr(geocoder, "source", None))
    except (TypeError, ValueError, AttributeError) as exc:
        return None, f"no usable point: {exc}"
    return {
        "lat": place.lat,
        "lon": place.lon,
        "geo_name": place.name,
        "geo_country": place.country_code,
        "geo_kind": str(place.kind),
        "geo_precision": place.geo_precision,
        "geo_backend": place.source,
        "geo_candidates": candidates_of(location),
        "geo_warning": raw.get("warning") or raw.get("note"),
    }, None
