"""Kept for old imports: scoring lives in :mod:`geomap.evaluation`.

``python -m geomap.score ...`` is ``geomap score ...`` (the same command, not a second one).
"""

from __future__ import annotations

import sys

from geomap.evaluation import (  # noqa: F401  (re-exports)
    MATCH_KM,
    Counts,
    FileScores,
    Scores,
    check_gold,
    haversine_km,
    load_json,
    score,
    score_files,
    score_gold_files,
)

if __name__ == "__main__":
    from geomap.cli import main

    sys.exit(main(["score", *sys.argv[1:]]))
