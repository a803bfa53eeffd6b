"""Country shapes: the shipped Natural Earth outlines, their points, and the point-in-country check."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geomap.geocode import shapes
from geomap.geocode.gazetteer import OfflineGeocoder


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def test_outlines_are_natural_earth_with_attribution():
    data = shapes.countries_geojson()
    assert "Natural Earth" in data["attribution"] and "public domain" in data["attribution"]
    by_code = shapes.countries()
    assert len(by_code) >= 170 and {"RU", "UA", "KP", "ID", "US"} <= set(by_code)
    assert shapes.country("ru") is by_code["RU"] and by_code["RU"].name == "Russia"
    assert shapes.country("XX") is None and shapes.country_shape("XX") is None


def test_every_representative_point_lies_inside_its_country():
    outside = [
        c.code for c in shapes.countries().values() if not c.geometry.contains(Point(c.label_lon, c.label_lat))
    ]
    assert outside == []
    lat, lon = shapes.representative_point("UA")
    assert shapes.country_at(lat, lon) == "UA"


def test_resolved_kursk_lies_in_russia(geocoder):
    loc = geocoder.geocode("Kursk")
    assert shapes.in_country(loc.latitude, loc.longitude, "RU") is True
    assert shapes.in_country(loc.latitude, loc.longitude, "UA") is False
    assert shapes.country_at(loc.latitude, loc.longitude) == "RU"


@pytest.mark.parametrize("name", ["Russia", "Ukraine", "France", "Indonesia", "North Korea", "United States"])
def test_gazetteer_country_points_lie_in_their_outlines(geocoder, name):
    loc = geocoder.geocode(name)
    assert shapes.in_country(loc.latitude, loc.longitude, loc.raw["country_code"]) is True


def test_open_sea_is_in_no_country():
    assert shapes.country_at(43.0, 34.0) is None  # the middle of the Black Sea
    assert shapes.in_country(43.0, 34.0, "UA") is False


def test_tolerance_covers_the_coarse_coast():
    ru = shapes.country_shape("RU")
    # A point 0.2 degrees outside Russia's outline is in Russia with the default tolerance only.
    edge = ru.boundary.interpolate(0.37, normalized=True)
    probes = [Point(edge.x + dx, edge.y + dy) for dx in (-0.2, 0.2) for dy in (-0.2, 0.2)]
    probe = next(p for p in probes if not ru.contains(p))
    assert 0 < ru.distance(probe) <= 0.3
    assert shapes.in_country(probe.y, probe.x, "RU") is True
    assert shapes.in_country(probe.y, probe.x, "RU", tolerance=0.0) is False


def test_outside_hint_flags_only_answers_outside_every_hinted_country(geocoder):
    kyiv = geocoder.geocode("Kyiv")
    warning = shapes.outside_hint(kyiv.latitude, kyiv.longitude, "RU")
    assert warning and "in UA" in warning and "outside the country hint RU" in warning
    assert shapes.outside_hint(kyiv.latitude, kyiv.longitude, "ru, ua") is None
    assert shapes.outside_hint(kyiv.latitude, kyiv.longitude, ["UA"]) is None
    assert shapes.outside_hint(kyiv.latitude, kyiv.longitude, None) is None
    assert shapes.outside_hint(kyiv.latitude, kyiv.longitude, "SG") is None  # no outline at 1:110m: no verdict
    assert "in no country" in shapes.outside_hint(43.0, 34.0, "UA")


@pytest.mark.parametrize("query", ["Kursk Oblast", "wilayah Kursk", "Kursk region", "Belgorod region"])
def test_regions_are_their_main_city_with_region_precision_and_say_so(geocoder, query):
    loc = geocoder.geocode(query)
    raw = loc.raw
    assert raw["kind"] == "region" and raw["geo_precision"] == 2 and raw["country_code"] == "RU"
    assert raw["note"] and ("centre" in raw["note"] or "city" in raw["note"])
    assert shapes.in_country(loc.latitude, loc.longitude, "RU") is True
