"""The ``geomap`` command: a thin layer over the Python API.

Exit codes scripts can rely on:
  0  done (problems, if any, were reported as warnings on stderr)
  1  done, but with --strict some input problem was found
  2  the command could not run: bad arguments, unreadable input, nothing to draw

Heavy libraries (geopandas, folium) are imported inside the commands that need them, so
``geomap geocode`` starts fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geomap.model import Dataset

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geomap`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_FAILED
    from geomap.model import GeomapError

    try:
        return int(args.func(args))
    except GeomapError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("geomap: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Turn reports of military movements into maps (HTML) and GIS layers (GeoPackage, GeoJSON).",
    )
    from geomap import __version__

    parser.add_argument("--version", action="version", version=f"geomap {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("render", help="draw an events file as one offline HTML map")
    p.add_argument("events", type=Path, help="events file (.yaml, .csv with ACLED columns, .geojson)")
    p.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    p.add_argument("--title", help="map title (default: the file's title)")
    p.add_argument("--subtitle", help="line under the title")
    _common_input(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("export", help="write events, places and routes as GIS layers")
    p.add_argument("events", type=Path, help="events file (.yaml, .csv with ACLED columns, .geojson)")
    p.add_argument(
        "-o", "--output", type=Path, required=True, help="output: .gpkg, .geojson or .csv (by extension)"
    )
    _common_input(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("geocode", help="look a place name up in the offline gazetteer")
    p.add_argument("query", nargs="+", help="place name as written, e.g. Kursk, 'Korea Utara', '51.73, 36.19'")
    p.add_argument("--country", help="ISO alpha-2 country hint, e.g. RU")
    p.add_argument("--candidates", type=int, default=5, help="runner-up candidates to show (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_geocode)

    for name, helptext in (
        ("extract", "extract dated, geocoded events and routes from a news article"),
        ("map", "extract from a news article and draw the map in one go"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("article", type=Path, help="article as a UTF-8 text file")
        p.add_argument(
            "-o",
            "--output",
            type=Path,
            required=True,
            help="events file to write: .yaml (to review and render) or .geojson" if name == "extract" else "HTML file",
        )
        p.add_argument("--published", type=_iso_date, help="publication date YYYY-MM-DD: anchors relative dates")
        p.add_argument("--lang", help="language code (en, id, ru, uk, de, fr); detected when omitted")
        p.add_argument("--publisher", help="source publisher, kept on every event")
        p.add_argument("--title", help="source title (and map title)")
        p.add_argument("--url", help="source URL")
        _common_input(p)
        p.set_defaults(func=cmd_extract if name == "extract" else cmd_map)

    p = sub.add_parser("score", help="score an extraction (GeoJSON) against a gold file")
    p.add_argument("gold", type=Path, nargs="+", help="gold JSON file(s) (the seed's shape)")
    p.add_argument("--pred", type=Path, nargs="+", help="extraction GeoJSON file(s), in the order of the gold files; "
                   "when omitted each gold file's article (its 'file', beside it) is extracted now")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_score)
    return parser


def _iso_date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _common_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="exit 1 if any input problem is found")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def _load(args: argparse.Namespace) -> Dataset:
    """Read and geocode an events file, printing every problem met on stderr."""
    from geomap.geocode import resolve_dataset
    from geomap.io import read_events

    dataset = read_events(args.events)
    resolve_dataset(dataset)
    return dataset


def _report(dataset: Dataset, args: argparse.Namespace) -> int:
    for problem in dataset.problems:
        if not (args.quiet and problem.severity != "error"):
            print(problem, file=sys.stderr)
    n_err = len(dataset.errors)
    if n_err and not args.quiet:
        print(f"geomap: {n_err} entr{'y' if n_err == 1 else 'ies'} rejected (see above)", file=sys.stderr)
    return EXIT_PROBLEMS if (args.strict and dataset.problems) else EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from geomap.render import build_map

    dataset = _load(args)
    if not dataset.events and not dataset.movements:
        _report(dataset, args)
        print(f"geomap: error: {args.events}: nothing to draw (no valid events or movements)", file=sys.stderr)
        return EXIT_FAILED
    gmap = build_map(dataset, title=args.title, subtitle=args.subtitle)
    _mkdir_for(args.output)
    gmap.save(args.output)
    rc = _report(dataset, args)
    if not args.quiet:
        print(
            f"wrote {args.output}: {len(dataset.events)} events, {len(dataset.movements)} movements",
            file=sys.stderr,
        )
    return rc


def cmd_export(args: argparse.Namespace) -> int:
    from geomap.io import export

    dataset = _load(args)
    if not dataset.events and not dataset.movements:
        _report(dataset, args)
        print(f"geomap: error: {args.events}: nothing to export (no valid events or movements)", file=sys.stderr)
        return EXIT_FAILED
    _mkdir_for(args.output)
    written = export(dataset, args.output)
    rc = _report(dataset, args)
    if not args.quiet:
        print(f"wrote {', '.join(map(str, written))}", file=sys.stderr)
    return rc


def cmd_geocode(args: argparse.Namespace) -> int:
    from geomap.geocode import OfflineGeocoder

    query = " ".join(args.query)
    geocoder = OfflineGeocoder()
    hints: dict[str, Any] = {"country_codes": args.country} if args.country else {}
    try:
        location = geocoder.geocode(query, exactly_one=True, **hints)
    except ValueError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if location is None:
        if args.json:
            print(json.dumps({"query": query, "match": None}))
        else:
            print(f"no match for {query!r}", file=sys.stderr)
        return EXIT_PROBLEMS
    raw = dict(location.raw)
    candidates = raw.pop("candidates", [])[: args.candidates]
    if args.json:
        print(json.dumps({"query": query, "match": raw, "candidates": candidates}, ensure_ascii=False))
        return EXIT_OK
    print(f"{raw.get('name')} ({raw.get('country_code') or '-'})")
    print(f"  coordinates  {location.latitude:.5f}, {location.longitude:.5f}")
    print(f"  kind         {raw.get('kind')}   geo_precision {raw.get('geo_precision')}")
    if raw.get("population"):
        print(f"  population   {raw['population']:,}")
    if raw.get("confidence") is not None:
        print(f"  confidence   {raw['confidence']:.2f}")
    if raw.get("note"):
        print(f"  note         {raw['note']}")
    if not candidates:
        print("  runners-up   none: no other place has this name in the gazetteer")
    else:
        print("  runners-up:")
        for c in candidates:
            print(
                f"    {c.get('name')} ({c.get('country_code') or '-'}) {c.get('kind')} "
                f"{c.get('lat', 0):.3f}, {c.get('lon', 0):.3f} pop {c.get('population') or 0:,}"
            )
    return EXIT_OK


def _extract(args: argparse.Namespace) -> Any:
    from geomap.extract import extract, read_article
    from geomap.model import Source

    text = read_article(args.article)
    source = Source(publisher=args.publisher, title=args.title, url=args.url, published=args.published)
    ex = extract(text, published=args.published, lang=args.lang, source=source, where=str(args.article))
    if not args.quiet:
        for note in ex.notes:
            print(f"{args.article}: note: {note}", file=sys.stderr)
        for u in ex.unresolved:
            where = f"{args.article}:{text.count(chr(10), 0, u['start']) + 1}" if u.get("start") is not None else str(args.article)
            print(f"{where}: warning: unresolved {u.get('mention')!r}: {u.get('reason')}", file=sys.stderr)
    return ex


def cmd_extract(args: argparse.Namespace) -> int:
    from geomap.extract.output import extraction_geojson, extraction_yaml
    from geomap.files import write_text_atomic
    from geomap.model import GeomapError

    ex = _extract(args)
    suffix = args.output.suffix.lower()
    if suffix in (".yaml", ".yml"):
        write_text_atomic(args.output, extraction_yaml(ex))
    elif suffix in (".geojson", ".json"):
        write_text_atomic(args.output, json.dumps(extraction_geojson(ex), ensure_ascii=False, indent=1))
    else:
        raise GeomapError(f"{args.output}: unknown output type {suffix!r}; use .yaml or .geojson")
    if not args.quiet:
        print(
            f"wrote {args.output}: {len(ex.toponyms)} places, {len(ex.dates)} dates, "
            f"{len(ex.dataset.events)} events, {len(ex.dataset.movements)} movements, {len(ex.unresolved)} unresolved",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if (args.strict and ex.unresolved) else EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    from geomap.render import build_map

    ex = _extract(args)
    if not ex.dataset.events and not ex.dataset.movements:
        print(f"geomap: error: {args.article}: no events or movements found to draw", file=sys.stderr)
        return EXIT_FAILED
    gmap = build_map(ex.dataset, title=args.title or f"Events in {args.article.name}")
    _mkdir_for(args.output)
    gmap.save(args.output)
    if not args.quiet:
        print(f"wrote {args.output}: {len(ex.dataset.events)} events, {len(ex.dataset.movements)} movements", file=sys.stderr)
    return EXIT_PROBLEMS if (args.strict and ex.unresolved) else EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    import datetime as dt

    from geomap.extract import extract, read_article
    from geomap.model import GeomapError
    from geomap.score import Scores, score

    if args.pred and len(args.pred) != len(args.gold):
        raise GeomapError(f"{len(args.gold)} gold files but {len(args.pred)} predictions: give one per gold file")
    files = []
    for i, gold_path in enumerate(args.gold):
        gold = _read_json(gold_path)
        if args.pred:
            pred = _read_json(args.pred[i])
        else:
            article = gold_path.parent / str(gold.get("file", ""))
            published = dt.date.fromisoformat(gold["published"]) if gold.get("published") else None
            pred = extract(read_article(article), published=published, where=str(article)).to_geojson()
        name = gold_path.name.removesuffix(".gold.json")
        files.extend(score(gold, pred, name=name, where=str(gold_path)).files)
    scores = Scores(files=files)
    if args.json:
        print(json.dumps([dataclasses.asdict(f) for f in [*scores.files, scores.pooled]], indent=1, default=str))
    else:
        print(scores.format(details=True))
    return EXIT_OK


def _read_json(path: Path) -> Any:
    from geomap.model import GeomapError

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeomapError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeomapError(f"{path}: not valid JSON: {exc}") from None


def _mkdir_for(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
