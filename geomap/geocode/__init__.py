"""Geocoding: place names to points, offline by default, through geopy's interface.

* :class:`OfflineGeocoder` answers ``geocode(query, ...)`` from our gazetteer index;
* :func:`resolve_dataset` fills the places of a Dataset's events and movements with any
  geopy-style geocoder and reports what it could not resolve;
* :class:`NameIndex` and :func:`build_index` give the name index itself (also used by the
  text extractor); ``python -m geomap.geocode.index`` prebuilds it;
* :func:`build_chain` chains it with online geopy services (cache, pacing, retries,
  fallback), :func:`geocode_column` geocodes a DataFrame column, ``shapes`` has the
  country outlines.

Names are imported on first use, so ``python -m geomap.geocode.index`` and a fresh
process that only needs one of them start fast. Name normalization is
``geomap.geocode.normalize.normalize`` (not re-exported here: the submodule of the same
name would shadow it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "OfflineGeocoder",
    "Geocoder",
    "resolve_dataset",
    "build_index",
    "NameIndex",
    "Entry",
    "location_from_place",
    "place_from_location",
    "candidates_of",
    "build_chain",
    "GeocoderChain",
    "GeocodeCache",
    "make_backend",
    "geocode_column",
]

_WHERE = {
    "OfflineGeocoder": "gazetteer",
    "Geocoder": "base",
    "location_from_place": "base",
    "place_from_location": "base",
    "candidates_of": "base",
    "resolve_dataset": "resolve",
    "build_index": "index_build",
    "NameIndex": "index_query",
    "Entry": "index_query",
    "build_chain": "chain",
    "GeocoderChain": "chain",
    "GeocodeCache": "cache",
    "make_backend": "online",
    "geocode_column": "batch",
}

if TYPE_CHECKING:
    from geomap.geocode.base import Geocoder, candidates_of, location_from_place, place_from_location
    from geomap.geocode.batch import geocode_column
    from geomap.geocode.cache import GeocodeCache
    from geomap.geocode.chain import GeocoderChain, build_chain
    from geomap.geocode.gazetteer import OfflineGeocoder
    from geomap.geocode.index_build import build_index
    from geomap.geocode.index_query import Entry, NameIndex
    from geomap.geocode.online import make_backend
    from geomap.geocode.resolve import resolve_dataset


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'geomap.geocode' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"geomap.geocode.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
