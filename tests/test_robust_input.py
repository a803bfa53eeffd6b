"""Bad or odd input (issue 14): long CSV cells, control characters, encodings, limits, messages."""

from __future__ import annotations

import csv
import sqlite3
import xml.dom.minidom
from pathlib import Path

import pytest

from geomap.cli import main
from geomap.io import export, read_events
from geomap.io.acled_csv import MAX_CSV_FIELD
from geomap.io.validate import MAX_FIELD_CHARS
from geomap.model import GeomapError

HEADER = "location,latitude,longitude,event_date,notes\n"


def test_long_csv_cell_is_read_and_a_huge_one_rejects_its_row_only(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        HEADER
        + "Kursk,51.7,36.2,2024-10-01,ok\n"
        + "Kazan,55.8,49.1,2024-10-02," + "n" * 140_000 + "\n"  # over the csv module's 131072
        + "Omsk,54.9,73.4,2024-10-03," + "m" * (MAX_CSV_FIELD + 10) + "\n"
        + "Perm,58.0,56.2,2024-10-04,ok\n",
        encoding="utf-8",
    )
    ds = read_events(src)
    assert [e.location for e in ds.events] == ["Kursk", "Kazan", "Perm"]
    (err,) = ds.errors
    assert err.line == 4 and "row rejected" in err.message and "field larger than field limit" in err.message


def test_field_over_the_limit_is_cut_with_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "in.yaml"
    src.write_text(f"events:\n  - {{date: 2024-10-01, place: Kursk, lat: 51.7, lon: 36.2, description: {'d' * (MAX_FIELD_CHARS + 5)}}}\n")
    ds = read_events(src)
    assert len(ds.events[0].description) == MAX_FIELD_CHARS
    (w,) = [p for p in ds.problems if p.field == "description"]
    assert w.severity == "warning" and w.line == 2 and "cut to the first 1,000,000" in w.message


def test_csv_lines_after_a_multi_line_cell(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + 'Kursk,51.7,36.2,2024-10-01,"one\ntwo\nthree"\nNowhere,95,1,2024-10-02,x\n')
    (err,) = read_events(src).errors
    assert err.line == 5  # the physical line, not the record number 3


CONTROL = "a\x00b\x1b[31mred\x07c"


def _control_dataset(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + f"Kursk,51.7,36.2,2024-10-01,{CONTROL}\n", encoding="utf-8")
    return read_events(src)


def test_control_characters_removed_on_reading_with_a_warning(tmp_path: Path) -> None:
    ds = _control_dataset(tmp_path)
    assert ds.events[0].description == "ab[31mredc"
    assert any(p.field == "notes" and "3 control characters" in p.message for p in ds.problems)


def test_control_characters_never_reach_kml_or_gpkg(tmp_path: Path) -> None:
    from geomap.model import Event, Place

    ds = _control_dataset(tmp_path)
    ds.events.append(Event(id="api", location="x\x00y", date=ds.events[0].date, place=Place("x\x00y", 50.0, 30.0),
                           description=CONTROL))  # through the Python API: not cleaned on reading
    export(ds, tmp_path / "out.kml")
    xml.dom.minidom.parse(str(tmp_path / "out.kml"))  # valid XML
    assert "\x1b" not in (tmp_path / "out.kml").read_text()
    export(ds, tmp_path / "out.gpkg")
    with sqlite3.connect(tmp_path / "out.gpkg") as con:
        names = {r[0] for r in con.execute("SELECT location FROM events")}
    assert "xy" in names


def test_messages_do_not_echo_terminal_escapes(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.yaml"
    src.write_text('events:\n  - {date: 2024-10-01, place: Kursk, lat: 51.7, lon: 36.2, kind: "\\e[2J\\a"}\n')
    main(["render", str(src), "-o", str(tmp_path / "m.html")])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b[2J\\x07" in err


def test_utf16_with_bom_and_encoding_option(tmp_path: Path, capsys) -> None:
    text = HEADER + "Курск,51.7,36.2,2024-10-01,войска\n"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    assert read_events(tmp_path / "u16.csv").events[0].location == "Курск"
    (tmp_path / "u16.yaml").write_bytes("events:\n  - {date: 2024-10-01, place: Курск, lat: 51.7, lon: 36.2}\n".encode("utf-16"))
    assert read_events(tmp_path / "u16.yaml").events[0].location == "Курск"
    (tmp_path / "cp.csv").write_bytes(text.encode("cp1251"))
    with pytest.raises(GeomapError) as info:
        read_events(tmp_path / "cp.csv")
    assert "cp.csv" in str(info.value) and "(line 2)" in str(info.value) and "--encoding" in str(info.value)
    assert read_events(tmp_path / "cp.csv", encoding="cp1251").events[0].description == "войска"
    out = tmp_path / "o.csv"
    assert main(["export", str(tmp_path / "cp.csv"), "--encoding", "cp1251", "-o", str(out), "-q"]) == 0
    assert "Курск" in out.read_text(encoding="utf-8")
    assert main(["render", str(tmp_path / "cp.csv"), "--encoding", "nope", "-o", str(tmp_path / "m.html")]) == 2
    assert "--encoding: unknown encoding 'nope'" in capsys.readouterr().err


def test_article_encodings(tmp_path: Path, capsys) -> None:
    art = "On 3 October 2024 troops moved from Vladivostok to Kursk. Ещё.\n"
    (tmp_path / "a16.txt").write_bytes(art.encode("utf-16"))
    assert main(["extract", str(tmp_path / "a16.txt"), "-o", str(tmp_path / "a.yaml"), "-q"]) == 0
    (tmp_path / "acp.txt").write_bytes(art.encode("cp1251"))
    assert main(["extract", str(tmp_path / "acp.txt"), "-o", str(tmp_path / "b.yaml"), "-q"]) == 2
    assert "--encoding" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "acp.txt"), "--encoding", "cp1251", "-o", str(tmp_path / "b.yaml"), "-q"]) == 0


def test_nan_latitude_is_named(tmp_path: Path) -> None:
    src = tmp_path / "in.yaml"
    src.write_text("events:\n  - {date: 2024-10-01, place: Kursk, lat: .nan, lon: 36.2}\n")
    (err,) = read_events(src).errors
    assert err.field == "lat" and "finite number, got nan" in err.message


def test_huge_quantity_is_a_row_error_not_a_crash(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.yaml"
    src.write_text(
        "events:\n  - {date: 2024-10-01, place: Kursk, lat: 51.7, lon: 36.2, quantity: 99999999999999999999999999}\n"
        "  - {date: 2024-10-02, place: Kazan, lat: 55.8, lon: 49.1, quantity: 12000}\n"
    )
    assert main(["export", str(src), "-o", str(tmp_path / "o.gpkg")]) == 0
    err = capsys.readouterr().err
    assert "in.yaml:2: [quantity] error: quantity 99999999999999999999999999 is larger" in err


def test_csv_export_reads_back(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + 'Kursk,51.7,36.2,2024-10-01,"a, b\nc"\n')
    export(read_events(src), tmp_path / "o.csv")
    with open(tmp_path / "o.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["notes"] == "a, b\nc"
