"""Score an extraction (the GeoJSON contract) against hand-made gold annotations.

The yardstick for ``geomap extract``: places, dates and movements found in an article are
compared with a gold file (the shape of ``tests/data/extract/*.gold.json``).

* Places match one to one by distance (161 km, the field's usual "acc@161"), so a tool is
  not punished for a town's point being a few km off. A gold country also matches a
  predicted country with its ISO code, and a gold area (region, continent, sea) a predicted
  area under its name, because the point of a large area is only a convention (centroid,
  capital, label point) and tools differ. A place predicted twice at one point is one place.
* Dates match by value at the gold's precision and by overlapping mention text, so a right
  value found in the wrong phrase does not count.
* A movement is found when a route ends (its last vertex) within 161 km of the gold
  destination, or, for a country, names it by ISO code; its origin is a secondary figure.

``python -m geomap.score GOLD PRED`` prints the table; GOLD and PRED are two files, or two
folders paired by name (``X.gold.json`` with ``X.geojson``).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.geocode.base import distance_km
from geomap.model import GeomapError, Problem

__all__ = [
    "MATCH_KM",
    "Counts",
    "FileScores",
    "Scores",
    "score",
    "score_files",
    "check_gold",
    "haversine_km",
    "main",
]

MATCH_KM = 161.0  # 100 miles: the threshold of "accuracy@161km" in the geoparsing literature
EARTH_RADIUS_KM = 6371.0088
PLACE_KINDS = ("city", "region", "country", "continent", "sea")
AREA_KINDS = ("region", "continent", "sea")  # large areas whose point is only a convention
PRECISIONS = ("day", "week", "month", "year")
STATUSES = ("reported", "confirmed", "claimed", "denied")
MODES = ("sea", "rail", "road", "air", "unknown")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_WORD = re.compile(r"\w+")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere: plenty for a 161 km threshold."""
    return distance_km(lat1, lon1, lat2, lon2)


@dataclass
class Counts:
    """True positives, false positives and false negatives of one comparison."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class FileScores:
    """The figures for one article (or, summed, for many), and what was missed, for debugging."""

    name: str
    places: Counts = field(default_factory=Counts)
    dates: Counts = field(default_factory=Counts)
    movements: Counts = field(default_factory=Counts)  # tp = gold movements found by a route
    from_found: int = 0  # of the found movements whose gold origin is known, how many start right
    from_total: int = 0
    missed_places: list[str] = field(default_factory=list)
    spurious_places: list[str] = field(default_factory=list)
    missed_dates: list[str] = field(default_factory=list)
    spurious_dates: list[str] = field(default_factory=list)
    missed_movements: list[str] = field(default_factory=list)

    @property
    def movement_recall(self) -> float | None:
        return self.movements.recall

    @property
    def from_rate(self) -> float | None:
        return self.from_found / self.from_total if self.from_total else None

    def __add__(self, other: FileScores) -> FileScores:
        return FileScores(
            name="pooled",
            places=self.places + other.places,
            dates=self.dates + other.dates,
            movements=self.movements + other.movements,
            from_found=self.from_found + other.from_found,
            from_total=self.from_total + other.from_total,
        )


@dataclass
class Scores:
    """Per-file figures and their pooled (micro-averaged) sum; problems met while reading."""

    files: list[FileScores]
    problems: list[Problem] = field(default_factory=list)

    @property
    def pooled(self) -> FileScores:
        total = FileScores(name="pooled")
        for f in self.files:
            total = total + f
        return total

    def format(self, details: bool = False) -> str:
        """A fixed-width table, one row per file and a pooled row; with ``details``, the misses."""
        head = (
            f"{'file':<28} {'places P':>8} {'R':>5} {'F1':>5}  {'dates P':>7} {'R':>5} {'F1':>5}"
            f"  {'moves R':>7} {'found':>7}  {'from':>7}"
        )
        rows = [head, "-" * len(head)]
        for f in [*self.files, self.pooled] if len(self.files) != 1 else self.files:
            if f.name == "pooled":
                rows.append("-" * len(head))
            rows.append(
                f"{f.name[:28]:<28} {_pct(f.places.precision):>8} {_pct(f.places.recall):>5}"
                f" {_pct(f.places.f1):>5}  {_pct(f.dates.precision):>7} {_pct(f.dates.recall):>5}"
                f" {_pct(f.dates.f1):>5}  {_pct(f.movement_recall):>7}"
                f" {f'{f.movements.tp}/{f.movements.tp + f.movements.fn}':>7}"
                f"  {f'{f.from_found}/{f.from_total}':>7}"
            )
        if details:
            for f in self.files:
                for label, items in (
                    ("missed places", f.missed_places),
                    ("spurious places", f.spurious_places),
                    ("missed dates", f.missed_dates),
                    ("spurious dates", f.spurious_dates),
                    ("missed movements", f.missed_movements),
                ):
                    if items:
                        rows.append(f"{f.name}: {label}: " + "; ".join(items))
        for p in self.problems:
            rows.append(str(p))
        return "\n".join(rows)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}"


# ---------------------------------------------------------------- reading predictions


@dataclass(frozen=True)
class _PredPlace:
    label: str
    lat: float
    lon: float
    country: str | None
    kind: str | None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _PredDate:
    mention: str
    value: dt.date
    precision: str


@dataclass(frozen=True)
class _PredRoute:
    origin: tuple[float, float]  # (lat, lon) of the first vertex
    dest: tuple[float, float]  # (lat, lon) of the last vertex
    frm: str | None
    to: str | None
    to_country: str | None
    from_country: str | None


def _lonlat(value: Any) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON position, or None when it is not one."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return None
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _line_ends(geometry: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """First and last vertex of a LineString, or of a MultiLineString's first and last part."""
    coords = geometry.get("coordinates")
    if geometry.get("type") == "LineString" and isinstance(coords, list) and coords:
        first, last = _lonlat(coords[0]), _lonlat(coords[-1])
    elif geometry.get("type") == "MultiLineString" and isinstance(coords, list) and coords:
        parts = [p for p in coords if isinstance(p, list) and p]
        if not parts:
            return None
        first, last = _lonlat(parts[0][0]), _lonlat(parts[-1][-1])
    else:
        return None
    return (first, last) if first and last else None


