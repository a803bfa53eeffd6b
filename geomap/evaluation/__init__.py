"""Measuring geomap: scoring extractions against gold annotations, and the public geoparsing sets.

* :mod:`~geomap.evaluation.schema`: the gold format's vocabulary and the 161 km threshold;
* :mod:`~geomap.evaluation.predictions`: reading an extraction GeoJSON;
* :mod:`~geomap.evaluation.matching`: one-to-one matching of places, dates and movements;
* :mod:`~geomap.evaluation.figures`: counts, per-file and pooled figures, the table;
* :mod:`~geomap.evaluation.scoring`: :func:`score` and :func:`score_gold_files` (what
  ``geomap score`` and ``benchmarks/eval_devset.py`` call);
* :mod:`~geomap.evaluation.gold`: :func:`check_gold`;
* :mod:`~geomap.evaluation.geoparse`: GeoWebNews / GeoVirus loaders and a geoparser scorer.
"""

from geomap.evaluation.figures import Counts, FileScores, Scores, pool
from geomap.evaluation.geoparse import (
    LITERAL_TYPES,
    Article,
    Geoparse,
    Toponym,
    evaluate_geoparser,
    load_geovirus,
    load_gwn,
)
from geomap.evaluation.gold import check_gold
from geomap.evaluation.schema import MATCH_KM, PLACE_KINDS, haversine_km
from geomap.evaluation.scoring import (
    default_texts,
    extract_for,
    find_text,
    load_json,
    score,
    score_files,
    score_gold_files,
)

__all__ = [
    "MATCH_KM",
    "PLACE_KINDS",
    "Counts",
    "FileScores",
    "Scores",
    "pool",
    "score",
    "score_files",
    "score_gold_files",
    "find_text",
    "extract_for",
    "default_texts",
    "load_json",
    "check_gold",
    "haversine_km",
    "LITERAL_TYPES",
    "Article",
    "Geoparse",
    "Toponym",
    "evaluate_geoparser",
    "load_geovirus",
    "load_gwn",
]
