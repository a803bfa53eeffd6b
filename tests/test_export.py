"""Exports read back by real GDAL (pyogrio): GeoPackage layers, RFC 7946 GeoJSON, ACLED CSV, round trips."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString

from geomap.io import (
    events_to_frame,
    export,
    export_geojson_layers,
    frame_to_events,
    frame_to_movements,
    places_to_frame,
    read_events,
    routes_to_frame,
)
from geomap.model import (
    Dataset,
    DatePrecision,
    Event,
    EventKind,
    GeomapError,
    Leg,
    Mode,
    Movement,
    Place,
    PlaceKind,
    Source,
    Status,
)

SOURCE = Source("Example Wire", "Troops moving", "https://example.org/a?b=1&c=2", dt.date(2024, 10, 29))
NK = Place("North Korea", 40.3, 127.5, "KP", PlaceKind.COUNTRY, 3, "offline")
VLADIVOSTOK = Place("Vladivostok", 43.1155, 131.8855, "RU", PlaceKind.CITY, 1, "offline", 2013348, 587022)
KURSK = Place("Kursk Oblast", 51.73, 36.19, "RU", PlaceKind.REGION, 2, "offline")
ANCHORAGE = Place("Anchorage", 61.2181, -149.9003, "US", PlaceKind.CITY, 1, "offline")
BRUSSELS = Place("Brussels", 50.8503, 4.3517, "BE", PlaceKind.CITY, 1, "input")


def _leg(
    a: str, pa: Place | None, b: str, pb: Place | None, day: dt.date | None, prec: DatePrecision, mode: Mode
) -> Leg:
    return Leg(a, b, pa, pb, day, prec, mode)


@pytest.fixture
def dataset() -> Dataset:
    """Places set directly (no geocoder): three placed events, one unplaced, three movements."""
    events = [
        Event(
            "rutte", "Brussels", dt.date(2024, 10, 28), DatePrecision.DAY, BRUSSELS, "NATO", EventKind.STATEMENT,
            None, Status.CONFIRMED, "Said so", SOURCE, 'He said "<b>yes</b>" & left', "BE",
        ),
        Event(
            "kursk", "wilayah Kursk", dt.date(2024, 10, 1), DatePrecision.MONTH, KURSK, "KPA", EventKind.DEPLOYMENT,
            10000, Status.REPORTED, "", SOURCE,
        ),
        Event("vlad", "Vladivostok", dt.date(2024, 10, 21), DatePrecision.WEEK, VLADIVOSTOK, kind=EventKind.TRANSIT),
        Event("lost", "Atlantis", None, DatePrecision.UNKNOWN, None),
    ]  # fmt: skip
    movements = [
        Movement(
            "nk-sea-lift", "KPA",
            [
                _leg("Korea Utara", NK, "Vladivostok", VLADIVOSTOK, dt.date(2024, 10, 8), DatePrecision.DAY, Mode.SEA),
                _leg("Vladivostok", VLADIVOSTOK, "wilayah Kursk", KURSK, dt.date(2024, 10, 1), DatePrecision.MONTH,
                     Mode.RAIL),
            ],
            Status.REPORTED, 1500, "by sea then rail", SOURCE,
        ),
        Movement(
            "pacific", "Test flight",
            [_leg("Vladivostok", VLADIVOSTOK, "Anchorage", ANCHORAGE, dt.date(2024, 10, 30), DatePrecision.DAY, Mode.AIR)],
        ),
        Movement("unresolved", "X", [_leg("Atlantis", None, "Kursk", KURSK, None, DatePrecision.UNKNOWN, Mode.ROAD)]),
    ]  # fmt: skip
    return Dataset(events=events, movements=movements, title="Test")


def _event_key(e: Event) -> tuple[object, ...]:
    return (e.id, e.location, e.date, e.date_precision, e.place, e.actor, e.kind, e.quantity, e.status,
            e.description, e.source, e.quote)  # fmt: skip


# GeoPackage ---------------------------------------------------------------------
def test_gpkg_layers_read_back_by_gdal(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "out.gpkg"
    assert export(dataset, path) == [str(path)]
    layers = {str(name): str(gtype) for name, gtype in pyogrio.list_layers(path) if name != "layer_styles"}
    assert layers == {"events": "Point", "places": "Point", "routes": "MultiLineString"}
    counts = {name: pyogrio.read_info(path, layer=name)["features"] for name in layers}
    assert counts == {"events": 3, "places": 5, "routes": 2}  # no unplaced event, no unresolved route
    for name in layers:
        assert pyogrio.read_info(path, layer=name)["crs"] == "EPSG:4326"
    info = pyogrio.read_info(path, layer="events")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert {types[c] for c in ("event_date", "start", "end", "published")} == {"OFTDate"}
    assert types["quantity"] == "OFTInteger64" and types["latitude"] == "OFTReal"
    events = pyogrio.read_dataframe(path, layer="events")
    kursk = events[events.event_id_cnty == "kursk"].iloc[0]
    assert kursk.start.date() == dt.date(2024, 10, 1) and kursk.end.date() == dt.date(2024, 10, 31)
    assert kursk.quantity == 10000 and kursk.time_precision == 3 and kursk.location == "wilayah Kursk"
    with sqlite3.connect(path) as con:  # GeoPackage 1.2, which QGIS 3.22 reads without a warning
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200


def test_gpkg_route_across_antimeridian_is_split(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "out.gpkg"
    export(dataset, path, layers=("routes",))
    assert [str(n) for n, _ in pyogrio.list_layers(path)] == ["routes", "layer_styles"]
    routes = pyogrio.read_dataframe(path, layer="routes").set_index("id")
    pacific = routes.geometry["pacific"]
    assert isinstance(pacific, MultiLineString) and len(pacific.geoms) == 2
    west, east = pacific.geoms
    assert west.coords[0] == (131.8855, 43.1155) and west.coords[-1][0] == 180.0
    assert east.coords[0][0] == -180.0 and east.coords[-1] == (-149.9003, 61.2181)
    assert west.coords[-1][1] == east.coords[0][1]  # same crossing latitude on both sides
    minx, _, maxx, _ = routes.total_bounds
    assert -180.0 <= minx and maxx <= 180.0
    assert len(routes.geometry["nk-sea-lift"].geoms) == 1
    assert routes.loc["nk-sea-lift", "via"] == "Vladivostok"
    assert routes.loc["nk-sea-lift", "end"].date() == dt.date(2024, 10, 31)


# GeoJSON ------------------------------------------------------------------------
def test_geojson_is_one_rfc7946_feature_collection(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "all.json"  # .json: all layers in one FeatureCollection (.geojson: one file each)
    export(dataset, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    layers = [f["properties"]["layer"] for f in doc["features"]]
    assert layers == ["events"] * 3 + ["places"] * 5 + ["routes"] * 2
    brussels = next(f for f in doc["features"] if f["properties"].get("event_id_cnty") == "rutte")
    assert brussels["geometry"] == {"type": "Point", "coordinates": [4.3517, 50.8503]}  # lon, lat
    assert brussels["properties"]["event_date"] == "2024-10-28"
    assert brussels["properties"]["quote"] == 'He said "<b>yes</b>" & left'  # data stays data; maps escape
    for feat in doc["features"]:
        coords = feat["geometry"]["coordinates"]
        flat = [coords] if feat["geometry"]["type"] == "Point" else [pt for part in coords for pt in part]
        for lon, lat in flat:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert round(lon, 6) == lon and round(lat, 6) == lat
    gdal = pyogrio.read_dataframe(path)
    assert gdal.crs.to_epsg() == 4326 and len(gdal) == 10
    assert set(gdal.geom_type) == {"Point", "MultiLineString"}


def test_geojson_layers_one_geometry_type_per_file(dataset: Dataset, tmp_path: Path) -> None:
    written = export_geojson_layers(dataset, tmp_path / "layers")
    assert [Path(p).name for p in written] == ["events.geojson", "places.geojson", "routes.geojson"]
    kinds = {Path(p).stem: pyogrio.read_info(p)["geometry_type"] for p in written}
    assert kinds == {"events": "Point", "places": "Point", "routes": "MultiLineString"}
    routes = pyogrio.read_dataframe(written[2]).set_index("id")
    assert len(routes.geometry["pacific"].geoms) == 2 and routes.crs.to_epsg() == 4326
    assert routes.loc["pacific", "event_date"].date() == dt.date(2024, 10, 30)


def test_geojson_export_writes_one_file_per_layer(dataset: Dataset, tmp_path: Path) -> None:
    written = export(dataset, tmp_path / "kursk.geojson")
    assert [Path(p).name for p in written] == [
        "kursk.events.geojson", "kursk.places.geojson", "kursk.routes.geojson"
    ]  # fmt: skip
    kinds = {Path(p).name: pyogrio.read_info(p)["geometry_type"] for p in written}
    assert set(kinds.values()) == {"Point", "MultiLineString"} and kinds["kursk.routes.geojson"] == "MultiLineString"
    assert [pyogrio.read_info(p)["features"] for p in written] == [3, 5, 2]
    assert not (tmp_path / "kursk.geojson").exists()


@pytest.mark.parametrize("name", ["all.geojson", "all.json"])
def test_geojson_round_trip(dataset: Dataset, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    export(dataset, path)
    back = read_events(path)  # all.geojson: the per-layer files written for it, read together
    assert back.problems == []
    placed = [e for e in dataset.events if e.place is not None]
    assert [_event_key(e) for e in back.events] == [_event_key(e) for e in placed]
    assert [m.id for m in back.movements] == ["nk-sea-lift", "pacific"]
    for before, after in zip(dataset.movements, back.movements, strict=False):
        assert after.legs == before.legs
        assert (after.actor, after.quantity, after.source, after.description) == (
            before.actor, before.quantity, before.source, before.description
        )  # fmt: skip


# CSV ----------------------------------------------------------------------------
def test_csv_round_trip(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    export(dataset, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("event_id_cnty,event_date,time_precision,date_precision,actor1,location,")
    assert len(lines) == 4  # header + the three placed events
    back = read_events(path)
    assert back.problems == []
    placed = [e for e in dataset.events if e.place is not None]
    assert [_event_key(e) for e in back.events] == [_event_key(e) for e in placed]
    assert [e.line for e in back.events] == [2, 3, 4]


def test_gpkg_round_trip(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "out.gpkg"
    export(dataset, path)
    back = read_events(path)
    assert back.problems == []
    placed = [e for e in dataset.events if e.place is not None]
    assert [_event_key(e) for e in back.events] == [_event_key(e) for e in placed]
    assert [m.legs for m in back.movements] == [m.legs for m in dataset.movements[:2]]


def test_exports_are_deterministic(dataset: Dataset, tmp_path: Path) -> None:
    for name in ("a.gpkg", "a.geojson", "a.json", "a.csv", "a.kml"):
        first, second = tmp_path / "1" / name, tmp_path / "2" / name
        first.parent.mkdir(exist_ok=True)
        second.parent.mkdir(exist_ok=True)
        for a, b in zip(export(dataset, first), export(dataset, second), strict=True):
            assert Path(a).read_bytes() == Path(b).read_bytes(), a


def test_yaml_file_exports_and_reads_back(tmp_path: Path) -> None:
    ds = read_events(Path(__file__).parent / "data" / "io" / "events.yaml")
    path = tmp_path / "from_yaml.gpkg"
    export(ds, path)
    assert pyogrio.read_info(path, layer="events")["features"] == 2  # two of four events have places
    assert pyogrio.read_info(path, layer="routes")["features"] == 2


def test_export_refuses_unknown_format_and_layer(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(GeomapError, match=r"cannot export to '\.shp'"):
        export(dataset, tmp_path / "x.shp")
    with pytest.raises(GeomapError, match="unknown layer"):
        export(dataset, tmp_path / "x.gpkg", layers=("events", "heat"))
    with pytest.raises(GeomapError, match="does not exist"):
        export(dataset, tmp_path / "no" / "such" / "x.gpkg")


# frames -------------------------------------------------------------------------
def test_events_frame_columns_and_round_trip(dataset: Dataset) -> None:
    gdf = events_to_frame(dataset.events)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 4
    head = ["event_id_cnty", "event_date", "time_precision", "date_precision", "actor1", "location"]
    assert list(gdf.columns[:6]) == head
    row = gdf.set_index("event_id_cnty").loc["vlad"]
    assert (row.event_date, row.start, row.end, row.time_precision) == (
        "2024-10-21",
        "2024-10-21",
        "2024-10-27",
        2,
    )
    assert (row.geometry.x, row.geometry.y) == (131.8855, 43.1155)
    assert gdf.geometry.isna().sum() == 1  # the unplaced event stays, without a geometry
    back = frame_to_events(gdf)
    assert [_event_key(e) for e in back] == [_event_key(e) for e in dataset.events]


def test_frame_to_events_reports_bad_rows(dataset: Dataset) -> None:
    gdf = events_to_frame(dataset.events)
    gdf.loc[1, "kind"] = "invasion"
    with pytest.raises(
        GeomapError, match=r"<GeoDataFrame>:2: \[kind\] error: row 2: unknown kind 'invasion'"
    ):
        frame_to_events(gdf)


def test_places_and_routes_frames(dataset: Dataset) -> None:
    places = places_to_frame(dataset).set_index("name")
    assert list(places.index) == ["Brussels", "Kursk Oblast", "Vladivostok", "North Korea", "Anchorage"]
    assert places.loc["Kursk Oblast", "as_written"] == "wilayah Kursk; Kursk"
    assert places.loc["Vladivostok", "event_count"] == 1 and places.loc["Vladivostok", "movement_count"] == 2
    assert places.loc["Vladivostok", "geonameid"] == 2013348
    routes = routes_to_frame(dataset).set_index("id")
    assert isinstance(routes.geometry["nk-sea-lift"], LineString)
    assert isinstance(routes.geometry["pacific"], MultiLineString)
    assert routes.geometry["unresolved"] is None
    sea = routes.loc["nk-sea-lift"]
    assert (sea["from"], sea["via"], sea["to"]) == ("Korea Utara", "Vladivostok", "wilayah Kursk")
    expected = ("2024-10-01", "month", "2024-10-01", "2024-10-31")
    assert (sea.event_date, sea.date_precision, sea.start, sea.end) == expected
    moved = frame_to_movements(routes_to_frame(dataset), places_to_frame(dataset))
    assert [m.legs for m in moved[:2]] == [m.legs for m in dataset.movements[:2]]
    assert moved[2].legs[0].origin_place is None and moved[2].legs[0].destination_place == KURSK


# KML ----------------------------------------------------------------------------
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def test_kml_has_time_stamps_spans_and_styles(dataset: Dataset, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from geomap.io.kml import kml_colour
    from geomap.layers.events import KIND_STYLES

    path = tmp_path / "kursk.kml"
    assert export(dataset, path) == [str(path)]
    root = ET.parse(path).getroot()
    marks = {
        m.findtext("k:ExtendedData/k:Data[@name='event_id_cnty']/k:value", namespaces=KML_NS): m
        for m in root.iterfind(".//k:Folder[k:name='events']/k:Placemark", KML_NS)
    }
    assert sorted(marks) == ["kursk", "rutte", "vlad"]  # the unplaced event is left out
    assert marks["rutte"].findtext("k:TimeStamp/k:when", namespaces=KML_NS) == "2024-10-28"
    span = marks["kursk"].find("k:TimeSpan", KML_NS)  # a month: the whole month
    assert span is not None and (span.findtext("k:begin", namespaces=KML_NS), span.findtext("k:end", namespaces=KML_NS)) == (
        "2024-10-01", "2024-10-31"
    )  # fmt: skip
    assert marks["rutte"].findtext("k:styleUrl", namespaces=KML_NS) == "#event-statement"
    quote = marks["rutte"].findtext("k:ExtendedData/k:Data[@name='quote']/k:value", namespaces=KML_NS)
    assert quote == 'He said "<b>yes</b>" & left'  # escaped in the file, intact when read
    styles = {s.get("id"): s for s in root.iterfind(".//k:Style", KML_NS)}
    colour = styles["event-statement"].findtext("k:IconStyle/k:color", namespaces=KML_NS)
    assert colour == kml_colour(KIND_STYLES[EventKind.STATEMENT][0])
    assert kml_colour("#b8282e") == "ff2e28b8" and kml_colour("#000000", 0.5) == "80000000"
    # GDAL (LIBKML) reads it back: the folders as layers, the times as DateTime fields
    layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    assert layers == ["events", "places", "routes"]
    counts = [pyogrio.read_info(path, layer=name)["features"] for name in layers]
    assert counts == [3, 5, 2]
    events = pyogrio.read_dataframe(path, layer="events")
    assert sorted(str(t.date()) for t in events["timestamp"].dropna()) == ["2024-10-28"]
    assert sorted((str(b.date()), str(e.date())) for b, e in zip(events["begin"].dropna(), events["end"].dropna(), strict=True)) == [
        ("2024-10-01", "2024-10-31"), ("2024-10-21", "2024-10-27")
    ]  # fmt: skip
    routes = pyogrio.read_dataframe(path, layer="routes")
    assert routes.geometry.iloc[0].geom_type == "MultiLineString"


# users' layers in the GIS export ---------------------------------------------------
def _zone_layer() -> object:
    from geomap.layer import Layer

    class Zone(Layer):
        name = "Exclusion zone (test)"

        def features(self, ctx: object) -> list[dict[str, object]]:
            ring = [[35.0, 51.0], [36.0, 51.0], [36.0, 52.0], [35.0, 51.0]]
            return [
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {"name": "zone", "note": "<i>x</i>"},
                    "style": {"color": "#ff0000", "fillColor": "#00ff00", "fillOpacity": 0.5, "weight": 2},
                }
            ]

    return Zone()


def test_users_layer_becomes_a_styled_gpkg_table_and_a_geojson_file(dataset: Dataset, tmp_path: Path) -> None:
    zone = _zone_layer()
    path = tmp_path / "out.gpkg"
    export(dataset, path, extra_layers=[zone])  # type: ignore[list-item]
    layers = {str(n): str(t) for n, t in pyogrio.list_layers(path)}
    assert layers["exclusion_zone_test"] == "Polygon"
    table = pyogrio.read_dataframe(path, layer="exclusion_zone_test")
    assert list(table["note"]) == ["<i>x</i>"] and table.crs.to_epsg() == 4326
    with sqlite3.connect(path) as con:
        qml = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'exclusion_zone_test'").fetchone()[0]
    assert 'class="SimpleFill"' in qml and "0,255,0,128" in qml and "255,0,0,255" in qml
    assert read_events(path).problems == []  # the extra table does not disturb reading the events back
    written = export(dataset, tmp_path / "k.geojson", extra_layers=[zone])  # type: ignore[list-item]
    assert Path(written[-1]).name == "k.exclusion_zone_test.geojson"
    assert pyogrio.read_info(written[-1])["geometry_type"] == "Polygon"
    with pytest.raises(GeomapError, match=r"x\.csv: your own layers can be exported to \.gpkg or \.geojson"):
        export(dataset, tmp_path / "x.csv", extra_layers=[zone])  # type: ignore[list-item]


def test_gpkg_edited_with_gdal_reads_back(dataset: Dataset, tmp_path: Path) -> None:
    """As a GIS user edits it (here with GDAL; tests/test_qgis.py does it in QGIS): move one, add one."""
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "edited.gpkg"
    export(dataset, path)
    events = pyogrio.read_dataframe(path, layer="events")
    events.loc[events.event_id_cnty == "rutte", "geometry"] = Point(4.4, 50.9)  # moved; lat/lon columns stale
    added = gpd.GeoDataFrame(
        {"event_id_cnty": ["new"], "event_date": [dt.datetime(2024, 11, 2)], "location": ["Sudzha"], "kind": ["strike"]},
        geometry=[Point(35.27, 51.19)],
        crs=events.crs,
    )
    edited = gpd.GeoDataFrame(pd.concat([events, added], ignore_index=True), crs=events.crs)
    pyogrio.write_dataframe(edited, path, layer="events", driver="GPKG", layer_options={"OVERWRITE": "YES"})
    back = read_events(path)
    assert back.problems == []
    assert [e.id for e in back.events] == ["rutte", "kursk", "vlad", "new"]
    rutte = back.events[0]
    assert rutte.place is not None and (rutte.place.lon, rutte.place.lat) == (4.4, 50.9)
    assert _event_key(back.events[1]) == _event_key(dataset.events[1])  # untouched rows: nothing lost
    new = back.events[-1]
    assert (new.date, new.location, str(new.kind)) == (dt.date(2024, 11, 2), "Sudzha", "strike")
    assert [m.legs for m in back.movements] == [m.legs for m in dataset.movements[:2]]
