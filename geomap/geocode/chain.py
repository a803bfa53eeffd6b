"""A chain of geocoders: each asked in turn for what the ones before could not place.

``build_chain("offline,nominatim", user_agent="my-newsroom")`` answers from the gazetteer
first and asks Nominatim only for what stays unresolved (or the reverse order). Around
each online backend:

* geopy's ``RateLimiter`` keeps the service's pace (1 request/s for a public one);
* timeouts, 5xx and 429 are retried with exponential backoff, a 429 after its
  ``Retry-After`` (capped at ``max_wait``); a malformed answer or a refused query is not
  retried: the next backend is asked instead;
* a :class:`~geomap.geocode.cache.GeocodeCache` keeps every answer, "nothing found" included.

Queries are checked once, the offline geocoder's way, before any backend sees them: an empty
query is a ValueError, one that cannot be a place name (too long, control characters) finds
nothing, and a coordinate pair is that point, its country found in the shipped outlines,
without asking anyone. An answer outside the country hint is flagged in ``raw['warning']``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from geopy.exc import (
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from geomap.geocode.base import location_from_place
from geomap.geocode.cache import GeocodeCache
from geomap.geocode.gazetteer import MAX_QUERY_LENGTH, _clean, _looks_like_coordinates, parse_coordinates
from geomap.geocode.http import DEADLINE_FACTOR
from geomap.geocode.normalize import has_control_chars
from geomap.geocode.online import DEFAULT_TIMEOUT, OnlineBackend, make_backend, positive_seconds
from geomap.geocode.shapes import country, country_at, outside_hint
from geomap.model import ArgumentError, GeomapError, Place, PlaceKind

__all__ = ["GeocoderChain", "GeocodeFailed", "build_chain", "query_problem", "parse_chain"]

RETRIES = 3
BACKOFF = 1.0  # seconds before the first retry; doubled each time
MAX_WAIT = 30.0  # the most seconds one name may cost at one service, retries and waits included
BATCH_TIMEOUT = 3600.0  # the CLI's default for all online requests of one run
LIMIT = 6


class GeocodeFailed(GeomapError):
    """Every backend of the chain failed (service errors, not "nothing found")."""


@dataclass
class _Link:
    """One backend of the chain: an offline geocoder or an online one with its limiter."""

    name: str
    geocoder: Any
    online: OnlineBackend | None = None
    limiter: Any = None
    cache_id: str = ""
    options: dict[str, Any] = field(default_factory=dict)


def query_problem(query: Any) -> str | None:
    """Why a query cannot be a place name (None when it can): the words a user should see."""
    if query is None or (isinstance(query, str) and not query.strip()):
        return "cannot geocode an empty place name"
    if not isinstance(query, str):
        return f"a place name must be text, not {type(query).__name__}"
    if len(query) > MAX_QUERY_LENGTH:
        return f"the query is {len(query):,} characters long; a place name has at most {MAX_QUERY_LENGTH}"
    if has_control_chars(query):
        return "the query holds control characters; a place name has none"
    return None


def parse_chain(spec: str | Sequence[str]) -> list[str]:
    """'offline,nominatim' → ['offline', 'nominatim']; GeomapError for an empty or repeated name."""
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [n.strip().lower() for n in names if n and n.strip()]
    if not names:
        raise ArgumentError("geocoder", "name at least one geocoder, e.g. offline or offline,nominatim")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ArgumentError("geocoder", f"{', '.join(dupes)} named twice")
    return names


class GeocoderChain:
    """geopy's ``geocode`` over several backends in order, with cache, pacing, retries, fallback."""

    def __init__(
        self,
        links: Sequence[_Link],
        cache: GeocodeCache | None = None,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        max_wait: float = MAX_WAIT,
        batch_timeout: float | None = None,
    ) -> None:
        if not links:
            raise GeomapError("a geocoder chain needs at least one geocoder")
        self.links = list(links)
        self.cache = cache
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.batch_timeout = batch_timeout
        self._batch_end: float | None = None
        self.source = ",".join(link.name for link in self.links)
        self.requests = 0  # online requests sent (retries included): what the cache saves
        self.errors: list[str] = []  # the last query's backend failures, for a report

    def __repr__(self) -> str:
        return f"GeocoderChain({self.source})"

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        country_codes: str | Sequence[str] | None = None,
        **_: Any,
    ) -> Location | list[Location] | None:
        """The first backend's answer that finds something; None when none does.

        Raises ValueError for an empty query and :class:`GeocodeFailed` when every backend
        failed with a service error (none said "nothing found").
        """
        self.errors = []
        text = _clean(query)  # ValueError when empty, None when it cannot be a place name
        if text is None:
            return None
        point = parse_coordinates(text)
        if point is not None:
            location = _point_location(text, *point)
            return location if exactly_one else [location]
        if _looks_like_coordinates(text):
            return None
        hint = _hint(country_codes)
        answered = False
        for link in self.links:
            try:
                found = self._ask(link, text, hint)
            except GeomapError:
                raise
            except Exception as exc:  # a service's failure: note it and try the next backend
                self.errors.append(f"{link.name} failed ({type(exc).__name__}: {exc})")
                continue
            answered = True
            if found:
                found = [_flagged(loc, link.name, hint) for loc in found]
                return found[0] if exactly_one else found
        if not answered and self.errors:
            raise GeocodeFailed(f"no geocoder could answer for '{text}': " + "; ".join(self.errors))
        return None

    # ---------------------------------------------------------------------------------------
    def _ask(self, link: _Link, text: str, hint: str | None) -> list[Location]:
        if link.online is None:
            found = link.geocoder.geocode(text, exactly_one=False, country_codes=hint, limit=LIMIT)
            return list(found or [])
        options = {**link.options, "country_codes": hint}
        if self.cache is not None:
            cached = self.cache.get(link.cache_id, text, options)
            if cached is not None:
                for loc in cached:
                    loc.raw["cached"] = True
                return cached
        if self._batch_spent():
            raise GeocoderTimedOut(f"not asked: the run's {self.batch_timeout:g} s for online geocoding are spent")
        found = self._with_retries(link, text, hint)
        locations = list(found or []) if isinstance(found, list) else ([found] if found else [])
        if self.cache is not None:
            self.cache.put(link.cache_id, text, options, locations)
        return locations

    def _with_retries(self, link: _Link, text: str, hint: str | None) -> Any:
        """Call the backend through its RateLimiter; retry what may pass, within the name's budget.

        One name may cost at most ``max_wait`` seconds at one service, retries and waits
        included, and nothing past the run's ``batch_timeout``: each request is bounded as a
        whole (``DEADLINE_FACTOR`` x the timeout, or what is left of the budget), a retry that
        would not fit is not started, and the last error is raised (the next backend is asked).
        """
        assert link.online is not None
        timeout = float(getattr(link.geocoder, "timeout", None) or DEFAULT_TIMEOUT)
        end = time.monotonic() + self.max_wait
        if self._batch_end is not None:
            end = min(end, self._batch_end)
        attempt = 0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise GeocoderTimedOut(f"gave up after {self.max_wait:g} s (the time allowed for one name)")
            link.online.set_deadline(min(DEADLINE_FACTOR * timeout, left))
            try:
                self.requests += 1
                return link.limiter(text, exactly_one=False, country_codes=hint)
            except GeocoderRateLimited as exc:
                error: Exception = exc
                wait = float(exc.retry_after) if exc.retry_after is not None else self.backoff * 2**attempt
            except (GeocoderTimedOut, GeocoderUnavailable) as exc:
                error, wait = exc, self.backoff * 2**attempt
            except GeocoderServiceError as exc:
                if type(exc) is not GeocoderServiceError:  # parse, query, auth, quota: retrying won't help
                    raise
                error, wait = exc, self.backoff * 2**attempt  # a 5xx
            attempt += 1
            if attempt > self.retries:
                raise error
            if time.monotonic() + wait >= end:
                raise type(error)(f"{error} (no time left for another try within {self.max_wait:g} s)") from None
            time.sleep(wait)

    def _batch_spent(self) -> bool:
        """True once the run's time for online requests is over (the clock starts at the first)."""
        if self.batch_timeout is None:
            return False
        now = time.monotonic()
        if self._batch_end is None:
            self._batch_end = now + self.batch_timeout
        return now >= self._batch_end

    def failure_note(self) -> str | None:
        """Why the last query found nothing although it may exist: the services that failed."""
        return "; ".join(self.errors) if self.errors else None


