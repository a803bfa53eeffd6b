"""Users' layers: loaded from a file, a module or the geomap.layers entry points; clear errors.

The command line is run for real (a subprocess) with real files, including a third-party
package that declares a layer in its entry points (a dist-info directory on PYTHONPATH).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_render import count

from geomap.layer import Layer
from geomap.layers import EventsLayer
from geomap.model import Dataset
from geomap.plugins import (
    LayerError,
    available_layers,
    check_features,
    check_layer,
    load_layer,
    load_layer_class,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kursk" / "events.yaml"
CUSTOM = ROOT / "examples" / "custom_layer.py"

GOOD = '''
from geomap.layer import Layer

class Dot(Layer):
    """One dot in Kursk."""
    name = "Dot"

    def features(self, ctx):
        return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.19, 51.73]},
                 "properties": {"name": "dot"}, "style": {"color": "#ff0000", "radius": 6}}]

class NotALayer:
    pass

class LatLon(Layer):
    name = "Swapped"

    def features(self, ctx):
        return [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[51.7, 36.2], [55.8, 149.1]]}}]

class Explodes(Layer):
    def features(self, ctx):
        raise RuntimeError("no data for the front line")

class NeedsArgs(Layer):
    def __init__(self, points):
        super().__init__()

thing = 3
'''


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture
def layers_py(tmp_path: Path) -> Path:
    path = tmp_path / "my_layers.py"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_load_from_a_file_and_from_entry_points(layers_py: Path) -> None:
    cls = load_layer_class(f"{layers_py}:Dot")
    assert issubclass(cls, Layer) and cls.__name__ == "Dot"
    assert load_layer_class(f"{CUSTOM}:FrontLine").__name__ == "FrontLine"
    assert load_layer_class("events") is EventsLayer
    assert load_layer_class("geomap.layers.places:PlacesLayer").__name__ == "PlacesLayer"
    assert isinstance(load_layer("routes"), Layer)
    names = {i.name: i for i in available_layers()}
    assert {"events", "places", "routes", "basemap"} <= set(names)
    assert names["events"].target == "geomap.layers.events:EventsLayer" and names["events"].summary


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{dir}/missing.py:X", r"missing\.py: no such file"),
        ("{file}:Nope", r"my_layers\.py: has no class 'Nope' \(Layer classes there: Dot, Explodes, LatLon, NeedsArgs\)"),
        ("{file}:NotALayer", r"my_layers\.py: class 'NotALayer' is not a Layer"),
        ("{file}:thing", r"my_layers\.py: 'thing' is a int, not a class"),
        ("{file}:NeedsArgs", r"my_layers\.py: NeedsArgs\(\) cannot be made without arguments"),
        ("{file}", r"my_layers\.py: name the class too, as .*my_layers\.py:ClassName"),
        ("frontline", r"no layer named 'frontline' in the 'geomap.layers' entry points \(known: basemap, "),
        ("no_such_module_xyz:Layer", r"cannot import module 'no_such_module_xyz'"),
    ],
)
def test_bad_specs_name_the_file_and_the_problem(layers_py: Path, spec: str, message: str) -> None:
    with pytest.raises(LayerError, match=message) as info:
        load_layer(spec.format(dir=layers_py.parent, file=layers_py))
    assert "\n" not in str(info.value)


def test_a_file_that_raises_on_import_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import math\n\nVALUE = 1 / 0\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"broken\.py:3: raises ZeroDivisionError on import: division by zero"):
        load_layer(f"{path}:X")
    path.write_text("def f(:\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"broken\.py:1: syntax error"):
        load_layer(f"{path}:X")


def test_malformed_features_are_refused(layers_py: Path) -> None:
    ds = Dataset()
    assert len(check_layer(load_layer(f"{layers_py}:Dot"), ds)) == 1
    with pytest.raises(LayerError, match=r"my_layers\.py: LatLon: feature 1: position \[55\.8, 149\.1\] is outside"):
        check_layer(load_layer(f"{layers_py}:LatLon"), ds)
    with pytest.raises(LayerError, match=r"Explodes\.features\(\) raises RuntimeError: no data for the front line"):
        check_layer(load_layer(f"{layers_py}:Explodes"), ds)
    bad = [
        ({"type": "Feature"}, "geometry must be one of"),
        ({"type": "Feature", "geometry": {"type": "Circle", "coordinates": [0, 0]}}, "got 'Circle'"),
        ({"type": "Feature", "geometry": {"type": "Point", "coordinates": ["a", 1]}}, "finite numbers"),
        ({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}}, "non-empty"),
        ({"geometry": {"type": "Point", "coordinates": [0, 0]}}, "not a GeoJSON-like feature"),
        ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "style": "red"}, "'style' must be a dict"),
    ]
    for feature, message in bad:
        with pytest.raises(LayerError, match=message):
            check_features([feature], "x.py: L")
    with pytest.raises(LayerError, match="must return a list of features, got dict"):
        check_features({"type": "FeatureCollection"}, "x.py: L")


def test_render_with_a_users_layer(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    r = run("render", str(EXAMPLE), "--layer", f"{CUSTOM}:FrontLine", "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert count(html, "geomap-frontline") == 1 and "Front line (approximate, Nov 2024)" in html
    assert count(html, "geomap-event") == 6  # the built-in layers are all still there


def test_a_broken_layer_fails_clearly_unless_keep_going(layers_py: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    for spec, message in (
        (f"{layers_py}:LatLon", "LatLon: feature 1: position [55.8, 149.1] is outside"),
        (f"{layers_py}:Explodes", "Explodes.features() raises RuntimeError"),
        (f"{tmp_path}/nope.py:X", "nope.py: no such file"),
    ):
        r = run("render", str(EXAMPLE), "--layer", spec, "-o", str(out))
        assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert not out.exists()
        r = run("render", str(EXAMPLE), "--layer", spec, "--layer", f"{layers_py}:Dot", "--keep-going", "-o", str(out))
        assert r.returncode == 0, r.stderr
        assert message in r.stderr and "left out (--keep-going)" in r.stderr and "Traceback" not in r.stderr
        html = out.read_text(encoding="utf-8")
        assert count(html, "geomap-event") == 6 and count(html, "geomap-dot") == 1  # the rest is drawn
        out.unlink()


def test_third_party_entry_point_is_listed_and_loadable(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "heatmaps_for_geomap-0.1.dist-info").mkdir(parents=True)
    (site / "heatmaps_for_geomap-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: heatmaps-for-geomap\nVersion: 0.1\n", encoding="utf-8"
    )
    (site / "heatmaps_for_geomap-0.1.dist-info" / "entry_points.txt").write_text(
        "[geomap.layers]\nheat = heatmaps_for_geomap:Heat\n", encoding="utf-8"
    )
    (site / "heatmaps_for_geomap.py").write_text(
        textwrap.dedent(
            '''
            from geomap.layer import Layer, point_feature

            class Heat(Layer):
                """Event density as graded circles."""
                name = "Heat"

                def features(self, ctx):
                    return [point_feature(e.place.lat, e.place.lon, {}, {"color": "#e8590c", "radius": 12})
                            for e in ctx.placed_events]
            '''
        ),
        encoding="utf-8",
    )
    env = {"PYTHONPATH": str(site)}
    r = run("layers", env=env)
    assert r.returncode == 0, r.stderr
    line = next(line for line in r.stdout.splitlines() if line.startswith("heat "))
    assert "heatmaps_for_geomap:Heat" in line and "Event density as graded circles." in line
    assert any(line.startswith("events ") for line in r.stdout.splitlines())
    out = tmp_path / "map.html"
    r = run("render", str(EXAMPLE), "--layer", "heat", "-o", str(out), env=env)
    assert r.returncode == 0, r.stderr
    assert count(out.read_text(encoding="utf-8"), "geomap-heat") == 6  # one circle per placed event
    gpkg = tmp_path / "k.gpkg"
    r = run("export", str(EXAMPLE), "--layer", "heat", "-o", str(gpkg), env=env)
    assert r.returncode == 0, r.stderr
    import pyogrio

    assert pyogrio.read_info(gpkg, layer="heat")["features"] == 6
