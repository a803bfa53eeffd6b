"""The HTML map without a browser: layers, counts, offline assets, determinism and escaping."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import folium
import pytest

from geomap.html import esc, link, safe_url, script_json
from geomap.layer import Layer, LegendEntry, RenderContext, line_feature
from geomap.layers import EventsLayer, OfflineBasemap, PlacesLayer, RoutesLayer
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
from geomap.render import CDN_URLS, GeoMap, build_map

ROOT = Path(__file__).resolve().parents[1]

NK = Place("North Korea", 40.3, 127.5, "KP", PlaceKind.COUNTRY, 3)
VLADIVOSTOK = Place("Vladivostok", 43.12, 131.89, "RU")
KURSK = Place("Kursk", 51.73, 36.19, "RU", PlaceKind.REGION, 2)
KAZAN = Place("Kazan", 55.79, 49.12, "RU")
BRUSSELS = Place("Brussels", 50.85, 4.35, "BE")
NEW_YORK = Place("New York", 40.71, -74.01, "US")
EPOCH = Source(
    "The Epoch Times", "Korea Utara kirim pasukan", "https://example.org/epoch", dt.date(2024, 10, 29)
)
NATO = Source("NATO", "Press conference", "https://example.org/nato", dt.date(2024, 10, 28))
NASTY = "<img src=x onerror=window.__xss=1> </script><script>window.__xss=1</script> `${window.__xss=1}` C:\\path\\2019"


def kursk_dataset() -> Dataset:
    """North Korea -> Vladivostok -> Kursk, statements in Kazan, Brussels (twice) and New York."""
    d = dt.date
    events = [
        Event("e1", "Korea Utara", d(2024, 10, 1), DatePrecision.MONTH, NK, "North Korean army",
              EventKind.DEPLOYMENT, 10000, Status.REPORTED, "Troops sent to Russia", EPOCH,
              "Korea Utara telah mengirim sekitar 10.000 tentara"),
        Event("e2", "Vladivostok", d(2024, 10, 15), DatePrecision.WEEK, VLADIVOSTOK, "North Korean army",
              EventKind.TRANSIT, None, Status.REPORTED, "Arrived by ship", EPOCH),
        Event("e3", "wilayah Kursk", d(2024, 10, 28), DatePrecision.DAY, KURSK, "North Korean army",
              EventKind.DEPLOYMENT, 3000, Status.CONFIRMED, "Deployed to the Kursk region", NATO,
              "units have been deployed to the Kursk region"),
        Event("e4", "Kazan", d(2024, 10, 23), DatePrecision.DAY, KAZAN, "Vladimir Putin",
              EventKind.STATEMENT, None, Status.REPORTED, "Statement at the BRICS summit", EPOCH,
              "It is our sovereign decision"),
        Event("e5", "Brussels", d(2024, 10, 28), DatePrecision.DAY, BRUSSELS, "Mark Rutte",
              EventKind.STATEMENT, None, Status.CONFIRMED, "NATO confirms the deployment", NATO,
              "I can confirm that North Korean troops have been sent to Russia"),
        Event("e6", "Brussels", d(2024, 10, 29), DatePrecision.DAY, BRUSSELS, "EU",
              EventKind.STATEMENT, None, Status.REPORTED, "EU statement", EPOCH),
        Event("e7", "New York", d(2024, 10, 30), DatePrecision.DAY, NEW_YORK, "UN Security Council",
              EventKind.MEETING, None, Status.REPORTED, "Meeting on the deployment", EPOCH),
        Event("e8", "Atlantis", d(2024, 10, 29), DatePrecision.DAY, None, "EU", EventKind.OTHER),
    ]  # fmt: skip
    move = Movement(
        "m1",
        "North Korean army",
        [
            Leg("Korea Utara", "Vladivostok", NK, VLADIVOSTOK, d(2024, 10, 8), DatePrecision.WEEK, Mode.SEA),
            Leg("Vladivostok", "Kursk", VLADIVOSTOK, KURSK, d(2024, 10, 28), DatePrecision.DAY, Mode.RAIL),
        ],
        Status.REPORTED,
        10000,
        "Moved by sea and rail",
        EPOCH,
        "dikirim ke Rusia",
    )
    unresolved = Movement("m2", "Russian army", [Leg("Moscow", "Kursk", None, KURSK)], Status.CLAIMED)
    return Dataset(events=events, movements=[move, unresolved], title="North Korean troops to Russia")


def drawn(html: str) -> list[tuple[dict, dict, dict]]:
    """(data, icons, options) of every geomapFeatures(...) call in the page's script."""
    lines = html.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.strip().startswith("var feature_data_") and "geomapFeatures(" in line:
            out.append(tuple(json.loads(lines[i + k].strip().rstrip(",")) for k in (1, 2, 3)))
    return out


