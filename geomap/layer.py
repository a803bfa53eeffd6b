"""The layer API: one small class per map feature, as folium's plugins are.

A :class:`Layer` turns the resolved :class:`~geomap.model.Dataset` (given through a
:class:`RenderContext`) into two things: folium objects on the HTML map (``add_to``) and
GeoJSON-like features with a ``style`` dict (``features``) that GIS exports can write.
The built-in layers live in :mod:`geomap.layers`; a user's layer subclasses :class:`Layer`
the same way.

Drawing goes through :class:`FeatureData`, one ``L.geoJSON`` per group rather than one
folium object per marker, so a map of 10,000 events stays small and quick to build.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement

from geomap.html import esc, script_json
from geomap.model import Dataset, Event, Movement, Place
from geomap.routes import movement_path

__all__ = [
    "Layer",
    "LegendEntry",
    "RenderContext",
    "FeatureData",
    "RawHTML",
    "draw_features",
    "point_feature",
    "line_feature",
    "legend_of",
    "time_span",
    "add_own_assets",
    "ACTOR_COLOURS",
]

Feature = dict[str, Any]
LatLon = tuple[float, float]

# Colours for actors' routes, in order of first appearance (ColorBrewer-like, dark enough on land).
ACTOR_COLOURS = (
    "#d6336c",
    "#364fc7",
    "#2b8a3e",
    "#7048e8",
    "#e8590c",
    "#0c8599",
    "#795548",
    "#495057",
)
_DIGITS = 5  # ~1 m: enough for a map, and it keeps the HTML small and stable
_EPOCH = dt.date(1970, 1, 1)


def time_span(period: tuple[dt.date, dt.date] | None) -> list[int] | None:
    """A period as [first day, last day] counted from 1970-01-01: what the time slider reads.

    Days, not milliseconds, keep the numbers short and free of time zones; a feature whose
    ``draw`` dict holds ``{"time": time_span(...)}`` shows on the slider from its first day.
    """
    if period is None:
        return None
    return [(period[0] - _EPOCH).days, (period[1] - _EPOCH).days]


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a label, its colour and a symbol.

    ``symbol`` is a point symbol (circle, square, diamond, triangle, star, bubble, hexagon,
    ring, arrow) or a line symbol (line, dashed, dotted, faint); see :mod:`geomap.layers.symbols`.
    """

    label: str
    colour: str
    symbol: str = "circle"


class RenderContext:
    """What a layer may read while drawing: the dataset plus shared, deterministic helpers.

    Shared state lives here rather than in layers so that, say, an actor has the same colour
    in the routes layer and in a user's layer, and so that whatever a layer could not draw is
    reported in one place (``skipped``) instead of silently vanishing.
    """

    def __init__(self, dataset: Dataset, step_km: float = 50.0) -> None:
        self.dataset = dataset
        self.step_km = step_km
        self.skipped: dict[str, list[str]] = {}
        self._skipped_keys: dict[str, set[object]] = {}
        self._paths: dict[int, list[tuple[float, float]] | None] = {}
        self._actor_colour: dict[str, str] = {}
        for item in [*dataset.movements, *dataset.events]:
            self.actor_colour(item.actor)

    @property
    def placed_events(self) -> list[Event]:
        """Events whose place is resolved, in input order."""
        return [e for e in self.dataset.events if e.place is not None]

    def actor_colour(self, actor: str | None) -> str:
        """The colour of an actor (movements first, then events, in input order); grey if none."""
        key = (actor or "").strip().casefold()
        if not key:
            return "#555555"
        if key not in self._actor_colour:
            self._actor_colour[key] = ACTOR_COLOURS[len(self._actor_colour) % len(ACTOR_COLOURS)]
        return self._actor_colour[key]

    def path(self, movement: Movement) -> list[tuple[float, float]] | None:
        """The densified great-circle path (lon, lat) of a movement, computed once per render."""
        key = id(movement)
        if key not in self._paths:
            self._paths[key] = movement_path(movement, self.step_km)
        return self._paths[key]

    def skip(self, what: str, item_id: str, key: object = None) -> None:
        """Record that an item could not be drawn (e.g. 'events without a resolved place').

        Layers may ask more than once (drawing, legend, bounds); ``key`` (default the id)
        identifies the item so that each is counted once, even if two share an id.
        """
        seen = self._skipped_keys.setdefault(what, set())
        marker = item_id if key is None else key
        if marker not in seen:
            seen.add(marker)
            self.skipped.setdefault(what, []).append(item_id)

    @staticmethod
    def place_key(place: Place) -> tuple[str, float, float]:
        """Identity of a place on the map: its name and its rounded position."""
        return (place.name, round(place.lat, _DIGITS), round(place.lon, _DIGITS))


