"""The offline geocoder: geopy's ``geocode`` over our gazetteer index, no network.

``OfflineGeocoder().geocode("Kursk")`` answers like any geopy geocoder, with a
``geopy.location.Location`` whose ``raw`` carries the fields of a
:class:`~geomap.model.Place` plus:

* ``score``: how strongly the name points here (higher is better; comparable only
  between candidates of one query),
* ``confidence``: 0..1, how sure the choice is (the match's quality times the margin
  over the runner-up),
* ``candidates``: the runner-ups (name, country_code, kind, population, lat, lon, score),
* ``match``: how the name matched (primary, alias, major, alternate, folded, pattern,
  coordinates), ``note``: where the point comes from when it is not the place's own.

How one place is chosen among those sharing a name: the score adds the name's rank
(a row of our curated tables +5, a place's own name +3, a country's name in another major
language +1, any other alternate name 0; a loose, diacritics-free match loses 1), the
place's size (log10 of its population, less one for an admin region, or a fixed size for
continents and for the regions and seas of our tables),
+1 for a country (so 'Georgia' is the country unless the hint says US) and +0.5 for a
capital. A country hint (``country_codes``) or a ``kind`` keeps only the places that fit,
when any does. 'Kursk region', 'wilayah Kursk', 'Kursk Oblast' and the other phrases of
``data/patterns.tsv`` put a region on the city they name when no table row names the
region itself. A pair of coordinates ('51.73, 36.19') is taken as the point itself, its
country found by point-in-polygon in ``geomap/data/countries.geojson``.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.location import Location

from geomap.geocode.base import distance_km, location_from_place
from geomap.geocode.index_build import build_index
from geomap.geocode.index_query import (
    RANK_ALIAS,
    RANK_ALTERNATE,
    RANK_MAJOR,
    RANK_PRIMARY,
    Entry,
    Match,
    NameIndex,
)
from geomap.geocode.normalize import has_control_chars, normalize
from geomap.geocode.tables import COUNTRIES_GEOJSON, DATA_DIR
from geomap.model import Place, PlaceKind

__all__ = [
    "OfflineGeocoder",
    "Candidate",
    "score_match",
    "parse_coordinates",
    "country_at",
    "MAX_QUERY_LENGTH",
]

MAX_QUERY_LENGTH = 300  # longer than any place name: such a query is text, not a name
MAX_CANDIDATES = 5
# A place's own name beats an alternate name unless the other place is ~1000 times larger;
# a row of our curated tables beats a place's own name unless that place is ~100 times larger
# ('England' the region, not the alternate name of the United Kingdom); a country's name in
# another major language counts for less than a city's own name ('Tunis' is the city).
RANK_BONUS = {RANK_ALIAS: 5.0, RANK_PRIMARY: 3.0, RANK_MAJOR: 1.0, RANK_ALTERNATE: 0.0}
RANK_QUALITY = {RANK_PRIMARY: 1.0, RANK_ALIAS: 1.0, RANK_MAJOR: 0.95, RANK_ALTERNATE: 0.85}
RANK_NAME = {RANK_PRIMARY: "primary", RANK_ALIAS: "alias", RANK_MAJOR: "major", RANK_ALTERNATE: "alternate"}
FOLDED_PENALTY = 1.0
COUNTRY_BONUS = 1.0
CAPITAL_BONUS = 0.5
# log10-population stand-ins for places that have no population of their own.
SIZE_CONTINENT = 9.0
SIZE_LARGE_REGION = 7.0
SIZE_REGION = 5.0  # a region or sea of our tables stands like a city of 100,000
# An admin region's size is the population of its places, less this: a bare name means the
# city unless the region of that name is ten times larger ('New York', 'Lagos', 'Buenos Aires'
# are the cities; 'Victoria' the Australian state rather than the Canadian city).
REGION_SIZE_DISCOUNT = 1.0
DUPLICATE_KM = 25.0  # two GeoNames rows of one name this close are one place for ranking


@dataclass(frozen=True)
class Candidate:
    """A scored entry for one query."""

    entry: Entry
    score: float
    match: str
    quality: float

    def as_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "name": e.name,
            "country_code": e.country_code,
            "kind": e.kind,
            "population": e.population,
            "lat": e.lat,
            "lon": e.lon,
            "score": round(self.score, 3),
            "geonameid": e.geonameid,
        }


class OfflineGeocoder:
    """A geopy-compatible geocoder over the offline gazetteer (see the module docstring).

    ``index`` may be a :class:`NameIndex`, a path to an index file, or None for the shared
    default index (built on first use, see :func:`geomap.geocode.index_build.build_index`);
    ``min_population`` picks another city threshold (500, 1000, 5000 or 15000) for it.
    """

    source = "offline"

    def __init__(
        self, index: NameIndex | Path | str | None = None, min_population: int | None = None
    ) -> None:
        self._index = index if isinstance(index, NameIndex) else None
        self._index_path = Path(index) if isinstance(index, (str, Path)) else None
        self._min_population = min_population
        self._ranked: dict[tuple[str, frozenset[str], str | None], list[Candidate]] = {}

    @property
    def index(self) -> NameIndex:
        """The name index, opened (and if need be built) on first use."""
        if self._index is None:
            if self._index_path is not None:
                self._index = NameIndex(self._index_path)
            elif self._min_population is not None:
                self._index = NameIndex(build_index(min_population=self._min_population))
            else:
                self._index = NameIndex.default()
        return self._index

    def __repr__(self) -> str:
        return f"OfflineGeocoder({self._index_path or 'default index'})"

    # ---------------------------------------------------------------------------------------
    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        kind: str | PlaceKind | None = None,
        limit: int | None = None,
        **_: Any,
    ) -> Location | list[Location] | None:
        """Resolve a place name (or a coordinate pair) like geopy's ``geocode``.

        Returns a Location, a list of them best first (``exactly_one=False``, at most
        ``limit``, default 10), or None when nothing matches or the query cannot be a place
        name (too long, control characters). Raises ValueError for an empty query.
        """
        text = _clean(query)
        if text is None:
            return None
        point = parse_coordinates(text)
        if point is not None:
            location = self._point_location(text, *point)
            return location if exactly_one else [location]
        if _looks_like_coordinates(text):
            return None  # numbers out of range: no place is named like that
        codes = _country_codes(country_codes)
        wanted_kind = _kind(kind)
        ranked = self.rank(text, codes, wanted_kind)
        if not ranked:
            return None
        count = 1 if exactly_one else max(1, limit or 10)
        locations = [self._location(text, ranked, i) for i in range(min(count, len(ranked)))]
        return locations[0] if exactly_one else locations

    def rank(
        self, text: str, country_codes: frozenset[str] = frozenset(), kind: str | None = None
    ) -> list[Candidate]:
        """Every candidate for a query, best first, after the country and kind preferences."""
        memo_key = (normalize(text), country_codes, kind)
        ranked = self._ranked.get(memo_key)
        if ranked is None:
            ranked = self._rank(text, country_codes, kind)
            if len(self._ranked) > 50_000:
                self._ranked.clear()
            self._ranked[memo_key] = ranked
        return list(ranked)

    def _rank(self, text: str, country_codes: frozenset[str], kind: str | None) -> list[Candidate]:
        candidates = [score_match(m) for m in self.index.find(text)]
        if not candidates:
            candidates = self._pattern_candidates(text, country_codes)
        if country_codes:
            candidates = [c for c in candidates if c.entry.country_code in country_codes] or candidates
        if kind:
            fitting = [c for c in candidates if c.entry.kind == kind]
            if not fitting and kind == PlaceKind.REGION:
                fitting = [_as_region(c) for c in candidates if c.entry.kind == PlaceKind.CITY]
            candidates = fitting or candidates
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return _drop_duplicates(candidates)

    def _pattern_candidates(self, text: str, country_codes: frozenset[str]) -> list[Candidate]:
        """'X region', 'wilayah X', 'kota X'...: resolve X and return it at the pattern's kind."""
        key = normalize(text)
        for regex, kind in _patterns():
            m = regex.fullmatch(key)
            if not m:
                continue
            inner = [score_match(x) for x in self.index.find(m.group(1))]
            if country_codes:
                inner = [c for c in inner if c.entry.country_code in country_codes] or inner
            if not inner:
                continue
            if kind == PlaceKind.CITY:
                cities = [c for c in inner if c.entry.kind == PlaceKind.CITY]
                return [dataclasses.replace(c, match="pattern", quality=c.quality * 0.9) for c in cities]
            out = []
            for c in inner:
                if c.entry.kind == PlaceKind.CITY:
                    out.append(_as_region(c))
                else:  # already a region, country, continent or sea: the phrase adds nothing
                    out.append(dataclasses.replace(c, match="pattern", quality=c.quality * 0.9))
            return out
        return []

    def _location(self, query: str, ranked: list[Candidate], i: int) -> Location:
        best = ranked[i]
        others = ranked[:i] + ranked[i + 1 :]
        runner_up = others[0].score if others else None
        if runner_up is None:
            margin = 1.0
        else:
            margin = 1.0 / (1.0 + math.exp(-1.5 * (best.score - runner_up)))
        e = best.entry
        place = Place(
            name=e.name,
            lat=e.lat,
            lon=e.lon,
            country_code=e.country_code,
            kind=PlaceKind(e.kind),
            geo_precision=e.precision,
            source=self.source,
            geonameid=e.geonameid,
            population=e.population,
        )
        return location_from_place(
            place,
            query,
            [c.as_dict() for c in others[:MAX_CANDIDATES]],
            score=round(best.score, 3),
            confidence=round(best.quality * margin, 3),
            match=best.match,
            note=e.note,
            is_capital=e.is_capital,
            admin1=e.admin1,
            entry_source=e.source,
        )

    def _point_location(self, query: str, lat: float, lon: float) -> Location:
        place = Place(
            name=f"{lat:.5f}, {lon:.5f}",
            lat=lat,
            lon=lon,
            country_code=country_at(lat, lon),
            kind=PlaceKind.OTHER,
            geo_precision=1,
            source=self.source,
        )
        return location_from_place(place, query, [], score=None, confidence=1.0, match="coordinates")