def _code(value: Any) -> str | None:
    return value.upper() if isinstance(value, str) and _ISO2.match(value.upper()) else None


def _read_pred(
    pred: dict[str, Any], where: str
) -> tuple[list[_PredPlace], list[_PredDate], list[_PredRoute], list[Problem]]:
    """The places, dates and routes of a prediction; a bad feature is reported and skipped."""
    if not isinstance(pred, dict) or pred.get("type") != "FeatureCollection":
        raise GeomapError(f"{where}: not a GeoJSON FeatureCollection (the extraction contract)")
    problems: list[Problem] = []
    places: list[_PredPlace] = []
    at_point: dict[tuple[float, float, str | None], int] = {}
    routes: list[_PredRoute] = []
    features = pred.get("features")
    if not isinstance(features, list):
        raise GeomapError(f"{where}: 'features' is missing or not a list")
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(props, dict) or not isinstance(geom, dict):
            problems.append(Problem("feature without properties or geometry; skipped", where, None, f"features[{i}]"))
            continue
        layer = props.get("layer")
        if layer == "places":
            point = _lonlat(geom.get("coordinates")) if geom.get("type") == "Point" else None
            if point is None:
                problems.append(Problem("place is not a Point with valid lon/lat; skipped", where, None, f"features[{i}].geometry"))
                continue
            label = str(props.get("name") or props.get("mention") or f"feature {i}")
            kind = props.get("kind") if isinstance(props.get("kind"), str) else None
            aliases = tuple(a for a in (props.get("name"), props.get("mention")) if isinstance(a, str))
            key = (round(point[0], 4), round(point[1], 4), kind)
            if key in at_point:  # one place listed twice (two spellings) is one finding
                i_prev = at_point[key]
                prev = places[i_prev]
                places[i_prev] = _PredPlace(prev.label, prev.lat, prev.lon, prev.country, prev.kind, prev.names + aliases)
                continue
            at_point[key] = len(places)
            places.append(_PredPlace(label, point[0], point[1], _code(props.get("country_code")), kind, aliases))
        elif layer == "routes":
            ends = _line_ends(geom)
            if ends is None:
                problems.append(
                    Problem(
                        "route is not a LineString/MultiLineString with valid vertices; skipped",
                        where,
                        None,
                        f"features[{i}].geometry",
                    )
                )
                continue
            frm = props.get("from") if isinstance(props.get("from"), str) else None
            to = props.get("to") if isinstance(props.get("to"), str) else None
            routes.append(
                _PredRoute(
                    origin=ends[0],
                    dest=ends[1],
                    frm=frm,
                    to=to,
                    to_country=_code(props.get("to_country_code")),
                    from_country=_code(props.get("from_country_code")),
                )
            )
    dates: list[_PredDate] = []
    seen: set[tuple[str, dt.date, str]] = set()
    extraction = pred.get("extraction")
    raw_dates = extraction.get("dates") if isinstance(extraction, dict) else None
    for i, d in enumerate(raw_dates if isinstance(raw_dates, list) else []):
        if not isinstance(d, dict):
            problems.append(Problem("date is not an object; skipped", where, None, f"extraction.dates[{i}]"))
            continue
        value = _parse_day(d.get("value"))
        precision = d.get("precision")
        mention = d.get("mention")
        if value is None or precision not in (*PRECISIONS, "unknown") or not isinstance(mention, str):
            problems.append(
                Problem("date needs a mention, an ISO 'value' and a precision; skipped", where, None, f"extraction.dates[{i}]")
            )
            continue
        key = (mention.casefold(), value, precision)
        if key not in seen:  # the same phrase found twice is one finding, not two
            seen.add(key)
            dates.append(_PredDate(mention, value, precision))
    return places, dates, routes, problems


