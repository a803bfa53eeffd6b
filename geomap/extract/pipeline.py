"""From an article's text to an :class:`Extraction`: language, dates, places, events, routes.

This is the one public entry point of text extraction (``geomap.extract.extract``); the CLI's
``extract`` and ``map`` commands are thin layers over it. The result keeps everything a
reviewer needs: every date and place mention with its offsets, what matched no place, and
events and movements whose quotes point back into the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.extract.dates import DateMention, find_dates
from geomap.extract.dates_fallback import find_dates_dateparser
from geomap.extract.events import build_events
from geomap.extract.language import choose_language
from geomap.extract.toponyms import Mention, Toponym, ToponymRecognizer, resolve_mentions
from geomap.io.article import MAX_ARTICLE_BYTES
from geomap.model import Dataset, GeomapError, Source

__all__ = ["Extraction", "extract", "read_article", "MAX_ARTICLE_BYTES"]



@dataclass
class Extraction:
    """What was found in one article, with provenance (offsets into ``text``)."""

    text: str
    language: str
    language_confidence: float
    published: dt.date | None
    published_assumed: bool
    toponyms: list[Toponym]
    dates: list[DateMention]
    dataset: Dataset
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_geojson(self) -> dict[str, Any]:
        """The extraction GeoJSON contract: places, events and routes in one FeatureCollection."""
        from geomap.extract.output import extraction_geojson

        return extraction_geojson(self)

    def save(self, path: str | Path) -> Path:
        """Write the extraction by the file's suffix: .yaml/.yml (to review and render) or .geojson/.json."""
        import json

        from geomap.extract.output import extraction_yaml
        from geomap.files import write_text_atomic

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            write_text_atomic(path, extraction_yaml(self))
        elif suffix in (".geojson", ".json"):
            write_text_atomic(path, json.dumps(self.to_geojson(), ensure_ascii=False, indent=1))
        else:
            raise GeomapError(f"{path}: unknown output type {suffix!r}; use .yaml or .geojson")
        return path


_HEADER_DATE = re.compile(
    r"^(?:published|date|tanggal|diterbitkan|datum|дата)\s*[:=]\s*[\"']?(\d{4}-\d{2}-\d{2})"
    r"|<meta[^>]+(?:article:published_time|datePublished|pubdate)[^>]+content=[\"'](\d{4}-\d{2}-\d{2})",
    re.I | re.M,
)


