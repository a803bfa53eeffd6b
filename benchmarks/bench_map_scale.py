"""geomap's clustered events against folium's best techniques, on the same synthetic events.

    python benchmarks/bench_map_scale.py               # 10,000 and 100,000 events
    python benchmarks/bench_map_scale.py 20000         # other sizes

For each size and technique: time to build the HTML in Python, the file's size, and the time
until the page is idle in headless Chromium (/usr/bin/chromium, file opened from disk, every
http(s) request aborted). "Idle" is the end of the last long task (>50 ms of main-thread
work, from a PerformanceObserver) or the load event or geomap's data being drawn, whichever
comes last, once the page has had no long task for a full second. Every map is made
self-contained the same way: geomap.render.inline_assets replaces folium's CDN tags with the
vendored Leaflet, jQuery and Leaflet.markercluster.

Techniques:
- geomap: ``geomap render`` of the events (offline basemap + clustered canvas events layer,
  popups, tooltips and the time slider);
- folium GeoJson canvas: one folium.GeoJson of every event as circle markers on the canvas
  renderer, with a GeoJsonPopup of the event's fields;
- folium FastMarkerCluster: the coordinates only (folium's fastest), no popups;
- folium Marker per event: one folium.Marker with a Popup per event (10,000 only: it takes
  tens of seconds already).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import folium
from bench_render import synthetic
from folium.plugins import FastMarkerCluster

from geomap.html import esc
from geomap.layers import EventsLayer, OfflineBasemap
from geomap.model import Dataset
from geomap.render import build_map, inline_assets

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
# Collects the end of every long task from the first byte on.
OBSERVE = """
window.__longEnd = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { window.__longEnd = Math.max(window.__longEnd, e.startTime + e.duration); }
}).observe({type: "longtask", buffered: true});
"""
IDLE = """async () => {
  if (window.geomapReady) { await Promise.all(window.geomapReady); }
  const ready = performance.now();
  let last = -1;
  while (last !== window.__longEnd) {  // wait for a quiet second
    last = window.__longEnd;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const load = performance.getEntriesByType("navigation")[0].loadEventEnd;
  return Math.max(window.__longEnd, load, window.geomapReady ? ready : 0);
}"""


def geomap_html(ds: Dataset) -> str:
    return build_map(ds, layers=[OfflineBasemap(), EventsLayer()]).to_html()


def _fields(ds: Dataset) -> list[dict[str, object]]:
    rows = []
    for e in ds.events:
        assert e.place is not None
        rows.append(
            {
                "lat": e.place.lat,
                "lon": e.place.lon,
                "id": e.id,
                "date": e.date.isoformat() if e.date else None,
                "precision": str(e.date_precision),
                "actor": e.actor,
                "kind": str(e.kind),
                "status": str(e.status),
                "quantity": e.quantity,
                "location": e.location,
                "place": e.place.name,
                "description": e.description,
                "quote": e.quote,
                "source": e.source.label() if e.source else None,
            }
        )
    return rows


def _folium_map(canvas: bool) -> folium.Map:
    return folium.Map(location=[50, 80], zoom_start=3, tiles=None, prefer_canvas=canvas, maxZoom=18)


def folium_geojson(ds: Dataset) -> str:
    fmap = _folium_map(canvas=True)
    rows = _fields(ds)
    names = [k for k in rows[0] if k not in ("lat", "lon")]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {k: esc(r[k]) for k in names},
        }
        for r in rows
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=5, fill=True, fill_opacity=0.9, weight=1),
        popup=folium.GeoJsonPopup(fields=names),
    ).add_to(fmap)
    return inline_assets(fmap.get_root().render())


def folium_fast_cluster(ds: Dataset) -> str:
    fmap = _folium_map(canvas=False)
    data = [[r["lat"], r["lon"]] for r in _fields(ds)]
    # the default callback needs the awesome-markers script; Leaflet's own marker does not
    callback = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"
    FastMarkerCluster(data, callback=callback).add_to(fmap)
    return inline_assets(fmap.get_root().render())


def folium_markers(ds: Dataset) -> str:
    fmap = _folium_map(canvas=False)
    for r in _fields(ds):
        text = esc(f"{r['date']} {r['actor']} {r['kind']} at {r['location']}: {r['description']}")
        folium.Marker([r["lat"], r["lon"]], popup=folium.Popup(text, max_width=300)).add_to(fmap)
    return inline_assets(fmap.get_root().render())


TECHNIQUES: dict[str, tuple[Callable[[Dataset], str], int]] = {
    # name -> (builder, largest size to try)
    "geomap (clustered canvas, slider)": (geomap_html, 10**9),
    "folium GeoJson, canvas": (folium_geojson, 10**9),
    "folium FastMarkerCluster": (folium_fast_cluster, 10**9),
    "folium Marker per event": (folium_markers, 10_000),
}


def idle_ms(browser: object, path: Path) -> tuple[float, int]:
    """Milliseconds from navigation to idle, and the number of page errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(OBSERVE)
    page.route("http*://**/*", lambda r: r.abort())
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    ms = float(page.evaluate(IDLE))
    page.close()
    return ms, len(errors)


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            ds = synthetic(n)
            ds = Dataset(events=ds.events, movements=[], title=f"{n} synthetic events")
            for name, (build, limit) in TECHNIQUES.items():
                if n > limit:
                    continue
                start = time.perf_counter()
                html = build(ds)
                build_s = time.perf_counter() - start
                path = Path(tmp) / f"{n}-{len(rows)}.html"
                path.write_text(html, encoding="utf-8")
                idle = [idle_ms(browser, path) for _ in range(2)]
                row = {
                    "events": n,
                    "technique": name,
                    "build_s": round(build_s, 2),
                    "html_mb": round(path.stat().st_size / 1e6, 2),
                    "idle_s": round(statistics.median(ms for ms, _ in idle) / 1000, 2),
                    "page_errors": max(e for _, e in idle),
                }
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
        browser.close()
    print(f"\n{'events':>7} | {'technique':<36} | {'build s':>7} | {'HTML MB':>7} | {'idle s':>6} | errors")
    for r in rows:
        print(
            f"{r['events']:>7} | {r['technique']:<36} | {r['build_s']:>7} | {r['html_mb']:>7} | "
            f"{r['idle_s']:>6} | {r['page_errors']}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
