"""The time slider, route labels and clustered events: their data in the page and in Chromium."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARGS, Loaded, n, open_map, site  # noqa: F401 - site is a fixture
from test_render import NASTY, drawn, kursk_dataset, nasty_dataset

from geomap.layer import RenderContext, time_span
from geomap.layers import EventsLayer, OfflineBasemap, RoutesLayer
from geomap.layers.cloud import pack_cloud, split_html
from geomap.layers.events import CLUSTER_ABOVE
from geomap.model import Dataset, DatePrecision, Event, EventKind, Place, Source, Status
from geomap.render import build_map

EPOCH = dt.date(1970, 1, 1)


def day(y: int, m: int, d: int) -> int:
    return (dt.date(y, m, d) - EPOCH).days


# -- in the HTML -------------------------------------------------------------------------------


def test_month_and_week_precision_span_their_month_and_week() -> None:
    assert time_span((dt.date(2024, 10, 1), dt.date(2024, 10, 31))) == [day(2024, 10, 1), day(2024, 10, 31)]
    assert time_span(None) is None
    html = build_map(kursk_dataset()).to_html()
    times = {}
    for data, _, opts in drawn(html):
        for f in data["features"]:
            tip = f["properties"].get("tooltip", "")
            if "geomap-event" in opts["className"] and "time" in f["properties"]:
                times[tip.split(":")[0]] = f["properties"]["time"]
            if "geomap-route" in opts["className"].split():
                times["route"] = f["properties"]["time"]
    assert times["Deployment – North Korean army"] in ([day(2024, 10, 1), day(2024, 10, 31)], [day(2024, 10, 28)] * 2)
    assert times["Transit – North Korean army"] == [day(2024, 10, 15), day(2024, 10, 21)]  # a week
    assert times["route"] == [day(2024, 10, 8), day(2024, 10, 28)]  # first leg's week to the last day
    assert "geomapFinish(" in html


def test_route_labels_carry_date_and_quantity_escaped() -> None:
    html = build_map(kursk_dataset()).to_html()
    labels = [f["properties"]["label"] for data, _, o in drawn(html) if "geomap-route-label" in o["className"]
              for f in data["features"]]  # fmt: skip
    assert labels == ["2024-10-28 · 10,000"]
    off = build_map(kursk_dataset(), layers=[RoutesLayer(labels=False)]).to_html()
    assert not [o for _, _, o in drawn(off) if "geomap-route-label" in o["className"]]


def test_animated_routes_keep_their_class_and_get_marching_dashes() -> None:
    html = build_map(kursk_dataset(), layers=[RoutesLayer(animate=True)]).to_html()
    styles = [f["properties"]["style"] for data, _, o in drawn(html) if o["className"] == "geomap-route"
              for f in data["features"]]  # fmt: skip
    assert styles and all(s["className"] == "geomap-route geomap-animated" and s["dashArray"] for s in styles)
    assert "@keyframes geomap-ants" in html


def _unpack(html: str) -> dict:
    packed = re.search(r'geomapCloud\(\n"([A-Za-z0-9+/=]+)"', html)
    assert packed is not None
    return json.loads(gzip.decompress(base64.b64decode(packed.group(1))))


def test_packed_popups_join_back_exactly_and_bytes_repeat() -> None:
    popups = ['<div class="geomap-popup"><h4>x</h4><table class="geomap-table"><tr><th>a</th><td>1</td></tr>'
              '</table><p>d</p><blockquote>q</blockquote></div>', "<div>plain</div>"]  # fmt: skip
    assert "".join(split_html(popups[0])) == popups[0] and len(split_html(popups[0])) == 6
    points = [(50.0, 30.0, [10, 40], 0, popups[0], ["a", "b"]), (51.5, 31.25, None, 1, popups[1], ["a"])]
    kinds = [{"colour": "#000000", "label": "K"}, {"colour": "#ffffff", "label": "L"}]
    assert pack_cloud(points, kinds) == pack_cloud(points, kinds)
    data = json.loads(gzip.decompress(base64.b64decode(pack_cloud(points, kinds))))
    joined = ["".join(data["s"][c[i]] for c in data["p"] if c[i] >= 0) for i in range(2)]
    assert joined == popups
    assert data["t0"] == [10, None] and data["dt"] == [30, 0]
    assert [sum(data["lat"][: i + 1]) for i in range(2)] == [5000000, 5150000]


def scale_dataset(n_random: int = 400) -> Dataset:
    """Random dated events in a box, one lone event far off, three at one spot (month precision)."""
    rng = random.Random(7)
    src = Source("Outlet", "Report", "https://example.org/r")
    events = [
        Event(f"r{i}", f"village {i}", dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366)),
              DatePrecision.DAY, Place(f"V{i}", rng.uniform(45, 55), rng.uniform(30, 40), "UA"), "Unit A",
              EventKind.STRIKE, None, Status.REPORTED, "random", src)
        for i in range(n_random)
    ]  # fmt: skip
    events.append(
        Event("lone", "Lonely", dt.date(2024, 6, 15), DatePrecision.DAY, Place("Lonely", 60.0, 60.0, "RU"),
              "Unit B", EventKind.MEETING, None, Status.CONFIRMED, "far away", src, "lonely quote")
    )  # fmt: skip
    spot = Place("Spot", 40.0, 45.0, "GE")
    events += [
        Event(f"s{i}", "Spot", dt.date(2024, 3, 1), DatePrecision.MONTH, spot, f"Unit S{i}",
              EventKind.DEPLOYMENT, 100 * (i + 1), Status.REPORTED, f"spot event {i}", src, f"spot quote {i}")
        for i in range(3)
    ]  # fmt: skip
    return Dataset(events=events, title="Scale")


def test_many_events_become_one_packed_layer_with_every_popup() -> None:
    ds = scale_dataset()
    html = build_map(ds, layers=[OfflineBasemap(), EventsLayer(cluster=True)]).to_html()
    assert "geomapFeatures(" in html  # the basemap
    assert html.count("geomapCloud(\n") == 1
    data = _unpack(html)
    assert len(data["k"]) == len(ds.events) == 404
    popups = ["".join(data["s"][c[i]] for c in data["p"] if c[i] >= 0) for i in range(404)]
    assert sum("lonely quote" in p for p in popups) == 1
    assert sum("(precision: month)" in p for p in popups) == 3
    assert build_map(ds, layers=[EventsLayer(cluster=True)]).to_html() == build_map(
        ds, layers=[EventsLayer(cluster=True)]
    ).to_html()
    # automatic above the threshold; small maps keep their symbols
    assert EventsLayer().clustered(RenderContext(scale_dataset(CLUSTER_ABOVE)))
    assert not EventsLayer().clustered(RenderContext(scale_dataset(CLUSTER_ABOVE - 4)))
    assert "geomapCloud(\n" not in build_map(kursk_dataset()).to_html()


# -- in Chromium -------------------------------------------------------------------------------

pw = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


SET_DAY = """([d, only]) => {
  const box = document.querySelector(".geomap-time-only input");
  if (box.checked !== only) { box.click(); }
  const r = document.querySelector(".geomap-time-range");
  r.value = d; r.dispatchEvent(new Event("input", {bubbles: true}));
  return document.querySelector(".geomap-time-label").textContent;
}"""


@pytest.mark.browser
def test_time_slider_changes_what_is_visible(browser: object, site: tuple[Path, str]) -> None:  # noqa: F811
    loaded = open_map(browser, site, "kursk-time.html", build_map(kursk_dataset()).to_html())
    page = loaded.page
    try:
        assert n(page, ".geomap-event") == 7 and n(page, "path.geomap-route") == 1
        assert page.locator(".geomap-time-label").inner_text() == "up to 2024-10-31"  # type: ignore[attr-defined]
        assert page.evaluate(SET_DAY, [day(2024, 10, 1), False]) == "up to 2024-10-01"  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") == 1 and n(page, "path.geomap-route") == 0  # only October's deployment
        assert n(page, ".geomap-arrow") == 0 and n(page, ".geomap-label") == 0
        page.evaluate(SET_DAY, [day(2024, 10, 10), False])  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") == 1 and n(page, "path.geomap-route") == 1  # the route started Oct 8
        page.evaluate(SET_DAY, [day(2024, 10, 20), True])  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") == 2  # the month (Oct) and the week (Oct 15-21), not Oct 23
        assert n(page, "path.geomap-place") == 6  # undated: always there
        page.evaluate(SET_DAY, [day(2024, 10, 31), False])  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") == 7 and n(page, "path.geomap-route") == 1
        assert page.locator(".geomap-label span").inner_text() == "2024-10-28 · 10,000"  # type: ignore[attr-defined]
        page.locator(".geomap-time-play").click()  # type: ignore[attr-defined]
        page.wait_for_timeout(400)  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") < 7  # playing starts from the first day
        page.wait_for_function("document.querySelector('.geomap-time-label').textContent === 'up to 2024-10-31'")  # type: ignore[attr-defined]
        assert n(page, ".geomap-event") == 7
        assert loaded.errors == [] and loaded.requests == []
    finally:
        page.close()  # type: ignore[attr-defined]


CLICK_AT = """([lat, lon]) => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const p = map.latLngToContainerPoint([lat, lon]), r = map.getContainer().getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""
VIEW = """([lat, lon, z]) => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  map.setView([lat, lon], z, {animate: false});
}"""