def count(html: str, class_name: str) -> int:
    return sum(
        len(data["features"]) for data, _, opts in drawn(html) if class_name in opts["className"].split()
    )


@pytest.fixture(scope="module")
def html() -> str:
    return build_map(kursk_dataset(), subtitle="October 2024").to_html()


def test_default_layers_draw_every_placed_item(html: str) -> None:
    assert count(html, "geomap-event") == 7  # e8 has no place
    assert count(html, "geomap-event-deployment") == 2
    assert count(html, "geomap-event-statement") == 3
    assert count(html, "geomap-route") == 1  # m2 has an unresolved stop
    assert count(html, "geomap-arrow") == 3  # middle of both legs, and the end
    assert count(html, "geomap-place") == 6
    assert count(html, "geomap-country") > 150
    for name in (
        "Places",
        "Routes",
        "Events: deployment (2)",
        "Events: statement (3)",
        "Events: meeting (1)",
    ):
        assert json.dumps(name) in html
    assert '"OpenStreetMap (online)"' in html and "tile.openstreetmap.org" in html


def test_skipped_items_are_named_on_the_map(html: str) -> None:
    assert "events without a resolved place: 1 (e8)" in html
    assert "movements with an unresolved or missing stop: 1 (m2)" in html
    assert "7 events, 1 movement on the map" in html


def test_every_skipped_item_is_counted_even_with_shared_ids() -> None:
    data = kursk_dataset()
    data.events += [Event("dup", "Nowhere"), Event("dup", "Elsewhere")]
    data.events[0].kind = "parade"  # not a kind the model knows: drawn as 'other'
    page = build_map(data).to_html()
    assert "events without a resolved place: 3 (e8, dup, dup)" in page
    assert count(page, "geomap-event-other") == 1


def test_route_is_a_densified_great_circle_with_turned_arrows(html: str) -> None:
    (route,) = [d for d, _, o in drawn(html) if o["className"] == "geomap-route"]
    coords = route["features"][0]["geometry"]["coordinates"]
    assert len(coords) > 100  # ~7,000 km in 50 km steps
    assert coords[0] == [127.5, 40.3] and coords[-1] == [36.19, 51.73]
    top = max(lat for _, lat in coords)
    assert top > 55  # the geodesic from Vladivostok to Kursk bows north of both ends
    style = route["features"][0]["properties"]["style"]
    assert style["dashArray"] and style["color"] == "#d6336c"  # reported: dashed
    (arrows,) = [d for d, _, o in drawn(html) if o["className"] == "geomap-arrow"]
    angles = [f["properties"]["rotate"] for f in arrows["features"]]
    assert -90 < angles[0] < 0  # NK to Vladivostok heads north-east: up and right on screen
    assert abs(angles[-1]) > 120  # arriving at Kursk from the east: pointing left
    assert "offset" in arrows["features"][-1]["properties"]  # the last one stops short of the marker


