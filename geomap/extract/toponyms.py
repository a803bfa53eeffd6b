"""Toponym recognition and resolution in free text, offline, with no model.

Recognition: every run of up to six words that starts with a capital is looked up among the
gazetteer's names, alternate names and aliases (one indexed query per article), and the raw
matches are filtered the way a reader would:
capitalised, not a common word of the language that happens to name a hamlet, not part of a
person's or organisation's name, longest match first ('Korea Utara' not 'Korea'), small
places only after a location preposition. Region phrases ('wilayah Kursk', 'Kursk region')
and country adjectives ('North Korean') come from the language's resource file.

Resolution: each distinct name is given the candidate that scores best on population, kind,
the countries the document names, and nearness to the other places it names; the
alternatives and a confidence are kept.

A user with an NER model can supply candidate spans instead (:class:`SpanSource`): the
gazetteer then only resolves what the model found.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from geomap.extract.resources import LangResources, load_resources, phrase_alternation
from geomap.extract.textmap import TextMap
from geomap.geocode.base import distance_km
from geomap.geocode.gazetteer import score_match
from geomap.geocode.index import Entry, NameIndex
from geomap.geocode.normalize import normalize
from geomap.model import Place, PlaceKind

__all__ = [
    "Mention",
    "Toponym",
    "SpanSource",
    "ToponymRecognizer",
    "resolve_mentions",
    "find_toponyms",
]

_KIND_RANK = {"country": 3.0, "continent": 3.0, "region": 1.5, "sea": 1.5, "city": 0.0, "other": 0.0}


@dataclass(frozen=True)
class Mention:
    """A span of the text that may name a place, with the gazetteer entries the name can be."""

    text: str
    start: int
    end: int
    key: str
    candidates: tuple[Entry, ...]
    kind_hint: str | None = None  # 'region' for 'wilayah Kursk' when the gazetteer has no such alias
    preposition: str | None = None  # the location word before it ('di', 'to'), evidence of a place
    base: tuple[float, ...] = ()  # the geocoder's context-free score of each candidate


@dataclass
class Toponym:
    """A resolved place name: the mentions of one name in a document, and where it was put."""

    name: str  # the name as written (first mention)
    key: str
    place: Place
    entry: Entry
    mentions: list[Mention]
    confidence: float
    alternatives: list[Entry] = field(default_factory=list)
    reason: str = ""

    @property
    def adjective_only(self) -> bool:
        """Named only by adjectives ('North Korean troops'): a country referred to, not a place named."""
        return all(m.kind_hint == "demonym" for m in self.mentions)

    def to_properties(self) -> dict[str, Any]:
        return {
            "mention": self.name,
            "name": self.place.name,
            "country_code": self.place.country_code,
            "kind": str(self.place.kind),
            "geo_precision": self.place.geo_precision,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "mentions": [{"text": m.text, "start": m.start, "end": m.end} for m in self.mentions],
            "alternatives": [
                {"name": e.name, "country_code": e.country_code, "kind": e.kind, "population": e.population}
                for e in self.alternatives[:3]
            ],
        }


class SpanSource(Protocol):
    """Anything that proposes place-name spans: our gazetteer matcher, or a user's NER model.

    ``spans(text, lang)`` yields (start, end) character offsets of candidate toponyms.
    """

    def spans(self, text: str, lang: str) -> Iterable[tuple[int, int]]: ...


_TOKEN = re.compile(r"\w+", re.UNICODE)
_BAD_GAP = re.compile(r'[,;:!?)\[\]"]')
MAX_NAME_TOKENS = 6  # 'Bosnia and Herzegovina', 'Saint Vincent and the Grenadines'


def _candidates(index: NameIndex, key: str) -> tuple[tuple[Entry, ...], tuple[float, ...]]:
    """The entries a name can be, with the geocoder's own score of each (best first)."""
    scored = sorted((score_match(m) for m in index.find(key)), key=lambda c: (-c.score, c.entry.id))
    return tuple(c.entry for c in scored), tuple(c.score for c in scored)


