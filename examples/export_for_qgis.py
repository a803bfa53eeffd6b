"""Export the Kursk example for QGIS and other GIS: GeoPackage, GeoJSON per layer, KML, CSV.

Run: ``python examples/export_for_qgis.py out/``, then drag ``out/kursk.gpkg`` into QGIS: the
events, places and routes layers open styled as on the HTML map, and the events layer is
ready for the Temporal Controller (View > Panels > Temporal Controller, then press play).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyogrio

from geomap.geocode import resolve_dataset
from geomap.io import export, read_events

HERE = Path(__file__).parent


def main(out_dir: str = ".") -> dict[str, list[str]]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dataset = read_events(HERE / "kursk" / "events.yaml")
    resolve_dataset(dataset)
    written = {
        "GeoPackage for QGIS (styled, time-aware)": export(dataset, out / "kursk.gpkg"),
        "GeoJSON, one file per layer": export(dataset, out / "kursk.geojson"),
        "KML for Google Earth (time slider)": export(dataset, out / "kursk.kml"),
        "CSV with ACLED's columns": export(dataset, out / "kursk.csv"),
    }
    for what, paths in written.items():
        print(what)
        for path in paths:
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            print(f"  {path}: {', '.join(layers)}")
    return written


if __name__ == "__main__":
    main(*sys.argv[1:2])
