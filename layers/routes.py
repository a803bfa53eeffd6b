"""Movements as great-circle lines with arrowheads; colour per actor, dash per status."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import folium

from geomap.html import esc
from geomap.layer import (
    Layer,
    LegendEntry,
    RenderContext,
    draw_features,
    line_feature,
    point_feature,
    time_span,
)
from geomap.model import Leg, Movement, Place, Status
from geomap.routes import great_circle, split_antimeridian

from .popups import date_html, date_label, popup_html

__all__ = ["RoutesLayer", "STATUS_STYLES"]

# status -> (Leaflet path options, legend symbol)
STATUS_STYLES: dict[Status, tuple[dict[str, Any], str]] = {
    Status.CONFIRMED: ({"weight": 3.5, "opacity": 0.95}, "line"),
    Status.REPORTED: ({"weight": 3, "opacity": 0.95, "dashArray": "9 6"}, "dashed"),
    Status.CLAIMED: ({"weight": 3, "opacity": 0.95, "dashArray": "2 6", "lineCap": "round"}, "dotted"),
    Status.DENIED: ({"weight": 2.5, "opacity": 0.3}, "faint"),
}
_ARROW_SIZE = 40
_END_GAP_PX = 13.0  # the last arrowhead stops short of the destination's marker


class RoutesLayer(Layer):
    """Every movement whose stops are all resolved, drawn along the geodesic.

    Arrowheads sit at the middle of each leg and at the destination, turned the way the line
    runs on screen (computed in Web Mercator, which keeps angles, so they hold at any zoom).
    ``labels`` writes each movement's date and quantity by its line; ``animate`` makes the
    dashes march from origin to destination (as Leaflet.AntPath does, in CSS only).
    """

    name = "Routes"

    def __init__(
        self,
        name: str | None = None,
        show: bool | None = None,
        arrows: bool = True,
        labels: bool = True,
        animate: bool = False,
    ) -> None:
        super().__init__(name=name, show=show)
        self.arrows = arrows
        self.labels = labels
        self.animate = animate

    def _drawable(self, ctx: RenderContext) -> list[tuple[Movement, list[tuple[float, float]]]]:
        out = []
        for movement in ctx.dataset.movements:
            path = ctx.path(movement)
            if path is None:
                ctx.skip("movements with an unresolved or missing stop", movement.id, key=id(movement))
                continue
            out.append((movement, path))
        return out

    def features(self, ctx: RenderContext) -> list[dict[str, Any]]:
        """One feature per movement, cut at the antimeridian (RFC 7946) for GIS files."""
        out = []
        for movement, path in self._drawable(ctx):
            parts = split_antimeridian(path)
            if len(parts) == 1:
                geometry = {"type": "LineString", "coordinates": [[_r(x), _r(y)] for x, y in parts[0]]}
            else:
                coords = [[[_r(x), _r(y)] for x, y in part] for part in parts]
                geometry = {"type": "MultiLineString", "coordinates": coords}
            out.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": _properties(movement),
                    "style": _style(movement, ctx),
                }
            )
        return out

    def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
        lines, arrows, labels, movements = [], [], [], {}
        for movement, path in self._drawable(ctx):
            style = _style(movement, ctx)
            if self.animate:
                style = {**style, "dashArray": style.get("dashArray", "12 8"), "className": "geomap-route geomap-animated"}
            line = line_feature([(lat, lon) for lon, lat in path], {}, style)
            movements[id(line)] = movement
            heads = _arrows(movement, path, ctx) if self.arrows else []
            text = _label(movement) if self.labels else ""
            tags = []
            if text:
                lon, lat = path[len(path) // 2]
                tags.append(point_feature(lat, lon, {}, {}))
                tags[0]["draw"] = {"label": esc(text)}
            span = time_span(_period(movement))
            if span is not None:
                for feature in (line, *heads, *tags):
                    feature.setdefault("draw", {})["time"] = span
            lines.append(line)
            arrows.extend(heads)
            labels.extend(tags)
        group = self.feature_group()
        draw_features(
            group,
            lines,
            popup=lambda f: _popup(movements[id(f)]),
            tooltip=lambda f: _tooltip(movements[id(f)]),
            class_name="geomap-route",
        )
        draw_features(group, arrows, class_name="geomap-arrow")
        draw_features(group, labels, class_name="geomap-route-label")
        group.add_to(fmap)

    def legend(self, ctx: RenderContext | None = None) -> list[LegendEntry]:
        entries: list[LegendEntry] = []
        statuses = list(STATUS_STYLES)
        if ctx is not None:
            drawn = [m for m, _ in self._drawable(ctx)]
            actors: dict[str, str] = {}
            for m in drawn:
                actors.setdefault(m.actor or "unknown actor", ctx.actor_colour(m.actor))
            entries += [LegendEntry(actor, colour, "line") for actor, colour in actors.items()]
            present = {_status(m) for m in drawn}
            statuses = [s for s in STATUS_STYLES if s in present]
        entries += [
            LegendEntry(f"{s} ({STATUS_STYLES[s][1]})", "#555555", STATUS_STYLES[s][1]) for s in statuses
        ]
        return entries

    def bounds(self, ctx: RenderContext) -> list[tuple[float, float]]:
        return [(lat, lon) for _, path in self._drawable(ctx) for lon, lat in path]


def _status(movement: Movement) -> Status:
    """The movement's status; a value the model does not know is drawn as 'reported'."""
    try:
        return Status(movement.status)
    except ValueError:
        return Status.REPORTED


def _style(movement: Movement, ctx: RenderContext) -> dict[str, Any]:
    return {"color": ctx.actor_colour(movement.actor), **STATUS_STYLES[_status(movement)][0]}


