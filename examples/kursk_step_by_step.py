"""The Kursk map step by step, the way folium users build a map: load, geocode, add layers, save.

Run: ``python examples/kursk_step_by_step.py out/`` writes ``out/kursk.html`` and ``out/kursk.gpkg``.
In Jupyter, a ``GeoMap`` shows itself inline: end a cell with ``gmap``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geomap.geocode import resolve_dataset
from geomap.io import export, read_events
from geomap.layers import EventsLayer, OfflineBasemap, PlacesLayer, RoutesLayer
from geomap.plugins import load_layer
from geomap.render import GeoMap

HERE = Path(__file__).parent


def main(out_dir: str = ".") -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    # 1. Load the events file: every entry knows its file and line; nothing is dropped silently.
    dataset = read_events(HERE / "kursk" / "events.yaml")
    for problem in dataset.problems:
        print(problem, file=sys.stderr)

    # 2. Geocode with the offline gazetteer (any geopy geocoder may be passed instead).
    resolve_dataset(dataset)
    unplaced = [e.id for e in dataset.events if e.place is None]
    print(f"{len(dataset.events)} events ({len(unplaced)} without a place), {len(dataset.movements)} movements")

    # 3. The map, one layer at a time: built-in layers, then our own from examples/custom_layer.py.
    gmap = GeoMap(dataset, layers=[], title="North Korean troops sent to Russia, October 2024")
    gmap.add_layer(OfflineBasemap()).add_layer(PlacesLayer()).add_layer(RoutesLayer())
    gmap.add_layer(EventsLayer())
    front_line = load_layer(f"{HERE / 'custom_layer.py'}:FrontLine")
    gmap.add_layer(front_line)

    # 4. One offline HTML file, and the GIS layers (the front line becomes a table of its own).
    html = gmap.save(out / "kursk.html")
    gpkg = export(dataset, out / "kursk.gpkg", extra_layers=[front_line])
    print(f"wrote {html} and {', '.join(gpkg)}")
    return [Path(html), *map(Path, gpkg)]


if __name__ == "__main__":
    main(*sys.argv[1:2])
