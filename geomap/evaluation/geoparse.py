"""Public geoparsing gold sets (GeoWebNews, GeoVirus) and a scorer for any geoparser.

The sets are read from where they lie (``/work/shared/eval/geoparse`` on our machines), never
copied: their licences do not allow shipping them. Reading streams article by article
(``xml.etree.iterparse``), so memory stays flat however large a set is.

Both files have flaws that a careless reader would count against a geoparser; the loaders
deal with them and say so instead of hiding them:

* GeoVirus offsets are one character past the name (``text[start-1:end-1] == name``); the
  loader shifts a span back when, and only when, that makes it slice to the name. One
  article also nests three ``<location>`` rows inside a fourth; all four are read.
* A few GWN rows have negative offsets (they point into the title, inconsistently); such a
  row cannot be scored, so it goes to ``Article.rejected`` with the reason.
"""

from __future__ import annotations

import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.evaluation.schema import MATCH_KM, haversine_km
from geomap.model import GeomapError, Problem

__all__ = [
    "Toponym",
    "Article",
    "LITERAL_TYPES",
    "load_gwn",
    "load_geovirus",
    "evaluate_geoparser",
    "Geoparse",
]

# GWN's physical-place types, the closest to what ACLED-like event data needs.
LITERAL_TYPES: frozenset[str] = frozenset({"Literal", "Mixed", "Literal_Modifier"})

Geoparse = Callable[[str], Sequence[tuple[int, int, float, float]]]


@dataclass(frozen=True)
class Toponym:
    """A gold toponym: its span in the article text, the name as written, and where it is."""

    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    type: str | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class Article:
    """One gold article: its text and the toponyms kept by the loader's filter.

    ``other_spans`` are annotated spans the filter left out (no coordinates, another type),
    so that a geoparser that finds them is not called wrong; ``rejected`` are rows that
    could not be used at all.
    """

    id: str
    text: str
    toponyms: list[Toponym]
    title: str | None = None
    url: str | None = None
    other_spans: list[tuple[int, int]] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    shifted: int = 0  # rows whose offsets were moved by one character to fit the text


def _text(elem: ET.Element, tag: str) -> str | None:
    child = elem.find(tag)
    if child is None or child.text is None:
        return None
    value = child.text.strip()
    return value or None


def _iter_articles(path: Path) -> Iterator[tuple[int, ET.Element]]:
    """Each ``<article>`` element once it is complete; the tree is pruned behind us."""
    if not path.is_file():
        raise GeomapError(f"{path}: no such file")
    index = 0
    depth = 0
    try:
        for event, elem in ET.iterparse(path, events=("start", "end")):
            if elem.tag != "article":
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 0:
                yield index, elem
                index += 1
                elem.clear()
    except ET.ParseError as exc:
        line, col = exc.position
        raise GeomapError(f"{path}: line {line}, column {col}: not well-formed XML") from None


def _number(raw: str | None, kind: type[int] | type[float]) -> int | float | None:
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        return None


def _fit(text: str, name: str, start: int, end: int, shifts: Sequence[int]) -> tuple[int, int] | None:
    """The span, moved by the first of ``shifts`` that makes it slice the text to the name."""
    for shift in shifts:
        s, e = start + shift, end + shift
        if 0 <= s < e <= len(text) and text[s:e] == name:
            return s, e
    return None


def _read_row(
    row: ET.Element,
    text: str,
    where: str,
    index: int,
    name_tag: str,
    lat_tag: str,
    lon_tag: str,
    shifts: Sequence[int],
) -> Toponym | Problem:
    index += 1  # rows are numbered from 1 within their article in messages
    name = _text(row, name_tag)
    start = _number(_text(row, "start"), int)
    end = _number(_text(row, "end"), int)
    if name is None:
        return Problem(f"<{name_tag}> is empty", where, index, name_tag)
    if start is None or end is None:
        return Problem(f"{name!r}: <start>/<end> are not whole numbers", where, index, "start")
    span = _fit(text, name, int(start), int(end), shifts)
    if span is None:
        return Problem(f"{name!r}: offsets {start}..{end} do not slice the text to the name", where, index, "start")
    lat, lon = _number(_text(row, lat_tag), float), _number(_text(row, lon_tag), float)
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        return Problem(f"{name!r}: bad coordinates {lat}, {lon}", where, index, lat_tag)
    return Toponym(span[0], span[1], name, lat, lon, _text(row, "type"))


