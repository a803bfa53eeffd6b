"""Built-in map layers of geomap, one small class per layer (installed as ``geomap.layers``)."""

from geomap.layers.basemap import OfflineBasemap
from geomap.layers.events import EventsLayer
from geomap.layers.places import PlacesLayer
from geomap.layers.routes import RoutesLayer

__all__ = ["OfflineBasemap", "EventsLayer", "PlacesLayer", "RoutesLayer"]
