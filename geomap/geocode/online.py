"""Online geocoders through geopy, by name, answering in our Location shape.

``make_backend("nominatim", user_agent="my-newsroom")`` gives a :class:`OnlineBackend`:
a geopy geocoder (any of ``geopy.geocoders.SERVICE_TO_GEOCODER``) plus what the chain needs
to cache and pace it. Its ``geocode`` returns Locations whose ``raw`` carries the fields of
a :class:`~geomap.model.Place` (kind and ACLED precision guessed from the service's own
place type), the runner-up candidates and the service's original answer under
``"service"``, so :func:`~geomap.geocode.base.place_from_location` reads them like ours.

Nominatim's usage policy asks every client to name itself: without a user agent
(``--user-agent`` or ``$GEOMAP_USER_AGENT``) it is refused with a clear error, not sent
as geopy's default. ``url`` points a backend at any server (a self-hosted Nominatim).
"""

from __future__ import annotations

import inspect
import ipaddress
import math
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from geopy.location import Location

from geomap.geocode.base import location_from_place
from geomap.geocode.http import BoundedAdapter, bounded_adapter
from geomap.model import ArgumentError, GeomapError, Place, PlaceKind

__all__ = [
    "OnlineBackend",
    "make_backend",
    "backend_names",
    "USER_AGENT_ENV",
    "PUBLIC_MIN_DELAY",
    "DEFAULT_TIMEOUT",
    "positive_seconds",
]

USER_AGENT_ENV = "GEOMAP_USER_AGENT"
PUBLIC_MIN_DELAY = 1.0  # seconds between requests to a public service (Nominatim's policy: 1/s)
DEFAULT_TIMEOUT = 10.0
CANDIDATES = 5
# Services whose public instance forbids anonymous clients.
NEEDS_USER_AGENT = {"nominatim"}

# Place types of Nominatim ('addresstype'/'type') and Photon ('type'/'osm_value') → our kind.
_KIND_OF_TYPE = {
    **dict.fromkeys(
        ("city", "town", "village", "hamlet", "suburb", "neighbourhood", "quarter", "locality",
         "isolated_dwelling", "municipality", "borough", "city_district", "district", "settlement",
         "house", "building", "street", "road"),
        PlaceKind.CITY,
    ),
    **dict.fromkeys(
        ("state", "region", "province", "county", "state_district", "administrative", "oblast", "territory"),
        PlaceKind.REGION,
    ),
    "country": PlaceKind.COUNTRY,
    "continent": PlaceKind.CONTINENT,
    **dict.fromkeys(("sea", "ocean", "bay", "strait"), PlaceKind.SEA),
}  # fmt: skip


def backend_names() -> list[str]:
    """Every name ``make_backend`` takes: 'offline' and geopy's services."""
    from geopy.geocoders import SERVICE_TO_GEOCODER

    return ["offline", *sorted(SERVICE_TO_GEOCODER)]


@dataclass
class OnlineBackend:
    """One geopy geocoder with the settings that make its answers (for the cache key) and its pace."""

    name: str
    geocoder: Any
    url: str | None = None
    min_delay: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.name

    @property
    def cache_id(self) -> str:
        """Backend + server: two Nominatims at different URLs answer differently."""
        return f"{self.name}@{self.url}" if self.url else self.name

    def set_deadline(self, seconds: float | None) -> None:
        """Bound the next request as a whole (connect + read), when our adapter carries it."""
        adapter = getattr(self.geocoder, "adapter", None)
        if isinstance(adapter, BoundedAdapter):
            adapter.deadline = seconds

    def geocode(
        self, query: str, exactly_one: bool = True, country_codes: str | None = None, **_: Any
    ) -> Location | list[Location] | None:
        """Ask the service (no retries here: the chain retries); None when it knows nothing."""
        kwargs: dict[str, Any] = {"exactly_one": False}
        params = _params(self.geocoder.geocode)
        if "limit" in params:
            kwargs["limit"] = CANDIDATES + 1
        if "addressdetails" in params:
            kwargs["addressdetails"] = True
        if country_codes and "country_codes" in params:
            kwargs["country_codes"] = [c.strip().lower() for c in country_codes.split(",") if c.strip()]
        found = self.geocoder.geocode(query, **kwargs)
        if found is None:
            return None
        found = (found if isinstance(found, list) else [found])[: CANDIDATES + 1]
        locations = to_locations(query, found, self.name)
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def to_locations(query: str, found: list[Location], backend: str) -> list[Location]:
    """geopy Locations of a service → ours: Place fields, candidates, the service's answer kept."""
    places = [(_place(loc, backend), loc) for loc in found]
    out = []
    for i, (place, loc) in enumerate(places):
        others = [_candidate(p) for j, (p, _) in enumerate(places) if j != i][:CANDIDATES]
        out.append(location_from_place(place, query, others, service=loc.raw, backend=backend))
    return out


