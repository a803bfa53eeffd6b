"""Online geocoding stays bounded against a misbehaving server on 127.0.0.1.

The server trickles a body one byte at a time, sends an endless chunked body, answers with
a 12,000-item list or a 20 MB body, answers 200 with ``{"error": ...}``, or stalls past the
timeout; the client must give up within its deadlines, fall back, cache nothing for a
failure and say what failed. A corrupt cache file is moved aside with a warning, never
blamed on the service. Everything goes over real sockets; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geomap.geocode import resolve_dataset
from geomap.geocode.cache import CacheWarning, GeocodeCache
from geomap.geocode.chain import GeocodeFailed, build_chain
from geomap.model import ArgumentError, Dataset, Event

ROOT = Path(__file__).resolve().parents[1]
UA = "geomap-tests"


def _hit(name: str, i: int = 0) -> dict[str, object]:
    return {
        "place_id": i, "lat": f"{51 + i / 1e6}", "lon": "36.19", "class": "place", "type": "city",
        "addresstype": "city", "name": name, "display_name": f"{name}, Russia", "importance": 0.5,
        "address": {"city": name, "country_code": "ru"},
    }  # fmt: skip


class BadServer:
    """Answers by query: 'trickle', 'endless', 'many', 'huge', 'error answer', 'stall', else Kursk."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                q = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
                with owner.lock:
                    owner.count[q] = owner.count.get(q, 0) + 1
                try:
                    owner.answer(self, q)
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: that is what the test wants

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    @staticmethod
    def answer(h: BaseHTTPRequestHandler, q: str) -> None:
        if q == "trickle":  # a valid length, then one byte every 0.2 s (each read well inside the timeout)
            body = json.dumps([_hit("Trickle")]).encode()
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            for b in body:
                h.wfile.write(bytes([b]))
                h.wfile.flush()
                time.sleep(0.2)
            return
        if q == "endless":  # chunked, never ending
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            h.wfile.write(b"1\r\n[\r\n")
            while True:
                piece = b'{"lat": "1", "lon": "2"},'
                h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                h.wfile.flush()
                time.sleep(0.05)
        if q == "many":
            return _send(h, 200, json.dumps([_hit(f"Kursk {i}", i) for i in range(12_000)]))
        if q == "huge":
            return _send(h, 200, json.dumps([_hit("Huge")]) + " " * (20 * 1024 * 1024))
        if q == "error answer":
            return _send(h, 200, json.dumps({"error": "Service temporarily overloaded"}))
        if q.startswith("zzstall"):
            time.sleep(2.0)
            return _send(h, 200, "[]")
        return _send(h, 200, json.dumps([_hit(q.title())]))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _send(h: BaseHTTPRequestHandler, status: int, body: str) -> None:
    data = body.encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


@pytest.fixture()
def server() -> Iterator[BadServer]:
    srv = BadServer()
    yield srv
    srv.close()


def _chain(server: BadServer, spec: str = "nominatim", **kw: object):
    options: dict[str, object] = {"user_agent": UA, "url": server.url, "timeout": 1.0, "backoff": 0.05, "retries": 0}
    options.update(kw)
    return build_chain(spec, **options)  # type: ignore[arg-type]


def _timed(fn, *args: object) -> tuple[float, object]:
    t0 = time.monotonic()
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 (the test looks at what was raised)
        out = exc
    return time.monotonic() - t0, out


def test_a_trickled_body_is_cut_at_the_whole_request_deadline(server, tmp_path):
    cache = GeocodeCache(tmp_path / "c.sqlite")
    elapsed, out = _timed(_chain(server, cache=cache).geocode, "trickle")
    assert isinstance(out, GeocodeFailed) and "GeocoderTimedOut" in str(out)
    assert elapsed < 3.5  # 2 x the 1 s timeout, not the ~40 s the body would take
    assert len(cache) == 0  # a failure is never cached as "nothing found"


def test_an_endless_chunked_body_is_cut_too(server):
    elapsed, out = _timed(_chain(server, cache=None).geocode, "endless")
    assert isinstance(out, GeocodeFailed) and elapsed < 3.5


def test_a_body_past_the_size_cap_is_not_read(server):
    elapsed, out = _timed(_chain(server, cache=None, timeout=5.0).geocode, "huge")
    assert isinstance(out, GeocodeFailed) and "larger than 4 MB" in str(out)


def test_a_list_of_12000_results_is_cut_before_it_is_parsed_or_cached(server, tmp_path):
    cache = GeocodeCache(tmp_path / "c.sqlite")
    elapsed, loc = _timed(_chain(server, cache=cache, timeout=10.0).geocode, "many")
    assert not isinstance(loc, Exception) and loc.raw["name"] == "Kursk 0"
    assert len(loc.raw["candidates"]) == 5
    assert elapsed < 5.0  # 6,000 results took 29.5 s, quadratic in the results
    stored = cache.db.execute("SELECT length(payload) FROM answers").fetchone()[0]
    assert stored < 50_000  # six results, not 12,000


