"""Sentence and paragraph spans with character offsets, language-neutral.

Events are built sentence by sentence and keep the offsets of their quote, so the splitter
must never change the text: it only returns (start, end) spans into it. It knows that
'1.500' and '28.10.2024' are numbers, that 'U.S.' and 'Jan.' do not end a sentence, and
that a closing quote after the full stop belongs to the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "sentences", "paragraphs"]

_ABBREV = {
    "u.s", "u.k", "u.n", "e.g", "i.e", "mr", "mrs", "ms", "dr", "gen", "lt", "col", "sgt", "capt", "maj",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "st", "no", "vs",
    "approx", "dll", "dsb", "tsb", "bpk", "ibu", "prof", "jend", "kol", "letjen", "mayjen", "brigjen",
    "г", "гг", "т.е", "т.д", "z.b", "bzw", "ca", "nr", "mme", "mlle", "av",
}  # fmt: skip

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+|$)")


@dataclass(frozen=True)
class Span:
    """A stretch of the source text: ``text[start:end]``."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def paragraphs(text: str) -> list[Span]:
    """Blocks of text separated by blank lines (or single newlines: news text has no wrapping)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            s, e = _strip(text, m.start(), m.end())
            out.append(Span(s, e))
    return out


def sentences(text: str) -> list[Span]:
    """Sentences of the text, as spans; a line break always ends a sentence."""
    out: list[Span] = []
    for para in paragraphs(text):
        start = para.start
        for m in _END.finditer(text, para.start, para.end):
            if _is_abbreviation(text, m.start()) or not _next_starts_sentence(text, m.end(), para.end):
                continue
            s, e = _strip(text, start, m.end())
            if e > s:
                out.append(Span(s, e))
            start = m.end()
        s, e = _strip(text, start, para.end)
        if e > s:
            out.append(Span(s, e))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    m = re.search(r"(\w[\w.]*)$", text[max(0, dot - 12) : dot])
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def _next_starts_sentence(text: str, pos: int, end: int) -> bool:
    """After a full stop, a new sentence starts with a capital, a digit or an opening quote."""
    i = pos
    while i < end and text[i].isspace():
        i += 1
    if i >= end:
        return True
    c = text[i]
    return c.isupper() or c.isdigit() or c in "\"'“‘«(["


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
