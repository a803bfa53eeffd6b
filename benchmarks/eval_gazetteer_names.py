"""How many dev-set gold place names the offline gazetteer puts within 161 km of the gold point.

Each gold place of ``benchmarks/devset/gold/*.gold.json`` is looked up by its ``mention`` (the
words of the text, in the article's language) with :class:`geomap.geocode.OfflineGeocoder`,
once bare and once with the article's country focus (``country_bias``, the country of most of
the file's gold places), and counted right when the answer lies within 161 km (100 miles,
the geoparsing convention) of the gold point. Per language, then pooled:

    .venv/bin/python benchmarks/eval_gazetteer_names.py [--misses]

Only the gold files (in git) are read, never the article texts.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from geomap.geocode import OfflineGeocoder
from geomap.geocode.base import distance_km

GOLD = Path(__file__).resolve().parent / "devset" / "gold"
KM = 161.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the names that miss")
    args = parser.parse_args(argv)
    geocoder = OfflineGeocoder()
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    for path in sorted(GOLD.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        lang = gold.get("language") or path.name.split("-", 1)[0]
        places = [p for p in gold.get("places", []) if p.get("mention") and p.get("lat") is not None]
        countries = Counter(p.get("country") for p in places if p.get("country"))
        focus = countries.most_common(1)[0][0] if countries else None
        for p in places:
            tally[lang]["places"] += 1
            for label, bias in (("bare", None), ("focus", focus)):
                loc = geocoder.geocode(p["mention"], country_bias=bias)
                ok = loc is not None and distance_km(loc.latitude, loc.longitude, p["lat"], p["lon"]) <= KM
                tally[lang][label] += ok
                if label == "focus" and not ok:
                    got = "nothing" if loc is None else f"{loc.raw.get('name')} ({loc.raw.get('country_code')})"
                    misses.append(f"{lang}\t{p['mention']}\t-> {got}\t(gold {p.get('name')}, {p.get('kind')})")
    total: Counter[str] = Counter()
    print(f"{'lang':6} {'places':>6} {'bare':>6} {'focus':>6}")
    for lang in sorted(tally):
        t = tally[lang]
        total.update(t)
        print(f"{lang:6} {t['places']:6d} {t['bare'] / t['places']:6.2f} {t['focus'] / t['places']:6.2f}")
    n = total["places"]
    print(f"{'all':6} {n:6d} {total['bare'] / n:6.2f} {total['focus'] / n:6.2f}  (within {KM:.0f} km)")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
