"""Events as markers: one LayerControl entry per kind, each kind with its own colour and shape."""

from __future__ import annotations

import math
from typing import Any

import folium

from geomap.html import esc
from geomap.layer import Layer, LegendEntry, RenderContext, draw_features, point_feature, time_span
from geomap.model import Event, EventKind

from .cloud import CloudData, pack_cloud
from .popups import date_html, date_label, popup_html, resolved_html
from .symbols import symbol_svg

__all__ = ["EventsLayer", "KIND_STYLES"]

# kind -> (colour, symbol, label)
KIND_STYLES: dict[EventKind, tuple[str, str, str]] = {
    EventKind.DEPLOYMENT: ("#b8282e", "square", "Deployment"),
    EventKind.TRANSIT: ("#e08a00", "diamond", "Transit"),
    EventKind.STATEMENT: ("#2563b0", "bubble", "Statement"),
    EventKind.STRIKE: ("#6d2c91", "star", "Strike"),
    EventKind.MEETING: ("#138a72", "hexagon", "Meeting"),
    EventKind.OTHER: ("#6b6b6b", "circle", "Other"),
}
_SIZE = 22
CLUSTER_ABOVE = 2000  # more placed events than this are drawn clustered on a canvas
_SPREAD_PX = 17.0  # events at the same spot fan out on a spiral, this far apart


class EventsLayer(Layer):
    """Every event with a resolved place, as an SVG marker; one FeatureGroup per event kind.

    Events at the same spot are fanned out on screen (a sunflower spiral around the place, in
    input order) so none hides another; the places layer marks the exact spot.

    With more than ``CLUSTER_ABOVE`` placed events (or ``cluster=True``) all events become one
    clustered canvas layer instead (see :mod:`geomap.layers.cloud`): still one popup and
    tooltip per event and still on the time slider, but no per-kind switches or symbols.
    """

    name = "Events"

    def __init__(
        self,
        name: str | None = None,
        show: bool | None = None,
        spread: bool = True,
        cluster: bool | None = None,
    ) -> None:
        super().__init__(name=name, show=show)
        self.spread = spread
        self.cluster = cluster

    def clustered(self, ctx: RenderContext) -> bool:
        """Whether the events are drawn as one clustered canvas layer."""
        if self.cluster is not None:
            return self.cluster
        return sum(1 for e in ctx.dataset.events if e.place is not None) > CLUSTER_ABOVE

    def features(self, ctx: RenderContext) -> list[dict[str, Any]]:
        return [feature for _, feature in self._placed(ctx)]

    def _placed(self, ctx: RenderContext) -> list[tuple[Event, dict[str, Any]]]:
        out = []
        seen_at: dict[tuple[str, float, float], int] = {}
        for event in ctx.dataset.events:
            if event.place is None:
                ctx.skip("events without a resolved place", event.id, key=id(event))
                continue
            colour, symbol, _ = KIND_STYLES[_kind(event)]
            feature = point_feature(
                event.place.lat,
                event.place.lon,
                _properties(event),
                {"symbol": symbol, "color": colour, "size": _SIZE},
            )
            key = ctx.place_key(event.place)
            n = seen_at.get(key, 0)
            seen_at[key] = n + 1
            if self.spread and n:
                angle = n * 137.508 * math.pi / 180.0
                radius = _SPREAD_PX * math.sqrt(n)
                feature["draw"] = {
                    "offset": [round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1)]
                }
            out.append((event, feature))
        return out

    def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
        if self.clustered(ctx):
            self._add_cloud(fmap, ctx)
            return
        by_kind: dict[EventKind, list[dict[str, Any]]] = {}
        events: dict[int, Event] = {}
        for event, feature in self._placed(ctx):
            by_kind.setdefault(_kind(event), []).append(feature)
            events[id(feature)] = event
            if (span := time_span(event.period)) is not None:
                feature.setdefault("draw", {})["time"] = span
        for kind in KIND_STYLES:
            features = by_kind.get(kind)
            if not features:
                continue
            label = KIND_STYLES[kind][2]
            group = self.feature_group(name=f"{self.name}: {label.lower()} ({len(features)})")
            draw_features(
                group,
                features,
                popup=lambda f: _popup(events[id(f)]),
                tooltip=lambda f: _tooltip(events[id(f)]),
                class_name=f"geomap-event geomap-event-{kind.value}",
            )
            group.add_to(fmap)

    def _add_cloud(self, fmap: folium.Map, ctx: RenderContext) -> None:
        order = list(KIND_STYLES)
        points = []
        first = last = None
        for event in ctx.dataset.events:
            if event.place is None:
                ctx.skip("events without a resolved place", event.id, key=id(event))
                continue
            span = time_span(event.period)
            if span is not None:
                first = span[0] if first is None else min(first, span[0])
                last = span[1] if last is None else max(last, span[1])
            kind = order.index(_kind(event))
            points.append((event.place.lat, event.place.lon, span, kind, _popup(event), _tooltip_pieces(event)))
        if not points:
            return
        kinds = [{"colour": colour, "label": label} for colour, _, label in KIND_STYLES.values()]
        time = [first, last] if first is not None and last is not None else None
        group = self.feature_group(name=f"{self.name} ({len(points):,}, clustered)")
        group.add_child(CloudData(pack_cloud(points, kinds), time))
        group.add_to(fmap)

    def legend(self, ctx: RenderContext | None = None) -> list[LegendEntry]:
        kinds = set(KIND_STYLES)
        if ctx is not None:
            kinds = {_kind(e) for e in ctx.placed_events}
        clustered = ctx is not None and self.clustered(ctx)
        return [
            LegendEntry(label, colour, "circle" if clustered else symbol)
            for kind, (colour, symbol, label) in KIND_STYLES.items()
            if kind in kinds
        ]

    def bounds(self, ctx: RenderContext) -> list[tuple[float, float]]:
        return [(e.place.lat, e.place.lon) for e in ctx.placed_events if e.place is not None]