def _arrows(movement: Movement, path: list[tuple[float, float]], ctx: RenderContext) -> list[dict[str, Any]]:
    """Arrowhead points: the middle of every leg, and the end of the path."""
    colour = ctx.actor_colour(movement.actor)
    style = {"symbol": "arrow", "color": colour, "size": _ARROW_SIZE, "interactive": False}
    out = []
    start = 0
    for leg in movement.legs:
        assert leg.origin_place is not None and leg.destination_place is not None
        end = start + len(great_circle(leg.origin_place, leg.destination_place, ctx.step_km)) - 1
        end = min(end, len(path) - 1)
        if end - start >= 2:
            mid = (start + end) // 2
            at, a, b = path[mid], path[mid - 1], path[mid + 1]
        else:
            a, b = path[start], path[end]
            at = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if a != b:
            out.append(_arrow(at, a, b, style))
        start = end
    if len(path) >= 2 and path[-2] != path[-1]:
        out.append(_arrow(path[-1], path[-2], path[-1], style, back_px=_END_GAP_PX))
    return out


def _arrow(
    at: tuple[float, float],
    a: tuple[float, float],
    b: tuple[float, float],
    style: dict[str, Any],
    back_px: float = 0.0,
) -> dict[str, Any]:
    """An arrowhead at ``at`` pointing from a to b, its tip moved ``back_px`` pixels back along the line."""
    angle = screen_angle(a, b)
    feature = point_feature(at[1], at[0], {}, dict(style))
    draw: dict[str, Any] = {"rotate": round(angle, 1)}
    if back_px:
        rad = math.radians(angle)
        draw["offset"] = [round(-back_px * math.cos(rad), 1), round(-back_px * math.sin(rad), 1)]
    feature["draw"] = draw
    return feature


def screen_angle(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Clockwise degrees from east of the on-screen direction from a to b, (lon, lat) in Web Mercator."""
    dx = math.radians(b[0] - a[0])
    dy = _merc_y(b[1]) - _merc_y(a[1])
    return math.degrees(math.atan2(-dy, dx))


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _stop(name: str, place: Place | None) -> str:
    if place is None or place.name.casefold() == name.casefold():
        return name
    return f"{name} ({place.name})"


def _properties(movement: Movement) -> dict[str, Any]:
    legs = movement.legs
    periods = [leg.period for leg in legs if leg.period]
    first, last = legs[0], legs[-1]
    source = movement.source
    return {
        "id": movement.id,
        "actor1": movement.actor,
        "status": str(movement.status),
        "mode": ", ".join(_modes(movement)),
        "quantity": movement.quantity,
        "origin": first.origin,
        "via": " | ".join(leg.origin for leg in legs[1:]) or None,
        "destination": last.destination,
        "origin_place": first.origin_place.name if first.origin_place else None,
        "destination_place": last.destination_place.name if last.destination_place else None,
        "start_date": min(p[0] for p in periods).isoformat() if periods else None,
        "end_date": max(p[1] for p in periods).isoformat() if periods else None,
        "notes": movement.description or None,
        "quote": movement.quote,
        "source": source.label() if source else None,
        "source_url": source.url if source else None,
    }


def _period(movement: Movement) -> tuple[dt.date, dt.date] | None:
    """From the first day of the earliest dated leg to the last day of the latest one."""
    periods = [leg.period for leg in movement.legs if leg.period]
    if not periods:
        return None
    return min(p[0] for p in periods), max(p[1] for p in periods)


def _label(movement: Movement) -> str:
    """The short text by a route: its date (as precise as known) and quantity, e.g. '2024-10 · 12,000'."""
    parts = []
    last = next((leg for leg in reversed(movement.legs) if leg.date and leg.date == movement.date), None)
    if last is not None:
        parts.append(date_label(last.date, last.date_precision))
    if movement.quantity is not None:
        parts.append(f"{movement.quantity:,}")
    return " · ".join(parts)


def _leg_html(leg: Leg) -> str:
    parts = [esc(f"{leg.origin} → {leg.destination}")]
    if leg.date is not None:
        parts.append(date_html(leg.date, leg.date_precision))
    if str(leg.mode) != "unknown":
        parts.append(f"by {esc(leg.mode)}")
    return ", ".join(parts)


def _modes(movement: Movement) -> list[str]:
    """Distinct modes of the legs in travel order ('sea, rail'), or ['unknown']."""
    modes = [str(leg.mode) for leg in movement.legs if str(leg.mode) != "unknown"]
    return list(dict.fromkeys(modes)) or ["unknown"]


def _popup(movement: Movement) -> str:
    stops = [_stop(movement.legs[0].origin, movement.legs[0].origin_place)]
    stops += [_stop(leg.destination, leg.destination_place) for leg in movement.legs]
    rows = [
        ("Route", esc(" → ".join(stops))),
        ("Legs", "<br>".join(_leg_html(leg) for leg in movement.legs)),
        ("Mode", esc(", ".join(_modes(movement)))),
        ("Quantity", esc(f"{movement.quantity:,}") if movement.quantity is not None else ""),
        ("Status", esc(movement.status)),
    ]
    title = f"Movement: {movement.actor}" if movement.actor else "Movement"
    return popup_html(
        title, rows, description=movement.description, quote=movement.quote, source=movement.source
    )


def _tooltip(movement: Movement) -> str:
    stops = " → ".join(movement.stops)
    who = f"{movement.actor}: " if movement.actor else ""
    last = next((leg for leg in reversed(movement.legs) if leg.date and leg.date == movement.date), None)
    when = date_label(last.date, last.date_precision) if last else ""
    return esc(f"{who}{stops}" + (f" ({when})" if when else ""))


def _r(value: float) -> float:
    return round(value, 5)
