"""QGIS styles (QML) and OGC styles (SLD) for the exported layers, with the HTML map's look.

The colours, shapes and dashes come from the built-in layers (``geomap.layers``): event kinds
from ``KIND_STYLES``, route statuses from ``STATUS_STYLES``, actor colours from the same
:class:`~geomap.layer.RenderContext` the HTML map uses, so a route is the same colour in
QGIS as in the browser. :func:`write_layer_styles` stores them in a GeoPackage's
``layer_styles`` table (QGIS's own schema), which QGIS applies when a layer is loaded.

The events and routes QML also carry a ``<temporal>`` element: QGIS's Temporal Controller then
shows each event on its ``event_date`` (for one day) and each route from its ``start`` to its
``end`` date, without any set-up by the user.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from geomap.model import Dataset, GeomapError

__all__ = [
    "LayerStyle",
    "layer_style",
    "events_style",
    "places_style",
    "routes_style",
    "write_layer_styles",
    "feature_layer_style",
    "rgba",
    "route_lines",
    "Line",
    "SHAPES",
    "STYLE_TABLE",
]

STYLE_TABLE = "layer_styles"
QGIS_VERSION = "3.22.0-Białowieża"
FIXED_TIME = "2000-01-01T00:00:00.000Z"  # as gpkg.FIXED_TIMESTAMP: same data, same bytes

# geomap's point symbols -> QGIS SimpleMarker shape names (QGIS has no speech bubble).
SHAPES: dict[str, str] = {
    "circle": "circle",
    "ring": "circle",
    "square": "square",
    "diamond": "diamond",
    "triangle": "triangle",
    "star": "star",
    "bubble": "square",
    "hexagon": "hexagon",
    "arrow": "arrowhead",
}
_WHITE = "#ffffff"
_EVENT_SIZE_PX = 16  # the visible shape of the HTML map's 22 px marker


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style in both forms QGIS reads from a GeoPackage, and its name there."""

    layer: str
    name: str
    qml: str
    sld: str
    description: str = ""


@dataclass(frozen=True)
class Marker:
    label: str
    colour: str
    shape: str
    size: float
    fill: str
    outline: str
    outline_width: float


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    width: float
    opacity: float
    dash: tuple[float, ...]


def rgba(colour: str, opacity: float = 1.0) -> str:
    """'#b8282e' -> '184,40,46,255' (QGIS's colour form); a CSS name ('red') is passed on as is,
    which QGIS reads too (without the opacity)."""
    text = colour.strip()
    if text.isalpha():
        return text.lower()
    digits = text.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if not text.startswith("#") or len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise ValueError(f"not a #rrggbb colour or a colour name: {colour!r}")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * max(0.0, min(1.0, opacity)))}"


def _expr_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# QML --------------------------------------------------------------------------------------
def _options(props: dict[str, Any]) -> str:
    lines = "".join(
        f"<Option name={quoteattr(k)} type=\"QString\" value={quoteattr(str(v))}/>" for k, v in props.items()
    )
    return f'<Option type="Map">{lines}</Option>'


def _marker_symbol(index: int | str, m: Marker) -> str:
    props = {
        "angle": "0",
        "color": rgba(m.fill),
        "joinstyle": "round",
        "name": SHAPES.get(m.shape, "circle"),
        "outline_color": rgba(m.outline),
        "outline_style": "solid",
        "outline_width": m.outline_width,
        "outline_width_unit": "Pixel",
        "scale_method": "diameter",
        "size": m.size,
        "size_unit": "Pixel",
        "vertical_anchor_point": "1",
        "horizontal_anchor_point": "1",
    }
    return (
        f'<symbol type="marker" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleMarker" enabled="1" locked="0" pass="0">{_options(props)}</layer></symbol>'
    )


def _line_symbol(index: int | str, line: Line) -> str:
    props = {
        "capstyle": "round",
        "customdash": ";".join(_num(d) for d in line.dash) or "5;2",
        "customdash_unit": "Pixel",
        "joinstyle": "round",
        "line_color": rgba(line.colour, line.opacity),
        "line_style": "solid",
        "line_width": _num(line.width),
        "line_width_unit": "Pixel",
        "offset": "0",
        "use_custom_dash": "1" if line.dash else "0",
    }
    return (
        f'<symbol type="line" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleLine" enabled="1" locked="0" pass="0">{_options(props)}</layer></symbol>'
    )


def _num(x: float) -> str:
    return f"{x:g}"