# -------------------------------------------------------------------------------------------
# Scoring


def _size(entry: Entry) -> float:
    if entry.population and entry.kind == PlaceKind.REGION:
        return math.log10(entry.population) - REGION_SIZE_DISCOUNT
    if entry.population:
        return math.log10(entry.population)
    if entry.kind == PlaceKind.CONTINENT:
        return SIZE_CONTINENT
    if entry.kind == PlaceKind.REGION and entry.precision >= 3:
        return SIZE_LARGE_REGION
    if entry.kind in (PlaceKind.REGION, PlaceKind.SEA, PlaceKind.OTHER):
        return SIZE_REGION
    return 0.0


def score_match(m: Match) -> Candidate:
    """How well an index match stands for its name, before any context: the geocoder's ranking."""
    e = m.entry
    score = RANK_BONUS[m.rank] + _size(e)
    quality = RANK_QUALITY[m.rank]
    if m.folded:
        score -= FOLDED_PENALTY
        quality *= 0.8
    if e.kind == PlaceKind.COUNTRY:
        score += COUNTRY_BONUS
    if e.is_capital:
        score += CAPITAL_BONUS
    return Candidate(e, score, "folded" if m.folded else RANK_NAME[m.rank], quality)


def _as_region(c: Candidate) -> Candidate:
    """A city standing for the region around it: region kind and precision, a note saying so."""
    e = c.entry
    entry = dataclasses.replace(
        e,
        name=f"{e.name} region",
        kind=str(PlaceKind.REGION),
        precision=PlaceKind.REGION.acled_precision,
        population=None,
        geonameid=None,
        is_capital=False,
        note=f"region put on the coordinates of the city of {e.name}",
    )
    return dataclasses.replace(c, entry=entry, match="pattern", quality=c.quality * 0.9)


