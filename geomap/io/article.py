"""Reading one article: a text file, an HTML file or a web page, as text plus what is known of it.

Every command that reads an article (``extract``, ``map``, ``score``, the corpus reader) goes
through :func:`read_article`, so they all see the same text. HTML (a file, or a page fetched
from a URL) goes through trafilatura, a library made to find a page's main content: menus,
footers, scripts and side bars are left out, so the names in them never become places. The
title, publication date and URL found in the page come back with the text.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from geomap.model import GeomapError

__all__ = [
    "ArticleText",
    "read_article",
    "read_article_file",
    "fetch_article",
    "article_from_html",
    "decode_article",
    "is_url",
    "looks_like_html",
    "MAX_ARTICLE_BYTES",
    "HTML_SUFFIXES",
]

MAX_ARTICLE_BYTES = 5_000_000  # a news article is a few kB; past this it is not one article
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
USER_AGENT = "geomap (+https://github.com/; article reader)"
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


@dataclass(frozen=True)
class ArticleText:
    """An article's text and what its page said about it (None where it said nothing)."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    where: str = "input"  # file or URL, for messages
    html: bool = False  # the text was found in HTML (the rest of the page left out)


def is_url(value: str | Path) -> bool:
    """An http(s) address rather than a file name."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def looks_like_html(data: bytes) -> bool:
    """A document that opens as HTML does (doctype or ``<html>``), whatever its file name."""
    return bool(_HTML_START.match(data[:4096]))


def read_article(source: str | Path, timeout: float = 30.0, encoding: str | None = None) -> ArticleText:
    """The article at ``source``: a URL (fetched), an HTML file or a UTF-8 text file
    (``encoding``: of a text file that is not UTF-8; a UTF-16 byte-order mark is read without it)."""
    if is_url(source):
        return fetch_article(str(source), timeout=timeout)
    return read_article_file(Path(source), encoding=encoding)


def read_article_file(path: Path, encoding: str | None = None) -> ArticleText:
    """Read an article file, refusing what is not one (missing, binary, huge, empty); the size is
    checked before reading."""
    try:
        if path.is_file() and path.stat().st_size > MAX_ARTICLE_BYTES:
            raise GeomapError(
                f"{path}: {path.stat().st_size:,} bytes is too large for one article (limit {MAX_ARTICLE_BYTES:,}); "
                "split it into articles"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise GeomapError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GeomapError(f"{path}: a folder, not an article file") from None
    except OSError as exc:
        raise GeomapError(f"{path}: cannot read: {exc.strerror}") from None
    return decode_article(data, str(path), html=path.suffix.lower() in HTML_SUFFIXES or None, encoding=encoding)


def decode_article(
    data: bytes, where: str, html: bool | None = None, url: str | None = None, encoding: str | None = None
) -> ArticleText:
    """Bytes of an article as text: HTML (``html``, or None to tell by the content) or UTF-8 text
    (or ``encoding``'s, or UTF-16 with its byte-order mark)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        encoding and not encoding.replace("_", "-").lower().startswith("utf-8")
    ):
        try:  # UTF-16 has NUL bytes: decoded before the binary check
            data = data.decode(encoding or "utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            what = f"not {encoding} text" if encoding else "not UTF-8 text (it starts as UTF-16 but is not that either)"
            line = data[: exc.start].count(b"\n") + 1
            raise GeomapError(f"{where}: line {line}: {what} (byte {exc.start})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise GeomapError(
            f"{where}: {len(data):,} bytes is too large for one article (limit {MAX_ARTICLE_BYTES:,}); "
            "split it into articles"
        )
    if b"\x00" in data[:8192]:
        raise GeomapError(f"{where}: looks like a binary file, not text")
    if html or (html is None and looks_like_html(data)):
        return article_from_html(data, where=where, url=url)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GeomapError(
            f"{where}: line {line}: not UTF-8 text (byte {exc.start}); give its encoding with --encoding NAME"
        ) from None
    if not text.strip():
        raise GeomapError(f"{where}: the file is empty")
    return ArticleText(text=text, url=url, where=where)


def article_from_html(html: str | bytes, where: str = "input", url: str | None = None) -> ArticleText:
    """The main text of an HTML page (trafilatura), headed by its title, with its date and URL."""
    import trafilatura

    if isinstance(html, bytes):
        from trafilatura.utils import decode_file

        html = decode_file(html)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    body = (doc.text or "").strip() if doc is not None else ""
    if not body:
        raise GeomapError(f"{where}: no article text found in the HTML page")
    title = _clean(doc.title)
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"  # the headline names places too, and reads as the source title
    text = re.sub(r"\s*\n\s*", "\n\n", body)  # one paragraph per block, as in text files
    return ArticleText(
        text=text,
        title=title,
        published=_date(doc.date),
        url=_clean(doc.url) or url,
        where=where,
        html=True,
    )


def fetch_article(url: str, timeout: float = 30.0) -> ArticleText:
    """Download a web page (at most MAX_ARTICLE_BYTES) and read its article."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked
            data = response.read(MAX_ARTICLE_BYTES + 1)
            final = response.geturl()
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise GeomapError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise GeomapError(f"{url}: cannot fetch: {exc.reason}") from None
    except TimeoutError:
        raise GeomapError(f"{url}: no answer within {timeout:g} s") from None
    html = kind in ("text/html", "application/xhtml+xml") or None
    if kind == "text/plain":
        html = False
    article = decode_article(data, url, html=html, url=final)
    return article if article.url else ArticleText(**{**article.__dict__, "url": final})


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