def _existing_keys(index: NameIndex, keys: Iterable[str]) -> set[str]:
    """Which of these keys the gazetteer has, in a few indexed queries."""
    if hasattr(index, "existing_keys"):
        return set(index.existing_keys(keys))
    keys = list(keys)
    found: set[str] = set()
    for i in range(0, len(keys), 900):
        chunk = keys[i : i + 900]
        marks = ",".join("?" * len(chunk))
        found.update(
            k for (k,) in index._con.execute(f"SELECT DISTINCT key FROM names WHERE key IN ({marks})", chunk)
        )
    return found


@lru_cache(maxsize=16)
def _inflection_rules(res: LangResources) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Case endings of the language, longest first: ('ской', ('ская', 'ский')) for Russian."""
    rules = getattr(res, "inflections", None) or {}
    return tuple(sorted(((k, tuple(v)) for k, v in rules.items()), key=lambda kv: -len(kv[0])))


def _lemma_variants(key: str, rules: Sequence[tuple[str, tuple[str, ...]]], limit: int = 24) -> list[str]:
    """Dictionary forms a case-inflected name may have: 'курской области' -> 'курская область', ...

    Each word's ending is swapped by the language's rules (longest ending that applies, plus
    the word as it is); the product is capped so long names stay cheap.
    """
    options: list[list[str]] = []
    for word in key.split(" "):
        forms = [word]
        for ending, replacements in rules:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                stem = word[: len(word) - len(ending)]
                forms.extend(stem + r for r in replacements)
                break
        options.append(forms)
    out = [""]
    for forms in options:
        out = [f"{a} {b}".strip() for a in out for b in forms][:limit]
    return [v for v in out if v != key]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _starts_name(c: str) -> bool:
    """A token can start a name when it is capitalised, or written in a script without case."""
    return c.isupper() or (c.isalpha() and c.lower() == c.upper())


_DEFAULT: ToponymRecognizer | None = None


class ToponymRecognizer:
    """Finds place-name mentions in a text with the gazetteer and a language's word lists."""

    def __init__(self, index: NameIndex | None = None, span_source: SpanSource | None = None) -> None:
        self.index = index or NameIndex.default()
        self.span_source = span_source
        self._key_cache: dict[str, bool] = {}

    @classmethod
    def default(cls) -> ToponymRecognizer:
        """One recognizer per process over the default index, so its caches serve every article."""
        global _DEFAULT
        if _DEFAULT is None or _DEFAULT.index is not NameIndex.default():
            _DEFAULT = cls()
        return _DEFAULT

    def _known(self, keys: Sequence[str]) -> set[str]:
        """Which keys the gazetteer has, remembering answers across articles (names recur)."""
        cache = self._key_cache
        unknown = [k for k in keys if k not in cache]
        if unknown:
            if len(cache) > 500_000:
                cache.clear()
            found = _existing_keys(self.index, unknown)
            for k in unknown:
                cache[k] = k in found
        return {k for k in keys if cache[k]}

    def mentions(self, text: str, lang: str = "en") -> list[Mention]:
        res = load_resources(lang)
        tmap = TextMap.of(text)
        raw: list[Mention] = []
        if self.span_source is not None:
            for start, end in self.span_source.spans(text, lang):
                key = normalize(text[start:end])
                cands, base = _candidates(self.index, key)
                if cands:
                    raw.append(Mention(text[start:end], start, end, key, cands, base=base))
        else:
            raw = list(self._gazetteer_matches(tmap, res))
        raw.extend(self._demonym_matches(text, res))
        spots = [m.start() for m in _region_words(res).finditer(text.casefold())] if len(text.casefold()) == len(text) else None
        kept = [m for m in (self._judge(m, text, res, spots) for m in raw) if m is not None]
        return _longest_first(kept)

    def _gazetteer_matches(self, tmap: TextMap, res: LangResources | None = None) -> Iterable[Mention]:
        """Every run of up to MAX_NAME_TOKENS words starting with a capital that is a gazetteer key.

        One indexed look-up per article for all candidate runs: measured against a
        pyahocorasick automaton of all 900,000 keys (155 MB pickled, 2.5 s to load per
        process), this needs no memory beyond the SQLite index and starts at once.
        """
        norm, text, origin = tmap.norm, tmap.source, tmap.origin
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(norm)]
        capital = [_starts_name(text[origin[s]]) for s, _ in tokens]
        candidates: dict[str, list[tuple[int, int]]] = {}
        for i, (ns, _) in enumerate(tokens):
            if not capital[i]:
                continue
            lettered = False
            lower_run = 0
            for j in range(i, min(i + MAX_NAME_TOKENS, len(tokens))):
                ne = tokens[j][1]
                if j > i:
                    gap = norm[tokens[j - 1][1] : tokens[j][0]]
                    if gap != " " and (len(gap) > 3 or _BAD_GAP.search(gap) or ("(" in gap and gap.strip() != "(")):
                        break
                    lower_run = 0 if capital[j] else lower_run + 1
                    if lower_run > 2:  # 'Saint Vincent and the Grenadines' has two in a row; no name has three
                        break
                lettered = lettered or not norm[tokens[j][0] : ne].isdigit()
                key = " ".join(norm[ns:ne].split())
                if lettered:
                    candidates.setdefault(key, []).append((ns, ne))
                    if norm[ne : ne + 1] == ".":  # 'U.S.', 'Calif.', 'D.C.': abbreviations keep their dot
                        candidates.setdefault(key + ".", []).append((ns, ne + 1))
                    elif norm[ne : ne + 1] == ")" and "(" in key:  # 'Frankfurt (Oder)'
                        candidates.setdefault(key + ")", []).append((ns, ne + 1))
        rules = _inflection_rules(res) if res is not None else ()
        lemmas: dict[str, set[str]] = {}
        if rules:
            for key in candidates:
                for variant in _lemma_variants(key, rules):
                    lemmas.setdefault(variant, set()).add(key)
        known = self._known([*candidates, *lemmas])
        spans: dict[str, list[tuple[int, int]]] = {}
        for key in candidates:
            if key in known:
                spans.setdefault(key, []).extend(candidates[key])
        for variant, keys in lemmas.items():
            if variant in known:
                for key in keys:
                    if key not in known:  # 'владивостока' -> 'владивосток' only when the form itself is unknown
                        spans.setdefault(variant, []).extend(candidates[key])
        for key in sorted(spans):
            cands, base = _candidates(self.index, key)
            if not cands:
                continue
            for ns, ne in spans[key]:
                start, end = tmap.span(ns, ne)
                yield Mention(text[start:end], start, end, key, cands, base=base)

    def _demonym_matches(self, text: str, res: LangResources) -> Iterable[Mention]:
        """Country adjectives that stand for the country ('North Korean troops', 'российские войска').

        Looked up word by word (runs of up to three words) in the language's table, which is
        far faster than one regex of hundreds of alternatives.
        """
        if not res.demonyms:
            return
        words = [(m.start(), m.end()) for m in _WORDS.finditer(text)]
        firsts, stems = _demonym_heads(res)
        i = 0
        while i < len(words):
            head = text[words[i][0] : words[i][1]].casefold()
            if head not in firsts and not head.startswith(stems):
                i += 1
                continue
            for n in (3, 2, 1):
                if i + n > len(words):
                    continue
                start, end = words[i][0], words[i + n - 1][1]
                phrase = text[start:end]
                if n > 1 and not re.fullmatch(r"[\w'’-]+(?:[ \u00a0][\w'’-]+)*", phrase):
                    continue
                code = res.demonym_country(phrase)
                cands = _country_entries(self.index, code) if code else ()
                if cands:
                    yield Mention(phrase, start, end, normalize(cands[0].name), cands, "demonym", base=(10.0,) * len(cands))
                    i += n - 1
                    break
            i += 1

    def _judge(self, m: Mention, text: str, res: LangResources, region_spots: list[int] | None = None) -> Mention | None:
        """Keep a raw match only if a reader would take it for a place; may widen it to a region phrase."""
        span = m.text
        if m.kind_hint == "demonym":
            return m
        first = span[:1]
        if first.isalpha() and first.islower() and first.upper() != first:
            return None  # lower-case 'bali', 'nice', 'mobile': common words
        prep = _preposition_before(text, m.start, res)
        has_prep = prep is not None
        if res.is_stop_place(span) and not (has_prep and not _sentence_start(text, m.start)):
            return None  # 'Dia', 'Minggu', 'March': a place only mid-sentence after 'di'/'in'
        is_big = any(
            e.kind in ("country", "continent", "region", "sea") or (e.population or 0) >= 100_000
            for e in m.candidates
        )
        from_alias = any(e.source in ("alias", "country", "continent") for e in m.candidates)
        letters = [c for c in span if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) <= 4 and not from_alias:
            return None  # 'NIS', 'PBB', 'KTT': acronyms, not the town of Niš
        if _MODEL_NUMBER.match(text, m.end):
            return None  # 'Sparta IV', 'Kursk-2': a ship's or a weapon's name
        if _is_month_or_weekday(span, res):
            return None  # 'in March', 'pada Minggu'
        if not from_alias and _inside_name(text, m.start, m.end, res):
            return None  # 'Vladimir Putin', 'Kyiv Independent', 'Pacific Fleet'
        max_pop = max((e.population or 0) for e in m.candidates)
        if not (is_big or from_alias) and max_pop < 15_000 and not has_prep:
            return None
        if not (is_big or from_alias) and max_pop < 1_000:
            return None
        near_region_word = region_spots is None or _any_between(region_spots, m.start - 40, m.end + 40)
        region = _region_phrase(text, m.start, m.end, res) if near_region_word else None
        if region is not None:
            start, end = region
            return Mention(text[start:end], start, end, m.key, m.candidates, "region", prep, m.base)
        return Mention(m.text, m.start, m.end, m.key, m.candidates, m.kind_hint, prep, m.base)


