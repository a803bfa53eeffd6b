"""Maps as pictures (PNG/PDF) for publication, drawn by the real headless Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from test_browser import browser  # noqa: F401, F811 - a fixture

from geomap.snapshot import _printable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kursk" / "events.yaml"
ROUTE = (0xD6, 0x33, 0x6C)  # the North Korean forces' route colour in the example


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=180, env=env)  # fmt: skip


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tol: int = 14) -> bool:
    return all(abs(a - b) < tol for a, b in zip(pixel[:3], colour, strict=True))


@pytest.mark.browser
def test_render_png_is_a_full_size_picture_of_the_map(chromium: str, tmp_path: Path) -> None:
    out = tmp_path / "kursk.png"
    r = run("render", str(EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    with Image.open(out) as img:
        assert img.size == (1600, 1000)
        rgb = img.convert("RGB")
        pixels = list(rgb.get_flattened_data())
    route = sum(1 for p in pixels if _near(p, ROUTE))
    assert route > 300  # the great circle across Russia is in the picture
    assert len(set(pixels[:: 97])) > 20  # a map, not a blank page
    assert oct(out.stat().st_mode & 0o777) in ("0o644", "0o664", "0o666")
    assert not list(tmp_path.glob(".*.tmp*"))  # no temporary left beside it


@pytest.mark.browser
def test_render_pdf_and_custom_size(chromium: str, tmp_path: Path) -> None:
    out = tmp_path / "kursk.pdf"
    r = run("render", str(EXAMPLE), "-o", str(out), "--size", "1200x800")
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 900) < 2 and abs(float(h) - 600) < 2 for w, h in boxes)  # px x 0.75 = pt
    assert len(boxes) == 1  # one page: the whole map


@pytest.mark.browser
def test_the_picture_keeps_title_legend_and_sources_and_drops_the_controls(browser: object, tmp_path: Path) -> None:  # noqa: F811
    from geomap.io import read_events
    from geomap.render import build_map

    dataset = read_events(EXAMPLE)
    from geomap.geocode import resolve_dataset

    resolve_dataset(dataset)
    page_file = tmp_path / "print.html"
    page_file.write_text(_printable(build_map(dataset).to_html(), 1600, 1000), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    try:
        page.goto(page_file.as_uri())
        page.wait_for_timeout(500)
        for hidden in (".leaflet-control-zoom", ".leaflet-control-layers", ".geomap-time"):
            assert page.locator(hidden).count() == 0 or not page.locator(hidden).first.is_visible(), hidden
        for shown in (".geomap-title", ".geomap-legend", ".geomap-sources", ".leaflet-control-attribution"):
            assert page.locator(shown).first.is_visible(), shown
    finally:
        page.close()


def test_without_chromium_the_error_says_how_to_get_it_and_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "kursk.png"
    out.write_bytes(b"earlier picture")
    env = {**os.environ, "GEOMAP_CHROMIUM": str(tmp_path / "no-such-browser")}
    r = run("render", str(EXAMPLE), "-o", str(out), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "GEOMAP_CHROMIUM" in r.stderr and "not an executable" in r.stderr
    assert out.read_bytes() == b"earlier picture"


@pytest.mark.parametrize("size", ["10x10", "1600", "axb", "9000x100"])
def test_bad_sizes_name_the_option(size: str, tmp_path: Path) -> None:
    r = run("render", str(EXAMPLE), "-o", str(tmp_path / "x.png"), "--size", size)
    assert r.returncode == 2 and "--size" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()
