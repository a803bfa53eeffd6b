"""Field checks shared by every reader, and the one place where a checked record becomes an Event.

Readers (YAML, CSV, GeoJSON, GeoPackage) only translate their own names into the canonical
record keys below and say where each record came from; the rules for what is a valid latitude,
kind or quantity live here once, so every format rejects the same things with the same words.

Canonical event record keys: id, date, date_precision, location, country, lat, lon, kind,
status, actor, quantity, description, quote, source (a Source or None), place_name,
place_kind, geo_precision, geocoder, geonameid, population.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import datetime as dt
import functools
import io
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from geomap.model import (
    DatePrecision,
    Event,
    EventKind,
    GeomapError,
    Place,
    PlaceKind,
    Problem,
    Source,
    Status,
    period,
)
from geomap.textclean import CONTROLS, strip_controls

from .dates import DateError, is_finer, parse_date, parse_precision

__all__ = [
    "Row",
    "is_blank",
    "text",
    "enum_value",
    "quantity",
    "coordinates",
    "country_code",
    "small_int",
    "date_and_precision",
    "source_from",
    "event_from_record",
    "raise_if_problems",
    "open_checked",
    "read_utf8",
    "utf8_lines",
    "input_encoding",
    "MAX_FIELD_CHARS",
    "MAX_FILE_BYTES",
]

# Limits, documented in README ("Limits"): a text field longer than MAX_FIELD_CHARS is cut to it
# with a warning naming the row and field (a 50 MB cell would otherwise cost minutes in every
# output); a YAML or GeoJSON file, read whole, may be at most MAX_FILE_BYTES (checked before
# reading). CSVs are read a row at a time and have no file limit.
MAX_FIELD_CHARS = 1_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024

_ENCODING: contextvars.ContextVar[str | None] = contextvars.ContextVar("geomap_input_encoding", default=None)


def encoding_name(name: str | None) -> str | None:
    """Python's name for an encoding the user named; ArgumentError('encoding') if there is none."""
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        from geomap.model import ArgumentError

        raise ArgumentError("encoding", f"unknown encoding {name!r}") from None


@contextlib.contextmanager
def input_encoding(name: str | None) -> Iterator[None]:
    """Read files in the ``with`` block in encoding ``name`` (``--encoding``) instead of UTF-8.

    A byte-order mark (UTF-8, UTF-16, UTF-32) always wins: it is unambiguous.
    """
    token = _ENCODING.set(encoding_name(name))
    try:
        yield
    finally:
        _ENCODING.reset(token)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _encoding_of(head: bytes) -> tuple[str, bool]:
    """(encoding to read with, whether a BOM decided it)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, True
    return _ENCODING.get() or "utf-8", False


def _undecodable(where: str, line: int, byte: int, offset: int | None, encoding: str) -> GeomapError:
    name = "UTF-8" if encoding.startswith("utf-8") else encoding
    at = f" at byte offset {offset}" if offset is not None else ""
    return GeomapError(
        f"{where}: not {name} text: byte 0x{byte:02x}{at} (line {line}) cannot be decoded; "
        "give the file's encoding with --encoding NAME (e.g. --encoding cp1251) or save it as UTF-8"
    )

E = TypeVar("E", bound=StrEnum)


@dataclass
class Row:
    """Where one record came from, and the problems found in it so far.

    ``label`` prefixes messages when ``line`` is not a line (GeoJSON's 'feature 3');
    ``field_lines`` gives the line of each field when the format knows it (YAML keys).
    """

    where: str
    line: int | None
    label: str | None = None
    problems: list[Problem] = field(default_factory=list)
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def error(self, field_name: str | None, message: str) -> None:
        self.problems.append(self._problem(field_name, message, "error"))

    def warn(self, field_name: str | None, message: str) -> None:
        self.problems.append(self._problem(field_name, message, "warning"))

    def _problem(self, field_name: str | None, message: str, severity: str) -> Problem:
        if self.label:
            message = f"{self.label}: {message}"
        line = self.line
        if field_name and self.field_lines:
            line = self.field_lines.get(field_name.split(".")[0], line)
        return Problem(message, self.where, line, field_name, severity)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def is_blank(value: Any) -> bool:
    """None, NaN (an empty table cell) or a string of spaces."""
    if value is None:
        return True
    cls = value.__class__
    if cls is str:
        return not value or value.isspace()
    if cls is float:
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def text(row: Row, name: str, value: Any) -> str | None:
    """A free-text field; numbers are taken as their text, lists and mappings are refused.

    Control characters are removed and a field longer than MAX_FIELD_CHARS is cut, each with a
    warning."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        if CONTROLS.search(value):
            n = len(CONTROLS.findall(value))
            row.warn(name, f"{n} control character{'s' if n > 1 else ''} (NUL, ESC, BEL, ...) removed")
            value = strip_controls(value)
        if len(value) > MAX_FIELD_CHARS:
            row.warn(name, f"{len(value):,} characters; cut to the first {MAX_FIELD_CHARS:,}")
            value = value[:MAX_FIELD_CHARS]
        return value.strip()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | dt.date):
        return str(value)
    row.error(name, f"expected text, got {_kind_of(value)}")
    return None