def _hint(codes: str | Sequence[str] | None) -> str | None:
    if not codes:
        return None
    items = codes.replace(";", ",").split(",") if isinstance(codes, str) else list(codes)
    items = sorted({c.strip().upper() for c in items if c and c.strip()})
    return ",".join(items) or None


def _flagged(location: Location, backend: str, hint: str | None) -> Location:
    """Mark the backend that answered and whether the point lies outside the country hint."""
    raw = location.raw
    raw["backend"] = backend
    warning = outside_hint(location.latitude, location.longitude, hint)
    raw["outside_hint"] = warning is not None
    if warning:
        raw["warning"] = f"{backend}: {warning}"
    return location


def _point_location(query: str, lat: float, lon: float) -> Location:
    """A coordinate pair as itself, with the country it lies in (as the offline geocoder does)."""
    code = country_at(lat, lon)
    found = country(code) if code else None
    place = Place(
        name=f"{lat:.5f}, {lon:.5f}",
        lat=lat,
        lon=lon,
        country_code=code,
        kind=PlaceKind.OTHER,
        geo_precision=1,
        source="coordinates",
    )
    return location_from_place(
        place,
        query,
        [],
        score=None,
        confidence=1.0,
        match="coordinates",
        country_name=found.name if found else None,
        backend="coordinates",
        outside_hint=False,
    )


