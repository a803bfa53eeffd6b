"""The exported GeoPackage in real QGIS (headless): layers, types, stored styles, time, rendering.

QGIS imports only in the system interpreter (/usr/bin/python3; Debian's python3-qgis), so the
test exports with geomap here and runs this same file there as a script (``__main__`` below),
which prints what QGIS saw as JSON. QGIS 3.22 may crash on exit, so the script deletes its
layers, calls exitQgis() and leaves with os._exit(rc): a crash at exit cannot hide a result.
Without QGIS the test skips and says why, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SYSTEM_PYTHON = os.environ.get("GEOMAP_QGIS_PYTHON", "/usr/bin/python3")  # Debian's, where qgis imports
QGIS_ENV = {"QT_QPA_PLATFORM": "offscreen", "TZ": "UTC", "XDG_RUNTIME_DIR": "/tmp"}


# ---- the part that runs inside QGIS (system python) ----------------------------------------
def _colour(c: Any) -> str:
    return c.name()  # '#rrggbb'


def inspect_in_qgis(gpkg: str, png: str, start: str, end: str, *extra: str) -> dict[str, Any]:
    """Load each layer of the GeoPackage as a QGIS user would and report what QGIS sees."""
    from qgis.core import (  # type: ignore[import-not-found]
        QgsDateTimeRange,
        QgsFeatureRequest,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
        QgsVectorLayerTemporalContext,
    )
    from qgis.PyQt.QtCore import QDateTime, QSize, Qt  # type: ignore[import-not-found]
    from qgis.PyQt.QtGui import QColor  # type: ignore[import-not-found]

    out: dict[str, Any] = {"layers": {}}
    layers = []
    for name in ("events", "places", "routes", *extra):
        # As QGIS desktop adds a layer (QgsAppLayerHandling): construct, then load the default style;
        # 3.22's constructor alone applies the stored renderer but resets the temporal settings.
        options = QgsVectorLayer.LayerOptions()
        options.loadDefaultStyle = False
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr", options)
        layers.append(layer)
        message, loaded = layer.loadDefaultStyle()
        info: dict[str, Any] = {
            "style": [message, loaded],
            "valid": layer.isValid(),
            "crs": layer.crs().authid(),
            "count": layer.featureCount(),
            "fields": {f.name(): f.typeName() for f in layer.fields()},
        }
        renderer = layer.renderer()
        info["renderer"] = renderer.type() if renderer else None
        if renderer and renderer.type() == "categorizedSymbol":
            info["attr"] = renderer.classAttribute()
            info["categories"] = {
                str(c.value()): [_colour(c.symbol().color()), c.symbol().symbolLayer(0).shape()]
                for c in renderer.categories()
            }
        elif renderer and renderer.type() == "singleSymbol":
            sl = renderer.symbol().symbolLayer(0)
            info["symbol"] = [_colour(sl.fillColor()), _colour(sl.strokeColor())]
            info["symbol_layer"] = sl.layerType()
        elif renderer and renderer.type() == "RuleRenderer":
            info["rules"] = {
                r.filterExpression(): [
                    _colour(r.symbol().color()),
                    r.symbol().symbolLayer(0).useCustomDashPattern(),
                    round(r.symbol().symbolLayer(0).color().alphaF(), 2),
                ]
                for r in renderer.rootRule().children()
            }
        temporal = layer.temporalProperties()
        info["temporal"] = {
            "active": temporal.isActive(),
            "mode": int(temporal.mode()),
            "start_field": temporal.startField(),
        }
        if name == "events":
            context = QgsVectorLayerTemporalContext()
            context.setLayer(layer)
            window = QgsDateTimeRange(
                QDateTime.fromString(start, Qt.ISODate), QDateTime.fromString(end, Qt.ISODate)
            )
            expr = temporal.createFilterString(context, window)
            request = QgsFeatureRequest().setFilterExpression(expr)
            info["in_window"] = sorted(f["event_id_cnty"] for f in layer.getFeatures(request))
            info["filter"] = expr
            info["date_types"] = [
                str(f["event_date"].__class__.__name__) for f in layer.getFeatures(QgsFeatureRequest().setLimit(1))
            ]
        out["layers"][name] = info

    # The SLD copies (for clients other than QGIS), read by QGIS's own SLD parser.
    import sqlite3

    with sqlite3.connect(gpkg) as con:
        slds = dict(con.execute("SELECT f_table_name, styleSLD FROM layer_styles"))
    out["sld"] = {}
    for name in ("events", "routes"):
        sld_path = Path(png).with_name(f"{name}.sld")
        sld_path.write_text(slds[name], encoding="utf-8")
        options = QgsVectorLayer.LayerOptions()
        options.loadDefaultStyle = False
        plain = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr", options)
        message, ok = plain.loadSldStyle(str(sld_path))
        rules = plain.renderer().rootRule().children() if plain.renderer().type() == "RuleRenderer" else []
        out["sld"][name] = {
            "ok": ok,
            "renderer": plain.renderer().type(),
            "colours": sorted({_colour(r.symbol().color()) for r in rules}),
        }
        del plain

    settings = QgsMapSettings()
    settings.setLayers(layers)
    extent = QgsRectangle()
    for layer in layers:
        extent.combineExtentWith(layer.extent())
    extent.scale(1.1)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(800, 500))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setDestinationCrs(layers[0].crs())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    white = QColor(255, 255, 255).rgb()
    painted = sum(
        1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2) if image.pixel(x, y) != white
    )
    colours = {QColor(image.pixel(x, y)).name() for y in range(image.height()) for x in range(image.width())}
    out["render"] = {"painted_pixels_sampled": painted, "colours": sorted(colours)[:2000]}
    del layers, layer, renderer, temporal
    return out


def edit_in_qgis(gpkg: str) -> dict[str, Any]:
    """Edit the events layer as a QGIS user would: move one feature, add one, save."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer  # type: ignore[import-not-found]
    from qgis.PyQt.QtCore import QDate  # type: ignore[import-not-found]

    layer = QgsVectorLayer(f"{gpkg}|layername=events", "events", "ogr")
    assert layer.isValid(), "events layer not valid"
    layer.startEditing()
    moved = next(f for f in layer.getFeatures() if f["event_id_cnty"] == "putin-kazan")
    layer.changeGeometry(moved.id(), QgsGeometry.fromPointXY(QgsPointXY(49.2, 55.9)))
    added = QgsFeature(layer.fields())
    added.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(35.27, 51.19)))
    for name, value in {
        "event_id_cnty": "added-in-qgis",
        "event_date": QDate(2024, 11, 1),
        "location": "Sudzha",
        "kind": "strike",
        "actor1": "Ukrainian armed forces",
        "status": "reported",
        "notes": "added by hand in QGIS",
    }.items():
        added.setAttribute(layer.fields().indexOf(name), value)
    layer.addFeature(added)
    ok = layer.commitChanges()
    result = {"committed": ok, "messages": layer.commitErrors(), "count": layer.featureCount()}
    del layer
    return result


