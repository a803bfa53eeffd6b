"""Scoring: one gold annotation against one extraction, files and folders of them, or a gold
file against the extraction of its article made now (what ``geomap score`` and the benchmarks call).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap.evaluation.figures import Counts, FileScores, Scores
from geomap.evaluation.matching import (
    gold_place,
    match_dates,
    match_drawn,
    match_inferred,
    match_movements,
    match_places,
)
from geomap.evaluation.predictions import read_prediction
from geomap.evaluation.schema import PRECISIONS
from geomap.model import GeomapError, Problem


def score(gold: dict[str, Any], pred: dict[str, Any], name: str | None = None, where: str | None = None) -> Scores:
    """Compare one gold annotation with one extraction GeoJSON.

    ``name`` labels the row (default: the gold's ``file``); ``where`` names the prediction in
    messages about its bad features (default: ``name``).
    """
    label = name or str(gold.get("file") or "article")
    g_places = [p for p in gold.get("places", []) if _has_point(p)]
    g_dates = [d for d in gold.get("dates", []) if d.get("precision") in PRECISIONS and d.get("date")]
    g_moves = list(gold.get("movements", []))
    p_places, p_dates, routes, problems = read_prediction(pred, where or label)

    fs = FileScores(name=_short(label), language=_str(gold.get("language")), split=_str(gold.get("split")))
    pm = match_places(g_places, p_places)
    fs.places = Counts(tp=len(pm), fp=len(p_places) - len(pm), fn=len(g_places) - len(pm))
    fs.missed_places = [f"{p['mention']} ({p['name']})" for i, p in enumerate(g_places) if i not in pm]
    used = set(pm.values())
    fs.spurious_places = [p.label for i, p in enumerate(p_places) if i not in used]

    dm = match_dates(g_dates, p_dates)
    fs.dates = Counts(tp=len(dm), fp=len(p_dates) - len(dm), fn=len(g_dates) - len(dm))
    fs.missed_dates = [f"{d['mention']} = {d['date']}" for i, d in enumerate(g_dates) if i not in dm]
    used = set(dm.values())
    fs.spurious_dates = [
        f"{d.mention} = {d.value.isoformat()} ({d.precision})" for i, d in enumerate(p_dates) if i not in used
    ]

    mm = match_movements(g_moves, g_places, routes, p_places)
    fs.movements = Counts(tp=len(mm), fn=len(g_moves) - len(mm))
    fs.missed_movements = [f"{m.get('from')} -> {m.get('to')}" for i, m in enumerate(g_moves) if i not in mm]
    dest = match_movements(g_moves, g_places, routes, p_places, want_origin=False)
    fs.destinations = Counts(tp=len(dest), fn=len(g_moves) - len(dest))

    drawn = [i for i, r in enumerate(routes) if r.drawn]
    dm = match_drawn(g_moves, g_places, routes, p_places)
    stated = sum(1 for m in g_moves if gold_place(g_places, m.get("from")) is not None)
    fs.drawn = Counts(tp=len(dm), fp=len(drawn) - len(dm), fn=stated - len(dm))
    right = set(dm.values())
    fs.wrong_moves = [routes[i].label() for i in drawn if i not in right]

    inferred = [i for i, r in enumerate(routes) if r.inferred and r.origin is not None]
    im = match_inferred(g_moves, g_places, routes, p_places)
    fs.inferred = Counts(tp=len(im), fp=len(inferred) - len(im))
    right = set(im.values())
    fs.wrong_inferred = [routes[i].label() for i in inferred if i not in right]
    return Scores(files=[fs], problems=problems)


def _has_point(p: dict[str, Any]) -> bool:
    return isinstance(p.get("lat"), (int, float)) and isinstance(p.get("lon"), (int, float))


def _short(label: str) -> str:
    for suffix in (".gold.json", ".geojson", ".json", ".txt"):
        if label.endswith(suffix):
            return label[: -len(suffix)]
    return label


_EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def load_json(path: Path) -> Any:
    """A JSON file, or a GeomapError naming the file and what is wrong with it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeomapError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise GeomapError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise GeomapError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None


def _pred_for(gold_path: Path, pred_dir: Path) -> Path | None:
    stem = gold_path.name.removesuffix(".gold.json")
    for candidate in (f"{stem}.geojson", f"{stem}.json", f"{stem}.pred.geojson"):
        if (pred_dir / candidate).is_file():
            return pred_dir / candidate
    return None


def score_files(gold_path: str | Path, pred_path: str | Path) -> Scores:
    """Score a gold file against a prediction file, or a folder of gold files against a folder.

    In folders, ``X.gold.json`` pairs with ``X.geojson``; a gold file without a prediction
    counts as an empty prediction (everything missed) and is reported as a problem.
    """
    gold_path, pred_path = Path(gold_path), Path(pred_path)
    if gold_path.is_dir():
        if not pred_path.is_dir():
            raise GeomapError(f"{pred_path}: gold {gold_path} is a folder, so the prediction must be one too")
        golds = sorted(gold_path.glob("*.gold.json"))
        if not golds:
            raise GeomapError(f"{gold_path}: no *.gold.json files")
        pairs: list[tuple[Path, Path | None]] = [(g, _pred_for(g, pred_path)) for g in golds]
    else:
        pairs = [(gold_path, pred_path)]
    result = Scores(files=[])
    for g, p in pairs:
        gold = load_json(g)
        if not isinstance(gold, dict):
            raise GeomapError(f"{g}: a gold file is a JSON object")
        if p is None:
            result.problems.append(Problem("no prediction file; scored as empty", str(g)))
            pred = _EMPTY
        else:
            pred = load_json(p)
        one = score(gold, pred, name=g.name, where=str(p) if p else None)
        result.files.extend(one.files)
        result.problems.extend(one.problems)
    return result



def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def find_text(gold_path: Path, gold: dict[str, Any], texts: Sequence[Path] = ()) -> Path | None:
    """The article a gold file annotates: its ``file`` in the first of ``texts`` that has it, else beside it."""
    name = str(gold.get("file") or "")
    if not name:
        return None
    for folder in (*texts, gold_path.parent):
        if (folder / name).is_file():
            return folder / name
    return None


def extract_for(gold: dict[str, Any], article: Path) -> dict[str, Any]:
    """The extraction GeoJSON of a gold file's article, made now with the gold's publication date."""
    from geomap.extract import extract, read_article

    published = None
    if isinstance(gold.get("published"), str):
        try:
            published = dt.date.fromisoformat(gold["published"])
        except ValueError:
            raise GeomapError(f"{article}: gold 'published' {gold['published']!r} is not an ISO date") from None
    return extract(read_article(article), published=published, where=str(article)).to_geojson()


def score_gold_files(
    golds: Sequence[str | Path],
    preds: Sequence[str | Path] | None = None,
    texts: Sequence[str | Path] = (),
    extractor: Any = None,
) -> Scores:
    """The one scoring entry point: gold files (or folders of them) against predictions.

    With ``preds`` (one per gold, or one folder for a gold folder), those GeoJSON files are
    scored; without, each gold file's article (its ``file``, looked for in ``texts`` then
    beside the gold) is extracted now, by ``extractor(gold, path) -> GeoJSON`` if given.
    A gold file whose article or prediction is missing is scored as empty and reported.
    """
    if preds is not None and len(preds) == 1 and Path(golds[0]).is_dir() and len(golds) == 1:
        return score_files(golds[0], preds[0])
    paths: list[Path] = []
    for g in map(Path, golds):
        if g.is_dir():
            found = sorted(g.glob("*.gold.json"))
            if not found:
                raise GeomapError(f"{g}: no *.gold.json files")
            paths.extend(found)
        else:
            paths.append(g)
    if preds is not None and len(preds) != len(paths):
        raise GeomapError(f"{len(paths)} gold files but {len(preds)} predictions: give one per gold file")
    folders = [Path(t) for t in texts]
    make = extractor or extract_for
    result = Scores(files=[])
    for i, gold_path in enumerate(paths):
        gold = load_json(gold_path)
        if not isinstance(gold, dict):
            raise GeomapError(f"{gold_path}: a gold file is a JSON object")
        where = str(gold_path)
        if preds is not None:
            pred = load_json(Path(preds[i]))
            where = str(preds[i])
        else:
            article = find_text(gold_path, gold, folders)
            if article is None:
                result.problems.append(Problem(f"article {gold.get('file')!r} not found; scored as empty", where))
                pred = _EMPTY
            else:
                pred = make(gold, article)
        one = score(gold, pred, name=gold_path.name, where=where)
        result.files.extend(one.files)
        result.problems.extend(one.problems)
    return result


def default_texts() -> list[Path]:
    """Where the local dev-set texts are: ``$GEOMAP_DEVSET`` or /work/devset/texts."""
    return [Path(os.environ.get("GEOMAP_DEVSET") or "/work/devset/texts")]
