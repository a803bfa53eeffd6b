"""A normalized copy of a text that remembers where each of its characters came from.

The gazetteer's keys are normalized (NFKC, casefold, one kind of quote and dash), so the
text is matched in that form; ``origin`` maps every character of the normalized copy back to
its offset in the source, so a match can be reported as ``text[start:end]`` of the original.
"""

from __future__ import annotations

from dataclasses import dataclass

from geomap.geocode.normalize import normalize

__all__ = ["TextMap"]


@dataclass(frozen=True)
class TextMap:
    source: str
    norm: str
    origin: tuple[int, ...]  # origin[i] = offset in source of norm[i]; one extra entry = len(source)

    @classmethod
    def of(cls, text: str) -> TextMap:
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ch.isspace():
                out = " "
            elif ch.isascii():
                out = ch.lower()
            else:
                out = normalize(ch) or ch
            chars.append(out)
            origin.extend([i] * len(out))
        origin.append(len(text))
        return cls(text, "".join(chars), tuple(origin))

    def span(self, nstart: int, nend: int) -> tuple[int, int]:
        """Source offsets of the normalized slice ``norm[nstart:nend]``."""
        return self.origin[nstart], self.origin[nend - 1] + 1
