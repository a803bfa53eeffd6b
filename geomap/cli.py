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
import warnings
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
    from geomap.files import OutputError
    from geomap.model import ArgumentError, GeomapError

    warnings.showwarning = _show_warning
    try:
        return int(args.func(args))
    except OutputError as exc:
        _say(f"geomap: {exc}")
        return EXIT_FAILED
    except ArgumentError as exc:
        _say(f"geomap: error: {_OPTION_OF.get(exc.argument, exc.argument)}: {exc.detail}")
        return EXIT_FAILED
    except GeomapError as exc:
        _say(f"geomap: error: {exc}")
        return EXIT_FAILED
    except (RecursionError, OverflowError, MemoryError) as exc:  # a last guard: one line, not a traceback
        _say(f"geomap: error: the input is too deeply nested or too large to handle ({type(exc).__name__}: {exc})")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("geomap: interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _say(text: object) -> None:
    """One message on stderr, input echoed in it without raw terminal escapes (ESC, BEL, ...)."""
    from geomap.textclean import escape_controls

    print(escape_controls(str(text)), file=sys.stderr)


def _show_warning(message: Any, category: Any, *_: Any, **__: Any) -> None:
    """Library warnings (a corrupt cache moved aside, ...) as one line, not Python's two."""
    _say(f"geomap: warning: {message}")


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
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="map to write: .html (interactive, offline), or .png / .pdf (a picture for publication, "
                   "drawn by headless Chromium)")
    p.add_argument("--title", help="map title (default: the file's title)")
    p.add_argument("--subtitle", help="line under the title")
    p.add_argument("--cdn", action="store_true", help="load Leaflet from a CDN: smaller file, needs the network")
    _picture_options(p)
    _route_options(p)
    _common_input(p)
    _geocoder_options(p)
    _layer_options(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("export", help="write events, places and routes as GIS layers")
    p.add_argument("events", type=Path, help="events file (.yaml, .csv with ACLED columns, .geojson)")
    p.add_argument(
        "-o", "--output", type=Path, required=True, help="output by extension: .gpkg (styled for QGIS), .geojson (one file per layer), .kml, .csv"
    )
    _common_input(p)
    _geocoder_options(p)
    _layer_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("layers", help="list the layers geomap can load by name (built-in and entry points)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_layers)

    p = sub.add_parser("geocode", help="look a place name up in the offline gazetteer")
    p.add_argument("query", nargs="+", help="place name as written, e.g. Kursk, 'Korea Utara', '51.73, 36.19'")
    p.add_argument("--country", help="ISO alpha-2 country hint, e.g. RU")
    p.add_argument("--candidates", type=int, default=5, help="runner-up candidates to show (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    _geocoder_options(p)
    p.set_defaults(func=cmd_geocode)

    for name, helptext in (
        ("extract", "extract dated, geocoded events and routes from a news article"),
        ("map", "extract from a news article and draw the map in one go"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("article", nargs="?",
                       help="article: a UTF-8 text file, an HTML file or a web page's http(s) URL"
                       + (" (or a corpus, below)" if name == "extract" else ""))
        p.add_argument(
            "-o",
            "--output",
            type=Path,
            required=True,
            help="events file to write: .yaml (to review and render) or .geojson" if name == "extract"
            else "map to write: .html, or .png / .pdf (a picture, drawn by headless Chromium)",
        )
        p.add_argument("--published", type=_iso_date, help="publication date YYYY-MM-DD: anchors relative dates")
        p.add_argument("--lang", help="language code (en, id, ru, uk, de, fr); detected when omitted")
        p.add_argument("--publisher", help="source publisher, kept on every event")
        p.add_argument("--title", help="source title (and map title)")
        p.add_argument("--url", help="source URL; without ARTICLE, the web page to fetch and read")
        if name == "map":
            p.add_argument("--subtitle", help="line under the title")
            p.add_argument("--cdn", action="store_true", help="load Leaflet from a CDN: smaller file, needs the network")
            _picture_options(p)
            _route_options(p)
            _layer_options(p)
        _geocoder_options(p)
        if name == "extract":
            corpus = p.add_argument_group("corpus (ARTICLE is a folder of .txt/.html files or a .jsonl file; -o x.parquet)")
            corpus.add_argument("--workers", type=int, default=0, help="run on a local Dask cluster of N worker processes")
            corpus.add_argument("--scheduler", help="run on an existing Dask cluster, e.g. tcp://host:8786")
            corpus.add_argument("--batch-size", type=int, default=250, help="articles per task (default 250)")
            corpus.add_argument("--no-merge", action="store_true", help="keep every report of the same event apart")
        _common_input(p)
        p.set_defaults(func=cmd_extract if name == "extract" else cmd_map)

    p = sub.add_parser("score", help="score extractions (GeoJSON) against gold files; prints places, dates and "
                       "movements (origin and destination: recall; precision of the moves drawn)")
    p.add_argument("gold", type=Path, nargs="+", help="gold JSON file(s) or a folder of *.gold.json (the seed's shape)")
    p.add_argument("--pred", type=Path, nargs="+", help="extraction GeoJSON file(s), in the order of the gold files, "
                   "or a folder of X.geojson for a gold folder; when omitted each gold file's article (its 'file', "
                   "in --texts or beside it) is extracted now")
    p.add_argument("--texts", type=Path, action="append", default=[], help="folder of the articles (repeatable)")
    p.add_argument("--details", action="store_true", help="list what was missed and what was wrong")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("cache", help="show or clear the persistent cache of online geocoder answers")
    p.add_argument("action", choices=("stats", "clear"), help="stats: what it holds; clear: empty it")
    p.add_argument("--expired", action="store_true", help="with clear: only the expired answers")
    p.set_defaults(func=cmd_cache)
    return parser


def _iso_date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _picture_size(text: str) -> tuple[int, int]:
    """argparse type: WIDTHxHEIGHT in pixels."""
    from geomap.model import GeomapError
    from geomap.snapshot import parse_size

    try:
        return parse_size(text)
    except GeomapError as exc:
        raise argparse.ArgumentTypeError(getattr(exc, "detail", str(exc))) from None


def _picture_options(p: argparse.ArgumentParser) -> None:
    from geomap.snapshot import DEFAULT_SIZE

    p.add_argument("--size", type=_picture_size, default=DEFAULT_SIZE, metavar="WxH",
                   help="picture size in pixels for .png/.pdf output (default {}x{})".format(*DEFAULT_SIZE))


def _route_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--animate-routes", action="store_true", help="animate the direction of travel along routes")
    p.add_argument("--no-route-labels", action="store_true", help="leave out the date and quantity labels of routes")


def _map_layers(args: argparse.Namespace) -> list[Any]:
    from geomap.render import default_layers

    return default_layers(animate_routes=args.animate_routes, route_labels=not args.no_route_labels)


def _common_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="exit 1 if any input problem is found")
    p.add_argument("--encoding", metavar="NAME", help="encoding of the input when it is not UTF-8, e.g. cp1251, "
                   "latin-1 (a byte-order mark, as Excel's 'Unicode text' has, is read without it)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def _layer_options(p: argparse.ArgumentParser) -> None:
    """--layer (users' own layers) and --keep-going (draw the rest if one of them fails)."""
    p.add_argument("--layer", action="append", default=[], metavar="SPEC",
                   help="add a layer: my_layers.py:ClassName, package.module:ClassName or a name from "
                   "'geomap layers'; may be repeated")
    p.add_argument("--keep-going", action="store_true",
                   help="if a --layer cannot be loaded or drawn, report it and make the output without it")


def _user_layers(args: argparse.Namespace, dataset: Dataset | None = None) -> list[Any]:
    """The --layer layers, loaded (and, given a dataset, checked by running them once).

    A broken layer raises GeomapError naming its file and the problem; with --keep-going it is
    reported on stderr and left out instead.
    """
    from geomap.plugins import LayerError, check_layer, load_layer

    out = []
    for spec in args.layer:
        try:
            layer = load_layer(spec)
            if dataset is not None:
                check_layer(layer, dataset)
        except LayerError as exc:
            if not args.keep_going:
                raise
            _say(f"geomap: warning: {exc}; layer {spec!r} left out (--keep-going)")
            continue
        out.append(layer)
    return out


def _seconds(text: str) -> float:
    """argparse type: a finite number of seconds above 0."""
    from geomap.geocode.online import positive_seconds
    from geomap.model import GeomapError

    try:
        return positive_seconds(text, "value")
    except GeomapError as exc:
        raise argparse.ArgumentTypeError(getattr(exc, "detail", str(exc))) from None


def _count(text: str) -> int:
    """argparse type: a whole number, 0 or more."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, not {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"0 or more is needed, not {n}")
    return n


def _geocoder_options(p: argparse.ArgumentParser) -> None:
    """--geocoder and its settings: offline by default; online services only when named."""
    from geomap.geocode.chain import BATCH_TIMEOUT, MAX_WAIT, RETRIES
    from geomap.geocode.online import DEFAULT_TIMEOUT

    p.add_argument("--geocoder", default="offline", metavar="NAME[,NAME...]",
                   help="geocoders asked in order, each for what the ones before left unresolved: offline "
                   "(default), nominatim, photon or any geopy service, e.g. offline,nominatim")
    p.add_argument("--geocoder-url", metavar="URL", help="server of the online geocoder, e.g. http://127.0.0.1:8080")
    p.add_argument("--user-agent", metavar="UA", help="who you are, for the online service (Nominatim requires it; "
                   "default $GEOMAP_USER_AGENT)")
    p.add_argument("--api-key", metavar="K", help="API key of the online service, for those that need one")
    p.add_argument("--timeout", type=_seconds, metavar="S",
                   help=f"seconds to wait for each read from the online service (default {DEFAULT_TIMEOUT:g}); "
                   "a whole request gets at most twice that")
    p.add_argument("--retries", type=_count, default=RETRIES, metavar="N",
                   help=f"tries after a timeout, 5xx or 429 (default {RETRIES})")
    p.add_argument("--max-wait", type=_seconds, default=MAX_WAIT, metavar="S",
                   help=f"most seconds one name may cost at one service, retries and waits included "
                   f"(default {MAX_WAIT:g})")
    p.add_argument("--batch-timeout", type=_seconds, default=BATCH_TIMEOUT, metavar="S",
                   help=f"most seconds for all online requests of the run; after it only the offline "
                   f"gazetteer answers (default {BATCH_TIMEOUT:g})")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of online answers")


# The CLI's option for each library argument, so that errors name what the user typed.
_OPTION_OF = {
    "geocoder": "--geocoder", "url": "--geocoder-url", "user_agent": "--user-agent", "api_key": "--api-key",
    "timeout": "--timeout", "retries": "--retries", "max_wait": "--max-wait", "batch_timeout": "--batch-timeout",
    "size": "--size", "path": "-o/--output", "encoding": "--encoding", "scheduler": "--scheduler",
}  # fmt: skip


def _geocoder(args: argparse.Namespace) -> Any:
    """The geocoder the options ask for; None (the offline default) when no online one is named."""
    from geomap.geocode.chain import build_chain, parse_chain

    if parse_chain(args.geocoder) == ["offline"]:
        return None
    return build_chain(
        args.geocoder,
        user_agent=args.user_agent,
        url=args.geocoder_url,
        api_key=args.api_key,
        timeout=args.timeout,
        retries=args.retries,
        max_wait=args.max_wait,
        batch_timeout=args.batch_timeout,
        cache=not args.no_cache,
    )


def _load(args: argparse.Namespace) -> Dataset:
    """Read and geocode an events file, printing every problem met on stderr."""
    from geomap.geocode import resolve_dataset
    from geomap.io import read_events

    geocoder = _geocoder(args)
    dataset = read_events(args.events, encoding=args.encoding)
    resolve_dataset(dataset, geocoder)
    return dataset


def _report(dataset: Dataset, args: argparse.Namespace) -> int:
    for problem in dataset.problems:
        if not (args.quiet and problem.severity != "error"):
            _say(problem)
    n_err = len(dataset.errors)
    if n_err and not args.quiet:
        _say(f"geomap: {n_err} entr{'y' if n_err == 1 else 'ies'} rejected (see above)")
    return EXIT_PROBLEMS if (args.strict and dataset.problems) else EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from geomap.render import build_map

    _outputs(args, args.events)
    dataset = _load(args)
    if not dataset.events and not dataset.movements:
        _report(dataset, args)
        _say(f"geomap: error: {args.events}: nothing to draw (no valid events or movements)")
        return EXIT_FAILED
    layers = [*_map_layers(args), *(_user_layers(args, dataset) if args.layer else [])]
    gmap = build_map(dataset, layers=layers, title=args.title, subtitle=args.subtitle, cdn=args.cdn)
    _save_map(gmap, args)
    rc = _report(dataset, args)
    if not args.quiet:
        print(
            f"wrote {args.output}: {len(dataset.events)} events, {len(dataset.movements)} movements",
            file=sys.stderr,
        )
    return rc


def _save_map(gmap: Any, args: argparse.Namespace) -> None:
    """The map as HTML, or as a picture when the output's suffix asks for one."""
    from geomap.snapshot import IMAGE_SUFFIXES, save_image

    if args.output.suffix.lower() in IMAGE_SUFFIXES:
        save_image(gmap.to_html(), args.output, size=args.size)
    else:
        gmap.save(args.output)


def cmd_export(args: argparse.Namespace) -> int:
    from geomap.io import export
    from geomap.io.geojson import split_paths

    _outputs(args, args.events, split_paths(args.output) if args.output.suffix.lower() == ".geojson" else None)
    dataset = _load(args)
    if not dataset.events and not dataset.movements:
        _report(dataset, args)
        _say(f"geomap: error: {args.events}: nothing to export (no valid events or movements)")
        return EXIT_FAILED
    written = export(dataset, args.output, extra_layers=_user_layers(args, dataset))
    rc = _report(dataset, args)
    if not args.quiet:
        print(f"wrote {', '.join(map(str, written))}", file=sys.stderr)
    return rc


def cmd_layers(args: argparse.Namespace) -> int:
    from geomap.plugins import available_layers

    infos = available_layers()
    if args.json:
        print(json.dumps([dataclasses.asdict(i) for i in infos], indent=1))
        return EXIT_OK
    width = max((len(i.name) for i in infos), default=4)
    target_width = max((len(i.target) for i in infos), default=6)
    for i in infos:
        print(f"{i.name:<{width}}  {i.target:<{target_width}}  {i.summary}")
    _say("\nAlso: --layer path/to/file.py:ClassName (a subclass of geomap.layer.Layer).")
    return EXIT_OK


def cmd_geocode(args: argparse.Namespace) -> int:
    from geomap.geocode import OfflineGeocoder
    from geomap.geocode.base import failure_of
    from geomap.geocode.chain import query_problem

    query = " ".join(args.query)
    geocoder = _geocoder(args) or OfflineGeocoder()
    hints: dict[str, Any] = {"country_codes": args.country} if args.country else {}
    try:
        location = geocoder.geocode(query, exactly_one=True, **hints)
    except ValueError as exc:
        _say(f"geomap: error: {exc}")
        return EXIT_FAILED
    if location is None:
        if args.json:
            print(json.dumps({"query": query[:300], "match": None, "problem": query_problem(query)}))
        else:
            problem = query_problem(query) or failure_of(geocoder)
            shown = query if len(query) <= 60 else query[:60] + "..."
            _say(f"no match for {shown!r}" + (f": {problem}" if problem else ""))
        return EXIT_PROBLEMS
    raw = dict(location.raw)
    candidates = raw.pop("candidates", [])[: args.candidates]
    if args.json:
        print(json.dumps({"query": query, "match": raw, "candidates": candidates}, ensure_ascii=False))
        return EXIT_OK
    print(f"{raw.get('name')} ({raw.get('country_code') or '-'})")
    print(f"  coordinates  {location.latitude:.5f}, {location.longitude:.5f}")
    print(f"  kind         {raw.get('kind')}   geo_precision {raw.get('geo_precision')}")
    if raw.get("backend") and raw.get("backend") != "offline":
        print(f"  geocoder     {raw['backend']}{' (cached)' if raw.get('cached') else ''}")
    if raw.get("warning"):
        print(f"  warning      {raw['warning']}")
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


def cmd_cache(args: argparse.Namespace) -> int:
    from geomap.geocode.cache import GeocodeCache

    cache = GeocodeCache()
    if args.action == "clear":
        n = cache.clear(expired_only=args.expired)
        _say(f"removed {n} cached answer{'' if n == 1 else 's'} from {cache.path}")
    else:
        print(cache.stats().format())
    return EXIT_OK


def _article_arg(args: argparse.Namespace) -> str:
    """ARTICLE, or --url when ARTICLE is not given."""
    from geomap.model import GeomapError

    if args.article is None and not args.url:
        raise GeomapError("give an article (a file or a URL) or --url")
    return args.article if args.article is not None else args.url


def _extract(args: argparse.Namespace) -> Any:
    from geomap.extract import extract
    from geomap.io.article import read_article
    from geomap.model import Source

    where = _article_arg(args)
    from geomap.io.validate import encoding_name

    encoding = encoding_name(args.encoding)
    article = read_article(where, encoding=encoding, **({"timeout": args.timeout} if args.timeout else {}))
    text = article.text
    published = args.published or article.published
    source = Source(
        publisher=args.publisher, title=args.title or article.title, url=args.url or article.url, published=published
    )
    ex = extract(text, published=published, lang=args.lang, source=source, where=where, geocoder=_geocoder(args))
    if not args.quiet:
        for note in ex.notes:
            _say(f"{where}: note: {note}")
        for u in ex.unresolved:
            at = f"{where}:{text.count(chr(10), 0, u['start']) + 1}" if u.get("start") is not None else where
            what = f"unresolved {u['mention']!r}: " if u.get("mention") else ""
            _say(f"{at}: warning: {what}{u.get('reason')}")
    return ex


def cmd_extract(args: argparse.Namespace) -> int:
    from geomap.io.article import is_url

    article = Path(args.article) if args.article is not None and not is_url(args.article) else None
    if article is not None and (
        article.is_dir() or article.suffix.lower() in (".jsonl", ".ndjson") or args.output.suffix.lower() == ".parquet"
    ):
        args.article = article
        out = args.output
        _outputs(args, article, [out, out.with_name(out.stem + ".merges.json")])
        return _extract_corpus(args)
    _outputs(args, Path(_article_arg(args)))
    ex = _extract(args)
    ex.save(args.output)
    if not args.quiet:
        print(
            f"wrote {args.output}: {len(ex.toponyms)} places, {len(ex.dates)} dates, "
            f"{len(ex.dataset.events)} events, {len(ex.dataset.movements)} movements, {len(ex.unresolved)} unresolved",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if (args.strict and ex.unresolved) else EXIT_OK


def _extract_corpus(args: argparse.Namespace) -> int:
    from geomap.corpus.run import extract_corpus

    summary = extract_corpus(
        args.article,
        args.output,
        workers=args.workers,
        scheduler=args.scheduler,
        batch_size=args.batch_size,
        merge=not args.no_merge,
        progress=None if not args.quiet else False,
    )
    _say(summary.format())
    return EXIT_PROBLEMS if (args.strict and (summary.failures or summary.problems)) else EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    from geomap.render import build_map

    _outputs(args, Path(_article_arg(args)))
    ex = _extract(args)
    if not ex.dataset.events and not ex.dataset.movements:
        _say(f"geomap: error: {_article_arg(args)}: no events or movements found to draw")
        return EXIT_FAILED
    headline = ex.dataset.sources[0].title if ex.dataset.sources else None
    name = _article_arg(args).rstrip("/").rsplit("/", 1)[-1]
    layers = [*_map_layers(args), *(_user_layers(args, ex.dataset) if args.layer else [])]
    gmap = build_map(
        ex.dataset,
        layers=layers,
        title=args.title or headline or f"Events in {name}",
        subtitle=args.subtitle,
        cdn=args.cdn,
    )
    _save_map(gmap, args)
    if not args.quiet:
        _say(f"wrote {args.output}: {len(ex.dataset.events)} events, {len(ex.dataset.movements)} movements")
    return EXIT_PROBLEMS if (args.strict and ex.unresolved) else EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from geomap.evaluation import score_gold_files

    scores = score_gold_files(args.gold, args.pred, texts=args.texts)
    if args.json:
        rows = [f.to_dict() for f in [*scores.files, scores.pooled]]
        print(json.dumps({"files": rows, "problems": [str(p) for p in scores.problems]}, indent=1, default=str))
    else:
        print(scores.format(details=args.details))
    return EXIT_OK


def _outputs(args: argparse.Namespace, source: Path, outputs: Sequence[Path] | None = None) -> None:
    """Before any work: refuse an output that is the input, or that cannot be a file (OutputError)."""
    from geomap.files import check_outputs, prepare_output

    outputs = list(outputs or [args.output])
    check_outputs(outputs, [source])
    for out in outputs:
        prepare_output(out)


if __name__ == "__main__":
    sys.exit(main())