def load_gwn(
    path: str | Path, with_coordinates: bool = True, types: Collection[str] | None = None
) -> Iterator[Article]:
    """GeoWebNews articles with their toponyms (by default those with coordinates, any type).

    ``types`` keeps only the given GWN types, e.g. :data:`LITERAL_TYPES` for physical places.
    """
    path = Path(path)
    for index, elem in _iter_articles(path):
        art_id = elem.get("file") or str(index)
        where = f"{path.name} article {art_id}"
        text = elem.findtext("text") or ""
        article = Article(id=art_id, text=text, toponyms=[], title=_text(elem, "title"), url=_text(elem, "link"))
        rows = elem.find("toponyms")
        for i, row in enumerate(rows.findall("toponym") if rows is not None else []):
            got = _read_row(row, text, where, i, "extractedName", "latitude", "longitude", (0,))
            if isinstance(got, Problem):
                if not with_coordinates or _text(row, "latitude") is not None:
                    article.rejected.append(got)
                continue
            keep = (got.has_coordinates or not with_coordinates) and (types is None or got.type in types)
            if keep:
                article.toponyms.append(got)
            elif got.type != "Non_Toponym":
                article.other_spans.append((got.start, got.end))
        article.toponyms.sort(key=lambda t: (t.start, t.end))
        yield article


def load_geovirus(path: str | Path) -> Iterator[Article]:
    """GeoVirus articles with their locations, offsets repaired to slice the text to the name."""
    path = Path(path)
    for index, elem in _iter_articles(path):
        art_id = str(index)
        where = f"{path.name} article {art_id}"
        text = elem.findtext("text") or ""
        article = Article(id=art_id, text=text, toponyms=[], url=_text(elem, "source"))
        # iter(): one article nests locations inside a location; every row counts once
        for i, row in enumerate(elem.iter("location")):
            got = _read_row(row, text, where, i, "name", "lat", "lon", (-1, 0, 1))
            if isinstance(got, Problem):
                article.rejected.append(got)
                continue
            start = _number(_text(row, "start"), int)
            if start != got.start:
                article.shifted += 1
            article.toponyms.append(got)
        article.toponyms.sort(key=lambda t: (t.start, t.end))
        yield article


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _valid_prediction(p: Any, length: int) -> tuple[int, int, float, float] | None:
    try:
        s, e, lat, lon = int(p[0]), int(p[1]), float(p[2]), float(p[3])
    except (TypeError, ValueError, IndexError):
        return None
    if not (0 <= s < e <= length and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return s, e, lat, lon


def evaluate_geoparser(articles: Iterable[Article], geoparse: Geoparse, km: float = MATCH_KM) -> dict[str, Any]:
    """Score a geoparser, ``text -> [(start, end, lat, lon)]``, on gold articles.

    * ``recall``: share of gold toponyms (with coordinates) whose span a predicted span overlaps;
    * ``acc_at_161``: of those found, the share whose predicted point lies within ``km``;
    * ``end_to_end``: found and within ``km``, over all gold toponyms with coordinates;
    * ``span_precision``: predicted spans that overlap a gold toponym, over all predicted spans
      (``span_precision_any`` also accepts any other annotated span of the article);
    * timing: total seconds and milliseconds per article.

    A geoparser error on one article is counted and that article scored as empty.
    """
    n_articles = n_gold = n_found = n_close = n_pred = n_pred_ok = n_pred_any = 0
    n_bad_pred = n_errors = 0
    errors_km: list[float] = []
    seconds = 0.0
    chars = 0
    for article in articles:
        n_articles += 1
        chars += len(article.text)
        t0 = time.perf_counter()
        try:
            raw = list(geoparse(article.text))
        except Exception:  # a failing geoparser is scored, not fatal
            raw = []
            n_errors += 1
        seconds += time.perf_counter() - t0
        preds = []
        for p in raw:
            v = _valid_prediction(p, len(article.text))
            if v is None:
                n_bad_pred += 1
            else:
                preds.append(v)
        gold = [t for t in article.toponyms if t.has_coordinates]
        n_gold += len(gold)
        n_pred += len(preds)
        for t in gold:
            best = max(
                (p for p in preds if _overlap(t.start, t.end, p[0], p[1])),
                key=lambda p: _overlap(t.start, t.end, p[0], p[1]),
                default=None,
            )
            if best is None:
                continue
            n_found += 1
            d = haversine_km(t.lat, t.lon, best[2], best[3])  # type: ignore[arg-type]
            errors_km.append(d)
            if d <= km:
                n_close += 1
        spans = [(t.start, t.end) for t in article.toponyms]
        for s, e, _, _ in preds:
            if any(_overlap(s, e, a, b) for a, b in spans):
                n_pred_ok += 1
                n_pred_any += 1
            elif any(_overlap(s, e, a, b) for a, b in article.other_spans):
                n_pred_any += 1

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "articles": n_articles,
        "gold_toponyms": n_gold,
        "predicted_spans": n_pred,
        "found": n_found,
        "within_km": n_close,
        "km": km,
        "recall": ratio(n_found, n_gold),
        "acc_at_161": ratio(n_close, n_found),
        "end_to_end": ratio(n_close, n_gold),
        "span_precision": ratio(n_pred_ok, n_pred),
        "span_precision_any": ratio(n_pred_any, n_pred),
        "median_error_km": round(statistics.median(errors_km), 1) if errors_km else None,
        "invalid_predictions": n_bad_pred,
        "geoparser_errors": n_errors,
        "seconds": round(seconds, 3),
        "ms_per_article": round(1000 * seconds / n_articles, 2) if n_articles else None,
        "chars_per_second": round(chars / seconds) if seconds else None,
    }
