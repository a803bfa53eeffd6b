"""Writing an extraction out: the GeoJSON contract, and an events file a person can review.

GeoJSON contract (how other tools and our scorer read an extraction): one FeatureCollection
whose features carry ``properties.layer``:

* ``places`` (Point): ``mention``, ``name``, ``country_code`` (ISO alpha-2 or null), ``kind``,
  ``geo_precision``, ``mentions`` [{text, start, end}], ``confidence``, ``reason``;
* ``events`` (Point): ``event_date``, ``time_precision`` (ACLED 1/2/3), ``date_precision``,
  ``kind``, ``actor1``, ``location``, ``quote`` and its offsets ``start``/``end``;
* ``routes`` (LineString, or MultiLineString when it crosses the antimeridian; the last
  vertex is the destination): ``from``, ``to``, ``event_date``, ``mode``, ``status``,
  ``quantity``, ``quote`` with ``start``/``end``.

The top-level member ``extraction`` holds ``language``, ``published``, ``dates`` (``mention``,
``value`` ISO date, ``precision``, ``start``, ``end``), ``unresolved`` and ``notes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from geomap.model import Event, Movement, Place
from geomap.routes import movement_path, split_antimeridian

if TYPE_CHECKING:
    from geomap.extract.pipeline import Extraction

__all__ = ["extraction_geojson", "extraction_yaml"]


def _point(place: Place) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def _source(item: Event | Movement) -> dict[str, Any]:
    s = item.source
    if s is None:
        return {}
    return {
        "source": s.publisher,
        "source_title": s.title,
        "source_url": s.url,
        "published": _iso(s.published),
    }


def _event_feature(e: Event) -> dict[str, Any] | None:
    if e.place is None:
        return None
    period = e.period
    props = {
        "layer": "events",
        "id": e.id,
        "event_date": _iso(e.date),
        "time_precision": e.date_precision.acled,
        "date_precision": str(e.date_precision),
        "kind": str(e.kind),
        "status": str(e.status),
        "actor1": e.actor,
        "location": e.location,
        "place_name": e.place.name,
        "country_code": e.place.country_code,
        "geo_precision": e.place.geo_precision,
        "quantity": e.quantity,
        "notes": e.description,
        "quote": e.quote,
        "start": e.extra.get("quote_start"),
        "end": e.extra.get("quote_end"),
        "period_start": _iso(period[0]) if period else None,
        "period_end": _iso(period[1]) if period else None,
        "reason": e.extra.get("reason"),
        **_source(e),
    }
    return {"type": "Feature", "geometry": _point(e.place), "properties": props}


def _route_feature(m: Movement) -> dict[str, Any] | None:
    path = movement_path(m)
    if not path:
        return None
    parts = split_antimeridian(path)
    coords = [[[round(x, 6), round(y, 6)] for x, y in part] for part in parts]
    geometry = (
        {"type": "LineString", "coordinates": coords[0]}
        if len(coords) == 1
        else {"type": "MultiLineString", "coordinates": coords}
    )
    leg0, last = m.legs[0], m.legs[-1]
    dest = last.destination_place
    props = {
        "layer": "routes",
        "id": m.id,
        "actor1": m.actor,
        "from": leg0.origin,
        "via": [leg.destination for leg in m.legs[:-1]],
        "to": last.destination,
        "to_name": dest.name if dest else None,
        "to_country_code": dest.country_code if dest else None,
        "event_date": _iso(last.date),
        "time_precision": last.date_precision.acled,
        "date_precision": str(last.date_precision),
        "mode": str(m.mode),
        "status": str(m.status),
        "quantity": m.quantity,
        "notes": m.description,
        "quote": m.quote,
        "start": m.extra.get("quote_start"),
        "end": m.extra.get("quote_end"),
        "reason": m.extra.get("reason"),
        **_source(m),
    }
    return {"type": "Feature", "geometry": geometry, "properties": props}


def extraction_geojson(ex: Extraction) -> dict[str, Any]:
    """The extraction as one FeatureCollection (see the module docstring for the contract)."""
    features: list[dict[str, Any]] = []
    for t in ex.toponyms:
        if t.adjective_only:  # 'Russian troops' refers to Russia but does not name a place on the map
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": _point(t.place),
                "properties": {"layer": "places", **t.to_properties()},
            }
        )
    features.extend(f for f in map(_event_feature, ex.dataset.events) if f)
    features.extend(f for f in map(_route_feature, ex.dataset.movements) if f)
    return {
        "type": "FeatureCollection",
        "extraction": {
            "language": ex.language,
            "language_confidence": round(ex.language_confidence, 3),
            "published": _iso(ex.published),
            "published_assumed": ex.published_assumed,
            "dates": [
                {
                    "mention": d.mention,
                    "value": d.value.isoformat(),
                    "precision": str(d.precision),
                    "start": d.start,
                    "end": d.end,
                    "assumed_year": d.assumed_year,
                }
                for d in ex.dates
            ],
            "unresolved": ex.unresolved,
            "notes": ex.notes,
        },
        "features": features,
    }


def _place_override(place: Place) -> dict[str, Any]:
    return {
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
        "kind": str(place.kind),
        "country": place.country_code,
    }


def _date_value(d: Any, precision: str) -> str | None:
    if d is None:
        return None
    if precision == "month":
        return d.strftime("%Y-%m")
    if precision == "year":
        return str(d.year)
    if precision == "week":
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return d.isoformat()


def extraction_yaml(ex: Extraction) -> str:
    """An events file (``geomap render`` reads it) for a person to review, with places pinned."""
    places: dict[str, dict[str, Any]] = {}
    events = []
    for e in ex.dataset.events:
        if e.place is not None:
            places[e.location] = _place_override(e.place)
        events.append(
            {
                "id": e.id,
                "date": _date_value(e.date, str(e.date_precision)),
                "date_precision": str(e.date_precision),
                "place": e.location,
                "kind": str(e.kind),
                "status": str(e.status),
                "actor": e.actor,
                "quantity": e.quantity,
                "description": e.description,
                "quote": e.quote,
            }
        )
    movements = []
    for m in ex.dataset.movements:
        leg0, last = m.legs[0], m.legs[-1]
        for leg in m.legs:
            for name, place in ((leg.origin, leg.origin_place), (leg.destination, leg.destination_place)):
                if place is not None:
                    places[name] = _place_override(place)
        movements.append(
            {
                "id": m.id,
                "actor": m.actor,
                "from": leg0.origin,
                **({"via": [leg.destination for leg in m.legs[:-1]]} if len(m.legs) > 1 else {}),
                "to": last.destination,
                "date": _date_value(last.date, str(last.date_precision)),
                "date_precision": str(last.date_precision),
                "mode": str(m.mode),
                "status": str(m.status),
                "quantity": m.quantity,
                "description": m.description,
                "quote": m.quote,
            }
        )
    src = ex.dataset.sources[0] if ex.dataset.sources else None
    doc: dict[str, Any] = {
        "title": f"Extracted from {src.title or src.publisher}"
        if src and (src.title or src.publisher)
        else "Extracted events"
    }
    if src is not None:
        doc["source"] = {
            k: v
            for k, v in {
                "publisher": src.publisher,
                "title": src.title,
                "url": src.url,
                "published": src.published,
            }.items()
            if v
        }
    doc["places"] = places
    doc["events"] = [{k: v for k, v in e.items() if v is not None} for e in events]
    doc["movements"] = [{k: v for k, v in m.items() if v is not None} for m in movements]
    header = [
        "# Extracted by geomap: review before use. Places are pinned to where the gazetteer put them.",
        f"# language: {ex.language}; published: {_iso(ex.published)}{' (assumed)' if ex.published_assumed else ''}",
    ]
    header += [f"# note: {n}" for n in ex.notes]
    header += [
        f"# unresolved: {u['mention']!r}: {u.get('reason')}" if u.get("mention") else f"# not mapped: {u.get('reason')}"
        for u in ex.unresolved
    ]
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body