@lru_cache(maxsize=16)
def _demonym_heads(res: LangResources) -> tuple[frozenset[str], tuple[str, ...]]:
    """First words of the language's demonyms, and its demonym stems ('росси*'), for a quick pre-check."""
    firsts = frozenset(k.split()[0].casefold() for k in res.demonyms if not k.endswith("*"))
    stems = tuple(k.split()[0].rstrip("*").casefold() for k in res.demonyms if k.endswith("*"))
    return firsts, stems


_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_MODEL_NUMBER = re.compile(r"(?:[ \u00a0]+(?:[IVX]{1,4}|\d{1,3})\b|-\d)")


@lru_cache(maxsize=16)
def calendar_words(res: LangResources) -> frozenset[str]:
    return frozenset(w.casefold() for w in (*res.dates.months, *res.dates.weekdays))


def _is_month_or_weekday(span: str, res: LangResources) -> bool:
    return span.casefold() in calendar_words(res)


@lru_cache(maxsize=16)
def _preposition_tail(res: LangResources) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + phrase_alternation(res.all_location_prepositions) + r")[ \t\u00a0]+$", re.IGNORECASE)


def _preposition_before(text: str, pos: int, res: LangResources) -> str | None:
    """The location word or phrase right before a name ('di', 'ke arah', 'in', 'à destination de')."""
    m = _preposition_tail(res).search(text, max(0, pos - 40), pos)
    return m.group(1) if m else None


