"""KML 2.2 for Google Earth: events, places and routes in folders, styled, with time.

An event dated to the day gets a ``<TimeStamp>``; one dated to a week, month or year gets a
``<TimeSpan>`` over that period, and a route one over its legs' dates, so Google Earth's time
slider shows each in its time. Colours are the HTML map's (see :mod:`geomap.io.styles`);
icons are tinted default pins, so nothing is fetched from the network. The text is written
by hand in a fixed order: the same dataset gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax import saxutils

from geomap.files import write_text_atomic
from geomap.model import Dataset, Event, GeomapError, Movement
from geomap.textclean import strip_controls

from .frame import event_record, place_records, route_parts, route_record

__all__ = ["write_kml", "kml_text", "kml_colour"]

LAYERS = ("events", "places", "routes")


def escape(text: str) -> str:
    """XML text: control characters (not allowed in XML 1.0) removed, then &<> escaped."""
    return saxutils.escape(strip_controls(text))


def quoteattr(text: str) -> str:
    return saxutils.quoteattr(strip_controls(text))


def kml_colour(colour: str, opacity: float = 1.0) -> str:
    """'#b8282e' -> 'ff2e28b8': KML's aabbggrr."""
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    alpha = round(255 * max(0.0, min(1.0, opacity)))
    return f"{alpha:02x}{text[4:6]}{text[2:4]}{text[0:2]}".lower()


def _c(x: float) -> str:
    return f"{round(float(x), 6) + 0.0:g}" if abs(x) >= 1e-4 else "0"


def _time(period: tuple[dt.date, dt.date] | None, day: dt.date | None) -> str:
    if period and period[0] != period[1]:
        return f"<TimeSpan><begin>{period[0].isoformat()}</begin><end>{period[1].isoformat()}</end></TimeSpan>"
    day = day or (period[0] if period else None)
    if day is not None:
        return f"<TimeStamp><when>{day.isoformat()}</when></TimeStamp>"
    return ""


def _extended(record: Mapping[str, Any]) -> str:
    """The record as <Data>; start/end are left to TimeSpan (GDAL would read both as 'begin'/'end')."""
    rows = "".join(
        f"<Data name={quoteattr(k)}><value>{escape(str(v))}</value></Data>"
        for k, v in record.items()
        if v is not None and v != "" and k not in ("start", "end")
    )
    return f"<ExtendedData>{rows}</ExtendedData>" if rows else ""


def _styles(dataset: Dataset) -> list[str]:
    from geomap.layers.events import KIND_STYLES

    from .styles import route_lines

    out = []
    for kind, (colour, _symbol, _label) in KIND_STYLES.items():
        out.append(
            f'<Style id="event-{kind}"><IconStyle><color>{kml_colour(colour)}</color><scale>1.1</scale>'
            f"</IconStyle><LabelStyle><scale>0</scale></LabelStyle></Style>"
        )
    out.append(
        '<Style id="place"><IconStyle><color>ff222222</color><scale>0.6</scale></IconStyle>'
        "<LabelStyle><scale>0.8</scale></LabelStyle></Style>"
    )
    for i, (_actor, _status, line) in enumerate(route_lines(dataset)):
        out.append(
            f'<Style id="route-{i}"><LineStyle><color>{kml_colour(line.colour, line.opacity)}</color>'
            f"<width>{line.width:g}</width></LineStyle></Style>"
        )
    return out


def _event_placemark(event: Event) -> str:
    assert event.place is not None
    from geomap.layers.events import KIND_STYLES

    kind = str(event.kind) if str(event.kind) in {str(k) for k in KIND_STYLES} else "other"
    name = f"{event.actor}: {event.location}" if event.actor else event.location
    return (
        f"<Placemark><name>{escape(name)}</name>"
        f"<description>{escape(event.description or '')}</description>"
        f"{_time(event.period, event.date)}<styleUrl>#event-{kind}</styleUrl>"
        f"{_extended(event_record(event))}"
        f"<Point><coordinates>{_c(event.place.lon)},{_c(event.place.lat)}</coordinates></Point></Placemark>"
    )


def _route_placemark(movement: Movement, style: str, parts: Sequence[Sequence[tuple[float, float]]]) -> str:
    periods = [leg.period for leg in movement.legs if leg.period]
    span = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    lines = "".join(
        "<LineString><tessellate>1</tessellate><coordinates>"
        + " ".join(f"{_c(x)},{_c(y)}" for x, y in part)
        + "</coordinates></LineString>"
        for part in parts
    )
    name = " → ".join(movement.stops)
    if movement.actor:
        name = f"{movement.actor}: {name}"
    return (
        f"<Placemark><name>{escape(name)}</name>"
        f"<description>{escape(movement.description or '')}</description>"
        f"{_time(span, None)}<styleUrl>#{style}</styleUrl>{_extended(route_record(movement))}"
        f"<MultiGeometry>{lines}</MultiGeometry></Placemark>"
    )


def kml_text(dataset: Dataset, layers: Sequence[str] = LAYERS, title: str = "geomap") -> str:
    """The KML document of the chosen layers, one Folder each."""
    from .styles import route_lines

    folders = []
    if "events" in layers:
        marks = [_event_placemark(e) for e in dataset.events if e.place is not None]
        folders.append(f"<Folder><name>events</name>{''.join(marks)}</Folder>")
    if "places" in layers:
        marks = []
        for place, record in place_records(dataset):
            marks.append(
                f"<Placemark><name>{escape(place.name)}</name><styleUrl>#place</styleUrl>"
                f"{_extended(record)}<Point><coordinates>{_c(place.lon)},{_c(place.lat)}</coordinates>"
                "</Point></Placemark>"
            )
        folders.append(f"<Folder><name>places</name>{''.join(marks)}</Folder>")
    if "routes" in layers:
        index = {(a, s): i for i, (a, s, _) in enumerate(route_lines(dataset))}
        marks = []
        for m in dataset.movements:
            parts = route_parts(m)
            if parts:
                marks.append(_route_placemark(m, f"route-{index[(m.actor, str(m.status))]}", parts))
        folders.append(f"<Folder><name>routes</name>{''.join(marks)}</Folder>")
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise GeomapError(f"unknown layer(s) {', '.join(unknown)}; layers are: {', '.join(LAYERS)}")
    body = "\n".join([*_styles(dataset), *folders])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        f"<Document><name>{escape(title)}</name>\n{body}\n</Document>\n</kml>\n"
    )


def write_kml(dataset: Dataset, path: str | Path, layers: Sequence[str] = LAYERS) -> list[str]:
    """Write the KML file; returns [path]."""
    out = Path(path)
    text = kml_text(dataset, layers, title=dataset.title or out.stem)
    write_text_atomic(out, text)
    return [str(out)]
