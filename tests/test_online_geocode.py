"""Online geocoding against a real HTTP server on 127.0.0.1 that answers like Nominatim.

The server (started here, in a thread) speaks ``/search?format=json``: normal answers, a
slow one past the client's timeout, 429 with Retry-After, 500, malformed JSON and empty
results; ``/down/search`` always fails with 500. Each test counts the requests the server
received, so retries, caching and fallback are checked by what went over the wire. No
traffic leaves the loopback interface.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from geomap.geocode import resolve_dataset
from geomap.geocode.batch import geocode_column
from geomap.geocode.cache import GeocodeCache
from geomap.geocode.chain import GeocodeFailed, build_chain
from geomap.geocode.online import make_backend
from geomap.model import Dataset, Event, GeomapError

ROOT = Path(__file__).resolve().parents[1]
UA = "geomap-tests"

# name → (lat, lon, addresstype, country code)
PLACES = {
    "plekhovo": (51.1619, 35.0838, "village", "ru"),
    "sudzha": (51.1917, 35.2719, "town", "ru"),
    "kursk": (51.7304, 36.1926, "city", "ru"),
    "kursk oblast": (51.6568, 36.2381, "state", "ru"),
}
VILLAGES = [f"Selo {i:02d}" for i in range(1, 21)]


def _answer(name: str, lat: float, lon: float, kind: str, cc: str, rank: int = 0) -> dict:
    return {
        "place_id": 1000 + rank,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0",
        "osm_type": "node",
        "lat": f"{lat}",
        "lon": f"{lon}",
        "class": "place",
        "type": kind,
        "addresstype": kind,
        "name": name,
        "display_name": f"{name}, Russia",
        "importance": 0.5 - rank / 10,
        "address": {kind: name, "country": "Russia", "country_code": cc},
        "boundingbox": [f"{lat - 0.01}", f"{lat + 0.01}", f"{lon - 0.01}", f"{lon + 0.01}"],
    }


class FakeNominatim:
    """A Nominatim look-alike; ``requests`` lists the (path, q) of every request received."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.village_delay = 0.0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                owner.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def count(self, q: str | None = None) -> int:
        with self.lock:
            return sum(1 for _, query in self.requests if q is None or query == q)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = parse_qs(parts.query)
        q = params.get("q", [""])[0]
        with self.lock:
            seen = sum(1 for _, query in self.requests if query == q)
            self.requests.append((parts.path, q))
        if parts.path == "/down/search":
            return self.send(h, 500, "internal error")
        if parts.path == "/photon/api":  # Photon's GeoJSON answers
            found = PLACES.get(q.casefold())
            features = [] if found is None else [{
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [found[1], found[0]]},
                "properties": {"name": q.title(), "countrycode": found[3].upper(), "type": found[2],
                               "osm_key": "place", "osm_value": found[2], "country": "Russia"},
            }]  # fmt: skip
            return self.send(h, 200, json.dumps({"type": "FeatureCollection", "features": features}))
        if parts.path != "/search" or params.get("format") != ["json"]:
            return self.send(h, 400, "bad request")
        key = q.casefold()
        if key == "slow place":
            time.sleep(1.0)
            return self.send(h, 200, "[]")
        if key == "rate limited" and seen == 0:
            return self.send(h, 429, "too many requests", {"Retry-After": "1"})
        if key == "flaky" and seen == 0:
            return self.send(h, 500, "internal error")
        if key == "always broken":
            return self.send(h, 500, "internal error")
        if key == "malformed":
            return self.send(h, 200, '[{"lat": "51.7", "lon": ')
        if key in ("rate limited", "flaky"):
            return self.send(h, 200, json.dumps([_answer(q, 51.19, 35.27, "town", "ru")]))
        if key.startswith("selo "):
            time.sleep(self.village_delay)
            i = int(key.split()[1])
            return self.send(h, 200, json.dumps([_answer(q, 51.0 + i / 100, 35.0 + i / 100, "village", "ru")]))
        if key in PLACES:
            lat, lon, kind, cc = PLACES[key]
            answers = [_answer(q.title(), lat, lon, kind, cc)]
            if key == "kursk":  # a runner-up, as Nominatim gives with limit > 1
                answers.append(_answer("Kursk", 44.6, 42.46, "village", "ru", rank=1))
            return self.send(h, 200, json.dumps(answers))
        return self.send(h, 200, "[]")

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        h.send_response(status)
        h.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        try:
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): that is the test
            pass


