"""Streaming a corpus of articles: a folder of .txt/.html files, or a JSONL file.

HTML files are read by :func:`geomap.io.article.article_from_html` (the main content only),
as ``geomap extract page.html`` reads them.

Nothing is read whole: files are listed and read one at a time, JSONL line by line. A line or
file that cannot be read becomes a :class:`~geomap.model.Problem` in the stream (file, line,
field, reason) and the rest goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geomap.io.article import article_from_html
from geomap.model import GeomapError, Problem

__all__ = ["Article", "iter_articles", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")
MAX_ARTICLE_CHARS = 2_000_000


@dataclass(frozen=True)
class Article:
    """One article of a corpus, with what is known of its source."""

    id: str  # stable across runs: the file's relative path, or the JSONL 'id'/'url'/line
    text: str
    published: dt.date | None = None
    url: str | None = None
    language: str | None = None
    title: str | None = None
    publisher: str | None = None
    where: str | None = None  # file (and line) for messages
    seq: int = 0  # position in the corpus, for a stable output order


def _date(value: object) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def iter_articles(path: Path) -> Iterator[Article | Problem]:
    """Articles of a folder (recursively, .txt and .html, in sorted order) or of a JSONL file."""
    path = Path(path)
    if path.is_dir():
        yield from _iter_folder(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path)
    elif path.is_file():
        raise GeomapError(f"{path}: a corpus is a folder of .txt/.html files or a .jsonl file")
    else:
        raise GeomapError(f"{path}: no such file or folder")


def _iter_folder(root: Path) -> Iterator[Article | Problem]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES)
    for seq, file in enumerate(files):
        rel = file.relative_to(root).as_posix()
        try:
            data = file.read_bytes()
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            yield Problem(f"not UTF-8 text (byte {exc.start})", where=str(file), line=line, field="text")
            continue
        except OSError as exc:
            yield Problem(f"cannot read: {exc.strerror}", where=str(file), field="text")
            continue
        if "\x00" in raw[:4096]:
            yield Problem("binary file, not text", where=str(file), field="text")
            continue
        published = title = url = None
        if file.suffix.lower() in HTML_SUFFIXES:
            try:
                page = article_from_html(raw, where=str(file))
            except GeomapError as exc:
                yield Problem(str(exc).removeprefix(f"{file}: "), where=str(file), field="text")
                continue
            text, published, title, url = page.text, page.published, page.title, page.url
        else:
            text = raw
        if not text.strip():
            yield Problem("empty article", where=str(file), field="text")
            continue
        if len(text) > MAX_ARTICLE_CHARS:
            yield Problem(f"{len(text):,} characters is not one article", where=str(file), field="text")
            continue
        yield Article(
            id=rel, text=text, published=published, url=url, title=title or None, where=str(file), seq=seq
        )


def _iter_jsonl(file: Path) -> Iterator[Article | Problem]:
    try:
        fh = file.open("rb")
    except OSError as exc:
        raise GeomapError(f"{file}: cannot read: {exc.strerror}") from None
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield Problem("not UTF-8", where=str(file), line=lineno)
                continue
            except json.JSONDecodeError as exc:
                yield Problem(f"not valid JSON: {exc.msg} (column {exc.colno})", where=str(file), line=lineno)
                continue
            except RecursionError:
                yield Problem("JSON nested too deeply", where=str(file), line=lineno)
                continue
            if not isinstance(row, dict):
                yield Problem("a line must be a JSON object", where=str(file), line=lineno)
                continue
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                yield Problem("missing or empty 'text'", where=str(file), line=lineno, field="text")
                continue
            if len(text) > MAX_ARTICLE_CHARS:
                yield Problem(f"{len(text):,} characters is not one article", where=str(file), line=lineno, field="text")
                continue
            published = _date(row.get("published"))
            if row.get("published") and published is None:
                yield Problem(
                    f"unreadable date {row.get('published')!r}; the article is read without one",
                    where=str(file), line=lineno, field="published", severity="warning",
                )  # fmt: skip
            ident = row.get("id") or row.get("url") or hashlib.sha1(text.encode()).hexdigest()[:16]
            yield Article(
                id=str(ident),
                text=text,
                published=published,
                url=row.get("url") if isinstance(row.get("url"), str) else None,
                language=row.get("language") if isinstance(row.get("language"), str) else None,
                title=row.get("title") if isinstance(row.get("title"), str) else None,
                publisher=row.get("publisher") if isinstance(row.get("publisher"), str) else None,
                where=f"{file}:{lineno}",
                seq=lineno,
            )