def test_popups_carry_date_precision_places_quote_and_source(html: str) -> None:
    (deploy,) = [d for d, _, o in drawn(html) if "geomap-event-deployment" in o["className"]]
    popups = [f["properties"]["popup"] for f in deploy["features"]]
    kursk = next(p for p in popups if "wilayah Kursk" in p)
    assert "2024-10-28" in kursk and "precision: day" in kursk
    assert "Kursk, RU" in kursk and "geo_precision 2" in kursk and "region" in kursk
    assert "units have been deployed to the Kursk region" in kursk
    assert '<a href="https://example.org/nato" target="_blank" rel="noopener noreferrer">' in kursk
    assert "3,000" in kursk and "confirmed" in kursk
    nk = next(p for p in popups if "Korea Utara" in p)
    assert "2024-10 " in nk and "precision: month" in nk
    (route,) = [d for d, _, o in drawn(html) if o["className"] == "geomap-route"]
    popup = route["features"][0]["properties"]["popup"]
    assert "Korea Utara (North Korea) → Vladivostok → Kursk" in popup
    assert "sea, rail" in popup and "10,000" in popup and "dikirim ke Rusia" in popup


def test_page_needs_no_network(html: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc=", html), "every script must be inline"
    assert not re.search(r"<link[^>]*\bhref=", html), "every stylesheet must be inline"
    assert not re.search(r"url\((?!data:|#)", html), "CSS may only use data: URIs"
    for cdn in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "bootstrapcdn"):
        assert cdn not in html
    assert 't.version="1.9.4"' in html  # Leaflet inlined from geomap/assets
    assert "jQuery v3.7.1" in html
    assert "sourceMappingURL" not in html
    assert 'iconUrl: "data:image/png;base64,' in html


def test_same_input_gives_the_same_bytes(html: str) -> None:
    again = build_map(kursk_dataset(), subtitle="October 2024").to_html()
    assert again == html
    assert not re.search(r"[0-9a-f]{32}", html), "no random branca ids may remain"
    gmap = build_map(kursk_dataset(), subtitle="October 2024")
    assert gmap.to_html() == gmap.to_html() == html


def test_same_bytes_across_processes(html: str, tmp_path: Path) -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_render as t; "
        "from geomap.render import build_map; "
        "sys.stdout.write(build_map(t.kursk_dataset(), subtitle='October 2024').to_html())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    ).stdout
    assert out == html


def test_esc_makes_text_inert_in_html_and_js_strings() -> None:
    assert esc("`${x}`\\") == "&#96;&#36;&#123;x&#125;&#96;&#92;"
    assert (
        esc("{{ 7*7 }} {% if %} {# c #}")
        == "&#123;&#123; 7*7 &#125;&#125; &#123;% if %&#125; &#123;# c #&#125;"
    )
    assert esc("</script>") == "&lt;/script&gt;"
    assert esc("a'b\"c&d") == "a&#39;b&quot;c&amp;d"
    assert esc("line\u2028break\x00") == "line&#8232;break\ufffd"
    assert esc(None) == "" and esc(3000) == "3000"
    assert "\n" in esc("two\nlines")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:window.__xss=1",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "//evil.example/x",
        "http:/no-host",
        "",
        None,
    ],
)
def test_only_http_urls_become_links(url: str | None) -> None:
    assert safe_url(url) is None
    assert "<a " not in link(url, "source")


def test_http_links_open_safely() -> None:
    assert safe_url("https://example.org/a?b=1&c='2'") == "https://example.org/a?b=1&amp;c=&#39;2&#39;"
    assert link("HTTP://example.org/x", "<b>") == (
        '<a href="HTTP://example.org/x" target="_blank" rel="noopener noreferrer">&lt;b&gt;</a>'
    )


def test_script_json_cannot_end_the_script_or_open_a_template_tag() -> None:
    value = {"a": "</script><!-- \u2028 & {{ 7*7 }} {%x%} {#c#} {{{", "b": [{"c": {}}]}
    text = script_json(value)
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "&" not in text
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text) == value