def _qml(body: str, geometry_type: int, temporal: str = "") -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="Symbology|Temporal">\n'
        f"{temporal}{body}\n"
        f"<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
        f"<layerGeometryType>{geometry_type}</layerGeometryType>\n</qgis>\n"
    )


def _span_temporal(start: str = "start", end: str = "end") -> str:
    # mode 2 = ModeFeatureDateTimeStartAndEndFromFields: a route shows from its first to its last day.
    return (
        f'<temporal enabled="1" mode="2" startField={quoteattr(start)} endField={quoteattr(end)} '
        'startExpression="" endExpression="" durationField="" durationUnit="d" fixedDuration="0" '
        'accumulate="0" limitMode="1"><fixedRange><start></start><end></end></fixedRange></temporal>\n'
    )


def _events_temporal(field: str = "event_date") -> str:
    # mode 1 = QgsVectorLayerTemporalProperties::ModeFeatureDateTimeInstantFromField; each event
    # lasts its day (fixedDuration 1, unit d), so a one-day window shows that day's events.
    return (
        f'<temporal enabled="1" mode="1" startField={quoteattr(field)} endField="" '
        'startExpression="" endExpression="" durationField="" durationUnit="d" fixedDuration="1" '
        'accumulate="0" limitMode="0"><fixedRange><start></start><end></end></fixedRange></temporal>\n'
    )


# SLD --------------------------------------------------------------------------------------
_SLD_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" '
    'xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" '
    'xsi:schemaLocation="http://www.opengis.net/sld '
    'http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">\n'
)


def _sld(layer: str, rules: Iterable[str]) -> str:
    return (
        f"{_SLD_HEAD}<NamedLayer><se:Name>{escape(layer)}</se:Name><UserStyle>"
        f"<se:Name>{escape(layer)}</se:Name><se:FeatureTypeStyle>\n"
        + "\n".join(rules)
        + "\n</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n"
    )


def _sld_filter(conditions: Sequence[tuple[str, str | None]]) -> str:
    parts = []
    for field, value in conditions:
        if value is None:
            parts.append(
                f"<ogc:PropertyIsNull><ogc:PropertyName>{escape(field)}</ogc:PropertyName></ogc:PropertyIsNull>"
            )
        else:
            parts.append(
                f"<ogc:PropertyIsEqualTo><ogc:PropertyName>{escape(field)}</ogc:PropertyName>"
                f"<ogc:Literal>{escape(value)}</ogc:Literal></ogc:PropertyIsEqualTo>"
            )
    if not parts:
        return ""
    inner = parts[0] if len(parts) == 1 else "<ogc:And>" + "".join(parts) + "</ogc:And>"
    return f"<ogc:Filter>{inner}</ogc:Filter>"


_SLD_WELL_KNOWN = {"diamond": "square", "hexagon": "circle", "arrowhead": "triangle"}


def _sld_point_rule(m: Marker, conditions: Sequence[tuple[str, str | None]]) -> str:
    shape = SHAPES.get(m.shape, "circle")
    name = _SLD_WELL_KNOWN.get(shape, shape)
    rotation = "<se:Rotation><ogc:Literal>45</ogc:Literal></se:Rotation>" if shape == "diamond" else ""
    return (
        f"<se:Rule><se:Name>{escape(m.label)}</se:Name>{_sld_filter(conditions)}"
        f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>{name}</se:WellKnownName>"
        f'<se:Fill><se:SvgParameter name="fill">{m.fill}</se:SvgParameter></se:Fill>'
        f'<se:Stroke><se:SvgParameter name="stroke">{m.outline}</se:SvgParameter>'
        f'<se:SvgParameter name="stroke-width">{_num(m.outline_width)}</se:SvgParameter></se:Stroke>'
        f"</se:Mark><se:Size>{_num(m.size)}</se:Size>{rotation}</se:Graphic></se:PointSymbolizer></se:Rule>"
    )


def _sld_line_rule(line: Line, conditions: Sequence[tuple[str, str | None]]) -> str:
    dash = (
        f'<se:SvgParameter name="stroke-dasharray">{" ".join(_num(d) for d in line.dash)}</se:SvgParameter>'
        if line.dash
        else ""
    )
    return (
        f"<se:Rule><se:Name>{escape(line.label)}</se:Name>{_sld_filter(conditions)}"
        f'<se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">{line.colour}</se:SvgParameter>'
        f'<se:SvgParameter name="stroke-opacity">{_num(line.opacity)}</se:SvgParameter>'
        f'<se:SvgParameter name="stroke-width">{_num(line.width)}</se:SvgParameter>'
        f'<se:SvgParameter name="stroke-linecap">round</se:SvgParameter>{dash}'
        f"</se:Stroke></se:LineSymbolizer></se:Rule>"
    )