def _place(location: Location, backend: str) -> Place:
    raw = location.raw if isinstance(location.raw, dict) else {}
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}  # Photon's GeoJSON
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    kind = PlaceKind.OTHER
    for key in (raw.get("addresstype"), raw.get("type"), props.get("type"), props.get("osm_value")):
        if isinstance(key, str) and key.lower() in _KIND_OF_TYPE:
            kind = _KIND_OF_TYPE[key.lower()]
            break
    code = address.get("country_code") or props.get("countrycode") or raw.get("country_code")
    name = raw.get("name") or props.get("name") or (location.address or "").split(",")[0].strip() or "?"
    return Place(
        name=str(name),
        lat=float(location.latitude),
        lon=float(location.longitude),
        country_code=str(code).upper() if code else None,
        kind=kind,
        geo_precision=kind.acled_precision,
        source=backend,
    )


def _candidate(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "country_code": place.country_code,
        "kind": str(place.kind),
        "population": None,
        "lat": place.lat,
        "lon": place.lon,
    }


def positive_seconds(value: Any, what: str) -> float:
    """A finite number of seconds above 0; GeomapError naming ``what`` otherwise."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ArgumentError(what, f"a number of seconds is needed, not {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ArgumentError(what, f"a finite number of seconds above 0 is needed, not {value!r}")
    return seconds


def _params(func: Any) -> set[str]:
    try:
        return set(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return set()


def _split_url(url: str) -> tuple[str, str]:
    """(scheme, domain-with-path) as geopy wants them; GeomapError for what is not an http(s) URL."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArgumentError("url", f"{url!r} is not an http(s) URL such as http://127.0.0.1:8080")
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


def _is_loopback(url: str | None) -> bool:
    if not url:
        return False
    host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_backend(
    name: str,
    *,
    user_agent: str | None = None,
    url: str | None = None,
    api_key: str | None = None,
    timeout: float | None = None,
    min_delay: float | None = None,
    **options: Any,
) -> OnlineBackend:
    """A geopy geocoder by service name, configured; GeomapError says what is missing or wrong.

    ``url`` (scheme, host, port, path) replaces the service's public domain; ``min_delay``
    defaults to 1 s for a public service and 0 for one of your own (``url`` given).
    Other ``options`` go to the geopy class as they are.
    """
    from geopy.exc import ConfigurationError
    from geopy.geocoders import SERVICE_TO_GEOCODER

    key = name.strip().lower()
    cls = SERVICE_TO_GEOCODER.get(key)
    if cls is None:
        raise GeomapError(f"unknown geocoder {name!r}; one of: {', '.join(backend_names())}")
    user_agent = user_agent or os.environ.get(USER_AGENT_ENV) or None
    if key in NEEDS_USER_AGENT and not (user_agent and user_agent.strip()):
        raise ArgumentError(
            "user_agent",
            f"{key} needs a user agent naming your application (its usage policy forbids anonymous "
            f"clients), e.g. 'my-newsroom (me@example.org)', or ${USER_AGENT_ENV} set",
        )
    accepted = _params(cls.__init__)
    kwargs: dict[str, Any] = dict(options)
    if user_agent and "user_agent" in accepted:
        kwargs["user_agent"] = user_agent
    kwargs["timeout"] = DEFAULT_TIMEOUT if timeout is None else positive_seconds(timeout, "timeout")
    if url:
        if "domain" not in accepted:
            raise GeomapError(f"geocoder {key!r} cannot be pointed at another URL (geopy's class has no 'domain')")
        kwargs["scheme"], kwargs["domain"] = _split_url(url)
        if _is_loopback(url):
            kwargs.setdefault("proxies", {})  # a local server must not be asked through a proxy
    if "adapter_factory" in accepted and "adapter_factory" not in kwargs:
        # no silent retries (the chain's are counted and paced), a whole-request deadline, size caps
        kwargs["adapter_factory"] = bounded_adapter(max_results=CANDIDATES + 1)
    if api_key:
        key_param = next((p for p in ("api_key", "apikey", "key") if p in accepted), None)
        if key_param is None:
            raise GeomapError(f"geocoder {key!r} takes no API key")
        kwargs[key_param] = api_key
    try:
        geocoder = cls(**kwargs)
    except (ConfigurationError, TypeError, ValueError) as exc:
        raise GeomapError(f"cannot set up geocoder {key!r}: {exc}") from None
    delay = (0.0 if url else PUBLIC_MIN_DELAY) if min_delay is None else float(min_delay)
    if not math.isfinite(delay) or delay < 0:
        raise ArgumentError("min_delay", f"0 or more seconds are needed, not {min_delay!r}")
    cache_options = {k: v for k, v in options.items() if isinstance(v, (str, int, float, bool))}
    return OnlineBackend(key, geocoder, url=url, min_delay=delay, options=cache_options)