def test_template_syntax_in_input_is_shown_not_evaluated() -> None:
    """folium compiles script text as Jinja: '{{ 7*7 }}' from input must not become 49."""
    data = kursk_dataset()
    data.events[0].description = "QQZ{{ 7*7 }}ZQQ {% if %} {# gone #}"
    data.events[0].actor = "{{ cycler.__init__.__globals__ }}"

    class Named(FrontLine):
        name = "Front {{ 6*7 }}"

    page = build_map(data, layers=[EventsLayer(), Named([(50.0, 30.0), (51.0, 31.0)])]).to_html()
    (data_js, _, _) = drawn(page)[0]
    popups = [f["properties"]["popup"] for f in data_js["features"]]
    assert any(
        "QQZ&#123;&#123; 7*7 &#125;&#125;ZQQ &#123;% if %&#125; &#123;# gone #&#125;" in p for p in popups
    )
    assert "QQZ49ZQQ" not in page
    assert "cycler.__init__.__globals__" in page
    assert '"Front \\u0026#123;\\u0026#123; 6*7 \\u0026#125;\\u0026#125;"' in page  # LayerControl name
    assert "Front 42" not in page


def nasty_dataset() -> Dataset:
    bad_source = Source("Evil `${window.__xss=1}` </script>", "t", "javascript:window.__xss=1", None)
    place = Place("Evil <b>town</b> `${1}`", 50.0, 30.0, "UA")
    event = Event(
        "x`1", NASTY, dt.date(2024, 1, 1), DatePrecision.DAY, place, NASTY, EventKind.STRIKE,
        None, Status.CLAIMED, NASTY, bad_source, NASTY,
    )  # fmt: skip
    move = Movement(
        "m`1", NASTY, [Leg(NASTY, "b\\", place, KURSK)], Status.DENIED, None, NASTY, bad_source, NASTY
    )
    return Dataset(events=[event], movements=[move], title=NASTY)


def test_nasty_strings_never_reach_the_page_raw() -> None:
    page = build_map(nasty_dataset(), subtitle=NASTY).to_html()
    assert "<img src=x" not in page
    assert "</script><script>window.__xss" not in page
    assert "${window.__xss" not in page
    assert "C:\\path" not in page and "C:\\\\path" not in page
    assert "javascript:" not in page
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in page  # shown as text, not dropped
    assert "<title>&lt;img src=x" in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to parse the map script")
def test_map_script_parses_with_nasty_strings(tmp_path: Path) -> None:
    """A backslash or backtick in input must not be a JavaScript syntax error (node --check)."""
    page = build_map(nasty_dataset(), subtitle=NASTY).to_html()
    script = page[page.rindex("<script>") + len("<script>") : page.rindex("</script>")]
    path = tmp_path / "map.js"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


class FrontLine(Layer):
    """The docstring's example: a user's layer is a name and a features() method."""

    name = "Front line"

    def __init__(self, points: list[tuple[float, float]]) -> None:
        super().__init__()
        self.points = points

    def features(self, ctx: RenderContext) -> list[dict]:
        return [line_feature(self.points, {"name": "Front <1 Nov>"}, {"color": "#000000", "weight": 4})]

    def legend(self) -> list[LegendEntry]:  # the brief form, without a context
        return [LegendEntry("front line", "#000000", "line")]


def test_user_layer_in_a_few_lines() -> None:
    front = FrontLine([(51.2, 34.9), (51.6, 35.5), (52.5, 36.4)])
    gmap = build_map(kursk_dataset(), layers=[OfflineBasemap(tiles=()), front])
    page = gmap.to_html()
    (data, _, opts) = [d for d in drawn(page) if d[2]["className"] == "geomap-frontline"][0]
    assert data["features"][0]["properties"]["tooltip"] == "Front &lt;1 Nov&gt;"
    assert data["features"][0]["properties"]["style"] == {"color": "#000000", "weight": 4}
    assert '"Front line"' in page and "front line</li>" in page
    assert re.search(r"map_\d+\.fitBounds\(\s*\[\[51\.2, 34\.9\], \[52\.5, 36\.4\]\]", page)
    assert count(page, "geomap-event") == 0  # only the layers asked for
    assert "OpenStreetMap" not in page


