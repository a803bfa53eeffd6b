"""Matching predictions to gold: places, dates and movements, each one to one."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from geomap.evaluation.predictions import PredDate, PredPlace, PredRoute, iso_code
from geomap.evaluation.schema import AREA_KINDS, MATCH_KM, haversine_km

_WORD = re.compile(r"\w+")


def _greedy(pairs: Iterable[tuple[Any, int, int]]) -> dict[int, int]:
    """One-to-one matching: take pairs in order of their key, each gold and each prediction once."""
    taken_g: dict[int, int] = {}
    taken_p: set[int] = set()
    for _, g, p in sorted(pairs, key=lambda t: (t[0], t[1], t[2])):
        if g not in taken_g and p not in taken_p:
            taken_g[g] = p
            taken_p.add(p)
    return taken_g


def _same_area(gp: dict[str, Any], pp: PredPlace) -> bool:
    """An area predicted under the gold's name: its point is a convention (centroid, capital, ...)."""
    if gp.get("kind") not in AREA_KINDS or pp.kind not in (None, *AREA_KINDS):
        return False
    gold_names = {str(gp.get(k, "")).casefold() for k in ("name", "mention")} - {""}
    return any(n.casefold() in gold_names for n in pp.names)


def match_places(gold: Sequence[dict[str, Any]], pred: Sequence[PredPlace]) -> dict[int, int]:
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


def _date_value_matches(gold: dict[str, Any], pred: PredDate) -> bool:
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


def match_dates(gold: Sequence[dict[str, Any]], pred: Sequence[PredDate]) -> dict[int, int]:
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


def gold_place(places: Sequence[dict[str, Any]], name: str | None) -> dict[str, Any] | None:
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


def end_matches(
    gp: dict[str, Any],
    point: tuple[float, float],
    prop: str | None,
    prop_country: str | None,
    pred_places: Sequence[PredPlace],
) -> tuple[bool, float]:
    """Is a route's end at this gold place? Within 161 km, or for a country by its ISO code."""
    d = haversine_km(gp["lat"], gp["lon"], point[0], point[1])
    if d <= MATCH_KM:
        return True, d
    if gp.get("kind") == "country" and gp.get("country"):
        code = gp["country"]
        if prop_country == code or iso_code(prop) == code:
            return True, d
        if prop and any(prop in pp.names and pp.country == code and pp.kind == "country" for pp in pred_places):
            return True, d
    return False, d


def _move_pairs(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[PredRoute],
    pred_places: Sequence[PredPlace],
    want_origin: bool,
) -> list[tuple[tuple[int, float], int, int]]:
    """Candidate (gold movement, route) pairs: the route ends at the gold destination and, with
    ``want_origin``, starts at the gold origin (a gold movement without origin needs none)."""
    pairs = []
    for g, gm in enumerate(gold):
        dest = gold_place(places, gm.get("to"))
        if dest is None:
            continue
        origin = gold_place(places, gm.get("from"))
        for r, route in enumerate(routes):
            ok, d = end_matches(dest, route.dest, route.to, route.to_country, pred_places)
            if not ok:
                continue
            if want_origin and origin is not None:
                if route.origin is None:
                    continue
                ok_o, d_o = end_matches(origin, route.origin, route.frm, route.from_country, pred_places)
                if not ok_o:
                    continue
                d += d_o
            # a real route before a bare deployment event, a closer one before a farther one
            pairs.append(((0 if route.origin is not None else 1, d), g, r))
    return pairs


def match_movements(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[PredRoute],
    pred_places: Sequence[PredPlace],
    want_origin: bool = True,
) -> dict[int, int]:
    """Gold movements to routes or deployment events: destination, and origin where the gold states one."""
    return _greedy(_move_pairs(gold, places, routes, pred_places, want_origin))


def _subset(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[PredRoute],
    pred_places: Sequence[PredPlace],
    keep_gold: Any,
    keep_route: Any,
) -> dict[int, int]:
    """One-to-one match, both ends, of the gold movements and routes the two filters keep."""
    golds = [gm if keep_gold(gm) else {} for gm in gold]  # {} has no destination: never matched
    back = [i for i, r in enumerate(routes) if keep_route(r)]
    pairs = _move_pairs(golds, places, [routes[i] for i in back], pred_places, True)
    return _greedy((k, g, back[r]) for k, g, r in pairs)


def match_drawn(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[PredRoute],
    pred_places: Sequence[PredPlace],
) -> dict[int, int]:
    """Gold movements with a stated origin to routes drawn from a stated origin, both ends right."""
    return _subset(
        gold, places, routes, pred_places, lambda gm: gold_place(places, gm.get("from")) is not None, lambda r: r.drawn
    )


def match_inferred(
    gold: Sequence[dict[str, Any]],
    places: Sequence[dict[str, Any]],
    routes: Sequence[PredRoute],
    pred_places: Sequence[PredPlace],
) -> dict[int, int]:
    """Routes with an inferred origin to gold movements: destination, and origin where the gold states one."""
    return _subset(gold, places, routes, pred_places, lambda gm: True, lambda r: r.inferred and r.origin is not None)
