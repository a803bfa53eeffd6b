"""The command line end to end on the bundled example: HTML, GeoPackage, GeoJSON, geocode, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from test_render import count

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kursk" / "events.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kursk")
    for target in ("kursk.html", "kursk.gpkg", "kursk.geojson"):
        verb = "render" if target.endswith(".html") else "export"
        r = run(verb, str(EXAMPLE), "-o", str(out / target), "--strict")
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
    return out


def test_example_map_has_the_events_routes_and_places(outputs: Path) -> None:
    html = (outputs / "kursk.html").read_text(encoding="utf-8")
    assert count(html, "geomap-event") == 6
    assert count(html, "geomap-event-deployment") == 1
    assert count(html, "geomap-event-statement") == 5
    assert count(html, "geomap-route") == 3
    assert count(html, "geomap-place") == 8
    for text in ("Kazan", "Brussels", "Vladivostok", "New York", "2024-10-28", "The Epoch Times"):
        assert text in html
    assert "<script src=" not in html  # one offline file


def test_example_geopackage_reads_back_with_gdal(outputs: Path) -> None:
    path = outputs / "kursk.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"events", "places", "routes", "layer_styles"}  # layer_styles: QGIS's styles
    counts = {"events": 6, "places": 8, "routes": 3}
    for layer, expected in counts.items():
        info = pyogrio.read_info(path, layer=layer)
        assert info["crs"] == "EPSG:4326"
        assert info["features"] == expected
    events = pyogrio.read_info(path, layer="events")
    types = dict(zip(events["fields"], events["dtypes"], strict=True))
    assert types["event_date"].startswith("datetime64") or types["event_date"] == "object"
    df = pyogrio.read_dataframe(path, layer="events")
    assert sorted(df["event_date"].astype(str).str[:10]) == [
        "2024-10-17", "2024-10-18", "2024-10-22", "2024-10-24", "2024-10-25", "2024-10-28",
    ]  # fmt: skip
    routes = pyogrio.read_dataframe(path, layer="routes")
    assert set(routes["mode"]) == {"sea", "unknown"}
    assert set(routes["status"]) == {"reported", "confirmed"}


def test_example_geojson_is_rfc7946(outputs: Path) -> None:
    # -o kursk.geojson writes one file per layer beside it: one geometry type per file, for QGIS
    assert not (outputs / "kursk.geojson").exists()
    docs = {
        layer: json.loads((outputs / f"kursk.{layer}.geojson").read_text(encoding="utf-8"))
        for layer in ("events", "places", "routes")
    }
    for layer, doc in docs.items():
        assert doc["type"] == "FeatureCollection" and "crs" not in doc
        assert {f["properties"]["layer"] for f in doc["features"]} == {layer}
    assert {layer: len(doc["features"]) for layer, doc in docs.items()} == {"events": 6, "places": 8, "routes": 3}
    kazan = next(f for f in docs["events"]["features"] if f["properties"].get("location") == "Kazan")
    lon, lat = kazan["geometry"]["coordinates"]
    assert abs(lon - 49.12) < 0.2 and abs(lat - 55.79) < 0.2  # lon/lat order
    assert kazan["properties"]["event_date"] == "2024-10-24"
    for layer, gtype in (("events", "Point"), ("places", "Point"), ("routes", "MultiLineString")):
        info = pyogrio.read_info(outputs / f"kursk.{layer}.geojson")
        assert info["crs"] == "EPSG:4326" and info["geometry_type"] == gtype


def test_geocode_prints_match_and_runners_up() -> None:
    r = run("geocode", "Kursk")
    assert r.returncode == 0, r.stderr
    assert "Kursk (RU)" in r.stdout and "runners-up" in r.stdout
    assert "51.7" in r.stdout and "geo_precision 1" in r.stdout
    r = run("geocode", "Paris")
    assert "Paris (FR)" in r.stdout.splitlines()[0]
    assert "(US)" in r.stdout.split("runners-up:")[1]  # Paris, Texas and others follow
    r = run("geocode", "Korea Utara", "--json")
    match = json.loads(r.stdout)["match"]
    assert match["country_code"] == "KP" and match["kind"] == "country"


def test_geocode_without_match_exits_1() -> None:
    r = run("geocode", "Xqzzyville")
    assert r.returncode == 1 and "no match" in r.stderr


def test_every_command_has_help() -> None:
    for verb in ("render", "export", "geocode", "extract", "map", "score"):
        r = run(verb, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout


def test_strict_turns_a_rejected_entry_into_exit_1(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n"
        "  - {date: 2024-10-24, place: Kazan, kind: statement}\n"
        "  - {date: 2024-10-99, place: Kazan, kind: statement}\n",
        encoding="utf-8",
    )
    out = tmp_path / "map.html"
    lenient = run("render", str(events), "-o", str(out))
    assert lenient.returncode == 0
    assert f"{events}:3" in lenient.stderr and "[date]" in lenient.stderr
    strict = run("render", str(events), "-o", str(out), "--strict")
    assert strict.returncode == 1


def test_nothing_valid_is_a_failure_and_writes_nothing(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text("events:\n  - {date: 2024-10-24, place: Xqzzyville}\n", encoding="utf-8")
    for target in ("map.html", "out.gpkg"):
        verb = "render" if target.endswith(".html") else "export"
        r = run(verb, str(events), "-o", str(tmp_path / target))
        assert r.returncode == 2
        assert "unknown place 'Xqzzyville'" in r.stderr
        assert not (tmp_path / target).exists()


def test_missing_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    r = run("render", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "m.html"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "nope.yaml" in r.stderr


def test_route_options_change_the_map(tmp_path: Path) -> None:
    plain, animated, unlabelled = (tmp_path / n for n in ("plain.html", "animated.html", "unlabelled.html"))
    assert run("render", str(EXAMPLE), "-o", str(plain), "-q").returncode == 0
    assert run("render", str(EXAMPLE), "-o", str(animated), "-q", "--animate-routes").returncode == 0
    assert run("render", str(EXAMPLE), "-o", str(unlabelled), "-q", "--no-route-labels").returncode == 0
    html = plain.read_text(encoding="utf-8")
    assert animated.read_text(encoding="utf-8") != html
    assert "2024-10 · 1,500" in html and "2024-10 · 1,500" not in unlabelled.read_text(encoding="utf-8")
