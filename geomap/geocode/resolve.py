"""Give a Dataset's events and movements their places, and report what could not be placed.

``resolve_dataset(dataset, geocoder)`` works with any geopy-style geocoder (ours by
default). Each distinct (name, country hint) is geocoded once per call. What cannot be
placed is not dropped silently: the event or movement leaves the dataset and an error
Problem names its file, line and field; a choice between far-apart places of nearly
equal standing keeps the event and adds a warning naming both.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from geomap.geocode.base import Geocoder, candidates_of, distance_km, failure_of, place_from_location
from geomap.model import Dataset, Movement, Place, Problem

__all__ = ["resolve_dataset", "AMBIGUITY_KM", "AMBIGUITY_SCORE_GAP"]

AMBIGUITY_KM = 161.0  # 100 miles, the usual geocoding tolerance: closer candidates agree well enough
AMBIGUITY_SCORE_GAP = 1.0  # a runner-up within this score (one order of population) is a real rival


@dataclass(frozen=True)
class _Outcome:
    place: Place | None
    error: str | None = None
    warning: str | None = None


class _Resolver:
    """Calls one geocoder, remembering each answer for the run."""

    def __init__(self, geocoder: Geocoder) -> None:
        self.geocoder = geocoder
        self.source = getattr(geocoder, "source", None) or type(geocoder).__name__.lower()
        self.takes_country = _accepts(geocoder.geocode, "country_codes")
        self.memo: dict[tuple[str, str | None], _Outcome] = {}

    def resolve(self, name: str | None, hint: str | None = None) -> _Outcome:
        query = " ".join(str(name or "").split())
        if not query:
            return _Outcome(None, error="no place name given")
        hint = hint.strip().upper() if isinstance(hint, str) and hint.strip() else None
        key = (query, hint)
        if key not in self.memo:
            self.memo[key] = self._geocode(query, hint)
        return self.memo[key]

    def _geocode(self, query: str, hint: str | None) -> _Outcome:
        kwargs: dict[str, Any] = {"country_codes": hint} if hint and self.takes_country else {}
        try:
            found = self.geocoder.geocode(query, exactly_one=True, **kwargs)
        except Exception as exc:  # a foreign geocoder's network or service error must not stop the run
            return _Outcome(None, error=f"cannot geocode '{query}': {type(exc).__name__}: {exc}")
        if isinstance(found, list):
            found = found[0] if found else None
        if found is None:
            suffix = f" (country hint {hint})" if hint else ""
            failed = failure_of(self.geocoder)
            if failed:  # an outage is not an unknown place
                return _Outcome(None, error=f"cannot place '{query}'{suffix}: not found, and {failed}")
            return _Outcome(None, error=f"unknown place '{query}'{suffix}")
        raw = found.raw if isinstance(getattr(found, "raw", None), dict) else {}
        try:  # a chain says which of its backends answered (raw['backend'])
            place = place_from_location(found, source=raw.get("backend") or self.source)
        except (TypeError, ValueError, AttributeError) as exc:
            return _Outcome(None, error=f"geocoder gave no usable point for '{query}': {exc}")
        flagged = raw.get("warning") if raw.get("outside_hint") else None  # answer outside the country hint
        return _Outcome(place, warning=_ambiguity(query, place, found) or flagged)


def _ambiguity(query: str, place: Place, location: Any) -> str | None:
    """A warning when a runner-up scores nearly as well and lies more than AMBIGUITY_KM away."""
    raw = location.raw if isinstance(getattr(location, "raw", None), dict) else {}
    score = raw.get("score")
    if score is None:
        return None
    for other in candidates_of(location):
        try:
            close = float(score) - float(other["score"]) < AMBIGUITY_SCORE_GAP
            far = distance_km(place.lat, place.lon, float(other["lat"]), float(other["lon"])) > AMBIGUITY_KM
        except (KeyError, TypeError, ValueError):
            continue
        if close and far:
            return (
                f"ambiguous place '{query}': chose {_label(place.name, place.country_code, place.lat, place.lon)}"
                f" over {_label(other.get('name'), other.get('country_code'), other['lat'], other['lon'])};"
                " give a country to choose"
            )
    return None


def _label(name: Any, country: Any, lat: Any, lon: Any) -> str:
    where = f"{name}, {country}" if country else f"{name}"
    return f"{where} ({float(lat):.2f}, {float(lon):.2f})"


def _accepts(func: Any, name: str) -> bool:
    """Whether a callable takes the keyword ``name`` (explicitly or through ``**kwargs``)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _location_field(where: str | None) -> str:
    """The input's own name for the place column: YAML files say 'place', tables 'location'."""
    return "place" if where and where.lower().endswith((".yaml", ".yml")) else "location"


def resolve_dataset(dataset: Dataset, geocoder: Geocoder | None = None) -> Dataset:
    """Set every missing event and leg place; remove and report what cannot be placed.

    ``geocoder`` is any object with geopy's ``geocode(query, exactly_one=True, ...)``;
    by default the offline gazetteer. An event's ``country_hint`` is passed as
    ``country_codes`` when the geocoder takes it. Returns the same dataset, changed in place.
    """
    if geocoder is None:
        from geomap.geocode.gazetteer import OfflineGeocoder

        geocoder = OfflineGeocoder()
    resolver = _Resolver(geocoder)

    kept_events = []
    for event in dataset.events:
        if event.place is not None:
            kept_events.append(event)
            continue
        field = _location_field(event.where)
        outcome = resolver.resolve(event.location, event.country_hint)
        if outcome.place is None:
            dataset.problems.append(Problem(outcome.error or "", event.where, event.line, field))
            continue
        event.place = outcome.place
        if outcome.warning:
            dataset.problems.append(Problem(outcome.warning, event.where, event.line, field, "warning"))
        kept_events.append(event)
    dataset.events[:] = kept_events

    dataset.movements[:] = [m for m in dataset.movements if _resolve_movement(m, resolver, dataset.problems)]
    return dataset


def _resolve_movement(movement: Movement, resolver: _Resolver, problems: list[Problem]) -> bool:
    """Fill a movement's leg places; False (and errors added) if any stop cannot be placed."""
    ok = True
    reported: set[tuple[str, str]] = set()
    last = len(movement.legs) - 1
    for i, leg in enumerate(movement.legs):
        stops = (
            ("origin_place", leg.origin, "from" if i == 0 else "via"),
            ("destination_place", leg.destination, "to" if i == last else "via"),
        )
        for attr, name, field in stops:
            if getattr(leg, attr) is not None:
                continue
            outcome = resolver.resolve(name)
            if outcome.place is None:
                ok = False
                if (field, str(name)) not in reported:
                    reported.add((field, str(name)))
                    problems.append(Problem(outcome.error or "", movement.where, movement.line, field))
                continue
            setattr(leg, attr, outcome.place)
            if outcome.warning and (field, str(name)) not in reported:
                reported.add((field, str(name)))
                problems.append(Problem(outcome.warning, movement.where, movement.line, field, "warning"))
    return ok
