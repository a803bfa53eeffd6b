"""resolve_dataset: places filled from names, the unplaceable removed and reported, any geocoder."""

from __future__ import annotations

from typing import Any

import pytest
from geopy.exc import GeocoderTimedOut
from geopy.location import Location
from geopy.point import Point

from geomap.geocode import OfflineGeocoder, resolve_dataset
from geomap.geocode.base import distance_km
from geomap.model import Dataset, Event, Leg, Movement, Place, PlaceKind


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def _event(id_: str, location: str, line: int, where: str = "events.yaml", **kw: Any) -> Event:
    return Event(id=id_, location=location, where=where, line=line, **kw)


def _movement(id_: str, stops: list[str], line: int, where: str = "events.yaml") -> Movement:
    legs = [Leg(origin=a, destination=b) for a, b in zip(stops, stops[1:], strict=False)]
    return Movement(id=id_, actor="North Korean armed forces", legs=legs, where=where, line=line)


def test_good_events_get_places_and_bad_ones_are_reported_with_line_and_field(geocoder):
    preset = Place("Somewhere chosen by hand", 10.0, 20.0, source="input")
    ds = Dataset(
        events=[
            _event("a", "wilayah Kursk", 4),
            _event("b", "Atlantisvillezz Qq", 9),
            _event("c", "Brussels", 14),
            _event("d", "Xyzzy-on-Nowhere", 3, where="acled.csv"),
            _event("e", "Unplaceable Name Qq", 20, place=preset),
            _event("f", "   ", 25),
        ]
    )
    out = resolve_dataset(ds, geocoder)
    assert out is ds
    assert [e.id for e in ds.events] == ["a", "c", "e"]
    kursk = ds.events[0].place
    assert (kursk.kind, kursk.geo_precision, kursk.country_code) == (PlaceKind.REGION, 2, "RU")
    assert distance_km(kursk.lat, kursk.lon, 51.73, 36.19) < 25
    assert kursk.source == "offline"
    assert ds.events[1].place.country_code == "BE"
    assert ds.events[2].place is preset  # an event placed already is left alone
    errors = [(p.where, p.line, p.field, p.message) for p in ds.errors]
    assert ("events.yaml", 9, "place", "unknown place 'Atlantisvillezz Qq'") in errors
    assert ("acled.csv", 3, "location", "unknown place 'Xyzzy-on-Nowhere'") in errors
    assert ("events.yaml", 25, "place", "no place name given") in errors
    assert len(ds.errors) == 3
    assert all(p.severity == "error" for p in ds.errors)
    assert "events.yaml:9: [place] error: unknown place 'Atlantisvillezz Qq'" == str(ds.errors[0])


def test_country_hint_is_passed_on(geocoder):
    ds = Dataset(events=[_event("g1", "Georgia", 1), _event("g2", "Georgia", 2, country_hint="us")])
    resolve_dataset(ds, geocoder)
    assert [e.place.country_code for e in ds.events] == ["GE", "US"]
    assert ds.events[1].place.kind == PlaceKind.REGION


def test_ambiguous_match_warns_and_keeps_the_event(geocoder):
    ds = Dataset(events=[_event("s", "Springfield", 7), _event("k", "Kursk", 8)])
    resolve_dataset(ds, geocoder)
    assert [e.id for e in ds.events] == ["s", "k"]
    warnings = [p for p in ds.problems if p.severity == "warning"]
    assert len(warnings) == 1
    w = warnings[0]
    assert (w.where, w.line, w.field) == ("events.yaml", 7, "place")
    assert w.message.startswith("ambiguous place 'Springfield': chose Springfield, US")
    assert w.message.count("Springfield") >= 3  # the query, the choice and the rival
    assert not ds.errors


def test_movements_get_leg_places_and_a_bad_stop_removes_the_movement(geocoder):
    good = _movement("sealift", ["Korea Utara", "Vladivostok", "wilayah Kursk"], 30)
    bad_via = _movement("via", ["Pyongyang", "Nowhereburg Qqq", "Kursk"], 40)
    bad_to = _movement("to", ["Moskow", "Qqq Unknown Land"], 50)
    bad_from = _movement("from", ["Zzyzx Qq Nowhere", "Kazan"], 60, where="moves.csv")
    ds = Dataset(movements=[good, bad_via, bad_to, bad_from])
    resolve_dataset(ds, geocoder)
    assert [m.id for m in ds.movements] == ["sealift"]
    legs = ds.movements[0].legs
    assert legs[0].origin_place.country_code == "KP" and legs[0].origin_place.kind == PlaceKind.COUNTRY
    assert legs[0].destination_place == legs[1].origin_place
    assert legs[0].destination_place.name == "Vladivostok"
    assert legs[1].destination_place.kind == PlaceKind.REGION
    errors = {(p.line, p.field, p.message, p.where) for p in ds.errors}
    assert errors == {
        (40, "via", "unknown place 'Nowhereburg Qqq'", "events.yaml"),
        (50, "to", "unknown place 'Qqq Unknown Land'", "events.yaml"),
        (60, "from", "unknown place 'Zzyzx Qq Nowhere'", "moves.csv"),
    }


class TableGeocoder:
    """A small geopy-style geocoder of its own (like a user's): a name table, no hints, no raw extras."""

    def __init__(self, table: dict[str, tuple[float, float]], fail_on: str | None = None) -> None:
        self.table = table
        self.fail_on = fail_on
        self.calls: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True, timeout: int | None = None) -> Any:
        self.calls.append(query)
        if query == self.fail_on:
            raise GeocoderTimedOut("Service timed out")
        if query not in self.table:
            return None
        lat, lon = self.table[query]
        location = Location(f"{query}, Somewhere", Point(lat, lon), {"place_id": 1})
        return location if exactly_one else [location]


def test_any_geopy_style_geocoder_works_and_each_name_is_asked_once():
    geocoder = TableGeocoder({"Kursk": (51.73, 36.19), "Kazan": (55.79, 49.12)}, fail_on="Brussels")
    ds = Dataset(
        events=[
            _event("1", "Kursk", 1, country_hint="RU"),
            _event("2", "Kursk", 2, country_hint="RU"),
            _event("3", "Kazan", 3),
            _event("4", "Brussels", 4),
            _event("5", "Atlantis", 5),
        ],
        movements=[_movement("m", ["Kazan", "Kursk"], 6)],
    )
    resolve_dataset(ds, geocoder)
    assert [e.id for e in ds.events] == ["1", "2", "3"]
    place = ds.events[0].place
    assert (place.name, place.lat, place.lon, place.source) == ("Kursk", 51.73, 36.19, "tablegeocoder")
    assert place.kind == PlaceKind.OTHER  # a foreign geocoder says nothing of kind
    assert sorted(geocoder.calls) == ["Atlantis", "Brussels", "Kazan", "Kursk", "Kursk"]  # per (name, hint)
    messages = {p.line: p.message for p in ds.errors}
    assert messages[4] == "cannot geocode 'Brussels': GeocoderTimedOut: Service timed out"
    assert messages[5] == "unknown place 'Atlantis'"
    assert ds.movements[0].legs[0].destination_place.name == "Kursk"


def test_default_geocoder_is_the_offline_one():
    ds = Dataset(events=[_event("x", "Vladivostok", 1)])
    resolve_dataset(ds)
    assert ds.events[0].place.source == "offline"
    assert ds.events[0].place.country_code == "RU"