# the three layers ---------------------------------------------------------------------------
def events_style() -> LayerStyle:
    """Events by kind: the HTML map's colour and shape per kind, white outline; temporal on event_date."""
    from geomap.layers.events import KIND_STYLES

    markers = [
        (str(kind), Marker(label, colour, symbol, _EVENT_SIZE_PX, colour, _WHITE, 1.5))
        for kind, (colour, symbol, label) in KIND_STYLES.items()
    ]
    categories = "".join(
        f'<category render="true" value={quoteattr(value)} symbol="{i}" label={quoteattr(m.label)}/>'
        for i, (value, m) in enumerate(markers)
    )
    symbols = "".join(_marker_symbol(i, m) for i, (_, m) in enumerate(markers))
    body = (
        '<renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" enableorderby="0" '
        f'forceraster="0"><categories>{categories}</categories><symbols>{symbols}</symbols></renderer-v2>'
    )
    sld = _sld("events", [_sld_point_rule(m, [("kind", value)]) for value, m in markers])
    return LayerStyle(
        "events", "geomap events", _qml(body, 0, _events_temporal()), sld, "Events by kind, as on the HTML map"
    )


def places_style() -> LayerStyle:
    """Places as the HTML map's ring: white fill, dark outline."""
    from geomap.layers.places import PlacesLayer

    entry = PlacesLayer().legend()[0]
    ring = Marker("place", entry.colour, entry.symbol, 9, _WHITE, entry.colour, 2)
    body = (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_marker_symbol(0, ring)}</symbols></renderer-v2>"
    )
    return LayerStyle(
        "places", "geomap places", _qml(body, 0), _sld("places", [_sld_point_rule(ring, [])]), "Resolved places"
    )


def route_lines(dataset: Dataset) -> list[tuple[str | None, str, Line]]:
    """(actor, status as written, line) for each actor/status pair of the drawable movements.

    Shared by the QML/SLD and the KML, so every format draws a route the same way.
    """
    from geomap.io.frame import route_parts
    from geomap.layer import RenderContext
    from geomap.layers.routes import STATUS_STYLES
    from geomap.model import Status

    ctx = RenderContext(dataset)
    out: dict[tuple[str | None, str], Line] = {}
    for m in dataset.movements:
        if not route_parts(m):
            continue
        status = str(m.status)
        try:
            known = Status(m.status)
        except ValueError:
            known = Status.REPORTED
        opts, symbol = STATUS_STYLES[known]
        dash = tuple(float(x) for x in str(opts.get("dashArray", "")).replace(",", " ").split())
        label = f"{m.actor or 'unknown actor'}, {status}"
        line = Line(label, ctx.actor_colour(m.actor), float(opts["weight"]), float(opts["opacity"]), dash)
        out.setdefault((m.actor, status), line)
    return [(actor, status, line) for (actor, status), line in out.items()]


def routes_style(dataset: Dataset) -> LayerStyle:
    """Routes by actor (colour, as on the HTML map) and status (dash and opacity): a rule each.

    Time runs from each route's ``start`` to its ``end`` date (both days included).
    """
    lines = route_lines(dataset)
    rules, symbols, sld_rules = [], [], []
    for i, (actor, status, line) in enumerate(lines):
        actor_test = '"actor1" IS NULL' if actor is None else f'"actor1" = {_expr_text(actor)}'
        expr = f'{actor_test} AND "status" = {_expr_text(status)}'
        rules.append(f'<rule key="r{i}" filter={quoteattr(expr)} label={quoteattr(line.label)} symbol="{i}"/>')
        symbols.append(_line_symbol(i, line))
        sld_rules.append(_sld_line_rule(line, [("actor1", actor), ("status", status)]))
    body = (
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<rules key="root">{"".join(rules)}</rules><symbols>{"".join(symbols)}</symbols></renderer-v2>'
    )
    return LayerStyle(
        "routes",
        "geomap routes",
        _qml(body, 1, _span_temporal()),
        _sld("routes", sld_rules),
        "Routes by actor and status",
    )