def geojson_in_qgis(paths: list[str]) -> dict[str, Any]:
    """Each GeoJSON file as QGIS opens it: valid, one sublayer (one geometry type), its count."""
    from qgis.core import QgsVectorLayer, QgsWkbTypes  # type: ignore[import-not-found]

    out = {}
    for path in paths:
        layer = QgsVectorLayer(path, Path(path).name, "ogr")
        out[Path(path).name] = {
            "valid": layer.isValid(),
            "sublayers": len(layer.dataProvider().subLayers()),
            "geometry": QgsWkbTypes.displayString(layer.wkbType()),
            "count": layer.featureCount(),
            "crs": layer.crs().authid(),
        }
        del layer
    return out


def _main(argv: list[str]) -> None:
    import gc

    from qgis.core import QgsApplication  # type: ignore[import-not-found]

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    rc = 0
    try:
        if argv[0] == "--edit":
            print(json.dumps(edit_in_qgis(argv[1])))
        elif argv[0] == "--geojson":
            print(json.dumps(geojson_in_qgis(argv[1:])))
        else:
            print(json.dumps(inspect_in_qgis(*argv)))
    except Exception as exc:  # report, then still exit cleanly below
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        rc = 1
    sys.stdout.flush()
    gc.collect()
    app.exitQgis()
    os._exit(rc)


if __name__ == "__main__":
    _main(sys.argv[1:])


# ---- the test (the project's venv) ------------------------------------------------------------
try:
    import pytest
except ImportError:  # running as the QGIS script under the system interpreter
    pytest = None  # type: ignore[assignment]