class Layer:
    """A map layer: one feature of the map, shown as one entry in the LayerControl.

    Subclasses set ``name`` (shown in the LayerControl), ``show`` (visible on opening) and
    ``overlay`` (a check box; False makes it a base layer, a radio button), and override:

    - ``features(ctx)``: GeoJSON-like features ``{"type": "Feature", "geometry": ...,
      "properties": {...}, "style": {...}}`` with raw (unescaped) properties, for GIS export
      and for the default drawing. ``style`` holds Leaflet path options (``color``,
      ``weight``, ``opacity``, ``dashArray``, ``fillColor``, ``fillOpacity``, ``radius``)
      and, for points, ``symbol`` (see LegendEntry) to draw an SVG marker instead of a circle.
    - ``add_to(fmap, ctx)``: put the layer on the folium map. The default draws
      ``features(ctx)`` in one FeatureGroup, with ``popup``/``tooltip`` of each feature.
    - ``popup(feature, ctx)`` / ``tooltip(feature, ctx)``: HTML for one feature. Anything
      from input must go through :func:`geomap.html.esc` (the defaults do).
    - ``legend(ctx)``: entries for the legend panel; ``bounds(ctx)``: (lat, lon) points the
      map should fit (the default takes them from ``features``).

    A front line in a few lines::

        from geomap.layer import Layer, line_feature

        class FrontLine(Layer):
            name = "Front line, 1 Nov 2024"

            def __init__(self, points):          # [(lat, lon), ...]
                super().__init__()
                self.points = points

            def features(self, ctx):
                style = {"color": "#000000", "weight": 4}
                return [line_feature(self.points, {"name": self.name}, style)]

        from geomap.render import build_map, default_layers
        build_map(dataset, layers=[*default_layers(), FrontLine(points)]).save("map.html")

    Folium objects a layer creates inside ``add_to`` get deterministic ids; text put into a
    folium Popup, Tooltip or name yourself must be escaped with ``esc``.
    """

    name: str = "Layer"
    show: bool = True
    overlay: bool = True
    class_name: str | None = None  # CSS class of the drawn features; default geomap-<class name>

    def __init__(self, name: str | None = None, show: bool | None = None, overlay: bool | None = None):
        if name is not None:
            self.name = name
        if show is not None:
            self.show = show
        if overlay is not None:
            self.overlay = overlay

    def features(self, ctx: RenderContext) -> list[Feature]:
        """GeoJSON-like features with raw properties and a ``style`` dict; none by default."""
        return []

    def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
        """Draw ``features(ctx)`` as one FeatureGroup named after the layer."""
        group = self.feature_group()
        draw_features(
            group,
            self.features(ctx),
            popup=lambda f: self.popup(f, ctx),
            tooltip=lambda f: self.tooltip(f, ctx),
            class_name=self.class_name or f"geomap-{_slug(type(self).__name__)}",
        )
        group.add_to(fmap)

    def popup(self, feature: Feature, ctx: RenderContext) -> str | None:
        """A table of the feature's properties, escaped."""
        props = feature.get("properties") or {}
        rows = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in props.items() if v not in (None, "")
        )
        return f'<table class="geomap-table">{rows}</table>' if rows else None

    def tooltip(self, feature: Feature, ctx: RenderContext) -> str | None:
        """The feature's ``name`` (or ``label``), escaped."""
        props = feature.get("properties") or {}
        text = props.get("name") or props.get("label")
        return esc(text) if text else None

    def legend(self, ctx: RenderContext | None = None) -> list[LegendEntry]:
        """Legend entries of this layer; none by default."""
        return []

    def bounds(self, ctx: RenderContext) -> list[LatLon]:
        """(lat, lon) points to fit the map to; by default every vertex of ``features``."""
        points: list[LatLon] = []
        for feature in self.features(ctx):
            points.extend((lat, lon) for lon, lat in _coords(feature.get("geometry") or {}))
        return points

    def feature_group(self, name: str | None = None, show: bool | None = None) -> folium.FeatureGroup:
        """A folium FeatureGroup carrying this layer's (escaped) name, show and overlay flags."""
        return folium.FeatureGroup(
            name=esc(name if name is not None else self.name),
            overlay=self.overlay,
            show=self.show if show is None else show,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, show={self.show}, overlay={self.overlay})"


def legend_of(layer: Layer, ctx: RenderContext) -> list[LegendEntry]:
    """Call ``layer.legend`` with the context if it takes one (the brief form ``legend()`` also works)."""
    try:
        params = inspect.signature(layer.legend).parameters
    except (TypeError, ValueError):
        params = {}
    return list(layer.legend(ctx) if params else layer.legend())  # type: ignore[call-arg]