@pytest.fixture(scope="module")
def scale_html() -> str:
    return build_map(scale_dataset(), layers=[OfflineBasemap(), EventsLayer(cluster=True)]).to_html()


@pytest.fixture()
def scale(browser: object, site: tuple[Path, str], scale_html: str) -> Iterator[Loaded]:  # noqa: F811
    loaded = open_map(browser, site, "scale.html", scale_html)
    loaded.page.evaluate("Promise.all(geomapReady)")  # type: ignore[attr-defined]
    yield loaded
    loaded.page.close()  # type: ignore[attr-defined]


def shown(page: object) -> int:
    return int(page.evaluate("geomapTime.clouds[0].shown"))  # type: ignore[attr-defined]


@pytest.mark.browser
def test_clustered_events_follow_the_slider(scale: Loaded) -> None:
    page, ds = scale.page, scale_dataset()
    assert shown(page) == 404 and n(page, ".geomap-cluster") > 0
    page.evaluate(SET_DAY, [day(2024, 3, 1), False])  # type: ignore[attr-defined]
    expected = sum(1 for e in ds.events if e.period and e.period[0] <= dt.date(2024, 3, 1))
    assert shown(page) == expected < 404
    page.evaluate(SET_DAY, [day(2024, 3, 20), True])  # type: ignore[attr-defined]
    assert shown(page) == sum(1 for e in ds.events if e.period and e.period[0] <= dt.date(2024, 3, 20) <= e.period[1])
    switch = page.locator(".leaflet-control-layers-overlays label", has_text="Events (404, clustered)")  # type: ignore[attr-defined]
    switch.locator("input").click()
    assert n(page, ".geomap-cluster") == 0 and n(page, ".geomap-cloud-point") == 0
    switch.locator("input").click()
    assert n(page, ".geomap-cluster") > 0
    assert scale.errors == [] and scale.requests == []


