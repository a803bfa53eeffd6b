"""Tens of thousands of events as one packed, clustered canvas layer (geomapCloud in geomap.js).

One SVG marker per event stops being usable at a few thousand, and one GeoJSON feature per
event with its popup is megabytes of repeated HTML. Here events become columns (delta-encoded
coordinates in 1e-5 degrees, first day and span, kind) and popups become lists of indices
into a table of distinct, already-escaped HTML pieces (a popup is cut after each table row
and paragraph, so the same date, actor or quote is stored once; the i-th piece of every
popup forms one column, -1 where a popup has fewer pieces). The JSON is gzip'd
(deterministically: no timestamp) and written as base64; the browser unpacks it with its
DecompressionStream and clusters on a screen grid for the current view and time.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from branca.element import Figure, MacroElement

from geomap.html import script_json
from geomap.layer import RawHTML, add_own_assets

__all__ = ["CloudPoint", "CloudData", "pack_cloud", "split_html"]

# A popup is cut after these tags; each piece is stored once however many popups share it.
_CUTS = ("</tr>", "</h4>", "</p>", "</blockquote>", '<table class="geomap-table">')

CloudPoint = tuple[float, float, "list[int] | None", int, str, "Sequence[str]"]
"""(lat, lon, time span or None, kind index, popup HTML, tooltip HTML in pieces); HTML escaped.

A tooltip comes in pieces (say the kind and actor, the place, the date) so that each piece
is stored once: whole tooltips are nearly all different."""


def split_html(html: str) -> list[str]:
    """Pieces of escaped HTML that join back to exactly ``html``.

    NUL marks the cuts: :func:`geomap.html.esc` never lets one through from input text.
    """
    for cut in _CUTS:
        html = html.replace(cut, cut + "\0")
    return [piece for piece in html.split("\0") if piece]


def pack_cloud(points: Sequence[CloudPoint], kinds: Sequence[dict[str, str]]) -> str:
    """The base64 of the gzip'd JSON columns that geomapCloud reads."""
    ordered = sorted(points, key=lambda p: (round(p[0], 5), round(p[1], 5), p[2] or [-(10**9)]))
    # Events at one spot, then by time, sit together: the deltas are zeros and small numbers,
    # and the same place's popup pieces repeat, which is what gzip compresses best.
    popup_pieces = [split_html(p[4]) for p in ordered]
    tip_pieces = [list(p[5]) for p in ordered]
    counts = Counter(piece for pieces in (*popup_pieces, *tip_pieces) for piece in pieces)
    # the most used pieces get the shortest numbers (ties in first-seen order: deterministic)
    table = [piece for piece, _ in counts.most_common()]
    index = {piece: i for i, piece in enumerate(table)}

    lat: list[int] = []
    lon: list[int] = []
    t0: list[int | None] = []
    span: list[int] = []
    kind: list[int] = []
    last_lat = last_lon = last_day = 0
    for y, x, time, k, _, _ in ordered:
        qy, qx = round(y * 1e5), round(x * 1e5)
        lat.append(qy - last_lat)
        lon.append(qx - last_lon)
        last_lat, last_lon = qy, qx
        if time is None:
            t0.append(None)
            span.append(0)
        else:
            t0.append(time[0] - last_day)
            span.append(time[1] - time[0])
            last_day = time[0]
        kind.append(k)

    def columns(rows: list[list[str]]) -> list[list[int]]:
        width = max((len(r) for r in rows), default=0)
        return [[index[r[j]] if j < len(r) else -1 for r in rows] for j in range(width)]

    payload = {
        "lat": lat,
        "lon": lon,
        "t0": t0,
        "dt": span,
        "k": kind,
        "p": columns(popup_pieces),
        "q": columns(tip_pieces),
        "s": table,
        "kinds": list(kinds),
    }
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


class CloudData(MacroElement):
    """The packed events and the ``geomapCloud`` call that draws them, added to a FeatureGroup."""

    def __init__(self, packed: str, time: list[int] | None, options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._name = "CloudData"
        self.packed = packed
        self.options = {**(options or {}), **({"time": time} if time else {})}

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("CloudData must be added to a folium map (or a layer on one) before rendering")
        add_own_assets(figure)
        script = (
            f'var {self.get_name()} = geomapCloud(\n"{self.packed}",\n{script_json(self.options)}\n)'
            f".addTo({self._parent.get_name()});\n"
        )
        figure.script.add_child(RawHTML(script), name=self.get_name())
