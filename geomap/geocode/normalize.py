"""Name normalization shared by the gazetteer index and every lookup.

Two keys per name:

* :func:`normalize` is the *exact* key: NFKC, case-folded, one kind of quote, dash and
  space. 'Kyiv', 'KYIV' and ' Kyiv ' meet; 'Kyiv' and 'Kyïv' do not.
* :func:`fold` is the *loose* key for a second look when the exact key finds nothing:
  diacritics stripped ('Kyïv' -> 'kyiv', 'Kraków' -> 'krakow', 'Ёлки' -> 'елки'),
  apostrophes dropped ("Kurs'k" -> 'kursk'), hyphens as spaces and doubled letters
  collapsed so that transliteration variants meet ('Zelenskyy'/'Zelensky',
  'Zaporizhzhia'/'Zaporizhia').

Both are idempotent (``normalize(normalize(s)) == normalize(s)``) so callers may pass
keys that are already normalized, as the text extractor does with the keys it got from
:meth:`geomap.geocode.index_query.NameIndex.iter_names`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "fold", "fold_key", "has_control_chars"]

# Quote-, apostrophe- and dash-like characters that writers and keyboards use interchangeably.
_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02bb\u02b9\u02be\u02bf\u00b4\u0060\uff07"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_TRANSLATE = str.maketrans(
    {**{c: "'" for c in _QUOTES}, **{c: '"' for c in _DQUOTES}, **{c: "-" for c in _DASHES}}
)
_SPACES = re.compile(r"\s+")
# Letters that NFKD does not split into a base letter and a combining mark.
_FOLD_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
        "'": None,
        '"': None,
        "-": " ",
        ".": " ",
    }
)
_DOUBLED = re.compile(r"(\w)\1+")
# C0/C1 control characters except the whitespace ones, which normalize() turns into spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize(name: str) -> str:
    """The exact lookup key of a name: NFKC, casefold, unified quotes/dashes, single spaces."""
    text = unicodedata.normalize("NFKC", name).translate(_TRANSLATE).casefold()
    return _SPACES.sub(" ", text).strip()


def fold(name: str) -> str:
    """The loose key: :func:`normalize`, then no diacritics, apostrophes or doubled letters."""
    return fold_key(normalize(name))


def fold_key(key: str) -> str:
    """:func:`fold` of a string that is already a :func:`normalize` key (the index builds millions)."""
    if not key.isascii():
        key = unicodedata.normalize("NFKD", key)
        key = unicodedata.normalize("NFC", "".join(c for c in key if not unicodedata.combining(c)))
    key = _DOUBLED.sub(r"\1", key.translate(_FOLD_LETTERS))
    return _SPACES.sub(" ", key).strip()


def has_control_chars(text: str) -> bool:
    """True when the text holds a control character other than tab, newline or carriage return."""
    return _CONTROL.search(text) is not None
