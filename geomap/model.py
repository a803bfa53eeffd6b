"""The data model: places, dated events, movements, and the problems met while building them.

Field and code names follow ACLED where ACLED has a column for the thing (event_date,
actor1, location, latitude, longitude, geo_precision, time_precision, source, notes), so
our tables load in tools built for ACLED and ACLED exports load here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

__all__ = [
    "DatePrecision",
    "PlaceKind",
    "EventKind",
    "Status",
    "Mode",
    "Place",
    "Source",
    "Event",
    "Leg",
    "Movement",
    "Problem",
    "Dataset",
    "GeomapError",
    "period",
]


class GeomapError(Exception):
    """An error meant for the user: its message names the file, row and field."""


class ArgumentError(GeomapError, ValueError):
    """A function argument with a bad value; ``argument`` is its name, so a caller (the CLI)
    can name its own option for it. The message speaks of the value, not of any flag."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.detail = message


class DatePrecision(StrEnum):
    """How precisely an event's date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"

    @property
    def acled(self) -> int:
        """ACLED's time_precision: 1 day, 2 week (or a few days), 3 month or coarser."""
        return {"day": 1, "week": 2}.get(self.value, 3)

    @classmethod
    def from_acled(cls, code: int | str | None) -> DatePrecision:
        return {1: cls.DAY, 2: cls.WEEK, 3: cls.MONTH}.get(_int_or_none(code) or 1, cls.DAY)


class PlaceKind(StrEnum):
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"
    CONTINENT = "continent"
    SEA = "sea"
    OTHER = "other"

    @property
    def acled_precision(self) -> int:
        """ACLED's geo_precision: 1 a town or exact point, 2 part of a region, 3 a large area."""
        return {"city": 1, "other": 1, "region": 2}.get(self.value, 3)


class EventKind(StrEnum):
    DEPLOYMENT = "deployment"
    TRANSIT = "transit"
    STATEMENT = "statement"
    STRIKE = "strike"
    MEETING = "meeting"
    OTHER = "other"


class Status(StrEnum):
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    CLAIMED = "claimed"
    DENIED = "denied"


class Mode(StrEnum):
    SEA = "sea"
    RAIL = "rail"
    ROAD = "road"
    AIR = "air"
    UNKNOWN = "unknown"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def period(day: dt.date | None, precision: DatePrecision) -> tuple[dt.date, dt.date] | None:
    """The first and last day (inclusive) that a date of this precision stands for."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.DAY:
        return day, day
    if precision == DatePrecision.WEEK:
        return day, day + dt.timedelta(days=6)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


@dataclass(frozen=True)
class Place:
    """A resolved place: where a name as written was put on the map, and how precisely."""

    name: str
    lat: float
    lon: float
    country_code: str | None = None
    kind: PlaceKind = PlaceKind.CITY
    geo_precision: int = 1
    source: str = "offline"
    geonameid: int | None = None
    population: int | None = None

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"latitude {self.lat} is outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"longitude {self.lon} is outside -180..180")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "latitude": self.lat,
            "longitude": self.lon,
            "country_code": self.country_code,
            "kind": str(self.kind),
            "geo_precision": self.geo_precision,
            "geocoder": self.source,
            "geonameid": self.geonameid,
            "population": self.population,
        }


@dataclass(frozen=True)
class Source:
    """Where a report came from."""

    publisher: str | None = None
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None

    def label(self) -> str:
        """A one-line citation, e.g. 'The Epoch Times, 2024-10-29'."""
        parts = [p for p in (self.publisher, self.title) if p]
        if self.published:
            parts.append(self.published.isoformat())
        return ", ".join(parts) or (self.url or "unknown source")


@dataclass
class Event:
    """One dated happening at one place, with its provenance."""

    id: str
    location: str
    date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    place: Place | None = None
    actor: str | None = None
    kind: EventKind = EventKind.OTHER
    quantity: int | None = None
    status: Status = Status.REPORTED
    description: str = ""
    source: Source | None = None
    quote: str | None = None
    country_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    where: str | None = None  # input file the event came from (for messages, not exported)
    line: int | None = None  # its line or row there

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        return period(self.date, self.date_precision)

    def with_place(self, place: Place | None) -> Event:
        return replace(self, place=place)


@dataclass
class Leg:
    """One stretch of a movement, from one named place to the next."""

    origin: str
    destination: str
    origin_place: Place | None = None
    destination_place: Place | None = None
    date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    mode: Mode = Mode.UNKNOWN

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        return period(self.date, self.date_precision)


@dataclass
class Movement:
    """A reported movement of an actor: ordered legs from origin, via stops, to destination."""

    id: str
    actor: str | None
    legs: list[Leg]
    status: Status = Status.REPORTED
    quantity: int | None = None
    description: str = ""
    source: Source | None = None
    quote: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    where: str | None = None
    line: int | None = None

    @property
    def stops(self) -> list[str]:
        """Place names in travel order: the first origin, then every destination."""
        if not self.legs:
            return []
        return [self.legs[0].origin] + [leg.destination for leg in self.legs]

    @property
    def mode(self) -> Mode:
        modes = {leg.mode for leg in self.legs} - {Mode.UNKNOWN}
        return modes.pop() if len(modes) == 1 else Mode.UNKNOWN

    @property
    def date(self) -> dt.date | None:
        """The date of the leg that ends last, by the end of its period (a month ends on its last day)."""
        dated = [(leg.period, leg.date) for leg in self.legs if leg.date and leg.period]
        return max(dated, key=lambda t: t[0][1])[1] if dated else None


@dataclass(frozen=True)
class Problem:
    """Something that went wrong with one piece of input, kept so that nothing is dropped silently.

    ``where`` is a file name, ``line`` a 1-based line or row number, ``field`` the column or key.
    """

    message: str
    where: str | None = None
    line: int | None = None
    field: str | None = None
    severity: str = "error"  # "error" rejects the row; "warning" keeps it

    def __str__(self) -> str:
        loc = self.where or "<input>"
        if self.line is not None:
            loc += f":{self.line}"
        fld = f" [{self.field}]" if self.field else ""
        return f"{loc}:{fld} {self.severity}: {self.message}"


@dataclass
class Dataset:
    """Everything read or extracted from one input: events, movements, and what went wrong."""

    events: list[Event] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None
    sources: list[Source] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def extend(self, other: Dataset) -> None:
        self.events.extend(other.events)
        self.movements.extend(other.movements)
        self.problems.extend(other.problems)
        self.sources.extend(s for s in other.sources if s not in self.sources)

    def all_sources(self) -> list[Source]:
        """Every distinct source, once, in first-seen order."""
        seen: dict[Source, None] = {}
        for s in self.sources:
            seen.setdefault(s, None)
        for item in [*self.events, *self.movements]:
            if item.source is not None:
                seen.setdefault(item.source, None)
        return list(seen)