def _parse_day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- matching


def _greedy(pairs: Iterable[tuple[Any, int, int]]) -> dict[int, int]:
    """One-to-one matching: take pairs in order of their key, each gold and each prediction once."""
    taken_g: dict[int, int] = {}
    taken_p: set[int] = set()
    for _, g, p in sorted(pairs, key=lambda t: (t[0], t[1], t[2])):
        if g not in taken_g and p not in taken_p:
            taken_g[g] = p
            taken_p.add(p)
    return taken_g


def _same_area(gp: dict[str, Any], pp: _PredPlace) -> bool:
    """An area predicted under the gold's name: its point is a convention (centroid, capital, ...)."""
    if gp.get("kind") not in AREA_KINDS or pp.kind not in (None, *AREA_KINDS):
        return False
    gold_names = {str(gp.get(k, "")).casefold() for k in ("name", "mention")} - {""}
    return any(n.casefold() in gold_names for n in pp.names)


def _match_places(gold: Sequence[dict[str, Any]], pred: Sequence[_PredPlace]) -> dict[int, int]:
    """Gold places to predictions: a country by its code or an area by its name first, then by distance."""
    pairs = []
    for g, gp in enumerate(gold):
        g_country = gp.get("kind") == "country"
        for p, pp in enumerate(pred):
            d = haversine_km(gp["lat"], gp["lon"], pp.lat, pp.lon)
            same_code = g_country and pp.country == gp.get("country") and pp.kind in (None, "country")
            if same_code or _same_area(gp, pp):
                pairs.append(((0, d), g, p))
            elif d <= MATCH_KM:
                # a country prediction near a gold city (or the reverse) matches last
                compatible = (pp.kind == "country") == g_country or pp.kind is None
                pairs.append(((1 if compatible else 2, d), g, p))
    return _greedy(pairs)


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _date_value_matches(gold: dict[str, Any], pred: _PredDate) -> bool:
    """Does a predicted value agree with the gold date at the gold's precision?"""
    value, precision = str(gold["date"]), gold["precision"]
    if precision == "day":
        return pred.precision == "day" and pred.value.isoformat() == value
    if precision == "year":
        return pred.precision == "year" and pred.value.year == int(value)
    first, last = _month_bounds(int(value[:4]), int(value[5:7]))
    if precision == "month":
        return pred.precision in ("month", "week") and first <= pred.value <= last
    if precision == "week":
        week = dt.timedelta(days=7)
        return pred.precision == "week" and first - week <= pred.value <= last + week
    return False