def _headline(text: str) -> str | None:
    """The article's first line when it reads as a headline (short, no full stop at the end)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 160 and not line.endswith((".", "!", "?")) else None
    return None


def read_article(path: Path) -> str:
    """The text of an article file (HTML: its main content only); see :mod:`geomap.io.article`."""
    from geomap.io.article import read_article_file

    return read_article_file(Path(path)).text


def extract(
    text: str,
    published: dt.date | None = None,
    lang: str | None = None,
    source: Source | None = None,
    recognizer: ToponymRecognizer | None = None,
    where: str | None = None,
    geocoder: Any = None,
) -> Extraction:
    """Extract places, dates, events and movements from one article.

    ``published`` anchors relative and year-less dates; without it a date in the article's
    header (``Published: 2024-10-29``) is used, else today, and a note says so. ``lang`` is an
    ISO 639-1 code; detected when not given. ``source`` is attached to every event.
    ``geocoder`` (any geopy-style ``geocode(query, exactly_one=True)``, e.g. an online chain
    from :func:`geomap.geocode.chain.build_chain`) is asked for the location phrases the
    offline gazetteer did not know ('to Plekhovo'); what it finds becomes places whose
    ``source`` names the geocoder, and a note lists them.
    """
    if not text or not text.strip():
        raise GeomapError(f"{where or 'input'}: the text is empty")
    notes: list[str] = []
    assumed = False
    if published is None:
        m = _HEADER_DATE.search(text[:2000])
        if m:
            try:
                published = dt.date.fromisoformat(m.group(1) or m.group(2))
                notes.append(f"publication date {published} taken from the article's header")
            except ValueError:
                published = None
    if published is None:
        published = dt.date.today()
        assumed = True
        notes.append(
            f"no publication date given: dates without a year were resolved against {published.year}"
        )
    given = lang is not None
    choice = choose_language(text, lang)
    lang, confidence, lang_used = choice.detected, choice.confidence, choice.resources
    if choice.warning:
        notes.append(choice.warning)
    else:
        notes.append(f"language: {lang} (given)" if given else f"language: {lang} (detected, confidence {confidence:.2f})")
    rec = recognizer or ToponymRecognizer.default()
    mentions = rec.mentions(text, lang_used)
    toponyms = resolve_mentions(mentions)
    dates = find_dates(text, published, lang_used)
    if choice.warning and lang not in ("und", lang_used):
        extra = find_dates_dateparser(text, published, lang)
        if extra:
            notes.append(f"{len(extra)} date(s) read with dateparser's '{lang}' grammar")
            taken = [(d.start, d.end) for d in dates]
            dates = sorted(
                [*dates, *(d for d in extra if not any(d.start < e and s < d.end for s, e in taken))],
                key=lambda d: d.start,
            )
    headline = _headline(text)
    if source is None:
        source = Source(title=headline, published=published if not assumed else None)
    elif source.title is None and headline:
        source = dataclasses.replace(source, title=headline)
    dataset, unresolved = build_events(text, toponyms, dates, lang_used, published, source, where=where)
    if geocoder is not None and any(u.get("mention") for u in unresolved):
        found, failed = _geocoded_mentions(unresolved, geocoder)
        if found:
            toponyms = resolve_mentions([*mentions, *(m for ms in found.values() for m in ms)])
            for t in toponyms:
                if t.key in found:
                    t.place = dataclasses.replace(t.place, source=found[t.key][0].candidates[0].source)
                    t.reason = f"not in the gazetteer; found by the geocoder ({t.place.source})"
            dataset, unresolved = build_events(text, toponyms, dates, lang_used, published, source, where=where)
            names = ", ".join(sorted(ms[0].text for ms in found.values()))
            notes.append(f"{len(found)} place name(s) found by the geocoder: {names}")
        notes.extend(failed)
    return Extraction(
        text=text,
        language=lang,
        language_confidence=confidence,
        published=published,
        published_assumed=assumed,
        toponyms=toponyms,
        dates=dates,
        dataset=dataset,
        unresolved=unresolved,
        notes=notes,
    )


def _geocoded_mentions(
    unresolved: list[dict[str, Any]], geocoder: Any
) -> tuple[dict[str, list[Mention]], list[str]]:
    """Mentions (by key) for the unresolved location phrases the geocoder places, and failure notes."""
    from geomap.geocode.base import place_from_location
    from geomap.geocode.index import Entry
    from geomap.geocode.normalize import normalize

    found: dict[str, list[Mention]] = {}
    failed: list[str] = []
    answers: dict[str, Any] = {}
    for u in unresolved:
        name = u.get("mention")
        if not name or u.get("start") is None:
            continue
        if name not in answers:
            try:
                answers[name] = geocoder.geocode(name, exactly_one=True)
            except Exception as exc:  # noqa: BLE001 - a geocoder is user-supplied; its failure is a note
                answers[name] = None
                failed.append(f"geocoder failed for {name!r}: {exc}")
        location = answers[name]
        if location is None:
            continue
        place = place_from_location(location, source=getattr(geocoder, "name", None))
        source = place.source if place.source not in ("offline", "geopy") else type(geocoder).__name__
        entry = Entry(
            name=place.name,
            lat=place.lat,
            lon=place.lon,
            country_code=(place.country_code or "").upper() or None,
            kind=place.kind.value,
            population=place.population,
            geonameid=place.geonameid,
            source=source,
            precision=place.geo_precision,
        )
        key = normalize(name)
        found.setdefault(key, []).append(Mention(name, u["start"], u["end"], key, (entry,), preposition="geocoder"))
    return found, failed
