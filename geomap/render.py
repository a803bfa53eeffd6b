"""The map builder: layers on a folium map, rendered to one self-contained, deterministic HTML file.

folium writes ``<script src>``/``<link href>`` tags pointing at CDNs. After rendering, the
tags in ``<head>`` are rewritten from a fixed table: Leaflet and jQuery are inlined from
``geomap/assets`` (with Leaflet's images as data: URIs), Bootstrap, Font Awesome and
awesome-markers are dropped (no geomap layer uses them), and any other http(s) asset is an
error rather than a silent network request (``cdn=True`` points the tags at the same files
on jsDelivr, with integrity hashes, instead). Element ids, random in branca, come from a
counter while a map is built and rendered, so the same input gives the same bytes. After
the layers come the title, legend and sources panels and one time slider for every dated
feature (geomap/assets/geomap.js).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from geomap.html import esc, link
from geomap.layer import Layer, RawHTML, RenderContext, legend_of
from geomap.model import Dataset, GeomapError

__all__ = [
    "GeoMap",
    "build_map",
    "default_layers",
    "default_elements",
    "MapElement",
    "TitlePanel",
    "LegendPanel",
    "SourcesPanel",
    "TimeSlider",
    "inline_assets",
    "CDN_ASSETS",
    "CDN_DROPPED",
    "CDN_URLS",
    "ONLY_WHEN_USED",
    "OFFLINE_ASSETS",
    "add_offline_asset",
]

# CDN URL folium 0.20 writes -> file in geomap/assets inlined instead (scripts/vendor_assets.py).
CDN_ASSETS: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": "jquery/jquery.min.js",
    # folium's MarkerCluster / FastMarkerCluster (1.1.0 on cdnjs) get the vendored 1.5.3
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/MarkerCluster.Default.css"
    ),
    # every folium.Map asks for awesome-markers (folium.Icon); 2.0.2 on cdnjs, 2.0.5 vendored
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet.awesome-markers/leaflet.awesome-markers.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet.awesome-markers/leaflet.awesome-markers.css"
    ),
    # folium.plugins.HeatMap: folium's own copy, from the installed wheel
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
        "leaflet.heat/leaflet_heat.min.js"
    ),
}
# Vendored files folium puts in every page but few pages use: inlined only when the page's
# body contains the word (otherwise every map would carry awesome-markers' 300 kB of images).
ONLY_WHEN_USED: dict[str, str] = {
    "leaflet.awesome-markers/leaflet.awesome-markers.min.js": "L.AwesomeMarkers",
    "leaflet.awesome-markers/leaflet.awesome-markers.css": "L.AwesomeMarkers",
}
# With ``cdn=True``: vendored file -> the same file of the same npm release on jsDelivr, loaded
# with Subresource Integrity computed from our copy (so a changed CDN file is refused). Files
# with no npm release (folium's Leaflet.heat) stay inlined: no CDN copy is known to match.
CDN_URLS: dict[str, str] = {
    "leaflet/leaflet.js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
    "leaflet/leaflet.css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css",
    "jquery/jquery.min.js": "https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js",
    "leaflet.markercluster/leaflet.markercluster.js": (
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js"
    ),
    "leaflet.markercluster/MarkerCluster.css": (
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css"
    ),
    "leaflet.markercluster/MarkerCluster.Default.css": (
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css"
    ),
    "leaflet.awesome-markers/leaflet.awesome-markers.min.js": (
        "https://cdn.jsdelivr.net/npm/leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.min.js"
    ),
    "leaflet.awesome-markers/leaflet.awesome-markers.css": (
        "https://cdn.jsdelivr.net/npm/leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.css"
    ),
}
# CDN assets folium adds to every map that only style icon glyphs (Bootstrap, glyphicons, Font
# Awesome; folium's rotate CSS is not in its wheel): removed, so a folium.Icon draws its marker
# without the glyph. Bootstrap's script is used by no folium element.
CDN_DROPPED: frozenset[str] = frozenset(
    {
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
    }
)
# Local copies of assets geomap does not vendor, given by the user (add_offline_asset).
OFFLINE_ASSETS: dict[str, Path] = {}
# A file folium asks for from its own GitHub repository: inlined from the installed folium.
_FOLIUM_TEMPLATE = re.compile(
    r"^https://cdn\.jsdelivr\.net/gh/python-visualization/folium(?:@[\w.-]+)?/folium/templates/([\w.-]+\.(?:js|css))$"
)
_TAG = re.compile(
    r'<script\b[^>]*\bsrc="(?P<js>[^"]+)"[^>]*>\s*</script>|<link\b[^>]*\bhref="(?P<css>[^"]+)"[^>]*>',
    re.IGNORECASE,
)
_ID_LOCK = threading.RLock()


def default_layers(animate_routes: bool = False, route_labels: bool = True) -> list[Layer]:
    """The layers of a map when none are given: basemap, places, routes, events (bottom to top)."""
    from geomap.layers import EventsLayer, OfflineBasemap, PlacesLayer, RoutesLayer

    return [OfflineBasemap(), PlacesLayer(), RoutesLayer(labels=route_labels, animate=animate_routes), EventsLayer()]


def build_map(
    dataset: Dataset,
    layers: Sequence[Layer] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    cdn: bool = False,
) -> GeoMap:
    """A map of a resolved dataset; ``layers`` default to :func:`default_layers`.

    ``cdn=True`` loads Leaflet and the plugins from jsDelivr (pinned, with integrity hashes)
    instead of inlining them: a smaller file that needs the network to open.
    """
    return GeoMap(dataset, layers=layers, title=title, subtitle=subtitle, cdn=cdn)


class GeoMap:
    """A folium map with geomap's layers, panels and offline assets.

    ``folium_map`` is the underlying :class:`folium.Map`, built on first use; any folium object
    or plugin added to it works offline (its assets are inlined, see :func:`inline_assets`)
    and is kept when ``add_layer`` rebuilds the map (give such objects ids yourself if you
    need byte-identical output). The HTML is cached until the map changes. ``elements``
    are the page around the layers (title, legend, sources, time slider): see
    :meth:`without` and :meth:`replace`.
    """

    def __init__(
        self,
        dataset: Dataset,
        layers: Sequence[Layer] | None = None,
        title: str | None = None,
        subtitle: str | None = None,
        step_km: float = 50.0,
        cdn: bool = False,
        elements: Sequence[MapElement] | None = None,
    ) -> None:
        self.dataset = dataset
        self.cdn = cdn
        self.layers: list[Layer] = list(default_layers() if layers is None else layers)
        self.title = title or dataset.title or "geomap"
        self.subtitle = subtitle
        self.step_km = step_km
        self._fmap: folium.Map | None = None
        self._ctx: RenderContext | None = None
        self._ids: Iterator[int] = itertools.count(1)
        self._html: str | None = None
        self._html_key: object = None
        self._finished: list[tuple[Element, str, Element]] = []
        self._built_keys: set[str] = set()
        self.elements: list[MapElement] = list(default_elements() if elements is None else elements)

    @property
    def folium_map(self) -> folium.Map:
        if self._fmap is None:
            self._build()
        assert self._fmap is not None
        return self._fmap

    def add_layer(self, layer: Layer) -> GeoMap:
        """Add a layer above the others; returns the map, so calls can be chained."""
        self.layers.append(layer)
        if self._html is not None and self._fmap is not None:
            # Rebuilt, so that the page is the one a fresh map with these layers gives; folium
            # objects the user put on the map itself are carried over, above the layers.
            finished = {key for parent, key, _ in self._finished if parent is self._fmap}
            kept = [
                (key, child)
                for key, child in self._fmap._children.items()
                if key not in self._built_keys and key not in finished
            ]
            self._html = None
            self._finished = []
            self._build()
            assert self._fmap is not None
            for key, child in kept:
                self._fmap.add_child(child, name=key)
        elif self._fmap is not None:
            assert self._ctx is not None
            with _counted_ids(self._ids):
                layer.add_to(self._fmap, self._ctx)
            self._built_keys = set(self._fmap._children)
        return self

    def to_html(self) -> str:
        """The whole map as one HTML document that makes no network request.

        Cached until something changes: a layer added, or any folium object added to
        ``folium_map`` (anywhere in its tree), or the page elements changed.
        """
        fmap = self.folium_map
        assert self._ctx is not None
        if self._html is None or self._page_key(fmap) != self._html_key:
            with _counted_ids(self._ids):
                self._finish(fmap, self._ctx)
                html = fmap.get_root().render()
            self._html = inline_assets(html, cdn=self.cdn)
            self._html_key = self._page_key(fmap)
        return self._html

    def _page_key(self, fmap: folium.Map) -> tuple[object, ...]:
        """What the page is made of, taken after a render: differs once anything is added."""
        root = fmap.get_root()
        parts = (root.header, root.html, root.script)
        return (_tree_key(fmap), *(tuple(p._children) for p in parts), *map(id, self.elements), self.title)

    def element(self, name: str) -> MapElement:
        """The page element called ``name`` ("title", "legend", "sources", "time slider")."""
        for e in self.elements:
            if e.name == name:
                return e
        raise KeyError(f"no page element {name!r}; there are {', '.join(e.name for e in self.elements)}")

    def without(self, *names: str) -> GeoMap:
        """Turn page elements off by name (``gmap.without("legend", "time slider")``)."""
        known = {e.name for e in self.elements}
        missing = [n for n in names if n not in known]
        if missing:
            raise KeyError(f"no page element {', '.join(map(repr, missing))}; there are {', '.join(sorted(known))}")
        self.elements = [e for e in self.elements if e.name not in names]
        return self

    def replace(self, name: str, element: MapElement) -> GeoMap:
        """Put ``element`` where the page element ``name`` was."""
        old = self.element(name)
        self.elements = [element if e is old else e for e in self.elements]
        return self

    def save(self, path: str | Path) -> Path:
        """Write the HTML (UTF-8) and return its path."""
        from geomap.files import write_text_atomic

        return write_text_atomic(path, self.to_html())

    def _repr_html_(self) -> str:
        """Jupyter: the map in an iframe (srcdoc), as folium shows its maps."""
        doc = esc(self.to_html())  # character references are decoded inside the attribute
        return (
            '<div style="width:100%;height:520px;">'
            f'<iframe srcdoc="{doc}" style="width:100%;height:100%;border:none;" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe></div>'
        )

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self._ids = itertools.count(1)
        self._ctx = RenderContext(self.dataset, step_km=self.step_km)
        with _counted_ids(self._ids):
            fmap = folium.Map(
                location=None,
                tiles=None,
                control_scale=True,
                prefer_canvas=False,
                maxZoom=18,
                minZoom=1,
                worldCopyJump=False,
            )
            for layer in self.layers:
                layer.add_to(fmap, self._ctx)
        self._fmap = fmap
        self._built_keys = set(fmap._children)  # the rest was added by the user

    def _finish(self, fmap: folium.Map, ctx: RenderContext) -> None:
        """Page elements, fit-to-bounds and the LayerControl (which must come last).

        Run before every render: what the last run added (and the scripts it rendered) is
        taken out first, so the LayerControl stays last and sees every layer added since.
        """
        root = fmap.get_root()
        parents = (fmap, root.header, root.html)
        for parent, key, child in self._finished:
            parent._children.pop(key, None)
            for name in _rendered_names(child):
                for part in (root.header, root.html, root.script):
                    part._children.pop(name, None)
        before = [set(parent._children) for parent in parents]
        root.header.add_child(RawHTML(f"<title>{esc(self.title)}</title>"), name="geomap_title_tag")
        for element in self.elements:
            element.add_to(fmap, self, ctx)
        points = [p for layer in self.layers for p in layer.bounds(ctx)]
        if points:
            lats = [p[0] for p in points]
            lons = [p[1] for p in points]
            bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
            _FitView([[round(v, 5) for v in corner] for corner in bounds]).add_to(fmap)
        _Finish(slider=any(isinstance(e, TimeSlider) for e in self.elements)).add_to(fmap)
        folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
        self._finished = [
            (parent, key, child)
            for parent, old in zip(parents, before, strict=True)
            for key, child in parent._children.items()
            if key not in old
        ]


def _rendered_names(element: Element) -> list[str]:
    """Names under which rendering ``element`` put its parts into the page (branca's rule)."""
    names = [element.get_name()]
    for child in element._children.values():
        names.extend(_rendered_names(child))
    return names


def _tree_key(element: Element) -> tuple[object, ...]:
    """Identity of everything in a folium tree: changes when anything is added or removed."""
    return (id(element), tuple(_tree_key(c) for c in element._children.values()))


class MapElement:
    """A piece of the page around the layers: title, legend, sources panel, time slider.

    ``GeoMap.elements`` lists them; a user turns one off (``gmap.without("legend")``) or puts
    their own in its place (``gmap.replace("legend", MyLegend())``), as with layers.
    Subclasses set ``name`` and add their HTML in ``add_to`` (see :meth:`panel`).
    """

    name = "element"

    def add_to(self, fmap: folium.Map, gmap: GeoMap, ctx: RenderContext) -> None:
        """Add this element to the map's page (called at every render)."""
        html = self.html(gmap, ctx)
        if html:
            fmap.get_root().html.add_child(RawHTML(html), name=f"geomap_el_{self.name}")

    def html(self, gmap: GeoMap, ctx: RenderContext) -> str:
        """The element's markup (empty for nothing); escape everything from input."""
        return ""


class TitlePanel(MapElement):
    """The title, subtitle and the count of what is (and is not) on the map."""

    name = "title"

    def html(self, gmap: GeoMap, ctx: RenderContext) -> str:
        n_events = len(ctx.placed_events)
        n_moves = sum(1 for m in gmap.dataset.movements if ctx.path(m) is not None)
        summary = (
            f"{n_events} event{'s' * (n_events != 1)}, {n_moves} movement{'s' * (n_moves != 1)} on the map"
        )
        parts = [f'<div class="geomap-panel geomap-title"><h1>{esc(gmap.title)}</h1>']
        if gmap.subtitle:
            parts.append(f'<p class="geomap-subtitle">{esc(gmap.subtitle)}</p>')
        parts.append(f'<p class="geomap-summary">{esc(summary)}')
        for what, ids in ctx.skipped.items():
            shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
            parts.append(f"<br>Not on the map: {esc(what)}: {len(ids)} ({esc(shown)})")
        parts.append("</p></div>")
        return "".join(parts)


class LegendPanel(MapElement):
    """One section per layer that has legend entries."""

    name = "legend"

    def html(self, gmap: GeoMap, ctx: RenderContext) -> str:
        from geomap.layers.symbols import symbol_svg

        sections = []
        for layer in gmap.layers:
            entries = legend_of(layer, ctx)
            if not entries:
                continue
            items = "".join(
                f'<li><span class="geomap-swatch">{symbol_svg(e.symbol, e.colour, 16)}</span>{esc(e.label)}</li>'
                for e in entries
            )
            sections.append(f"<h5>{esc(layer.name)}</h5><ul>{items}</ul>")
        if not sections:
            return ""
        return (
            '<div class="geomap-panel geomap-legend"><details open><summary>Legend</summary>'
            + "".join(sections)
            + "</details></div>"
        )


class SourcesPanel(MapElement):
    """Every source of the dataset, once, as links."""

    name = "sources"

    def html(self, gmap: GeoMap, ctx: RenderContext) -> str:
        sources = gmap.dataset.all_sources()
        if not sources:
            return ""
        items = "".join(f"<li>{link(s.url, s.label())}</li>" for s in sources)
        return (
            '<div class="geomap-panel geomap-sources"><details open>'
            f"<summary>Sources ({len(sources)})</summary><ol>{items}</ol></details></div>"
        )


class TimeSlider(MapElement):
    """The one time slider for every layer with dated features (drawn by geomap.js)."""

    name = "time slider"

    def add_to(self, fmap: folium.Map, gmap: GeoMap, ctx: RenderContext) -> None:
        pass  # geomap.js builds it when _Finish says so; nothing to add to the page


def default_elements() -> list[MapElement]:
    """The page elements of a map when none are given."""
    return [TitlePanel(), LegendPanel(), SourcesPanel(), TimeSlider()]


class _FitView(MacroElement):
    """fitBounds without animation: the map opens on its data at once (and screenshots agree)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds(
                {{ this.bounds|tojson }},
                {"padding": [40, 40], "maxZoom": 8, "animate": false}
            );
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds


class _Finish(MacroElement):
    """Label decluttering and (unless turned off) the time slider, once every layer is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (typeof geomapFinish === "function") {
                geomapFinish({{ this._parent.get_name() }}, {{ this.slider|tojson }});
            }
        {% endmacro %}
        """
    )

    def __init__(self, slider: bool = True) -> None:
        super().__init__()
        self._name = "TimeSlider"
        self.slider = slider


@contextmanager
def _counted_ids(counter: Iterator[int]) -> Iterator[None]:
    """Give branca elements ids from ``counter`` instead of random ones (process-wide, so locked)."""
    with _ID_LOCK:
        original = Element.__dict__["_generate_id"]
        Element._generate_id = classmethod(lambda cls: f"{next(counter):06d}")  # type: ignore[method-assign, assignment]
        try:
            yield
        finally:
            Element._generate_id = original  # type: ignore[method-assign]


def inline_assets(html: str, cdn: bool = False) -> str:
    """Replace the CDN tags in ``<head>`` with inlined vendored files; unknown http(s) assets fail.

    With ``cdn`` the tags point at :data:`CDN_URLS` instead (same files, integrity-checked),
    and assets geomap has not vendored are left to load from where folium says.
    """
    head_end = html.find("</head>")
    head, rest = (html[:head_end], html[head_end:]) if head_end >= 0 else (html, "")
    unknown: list[str] = []
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        url = match.group("js") or match.group("css")
        name = CDN_ASSETS.get(url)
        if name is not None:
            word = ONLY_WHEN_USED.get(name)
            if name in done or (word is not None and word not in rest):
                return ""
            done.add(name)
            return _cdn_tag(name) if cdn and name in CDN_URLS else _inlined(name)
        if url in CDN_DROPPED:
            return ""
        local = _local_copy(url)
        if local is not None:
            return local
        if url.startswith(("http:", "https:", "//")) and not cdn:
            unknown.append(url)
        return match.group(0)

    head = _TAG.sub(replace, head)
    if unknown:
        raise GeomapError(
            "the map would load these assets from the network: "
            + ", ".join(unknown)
            + "; geomap has no offline copy of them: render with cdn=True to load them, or give a "
            "local copy of each with geomap.render.add_offline_asset(url, path)"
        )
    return head + rest


@cache
def _cdn_tag(name: str) -> str:
    """A ``<script src>``/``<link>`` of the CDN copy of a vendored file, with its SRI hash."""
    data = (resources.files("geomap") / "assets" / name).read_bytes()
    sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    url = CDN_URLS[name]
    if name.endswith(".css"):
        return f'<link rel="stylesheet" href="{url}" integrity="{sri}" crossorigin="anonymous"/>'
    return f'<script src="{url}" integrity="{sri}" crossorigin="anonymous"></script>'


@cache
def _inlined(name: str) -> str:
    """The ``<script>``/``<style>`` element holding a vendored file."""
    base = resources.files("geomap") / "assets"
    element = _element_of((base / name).read_text(encoding="utf-8"), name, base / name.rsplit("/", 1)[0])
    if name == "leaflet/leaflet.js":
        element = element.replace("\n</script>", "\n" + _default_icon_js() + "\n</script>")
    return element


def _element_of(text: str, name: str, folder: Any) -> str:
    """A JS or CSS file as an inline element; the CSS's relative images become data: URIs."""
    text = re.sub(r"^\s*//# sourceMappingURL=\S+\s*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"/\*# sourceMappingURL=\S+ \*/", "", text)
    if name.endswith(".css"):

        def data_uri(m: re.Match[str]) -> str:
            data = (folder / m.group(1)).read_bytes()
            return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

        text = re.sub(r"url\(['\"]?(images/[\w.@-]+\.png)['\"]?\)", data_uri, text)
        if "</style" in text.lower():
            raise GeomapError(f"{name} contains '</style' and cannot be inlined")
        return "<style>\n" + text + "\n</style>"
    text = re.sub("</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return "<script>\n" + text + "\n</script>"


def add_offline_asset(url: str, path: str | Path) -> None:
    """Inline the local file ``path`` wherever a folium element asks for ``url``.

    For a plugin geomap has not vendored: download its file once, and maps that use it open
    offline again (``cdn=True`` is the other way out).
    """
    path = Path(path)
    if not path.is_file():
        raise GeomapError(f"{path}: no such file (the offline copy of {url})")
    if not path.name.endswith((".js", ".css")):
        raise GeomapError(f"{path}: an offline asset is a .js or .css file")
    OFFLINE_ASSETS[url] = path


def _local_copy(url: str) -> str | None:
    """The inline element of an asset a user gave (add_offline_asset) or folium's wheel carries."""
    path = OFFLINE_ASSETS.get(url)
    if path is None:
        m = _FOLIUM_TEMPLATE.match(url)
        if m is None:
            return None
        path = Path(folium.__file__).parent / "templates" / m.group(1)
        if not path.is_file():
            return None
    return _element_of(path.read_text(encoding="utf-8"), str(path), path.parent)


def _default_icon_js() -> str:
    """Leaflet guesses its default marker's URL from the CSS; with data: URIs it must be told."""
    images = resources.files("geomap") / "assets" / "leaflet" / "images"

    def uri(name: str) -> str:
        return "data:image/png;base64," + base64.b64encode((images / name).read_bytes()).decode()

    return (
        'L.Icon.Default.imagePath = "";\n'
        f'L.Icon.Default.mergeOptions({{iconUrl: "{uri("marker-icon.png")}", '
        f'iconRetinaUrl: "{uri("marker-icon-2x.png")}", shadowUrl: "{uri("marker-shadow.png")}"}});'
    )
