"""How fast find_dates reads 4 kB articles, beside dateparser's search_dates on the same text.

    .venv/bin/python benchmarks/bench_dates.py [--seconds 2] [--dateparser-runs 3]

Articles: the seed article (Indonesian) and English WikiNews text from the GeoVirus corpus, each cut
to 4 kB, read from ../shared (or $GEOMAP_SHARED); without them, a 4 kB English text made here.
The target is at least 500 articles per second on our path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from geomap.extract.dates import find_dates

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOMAP_SHARED", ROOT.parent / "shared"))
SIZE = 4096
PUBLISHED = dt.date(2024, 10, 29)
TARGET = 500.0


def articles() -> list[tuple[str, str, str]]:
    """(label, language, ~4 kB text)."""
    out = []
    seed = SHARED / "seed" / "nk-troops-kursk.id.txt"
    if seed.is_file():
        text = seed.read_text(encoding="utf-8")
        out.append(("seed article (id)", "id", (text * (SIZE // len(text) + 1))[:SIZE]))
    corpus = SHARED / "eval" / "geoparse" / "GeoVirus.xml"
    if corpus.is_file():
        texts = [a.findtext("text") or "" for a in ET.parse(corpus).getroot().iter("article")]
        out.append(("GeoVirus news (en)", "en", "\n\n".join(texts)[:SIZE]))
    if not out:
        sentence = (
            "On October 28, 2024 the alliance said troops were sent in early October; last week 1,500 "
            "soldiers arrived, and on Monday officials confirmed it, the first time since 1990. "
        )
        out.append(("generated text (en)", "en", (sentence * (SIZE // len(sentence) + 1))[:SIZE]))
    return out


def rate(run: Callable[[], object], seconds: float, at_least: int = 1) -> tuple[float, int]:
    """Calls per second over about ``seconds`` (at least ``at_least`` calls), and the last result's length."""
    calls = 0
    result: object = None
    start = time.perf_counter()
    while calls < at_least or time.perf_counter() - start < seconds:
        result = run()
        calls += 1
    elapsed = time.perf_counter() - start
    return calls / elapsed, len(result or [])  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent timing find_dates per article")
    parser.add_argument(
        "--dateparser-runs", type=int, default=3, help="search_dates calls per article (0 skips)"
    )
    args = parser.parse_args()

    from dateparser.search import search_dates

    warnings.filterwarnings("ignore")  # dateparser's deprecation chatter
    settings = {"RELATIVE_BASE": dt.datetime(2024, 10, 29), "PREFER_DATES_FROM": "past"}
    runs = args.dateparser_runs
    rows = []
    for label, lang, text in articles():
        cold = time.perf_counter()
        find_dates(text, PUBLISHED, lang)  # builds and caches the language's grammar
        cold = time.perf_counter() - cold
        ours = rate(lambda t=text, lg=lang: find_dates(t, PUBLISHED, lg), args.seconds)
        given = detects = (0.0, 0)
        if runs > 0:
            search_dates(text[:200], languages=[lang], settings=settings)  # loads the language's data
            given = rate(
                lambda t=text, lg=lang: search_dates(t, languages=[lg], settings=settings), 0.0, runs
            )
            detects = rate(lambda t=text: search_dates(t, settings=settings), 0.0, runs)
        rows.append((label, len(text), cold, ours, given, detects))

    def cell(r: tuple[float, int]) -> str:
        return f"{r[0]:7.1f}/s {1000 / r[0]:7.1f} ms {r[1]:3} dates" if r[0] else f"{'skipped':>27}"

    print(
        f"{'article':20} {'chars':>5}  {'geomap find_dates':>27}  {'dateparser, language given':>27}  "
        f"{'dateparser, detecting':>27}"
    )
    for label, chars, cold, ours, given, detects in rows:
        print(f"{label:20} {chars:5}  {cell(ours)}  {cell(given)}  {cell(detects)}")
        first = f"(first call {cold * 1000:.0f} ms)"
        faster = [f"{ours[0] / r[0]:.0f}x as fast" if r[0] else "" for r in (given, detects)]
        print(f"{'':26}  {first:>27}  {faster[0]:>27}  {faster[1]:>27}")
    slowest = min(r[3][0] for r in rows)
    verdict = "meets" if slowest >= TARGET else "MISSES"
    print(
        f"slowest: {slowest:.0f} articles/s with find_dates; {verdict} the target of {TARGET:.0f} articles/s"
    )
    return 0 if slowest >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