def _drop_duplicates(ranked: list[Candidate]) -> list[Candidate]:
    """Keep one of several entries of one name in one place (GeoNames has a few such pairs)."""
    kept: list[Candidate] = []
    seen_ids: set[int] = set()
    points: dict[tuple[str, str | None, str], list[tuple[float, float]]] = {}
    for c in ranked:
        e = c.entry
        if e.id in seen_ids:
            continue
        same = points.setdefault((e.kind, e.country_code, e.name), [])
        if any(distance_km(lat, lon, e.lat, e.lon) < DUPLICATE_KM for lat, lon in same):
            continue
        seen_ids.add(e.id)
        same.append((e.lat, e.lon))
        kept.append(c)
    return kept


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The phrases of data/patterns.tsv as regexes over normalized text, in file order."""
    out: list[tuple[re.Pattern[str], str]] = []
    seen: set[str] = set()
    with (DATA_DIR / "patterns.tsv").open(encoding="utf-8", newline="") as fh:
        for i, fields in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if i == 0 or not fields or fields[0].startswith("#") or "{}" not in fields[0]:
                continue
            pattern = normalize(fields[0])
            if pattern in seen:
                continue
            seen.add(pattern)
            before, after = (re.escape(part) for part in pattern.split("{}", 1))
            kind = fields[2] if len(fields) > 2 and fields[2] else "region"
            out.append((re.compile(f"{before}(.+?){after}"), kind))
    return tuple(out)


# -------------------------------------------------------------------------------------------
# Queries


def _clean(query: Any) -> str | None:
    """The query as one line, or None if it cannot be a place name; ValueError if empty."""
    if query is None or (isinstance(query, str) and not query.strip()):
        raise ValueError("cannot geocode an empty place name")
    if not isinstance(query, str):
        raise ValueError(f"a place name must be text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_LENGTH or has_control_chars(query):
        return None
    text = " ".join(query.split()).strip("\"'“”‘’«»,;:").strip()
    for opening, closing in ("()", "[]", "{}", "<>"):
        if text[:1] == opening and text[-1:] == closing:
            text = text[1:-1].strip()  # '(Kursk)'
        if text.count(opening) < text.count(closing) and text.endswith(closing):
            text = text[:-1].strip()  # 'Kursk)': a bracket left over from the text
        if text.count(opening) > text.count(closing) and text.startswith(opening):
            text = text[1:].strip()
    return text or None  # 'Frankfurt (Oder)' keeps its brackets


def _kind(kind: str | PlaceKind | None) -> str | None:
    if not kind:
        return None
    try:
        return str(PlaceKind(str(kind).lower()))
    except ValueError:
        raise ValueError(f"unknown place kind '{kind}' (one of {', '.join(PlaceKind)})") from None


def _country_codes(codes: str | Iterable[str] | None) -> frozenset[str]:
    if not codes:
        return frozenset()
    if isinstance(codes, str):
        codes = codes.replace(";", ",").split(",")
    return frozenset(c.strip().upper() for c in codes if c and c.strip())


_NUM = r"([+-]?\d{1,3}(?:\.\d+)?)"
_PART = (
    rf"{_NUM}\s*°?\s*(?:(\d{{1,2}}(?:\.\d+)?)\s*['′’]\s*)?"
    rf"(?:(\d{{1,2}}(?:\.\d+)?)\s*(?:\"|″|''|′′)\s*)?([NSEWnsew])?"
)
_COORDS = re.compile(rf"^\s*{_PART}\s*[,;/\s]\s*{_PART}\s*$")
_COORDISH = re.compile(r"^[\s\d+\-.,;/°'′’\"″NSEWnsew]+$")


def _looks_like_coordinates(text: str) -> bool:
    return bool(_COORDISH.match(text)) and any(ch.isdigit() for ch in text)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from '51.73, 36.19', '51.73N 36.19E', '51°43′N 36°11′E'...; None otherwise.

    Two bare numbers are latitude then longitude (the ISO 6709 order geopy also uses);
    hemisphere letters may swap them ('36.19E 51.73N'). Out-of-range values give None.
    """
    m = _COORDS.match(text)
    if not m:
        return None
    parts = []
    for deg, minutes, seconds, hemi in (m.groups()[:4], m.groups()[4:]):
        value = abs(float(deg)) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
        sign = -1 if deg.startswith("-") or (hemi and hemi.upper() in "SW") else 1
        parts.append((sign * value, (hemi or "").upper()))
    (a, ha), (b, hb) = parts
    if ha in ("E", "W") or hb in ("N", "S"):
        a, b, ha, hb = b, a, hb, ha
    if ha in ("E", "W") or hb in ("N", "S"):
        return None
    if not (-90.0 <= a <= 90.0 and -180.0 <= b <= 180.0):
        return None
    return round(a, 6), round(b, 6)


@functools.cache
def _country_shapes() -> tuple[Any, list[Any], list[str | None]]:
    """An STRtree over the country outlines, loaded on the first coordinate query only."""
    import shapely
    from shapely.geometry import shape

    data = json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data["features"]]
    codes = [f["properties"].get("iso_a2") for f in data["features"]]
    return shapely.STRtree(geoms), geoms, codes


def country_at(lat: float, lon: float, max_degrees: float = 0.5) -> str | None:
    """ISO alpha-2 code of the country at a point, or of the nearest one within ``max_degrees``.

    The outlines are Natural Earth 1:110m, coarse enough that a port can fall in the sea,
    hence the nearest-country fallback.
    """
    from shapely.geometry import Point

    tree, _geoms, codes = _country_shapes()
    point = Point(lon, lat)
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        return codes[int(min(hits))]
    nearest = tree.query_nearest(point, max_distance=max_degrees)
    return codes[int(nearest[0])] if len(nearest) else None
