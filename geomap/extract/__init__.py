"""Text extraction: from a news article to dated, geocoded events and routes, offline.

``extract(text, published=..., lang=...)`` is the entry point; see :mod:`geomap.extract.pipeline`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geomap.extract.toponyms import ToponymRecognizer

__all__ = ["extract", "read_article", "Extraction", "geoparse"]


def __getattr__(name: str):  # lazy: importing geomap.extract stays cheap
    if name in ("extract", "read_article", "Extraction"):
        from geomap.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)


def geoparse(
    text: str, lang: str = "en", recognizer: ToponymRecognizer | None = None
) -> list[tuple[int, int, float, float]]:
    """Toponyms of a text as (start, end, lat, lon): recognition and resolution only, for evaluation."""
    from geomap.extract.toponyms import ToponymRecognizer, resolve_mentions

    rec = recognizer or ToponymRecognizer.default()
    out = []
    for t in resolve_mentions(rec.mentions(text, lang)):
        for m in t.mentions:
            out.append((m.start, m.end, t.place.lat, t.place.lon))
    return sorted(out)