@lru_cache(maxsize=16)
def _prepositions(res: LangResources) -> frozenset[str]:
    return frozenset(w.casefold() for w in res.all_location_prepositions)


@lru_cache(maxsize=16)
def _org_words(res: LangResources, position: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in res.organisation_words.get(position, ()))


@lru_cache(maxsize=16)
def _region_words_after(res: LangResources) -> frozenset[str]:
    """Words that follow a name in a region phrase ('{X} region', '{X} Oblast')."""
    out = set()
    for phrase in res.region_phrases:
        after = phrase.partition("{X}")[2]
        if after[:1].isspace() and after.split():
            out.add(after.split()[0].casefold())
    return frozenset(out)


@lru_cache(maxsize=16)
def _region_words(res: LangResources) -> re.Pattern[str]:
    """The fixed words of the region phrases ('wilayah', 'region', 'область'): one must be near."""
    words = {w.casefold() for p in res.region_phrases for w in re.findall(r"\w+", p.replace("{X}", " ")) if len(w) > 1}
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" \t\u00a0\"'“‘«")
    return not before or before[-1] in ".!?\n:"


@lru_cache(maxsize=512)
def _country_entry_cache(index_path: str, code: str) -> tuple[Entry, ...]:
    from babel import Locale

    name = Locale("en").territories.get(code.upper())
    if not name:
        return ()
    index = NameIndex.default() if str(NameIndex.default().path) == index_path else NameIndex(index_path)
    return tuple(e for e in index.lookup(name) if e.kind == "country" and e.country_code == code.upper())