def test_an_error_answered_as_200_is_a_failure_not_nothing_found(server, tmp_path):
    cache = GeocodeCache(tmp_path / "c.sqlite")
    with pytest.raises(GeocodeFailed, match="answered with an error: Service temporarily overloaded"):
        _chain(server, cache=cache).geocode("error answer")
    assert len(cache) == 0


def test_retries_stay_inside_the_budget_of_one_name(server):
    c = _chain(server, cache=None, timeout=0.5, retries=5, max_wait=2.5, backoff=0.2)
    elapsed, out = _timed(c.geocode, "zzstall")
    assert isinstance(out, GeocodeFailed)
    assert elapsed < 3.5  # 2.5 s budget (+ scheduling), not 6 tries x (0.5..1 s) + backoff
    assert 2 <= server.count["zzstall"] <= 3


def test_the_batch_deadline_leaves_the_rest_to_the_offline_gazetteer(server):
    c = _chain(server, "offline,nominatim", cache=None, timeout=0.5, max_wait=1.0, batch_timeout=1.5)
    dataset = Dataset(events=[Event(id=f"e{i}", location=n) for i, n in
                              enumerate([*(f"zzstall {i}" for i in range(6)), "Kursk"])])  # fmt: skip
    elapsed, _ = _timed(resolve_dataset, dataset, c)
    assert elapsed < 3.5
    errors = [p.message for p in dataset.problems]
    assert any("run's 1.5 s for online geocoding are spent" in m for m in errors), errors
    kursk = [e for e in dataset.events if e.location == "Kursk"]
    assert kursk and kursk[0].place is not None and kursk[0].place.source == "offline"


def test_an_outage_is_reported_as_such_not_as_an_unknown_place(server):
    c = _chain(server, "offline,nominatim", cache=None, url="http://127.0.0.1:9/")  # nothing listens
    dataset = Dataset(events=[Event(id="e1", location="Selo Nigde")])
    resolve_dataset(dataset, c)
    message = dataset.problems[0].message
    assert "unknown place" not in message
    assert "nominatim failed (GeocoderUnavailable" in message


def test_a_corrupt_cache_is_moved_aside_with_a_warning_and_the_service_still_asked(server, tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not an SQLite file" * 100)
    cache = GeocodeCache(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loc = _chain(server, cache=cache).geocode("Sudzha")
    assert loc is not None and loc.raw["backend"] == "nominatim"
    assert any(issubclass(w.category, CacheWarning) and "moved to c.sqlite.corrupt" in str(w.message)
               for w in caught)  # fmt: skip
    assert (tmp_path / "c.sqlite.corrupt").exists() and len(cache) == 1


@pytest.mark.parametrize("bad", [{"timeout": 0}, {"timeout": -1}, {"timeout": float("nan")},
                                 {"timeout": float("inf")}, {"retries": -1}, {"max_wait": 0},
                                 {"batch_timeout": float("inf")}])  # fmt: skip
def test_bad_settings_are_argument_errors(server, bad):
    with pytest.raises(ArgumentError) as info:
        _chain(server, **bad)
    assert info.value.argument == next(iter(bad))


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)  # fmt: skip


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "GEOMAP_USER_AGENT"}
    e["GEOMAP_GEOCODE_CACHE"] = str(tmp_path / "cli-cache.sqlite")
    e["PYTHONPATH"] = str(ROOT)
    return e


@pytest.mark.parametrize("flag,value", [("--timeout", "0"), ("--timeout", "-1"), ("--timeout", "nan"),
                                        ("--timeout", "inf"), ("--retries", "-1"), ("--max-wait", "x")])  # fmt: skip
def test_cli_refuses_bad_numbers_for_every_command(env, flag, value, tmp_path):
    for command in (["geocode", "Kursk"], ["render", "x.yaml", "-o", str(tmp_path / "m.html")],
                    ["export", "x.yaml", "-o", str(tmp_path / "x.gpkg")]):  # fmt: skip
        r = _run(*command, flag, value, env=env)
        assert r.returncode == 2 and flag in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_cli_names_its_own_option_and_says_what_failed(server, env, tmp_path):
    r = _run("geocode", "Sudzha", "--geocoder", "nominatim", "--geocoder-url", server.url, env=env)
    assert r.returncode == 2 and "--user-agent" in r.stderr and "user_agent" not in r.stderr
    online = ("--geocoder", "offline,nominatim", "--geocoder-url", server.url, "--user-agent", UA, "--timeout", "1")
    r = _run("geocode", "error answer", *online, env=env)
    assert r.returncode == 1 and "nominatim failed" in r.stderr and "overloaded" in r.stderr, r.stderr
    Path(env["GEOMAP_GEOCODE_CACHE"]).write_bytes(b"garbage" * 50)
    r = _run("cache", "stats", env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "geomap: warning:" in r.stderr and "moved to cli-cache.sqlite.corrupt" in r.stderr