def enum_value(row: Row, name: str, value: Any, cls: type[E], default: E) -> E | None:
    """One of an enum's values (case-insensitive); an unknown one is an error naming the allowed ones."""
    if is_blank(value):
        return default
    try:
        return cls(str(value).strip().casefold())
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        row.error(name, f"unknown {name} '{value}'; allowed: {allowed}")
        return None


def quantity(row: Row, name: str, value: Any) -> int | None:
    """A non-negative whole number; '10000', 10000 and 10000.0 are all fine, -5 or 'many' are not."""
    if is_blank(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        cleaned = value.strip().replace("_", "")
        if cleaned.isdigit():
            number = int(cleaned)
        else:
            try:
                as_float = float(cleaned)
                number = int(as_float) if as_float.is_integer() else None
            except ValueError:
                number = None
    if number is None or number < 0:
        row.error(name, f"{name} must be a non-negative whole number, got {_shown(value)}")
        return None
    if number > MAX_QUANTITY:
        row.error(name, f"{name} {number} is larger than any count of troops or vehicles (limit {MAX_QUANTITY:,})")
        return None
    return number


MAX_QUANTITY = 10**12  # fits every integer column (GeoPackage, Parquet: int64) with room to sum


def _shown(value: Any) -> str:
    """A value for a message: repr, at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(row: Row, name: str, value: Any) -> float | None:
    if isinstance(value, bool):
        row.error(name, f"{name} must be a number, got {value!r}")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        row.error(name, f"{name} must be a number, got {value!r}")
        return None
    if not math.isfinite(number):
        row.error(name, f"{name} must be a finite number, got {value!r}")
        return None
    return number


def coordinates(
    row: Row, lat: Any, lon: Any, lat_name: str = "lat", lon_name: str = "lon"
) -> tuple[float, float] | None:
    """Latitude and longitude, both or neither, within -90..90 and -180..180."""
    lat_blank, lon_blank = is_blank(lat), is_blank(lon)
    if lat_blank and lon_blank:
        return None
    if lat_blank or lon_blank:
        given, missing = (lon_name, lat_name) if lat_blank else (lat_name, lon_name)
        if isinstance(lat if lat_blank else lon, float):  # NaN, not a missing cell
            row.error(missing, f"{missing} must be a finite number, got nan")
            return None
        row.error(missing, f"{given} is given but {missing} is not; give both or neither")
        return None
    y, x = _number(row, lat_name, lat), _number(row, lon_name, lon)
    if y is None or x is None:
        return None
    bad = False
    if not -90.0 <= y <= 90.0:
        row.error(lat_name, f"latitude {lat} is outside -90..90")
        bad = True
    if not -180.0 <= x <= 180.0:
        row.error(lon_name, f"longitude {lon} is outside -180..180")
        bad = True
    return None if bad else (y, x)


_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})  # CLDR region codes that are not countries


@functools.cache
def _country_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(ISO numeric / alpha-3 -> alpha-2, casefolded English name -> alpha-2), from CLDR (babel).

    Natural Earth's names (the bundled countries layer) are added for the short forms ACLED
    uses that CLDR spells otherwise.
    """
    from babel import Locale
    from babel.core import get_global

    codes = {
        key: targets[0]
        for key, targets in get_global("territory_aliases").items()
        if len(targets) == 1
        and len(targets[0]) == 2
        and targets[0] not in _NOT_COUNTRIES
        and (key.isdigit() or len(key) == 3)
    }
    names = {
        str(name).casefold(): code
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }
    path = Path(__file__).resolve().parents[1] / "data" / "countries.geojson"
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError):
        features = []
    for feat in features:
        props = feat.get("properties") or {}
        code = str(props.get("iso_a2") or "")
        if len(code) == 2 and code.isalpha() and props.get("name"):
            names.setdefault(str(props["name"]).casefold(), code.upper())
    return codes, names


