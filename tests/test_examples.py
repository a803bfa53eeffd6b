"""The examples and the README's snippets run, so the documentation cannot drift from the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from test_render import count

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SECTIONS = ("Make an HTML map", "Open in QGIS", "Write your own layer")


def run_example(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r


def readme_snippets(heading: str) -> list[str]:
    """The ```python blocks of one '## heading' section of README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README.md has no section '## {heading}'"
    return re.findall(r"^```python\n(.*?)^```", match.group(1), flags=re.M | re.S)


def test_custom_layer_example(tmp_path: Path) -> None:
    out = tmp_path / "frontline.html"
    run_example("custom_layer.py", str(out), cwd=tmp_path)
    html = out.read_text(encoding="utf-8")
    assert count(html, "geomap-frontline") == 1 and count(html, "geomap-event") == 6
    assert "front line (approximate)" in html  # its legend entry


def test_step_by_step_example(tmp_path: Path) -> None:
    r = run_example("kursk_step_by_step.py", str(tmp_path / "out"), cwd=tmp_path)
    assert "6 events (0 without a place), 3 movements" in r.stdout
    html = (tmp_path / "out" / "kursk.html").read_text(encoding="utf-8")
    assert count(html, "geomap-event") == 6 and count(html, "geomap-route") == 3
    assert count(html, "geomap-frontline") == 1
    gpkg = tmp_path / "out" / "kursk.gpkg"
    layers = [str(n) for n, _ in pyogrio.list_layers(gpkg)]
    assert layers == ["events", "places", "routes", "front_line_approximate_nov_2024", "layer_styles"]


def test_export_for_qgis_example(tmp_path: Path) -> None:
    r = run_example("export_for_qgis.py", str(tmp_path / "out"), cwd=tmp_path)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "kursk.csv", "kursk.events.geojson", "kursk.gpkg", "kursk.kml", "kursk.places.geojson",
        "kursk.routes.geojson",
    ]  # fmt: skip
    assert "kursk.gpkg: events, places, routes, layer_styles" in r.stdout
    assert "kursk.kml: events, places, routes" in r.stdout


@pytest.mark.parametrize("heading", SECTIONS)
def test_readme_section_snippets_run(heading: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snippets = readme_snippets(heading)
    assert snippets, f"README section '{heading}' has no python snippet"
    (tmp_path / "examples").symlink_to(EXAMPLES)  # the snippets use paths as seen from the project
    monkeypatch.chdir(tmp_path)
    for code in snippets:
        exec(compile(code, f"README.md ({heading})", "exec"), {"__name__": "__readme__"})
    made = {p.name for p in tmp_path.iterdir()}
    expected = {
        "Make an HTML map": {"kursk.html"},
        "Open in QGIS": {"kursk.gpkg", "kursk.events.geojson", "kursk.routes.geojson", "kursk.kml"},
        "Write your own layer": {"front.html", "front.gpkg"},
    }[heading]
    assert expected <= made, sorted(made)
    if heading == "Write your own layer":
        assert count((tmp_path / "front.html").read_text(encoding="utf-8"), "geomap-frontline") == 1
        layers = [str(n) for n, _ in pyogrio.list_layers(tmp_path / "front.gpkg")]
        assert "front_line_1_nov_2024" in layers
    if heading == "Make an HTML map":
        html = (tmp_path / "kursk.html").read_text(encoding="utf-8")
        assert count(html, "geomap-event") == 6 and "North Korean troops sent to Russia" in html


def test_readme_names_only_commands_that_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for flag in ("--layer", "--keep-going"):
        assert flag in text
    r = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "render", "--help"], capture_output=True, text=True, timeout=60,
        env={**os.environ},
    )  # fmt: skip
    assert "--layer" in r.stdout and "--keep-going" in r.stdout