def test_add_layer_after_rendering_rebuilds_the_same_way() -> None:
    gmap = build_map(kursk_dataset())
    before = gmap.to_html()
    gmap.add_layer(FrontLine([(51.0, 35.0), (52.0, 36.0)]))
    after = gmap.to_html()
    assert count(after, "geomap-frontline") == 1 and count(before, "geomap-frontline") == 0
    fresh = build_map(kursk_dataset(), layers=[*build_map(kursk_dataset()).layers])
    fresh.add_layer(FrontLine([(51.0, 35.0), (52.0, 36.0)]))
    assert fresh.to_html() == after


def test_folium_objects_added_after_rendering_are_drawn_and_inlined() -> None:
    """The cached page is rebuilt when folium_map changes; the LayerControl stays single and last."""
    from folium.plugins import HeatMap, MarkerCluster

    gmap = build_map(kursk_dataset())
    plain = gmap.to_html()
    assert gmap.to_html() is plain  # unchanged: cached
    assert "L.AwesomeMarkers=" not in plain and "markers-soft" not in plain  # only when used
    folium.Marker([51.0, 36.0], icon=folium.Icon(color="red", icon="info-sign")).add_to(gmap.folium_map)
    HeatMap([[50.0, 36.0, 1.0], [50.5, 36.2, 2.0]]).add_to(gmap.folium_map)
    cluster = MarkerCluster(name="Clustered").add_to(gmap.folium_map)
    page = gmap.to_html()
    assert page != plain
    assert "L.AwesomeMarkers.icon(" in page and "L.AwesomeMarkers=" in page  # script inlined
    assert ".awesome-marker" in page and "url(data:image/png;base64," in page  # CSS and images too
    assert "L.heatLayer" in page and "simpleheat" in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "bootstrap" not in page
    assert page.count("L.control.layers(") == 1 and len(re.findall(r"map_\d+\.fitBounds\(", page)) == 1
    assert page.index("L.control.layers(") > page.index("L.heatLayer(")  # the control sees every layer
    folium.Marker([51.2, 36.1]).add_to(cluster)  # deep in the tree: noticed too
    again = gmap.to_html()
    assert again != page and again.count("L.control.layers(") == 1 and again.count("geomapFinish(") == 2


def test_add_layer_after_rendering_keeps_the_users_folium_objects() -> None:
    gmap = build_map(kursk_dataset())
    folium.Circle([51.3, 36.3], radius=5000, color="#123456").add_to(gmap.folium_map)
    first = gmap.to_html()
    gmap.add_layer(FrontLine([(51.0, 35.0), (52.0, 36.0)]))
    page = gmap.to_html()
    assert '"#123456"' in first and '"#123456"' in page and count(page, "geomap-frontline") == 1
    assert page.count("L.control.layers(") == 1 and page.index("L.circle(") < page.index("L.control.layers(")


def test_page_elements_can_be_turned_off_or_replaced() -> None:
    from geomap.render import MapElement

    class Note(MapElement):
        name = "legend"

        def html(self, gmap: GeoMap, ctx: RenderContext) -> str:
            return '<div class="my-note">drawn by hand</div>'

    full = build_map(kursk_dataset())
    page = full.to_html()
    assert [e.name for e in full.elements] == ["title", "legend", "sources", "time slider"]
    assert 'class="geomap-panel geomap-legend"' in page and 'class="geomap-panel geomap-sources"' in page
    assert "geomapFinish(map_000001, true)" in page.replace("\n", "")
    page = full.without("sources", "time slider").replace("legend", Note()).to_html()
    assert 'class="geomap-panel geomap-sources"' not in page and 'class="geomap-panel geomap-legend"' not in page
    assert 'class="my-note"' in page and 'class="geomap-panel geomap-title"' in page and re.search(r"geomapFinish\(map_\d+, false\)", page)
    with pytest.raises(KeyError, match="no page element 'scale'"):
        full.without("scale")


