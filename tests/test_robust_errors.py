"""One-line errors where tracebacks were (issue 14): dates at the calendar's end, huge numbers,
unreachable Dask schedulers, a corrupt geocoder cache, deeply nested JSON."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geomap.cli import main

KURSK = "{date: 2024-10-01, place: Kursk, lat: 51.7, lon: 36.2}"


@pytest.mark.parametrize("command, suffix", [("render", ".html"), ("export", ".csv"), ("export", ".gpkg")])
def test_dates_at_the_end_of_the_calendar(tmp_path: Path, capsys, command: str, suffix: str) -> None:
    src = tmp_path / "edge.yaml"
    src.write_text(
        "events:\n"
        "  - {date: 9999-W52, place: Kursk, lat: 51.7, lon: 36.2}\n"
        "  - {date: 9999-12-31, date_precision: week, place: Kazan, lat: 55.8, lon: 49.1}\n"
        "  - {date: 9999-12-31, place: Omsk, lat: 54.9, lon: 73.4}\n"
        f"  - {KURSK}\n"
    )
    assert main([command, str(src), "-o", str(tmp_path / f"out{suffix}")]) == 0
    err = capsys.readouterr().err
    assert "edge.yaml:2: [date] error: the week of '9999-W52' runs past 9999-12-31" in err
    assert "edge.yaml:3: [date] error: the week of '9999-12-31' runs past 9999-12-31" in err
    assert "2 entries rejected" in err and "Traceback" not in err


def test_unreadable_scheduler_address(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "On 3 October 2024 troops moved to Kursk."}) + "\n")
    assert main(["extract", str(corpus), "-o", str(tmp_path / "c.parquet"), "--scheduler", "notaurl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geomap: error: --scheduler: cannot reach the Dask scheduler 'notaurl'")
    assert len(err.strip().splitlines()) == 1


def test_unreachable_scheduler(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "On 3 October 2024 troops moved to Kursk."}) + "\n")
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "extract", str(corpus), "-o", str(tmp_path / "c.parquet"),
         "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "cannot reach the Dask scheduler 'tcp://127.0.0.1:9'" in proc.stderr and "Traceback" not in proc.stderr
    assert time.monotonic() - t0 < 60


@pytest.mark.parametrize("content", [b"\x00garbage" * 600, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_cache_stats_on_a_corrupt_cache(tmp_path: Path, monkeypatch, capsys, content: bytes) -> None:
    bad = tmp_path / "cache.sqlite"
    bad.write_bytes(content)
    monkeypatch.setenv("GEOMAP_GEOCODE_CACHE", str(bad))
    assert main(["cache", "stats"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "answers" in captured.out


def test_deeply_nested_geojson_is_one_line(tmp_path: Path, capsys) -> None:
    src = tmp_path / "deep.geojson"
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.2, 51.7]},
            "properties": {"date": "2024-10-01", "location": "Kursk"}}  # fmt: skip
    src.write_text('{"type": "FeatureCollection", "features": [' + json.dumps(good)
                   + ', {"type": "Feature", "geometry": {"type": "Point", "coordinates": ' + "[" * 50_000
                   + "]" * 50_000 + '}, "properties": {}}]}')  # fmt: skip
    assert main(["render", str(src), "-o", str(tmp_path / "m.html")]) == 2
    err = capsys.readouterr().err
    assert err == f"geomap: error: {src}: JSON nested too deeply to read (arrays or objects thousands deep)\n"


def test_nested_but_readable_geojson_keeps_the_good_feature(tmp_path: Path, capsys) -> None:
    src = tmp_path / "deep.geojson"
    feats = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.2, 51.7]},
         "properties": {"date": "2024-10-01", "location": "Kursk"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": json.loads("[" * 500 + "]" * 500)},
         "properties": {"date": "2024-10-01", "location": "X", "x": json.loads('{"a":' * 500 + "1" + "}" * 500)}},
    ]  # fmt: skip
    src.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    assert main(["render", str(src), "-o", str(tmp_path / "m.html")]) == 0
    err = capsys.readouterr().err
    assert "1 entry rejected" in err and "wrote" in err and "1 events" in err