def _qgis_available() -> str | None:
    """None if /usr/bin/python3 imports qgis, else why not."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} does not exist"
    r = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"],
        capture_output=True,
        text=True,
        env={**os.environ, **QGIS_ENV},
        timeout=60,
    )
    if r.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import qgis (install python3-qgis qgis-providers: make sysdeps)"
    return None


if pytest is not None:

    @pytest.fixture(scope="module")
    def qgis_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
        reason = _qgis_available()
        if reason:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true but QGIS is not usable: {reason}")
            pytest.skip(reason)
        from geomap.geocode import resolve_dataset
        from geomap.io import export, read_events

        out = tmp_path_factory.mktemp("qgis")
        dataset = read_events(Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml")
        resolve_dataset(dataset)
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
        from custom_layer import FrontLine

        export(dataset, out / "kursk.gpkg", extra_layers=[FrontLine()])
        report = _run_qgis(
            str(out / "kursk.gpkg"), str(out / "kursk.png"), "2024-10-22T00:00:00", "2024-10-24T23:59:59",
            "front_line_approximate_nov_2024", cwd=out,
        )  # fmt: skip
        report["png"] = str(out / "kursk.png")
        return report

    def _run_qgis(*args: str, cwd: Path) -> dict[str, Any]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        r = subprocess.run(
            [SYSTEM_PYTHON, __file__, *args], capture_output=True, text=True, env={**env, **QGIS_ENV},
            timeout=180, cwd=cwd,
        )  # fmt: skip
        lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
        assert lines, f"no report from QGIS (rc {r.returncode}): {r.stderr[-2000:]}"
        report = json.loads(lines[-1])
        assert "error" not in report, report.get("error")
        assert r.returncode == 0, r.stderr[-2000:]
        return report

    def test_a_geopackage_edited_in_qgis_reads_back_with_nothing_lost(
        qgis_report: dict[str, Any], tmp_path: Path
    ) -> None:
        import dataclasses
        import datetime as dt

        from geomap.geocode import resolve_dataset
        from geomap.io import export, read_events

        original = read_events(Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml")
        resolve_dataset(original)
        path = tmp_path / "edited.gpkg"
        export(original, path)
        before = read_events(path)
        report = _run_qgis("--edit", str(path), cwd=tmp_path)
        assert report == {
            "committed": True,
            "messages": ["SUCCESS: 1 geometries were changed.", "SUCCESS: 1 feature(s) added."],
            "count": 7,
        }
        after = read_events(path)
        assert after.problems == []
        assert [e.id for e in after.events] == [e.id for e in before.events] + ["added-in-qgis"]
        for old, new in zip(before.events, after.events, strict=False):
            assert new.place is not None and old.place is not None
            if old.id == "putin-kazan":
                assert (new.place.lon, new.place.lat) == (49.2, 55.9)  # moved: the geometry wins
            else:
                assert (new.place.lon, new.place.lat) == (old.place.lon, old.place.lat)
            strip = {"place": None, "line": None}
            assert dataclasses.replace(new, **strip) == dataclasses.replace(old, **strip), old.id
        added = after.events[-1]
        assert (added.date, added.location, str(added.kind), added.actor) == (
            dt.date(2024, 11, 1), "Sudzha", "strike", "Ukrainian armed forces"
        )  # fmt: skip
        assert added.place is not None and (added.place.lon, added.place.lat) == (35.27, 51.19)
        assert [m.legs for m in after.movements] == [m.legs for m in before.movements]

    def test_geojson_files_open_as_one_layer_each(qgis_report: dict[str, Any], tmp_path: Path) -> None:
        from geomap.geocode import resolve_dataset
        from geomap.io import export, read_events

        dataset = read_events(Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml")
        resolve_dataset(dataset)
        written = export(dataset, tmp_path / "kursk.geojson")
        combined = export(dataset, tmp_path / "all.json")  # the one-file form, for contrast
        report = _run_qgis("--geojson", *written, *combined, cwd=tmp_path)
        mixed = report.pop("all.json")
        assert mixed["sublayers"] == 2  # points and lines: QGIS would ask which to load
        assert report == {
            "kursk.events.geojson": {"valid": True, "sublayers": 1, "geometry": "Point", "count": 6, "crs": "EPSG:4326"},
            "kursk.places.geojson": {"valid": True, "sublayers": 1, "geometry": "Point", "count": 8, "crs": "EPSG:4326"},
            "kursk.routes.geojson": {
                "valid": True, "sublayers": 1, "geometry": "MultiLineString", "count": 3, "crs": "EPSG:4326"
            },
        }  # fmt: skip

    def test_layers_valid_wgs84_with_counts(qgis_report: dict[str, Any]) -> None:
        layers = qgis_report["layers"]
        assert {name: (i["valid"], i["crs"], i["count"]) for name, i in layers.items()} == {
            "events": (True, "EPSG:4326", 6),
            "places": (True, "EPSG:4326", 8),
            "routes": (True, "EPSG:4326", 3),
            "front_line_approximate_nov_2024": (True, "EPSG:4326", 1),
        }
        assert all(i["style"] == ["Loaded from Provider", True] for i in layers.values())

    def test_a_users_layer_is_styled_as_on_the_html_map(qgis_report: dict[str, Any]) -> None:
        front = qgis_report["layers"]["front_line_approximate_nov_2024"]
        assert front["renderer"] == "singleSymbol" and front["symbol_layer"] == "SimpleFill"
        assert front["symbol"] == ["#74c0fc", "#1c7ed6"]  # fillColor, color of examples/custom_layer.py

    def test_date_fields_are_dates(qgis_report: dict[str, Any]) -> None:
        events = qgis_report["layers"]["events"]
        assert events["fields"]["event_date"] == "Date"
        assert events["fields"]["start"] == "Date" and events["fields"]["end"] == "Date"
        assert events["date_types"] == ["QDate"]
        assert qgis_report["layers"]["routes"]["fields"]["event_date"] == "Date"

    def test_stored_styles_are_applied(qgis_report: dict[str, Any]) -> None:
        from geomap.layer import ACTOR_COLOURS
        from geomap.layers.events import KIND_STYLES

        events = qgis_report["layers"]["events"]
        assert events["renderer"] == "categorizedSymbol" and events["attr"] == "kind"
        assert events["categories"]["deployment"][0] == KIND_STYLES["deployment"][0]  # type: ignore[index]
        assert events["categories"]["statement"][0] == KIND_STYLES["statement"][0]  # type: ignore[index]
        assert {k: v[0] for k, v in events["categories"].items()} == {
            str(k): v[0] for k, v in KIND_STYLES.items()
        }
        places = qgis_report["layers"]["places"]
        assert places["renderer"] == "singleSymbol" and places["symbol"] == ["#ffffff", "#222222"]
        routes = qgis_report["layers"]["routes"]
        assert routes["renderer"] == "RuleRenderer"
        colours = {v[0] for v in routes["rules"].values()}
        assert colours <= set(ACTOR_COLOURS) and colours
        dashed = {expr: v[1] for expr, v in routes["rules"].items()}
        assert any(dashed.values()) and not all(dashed.values())  # reported dashed, confirmed solid

    def test_events_are_ready_for_the_temporal_controller(qgis_report: dict[str, Any]) -> None:
        events = qgis_report["layers"]["events"]
        assert events["temporal"] == {"active": True, "mode": 1, "start_field": "event_date"}
        # 22-24 October 2024: the events of the 22nd and the 24th, not the 17th, 18th, 25th, 28th
        dates = {"2024-10-22", "2024-10-24"}
        from geomap.geocode import resolve_dataset
        from geomap.io import read_events

        ds = read_events(Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml")
        resolve_dataset(ds)
        expected = sorted(e.id for e in ds.events if e.date and e.date.isoformat() in dates)
        assert expected and events["in_window"] == expected
        assert qgis_report["layers"]["places"]["temporal"]["active"] is False
        routes = qgis_report["layers"]["routes"]["temporal"]
        assert routes == {"active": True, "mode": 2, "start_field": "start"}  # start to end of each route

    def test_sld_copies_read_by_qgis(qgis_report: dict[str, Any]) -> None:
        from geomap.layers.events import KIND_STYLES

        sld = qgis_report["sld"]
        assert sld["events"]["ok"] and sld["events"]["renderer"] == "RuleRenderer"
        assert sld["events"]["colours"] == sorted(c for c, _, _ in KIND_STYLES.values())
        assert sld["routes"]["ok"] and sld["routes"]["colours"] == ["#364fc7", "#d6336c"]

    def test_map_renders_to_png(qgis_report: dict[str, Any]) -> None:
        from geomap.layers.events import KIND_STYLES

        png = Path(qgis_report["png"])
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert qgis_report["render"]["painted_pixels_sampled"] > 200
        colours = set(qgis_report["render"]["colours"])
        assert KIND_STYLES["statement"][0] in colours  # type: ignore[index]
