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
from geomap.extract.toponyms import Toponym, ToponymRecognizer, resolve_mentions
from geomap.model import Dataset, GeomapError, Source

__all__ = ["Extraction", "extract", "read_article", "MAX_ARTICLE_BYTES"]

MAX_ARTICLE_BYTES = 5_000_000  # a news article is a few kB; past this it is not one article


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


def read_article(path: Path, encoding: str | None = None) -> str:
    """Read an article file as UTF-8 text (or ``encoding``'s; a UTF-16 BOM is read too), refusing
    what is not one (binary, huge, empty). The size is checked before reading."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise GeomapError(
                f"{path}: {size:,} bytes is too large for one article (limit {MAX_ARTICLE_BYTES:,}); "
                "split it into articles"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise GeomapError(f"{path}: no such file") from None
    except OSError as exc:
        raise GeomapError(f"{path}: cannot read: {exc.strerror}") from None
    bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if bom or (encoding and not encoding.replace("_", "-").lower().startswith("utf-8")):
        try:
            return data.decode("utf-16" if bom else str(encoding))
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            what = "not UTF-8 text (it starts as UTF-16 but is not that either)" if bom else f"not {encoding} text"
            raise GeomapError(f"{path}: line {line}: {what} (byte {exc.start})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise GeomapError(
            f"{path}: {len(data):,} bytes is too large for one article (limit {MAX_ARTICLE_BYTES:,}); "
            "split it into articles"
        )
    if b"\x00" in data[:8192]:
        raise GeomapError(f"{path}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GeomapError(
            f"{path}: line {line}: not UTF-8 text (byte {exc.start}); give its encoding with --encoding NAME"
        ) from None
    if not text.strip():
        raise GeomapError(f"{path}: the file is empty")
    return text


def extract(
    text: str,
    published: dt.date | None = None,
    lang: str | None = None,
    source: Source | None = None,
    recognizer: ToponymRecognizer | None = None,
    where: str | None = None,
) -> Extraction:
    """Extract places, dates, events and movements from one article.

    ``published`` anchors relative and year-less dates; without it a date in the article's
    header (``Published: 2024-10-29``) is used, else today, and a note says so. ``lang`` is an
    ISO 639-1 code; detected when not given. ``source`` is attached to every event.
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
