"""Figures for the offline geocoder: index build, fresh-process start, warm throughput.

    python benchmarks/bench_geocode.py                # the configured threshold
    python benchmarks/bench_geocode.py --thresholds   # compare cities500/1000/5000/15000

Every build goes to a temporary cache directory, so the user's index is left alone. With
``--thresholds`` it also counts how many seed gold places (Indonesian mention and English
name) and GeoWebNews gold toponyms (``shared/eval/geoparse/GWN.xml``, evaluation only; rows
with coordinates and a GeoNames ID of type Literal/Mixed/Literal_Modifier, queried by the
name as written) each index resolves correctly: a city within 25 km (161 km for GWN), a
country by its ISO code, a region or continent within 500 km.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOMAP_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT))

from geomap.geocode.base import distance_km  # noqa: E402
from geomap.geocode.gazetteer import OfflineGeocoder, country_at  # noqa: E402
from geomap.geocode.index import DEFAULT_MIN_POPULATION, THRESHOLDS, NameIndex, build_index  # noqa: E402

COLD_SNIPPET = "from geomap.geocode import OfflineGeocoder; OfflineGeocoder().geocode('Kursk')"
WARM_QUERIES = [
    "Kursk", "Korea Utara", "Rusia", "Moskow", "Kazan", "Kyiv", "Brussels", "Vladivostok", "New York",
    "Paris", "Georgia", "wilayah Kursk", "Belgorod region", "Donbas", "Black Sea", "Springfield",
    "Zaporizhzhia", "Kyïv", "51.73, 36.19", "Timur Jauh Rusia",
]  # fmt: skip
GWN_TYPES = {"Literal", "Mixed", "Literal_Modifier"}


def cold_start(cache: Path, runs: int = 5) -> float:
    """Median wall time of a fresh interpreter doing one geocode with a ready index."""
    env = {**os.environ, "GEOMAP_CACHE_DIR": str(cache)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD_SNIPPET], check=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_start(runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def warm_rate(geocoder: OfflineGeocoder, seconds: float = 2.0) -> tuple[float, float]:
    """Geocodes per second: first pass over distinct names (nothing cached) and repeated ones."""
    names = gwn_rows()[:2000] if gwn_path().exists() else []
    distinct = list(dict.fromkeys(r["name"] for r in names)) or WARM_QUERIES
    start = time.perf_counter()
    for q in distinct:
        geocoder.geocode(q)
    first = len(distinct) / (time.perf_counter() - start)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for q in WARM_QUERIES:
            geocoder.geocode(q)
        count += len(WARM_QUERIES)
    return first, count / (time.perf_counter() - start)


def gwn_path() -> Path:
    return SHARED / "eval" / "geoparse" / "GWN.xml"


def gwn_rows() -> list[dict]:
    rows = []
    for _, el in ET.iterparse(gwn_path()):
        if el.tag != "toponym":
            continue
        lat, gid, kind = el.findtext("latitude"), el.findtext("geonamesID"), el.findtext("type")
        if lat and gid and kind in GWN_TYPES:
            rows.append(
                {
                    "name": el.findtext("extractedName"),
                    "lat": float(lat),
                    "lon": float(el.findtext("longitude")),
                }
            )
        el.clear()
    return rows


def seed_score(geocoder: OfflineGeocoder) -> tuple[int, int, list[str]]:
    """Seed gold places found right, from the mention and from the English name."""
    gold = json.loads((SHARED / "seed" / "nk-troops-kursk.gold.json").read_text(encoding="utf-8"))
    ok, total, misses = 0, 0, []
    for place in gold["places"]:
        for query in (place["mention"], place["name"]):
            total += 1
            loc = geocoder.geocode(query)
            if loc is not None and _right(loc, place):
                ok += 1
            else:
                misses.append(query)
    return ok, total, misses


def _right(loc, place: dict) -> bool:
    raw = loc.raw
    if place["kind"] == "country":
        return raw.get("country_code") == place["country"]
    km = distance_km(loc.latitude, loc.longitude, place["lat"], place["lon"])
    return km <= (25 if place["kind"] == "city" else 500)


def gwn_score(geocoder: OfflineGeocoder, rows: list[dict]) -> tuple[int, int, int, int]:
    """(resolved, within 161 km, right, total); 'right' also takes a country that holds the gold
    point, and a continent, sea or large region within 1,500 km (their points are conventions)."""
    found = near = right = 0
    for r in rows:
        loc = geocoder.geocode(r["name"])
        if loc is None:
            continue
        found += 1
        km = distance_km(loc.latitude, loc.longitude, r["lat"], r["lon"])
        near += km <= 161
        raw = loc.raw
        if raw["kind"] == "country":
            right += km <= 161 or country_at(r["lat"], r["lon"]) == raw["country_code"]
        elif raw["geo_precision"] >= 3:
            right += km <= 1500
        else:
            right += km <= 161
    return found, near, right, len(rows)


def measure(threshold: int, with_quality: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        start = time.perf_counter()
        path = build_index(force=True, min_population=threshold, directory=cache)
        built = time.perf_counter() - start
        os.environ["GEOMAP_MIN_POPULATION"] = str(threshold)
        try:
            out = {
                "threshold": threshold,
                "build_s": built,
                "size_mb": path.stat().st_size / 1e6,
                "cold_s": cold_start(cache),
            }
        finally:
            os.environ.pop("GEOMAP_MIN_POPULATION", None)
        index = NameIndex(path)  # fresh: nothing cached yet for the rate measurement
        out["entries"], out["names"] = int(index.meta["entries"]), int(index.meta["names"])
        out["first_rate"], out["warm_rate"] = warm_rate(OfflineGeocoder(index))
        index.close()
        if with_quality:
            geocoder = OfflineGeocoder(path)
            out["seed"] = seed_score(geocoder)
            if gwn_path().exists():
                out["gwn"] = gwn_score(geocoder, gwn_rows())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", action="store_true", help="compare every city-population threshold")
    args = parser.parse_args()
    thresholds = THRESHOLDS if args.thresholds else (
        int(os.environ.get("GEOMAP_MIN_POPULATION") or DEFAULT_MIN_POPULATION),
    )  # fmt: skip
    print(f"python {sys.version.split()[0]}; bare interpreter start {python_start():.3f} s")
    for n in thresholds:
        r = measure(n, with_quality=args.thresholds)
        print(
            f"cities{n}: build {r['build_s']:.1f} s, {r['size_mb']:.1f} MB, {r['entries']} places, "
            f"{r['names']} names; fresh process + one geocode {r['cold_s']:.3f} s; "
            f"{r['first_rate']:.0f} geocodes/s on distinct names, {r['warm_rate']:.0f}/s warm"
        )
        if "seed" in r:
            ok, total, misses = r["seed"]
            print(f"  seed gold: {ok}/{total} right" + (f" (missed: {', '.join(misses)})" if misses else ""))
        if "gwn" in r:
            found, near, right, total = r["gwn"]
            print(
                f"  GeoWebNews Literal/Mixed/Literal_Modifier with GeoNames id: {total} toponyms, "
                f"{found} resolved ({found / total:.1%}), {near} within 161 km ({near / total:.1%}), "
                f"{right} right counting countries by containment ({right / total:.1%})"
            )


if __name__ == "__main__":
    main()
