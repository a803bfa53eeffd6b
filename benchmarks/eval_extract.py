"""Extraction quality on our own multilingual set and the seed article: prints the score table.

    python benchmarks/eval_extract.py [--details] [--shared ../shared]

Each gold file's article is extracted with its publication date and language, and scored with
geomap.evaluation (places P/R/F1 at 161 km or same ISO code, dates, movement recall).
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

from geomap.evaluation import Scores, score  # noqa: E402
from geomap.extract import extract  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--details", action="store_true", help="list misses and spurious finds")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", help="substring of the file names to run")
    args = ap.parse_args()
    golds = sorted((ROOT / "tests" / "data" / "extract").glob("*.gold.json"))
    seed = args.shared / "seed" / "nk-troops-kursk.gold.json"
    if seed.exists():
        golds.append(seed)
    if args.only:
        golds = [g for g in golds if args.only in g.name]
    files = []
    t0 = time.perf_counter()
    for gold_path in golds:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (gold_path.parent / gold["file"]).read_text(encoding="utf-8")
        ex = extract(text, published=dt.date.fromisoformat(gold["published"]))
        files.extend(score(gold, ex.to_geojson(), name=gold_path.name.removesuffix(".gold.json")).files)
    elapsed = time.perf_counter() - t0
    print(Scores(files=files).format(details=args.details))
    print(f"\n{len(golds)} articles in {elapsed:.1f} s (language detected, not given)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