def point_feature(lat: float, lon: float, properties: dict[str, Any], style: dict[str, Any]) -> Feature:
    """A GeoJSON Point feature (coordinates in GeoJSON's lon, lat order) with a style."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [_r(lon), _r(lat)]},
        "properties": properties,
        "style": style,
    }


def line_feature(points: Sequence[LatLon], properties: dict[str, Any], style: dict[str, Any]) -> Feature:
    """A GeoJSON LineString feature from (lat, lon) points, with a style."""
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[_r(lon), _r(lat)] for lat, lon in points]},
        "properties": properties,
        "style": style,
    }


def draw_features(
    parent: Element,
    features: Iterable[Feature],
    popup: Callable[[Feature], str | None] | None = None,
    tooltip: Callable[[Feature], str | None] | None = None,
    class_name: str = "geomap-feature",
    options: dict[str, Any] | None = None,
) -> FeatureData | None:
    """Add features to ``parent`` (a FeatureGroup or the map) as one FeatureData; None if empty.

    ``popup``/``tooltip`` return already-escaped HTML. A point whose style has a ``symbol``
    becomes an SVG marker (class ``class_name``, ``size`` in pixels from the style); other
    points become circle markers. A feature's optional ``draw`` dict (``offset``: [dx, dy]
    pixels, ``rotate``: degrees clockwise) moves or turns its marker on screen only; its
    ``time`` (:func:`time_span`) puts the feature on the time slider, and a point's ``label``
    (escaped HTML) draws it as a text label.
    """
    from geomap.layers.symbols import symbol_svg

    icons: dict[str, dict[str, Any]] = {}
    drawn: list[Feature] = []
    for feature in features:
        style = dict(feature.get("style") or {})
        props: dict[str, Any] = {}
        symbol = style.pop("symbol", None)
        if symbol and feature["geometry"]["type"] == "Point":
            size = int(style.get("size", 22))
            colour = style.get("color", "#333333")
            passive = style.get("interactive") is False
            key = f"{symbol}-{colour}-{size}" + ("-passive" if passive else "")
            if key not in icons:
                icons[key] = {
                    "html": symbol_svg(symbol, colour, size),
                    "size": size,
                    "className": f"geomap-icon {class_name}",
                    "passive": passive,
                }
            props["icon"] = key
        elif style:
            props["style"] = style
        props.update(feature.get("draw") or {})
        if popup is not None and (html := popup(feature)):
            props["popup"] = html
        if tooltip is not None and (html := tooltip(feature)):
            props["tooltip"] = html
        drawn.append({"type": "Feature", "geometry": feature["geometry"], "properties": props})
    if not drawn:
        return None
    element = FeatureData(drawn, icons, {"className": class_name, **(options or {})})
    parent.add_child(element)
    return element


class FeatureData(MacroElement):
    """GeoJSON features drawn by one ``L.geoJSON`` call (see geomap/assets/geomap.js).

    Each feature's ``properties`` may hold ``popup`` and ``tooltip`` (escaped HTML),
    ``style`` (Leaflet path options), ``icon`` (a key of ``icons``: ``{"html", "size",
    "className", "passive"}``), ``offset`` and ``rotate``. ``options`` go to ``L.geoJSON``
    (``pane``, ``interactive``, ``className``, ``attribution``). All data is written with
    :func:`geomap.html.script_json`, so no string can end the script, and it is added as
    :class:`RawHTML`: folium would compile a macro's output as a Jinja template, which is
    slow for megabytes of data and would evaluate any ``{{ }}`` that slipped through.
    """

    def __init__(
        self,
        features: list[Feature],
        icons: dict[str, dict[str, Any]] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self._name = "FeatureData"
        self.features = features
        self.icons = icons or {}
        self.options = options or {}

    def script(self) -> str:
        """The JavaScript statement that draws the features (data, icons, options one per line)."""
        data = script_json({"type": "FeatureCollection", "features": self.features})
        return (
            f"var {self.get_name()} = geomapFeatures(\n{data},\n{script_json(self.icons)},\n"
            f"{script_json(self.options)}\n).addTo({self._parent.get_name()});\n"
        )

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("FeatureData must be added to a folium map (or a layer on one) before rendering")
        add_own_assets(figure)
        figure.script.add_child(RawHTML(self.script()), name=self.get_name())


def add_own_assets(figure: Figure) -> None:
    """Put geomap.css and geomap.js in the page's head (once, however many elements ask)."""
    css, js = _own_assets()
    figure.header.add_child(RawHTML(f"<style>{css}</style>"), name="geomap_css")
    figure.header.add_child(RawHTML(f"<script>{js}</script>"), name="geomap_js")


class RawHTML(Element):
    """Markup or script inserted as is: never compiled as a Jinja template (see FeatureData)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


@cache
def _own_assets() -> tuple[str, str]:
    base = resources.files("geomap") / "assets"
    return (base / "geomap.css").read_text(encoding="utf-8"), (base / "geomap.js").read_text(encoding="utf-8")


def _r(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"coordinate {value} is not a finite number")
    return round(float(value), _DIGITS)


def _coords(geometry: dict[str, Any]) -> Iterable[tuple[float, float]]:
    """Every (lon, lat) vertex of a GeoJSON geometry."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Point":
        yield (coords[0], coords[1])
    elif kind in ("LineString", "MultiPoint"):
        yield from ((c[0], c[1]) for c in coords)
    elif kind in ("Polygon", "MultiLineString"):
        yield from ((c[0], c[1]) for part in coords for c in part)
    elif kind == "MultiPolygon":
        yield from ((c[0], c[1]) for poly in coords for part in poly for c in part)
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            yield from _coords(g)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())
