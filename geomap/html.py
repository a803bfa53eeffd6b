"""One way to put input text into a map: escape it for HTML and for the script around it.

folium puts popup and tooltip HTML inside JavaScript template literals (backticks), layer
names into JSON strings that Leaflet assigns to ``innerHTML``, and everything sits inside
one ``<script>``. So text from input must be safe in all of these at once. :func:`esc`
makes it so by turning every character with a meaning in any of them into an HTML
character reference, which the browser shows as the character itself:

- ``& < > " '`` (HTML markup and attributes),
- backslash, backtick and ``$`` (so ``${...}`` and ``\\`` mean nothing in a JS string),
- ``{`` and ``}``: folium compiles rendered script text as a Jinja template, so ``{{ ... }}``
  in input would otherwise be *evaluated in Python* while the map is built,
- U+2028/U+2029 and control characters (line breaks for old JS parsers, invalid in HTML).

Because ``<`` never survives, neither does ``</script>``. URLs get their own check:
only http(s) links become ``<a href>``; anything else (``javascript:``, ``data:``) is shown
as plain text. Data for scripts goes through :func:`script_json`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

__all__ = ["esc", "safe_url", "link", "script_json", "css_colour"]

_REPLACE = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "`": "&#96;",
    "$": "&#36;",
    "\\": "&#92;",
    "{": "&#123;",
    "}": "&#125;",
    "\u2028": "&#8232;",
    "\u2029": "&#8233;",
}
_PATTERN = re.compile("[" + re.escape("".join(_REPLACE)) + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JINJA_OPEN = re.compile(r"\{([{%#])")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")


def _sub(match: re.Match[str]) -> str:
    char = match.group(0)
    return _REPLACE.get(char, "\ufffd")


def esc(value: Any) -> str:
    """Text made safe for HTML and for any JS string folium wraps it in; None becomes ''."""
    if value is None:
        return ""
    return _PATTERN.sub(_sub, str(value))


def safe_url(url: Any) -> str | None:
    """The URL escaped for an ``href`` if it is http(s) with a host; None otherwise."""
    if not url:
        return None
    text = str(url).strip()
    if any(ord(c) < 0x20 or c.isspace() for c in text):
        return None  # browsers drop tabs/newlines inside schemes: "java\tscript:" is javascript:
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return esc(text)


def link(url: Any, text: Any = None) -> str:
    """An ``<a>`` opening in a new tab without giving it our window; plain text if the URL is unsafe."""
    label = esc(text if text not in (None, "") else url)
    href = safe_url(url)
    if href is None:
        return label
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{label}</a>'


def script_json(value: Any) -> str:
    """JSON that can sit inside ``<script>``: no ``</script>``, ``<!--`` or U+2028 can end it early.

    Nor can it start a Jinja tag (``{{``, ``{%``, ``{#`` only occur inside JSON strings, where
    the second character is written as a \\u escape), in case folium compiles it as a template.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = _JINJA_OPEN.sub(lambda m: f"{{\\u{ord(m.group(1)):04x}", text)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def css_colour(value: str) -> str:
    """A colour for a style attribute: ``#rgb[a]``/``#rrggbb[aa]`` or a CSS name, else ValueError."""
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"not a CSS colour: {value!r} (use #rrggbb or a colour name)")
    return value