@functools.cache
def _alpha2_codes() -> frozenset[str]:
    return frozenset(_country_tables()[1].values())


@functools.lru_cache(maxsize=4096)
def _country_lookup(value: str) -> str | None:
    codes, names = _country_tables()
    text_value = value.strip()
    if text_value.isdigit():
        return codes.get(text_value.zfill(3))
    if len(text_value) == 2 and text_value.isalpha():
        code = text_value.upper()
        return code if code in _alpha2_codes() else None
    if len(text_value) == 3 and text_value.isalpha() and text_value.upper() in codes:
        return codes[text_value.upper()]
    return names.get(text_value.casefold())


def country_code(row: Row, name: str, value: Any) -> str | None:
    """An ISO 3166 alpha-2 code from alpha-2, alpha-3, numeric (ACLED's iso) or a country name.

    An unknown country is only a warning: it is a hint for the geocoder, not needed to map the row.
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = _country_lookup(str(value))
    if code is None:
        row.warn(name, f"unknown country '{value}' (expected an ISO 3166 code such as RU); ignored")
    return code


def small_int(row: Row, name: str, value: Any, allowed: tuple[int, ...]) -> int | None:
    """A code from a short list, such as ACLED's geo_precision 1/2/3."""
    if is_blank(value):
        return None
    try:
        number = float(value)
        if number.is_integer() and int(number) in allowed:
            return int(number)
    except (TypeError, ValueError):
        pass
    row.error(name, f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}")
    return None


def date_and_precision(
    row: Row,
    date_name: str,
    value: Any,
    precision_name: str = "date_precision",
    precision_value: Any = None,
) -> tuple[dt.date | None, DatePrecision] | None:
    """A date and its precision: the form of the date gives it, an explicit precision may coarsen it.

    None when the row must be rejected (unreadable date, unknown precision, or a precision finer
    than the date as written, such as 'day' for '2024-10').
    """
    try:
        day, form = parse_date(value)
    except DateError as exc:
        row.error(date_name, str(exc))
        return None
    except (OverflowError, ValueError) as exc:  # a week or day past the calendar's ends
        row.error(date_name, f"cannot read the date {_shown(value)}: {exc}")
        return None
    if is_blank(precision_value):
        return _in_calendar(row, date_name, value, day, form)
    try:
        precision = parse_precision(precision_value)
    except DateError as exc:
        row.error(precision_name, str(exc))
        return None
    if day is None:
        return None, DatePrecision.UNKNOWN
    if is_finer(precision, form):
        row.error(
            precision_name, f"{precision_name} '{precision}' is finer than the date '{value}' gives ({form})"
        )
        return None
    return _in_calendar(row, date_name, value, day, precision)


def _in_calendar(
    row: Row, name: str, value: Any, day: dt.date | None, precision: DatePrecision
) -> tuple[dt.date | None, DatePrecision] | None:
    """The date, unless the period it stands for runs past 9999-12-31 (9999-W52 does)."""
    try:
        period(day, precision)
    except OverflowError:
        row.error(name, f"the {precision} of {_shown(value)} runs past 9999-12-31, the last day dates can have")
        return None
    return day, precision