@pytest.mark.browser
def test_every_clustered_event_is_reachable(scale: Loaded) -> None:
    page = scale.page
    page.evaluate(VIEW, [60.0, 60.0, 9])  # type: ignore[attr-defined]
    x, y = page.evaluate(CLICK_AT, [60.0, 60.0])  # type: ignore[attr-defined]
    page.mouse.move(x, y)  # type: ignore[attr-defined]
    page.locator(".leaflet-tooltip", has_text="Meeting – Unit B: Lonely, 2024-06-15").wait_for()  # type: ignore[attr-defined]
    page.mouse.click(x, y)  # type: ignore[attr-defined]
    popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
    popup.wait_for()
    assert "lonely quote" in popup.inner_text()
    assert popup.locator("a").get_attribute("rel") == "noopener noreferrer"
    # three events on one spot: one cluster whose popup lists them, each one clickable
    page.evaluate(VIEW, [40.0, 45.0, 12])  # type: ignore[attr-defined]
    cluster = page.locator(".geomap-cluster")  # type: ignore[attr-defined]
    assert cluster.count() == 1 and cluster.inner_text() == "3"
    cluster.click()
    items = page.locator(".geomap-cluster-list li a")  # type: ignore[attr-defined]
    items.first.wait_for()
    assert items.count() == 3
    items.nth(1).click()
    page.locator(".leaflet-popup-content", has_text="spot quote").wait_for()  # type: ignore[attr-defined]
    assert scale.errors == [] and scale.requests == []


@pytest.mark.browser
def test_clustered_hostile_text_never_runs(browser: object, site: tuple[Path, str]) -> None:  # noqa: F811
    html = build_map(nasty_dataset(), layers=[EventsLayer(cluster=True)]).to_html()
    loaded = open_map(browser, site, "nasty-cloud.html", html)
    page = loaded.page
    try:
        page.evaluate("Promise.all(geomapReady)")  # type: ignore[attr-defined]
        page.evaluate(VIEW, [50.0, 30.0, 8])  # type: ignore[attr-defined]
        x, y = page.evaluate(CLICK_AT, [50.0, 30.0])  # type: ignore[attr-defined]
        page.mouse.move(x, y)  # type: ignore[attr-defined]
        tip = page.locator(".leaflet-tooltip")  # type: ignore[attr-defined]
        tip.wait_for()
        assert "<img src=x onerror=window.__xss=1>" in tip.inner_text()
        page.mouse.click(x, y)  # type: ignore[attr-defined]
        popup = page.locator(".leaflet-popup-content")  # type: ignore[attr-defined]
        popup.wait_for()
        assert NASTY.split(" ")[1] in popup.inner_text()  # </script><script>... shown as text
        assert n(page, "img[src='x']") == 0 and n(page, "a[href^='javascript']") == 0
        assert page.evaluate("typeof window.__xss") == "undefined"  # type: ignore[attr-defined]
        assert loaded.errors == [] and loaded.requests == []
    finally:
        page.close()  # type: ignore[attr-defined]


def test_cli_cdn_switch(tmp_path: Path) -> None:
    from geomap.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "kursk" / "events.yaml"
    offline, online = tmp_path / "offline.html", tmp_path / "cdn.html"
    assert main(["render", str(example), "-o", str(offline), "-q"]) == 0
    assert main(["render", str(example), "-o", str(online), "--cdn", "-q"]) == 0
    page = online.read_text(encoding="utf-8")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js" integrity="sha384-' in page
    assert not re.search(r'<(script|link)\b[^>]*(src|href)="https?:', offline.read_text(encoding="utf-8"))
    assert online.stat().st_size < offline.stat().st_size - 150_000
