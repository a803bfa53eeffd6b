"""A normalized copy of a text that remembers where each of its characters came from.

The gazetteer's keys are normalized (NFKC, casefold, one kind of quote and dash), so the
text is matched in that form; ``origin`` maps every character of the normalized copy back to
its offset in the source, so a match can be reported as ``text[start:end]`` of the original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geomap.geocode.normalize import normalize

__all__ = ["TextMap"]

_ASCII_SPACES = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c"})
_CHAR_CACHE: dict[str, str] = {}


class _Identity(Sequence[int]):
    """origin[i] == i: the normalized text lines up with the source character for character."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __len__(self) -> int:
        return self._n + 1

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return range(self._n + 1)[i]
        if i < 0:
            i += self._n + 1
        if not 0 <= i <= self._n:
            raise IndexError(i)
        return i


@dataclass(frozen=True)
class TextMap:
    source: str
    norm: str
    origin: Sequence[int]  # origin[i] = offset in source of norm[i]; one extra entry = len(source)

    @classmethod
    def of(cls, text: str) -> TextMap:
        if text.isascii():  # the common case: one character for one, offsets unchanged
            norm = text.lower().translate(_ASCII_SPACES)
            return cls(text, norm, _Identity(len(text)))
        chars: list[str] = []
        origin: list[int] = []
        one_to_one = True
        for ch in text:
            out = _CHAR_CACHE.get(ch)
            if out is None:
                out = " " if ch.isspace() else (ch.lower() if ch.isascii() else (normalize(ch) or ch))
                if len(_CHAR_CACHE) < 100_000:
                    _CHAR_CACHE[ch] = out
            chars.append(out)
            one_to_one = one_to_one and len(out) == 1
        norm = "".join(chars)
        if one_to_one:
            return cls(text, norm, _Identity(len(text)))
        for i, out in enumerate(chars):
            origin.extend([i] * len(out))
        origin.append(len(text))
        return cls(text, norm, tuple(origin))

    def span(self, nstart: int, nend: int) -> tuple[int, int]:
        """Source offsets of the normalized slice ``norm[nstart:nend]``."""
        return self.origin[nstart], self.origin[nend - 1] + 1