@pytest.fixture()
def server() -> Iterator[FakeNominatim]:
    srv = FakeNominatim()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture()
def cache(tmp_path: Path) -> Iterator[GeocodeCache]:
    c = GeocodeCache(tmp_path / "cache.sqlite")
    yield c
    c.close()


def chain(server: FakeNominatim, spec: str = "nominatim", url: str | None = None, **kw: object):
    options: dict[str, object] = {"user_agent": UA, "url": url or server.url, "timeout": 2.0, "backoff": 0.01}
    options.update(kw)
    return build_chain(spec, **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# Answers, errors and retries


def test_normal_answer_has_place_fields_candidates_and_backend(server, cache):
    c = chain(server, cache=cache)
    loc = c.geocode("Plekhovo")
    assert (round(loc.latitude, 4), round(loc.longitude, 4)) == (51.1619, 35.0838)
    assert loc.raw["backend"] == "nominatim" and loc.raw["country_code"] == "RU"
    assert loc.raw["kind"] == "city" and loc.raw["geo_precision"] == 1
    kursk = c.geocode("Kursk")
    assert [cand["lat"] for cand in kursk.raw["candidates"]] == [44.6]
    region = c.geocode("Kursk Oblast")
    assert region.raw["kind"] == "region" and region.raw["geo_precision"] == 2
    sent = server.requests[0]
    assert sent == ("/search", "Plekhovo")


def test_slow_answer_past_timeout_is_retried_then_reported(server):
    c = chain(server, timeout=0.3, retries=1, cache=None)
    t0 = time.monotonic()
    with pytest.raises(GeocodeFailed, match="GeocoderTimedOut"):
        c.geocode("slow place")
    assert server.count("slow place") == 2  # the first try and one retry
    assert time.monotonic() - t0 < 1.5


def test_429_honours_retry_after(server):
    c = chain(server, cache=None)
    t0 = time.monotonic()
    loc = c.geocode("rate limited")
    elapsed = time.monotonic() - t0
    assert loc is not None and loc.raw["name"] == "rate limited"
    assert server.count("rate limited") == 2
    assert elapsed >= 0.95, f"retried after {elapsed:.2f}s, before the server's Retry-After of 1 s"


def test_retry_after_longer_than_the_cap_moves_on(server):
    c = chain(server, "nominatim,offline", cache=None, max_wait=0.5)
    t0 = time.monotonic()
    assert c.geocode("rate limited") is None  # the offline gazetteer does not know it either
    assert server.count("rate limited") == 1 and time.monotonic() - t0 < 0.9
    assert "GeocoderRateLimited" in c.errors[0]


def test_500_is_retried_with_backoff(server):
    c = chain(server, cache=None)
    assert c.geocode("flaky").raw["name"] == "flaky"
    assert server.count("flaky") == 2


def test_persistent_500_exhausts_retries(server):
    c = chain(server, cache=None, retries=2)
    with pytest.raises(GeocodeFailed, match="GeocoderServiceError"):
        c.geocode("always broken")
    assert server.count("always broken") == 3


def test_malformed_json_is_not_retried(server):
    c = chain(server, cache=None)
    with pytest.raises(GeocodeFailed, match="GeocoderParseError"):
        c.geocode("malformed")
    assert server.count("malformed") == 1


def test_empty_result_is_none_and_cached_as_negative(server, tmp_path):
    store = GeocodeCache(tmp_path / "c.sqlite")
    c = chain(server, cache=store)
    assert c.geocode("Nowhere at all") is None
    assert c.geocode("nowhere  AT all") is None  # same normalized key
    assert server.count() == 1
    stats = store.stats()
    assert (stats.found, stats.not_found) == (0, 1)
    short = GeocodeCache(tmp_path / "c.sqlite", negative_ttl=-1)  # negatives expire sooner
    assert chain(server, cache=short).geocode("Nowhere at all") is None
    assert server.count() == 2


def test_rate_limiter_keeps_the_pace(server):
    c = chain(server, cache=None, min_delay=0.25)
    t0 = time.monotonic()
    for q in ("Kursk", "Sudzha", "Plekhovo"):
        assert c.geocode(q) is not None
    assert time.monotonic() - t0 >= 0.5  # two waits of 0.25 s between three requests


# ------------------------------------------------------------------------------------------
# Chain and fallback


def test_chain_falls_back_from_a_failing_backend(server):
    c = chain(server, "nominatim,offline", url=server.url + "/down", cache=None, retries=1)
    loc = c.geocode("Kursk")
    assert loc.raw["backend"] == "offline" and loc.raw["country_code"] == "RU"
    assert server.count() == 2 and {p for p, _ in server.requests} == {"/down/search"}


def test_offline_first_asks_online_only_for_what_stays_unresolved(server, cache):
    c = chain(server, "offline,nominatim", cache=cache)
    assert c.geocode("Kursk").raw["backend"] == "offline"
    assert server.count() == 0
    assert c.geocode("Plekhovo").raw["backend"] == "nominatim"
    assert server.count() == 1
    reverse = chain(server, "nominatim,offline", cache=cache)
    assert reverse.geocode("Kursk").raw["backend"] == "nominatim"


def test_answer_outside_the_country_hint_is_flagged(server, cache):
    c = chain(server, cache=cache)
    loc = c.geocode("Kursk", country_codes="UA")
    assert loc.raw["outside_hint"] is True and "outside the country hint UA" in loc.raw["warning"]
    assert c.geocode("Kursk", country_codes="RU").raw["outside_hint"] is False


def test_resolve_dataset_with_a_chain_records_backend_and_flags(server, cache):
    ds = Dataset(
        events=[
            Event(id="a", date=dt.date(2024, 10, 20), location="Plekhovo", where="ev.yaml", line=3),
            Event(id="b", date=dt.date(2024, 10, 21), location="Kursk", country_hint="UA", where="ev.yaml", line=9),
        ]
    )
    resolve_dataset(ds, chain(server, "offline,nominatim", cache=cache))
    assert [e.place.source for e in ds.events] == ["nominatim", "offline"]
    warnings = [p for p in ds.problems if p.severity == "warning"]
    assert len(warnings) == 1 and warnings[0].line == 9 and "outside the country hint UA" in warnings[0].message


# ------------------------------------------------------------------------------------------
# Bad input: consistent with the offline geocoder, and never sent to a service


@pytest.mark.parametrize("query", ["x" * 10_000, "Kur\x00sk", "\x1b[31mKursk", "95, 10"])
def test_queries_that_cannot_be_place_names_find_nothing_without_a_request(server, cache, query):
    assert chain(server, cache=cache).geocode(query) is None
    assert server.count() == 0


@pytest.mark.parametrize("query", ["", "   ", None])
def test_empty_query_is_a_value_error(server, query):
    with pytest.raises(ValueError, match="empty"):
        chain(server, cache=None).geocode(query)


def test_coordinates_are_the_point_reverse_geocoded_to_its_country(server, cache):
    loc = chain(server, "nominatim", cache=cache).geocode("51.73, 36.19")
    assert (loc.latitude, loc.longitude) == (51.73, 36.19)
    assert loc.raw["country_code"] == "RU" and loc.raw["country_name"] == "Russia"
    assert server.count() == 0


def test_nominatim_without_user_agent_is_a_clear_error(monkeypatch, server):
    monkeypatch.delenv("GEOMAP_USER_AGENT", raising=False)
    with pytest.raises(GeomapError, match="user agent"):
        make_backend("nominatim", url=server.url)
    monkeypatch.setenv("GEOMAP_USER_AGENT", "from-env")
    assert make_backend("nominatim", url=server.url).geocoder.headers["User-Agent"] == "from-env"


def test_unknown_backend_and_bad_url_are_clear_errors():
    with pytest.raises(GeomapError, match="unknown geocoder 'nominatimm'.*photon"):
        make_backend("nominatimm")
    with pytest.raises(GeomapError, match="not an http"):
        make_backend("nominatim", user_agent=UA, url="ftp://example.invalid")
    with pytest.raises(GeomapError, match="named twice"):
        build_chain("offline,offline")


def test_photon_answers_through_the_same_chain(server, cache):
    c = build_chain("photon", url=server.url + "/photon", cache=cache, backoff=0.01)
    loc = c.geocode("Kursk Oblast")
    assert loc.raw["backend"] == "photon" and loc.raw["country_code"] == "RU"
    assert loc.raw["kind"] == "region" and loc.raw["geo_precision"] == 2
    assert c.geocode("Nowhere at all") is None
    assert [p for p, _ in server.requests] == ["/photon/api", "/photon/api"]


def test_any_geopy_geocoder_by_name_gets_url_and_key(server):
    photon = make_backend("photon", url=server.url + "/photon")
    assert photon.geocoder.api.startswith(server.url + "/photon/")
    assert photon.min_delay == 0.0 and make_backend("photon").min_delay == 1.0
    opencage = make_backend("opencage", api_key="k123")
    assert opencage.geocoder.api_key == "k123"


# ------------------------------------------------------------------------------------------
# Batch and the cache across a killed process


def test_batch_geocodes_a_column_with_progress_and_unresolved(server, cache, tmp_path):
    df = pd.DataFrame({"where": ["Plekhovo", "Kursk", None, "Nowhere at all", "Plekhovo"], "cc": ["RU"] * 5})
    progress = tmp_path / "progress.txt"
    with progress.open("w") as stream:
        result = geocode_column(df, "where", chain(server, "offline,nominatim", cache=cache),
                                country="cc", progress=True, stream=stream)  # fmt: skip
    frame = result.frame
    backends = [b if isinstance(b, str) else None for b in frame["geo_backend"]]
    assert backends == ["nominatim", "offline", None, None, "nominatim"]
    assert frame.geometry.name == "geo_point" and frame.crs.to_epsg() == 4326
    assert round(frame.geometry.iloc[0].y, 4) == 51.1619 and frame.geometry.iloc[2] is None
    assert frame["geo_precision"].tolist()[:2] == [1, 1]
    assert isinstance(frame["geo_candidates"].iloc[1], list)
    assert [(u.row, u.reason) for u in result.unresolved] == [
        (3, "cannot geocode an empty place name"),
        (4, "not found (country hint RU)"),
    ]
    assert server.count("Plekhovo") == 1  # asked once for two rows
    assert "5/5" in progress.read_text()


CHILD = """
import sys
import pandas as pd
from geomap.geocode.batch import geocode_column
from geomap.geocode.cache import GeocodeCache
from geomap.geocode.chain import build_chain
names = sys.argv[3:]
c = build_chain("nominatim", user_agent="geomap-tests", url=sys.argv[1], cache=GeocodeCache(sys.argv[2]))
geocode_column(pd.DataFrame({"q": names}), "q", c, progress=False)
"""


def test_cache_survives_a_killed_batch_and_the_rerun_asks_only_for_the_rest(server, tmp_path):
    path = tmp_path / "shared.sqlite"
    server.village_delay = 0.05
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.url, str(path), *VILLAGES], env=env)
    deadline = time.monotonic() + 30
    while server.count() < 8 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the child finished before it could be killed"
    first = server.count()
    assert 8 <= first < len(VILLAGES)

    store = GeocodeCache(path)
    kept = len(store)
    assert kept >= first - 1  # every answer received was stored; at most the one in flight was lost
    server.requests.clear()
    result = geocode_column(
        pd.DataFrame({"q": VILLAGES}), "q", chain(server, cache=store), progress=False
    )
    assert not result.unresolved and result.frame["geo_point"].notna().all()
    assert server.count() == len(VILLAGES) - kept
    assert {q for _, q in server.requests} == set(VILLAGES[kept:])  # the batch ran in order
    store.close()


