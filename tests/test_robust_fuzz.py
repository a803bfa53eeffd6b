"""Property tests over the readers (issue 14): any bytes in gives a Dataset or a one-line
GeomapError, never another exception; every good row is kept whatever bad rows surround it.

The example counts are bounded (``FUZZ_EXAMPLES``, default 40 per test) so CI stays quick; set
GEOMAP_FUZZ_EXAMPLES=2000 for a long local run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.corpus.reader import iter_articles
from geomap.io import read_events
from geomap.model import Dataset, GeomapError, Problem
from geomap.textclean import strip_controls

FUZZ_EXAMPLES = int(os.environ.get("GEOMAP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip

SUFFIXES = (".yaml", ".csv", ".geojson", ".json", ".jsonl")


def _read(data: bytes, suffix: str) -> Dataset | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        try:
            if suffix == ".jsonl":
                items = list(iter_articles(path))
                assert all(hasattr(i, "text") or isinstance(i, Problem) for i in items)
                return None
            return read_events(path)
        except GeomapError as exc:
            assert "\n" not in str(exc).strip() or str(exc).count("\n") < 50  # a message, not a dump
            return None


# Bytes that look a little like each format, so the fuzzing reaches past the first check.
_fragments = st.sampled_from([
    b"events:\n", b"  - ", b"{date: 2024-10-01, place: Kursk, lat: 51.7, lon: 36.2}", b"date: ", b"9999-W52",
    b"location,latitude,longitude,event_date\n", b"Kursk,51.7,36.2,2024-10-01\n", b'"', b",", b"\n", b"\r\n",
    b'{"type": "FeatureCollection", "features": [', b'{"type": "Feature", "geometry": ', b'"coordinates": [',
    b"]", b"}", b"[", b"nan", b"1e999", b"99999999999999999999999999", b"\x00", b"\x1b[2J", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\xe9", b"&anchor ", b"*anchor", b"!!python/object:os.system", b'{"text": "Kursk"}',
])  # fmt: skip
_inputs = st.one_of(st.binary(max_size=400), st.lists(st.one_of(_fragments, st.binary(max_size=8)), max_size=40).map(b"".join))


@FUZZ
@given(data=_inputs, suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_a_dataset_or_a_clear_error(data: bytes, suffix: str) -> None:
    _read(data, suffix)


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_good = st.fixed_dictionaries({
    "location": _text.filter(lambda s: strip_controls(s).strip() != ""),
    "latitude": st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 4)),
    "longitude": st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 4)),
    "event_date": st.dates().map(lambda d: d.isoformat()),
    "notes": _text,
})  # fmt: skip
_bad = st.fixed_dictionaries({
    "location": _text,
    "latitude": st.one_of(st.just("95"), st.just("nan"), _text.filter(lambda s: s.strip() == "" or not _is_number(s))),
    "longitude": st.just("200"),
    "event_date": st.sampled_from(["2024-02-30", "9999-W53", "Octember", "2024-13-01"]),
    "notes": _text,
})  # fmt: skip


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _expected(row: dict) -> str:
    return strip_controls(row["location"]).strip()


@FUZZ
@given(rows=st.lists(st.one_of(_good, _bad), min_size=1, max_size=12))
def test_every_good_csv_row_is_kept(rows: list[dict]) -> None:
    good_rows = [r for r in rows if r["longitude"] != "200"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["location", "latitude", "longitude", "event_date", "notes"],
                            lineterminator="\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    ds = _read(buffer.getvalue().encode("utf-8"), ".csv")
    assert ds is not None
    assert [e.location for e in ds.events] == [_expected(r) for r in good_rows]
    assert len({p.line for p in ds.errors}) == len(rows) - len(good_rows)  # each bad row rejected, alone


@FUZZ
@given(rows=st.lists(st.one_of(_good, _bad), min_size=1, max_size=12))
def test_every_good_yaml_and_geojson_entry_is_kept(rows: list[dict]) -> None:
    good_rows = [r for r in rows if r["longitude"] != "200"]
    events = [{"date": r["event_date"], "place": r["location"], "lat": r["latitude"], "lon": r["longitude"],
               "description": r["notes"]} for r in rows]  # fmt: skip
    ds = _read(yaml.safe_dump({"events": events}, allow_unicode=True).encode("utf-8"), ".yaml")
    assert ds is not None
    assert [e.location for e in ds.events] == [_expected(r) for r in good_rows]
    features = [
        {"type": "Feature", "geometry": None if r["longitude"] == "200" else
         {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
         "properties": {"date": r["event_date"] if r["longitude"] != "200" else "Octember", "location": r["location"],
                        "description": r["notes"]}}
        for r in rows
    ]  # fmt: skip
    ds = _read(json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8"), ".geojson")
    assert ds is not None
    assert [e.location for e in ds.events] == [_expected(r) for r in good_rows]
