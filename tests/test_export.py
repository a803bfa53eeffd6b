"""Exports read back by real GDAL (pyogrio): GeoPackage layers, RFC 7946 GeoJSON, ACLED CSV, round trips."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

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
    layers = {str(name): str(gtype) for name, gtype in pyogrio.list_layers(path)}
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
    assert [str(n) for n, _ in pyogrio.list_layers(path)] == ["routes"]
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
    path = tmp_path / "all.geojson"
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


def test_geojson_round_trip(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "all.geojson"
    export(dataset, path)
    back = read_events(path)
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
    for name in ("a.gpkg", "a.geojson", "a.csv"):
        first, second = tmp_path / "1" / name, tmp_path / "2" / name
        first.parent.mkdir(exist_ok=True)
        second.parent.mkdir(exist_ok=True)
        export(dataset, first)
        export(dataset, second)
        assert first.read_bytes() == second.read_bytes(), name


def test_yaml_file_exports_and_reads_back(tmp_path: Path) -> None:
    ds = read_events(Path(__file__).parent / "data" / "io" / "events.yaml")
    path = tmp_path / "from_yaml.gpkg"
    export(ds, path)
    assert pyogrio.read_info(path, layer="events")["features"] == 2  # two of four events have places
    assert pyogrio.read_info(path, layer="routes")["features"] == 2


def test_export_refuses_unknown_format_and_layer(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(GeomapError, match=r"cannot export to '\.kml'"):
        export(dataset, tmp_path / "x.kml")
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
