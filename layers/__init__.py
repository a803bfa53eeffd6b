"""Built-in map layers of geomap, one small class per layer (installed as ``geomap.layers``)."""
