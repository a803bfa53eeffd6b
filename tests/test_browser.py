"""The HTML map in real headless Chromium: offline, drawn, clickable, toggleable and XSS-proof.

Each map is served by a real HTTP server on 127.0.0.1, and every request other than the page
itself is recorded and aborted, so a map that needs any network resource fails here.
"""

from __future__ import annotations

import base64
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_render import NASTY, kursk_dataset, nasty_dataset

from geomap.render import build_map

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screen position of a point along an SVG path (the middle of a curved route is not its bbox centre).
POINT_ON_PATH = """(el, t) => {
  const p = el.getPointAtLength(el.getTotalLength() * t), m = el.getScreenCTM();
  const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
  if (document.elementFromPoint(x, y) !== el) throw new Error("something covers the route at " + t);
  return [x, y];
}"""


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A directory served on 127.0.0.1 (random port) and its base URL."""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@dataclass
class Loaded:
    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_map(browser: object, site: tuple[Path, str], name: str, html: str) -> Loaded:
    root, base = site
    (root / name).write_text(html, encoding="utf-8")
    url = f"{base}/{name}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    loaded = Loaded(page)
    page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
    page.on("pageerror", lambda e: loaded.errors.append(str(e)))

    def route(r: object) -> None:
        if r.request.url == url:  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            loaded.requests.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.locator(".leaflet-control-layers").wait_for()  # added last: the whole map script ran
    return loaded


@pytest.fixture(scope="module")
def kursk_html() -> str:
    return build_map(kursk_dataset(), subtitle="October 2024").to_html()


@pytest.fixture()
def kursk(browser: object, site: tuple[Path, str], kursk_html: str) -> Iterator[Loaded]:
    loaded = open_map(browser, site, "kursk.html", kursk_html)
    yield loaded
    loaded.page.close()  # type: ignore[attr-defined]


def n(page: object, selector: str) -> int:
    return page.locator(selector).count()  # type: ignore[attr-defined]


def test_offline_map_draws_every_feature_without_a_request(kursk: Loaded) -> None:
    page = kursk.page
    assert page.evaluate("L.version") == "1.9.4"  # type: ignore[attr-defined]
    assert n(page, ".geomap-event") == 7
    assert n(page, ".geomap-event-statement") == 3
    assert n(page, "path.geomap-route") == 1
    assert n(page, ".geomap-arrow") == 3
    assert n(page, "path.geomap-place") == 6
    assert n(page, "path.geomap-country") > 150
    assert n(page, ".leaflet-tile") == 0  # online tiles are off by default
    assert kursk.requests == []
    assert kursk.errors == []


def test_popup_opens_on_click_and_shows_the_quote(kursk: Loaded) -> None:
    page = kursk.page
    page.locator(".geomap-event-deployment").nth(1).click()  # type: ignore[attr-defined]
    popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
    popup.wait_for()
    text = popup.inner_text()
    assert "units have been deployed to the Kursk region" in text
    assert "wilayah Kursk" in text and "precision: day" in text
    anchor = popup.locator("a")
    assert anchor.get_attribute("href") == "https://example.org/nato"
    assert anchor.get_attribute("target") == "_blank"
    assert anchor.get_attribute("rel") == "noopener noreferrer"
    assert kursk.errors == [] and kursk.requests == []


def test_route_popup_opens_on_the_line(kursk: Loaded) -> None:
    page = kursk.page
    x, y = page.locator("path.geomap-route").evaluate(POINT_ON_PATH, 0.3)  # type: ignore[attr-defined]
    page.mouse.click(x, y)  # type: ignore[attr-defined]
    popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
    popup.wait_for()
    text = popup.inner_text()
    assert "Korea Utara (North Korea) → Vladivostok → Kursk" in text
    assert "dikirim ke Rusia" in text


def test_layer_control_hides_and_shows_a_layer(kursk: Loaded) -> None:
    page = kursk.page
    statement = page.locator(".leaflet-control-layers-overlays label", has_text="Events: statement")  # type: ignore[attr-defined]
    statement.locator("input").click()
    assert n(page, ".geomap-event-statement") == 0
    assert n(page, ".geomap-event-deployment") == 2  # the others stay
    statement.locator("input").click()
    assert n(page, ".geomap-event-statement") == 3
    routes = page.locator(".leaflet-control-layers-overlays label", has_text="Routes")  # type: ignore[attr-defined]
    routes.locator("input").click()
    assert n(page, "path.geomap-route") == 0 and n(page, ".geomap-arrow") == 0


def test_hostile_text_never_runs(browser: object, site: tuple[Path, str]) -> None:
    html = build_map(nasty_dataset(), subtitle=NASTY).to_html()
    loaded = open_map(browser, site, "nasty.html", html)
    page = loaded.page
    try:
        assert n(page, ".geomap-event") == 1 and n(page, "path.geomap-route") == 1
        marker = page.locator(".geomap-event")  # type: ignore[attr-defined]
        marker.hover()
        tooltip = page.locator(".leaflet-tooltip")  # type: ignore[attr-defined]
        tooltip.wait_for()
        assert "<img src=x onerror=window.__xss=1>" in tooltip.inner_text()
        marker.click()
        popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
        popup.wait_for()
        text = popup.inner_text()
        assert "</script><script>window.__xss=1</script>" in text
        assert "`${window.__xss=1}`" in text and "C:\\path\\2019" in text
        assert "javascript:window.__xss=1" not in [a.get_attribute("href") for a in popup.locator("a").all()]
        x, y = page.locator("path.geomap-route").evaluate(POINT_ON_PATH, 0.5)  # type: ignore[attr-defined]
        page.mouse.click(x, y)  # type: ignore[attr-defined]
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
        assert page.title() == NASTY  # type: ignore[attr-defined]
        assert n(page, "img[src='x']") == 0
        assert n(page, "a[href^='javascript']") == 0
        assert page.evaluate("typeof window.__xss") == "undefined"  # type: ignore[attr-defined]
        assert loaded.errors == [] and loaded.requests == []
    finally:
        page.close()  # type: ignore[attr-defined]


def test_screenshot_shows_routes_and_markers(kursk: Loaded, tmp_path: Path) -> None:
    page = kursk.page
    shot = tmp_path / "kursk.png"
    page.screenshot(path=str(shot))  # type: ignore[attr-defined]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Decode the PNG in the browser and count pixels of the route's and the markers' colours.
    counts = page.evaluate(  # type: ignore[attr-defined]
        """async (b64) => {
          const img = new Image(); img.src = "data:image/png;base64," + b64; await img.decode();
          const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
          const g = c.getContext("2d"); g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data;
          const want = {route: [0xd6, 0x33, 0x6c], deployment: [0xb8, 0x28, 0x2e], statement: [0x25, 0x63, 0xb0],
                        sea: [0xcf, 0xe2, 0xee]};
          const out = {route: 0, deployment: 0, statement: 0, sea: 0, total: d.length / 4};
          for (let i = 0; i < d.length; i += 4) {
            for (const [k, [r, gg, b]] of Object.entries(want)) {
              if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - gg) < 12 && Math.abs(d[i + 2] - b) < 12) out[k]++;
            }
          }
          return out;
        }""",
        base64.b64encode(shot.read_bytes()).decode(),
    )
    assert counts["route"] > 300, counts  # the dashed great circle across Russia
    assert counts["deployment"] > 200, counts  # two red squares
    assert counts["statement"] > 200, counts  # three speech bubbles
    assert 0.2 < counts["sea"] / counts["total"] < 0.9, counts  # a map, not a blank page


def test_plain_folium_objects_in_a_user_layer_still_work(browser: object, site: tuple[Path, str]) -> None:
    """jQuery (folium's popups) and Leaflet's default marker icon are inlined too."""
    import folium

    from geomap.html import esc
    from geomap.layer import Layer, RenderContext

    class Pins(Layer):
        name = "Pins"

        def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
            group = self.feature_group()
            popup = folium.Popup(esc("Checkpoint <7> `${x}` C:\\tmp"), max_width=200)
            folium.Marker([50.5, 36.5], popup=popup, tooltip=esc("pin")).add_to(group)
            group.add_to(fmap)

        def bounds(self, ctx: RenderContext) -> list[tuple[float, float]]:
            return [(50.5, 36.5)]

    html = build_map(kursk_dataset(), layers=[Pins()]).to_html()
    loaded = open_map(browser, site, "pins.html", html)
    page = loaded.page
    try:
        icon = page.locator("img.leaflet-marker-icon")  # type: ignore[attr-defined]
        assert icon.get_attribute("src").startswith("data:image/png;base64,")
        icon.click()
        popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
        popup.wait_for()
        assert popup.inner_text().strip() == "Checkpoint <7> `${x}` C:\\tmp"
        assert loaded.errors == [] and loaded.requests == []
    finally:
        page.close()  # type: ignore[attr-defined]


def test_online_tiles_are_off_until_chosen(kursk: Loaded) -> None:
    page = kursk.page
    assert kursk.requests == []
    page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").locator("input").click()  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert kursk.requests and all(u.startswith("https://tile.openstreetmap.org/") for u in kursk.requests)
    assert n(page, "path.geomap-country") > 150  # offline, the outlines are still there


def test_stock_folium_icon_heatmap_and_cluster_work_offline(browser: object, site: tuple[Path, str]) -> None:
    """folium objects added to folium_map (after a first render) draw with no request and no error."""
    import folium
    from folium.plugins import HeatMap, MarkerCluster

    gmap = build_map(kursk_dataset(), subtitle="October 2024")
    gmap.to_html()
    folium.Marker([51.0, 36.0], icon=folium.Icon(color="red")).add_to(gmap.folium_map)
    HeatMap([[50.0, 36.0, 1.0], [50.4, 36.3, 2.0], [50.8, 35.9, 1.5]], name="Heat").add_to(gmap.folium_map)
    cluster = MarkerCluster(name="Clustered").add_to(gmap.folium_map)
    for i in range(30):
        folium.Marker([50.0 + i * 0.001, 35.0 + i * 0.001]).add_to(cluster)
    loaded = open_map(browser, site, "stock.html", gmap.to_html())
    page = loaded.page
    try:
        assert loaded.errors == [] and loaded.requests == []
        assert n(page, ".awesome-marker.awesome-marker-icon-red") == 1
        background = page.locator(".awesome-marker-icon-red").evaluate("e => getComputedStyle(e).backgroundImage")  # type: ignore[attr-defined]
        assert background.startswith('url("data:image/png;base64,')
        assert n(page, "canvas.leaflet-heatmap-layer") == 1
        assert n(page, ".marker-cluster") >= 1
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()  # type: ignore[attr-defined]
        assert any("Heat" in t for t in labels) and any("Clustered" in t for t in labels)
        assert n(page, ".geomap-time") == 1  # the slider survived
        assert n(page, ".geomap-event") >= 1  # and geomap's own layers
    finally:
        page.close()  # type: ignore[attr-defined]


def test_page_elements_turned_off_leave_a_working_map(browser: object, site: tuple[Path, str]) -> None:
    gmap = build_map(kursk_dataset()).without("time slider", "legend")
    loaded = open_map(browser, site, "bare.html", gmap.to_html())
    page = loaded.page
    try:
        assert loaded.errors == [] and loaded.requests == []
        assert n(page, ".geomap-time") == 0 and n(page, ".geomap-legend") == 0
        assert n(page, ".geomap-title") == 1 and n(page, ".geomap-event") >= 1
    finally:
        page.close()  # type: ignore[attr-defined]