# ------------------------------------------------------------------------------------------
# CLI


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


@pytest.fixture()
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GEOMAP_USER_AGENT"}
    env["GEOMAP_GEOCODE_CACHE"] = str(tmp_path / "cli-cache.sqlite")
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_cli_geocode_online_cache_stats_and_clear(server, cli_env):
    args = ("--geocoder", "offline,nominatim", "--geocoder-url", server.url, "--user-agent", UA)
    r = run("geocode", "Plekhovo", *args, env=cli_env)
    assert r.returncode == 0, r.stderr
    assert "Plekhovo (RU)" in r.stdout and "geocoder     nominatim" in r.stdout
    r = run("geocode", "Plekhovo", *args, "--json", env=cli_env)
    assert json.loads(r.stdout)["match"]["cached"] is True
    assert server.count() == 1
    r = run("cache", "stats", env=cli_env)
    assert "1 found, 0 not found" in r.stdout and f"nominatim@{server.url}" in r.stdout
    r = run("cache", "clear", env=cli_env)
    assert r.returncode == 0 and "removed 1 cached answer" in r.stderr
    assert "0 found, 0 not found" in run("cache", "stats", env=cli_env).stdout


def test_cli_bad_input_and_missing_user_agent(server, cli_env):
    r = run("geocode", "Sudzha", "--geocoder", "nominatim", "--geocoder-url", server.url, env=cli_env)
    assert r.returncode == 2 and "user agent" in r.stderr and "Traceback" not in r.stderr
    online = ("--geocoder", "nominatim", "--geocoder-url", server.url, "--user-agent", UA)
    r = run("geocode", "x" * 10_000, *online, env=cli_env)
    assert r.returncode == 1 and "10,000 characters" in r.stderr and len(r.stderr) < 300
    r = run("geocode", "", *online, env=cli_env)
    assert r.returncode == 2 and "empty place name" in r.stderr
    r = run("geocode", "51.73, 36.19", *online, env=cli_env)
    assert r.returncode == 0 and "(RU)" in r.stdout
    r = run("geocode", "malformed", *online, "--timeout", "2", env=cli_env)
    assert r.returncode == 2 and "GeocoderParseError" in r.stderr and "Traceback" not in r.stderr
    assert server.count() == 1  # only 'malformed' was sent, and not retried