def _country_entries(index: NameIndex, code: str) -> tuple[Entry, ...]:
    """The gazetteer's entry for a country given by ISO code (for adjectives like 'Russian')."""
    return _country_entry_cache(str(index.path), code)


def _word_before(text: str, pos: int) -> str | None:
    m = re.search(r"(\w+)\W{0,3}$", text[max(0, pos - 30) : pos])
    return m.group(1) if m else None


def _word_after(text: str, pos: int) -> str | None:
    m = re.match(r"[ \t\u00a0]+(\w[\w'-]*)", text[pos : pos + 40])
    return m.group(1) if m else None


def _inside_name(text: str, start: int, end: int, res: LangResources) -> bool:
    """True when the match is part of a longer proper name: a person or an organisation."""
    after = _word_after(text, end)
    if after and after.casefold() in _org_words(res, "after"):
        return True
    before = _word_before(text, start)
    if before and before.casefold() in _org_words(res, "before") and text[start - 1 : start] == " ":
        return True
    if (
        before
        and before[:1].isupper()
        and text[start - 1 : start] == " "
        and before.casefold() not in _prepositions(res)
        and not res.is_stop_place(before)
        and res.demonym_country(before) is None
        and not _region_phrase(text, start, end, res)
    ):
        return True  # 'Owen Evans', 'Kim Jong Un': a surname after a capitalised given name
    if after and after[:1].isupper() and after.casefold() not in _region_words_after(res):
        # 'Vladimir Putin': a capitalised word glued to the name (no comma between) that is not
        # 'Oblast' or 'Region'. A following place name ('Kazan Rusia') is rare without a comma.
        return not after.isupper()
    return False


def _any_between(sorted_positions: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_positions, lo)
    return i < len(sorted_positions) and sorted_positions[i] < hi


def _region_phrase(text: str, start: int, end: int, res: LangResources) -> tuple[int, int] | None:
    """The span of a region phrase around the name ('wilayah Kursk', 'Kursk region'), if there is one."""
    lo, hi = max(0, start - 40), min(len(text), end + 40)
    window = text[lo:hi]
    if not _region_words(res).search(window.casefold()):
        return None
    for pattern in res.region_patterns():
        for m in pattern.finditer(window):
            if lo + m.start("name") == start and lo + m.end("name") == end:
                return lo + m.start(), lo + m.end()
    return None


def _longest_first(mentions: Sequence[Mention]) -> list[Mention]:
    """Non-overlapping mentions, preferring the longer one where two overlap."""
    chosen: list[Mention] = []
    taken = bytearray(max((m.end for m in mentions), default=0))
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if taken.find(1, m.start, m.end) != -1:
            continue
        chosen.append(m)
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    return sorted(chosen, key=lambda m: m.start)


# --- resolution -------------------------------------------------------------------------------


COUNTRY_CONTEXT_BONUS = 1.5  # a candidate in a country the document names, at most
NEARBY_BONUS = 1.0  # a town within NEARBY_KM of another place the document names
NEARBY_KM = 300.0
MAX_NEARBY_CANDIDATES = 12  # nearness is weighed for the best-ranked candidates only; the rest never win


