"""Loading users' layers: from a Python file (``my_layers.py:FrontLine``), a module
(``package.module:Class``) or the ``geomap.layers`` entry-point group (``events``).

Whatever goes wrong is reported as a :class:`LayerError` naming the file and the problem (the
file is missing, raises on import, lacks the class, the class is not a Layer, needs arguments,
or its features are malformed), never as a traceback: a user's layer is code geomap did not
write, and ``geomap render --keep-going`` must be able to leave it out and draw the rest.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import math
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from geomap.layer import Layer, RenderContext
from geomap.model import Dataset, GeomapError

__all__ = [
    "ENTRY_POINT_GROUP",
    "LayerError",
    "LayerInfo",
    "load_layer_class",
    "load_layer",
    "available_layers",
    "check_features",
    "check_layer",
]

ENTRY_POINT_GROUP = "geomap.layers"
_GEOMETRIES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


class LayerError(GeomapError):
    """A user's layer could not be loaded or drawn; the message names the file and the problem."""


@dataclass(frozen=True)
class LayerInfo:
    """A layer geomap can load by name: from the ``geomap.layers`` entry points."""

    name: str
    target: str  # module:Class
    distribution: str | None
    summary: str  # first line of the class docstring, or why it cannot be loaded


def _entry_points() -> list[EntryPoint]:
    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def available_layers() -> list[LayerInfo]:
    """Every layer of the ``geomap.layers`` entry-point group (built-in and third-party), by name."""
    out = []
    for ep in _entry_points():
        try:
            cls = _checked_class(ep.load(), f"entry point '{ep.name}' ({ep.value})", ep.value)
            summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        except LayerError as exc:
            summary = f"cannot load: {exc}"
        except Exception as exc:  # a third-party package that fails to import
            summary = f"cannot load: {type(exc).__name__}: {exc}"
        dist = ep.dist.name if getattr(ep, "dist", None) is not None else None  # type: ignore[union-attr]
        out.append(LayerInfo(ep.name, ep.value, dist, summary))
    return out


def _checked_class(obj: Any, where: str, name: str) -> type[Layer]:
    if not isinstance(obj, type):
        raise LayerError(f"{where}: '{name}' is a {type(obj).__name__}, not a class (a subclass of geomap.layer.Layer)")
    if not issubclass(obj, Layer):
        raise LayerError(f"{where}: class '{obj.__name__}' is not a Layer (subclass geomap.layer.Layer)")
    return obj