def _mentions_overlap(a: str, b: str) -> bool:
    """Equal or overlapping phrases, ignoring case: one inside the other, or a shared word."""
    a, b = a.casefold().strip(), b.casefold().strip()
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return bool(set(_WORD.findall(a)) & set(_WORD.findall(b)))


def _match_dates(gold: Sequence[dict[str, Any]], pred: Sequence[_PredDate]) -> dict[int, int]:
    """Gold dates to predictions with the right value; equal mentions first, then overlapping ones."""
    pairs = []
    for g, gd in enumerate(gold):
        for p, pd in enumerate(pred):
            if not _date_value_matches(gd, pd):
                continue
            if gd["mention"].casefold() == pd.mention.casefold():
                pairs.append((0, g, p))
            elif _mentions_overlap(gd["mention"], pd.mention):
                pairs.append((1, g, p))
    return _greedy(pairs)


def _gold_place(places: Sequence[dict[str, Any]], name: str | None) -> dict[str, Any] | None:
    """The gold place a movement's ``from``/``to`` names: by name, then mention, then ignoring case."""
    if not name:
        return None
    for key in ("name", "mention"):
        for p in places:
            if p.get(key) == name:
                return p
    folded = name.casefold()
    for key in ("name", "mention"):
        for p in places:
            if isinstance(p.get(key), str) and p[key].casefold() == folded:
                return p
    return None


def _end_matches(
    gp: dict[str, Any],
    point: tuple[float, float],
    prop: str | None,
    prop_country: str | None,
    pred_places: Sequence[_PredPlace],
) -> tuple[bool, float]:
    """Is a route's end at this gold place? Within 161 km, or for a country by its ISO code."""
    d = haversine_km(gp["lat"], gp["lon"], point[0], point[1])
    if d <= MATCH_KM:
        return True, d
    if gp.get("kind") == "country" and gp.get("country"):
        code = gp["country"]
        if prop_country == code or _code(prop) == code:
            return True, d
        if prop and any(prop in pp.names and pp.country == code and pp.kind == "country" for pp in pred_places):
            return True, d
    return False, d


def _match_movements(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[_PredRoute],
    pred_places: Sequence[_PredPlace],
) -> dict[int, int]:
    pairs = []
    for g, gm in enumerate(gold):
        gp = _gold_place(places, gm.get("to"))
        if gp is None:
            continue
        for r, route in enumerate(routes):
            ok, d = _end_matches(gp, route.dest, route.to, route.to_country, pred_places)
            if ok:
                pairs.append((d, g, r))
    return _greedy(pairs)


# ---------------------------------------------------------------- scoring


def score(gold: dict[str, Any], pred: dict[str, Any], name: str | None = None, where: str | None = None) -> Scores:
    """Compare one gold annotation with one extraction GeoJSON.

    ``name`` labels the row (default: the gold's ``file``); ``where`` names the prediction in
    messages about its bad features (default: ``name``).
    """
    label = name or str(gold.get("file") or "article")
    g_places = [p for p in gold.get("places", []) if _has_point(p)]
    g_dates = [d for d in gold.get("dates", []) if d.get("precision") in PRECISIONS and d.get("date")]
    g_moves = list(gold.get("movements", []))
    p_places, p_dates, routes, problems = _read_pred(pred, where or label)

    fs = FileScores(name=_short(label))
    pm = _match_places(g_places, p_places)
    fs.places = Counts(tp=len(pm), fp=len(p_places) - len(pm), fn=len(g_places) - len(pm))
    fs.missed_places = [f"{p['mention']} ({p['name']})" for i, p in enumerate(g_places) if i not in pm]
    used = set(pm.values())
    fs.spurious_places = [p.label for i, p in enumerate(p_places) if i not in used]

    dm = _match_dates(g_dates, p_dates)
    fs.dates = Counts(tp=len(dm), fp=len(p_dates) - len(dm), fn=len(g_dates) - len(dm))
    fs.missed_dates = [f"{d['mention']} = {d['date']}" for i, d in enumerate(g_dates) if i not in dm]
    used = set(dm.values())
    fs.spurious_dates = [
        f"{d.mention} = {d.value.isoformat()} ({d.precision})" for i, d in enumerate(p_dates) if i not in used
    ]

    mm = _match_movements(g_moves, g_places, routes, p_places)
    fs.movements = Counts(tp=len(mm), fp=len(routes) - len(mm), fn=len(g_moves) - len(mm))
    fs.missed_movements = [f"{m.get('from')} -> {m.get('to')}" for i, m in enumerate(g_moves) if i not in mm]
    for g, r in mm.items():
        origin = _gold_place(g_places, g_moves[g].get("from"))
        if origin is None:
            continue
        fs.from_total += 1
        route = routes[r]
        if _end_matches(origin, route.origin, route.frm, route.from_country, p_places)[0]:
            fs.from_found += 1
    return Scores(files=[fs], problems=problems)