def _fill_symbol(index: int, fill: str, fill_opacity: float, outline: str, width: float, opacity: float) -> str:
    props = {
        "color": rgba(fill, fill_opacity),
        "joinstyle": "round",
        "outline_color": rgba(outline, opacity),
        "outline_style": "solid",
        "outline_width": _num(width),
        "outline_width_unit": "Pixel",
        "style": "solid",
    }
    return (
        f'<symbol type="fill" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleFill" enabled="1" locked="0" pass="0">{_options(props)}</layer></symbol>'
    )


def feature_layer_style(table: str, features: Sequence[dict[str, Any]], title: str = "") -> LayerStyle:
    """A single-symbol style for a user's layer, from the Leaflet ``style`` of its first feature.

    Leaflet's defaults fill in what the style leaves out (blue #3388ff, weight 3, fill 0.2),
    so the layer looks in QGIS as it does on the HTML map.
    """
    first = features[0] if features else {}
    style = dict(first.get("style") or {})
    kind = ((first.get("geometry") or {}).get("type") or "Point").removeprefix("Multi")
    colour = str(style.get("color", "#3388ff"))
    weight = float(style.get("weight", 3))
    opacity = float(style.get("opacity", 1.0))
    dash = tuple(float(x) for x in str(style.get("dashArray") or "").replace(",", " ").split())
    label = title or table
    if kind == "Point":
        fill = str(style.get("fillColor", colour))
        size = float(style.get("size", 2 * float(style.get("radius", 5))))
        marker = Marker(label, fill, str(style.get("symbol", "circle")), size, fill, colour, weight)
        symbol, gtype, sld_rule = _marker_symbol(0, marker), 0, _sld_point_rule(marker, [])
    elif kind == "LineString":
        line = Line(label, colour, weight, opacity, dash)
        symbol, gtype, sld_rule = _line_symbol(0, line), 1, _sld_line_rule(line, [])
    else:
        fill = str(style.get("fillColor", colour))
        fill_opacity = float(style.get("fillOpacity", 0.2))
        symbol, gtype = _fill_symbol(0, fill, fill_opacity, colour, weight, opacity), 2
        sld_rule = (
            f"<se:Rule><se:Name>{escape(label)}</se:Name><se:PolygonSymbolizer><se:Fill>"
            f'<se:SvgParameter name="fill">{fill}</se:SvgParameter>'
            f'<se:SvgParameter name="fill-opacity">{_num(fill_opacity)}</se:SvgParameter></se:Fill>'
            f'<se:Stroke><se:SvgParameter name="stroke">{colour}</se:SvgParameter>'
            f'<se:SvgParameter name="stroke-width">{_num(weight)}</se:SvgParameter></se:Stroke>'
            "</se:PolygonSymbolizer></se:Rule>"
        )
    body = (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{symbol}</symbols></renderer-v2>"
    )
    return LayerStyle(table, f"geomap {table}", _qml(body, gtype), _sld(table, [sld_rule]), label)


def layer_style(layer: str, dataset: Dataset) -> LayerStyle:
    """The style of one of the exported layers (events, places, routes)."""
    if layer == "events":
        return events_style()
    if layer == "places":
        return places_style()
    if layer == "routes":
        return routes_style(dataset)
    raise GeomapError(f"no style for layer '{layer}'")


# the GeoPackage table ---------------------------------------------------------------------
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {STYLE_TABLE} ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), "
    "f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, "
    "styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
    "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)


def write_layer_styles(path: str | Path, styles: Sequence[LayerStyle], geometry_column: str = "geom") -> None:
    """Store the styles as each layer's default in the GeoPackage's ``layer_styles`` table.

    The table is registered in ``gpkg_contents`` as an attributes table, as QGIS does, so GDAL
    and QGIS both see it; times are pinned so the file stays byte-stable.
    """
    try:
        con = sqlite3.connect(str(path))
    except sqlite3.Error as exc:
        raise GeomapError(f"{path}: cannot open to store styles: {exc}") from None
    try:
        with con:
            con.execute(_CREATE)
            con.execute(
                "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES (?, 'attributes', ?, '', ?)",
                (STYLE_TABLE, STYLE_TABLE, FIXED_TIME),
            )
            for style in styles:
                con.execute(f"DELETE FROM {STYLE_TABLE} WHERE f_table_name = ?", (style.layer,))
                con.execute(
                    f"INSERT INTO {STYLE_TABLE} (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, "
                    "ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                    (style.layer, geometry_column, style.name, style.qml, style.sld, style.description, FIXED_TIME),
                )
    except sqlite3.Error as exc:
        raise GeomapError(f"{path}: cannot store the layer styles: {exc}") from None
    finally:
        con.close()
