"""A persistent cache of geocoder answers: SQLite in WAL mode, shared by runs and processes.

Online services are slow, rate-limited and change; a newsroom re-renders the same files
many times. Each answer is stored (committed at once, so a process killed mid-batch loses
nothing it was answered) under a key of backend + normalized query + options, with the
time it was stored. "Nothing found" is cached too, for a shorter time, since a service
may learn a village later. The file is ``geocode-cache.sqlite`` in the cache directory
(``$GEOMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/geomap``, else ``~/.cache/geomap``), or
the file ``$GEOMAP_GEOCODE_CACHE`` names.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.location import Location
from geopy.point import Point

from geomap.geocode.normalize import normalize

__all__ = ["GeocodeCache", "CacheStats", "CacheWarning", "cache_path", "POSITIVE_TTL", "NEGATIVE_TTL"]

POSITIVE_TTL = 90 * 86400.0  # places rarely move
NEGATIVE_TTL = 86400.0  # a service may add the village tomorrow
CACHE_FILE = "geocode-cache.sqlite"
CACHE_ENV = "GEOMAP_GEOCODE_CACHE"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    query TEXT NOT NULL,
    options TEXT NOT NULL,
    payload TEXT,
    created REAL NOT NULL
)
"""


class CacheWarning(UserWarning):
    """The cache could not be used as it was (corrupt, locked, unwritable): said, then bypassed."""


def cache_path() -> Path:
    """The default cache file: ``$GEOMAP_GEOCODE_CACHE``, else beside the gazetteer index."""
    from geomap.geocode.index_build import cache_dir

    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    return cache_dir() / CACHE_FILE


@dataclass(frozen=True)
class CacheStats:
    """What ``geomap cache stats`` prints."""

    path: Path
    size_bytes: int
    found: int
    not_found: int
    expired: int
    by_backend: dict[str, int]

    def format(self) -> str:
        lines = [
            f"cache       {self.path}",
            f"size        {self.size_bytes / 1024:.1f} KiB",
            f"answers     {self.found} found, {self.not_found} not found, {self.expired} expired",
        ]
        for backend, n in sorted(self.by_backend.items()):
            lines.append(f"  {backend:<40} {n}")
        return "\n".join(lines)


class GeocodeCache:
    """Answers by (backend, query, options); ``get`` gives a list of Locations ([] = known unknown)."""

    def __init__(
        self,
        path: Path | str | None = None,
        positive_ttl: float = POSITIVE_TTL,
        negative_ttl: float = NEGATIVE_TTL,
    ) -> None:
        self.path = Path(path) if path is not None else cache_path()
        self.positive_ttl = positive_ttl
        self.negative_ttl = negative_ttl
        self._db: sqlite3.Connection | None = None
        self.bypassed: str | None = None  # why the cache is not used in this run, once it failed

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, opened on first use (autocommit: every put is durable at once).

        A file that is not an SQLite database (or a damaged one) is moved aside to
        ``<name>.corrupt`` with a warning and a new cache is started: a broken cache must
        never be blamed on the service nor stop a run.
        """
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                aside = self.path.with_name(self.path.name + ".corrupt")
                for suffix in ("-wal", "-shm"):
                    self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
                self.path.replace(aside)
                warnings.warn(
                    f"the geocoder cache {self.path} was unreadable ({exc}); moved to {aside.name}, "
                    "a new cache is started",
                    CacheWarning,
                    stacklevel=2,
                )
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
            db.execute(_SCHEMA)
            db.execute("SELECT key, backend, query, options, payload, created FROM answers LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _bypass(self, exc: Exception) -> None:
        """Stop using the cache for this run, saying why once (the answers are still asked)."""
        if self.bypassed is None:
            self.bypassed = f"{type(exc).__name__}: {exc}"
            warnings.warn(
                f"the geocoder cache {self.path} cannot be used ({self.bypassed}); going on without it",
                CacheWarning,
                stacklevel=3,
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @staticmethod
    def key(backend: str, query: str, options: dict[str, Any] | None = None) -> str:
        """The lookup key: backend, normalized query (case, spaces, quotes) and sorted options."""
        blob = json.dumps([backend, normalize(query), options or {}], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, backend: str, query: str, options: dict[str, Any] | None = None) -> list[Location] | None:
        """The cached answer (maybe []), or None when absent, expired or unreadable."""
        if self.bypassed:
            return None
        try:
            row = self.db.execute(
                "SELECT payload, created FROM answers WHERE key = ?", (self.key(backend, query, options),)
            ).fetchone()
            if row is None or row[1] + (self.positive_ttl if row[0] else self.negative_ttl) < time.time():
                return None
            return [_location(d) for d in json.loads(row[0])] if row[0] else []
        except (sqlite3.Error, OSError) as exc:
            self._bypass(exc)
        except (ValueError, KeyError, TypeError):  # one damaged row: ask the service again
            return None
        return None

    def put(
        self, backend: str, query: str, options: dict[str, Any] | None, locations: list[Location] | None
    ) -> None:
        """Store an answer; ``None`` or ``[]`` is "nothing found" (valid for ``negative_ttl``)."""
        if self.bypassed:
            return
        payload = json.dumps([_record(loc) for loc in locations], ensure_ascii=False) if locations else None
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (
                    self.key(backend, query, options),
                    backend,
                    normalize(query),
                    json.dumps(options or {}, sort_keys=True),
                    payload,
                    time.time(),
                ),
            )
        except (sqlite3.Error, OSError) as exc:
            self._bypass(exc)

    def _expired_sql(self) -> tuple[str, list[float]]:
        """SQL true for an expired row (the lifetimes are this reader's, not the writer's)."""
        now = time.time()
        return (
            "(created + CASE WHEN payload IS NULL THEN ? ELSE ? END < ?)",
            [self.negative_ttl, self.positive_ttl, now],
        )

    def stats(self) -> CacheStats:
        if not self.path.exists():
            return CacheStats(self.path, 0, 0, 0, 0, {})
        db = self.db
        expired_sql, args = self._expired_sql()
        found, not_found, expired = db.execute(
            f"SELECT SUM(payload IS NOT NULL AND NOT {expired_sql}), SUM(payload IS NULL AND NOT {expired_sql}),"
            f" SUM({expired_sql}) FROM answers",
            args * 3,
        ).fetchone()
        by_backend = dict(db.execute("SELECT backend, COUNT(*) FROM answers GROUP BY backend").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(self.path, size, found or 0, not_found or 0, expired or 0, by_backend)

    def clear(self, expired_only: bool = False, backend: str | None = None) -> int:
        """Delete answers (all, or the expired ones, or one backend's); returns how many."""
        if not self.path.exists():
            return 0
        where: list[str] = []
        args: list[Any] = []
        if expired_only:
            expired_sql, expired_args = self._expired_sql()
            where.append(expired_sql)
            args += expired_args
        if backend:
            where.append("(backend = ? OR backend LIKE ?)")
            args += [backend, f"{backend}@%"]
        sql = "DELETE FROM answers" + (" WHERE " + " AND ".join(where) if where else "")
        n = self.db.execute(sql, args).rowcount
        if not where:
            self.db.execute("VACUUM")
        return int(n)

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def _record(location: Location) -> dict[str, Any]:
    return {"address": location.address, "lat": location.latitude, "lon": location.longitude, "raw": location.raw}


def _location(d: dict[str, Any]) -> Location:
    return Location(d.get("address") or "", Point(float(d["lat"]), float(d["lon"])), d.get("raw") or {})
