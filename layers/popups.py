"""Popup and tooltip HTML shared by the built-in layers; every input string goes through esc()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from geomap.html import esc, link
from geomap.model import DatePrecision, Place, Source

__all__ = ["date_label", "date_html", "place_label", "resolved_html", "source_html", "popup_html"]


def date_label(day: dt.date | None, precision: DatePrecision) -> str:
    """A date written no more precisely than it is known: 2024-10-28, 2024-10, 2024, unknown."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return "date unknown"
    if precision == DatePrecision.DAY:
        return day.isoformat()
    if precision == DatePrecision.WEEK:
        return f"week of {day.isoformat()}"
    if precision == DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    return str(day.year)


def date_html(day: dt.date | None, precision: DatePrecision) -> str:
    """The date and, apart, how precisely it is known."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return '<span class="geomap-muted">unknown</span>'
    return (
        f'{esc(date_label(day, precision))} <span class="geomap-muted">(precision: {esc(precision)})</span>'
    )


def place_label(place: Place) -> str:
    """Plain text 'Kursk, RU'."""
    return f"{place.name}, {place.country_code}" if place.country_code else place.name


def resolved_html(place: Place | None) -> str:
    """Where a name as written was put: name, country, kind and ACLED geo_precision."""
    if place is None:
        return '<span class="geomap-muted">not resolved</span>'
    return (
        f"{esc(place_label(place))} "
        f'<span class="geomap-muted">({esc(place.kind)}, geo_precision {esc(place.geo_precision)}, '
        f"{place.lat:.4f}, {place.lon:.4f})</span>"
    )


def source_html(source: Source | None) -> str:
    """The source's citation, linked when its URL is http(s)."""
    if source is None:
        return ""
    return _linked(source.url, source.label())


@lru_cache(maxsize=4096)
def _linked(url: str | None, label: str) -> str:
    """link(), remembered: a large map cites the same few sources thousands of times."""
    return link(url, label)


def popup_html(
    title: str,
    rows: Sequence[tuple[str, str]],
    symbol_svg: str = "",
    description: str | None = None,
    quote: str | None = None,
    source: Source | None = None,
) -> str:
    """A popup: heading, a table of (label, html) rows, description, quote and source.

    ``title`` and ``description``/``quote`` are raw input text (escaped here); row values
    are HTML that the caller escaped already.
    """
    parts = [f'<div class="geomap-popup"><h4>{symbol_svg}<span>{esc(title)}</span></h4>']
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    if body:
        parts.append(f'<table class="geomap-table">{body}</table>')
    if description:
        parts.append(f"<p>{esc(description)}</p>")
    if quote:
        parts.append(f"<blockquote>{esc(quote)}</blockquote>")
    if source is not None:
        parts.append(f'<p class="geomap-source">Source: {source_html(source)}</p>')
    parts.append("</div>")
    return "".join(parts)
