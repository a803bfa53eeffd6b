"""geomap: reports of military movements to maps and GIS layers."""
__version__ = "0.1.0"