_SOURCE_KEYS = ("publisher", "title", "url", "published")


def source_from(row: Row, name: str, value: Any, default: Source | None = None) -> Source | None:
    """A Source from a mapping (publisher/title/url/published) or a bare string (a URL or a publisher)."""
    if is_blank(value):
        return default
    if isinstance(value, Source):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith(("http://", "https://")):
            return Source(url=stripped)
        return Source(publisher=stripped)
    if not isinstance(value, Mapping):
        row.error(name, f"expected a mapping with {', '.join(_SOURCE_KEYS)}, got {_kind_of(value)}")
        return default
    for key in value:
        if key not in _SOURCE_KEYS:
            row.warn(f"{name}.{key}", f"unknown key '{key}' in {name}; known: {', '.join(_SOURCE_KEYS)}")
    published = None
    if not is_blank(value.get("published")):
        try:
            published, _ = parse_date(value.get("published"))
        except DateError as exc:
            row.error(f"{name}.published", str(exc))
            return default
    return Source(
        publisher=text(row, f"{name}.publisher", value.get("publisher")),
        title=text(row, f"{name}.title", value.get("title")),
        url=text(row, f"{name}.url", value.get("url")),
        published=published,
    )


def _kind_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _place_kind_from_precision(geo_precision: int | None) -> PlaceKind:
    # ACLED: 1 the town itself, 2 near it or part of a region, 3 only a larger region is known.
    return PlaceKind.CITY if geo_precision in (None, 1) else PlaceKind.REGION


def event_from_record(
    rec: Mapping[str, Any],
    row: Row,
    *,
    default_id: str,
    default_source: Source | None = None,
    names: Mapping[str, str] | None = None,
    override: Place | None = None,
    extra: dict[str, Any] | None = None,
    date_given: bool | None = None,
) -> Event | None:
    """Check a canonical record and build its Event; None (with the reasons in ``row``) if rejected.

    ``names`` maps canonical keys to the names used in the input, so that messages speak the
    file's language ('latitude' in a CSV, 'lat' in YAML). ``override`` is a place given by name
    elsewhere in the file (the YAML ``places:`` section), used when the record has no coordinates.
    ``date_given`` says whether the input states a date at all ('unknown' counts); by default a
    blank date counts as not given, which is worth a warning.
    """
    n = {k: k for k in rec} | dict(names or {})

    def nm(key: str) -> str:
        return n.get(key, key)

    location = text(row, nm("location"), rec.get("location"))
    if location is None:
        row.error(nm("location"), f"missing required field '{nm('location')}' (the place name as written)")
    dated = date_and_precision(
        row, nm("date"), rec.get("date"), nm("date_precision"), rec.get("date_precision")
    )
    kind = enum_value(row, nm("kind"), rec.get("kind"), EventKind, EventKind.OTHER)
    status = enum_value(row, nm("status"), rec.get("status"), Status, Status.REPORTED)
    qty = quantity(row, nm("quantity"), rec.get("quantity"))
    point = coordinates(row, rec.get("lat"), rec.get("lon"), nm("lat"), nm("lon"))
    country = country_code(row, nm("country"), rec.get("country"))
    geo_precision = small_int(row, nm("geo_precision"), rec.get("geo_precision"), (1, 2, 3))
    place_kind = enum_value(
        row, nm("place_kind"), rec.get("place_kind"), PlaceKind, _place_kind_from_precision(geo_precision)
    )
    actor = text(row, nm("actor"), rec.get("actor"))
    description = text(row, nm("description"), rec.get("description")) or ""
    quote = text(row, nm("quote"), rec.get("quote"))
    source = source_from(row, nm("source"), rec.get("source"), default_source)
    place_name = text(row, nm("place_name"), rec.get("place_name"))
    geocoder = text(row, nm("geocoder"), rec.get("geocoder"))
    geonameid = quantity(row, nm("geonameid"), rec.get("geonameid"))
    population = quantity(row, nm("population"), rec.get("population"))
    ident = text(row, nm("id"), rec.get("id")) or default_id
    if not row.ok or location is None or dated is None:
        return None
    if kind is None or status is None or place_kind is None:
        return None
    day, precision = dated
    if date_given is None:
        date_given = not is_blank(rec.get("date"))
    if day is None and not date_given:
        row.warn(nm("date"), "no date given; the date precision is 'unknown'")
    place = override
    if point is not None:
        place = Place(
            name=place_name or location,
            lat=point[0],
            lon=point[1],
            country_code=country or (override.country_code if override else None),
            kind=place_kind,
            geo_precision=geo_precision or place_kind.acled_precision,
            source=geocoder or "input",
            geonameid=geonameid,
            population=population,
        )
    return Event(
        id=ident,
        location=location,
        date=day,
        date_precision=precision,
        place=place,
        actor=actor,
        kind=kind,
        quantity=qty,
        status=status,
        description=description,
        source=source,
        quote=quote,
        country_hint=country,
        extra=dict(extra or {}),
        where=row.where,
        line=row.line,
    )


