"""One article reader for text, HTML files and web pages, served here by a real HTTP server on 127.0.0.1.

The page is our own: its menu, footer and script name London and Madrid, its article
names Belgorod and Kursk. Whatever reads it (``extract``/``map`` with a file, a URL or
``--url``, the corpus reader, the library) must find the article and only the article.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from geomap.cli import main
from geomap.corpus.reader import iter_articles
from geomap.extract import extract
from geomap.io.article import article_from_html, read_article
from geomap.model import GeomapError

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Russian troops move from Belgorod to Kursk | The Daily Example</title>
<meta property="og:title" content="Russian troops move from Belgorod to Kursk">
<meta property="article:published_time" content="2024-10-13T08:00:00Z">
<script>var bureaus = ["London", "Madrid"]; console.log("London Madrid");</script>
<style>.menu { color: red }</style>
</head><body>
<header><nav class="menu"><ul>
<li><a href="/world/london">London</a></li><li><a href="/world/madrid">Madrid</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Russian troops move from Belgorod to Kursk</h1>
<p>A column of Russian troops moved from Belgorod to Kursk on 12 October 2024, regional
officials said on Sunday. The column of about 40 armoured vehicles travelled overnight
along the main highway, according to witnesses who saw it pass.</p>
<p>Officials did not say how long the troops would stay in the region or whether more units
would follow them in the coming days.</p>
</article></main>
<aside>Most read: Weather in London. Football in Madrid.</aside>
<footer><p>The Daily Example, offices in London and Madrid. Contact: desk@example.org</p></footer>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The page served on 127.0.0.1 (random port): its folder and its URL."""
    root = tmp_path_factory.mktemp("news")
    (root / "kursk.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/kursk.html"
    server.shutdown()
    server.server_close()


def place_names(ex: object) -> set[str]:
    return {t.place.name for t in ex.toponyms}  # type: ignore[attr-defined]


def test_web_page_gives_the_article_and_its_metadata(site: tuple[Path, str]) -> None:
    _, url = site
    article = read_article(url)
    assert article.html and article.url == url
    assert article.title == "Russian troops move from Belgorod to Kursk"
    assert article.published is not None and article.published.isoformat() == "2024-10-13"
    assert article.text.startswith("Russian troops move from Belgorod to Kursk\n\n")
    assert "Belgorod to Kursk on 12 October 2024" in article.text
    for noise in ("London", "Madrid", "Sport", "console.log", "desk@example.org"):
        assert noise not in article.text


def test_menu_and_footer_names_never_become_places(site: tuple[Path, str]) -> None:
    root, url = site
    ex = extract(read_article(url).text, published=None)
    names = place_names(ex)
    assert {"Belgorod", "Kursk"} <= names and not names & {"London", "Madrid"}
    (move,) = ex.dataset.movements
    assert move.stops[:1] == ["Belgorod"] and move.stops[-1] == "Kursk"
    # the old way (markup fed to the extractor) put the bureaus on the map
    raw = extract((root / "kursk.html").read_text(encoding="utf-8"), published=None)
    assert place_names(raw) & {"London", "Madrid"}


@pytest.mark.parametrize("how", ["url-argument", "--url", "html-file"])
def test_cli_extract_reads_pages_files_and_urls_alike(site: tuple[Path, str], tmp_path: Path, how: str) -> None:
    root, url = site
    args = {"url-argument": [url], "--url": ["--url", url], "html-file": [str(root / "kursk.html")]}[how]
    out = tmp_path / "out.yaml"
    assert main(["extract", *args, "-o", str(out), "-q"]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    text = out.read_text(encoding="utf-8")
    assert "London" not in text and "Madrid" not in text
    assert "Belgorod" in text and "Kursk" in text
    source = json.dumps(data, default=str)
    assert "Russian troops move from Belgorod to Kursk" in source and "2024-10-13" in source
    if how != "html-file":
        assert url in source


def test_cli_map_takes_a_url_subtitle_and_geocoder_option(site: tuple[Path, str], tmp_path: Path) -> None:
    _, url = site
    out = tmp_path / "map.html"
    assert main(["map", url, "-o", str(out), "--subtitle", "From the web", "--geocoder", "offline", "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>Russian troops move from Belgorod to Kursk</h1>" in page
    assert '<p class="geomap-subtitle">From the web</p>' in page
    assert "Madrid" not in page and "London" not in page


def test_corpus_reader_uses_the_same_reader(site: tuple[Path, str]) -> None:
    root, _ = site
    (article,) = list(iter_articles(root))
    assert article.text == article_from_html(PAGE, where="x").text
    assert article.title == "Russian troops move from Belgorod to Kursk"
    assert article.published is not None and article.published.isoformat() == "2024-10-13"


def test_missing_page_is_a_one_line_error(site: tuple[Path, str]) -> None:
    _, url = site
    with pytest.raises(GeomapError, match=r"missing\.html: the server answered 404"):
        read_article(url.replace("kursk.html", "missing.html"))
    with pytest.raises(GeomapError, match="no article text found"):
        article_from_html("<html><body><script>var city = 1;</script></body></html>", where="empty.html")


def test_extraction_saves_by_suffix(site: tuple[Path, str], tmp_path: Path) -> None:
    _, url = site
    ex = extract(read_article(url).text)
    geo = json.loads(ex.save(tmp_path / "x.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and geo == json.loads(ex.save(tmp_path / "x.json").read_text())
    assert "movements" in yaml.safe_load(ex.save(tmp_path / "x.yaml").read_text(encoding="utf-8"))
    with pytest.raises(GeomapError, match=r"x\.csv: unknown output type '\.csv'"):
        ex.save(tmp_path / "x.csv")


def test_an_online_geocoder_places_what_the_gazetteer_does_not_know(tmp_path: Path) -> None:
    """extract(text, geocoder=...) asks it for unknown location phrases (a Nominatim look-alike here)."""
    from test_online_geocode import FakeNominatim, chain

    from geomap.geocode.cache import GeocodeCache

    text = "Russian troops moved from Sudzha to Plekhovo on 12 October 2024, officials said."
    offline = extract(text)
    assert any(u.get("mention") == "Plekhovo" for u in offline.unresolved)
    assert not offline.dataset.movements
    srv = FakeNominatim()
    srv.thread.start()
    try:
        cache = GeocodeCache(tmp_path / "cache.sqlite")
        ex = extract(text, geocoder=chain(srv, cache=cache))
        cache.close()
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
    assert srv.count("Plekhovo") == 1
    (move,) = ex.dataset.movements
    assert move.stops == ["Sudzha", "Plekhovo"]
    plekhovo = next(t for t in ex.toponyms if t.place.name == "Plekhovo")
    assert abs(plekhovo.place.lat - 51.1619) < 1e-6 and plekhovo.place.source not in ("offline", "")
    assert "geocoder" in plekhovo.reason
    assert any("found by the geocoder: Plekhovo" in n for n in ex.notes)
    assert not any(u.get("mention") == "Plekhovo" for u in ex.unresolved)


def test_cli_map_uses_its_geocoder_and_layer_options(tmp_path: Path) -> None:
    """`geomap map --geocoder nominatim --geocoder-url ... --layer ...`, against 127.0.0.1."""
    from test_online_geocode import UA, FakeNominatim

    article = tmp_path / "plekhovo.txt"
    article.write_text("Russian troops moved from Sudzha to Plekhovo on 12 October 2024, officials said.\n")
    out = tmp_path / "map.html"
    layer = str(Path(__file__).resolve().parents[1] / "examples" / "custom_layer.py") + ":FrontLine"
    srv = FakeNominatim()
    srv.thread.start()
    try:
        rc = main([
            "map", str(article), "-o", str(out), "-q", "--no-cache", "--geocoder", "nominatim",
            "--geocoder-url", srv.url, "--user-agent", UA, "--layer", layer,
        ])  # fmt: skip
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
    assert rc == 0 and srv.count("Plekhovo") == 1
    page = out.read_text(encoding="utf-8")
    assert "1 movement on the map" in page and "Plekhovo" in page
    assert "Front line (approximate, Nov 2024)" in page
