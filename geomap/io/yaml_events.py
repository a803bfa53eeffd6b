"""The human-edited events file (YAML): events, movements, and places the author pins down.

Schema (every key but the entries' place/from/to is optional)::

    title: North Korean troops to Russia, October 2024
    source:                 # default source of every entry; an entry may give its own
      publisher: The Epoch Times (Indonesian edition)
      title: NATO confirms North Korean troops deployed to Kursk, Russia
      url: https://example.org/article
      published: 2024-10-29
    places:                 # name -> override (lat+lon) or hint (kind/country only)
      Kursk region: {lat: 51.73, lon: 36.19, kind: region, country: RU}
    events:
      - id: rutte-2024-10-28     # optional; 'e<N>' (N = 1-based position in the list) otherwise
        date: 2024-10-28         # YYYY-MM-DD day, YYYY-MM month, YYYY year, 2024-W43 week; unknown/null
        date_precision: day      # optional: inferred from the date's form; may only coarsen it
        place: Brussels          # required (alias: location), the place as written
        country: BE              # optional ISO 3166 alpha-2 hint for the geocoder
        lat: 50.85               # optional, both lat and lon or neither
        lon: 4.35
        kind: statement          # deployment transit statement strike meeting other (default other)
        status: reported         # reported confirmed claimed denied (default reported)
        actor: Mark Rutte
        quantity: 10000          # a non-negative whole number
        description: ...
        quote: ...
        source: {publisher: ..., url: ..., published: ...}   # or a bare URL or publisher
    movements:
      - id: nk-sea-lift          # optional; 'm<N>' otherwise
        actor: North Korean armed forces
        from: North Korea        # required
        via: [Vladivostok]       # names, or {place: Vladivostok, date: 2024-10, mode: sea}
        to: Kursk region         # required
        date: 2024-10            # arrival at `to` (date_precision as for events)
        mode: sea                # sea rail road air unknown: for legs without their own
        status: reported
        quantity: 1500
        description/quote/source as for events

A via item's date and mode describe the leg that *arrives* at it; the last leg (to `to`) takes
the movement's date and mode. A name listed under ``places:`` with lat/lon (matched ignoring
case), or an event with its own lat/lon, gets its Place here (geocoder 'input',
geo_precision from its kind), so the geocoder skips it; everything else keeps ``place=None``
for :func:`geomap.geocode.resolve_dataset`. A ``places:`` entry without coordinates is a hint:
its country becomes the event's ``country_hint`` and it is kept in ``extra['place_hint']``
(``extra['place_hints']`` for movements).

Dates stay strings while parsing (YAML 1.1 timestamps would turn 2024-02-30 into a crash, not a
message), and only true/false are booleans, so ``country: NO`` is Norway, not False. A missing
date is a warning (precision 'unknown'); unknown keys are warnings and kept in ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from geomap.model import (
    Dataset,
    DatePrecision,
    GeomapError,
    Leg,
    Mode,
    Movement,
    Place,
    PlaceKind,
    Source,
    Status,
)

from . import validate as v

__all__ = ["read_yaml", "parse_yaml"]

TOP_KEYS = ("title", "source", "places", "events", "movements")
EVENT_KEYS = (
    "id", "date", "date_precision", "place", "location", "country", "lat", "lon", "kind", "status",
    "actor", "quantity", "description", "quote", "source",
)  # fmt: skip
MOVEMENT_KEYS = (
    "id", "actor", "from", "via", "to", "date", "date_precision", "mode", "status", "quantity",
    "description", "quote", "source",
)  # fmt: skip
PLACE_KEYS = ("lat", "lon", "kind", "country")
VIA_KEYS = ("place", "date", "date_precision", "mode")

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"


class _Map(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class _Seq(list[Any]):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping line numbers, dates as text, and only true/false as booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines, data.duplicates = {}, []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if key in data:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[_Seq]:
    data = _Seq()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor(_TIMESTAMP, _construct_text)  # an explicit !!timestamp is checked like any date
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_yaml(path: str | Path, *, where: str | None = None) -> Dataset:
    """Read an events file; file-level failures raise GeomapError, bad entries become Problems."""
    where = where if where is not None else str(path)
    return parse_yaml(v.read_utf8(path, where), where)


def parse_yaml(content: str, where: str = "<yaml>") -> Dataset:
    """Parse the text of an events file (see the module docstring for the schema)."""
    try:
        doc = yaml.load(content, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise GeomapError(f"{where}: YAML syntax error{at}: {what}") from None
    except yaml.YAMLError as exc:
        raise GeomapError(f"{where}: YAML error: {' '.join(str(exc).split())}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. an explicit '!!int abc'
        raise GeomapError(f"{where}: YAML error: a value cannot be read ({exc})") from None
    if doc is None:
        raise GeomapError(f"{where}: empty file (no YAML content, only comments or blank lines)")
    if not isinstance(doc, _Map):
        raise GeomapError(
            f"{where}: expected a mapping with 'events' and/or 'movements' at the top, got {_what(doc)}"
        )
    return _Reader(where, doc).run()


def _what(value: Any) -> str:
    if value is None:
        return "nothing (an empty entry)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"the {type(value).__name__} {str(value)[:40]!r}"


class _Reader:
    """One pass over a parsed document, collecting entries and problems."""

    def __init__(self, where: str, doc: _Map) -> None:
        self.where = where
        self.doc = doc
        self.ds = Dataset()
        self.overrides: dict[str, Place] = {}
        self.hints: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, int] = {}

    def row(self, node: Any, fallback: int | None = None) -> v.Row:
        line = node.line if isinstance(node, _Map | _Seq) else fallback
        lines = node.key_lines if isinstance(node, _Map) else {}
        return v.Row(self.where, line, field_lines=lines)

    def warn_keys(
        self, row: v.Row, node: _Map, known: tuple[str, ...], what: str, *, kept: bool = True
    ) -> dict[str, Any]:
        """Warn about duplicate and unknown keys; the unknown ones are returned to keep in ``extra``."""
        extra = {}
        for key, line in node.duplicates:
            row.warn(str(key), f"key '{key}' given twice (line {line}); the last one is used")
        note = " (kept)" if kept else " (ignored)"
        for key in node:
            if key not in known:
                row.warn(str(key), f"unknown key '{key}' in {what}{note}; known keys: {', '.join(known)}")
                extra[str(key)] = node[key]
        return extra

    def run(self) -> Dataset:
        doc, ds = self.doc, self.ds
        top = self.row(doc)
        self.warn_keys(top, doc, TOP_KEYS, "the file", kept=False)
        ds.title = v.text(top, "title", doc.get("title"))
        default_source = v.source_from(top, "source", doc.get("source"))
        if default_source is not None:
            ds.sources.append(default_source)
        if "events" not in doc and "movements" not in doc:
            top.warn(None, "no 'events' or 'movements' list in the file")
        ds.problems.extend(top.problems)
        self.read_places(doc.get("places"), doc.key_lines.get("places"))
        for n, node, line in self.entries("events"):
            self.read_event(n, node, line, default_source)
        for n, node, line in self.entries("movements"):
            self.read_movement(n, node, line, default_source)
        return ds

    def entries(self, key: str) -> Iterator[tuple[int, Any, int | None]]:
        node = self.doc.get(key)
        line = self.doc.key_lines.get(key)
        if node is None:
            return
        if not isinstance(node, _Seq):
            row = v.Row(self.where, line)
            row.error(key, f"'{key}' must be a list of entries (each starting with '- '), got {_what(node)}")
            self.ds.problems.extend(row.problems)
            return
        for i, (item, item_line) in enumerate(zip(node, node.item_lines, strict=True), start=1):
            if not isinstance(item, _Map):
                row = v.Row(self.where, item_line)
                row.error(key, f"entry {i} of '{key}' must be a mapping of keys, got {_what(item)}")
                self.ds.problems.extend(row.problems)
                continue
            yield i, item, item_line

    # places ---------------------------------------------------------------
    def read_places(self, node: Any, line: int | None) -> None:
        if node is None:
            return
        if not isinstance(node, _Map):
            row = v.Row(self.where, line)
            row.error(
                "places", f"'places' must map names to {{lat:, lon:, kind:, country:}}, got {_what(node)}"
            )
            self.ds.problems.extend(row.problems)
            return
        for name, spec in node.items():
            key_line = node.key_lines.get(name)
            row = v.Row(self.where, spec.line if isinstance(spec, _Map) else key_line)
            if isinstance(spec, _Map):
                row.field_lines = spec.key_lines
            label = str(name).strip()
            if not isinstance(spec, _Map):
                row.error(
                    f"places.{label}", f"place '{label}' must be a mapping {{lat:, lon:, kind:, country:}}"
                )
                self.ds.problems.extend(row.problems)
                continue
            for key in spec:
                if key not in PLACE_KEYS:
                    row.warn(
                        str(key), f"unknown key '{key}' for place '{label}'; known: {', '.join(PLACE_KEYS)}"
                    )
            point = v.coordinates(row, spec.get("lat"), spec.get("lon"))
            kind = v.enum_value(row, "kind", spec.get("kind"), PlaceKind, PlaceKind.CITY)
            country = v.country_code(row, "country", spec.get("country"))
            self.ds.problems.extend(row.problems)
            if not row.ok or kind is None:
                continue
            key = label.casefold()
            if point is not None:
                self.overrides[key] = Place(
                    name=label,
                    lat=point[0],
                    lon=point[1],
                    country_code=country,
                    kind=kind,
                    geo_precision=kind.acled_precision,
                    source="input",
                )
            else:
                hint: dict[str, Any] = {}
                if not v.is_blank(spec.get("kind")):
                    hint["kind"] = str(kind)
                if country:
                    hint["country"] = country
                self.hints[key] = hint

    def place_for(self, name: str | None) -> Place | None:
        return self.overrides.get(name.strip().casefold()) if name else None

    def hint_for(self, name: str | None) -> dict[str, Any] | None:
        return self.hints.get(name.strip().casefold()) if name else None

    def check_id(self, row: v.Row, ident: str) -> None:
        if ident in self.ids:
            row.warn("id", f"id '{ident}' is used twice (first on line {self.ids[ident]})")
        else:
            self.ids[ident] = row.line or 0

    # events ---------------------------------------------------------------
    def read_event(self, n: int, node: _Map, line: int | None, default_source: Source | None) -> None:
        row = self.row(node, line)
        extra = self.warn_keys(row, node, EVENT_KEYS, "an event")
        loc_key = "location" if "location" in node and "place" not in node else "place"
        location = node.get(loc_key)
        if "place" in node and "location" in node and node.get("location") != node.get("place"):
            row.warn(
                "location", f"both place '{node['place']}' and location '{node['location']}'; place is used"
            )
        name = location if isinstance(location, str) else None
        override = self.place_for(name)
        hint = self.hint_for(name)
        rec = {k: node.get(k) for k in EVENT_KEYS if k not in ("place", "location")}
        rec["location"] = location
        if override is not None:
            rec["place_kind"] = str(override.kind)
            if v.is_blank(rec.get("country")):
                rec["country"] = override.country_code
        elif hint:
            rec["place_kind"] = hint.get("kind")
            if v.is_blank(rec.get("country")):
                rec["country"] = hint.get("country")
            extra["place_hint"] = dict(hint)
        event = v.event_from_record(
            rec,
            row,
            default_id=f"e{n}",
            default_source=default_source,
            names={"location": loc_key},
            override=override,
            extra=extra,
            date_given="date" in node,
        )
        if event is not None:
            self.check_id(row, event.id)
            self.ds.events.append(event)
        self.ds.problems.extend(row.problems)

    # movements ------------------------------------------------------------
    def read_movement(self, n: int, node: _Map, line: int | None, default_source: Source | None) -> None:
        row = self.row(node, line)
        extra = self.warn_keys(row, node, MOVEMENT_KEYS, "a movement")
        origin = v.text(row, "from", node.get("from"))
        destination = v.text(row, "to", node.get("to"))
        for key, value in (("from", origin), ("to", destination)):
            if value is None and not any(p.field == key for p in row.problems):
                row.error(key, f"missing required field '{key}'")
        stops = self.via_stops(row, node.get("via"))
        dated = v.date_and_precision(
            row, "date", node.get("date"), "date_precision", node.get("date_precision")
        )
        mode = v.enum_value(row, "mode", node.get("mode"), Mode, Mode.UNKNOWN)
        status = v.enum_value(row, "status", node.get("status"), Status, Status.REPORTED)
        qty = v.quantity(row, "quantity", node.get("quantity"))
        actor = v.text(row, "actor", node.get("actor"))
        description = v.text(row, "description", node.get("description")) or ""
        quote = v.text(row, "quote", node.get("quote"))
        source = v.source_from(row, "source", node.get("source"), default_source)
        ident = v.text(row, "id", node.get("id")) or f"m{n}"
        if (
            not row.ok
            or origin is None
            or destination is None
            or stops is None
            or dated is None
            or mode is None
            or status is None
        ):
            self.ds.problems.extend(row.problems)
            return
        if "date" not in node:
            row.warn("date", "no date given; the date precision is 'unknown'")
        names = [origin, *(s[0] for s in stops), destination]
        arrivals = [*((s[1], s[2], s[3] or mode) for s in stops), (dated[0], dated[1], mode)]
        legs = [
            Leg(
                origin=names[i],
                destination=names[i + 1],
                origin_place=self.place_for(names[i]),
                destination_place=self.place_for(names[i + 1]),
                date=day,
                date_precision=precision,
                mode=leg_mode,
            )
            for i, (day, precision, leg_mode) in enumerate(arrivals)
        ]
        hints = {name: h for name in names if (h := self.hint_for(name))}
        if hints:
            extra["place_hints"] = hints
        self.check_id(row, ident)
        self.ds.movements.append(
            Movement(
                id=ident,
                actor=actor,
                legs=legs,
                status=status,
                quantity=qty,
                description=description,
                source=source,
                quote=quote,
                extra=extra,
                where=self.where,
                line=row.line,
            )
        )
        self.ds.problems.extend(row.problems)

    def via_stops(self, row: v.Row, node: Any) -> list[tuple[str, Any, DatePrecision, Mode | None]] | None:
        """The intermediate stops: (name, arrival date, its precision, mode of the leg arriving there)."""
        if v.is_blank(node):
            return []
        items = node if isinstance(node, list) else [node]
        stops: list[tuple[str, Any, DatePrecision, Mode | None]] = []
        ok = True
        for i, item in enumerate(items, start=1):
            label = f"via[{i}]"
            if isinstance(item, str) and item.strip():
                stops.append((item.strip(), None, DatePrecision.UNKNOWN, None))
                continue
            if not isinstance(item, _Map):
                row.error(
                    "via", f"{label} must be a place name or {{place:, date:, mode:}}, got {_what(item)}"
                )
                ok = False
                continue
            sub = v.Row(self.where, item.line, field_lines=item.key_lines)
            for key in item:
                if key not in VIA_KEYS:
                    sub.warn(f"via.{key}", f"unknown key '{key}' in {label}; known: {', '.join(VIA_KEYS)}")
            name = v.text(sub, "via.place", item.get("place"))
            if name is None and not sub.problems:
                sub.error("via.place", f"{label} has no 'place'")
            dated = v.date_and_precision(
                sub, "via.date", item.get("date"), "via.date_precision", item.get("date_precision")
            )
            mode = v.enum_value(sub, "via.mode", item.get("mode"), Mode, Mode.UNKNOWN)
            row.problems.extend(sub.problems)
            if not sub.ok or name is None or dated is None or mode is None:
                ok = False
                continue
            stops.append((name, dated[0], dated[1], mode if "mode" in item else None))
        return stops if ok else None
