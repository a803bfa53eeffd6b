"""A layer of your own, as a user writes one: the front line of the Kursk salient as a polygon.

A layer is a subclass of :class:`geomap.layer.Layer` with a ``name`` and a ``features(ctx)``
method returning GeoJSON-like features with a Leaflet ``style``. The same features are drawn on
the HTML map and written to the GeoPackage (a table of their own, styled for QGIS).

Use it from the command line::

    geomap render examples/kursk/events.yaml --layer examples/custom_layer.py:FrontLine -o map.html
    geomap export examples/kursk/events.yaml --layer examples/custom_layer.py:FrontLine -o kursk.gpkg

or run this file: ``python examples/custom_layer.py out/frontline.html``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from geomap.layer import Layer, LegendEntry, RenderContext

# The Ukrainian-held salient around Sudzha, autumn 2024: a rough outline for illustration,
# (latitude, longitude) clockwise from the north-west.
SALIENT = [
    (51.42, 35.02),
    (51.46, 35.23),
    (51.38, 35.47),
    (51.24, 35.52),
    (51.13, 35.38),
    (51.12, 35.10),
    (51.25, 34.95),
]


class FrontLine(Layer):
    """The front line as a filled polygon, drawn dashed like a line the sources report."""

    name = "Front line (approximate, Nov 2024)"

    def __init__(self, points: list[tuple[float, float]] | None = None, as_of: str = "2024-11-01") -> None:
        super().__init__()
        self.points = points or SALIENT
        self.as_of = as_of

    def features(self, ctx: RenderContext) -> list[dict[str, Any]]:
        ring = [[lon, lat] for lat, lon in self.points]
        ring.append(ring[0])  # GeoJSON rings are closed
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"name": "Kursk salient", "as_of": self.as_of, "accuracy": "approximate"},
                "style": {
                    "color": "#1c7ed6",
                    "weight": 2.5,
                    "dashArray": "6 4",
                    "fillColor": "#74c0fc",
                    "fillOpacity": 0.3,
                },
            }
        ]

    def legend(self, ctx: RenderContext | None = None) -> list[LegendEntry]:
        return [LegendEntry("front line (approximate)", "#1c7ed6", "dashed")]


def main(out: str = "frontline.html") -> Path:
    """The Kursk example with the front line on top, saved as one HTML file."""
    from geomap.geocode import resolve_dataset
    from geomap.io import read_events
    from geomap.render import build_map

    dataset = read_events(Path(__file__).parent / "kursk" / "events.yaml")
    resolve_dataset(dataset)
    gmap = build_map(dataset, title="North Korean troops and the Kursk front")
    gmap.add_layer(FrontLine())
    return gmap.save(out)


if __name__ == "__main__":
    print(main(*sys.argv[1:2]))
