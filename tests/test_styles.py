"""Styles stored in the GeoPackage for QGIS (QML and SLD): the HTML map's colours, dashes, time.

What QGIS makes of them is checked in real QGIS by tests/test_qgis.py; these checks need only
sqlite and an XML parser, so they run everywhere.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from geomap.geocode import resolve_dataset
from geomap.io import export, read_events
from geomap.io.styles import events_style, places_style, rgba, routes_style
from geomap.layer import RenderContext
from geomap.layers import RoutesLayer
from geomap.layers.events import KIND_STYLES
from geomap.model import Dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml"
SLD = {"se": "http://www.opengis.net/se", "ogc": "http://www.opengis.net/ogc", "sld": "http://www.opengis.net/sld"}


@pytest.fixture(scope="module")
def kursk() -> Dataset:
    ds = read_events(EXAMPLE)
    resolve_dataset(ds)
    return ds


@pytest.fixture(scope="module")
def gpkg(kursk: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("styles") / "kursk.gpkg"
    export(kursk, path)
    return path


def _options(symbol: ET.Element) -> dict[str, str]:
    return {o.get("name", ""): o.get("value", "") for o in symbol.iterfind("layer/Option/Option")}


def test_rgba() -> None:
    assert rgba("#b8282e") == "184,40,46,255"
    assert rgba("#fff", 0.5) == "255,255,255,128"
    assert rgba("Red") == "red"  # a CSS name: QGIS reads names too
    for bad in ("#12345", "#gg0000", "rgb(1,2,3)"):
        with pytest.raises(ValueError, match="not a #rrggbb colour"):
            rgba(bad)


def test_layer_styles_table_as_qgis_writes_it(gpkg: Path) -> None:
    with sqlite3.connect(gpkg) as con:
        rows = con.execute(
            "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, useAsDefault, styleName "
            "FROM layer_styles ORDER BY id"
        ).fetchall()
        contents = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        columns = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
    assert rows == [
        ("", "", "events", "geom", 1, "geomap events"),
        ("", "", "places", "geom", 1, "geomap places"),
        ("", "", "routes", "geom", 1, "geomap routes"),
    ]
    assert contents == ("attributes",)  # registered, so GDAL and QGIS see the table
    assert columns[:8] == [
        "id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
        "styleSLD",
    ]  # fmt: skip


def test_events_qml_has_the_html_colours_and_shapes_and_time() -> None:
    qml = ET.fromstring(events_style().qml.split("\n", 1)[1])
    renderer = qml.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "kind"
    symbols = {s.get("name"): _options(s) for s in renderer.iterfind("symbols/symbol")}
    for category in renderer.iterfind("categories/category"):
        colour, symbol, label = KIND_STYLES[category.get("value")]  # type: ignore[index]
        opts = symbols[category.get("symbol")]
        assert opts["color"] == rgba(colour) and category.get("label") == label
        assert opts["name"] == {"bubble": "square"}.get(symbol, symbol)
    assert len(renderer.findall("categories/category")) == len(KIND_STYLES)
    temporal = qml.find("temporal")
    assert temporal is not None
    assert (temporal.get("enabled"), temporal.get("mode"), temporal.get("startField")) == ("1", "1", "event_date")
    assert (temporal.get("fixedDuration"), temporal.get("durationUnit")) == ("1", "d")


def test_routes_qml_matches_the_html_map(kursk: Dataset) -> None:
    qml = ET.fromstring(routes_style(kursk).qml.split("\n", 1)[1])
    symbols = {s.get("name"): _options(s) for s in qml.iterfind("renderer-v2/symbols/symbol")}
    drawn = RoutesLayer().features(RenderContext(kursk))  # what the HTML map draws
    rules = qml.findall("renderer-v2/rules/rule")
    assert len(rules) == 3
    for feature in drawn:
        props, style = feature["properties"], feature["style"]
        expr = f"\"actor1\" = '{props['actor1']}' AND \"status\" = '{props['status']}'"
        rule = next(r for r in rules if r.get("filter") == expr)
        opts = symbols[rule.get("symbol")]
        assert opts["line_color"] == rgba(style["color"], style["opacity"])
        assert float(opts["line_width"]) == style["weight"]
        assert opts["use_custom_dash"] == ("1" if "dashArray" in style else "0")
        if "dashArray" in style:
            assert opts["customdash"] == style["dashArray"].replace(" ", ";")


def test_quotes_in_names_are_escaped_in_expressions(kursk: Dataset) -> None:
    import copy

    ds = copy.deepcopy(kursk)
    ds.movements[0].actor = "O'Brien's <men> & co"
    qml = routes_style(ds).qml
    root = ET.fromstring(qml.split("\n", 1)[1])  # still well-formed XML
    filters = [r.get("filter") for r in root.iterfind("renderer-v2/rules/rule")]
    assert "\"actor1\" = 'O''Brien''s <men> & co' AND \"status\" = 'reported'" in filters


def test_sld_is_well_formed_with_one_rule_per_category(kursk: Dataset) -> None:
    events = ET.fromstring(events_style().sld)
    rules = events.findall(".//se:Rule", SLD)
    assert len(rules) == len(KIND_STYLES)
    fills = [r.findtext(".//se:Fill/se:SvgParameter[@name='fill']", namespaces=SLD) for r in rules]
    assert fills == [colour for colour, _, _ in KIND_STYLES.values()]
    literal = rules[0].findtext(".//ogc:PropertyIsEqualTo/ogc:Literal", namespaces=SLD)
    assert literal == "deployment"
    places = ET.fromstring(places_style().sld)
    assert places.findtext(".//se:Stroke/se:SvgParameter[@name='stroke']", namespaces=SLD) == "#222222"
    routes = ET.fromstring(routes_style(kursk).sld)
    dashes = [p.text for p in routes.iterfind(".//se:SvgParameter[@name='stroke-dasharray']", SLD)]
    assert dashes == ["9 6", "9 6"]  # the two reported routes; the confirmed one is solid
