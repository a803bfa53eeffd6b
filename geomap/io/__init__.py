"""Reading events files and exporting layers: one module per format, chosen by file extension.

``read_events`` gives a Dataset whose every Event/Movement knows its file and line, and whose
``problems`` list what was rejected and why; only failures of the whole file (missing, empty,
not UTF-8, not parseable) raise GeomapError. ``export`` writes a GeoPackage styled for QGIS,
GeoJSON (a file per layer), KML with time stamps, or ACLED CSV.
New formats register in READERS / WRITERS (GeoParquet is the next one expected).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.files import atomic_path, write_text_atomic
from geomap.model import Dataset, GeomapError

from .acled_csv import read_acled_csv, write_acled_csv
from .frame import events_to_frame, frame_to_events, frame_to_movements, places_to_frame, routes_to_frame
from .geojson import (
    LAYERS,
    read_geojson,
    split_paths,
    write_geojson,
    write_geojson_layers,
    write_geojson_split,
)
from .gpkg import read_gpkg, write_feature_layer, write_gpkg
from .kml import write_kml
from .validate import input_encoding, raise_if_problems
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
    "split_paths",
    "table_name",
]

if TYPE_CHECKING:
    from geomap.layer import Layer

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
    ".parquet": lambda path, *, where=None: _read_parquet(path),  # a corpus table (geomap.corpus.store)
}


def _read_parquet(path: str | Path) -> Dataset:
    from geomap.corpus.store import read_corpus_table

    return read_corpus_table(path)


def _write_csv(dataset: Dataset, path: Path, layers: Sequence[str]) -> list[str]:
    return write_acled_csv(dataset, path)  # a CSV holds one table: the events


# extension -> writer(dataset, path, layers) -> paths written
WRITERS: dict[str, Writer] = {
    ".gpkg": write_gpkg,
    ".geojson": write_geojson_split,  # kursk.geojson -> kursk.events.geojson, kursk.places.geojson, ...
    ".json": write_geojson,  # one FeatureCollection, features tagged with properties.layer
    ".csv": _write_csv,
    ".kml": write_kml,
}


def _suffix(path: str | Path) -> str:
    return Path(path).suffix.casefold()


def read_events(path: str | Path, *, strict: bool = False, encoding: str | None = None) -> Dataset:
    """Read an events file by its extension; ``strict`` turns any problem into one GeomapError listing all.

    ``encoding``: of a text file without a byte-order mark (default UTF-8; a BOM always wins)."""
    where = str(path)
    reader = READERS.get(_suffix(path))
    if reader is None:
        raise GeomapError(
            f"{where}: unknown file type '{Path(path).suffix or '(none)'}'; "
            f"readable: {', '.join(sorted(READERS))}"
        )
    with input_encoding(encoding):
        dataset = reader(path, where=where)
    if strict:
        raise_if_problems(where, dataset.problems)
    return dataset


def export(
    dataset: Dataset,
    path: str | Path,
    *,
    layers: Sequence[str] = LAYERS,
    extra_layers: Sequence[Layer] = (),
) -> list[str]:
    """Write the dataset by extension; returns the paths written.

    ``.gpkg``: one GeoPackage, a table per layer, styled for QGIS; ``.geojson``: one file per
    layer beside the name given (``kursk.events.geojson``, ...); ``.json``: one FeatureCollection
    of all layers; ``.kml``: KML with time stamps for Google Earth; ``.csv``: the events, ACLED columns.

    ``extra_layers`` (users' :class:`~geomap.layer.Layer` objects) add their ``features`` as a
    styled table each (.gpkg) or a file each (.geojson), named after the layer.
    Events without a place and routes with an unresolved stop are
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
    if extra_layers and _suffix(path) not in (".gpkg", ".geojson"):
        raise GeomapError(f"{path}: your own layers can be exported to .gpkg or .geojson, not {_suffix(path)}")
    if extra_layers and _suffix(path) == ".gpkg":  # one file: the user's tables join it before the rename
        with atomic_path(path) as tmp:
            writer(dataset, tmp, tuple(layers))
            _export_extra(dataset, tmp, extra_layers)
        return [str(path)]
    written = writer(dataset, Path(path), tuple(layers))
    if extra_layers:
        written += _export_extra(dataset, Path(path), extra_layers)
    return written


def table_name(layer: Layer, taken: Sequence[str] = ()) -> str:
    """A GIS table/file name for a user's layer: its name in lower case, letters, digits and '_'."""
    base = "_".join("".join(c if c.isalnum() else " " for c in layer.name.casefold()).split()) or "layer"
    if base[0].isdigit() or base in (*LAYERS, "layer_styles"):
        base = f"layer_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _export_extra(dataset: Dataset, path: Path, extra_layers: Sequence[Layer]) -> list[str]:
    from geomap.layer import RenderContext

    from .geojson import feature_collection_text

    ctx = RenderContext(dataset)
    written: list[str] = []
    taken: list[str] = []
    for layer in extra_layers:
        table = table_name(layer, taken)
        taken.append(table)
        features = [
            {"type": "Feature", "geometry": f["geometry"], "properties": f.get("properties") or {}}
            for f in layer.features(ctx)
        ]
        if not features:
            continue
        if _suffix(path) == ".gpkg":
            write_feature_layer(path, table, layer.features(ctx), title=layer.name)
        else:
            out = path.with_name(f"{path.stem}.{table}{path.suffix}")
            write_text_atomic(out, feature_collection_text(features))
            written.append(str(out))
    return written


def export_geojson_layers(
    dataset: Dataset, directory: str | Path, *, layers: Sequence[str] = LAYERS
) -> list[str]:
    """events.geojson, places.geojson and routes.geojson in ``directory`` (one geometry type each)."""
    return write_geojson_layers(dataset, directory, tuple(layers))