def test_cli_export_with_a_chain(server, cli_env, tmp_path):
    events = tmp_path / "events.yaml"
    events.write_text(
        "title: t\nevents:\n"
        "  - {id: a, date: 2024-10-20, place: Plekhovo, kind: strike}\n"
        "  - {id: b, date: 2024-10-21, place: Kursk, kind: strike}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.geojson"
    r = run("export", str(events), "-o", str(out), "--geocoder", "offline,nominatim",
            "--geocoder-url", server.url, "--user-agent", UA, env=cli_env)  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "out.events.geojson").read_text(encoding="utf-8")
    assert "nominatim" in text and "51.1619" in text
    assert server.count() == 1
    r = run("export", str(events), "-o", str(out), env=cli_env)  # the default stays offline
    assert r.returncode == 0 and "Plekhovo" in r.stderr and server.count() == 1


def test_batch_keeps_a_geodataframes_own_geometry_and_refuses_a_missing_column():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"name": ["Kursk", "Sudzha"]}, geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:4326")
    result = geocode_column(gdf, "name", build_chain("offline"), progress=False)
    frame = result.frame
    assert frame.geometry.name == "geometry" and frame.geometry.iloc[1].x == 1
    assert round(frame["geo_point"].iloc[0].y, 1) == 51.7 and list(frame["geo_country"]) == ["RU", "RU"]
    assert list(gdf.columns) == ["name", "geometry"]  # the input is left alone
    with pytest.raises(GeomapError, match="no column 'place'.*name"):
        geocode_column(gdf, "place")
