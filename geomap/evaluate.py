"""Kept for old imports: the public-set loaders live in :mod:`geomap.evaluation.geoparse`."""

from geomap.evaluation.geoparse import (  # noqa: F401  (re-exports)
    LITERAL_TYPES,
    Article,
    Geoparse,
    Toponym,
    evaluate_geoparser,
    load_geovirus,
    load_gwn,
)