def _has_point(p: dict[str, Any]) -> bool:
    return isinstance(p.get("lat"), (int, float)) and isinstance(p.get("lon"), (int, float))


def _short(label: str) -> str:
    for suffix in (".gold.json", ".geojson", ".json", ".txt"):
        if label.endswith(suffix):
            return label[: -len(suffix)]
    return label


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
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    for g, p in pairs:
        gold = load_json(g)
        if not isinstance(gold, dict):
            raise GeomapError(f"{g}: a gold file is a JSON object")
        if p is None:
            result.problems.append(Problem("no prediction file; scored as empty", str(g)))
            pred = empty
        else:
            pred = load_json(p)
        one = score(gold, pred, name=g.name, where=str(p) if p else None)
        result.files.extend(one.files)
        result.problems.extend(one.problems)
    return result


# ---------------------------------------------------------------- checking gold files


def _date_ok(value: Any, precision: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        if precision == "day":
            return dt.date.fromisoformat(value).isoformat() == value
        if precision in ("month", "week"):
            return re.fullmatch(r"\d{4}-\d{2}", value) is not None and 1 <= int(value[5:]) <= 12
        if precision == "year":
            return re.fullmatch(r"\d{4}", value) is not None
    except ValueError:
        return False
    return False


def _movement_date_ok(value: Any) -> bool:
    return value is None or any(_date_ok(value, p) for p in ("day", "month", "year"))


def _squash(text: str) -> str:
    """Runs of whitespace (no-break spaces too) as one space: quotes are compared this way."""
    return " ".join(text.split())


def check_gold(gold: Any, text: str | None = None, where: str = "gold") -> list[Problem]:
    """Everything wrong with a gold annotation, each naming its field (``places[3].lat``).

    With ``text``, every mention must occur in it verbatim, and every evidence quote up to
    whitespace.
    """
    out: list[Problem] = []

    def bad(message: str, field_: str, index: int | None = None) -> None:
        """``field_`` 'places.lat' with index 3 is reported as 'places[3].lat'."""
        if index is not None:
            head, _, tail = field_.partition(".")
            field_ = f"{head}[{index}]" + (f".{tail}" if tail else "")
        out.append(Problem(message, where, None, field_))

    flat = _squash(text) if text is not None else None

    if not isinstance(gold, dict):
        return [Problem("a gold file is a JSON object", where)]
    for key, kind in (("file", str), ("language", str), ("publisher", str), ("published", str)):
        if not isinstance(gold.get(key), kind):
            bad(f"'{key}' is missing or not a string", key)
    if isinstance(gold.get("published"), str) and not _date_ok(gold["published"], "day"):
        bad(f"'{gold['published']}' is not an ISO date", "published")
    for key in ("places", "dates", "movements", "statements"):
        if not isinstance(gold.get(key), list):
            bad("missing or not a list", key)
    if out:
        return out
    names: set[str] = set()
    for i, p in enumerate(gold["places"]):
        if not isinstance(p, dict):
            bad("not an object", "places", i)
            continue
        for key in ("mention", "name"):
            if not isinstance(p.get(key), str) or not p[key]:
                bad(f"'{key}' is missing", f"places.{key}", i)
        if p.get("kind") not in PLACE_KINDS:
            bad(f"kind {p.get('kind')!r} is not one of {', '.join(PLACE_KINDS)}", "places.kind", i)
        country = p.get("country")
        if country is not None and not (isinstance(country, str) and _ISO2.match(country)):
            bad(f"country {country!r} is not an ISO alpha-2 code", "places.country", i)
        if p.get("kind") == "country" and country is None:
            bad("a country needs its ISO code", "places.country", i)
        lat, lon = p.get("lat"), p.get("lon")
        if not (isinstance(lat, (int, float)) and -90 <= lat <= 90):
            bad(f"lat {lat!r} is not in -90..90", "places.lat", i)
        if not (isinstance(lon, (int, float)) and -180 <= lon <= 180):
            bad(f"lon {lon!r} is not in -180..180", "places.lon", i)
        if text is not None and isinstance(p.get("mention"), str) and p["mention"] not in text:
            bad(f"mention {p['mention']!r} does not occur in the text", "places.mention", i)
        names.update(v for v in (p.get("name"), p.get("mention")) if isinstance(v, str))
    for i, d in enumerate(gold["dates"]):
        if not isinstance(d, dict):
            bad("not an object", "dates", i)
            continue
        if d.get("precision") not in PRECISIONS:
            bad(f"precision {d.get('precision')!r} is not one of {', '.join(PRECISIONS)}", "dates.precision", i)
        elif not _date_ok(d.get("date"), d["precision"]):
            bad(f"date {d.get('date')!r} does not parse at precision {d['precision']}", "dates.date", i)
        if not isinstance(d.get("mention"), str) or (text is not None and d["mention"] not in text):
            bad(f"mention {d.get('mention')!r} does not occur in the text", "dates.mention", i)
    for i, m in enumerate(gold["movements"]):
        if not isinstance(m, dict):
            bad("not an object", "movements", i)
            continue
        if m.get("to") not in names:
            bad(f"destination {m.get('to')!r} is not a gold place's name or mention", "movements.to", i)
        if m.get("from") is not None and m["from"] not in names:
            bad(f"origin {m['from']!r} is not a gold place's name or mention", "movements.from", i)
        for v in m.get("via") or []:
            if v not in names:
                bad(f"stop {v!r} is not a gold place's name or mention", "movements.via", i)
        if m.get("status") not in STATUSES:
            bad(f"status {m.get('status')!r} is not one of {', '.join(STATUSES)}", "movements.status", i)
        if "mode" in m and m["mode"] not in MODES:
            bad(f"mode {m['mode']!r} is not one of {', '.join(MODES)}", "movements.mode", i)
        if "quantity" in m and not (isinstance(m["quantity"], int) and m["quantity"] > 0):
            bad(f"quantity {m['quantity']!r} is not a positive whole number", "movements.quantity", i)
        if not _movement_date_ok(m.get("date")):
            bad(f"date {m.get('date')!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null", "movements.date", i)
        if not isinstance(m.get("evidence"), str) or (flat is not None and _squash(m["evidence"]) not in flat):
            bad("evidence does not occur in the text", "movements.evidence", i)
    for i, s in enumerate(gold["statements"]):
        if not isinstance(s, dict):
            bad("not an object", "statements", i)
            continue
        if not isinstance(s.get("who"), str):
            bad("'who' is missing", "statements.who", i)
        if s.get("where") is not None and s["where"] not in names:
            bad(f"place {s['where']!r} is not a gold place's name or mention", "statements.where", i)
        if not _movement_date_ok(s.get("date")):
            bad(f"date {s.get('date')!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null", "statements.date", i)
        if not isinstance(s.get("evidence"), str) or (flat is not None and _squash(s["evidence"]) not in flat):
            bad("evidence does not occur in the text", "statements.evidence", i)
    return out


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geomap.score", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", help="a .gold.json file, or a folder of them")
    parser.add_argument("pred", help="the extraction GeoJSON, or a folder of X.geojson files")
    parser.add_argument("--details", action="store_true", help="list what was missed and what was spurious")
    args = parser.parse_args(argv)
    try:
        result = score_files(args.gold, args.pred)
    except GeomapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.format(details=args.details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
