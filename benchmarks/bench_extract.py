"""Extraction throughput on ~4 kB articles, beside a dateparser-only baseline in the same run.

    python benchmarks/bench_extract.py [--seconds 10]

Articles are our own test texts (tests/data/extract) cut or repeated to about 4 kB, plus the
seed article when ../shared is present. Prints articles per second for the whole pipeline
(language, toponyms, resolution, dates, events, GeoJSON) on one core, the time of the first
article (index and word lists opened), and what dateparser's search_dates alone manages on the
same texts: the figure a naive pipeline could not beat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def articles(shared: Path) -> list[tuple[str, dt.date]]:
    out = []
    golds = sorted((ROOT / "tests" / "data" / "extract").glob("*.gold.json"))
    seed = shared / "seed" / "nk-troops-kursk.gold.json"
    if seed.exists():
        golds.append(seed)
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        text = (g.parent / gold["file"]).read_text(encoding="utf-8")
        while len(text) < 4000:
            text += "\n\n" + text
        out.append((text[:4096], dt.date.fromisoformat(gold["published"])))
    return out


def rate(fn, items, seconds: float) -> tuple[float, int]:
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for item in items:
            fn(item)
            n += 1
    return n / (time.perf_counter() - t0), n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="time budget per measurement")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    items = articles(args.shared)
    mean_kb = sum(len(t.encode()) for t, _ in items) / len(items) / 1024
    print(f"{len(items)} articles, mean {mean_kb:.1f} kB")

    t0 = time.perf_counter()
    from geomap.extract import extract

    extract(items[0][0], published=items[0][1]).to_geojson()
    print(f"first article (imports, gazetteer and word lists opened): {time.perf_counter() - t0:.2f} s")
    r, n = rate(lambda it: extract(it[0], published=it[1]).to_geojson(), items, args.seconds)
    print(f"geomap extract, end to end:      {r:8.1f} articles/s  ({n} articles)")

    import dateparser.search

    settings = {"RELATIVE_BASE": dt.datetime(2024, 10, 29)}
    dateparser.search.search_dates(items[0][0], settings=settings)
    r_dp, n_dp = rate(
        lambda it: dateparser.search.search_dates(it[0], settings=settings), items, min(args.seconds, 5.0)
    )
    print(f"dateparser.search_dates alone:   {r_dp:8.1f} articles/s  ({n_dp} articles)")
    print(f"ratio: {r / r_dp:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