def test_unvendored_plugin_asset_loads_from_the_network_with_cdn() -> None:
    class Ants(Layer):
        name = "Ants"

        def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
            from folium.plugins import AntPath

            AntPath([[50, 30], [51, 31]]).add_to(fmap)

    from folium.plugins import HeatMap

    gmap = build_map(kursk_dataset(), layers=[Ants()], cdn=True)
    HeatMap([[50.0, 36.0, 1.0]]).add_to(gmap.folium_map)
    folium.Marker([51.0, 36.0], icon=folium.Icon()).add_to(gmap.folium_map)
    page = gmap.to_html()
    assert "simpleheat" in page and "cdn.jsdelivr.net/gh/" not in page  # no CDN copy known to match: inlined
    assert re.search(r'src="https://cdn.jsdelivr.net/npm/leaflet.awesome-markers@2.0.5/[^"]+" integrity="sha384-', page)
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet-ant-path@1.1.2/dist/leaflet-ant-path.min.js">' in page


def test_local_copies_of_plugin_assets_are_inlined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's own copy (add_offline_asset) and the files folium's wheel carries need no network."""
    from folium.plugins import AntPath, HeatMapWithTime

    from geomap.render import OFFLINE_ASSETS, add_offline_asset

    ant_url = "https://cdn.jsdelivr.net/npm/leaflet-ant-path@1.1.2/dist/leaflet-ant-path.min.js"
    copy = tmp_path / "leaflet-ant-path.js"
    copy.write_text("L.Polyline.AntPath = L.Polyline; window.antCopy = '</script>';", encoding="utf-8")
    monkeypatch.setattr("geomap.render.OFFLINE_ASSETS", dict(OFFLINE_ASSETS))
    add_offline_asset(ant_url, copy)
    gmap = build_map(kursk_dataset())
    AntPath([[50, 30], [51, 31]]).add_to(gmap.folium_map)
    page = gmap.to_html()
    assert "window.antCopy = '<\\/script>';" in page and ant_url not in page
    with pytest.raises(GeomapError, match="no such file"):
        add_offline_asset(ant_url, tmp_path / "missing.js")
    HeatMapWithTime([[[50.0, 36.0]]]).add_to(gmap.folium_map)
    with pytest.raises(GeomapError, match="leaflet.timedimension") as err:
        gmap.to_html()  # its timedimension scripts are not vendored ...
    assert "pa7_hm" not in str(err.value)  # ... but folium's own two files are found in its wheel
    assert "add_offline_asset" in str(err.value) and "vendor_assets" not in str(err.value)


def test_unvendored_plugin_asset_is_an_error_not_a_request() -> None:
    class Ants(Layer):
        name = "Ants"

        def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
            from folium.plugins import AntPath

            AntPath([[50, 30], [51, 31]]).add_to(fmap)

    with pytest.raises(GeomapError, match=r"leaflet-ant-path.*cdn=True.*add_offline_asset"):
        build_map(kursk_dataset(), layers=[Ants()]).to_html()


def test_folium_marker_cluster_is_inlined_from_the_vendored_copy() -> None:
    class Clustered(Layer):
        name = "Clustered"

        def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
            from folium.plugins import MarkerCluster

            MarkerCluster().add_to(fmap)

    page = build_map(kursk_dataset(), layers=[Clustered()]).to_html()
    assert "cdnjs.cloudflare.com" not in page
    assert "MarkerClusterGroup=" in page and ".marker-cluster-small" in page  # script and CSS inline


def test_cdn_switch_loads_pinned_files_with_integrity() -> None:
    page = build_map(kursk_dataset(), cdn=True).to_html()
    offline = build_map(kursk_dataset()).to_html()
    assert len(page) < len(offline) - 150_000  # Leaflet and jQuery are no longer inlined
    for url in (CDN_URLS["leaflet/leaflet.js"], CDN_URLS["leaflet/leaflet.css"], CDN_URLS["jquery/jquery.min.js"]):
        tag = re.search(rf'<[^>]*"{re.escape(url)}"[^>]*>', page)
        assert tag is not None, url
        assert re.search(r'integrity="sha384-[A-Za-z0-9+/]{64}"', tag.group(0)), tag.group(0)
    assert "@1.9.4/" in CDN_URLS["leaflet/leaflet.js"]
    assert "geomapFeatures(" in page  # geomap's own script stays inline


def test_gis_features_keep_raw_text_and_split_at_the_antimeridian() -> None:
    kamchatka = Place("Petropavlovsk-Kamchatsky", 53.0, 158.65, "RU")
    anchorage = Place("Anchorage", 61.2, -149.9, "US")
    move = Movement("p1", "Navy", [Leg("Petropavlovsk", "Anchorage", kamchatka, anchorage)], Status.CONFIRMED)
    data = nasty_dataset()
    data.movements.append(move)
    ctx = RenderContext(data)
    (event,) = EventsLayer().features(ctx)
    assert event["properties"]["actor1"] == NASTY  # raw: escaping is the map's business
    assert event["style"]["symbol"] == "star"
    routes = {f["properties"]["id"]: f for f in RoutesLayer().features(ctx)}
    geom = routes["p1"]["geometry"]
    assert geom["type"] == "MultiLineString"
    assert all(-180 <= lon <= 180 for part in geom["coordinates"] for lon, _ in part)
    assert routes["m`1"]["style"]["opacity"] < 0.5  # denied: faint
    page = build_map(data).to_html()
    (route,) = [d for d, _, o in drawn(page) if o["className"] == "geomap-route"]
    drawn_lons = [c[0] for f in route["features"] for c in f["geometry"]["coordinates"]]
    assert max(drawn_lons) > 180  # on the map the line stays continuous across the Pacific
    places = PlacesLayer().features(ctx)
    assert {p["properties"]["name"] for p in places} >= {"Anchorage", "Kursk"}


def test_sources_listed_once_and_legend_per_layer(html: str) -> None:
    panel = html[html.index('class="geomap-panel geomap-sources"') :]
    panel = panel[: panel.index("</div>")]
    assert panel.count("<li>") == 2 and "Sources (2)" in panel
    legend = html[html.index('class="geomap-panel geomap-legend"') :]
    legend = legend[: legend.index("</div>")]
    for label in ("Deployment", "Transit", "Statement", "Meeting", "North Korean army", "reported (dashed)"):
        assert label in legend
    assert "Strike" not in legend  # only kinds on the map


def test_empty_dataset_still_renders_a_world_map() -> None:
    page = build_map(Dataset()).to_html()
    assert count(page, "geomap-country") > 150 and count(page, "geomap-event") == 0
    assert not re.search(r"map_\d+\.fitBounds", page) and "<title>geomap</title>" in page


def test_repr_html_is_an_iframe_with_the_page() -> None:
    gmap = GeoMap(kursk_dataset(), layers=[PlacesLayer()])
    out = gmap._repr_html_()
    assert out.startswith("<div") and "<iframe srcdoc=" in out
    assert "&lt;script&gt;" in out and "<script>" not in out


def test_vendored_assets_match_their_manifest() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor_assets.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((ROOT / "geomap" / "assets" / "manifest.json").read_text())
    assert manifest["packages"]["leaflet"]["version"] == "1.9.4"
    assert (ROOT / "geomap" / "assets" / "leaflet" / "LICENSE").is_file()
