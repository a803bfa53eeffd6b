"""Every resolved place once, as a small ring at its exact position."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import folium

from geomap.html import esc
from geomap.layer import Layer, LegendEntry, RenderContext, point_feature
from geomap.model import Place

from .cloud import CloudData, pack_cloud
from .popups import popup_html, resolved_html

__all__ = ["PlacesLayer"]

_STYLE = {"radius": 4.5, "color": "#222222", "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1.0}


@dataclass
class _PlaceUse:
    place: Place
    written: list[str] = field(default_factory=list)
    events: set[int] = field(default_factory=set)  # id() of the events and movements, to count each once
    movements: set[int] = field(default_factory=set)


CLUSTER_ABOVE = 2000  # more places than this are drawn clustered on a canvas, off at first


class PlacesLayer(Layer):
    """Places of events and of movement stops, each once, with how it was written and used.

    With more than ``CLUSTER_ABOVE`` places (or ``cluster=True``) they become one clustered
    canvas layer (see :mod:`geomap.layers.cloud`), switched off until chosen: every event's
    popup already says where it was placed.
    """

    name = "Places"
    class_name = "geomap-place"

    def __init__(self, name: str | None = None, show: bool | None = None, cluster: bool | None = None) -> None:
        super().__init__(name=name, show=show)
        self.cluster = cluster

    def add_to(self, fmap: folium.Map, ctx: RenderContext) -> None:
        features = self.features(ctx)
        clustered = self.cluster if self.cluster is not None else len(features) > CLUSTER_ABOVE
        if not clustered:
            super().add_to(fmap, ctx)
            return
        points = []
        for f in features:
            lon, lat = f["geometry"]["coordinates"]
            props = f["properties"]
            tip = (esc(props["name"]), esc(f" ({props['events']} events)"))
            points.append((lat, lon, None, 0, self.popup(f, ctx), tip))
        if not points:
            return
        show = self.show if "show" in vars(self) else False
        group = self.feature_group(name=f"{self.name} ({len(points):,}, clustered)", show=show)
        kinds = [{"colour": "#222222", "label": "place"}]
        group.add_child(CloudData(pack_cloud(points, kinds), None, {"colour": "#444444"}))
        group.add_to(fmap)

    def _uses(self, ctx: RenderContext) -> list[_PlaceUse]:
        uses: dict[tuple[str, float, float], _PlaceUse] = {}

        def note(place: Place | None, written: str) -> _PlaceUse | None:
            if place is None:
                return None
            use = uses.setdefault(ctx.place_key(place), _PlaceUse(place))
            if written and written not in use.written:
                use.written.append(written)
            return use

        for event in ctx.dataset.events:
            if use := note(event.place, event.location):
                use.events.add(id(event))
        for movement in ctx.dataset.movements:
            for leg in movement.legs:
                for place, written in (
                    (leg.origin_place, leg.origin),
                    (leg.destination_place, leg.destination),
                ):
                    if use := note(place, written):
                        use.movements.add(id(movement))
        return list(uses.values())

    def features(self, ctx: RenderContext) -> list[dict[str, Any]]:
        out = []
        for use in self._uses(ctx):
            p = use.place
            props = {
                "name": p.name,
                "as_written": " | ".join(use.written),
                "country_code": p.country_code,
                "kind": str(p.kind),
                "geo_precision": p.geo_precision,
                "geocoder": p.source,
                "geonameid": p.geonameid,
                "events": len(use.events),
                "movements": len(use.movements),
            }
            out.append(point_feature(p.lat, p.lon, props, dict(_STYLE)))
        return out

    def popup(self, feature: dict[str, Any], ctx: RenderContext) -> str:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        place = Place(
            name=props["name"],
            lat=lat,
            lon=lon,
            country_code=props["country_code"],
            kind=props["kind"],
            geo_precision=props["geo_precision"],
        )
        rows = [
            ("As written", esc(props["as_written"])),
            ("Resolved to", resolved_html(place)),
            ("Geocoder", esc(props["geocoder"])),
            ("Events", esc(props["events"])),
            ("Movements", esc(props["movements"])),
        ]
        return popup_html(props["name"], rows)

    def tooltip(self, feature: dict[str, Any], ctx: RenderContext) -> str:
        props = feature["properties"]
        return esc(f"{props['name']} ({props['events']} events)")

    def legend(self, ctx: RenderContext | None = None) -> list[LegendEntry]:
        return [LegendEntry("place (exact position)", "#222222", "ring")]
