"""Which language an article is in, and so which word lists extraction should use.

py3langid is restricted to the languages we have resource files for plus a catch-all of widely
written others: without the catch-all, a Spanish article would be forced into French or English and
read with the wrong words; with the full model, short Indonesian text drifts to Javanese or Acehnese.
Indonesian and Malay are one resource family (Malay is served by id.yaml): the detector splits its
belief between them, so they compete with other languages as one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from geomap.extract.resources import FALLBACK, available_languages, has_resources, load_resources
from geomap.model import GeomapError

__all__ = [
    "UND",
    "CATCH_ALL",
    "UnknownLanguage",
    "LanguageChoice",
    "detect_language",
    "resource_language",
    "choose_language",
]

UND = "und"  # ISO 639-2 'undetermined': too little text to tell
MIN_LETTERS = 12
MIN_WORDS = 2

# Languages we have no word lists for, kept in the race so that their text is recognised as foreign.
CATCH_ALL = (
    "es", "pt", "it", "nl", "pl", "cs", "sk", "ro", "hu", "sv", "da", "no", "fi", "et", "lt", "lv", "tr",
    "az", "ka", "hy", "el", "bg", "sr", "hr", "bs", "sl", "mk", "be", "kk", "ar", "fa", "ur", "he", "hi",
    "bn", "zh", "ja", "ko", "vi", "th", "tl", "jv", "sw", "ca",
)  # fmt: skip

# Languages the detector cannot tell apart reliably, which share one resource file.
_FAMILIES = (frozenset({"id", "ms"}),)

_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")


class UnknownLanguage(GeomapError):
    """The text is in a language we have no word lists for (or too short to tell)."""

    def __init__(self, code: str, confidence: float = 0.0, *, given: bool = False) -> None:
        self.code = code
        self.confidence = confidence
        if given:
            what = f"the language given, '{code}', has no word lists"
        elif code == UND:
            what = "the text is too short to tell its language"
        else:
            what = f"the text looks like language '{code}' (confidence {confidence:.2f}), which has no word lists"
        super().__init__(f"{what}; available: {', '.join(available_languages())}")


@dataclass(frozen=True)
class LanguageChoice:
    """What detection found and which resources to read the text with; ``warning`` says when they differ."""

    detected: str
    confidence: float
    resources: str
    warning: str | None = None


SAMPLE_CHARS = 800  # the first 800 characters tell the language of a news article as well as the whole of it


def detect_language(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of ``text``'s language and the detector's confidence (0..1).

    Short or empty text gives ('und', 0.0). A language without resources can come back (e.g. 'es');
    resource_language() turns that into UnknownLanguage. Indonesian and Malay compete as one: the
    more likely of the two is returned with their joint confidence.
    """
    if not text or len(_LETTER.findall(text, 0, 4000)) < MIN_LETTERS or len(_WORD.findall(text, 0, 4000)) < MIN_WORDS:
        return UND, 0.0
    ranked = _identifier().rank(text[:SAMPLE_CHARS])
    scores = dict(ranked)
    best, best_score = ranked[0]
    for family in _FAMILIES:
        joint = sum(scores.get(code, 0.0) for code in family)
        if joint > best_score:
            best = max(family, key=lambda code: scores.get(code, 0.0))
            best_score = joint
        elif best in family:
            best_score = joint
    return best, round(float(min(best_score, 1.0)), 4)


def resource_language(code: str, confidence: float = 0.0, *, given: bool = False) -> str:
    """The resource file for a code ('ms' -> 'id'), or UnknownLanguage when there is none;
    ``given``: the user named the code (messages say so instead of 'detected')."""
    if code != UND and has_resources(code):
        return load_resources(code).code
    raise UnknownLanguage(code, confidence, given=given)


def choose_language(text: str, declared: str | None = None) -> LanguageChoice:
    """Pick the word lists for ``text``: the declared language if given, else the detected one,
    falling back to English resources with a warning when neither has resources."""
    if declared:
        code, confidence = declared.casefold(), 1.0
    else:
        code, confidence = detect_language(text)
    try:
        return LanguageChoice(code, confidence, resource_language(code, confidence, given=bool(declared)))
    except UnknownLanguage as exc:
        return LanguageChoice(code, confidence, FALLBACK, f"{exc}; reading it with '{FALLBACK}' word lists")


@functools.lru_cache(maxsize=1)
def _identifier():  # -> py3langid.langid.LanguageIdentifier (untyped package)
    """A private, restricted identifier (the module-level one of py3langid is shared and mutable)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.labels)
    wanted = {*available_languages(), *(c for f in _FAMILIES for c in f), *CATCH_ALL}
    identifier.set_languages(sorted(wanted & known))
    return identifier