def build_chain(
    spec: str | Sequence[str] = "offline",
    *,
    user_agent: str | None = None,
    url: str | None = None,
    api_key: str | None = None,
    timeout: float | None = None,
    min_delay: float | None = None,
    cache: GeocodeCache | bool | None = True,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    max_wait: float = MAX_WAIT,
    batch_timeout: float | None = None,
    offline: Any = None,
) -> GeocoderChain:
    """A chain from names ('offline,nominatim'); the URL, key and agent go to its online backends.

    ``cache=True`` opens the default cache file (only when an online backend is in the
    chain), a :class:`GeocodeCache` is used as given, False/None disables caching.
    ``offline`` may give the OfflineGeocoder instance to use. ``max_wait`` bounds the seconds
    one name may cost at one service (retries and waits included), ``batch_timeout`` all
    online requests of this chain's life (the offline geocoder answers after it, alone).
    """
    names = parse_chain(spec)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ArgumentError("retries", f"a whole number, 0 or more, is needed, not {retries!r}")
    max_wait = positive_seconds(max_wait, "max_wait")
    if batch_timeout is not None:
        batch_timeout = positive_seconds(batch_timeout, "batch_timeout")
    online_names = [n for n in names if n != "offline"]
    if url and len(online_names) > 1:
        raise ArgumentError("url", f"give one online geocoder, not {', '.join(online_names)}")
    if api_key and len(online_names) > 1:
        raise ArgumentError("api_key", f"give one online geocoder, not {', '.join(online_names)}")
    links = []
    for name in names:
        if name == "offline":
            if offline is None:
                from geomap.geocode.gazetteer import OfflineGeocoder

                offline = OfflineGeocoder()
            links.append(_Link("offline", offline))
            continue
        backend = make_backend(
            name, user_agent=user_agent, url=url, api_key=api_key, timeout=timeout, min_delay=min_delay
        )
        limiter = RateLimiter(
            backend.geocode,
            min_delay_seconds=backend.min_delay,
            max_retries=0,  # retries are ours: geopy's would ignore Retry-After
            error_wait_seconds=max(5.0, backend.min_delay),
            swallow_exceptions=False,
        )
        links.append(_Link(name, backend.geocoder, backend, limiter, backend.cache_id, backend.options))
    if cache is True:
        store = GeocodeCache() if online_names else None
    else:
        store = cache if isinstance(cache, GeocodeCache) else None  # not `or`: an empty cache is falsy
    return GeocoderChain(
        links, store, retries=retries, backoff=backoff, max_wait=max_wait, batch_timeout=batch_timeout
    )
