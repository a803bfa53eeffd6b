"""Reading events files and exporting layers: one module per format, chosen by file extension.

``read_events`` gives a Dataset whose every Event/Movement knows its file and line, and whose
``problems`` list what was rejected and why; only failures of the whole file (missing, empty,
not UTF-8, not parseable) raise GeomapError. ``export`` writes GeoPackage, GeoJSON or ACLED CSV.
New formats register in READERS / WRITERS (GeoParquet is the next one expected).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from geomap.model import Dataset, GeomapError

from .acled_csv import read_acled_csv, write_acled_csv
from .frame import events_to_frame, frame_to_events, frame_to_movements, places_to_frame, routes_to_frame
from .geojson import LAYERS, read_geojson, write_geojson, write_geojson_layers
from .gpkg import read_gpkg, write_gpkg
from .validate import raise_if_problems
from .yaml_events import read_yaml

__all__ = [
    "read_events",
    "export",
    "export_geojson_layers",
    "events_to_frame",
    "frame_to_events",
    "frame_to_movements",
    "places_to_frame",
    "routes_to_frame",
    "READERS",
    "WRITERS",
    "LAYERS",
]

Reader = Callable[..., Dataset]
Writer = Callable[[Dataset, Path, Sequence[str]], list[str]]


def _not_yet(kind: str) -> Reader:
    def read(path: str | Path, *, where: str | None = None) -> Dataset:
        raise GeomapError(f"{where or path}: {kind} input is not supported yet (use .yaml, .csv or .geojson)")

    return read


# extension -> reader(path, *, where) -> Dataset
READERS: dict[str, Reader] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".csv": read_acled_csv,
    ".geojson": read_geojson,
    ".json": read_geojson,
    ".gpkg": read_gpkg,
    ".parquet": _not_yet("GeoParquet"),  # hook: geopandas.read_parquet + frame.events_from_frame
}


def _write_csv(dataset: Dataset, path: Path, layers: Sequence[str]) -> list[str]:
    return write_acled_csv(dataset, path)  # a CSV holds one table: the events


# extension -> writer(dataset, path, layers) -> paths written
WRITERS: dict[str, Writer] = {
    ".gpkg": write_gpkg,
    ".geojson": write_geojson,
    ".json": write_geojson,
    ".csv": _write_csv,
}


def _suffix(path: str | Path) -> str:
    return Path(path).suffix.casefold()


def read_events(path: str | Path, *, strict: bool = False) -> Dataset:
    """Read an events file by its extension; ``strict`` turns any problem into one GeomapError listing all."""
    where = str(path)
    reader = READERS.get(_suffix(path))
    if reader is None:
        raise GeomapError(
            f"{where}: unknown file type '{Path(path).suffix or '(none)'}'; "
            f"readable: {', '.join(sorted(READERS))}"
        )
    dataset = reader(path, where=where)
    if strict:
        raise_if_problems(where, dataset.problems)
    return dataset


def export(dataset: Dataset, path: str | Path, *, layers: Sequence[str] = LAYERS) -> list[str]:
    """Write the dataset by extension (.gpkg all layers, .geojson one FeatureCollection, .csv the events).

    Returns the paths written. Events without a place and routes with an unresolved stop are
    not written: the geocoder has already reported them.
    """
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise GeomapError(f"unknown layer(s) {', '.join(unknown)}; layers are: {', '.join(LAYERS)}")
    writer = WRITERS.get(_suffix(path))
    if writer is None:
        raise GeomapError(
            f"{path}: cannot export to '{Path(path).suffix or '(none)'}'; formats: {', '.join(sorted(WRITERS))}"
        )
    parent = Path(path).parent
    if not parent.is_dir():
        raise GeomapError(f"{path}: the directory {parent} does not exist")
    return writer(dataset, Path(path), tuple(layers))


def export_geojson_layers(
    dataset: Dataset, directory: str | Path, *, layers: Sequence[str] = LAYERS
) -> list[str]:
    """events.geojson, places.geojson and routes.geojson in ``directory`` (one geometry type each)."""
    return write_geojson_layers(dataset, directory, tuple(layers))