def _import_file(path: Path) -> Any:
    """Import a .py file as a module of its own (a stable name per path, so a re-load replaces it)."""
    if not path.is_file():
        raise LayerError(f"{path}: no such file")
    module_name = "geomap_user_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise LayerError(f"{path}: cannot be imported as Python (is it a .py file?)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(module_name, None)
        raise LayerError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except BaseException as exc:
        sys.modules.pop(module_name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise LayerError(f"{_where_in(path, exc)}: raises {type(exc).__name__} on import: {exc}") from None
    return module


def _where_in(path: Path, exc: BaseException) -> str:
    """'file.py:LINE' of the deepest frame of the traceback that is in the user's file."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return f"{path}:{line}" if line else str(path)


def load_layer_class(spec: str) -> type[Layer]:
    """The Layer subclass named by ``spec``: ``file.py:Class``, ``module:Class`` or an entry-point name."""
    spec = spec.strip()
    file_part, sep, cls_name = spec.rpartition(":")
    if sep and file_part.endswith(".py"):
        path = Path(file_part)
        module = _import_file(path)
        where = str(path)
    elif sep and file_part:
        try:
            module = importlib.import_module(file_part)
        except ImportError as exc:
            raise LayerError(f"{spec}: cannot import module '{file_part}': {exc}") from None
        except Exception as exc:
            raise LayerError(f"{spec}: module '{file_part}' raises {type(exc).__name__} on import: {exc}") from None
        where = getattr(module, "__file__", None) or file_part
    else:
        if spec.endswith(".py"):
            raise LayerError(f"{spec}: name the class too, as {spec}:ClassName")
        found = [ep for ep in _entry_points() if ep.name == spec]
        if not found:
            names = ", ".join(ep.name for ep in _entry_points()) or "none"
            raise LayerError(
                f"no layer named '{spec}' in the '{ENTRY_POINT_GROUP}' entry points (known: {names}); "
                "give a file as path.py:ClassName"
            )
        try:
            obj = found[0].load()
        except Exception as exc:
            raise LayerError(f"entry point '{spec}' ({found[0].value}) cannot be loaded: {type(exc).__name__}: {exc}") from None
        return _checked_class(obj, f"entry point '{spec}' ({found[0].value})", found[0].value)
    if not cls_name.isidentifier():
        raise LayerError(f"{where}: '{cls_name}' is not a class name")
    if not hasattr(module, cls_name):
        classes = sorted(
            n for n, o in vars(module).items() if isinstance(o, type) and issubclass(o, Layer) and o is not Layer
        )
        hint = f" (Layer classes there: {', '.join(classes)})" if classes else " (it defines no Layer class)"
        raise LayerError(f"{where}: has no class '{cls_name}'{hint}")
    return _checked_class(getattr(module, cls_name), where, cls_name)


def load_layer(spec: str, **kwargs: Any) -> Layer:
    """An instance of the layer named by ``spec`` (see :func:`load_layer_class`), made with ``kwargs``."""
    cls = load_layer_class(spec)
    where = _class_file(cls)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise LayerError(f"{where}: {cls.__name__}() cannot be made without arguments here: {exc}") from None
    except Exception as exc:
        raise LayerError(f"{where}: {cls.__name__}() raises {type(exc).__name__}: {exc}") from None


def _class_file(cls: type) -> str:
    module = sys.modules.get(cls.__module__)
    return getattr(module, "__file__", None) or cls.__module__


# checking what a layer returns -------------------------------------------------------------------
def _bad_position(coords: Any) -> str | None:
    if not isinstance(coords, (list, tuple)) or len(coords) < 2:
        return f"a position must be [longitude, latitude], got {coords!r}"
    lon, lat = coords[0], coords[1]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in (lon, lat)):
        return f"a position must hold finite numbers, got {list(coords)!r}"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"position {list(coords)!r} is outside longitude -180..180 / latitude -90..90 (is it lat, lon?)"
    return None


def _bad_coordinates(kind: str, coords: Any) -> str | None:
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[kind]

    def walk(c: Any, d: int) -> str | None:
        if d == 0:
            return _bad_position(c)
        if not isinstance(c, (list, tuple)) or not c:
            return f"{kind} coordinates must be non-empty nested lists"
        for item in c:
            if problem := walk(item, d - 1):
                return problem
        return None

    return walk(coords, depth)


def check_features(features: Any, where: str) -> list[dict[str, Any]]:
    """The features if they are well-formed GeoJSON-like features with a style; else a LayerError."""
    if not isinstance(features, Iterable) or isinstance(features, (str, bytes, dict)):
        raise LayerError(f"{where}: features() must return a list of features, got {type(features).__name__}")
    out = list(features)
    for n, feature in enumerate(out, start=1):
        at = f"{where}: feature {n}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise LayerError(f'{at}: not a GeoJSON-like feature (a dict with "type": "Feature")')
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRIES:
            got = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
            raise LayerError(f"{at}: geometry must be one of {', '.join(sorted(_GEOMETRIES))}, got {got!r}")
        if problem := _bad_coordinates(geometry["type"], geometry.get("coordinates")):
            raise LayerError(f"{at}: {problem}")
        for key in ("properties", "style"):
            if feature.get(key) is not None and not isinstance(feature[key], dict):
                raise LayerError(f"{at}: '{key}' must be a dict, got {type(feature[key]).__name__}")
    return out


def check_layer(layer: Layer, dataset: Dataset) -> list[dict[str, Any]]:
    """Run the layer once on the dataset (features, then drawing on a scratch map) and check the result.

    Returns its features; a layer that raises or returns malformed features gives a LayerError
    naming its file and class, so the caller can report it and, with --keep-going, leave it out.
    """
    import folium

    where = f"{_class_file(type(layer))}: {type(layer).__name__}"
    ctx = RenderContext(dataset)
    try:
        features = layer.features(ctx)
    except Exception as exc:
        raise LayerError(f"{where}.features() raises {type(exc).__name__}: {exc}") from None
    features = check_features(features, where)
    try:
        layer.add_to(folium.Map(location=[0, 0], zoom_start=2, tiles=None), ctx)
    except Exception as exc:
        raise LayerError(f"{where}.add_to() raises {type(exc).__name__}: {exc}") from None
    return features