def resolve_mentions(mentions: Sequence[Mention]) -> list[Toponym]:
    """Give each distinct name the candidate that best fits the whole document.

    The geocoder's own ranking (name quality, size, kind) is the base; the document adds to
    it: the countries it names (or whose places it names), and nearness to its other places.
    """
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.key, []).append(m)

    # First pass: context-free best guess; the countries of those guesses become the context.
    first: dict[str, Entry] = {key: ms[0].candidates[0] for key, ms in groups.items()}
    context_countries: dict[str, int] = {}
    for key, e in first.items():
        if e.country_code:
            weight = 2 if e.kind == "country" else 1
            context_countries[e.country_code] = context_countries.get(e.country_code, 0) + weight * len(groups[key])
    anchors = [(key, e) for key, e in first.items() if e.kind in ("city", "region")]

    out: list[Toponym] = []
    for key, ms in groups.items():
        if _stray(first[key], ms, context_countries):
            continue
        cands = ms[0].candidates
        base = ms[0].base or (0.0,) * len(cands)
        scored = []
        for rank, (e, s) in enumerate(zip(cands, base, strict=False)):
            s += COUNTRY_CONTEXT_BONUS * min(context_countries.get(e.country_code or "", 0), 3) / 3
            if e.kind in ("city", "other") and rank < MAX_NEARBY_CANDIDATES:
                near = min(
                    (distance_km(e.lat, e.lon, a.lat, a.lon) for k, a in anchors if k != key),
                    default=None,
                )
                if near is not None and near < NEARBY_KM:
                    s += NEARBY_BONUS
            scored.append((s, e))
        scored.sort(key=lambda t: -t[0])
        best_score, best = scored[0]
        runner = scored[1][0] if len(scored) > 1 else None
        confidence = 1.0 if runner is None else 1 / (1 + math.exp(-(best_score - runner)))
        kind_hint = next((m.kind_hint for m in ms if m.kind_hint == "region"), None)
        out.append(
            Toponym(
                name=ms[0].text,
                key=key,
                place=_place_of(best, kind_hint),
                entry=best,
                mentions=list(ms),
                confidence=confidence,
                alternatives=[e for _, e in scored[1:4]],
                reason=_reason(best, len(cands), kind_hint),
            )
        )
    return out


def _stray(e: Entry, mentions: Sequence[Mention], context: dict[str, int]) -> bool:
    """A small town abroad, named once with no 'in'/'di' before it: more likely a person or a word.

    'Owen Evans' should not put Evans, Colorado, on a map of Russia.
    """
    if (
        e.kind not in ("city", "other")
        or (e.population or 0) >= 50_000
        or any(m.preposition for m in mentions)
    ):
        return False
    others = {cc: n for cc, n in context.items() if cc != e.country_code}
    return context.get(e.country_code or "", 0) <= len(mentions) and bool(others)


def _place_of(e: Entry, kind_hint: str | None) -> Place:
    kind = PlaceKind(e.kind) if e.kind in PlaceKind.__members__.values() else PlaceKind.OTHER
    if kind_hint == "region" and kind == PlaceKind.CITY:
        kind = PlaceKind.REGION
    return Place(
        name=e.name,
        lat=e.lat,
        lon=e.lon,
        country_code=e.country_code,
        kind=kind,
        geo_precision=kind.acled_precision,
        source="offline",
        geonameid=e.geonameid,
        population=e.population,
    )


def _reason(e: Entry, n: int, kind_hint: str | None) -> str:
    bits = [f"{e.kind} in {e.country_code or '-'}"]
    if e.population:
        bits.append(f"population {e.population:,}")
    if n > 1:
        bits.append(f"best of {n} candidates")
    if kind_hint == "region":
        bits.append("region phrase, placed on its main city")
    return "; ".join(bits)


def find_toponyms(text: str, lang: str = "en", recognizer: ToponymRecognizer | None = None) -> list[Toponym]:
    """Recognise and resolve the place names of a text in one call."""
    rec = recognizer or ToponymRecognizer.default()
    return resolve_mentions(rec.mentions(text, lang))
