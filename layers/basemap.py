"""The basemap: Natural Earth country outlines inlined in the page, online tiles only on request.

The outlines are always drawn, in a pane below the tile pane, so the map reads well with
no network at all; OpenStreetMap or CartoDB tiles can be switched on as base layers and
then cover them (offline they simply fail to load and the outlines stay visible).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import folium
from folium.map import CustomPane

from geomap.html import esc
from geomap.layer import Layer, RenderContext, draw_features

__all__ = ["OfflineBasemap", "TILES"]

# tile layer -> (label in the LayerControl, URL template, attribution)
TILES: dict[str, tuple[str, str, str]] = {
    "OpenStreetMap": (
        "OpenStreetMap (online)",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors",
    ),
    "CartoDB positron": (
        "CartoDB Positron (online)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap contributors &copy; CARTO",
    ),
}
_PANE = "geomapCountries"
_STYLE = {"color": "#9c968c", "weight": 0.8, "opacity": 1.0, "fillColor": "#f4f1ea", "fillOpacity": 1.0}
ATTRIBUTION = "Outlines: Natural Earth (public domain)"


class OfflineBasemap(Layer):
    """Country outlines (always on, no network) plus optional online tile base layers (off)."""

    name = "Country outlines (offline)"
    overlay = False
    class_name = "geomap-country"

    def __init__(self, tiles: Sequence[str] = tuple(TILES), name: str | None = None) -> None:
        super().__init__(name=name)
        unknown = [t for t in tiles if t not in TILES]
        if unknown:
            raise ValueError(f"unknown tile layer(s) {unknown}; choose from {list(TILES)}")
        self.tiles = list(tiles)

    def features(self, ctx: RenderContext) -> list[dict[str, Any]]:
        return [
            {"type": "Feature", "geometry": geometry, "properties": {"name": name}, "style": dict(_STYLE)}
            for name, geometry in _countries()
        ]

    def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
        CustomPane(_PANE, z_index=150, pointer_events=False).add_to(fmap)
        draw_features(
            fmap,
            self.features(ctx),
            class_name=self.class_name or "geomap-country",
            options={"pane": _PANE, "interactive": False, "attribution": ATTRIBUTION},
        )
        if self.tiles:
            # The outlines need no switch; the radio button "outlines only" is the no-tiles choice.
            folium.FeatureGroup(name=esc(self.name), overlay=False, show=True).add_to(fmap)
            for tiles in self.tiles:
                label, url, attribution = TILES[tiles]
                folium.TileLayer(
                    url, attr=attribution, name=esc(label), overlay=False, show=False, max_zoom=18
                ).add_to(fmap)

    def bounds(self, ctx: RenderContext) -> list[tuple[float, float]]:
        return []  # the world is not what the map should fit


@cache
def _countries() -> tuple[tuple[str, dict[str, Any]], ...]:
    path = resources.files("geomap") / "data" / "countries.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple((f["properties"].get("name") or "", f["geometry"]) for f in data["features"])
