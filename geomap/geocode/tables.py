"""The gazetteer's own data tables (``geomap/geocode/data/*.tsv``): where they are and how to read them.

Every reader checks its rows and raises ValueError naming the file, line and field of a bad one,
so a malformed table fails before the slow part of an index build. The index builder
(:mod:`geomap.geocode.index_build`) and the geocoder's phrase patterns read these.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "COUNTRIES_GEOJSON",
    "ALIAS_COLUMNS",
    "ADMIN_COLUMNS",
    "PRECISION_BY_KIND",
    "read_alias_rows",
    "read_admin_regions",
    "read_country_points",
    "index_inputs",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_POINTS_TABLE = "country_points.tsv"
ADMIN_REGIONS_TABLE = "admin_regions.tsv"
# Tables of the data directory that are not alias tables (patterns.tsv is read by the geocoder itself).
SPECIAL_TABLES = frozenset({"patterns.tsv", COUNTRY_POINTS_TABLE, ADMIN_REGIONS_TABLE})
COUNTRIES_GEOJSON = Path(__file__).resolve().parents[1] / "data" / "countries.geojson"

PRECISION_BY_KIND = {"city": 1, "other": 1, "region": 2, "country": 3, "continent": 3, "sea": 3}
ALIAS_COLUMNS = ("alias", "lang", "target", "kind", "country", "lat", "lon", "note")


def _data_files(data_dir: Path) -> list[Path]:
    """The alias tables: every ``*.tsv`` of the data directory but the special ones (SPECIAL_TABLES)."""
    return sorted(p for p in data_dir.glob("*.tsv") if p.name not in SPECIAL_TABLES)


def index_inputs(data_dir: Path) -> list[Path]:
    """Every table the index is built from: the alias tables, country points and admin regions."""
    special = [data_dir / COUNTRY_POINTS_TABLE, data_dir / ADMIN_REGIONS_TABLE]
    return [*_data_files(data_dir), *(p for p in special if p.exists())]


def _table_rows(path: Path, columns: tuple[str, ...], required: int) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a tab-separated table whose first line names ``columns``; '#' starts a comment."""
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, fields in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not fields or not fields[0].strip() or fields[0].startswith("#"):
                continue
            if line_no == 1 and fields[0] == columns[0]:
                continue
            if len(fields) < required:
                raise ValueError(f"{path.name}:{line_no}: expected {len(columns)} tab-separated fields")
            yield line_no, dict(itertools.zip_longest(columns, (f.strip() for f in fields), fillvalue=""))


def _coordinate(path: Path, line_no: int, row: dict[str, str], column: str, limit: float) -> float:
    try:
        value = float(row[column])
    except ValueError:
        raise ValueError(f"{path.name}:{line_no}: {column} '{row[column]}' is not a number") from None
    if not -limit <= value <= limit:
        raise ValueError(f"{path.name}:{line_no}: {column} {value} is out of range")
    return value


def read_country_points(data_dir: Path | None = None) -> dict[str, tuple[float, float, str]]:
    """ISO alpha-2 -> (lat, lon, source) from ``country_points.tsv`` (empty if the table is absent)."""
    path = (data_dir or DATA_DIR) / COUNTRY_POINTS_TABLE
    if not path.exists():
        return {}
    out: dict[str, tuple[float, float, str]] = {}
    for line_no, row in _table_rows(path, ("iso2", "lat", "lon", "source"), 3):
        iso2 = row["iso2"].upper()
        if len(iso2) != 2 or not iso2.isalpha():
            raise ValueError(f"{path.name}:{line_no}: iso2 '{row['iso2']}' is not a two-letter code")
        lat = _coordinate(path, line_no, row, "lat", 90.0)
        lon = _coordinate(path, line_no, row, "lon", 180.0)
        out[iso2] = (lat, lon, row["source"])
    return out


ADMIN_COLUMNS = ("name", "country", "level", "parent", "lat", "lon", "population", "names", "note")


def read_admin_regions(data_dir: Path | None = None) -> Iterator[dict[str, str]]:
    """Rows of ``admin_regions.tsv`` (columns ADMIN_COLUMNS; nothing if the table is absent)."""
    path = (data_dir or DATA_DIR) / ADMIN_REGIONS_TABLE
    if not path.exists():
        return
    for line_no, row in _table_rows(path, ADMIN_COLUMNS, 7):
        if not row["name"] or len(row["country"]) != 2:
            raise ValueError(f"{path.name}:{line_no}: a region needs a name and a two-letter country")
        _coordinate(path, line_no, row, "lat", 90.0)
        _coordinate(path, line_no, row, "lon", 180.0)
        if row["population"] and not row["population"].isdigit():
            raise ValueError(f"{path.name}:{line_no}: population '{row['population']}' is not a whole number")
        row.update(_file=path.name, _line=str(line_no))
        yield row


def read_alias_rows(data_dir: Path | None = None) -> Iterator[dict[str, str]]:
    """Rows of every ``*.tsv`` in the data directory (columns ALIAS_COLUMNS; '#' starts a comment)."""
    for path in _data_files(data_dir or DATA_DIR):
        with path.open(encoding="utf-8", newline="") as fh:
            for line_no, fields in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
                if not fields or not fields[0].strip() or fields[0].startswith("#"):
                    continue
                if line_no == 1 and fields[0] == "alias":
                    continue
                if len(fields) < 4:
                    raise ValueError(
                        f"{path.name}:{line_no}: expected {len(ALIAS_COLUMNS)} tab-separated fields"
                    )
                row = dict(itertools.zip_longest(ALIAS_COLUMNS, (f.strip() for f in fields), fillvalue=""))
                row.update(_file=path.name, _line=str(line_no))
                if row["kind"] not in PRECISION_BY_KIND:
                    raise ValueError(
                        f"{path.name}:{line_no}: unknown kind '{row['kind']}' "
                        f"(one of {', '.join(PRECISION_BY_KIND)})"
                    )
                for column in ("lat", "lon"):
                    try:
                        float(row[column] or 0)
                    except ValueError:
                        raise ValueError(
                            f"{path.name}:{line_no}: {column} '{row[column]}' is not a number"
                        ) from None
                yield row