def _kind(event: Event) -> EventKind:
    """The event's kind; a value the model does not know is drawn as 'other', not an error."""
    try:
        return EventKind(event.kind)
    except ValueError:
        return EventKind.OTHER


def _properties(event: Event) -> dict[str, Any]:
    """Raw fields for GIS export, named as ACLED names them where it has a column."""
    place = event.place
    source = event.source
    return {
        "id": event.id,
        "event_date": event.date.isoformat() if event.date else None,
        "date_precision": str(event.date_precision),
        "kind": str(event.kind),
        "actor1": event.actor,
        "status": str(event.status),
        "quantity": event.quantity,
        "location": event.location,
        "place": place.name if place else None,
        "country_code": place.country_code if place else None,
        "geo_precision": place.geo_precision if place else None,
        "notes": event.description or None,
        "quote": event.quote,
        "source": source.label() if source else None,
        "source_url": source.url if source else None,
    }


def _popup(event: Event) -> str:
    colour, symbol, label = KIND_STYLES[_kind(event)]
    title = f"{label}: {event.actor}" if event.actor else label
    rows = [
        ("Date", date_html(event.date, event.date_precision)),
        ("Actor", esc(event.actor)),
        ("Kind", esc(event.kind)),
        ("Status", esc(event.status)),
        ("Quantity", esc(f"{event.quantity:,}") if event.quantity is not None else ""),
        ("Place as written", esc(event.location)),
        ("Resolved to", resolved_html(event.place)),
    ]
    return popup_html(
        title,
        rows,
        symbol_svg=symbol_svg(symbol, colour, 18),
        description=event.description,
        quote=event.quote,
        source=event.source,
    )


def _tooltip_pieces(event: Event) -> tuple[str, str, str]:
    """The tooltip in three escaped pieces that join to :func:`_tooltip` (see layers.cloud)."""
    label = KIND_STYLES[_kind(event)][2]
    who = f" – {event.actor}" if event.actor else ""
    return esc(f"{label}{who}: "), esc(event.location), esc(f", {date_label(event.date, event.date_precision)}")


def _tooltip(event: Event) -> str:
    return "".join(_tooltip_pieces(event))