def raise_if_problems(where: str, problems: list[Problem]) -> None:
    """For strict reading: one GeomapError listing every problem, or nothing."""
    if not problems:
        return
    lines = [f"{where}: {len(problems)} problem(s):"] + [f"  {p}" for p in problems]
    raise GeomapError("\n".join(lines))


def open_checked(path: str | Path, where: str) -> Path:
    """The path, after making sure it names a readable, non-empty file (else a one-line GeomapError)."""
    p = Path(path)
    if not p.exists():
        raise GeomapError(f"{where}: no such file")
    if p.is_dir():
        raise GeomapError(f"{where}: is a directory, not a file")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise GeomapError(f"{where}: cannot read: {exc.strerror}") from None
    if size == 0:
        raise GeomapError(f"{where}: empty file")
    return p


def read_utf8(path: str | Path, where: str) -> str:
    """The whole text of a file read at once (YAML, GeoJSON): UTF-8, a BOM's encoding, or
    ``--encoding``'s; at most MAX_FILE_BYTES, checked before reading."""
    p = open_checked(path, where)
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise GeomapError(f"{where}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,} a file read whole may have")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GeomapError(f"{where}: cannot read: {exc.strerror}") from None
    encoding, _ = _encoding_of(data[:4])
    try:
        content = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1  # exact for ASCII-compatible encodings
        raise _undecodable(where, line, data[exc.start], exc.start, encoding) from None
    if not content.strip():
        raise GeomapError(f"{where}: empty file (only white space)")
    return content


def utf8_lines(path: str | Path, where: str) -> Iterator[str]:
    """Decoded lines of a file read one at a time (for large CSVs); the line of any bad byte.

    UTF-8 (or an ASCII-compatible ``--encoding``) is decoded line by line from bytes, since a
    newline byte is never inside a character; UTF-16/32 (a BOM) through a text stream.
    """
    p = open_checked(path, where)
    number = 0
    try:
        with p.open("rb") as fh:
            encoding, by_bom = _encoding_of(fh.peek(4)[:4])
            if encoding.startswith(("utf-16", "utf-32")):  # newline bytes may sit inside characters
                stream = io.TextIOWrapper(fh, encoding=encoding, newline="")
                try:
                    for line in stream:
                        number += 1
                        yield line
                except UnicodeDecodeError as exc:
                    raise _undecodable(where, number + 1, exc.object[exc.start], None, encoding) from None
                return
            decoder = "utf-8" if encoding == "utf-8-sig" else encoding
            offset = 0
            for raw in fh:
                number += 1
                chunk = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
                try:
                    yield chunk.decode(decoder)
                except UnicodeDecodeError as exc:
                    bad = offset + len(raw) - len(chunk) + exc.start
                    raise _undecodable(where, number, chunk[exc.start], bad, decoder) from None
                offset += len(raw)
    except OSError as exc:
        raise GeomapError(f"{where}: cannot read: {exc.strerror}") from None
