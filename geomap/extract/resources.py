"""Per-language word lists for text extraction, loaded from ``resources/<lang>.yaml``.

Everything that differs between languages (month names, date grammar, movement and speech cues,
number format, words that look like places but are not) lives in one YAML file per language, so
adding a language adds a file, not code. This module only reads, checks and caches those files.

Phrases in the lists are matched case-insensitively on word boundaries; a trailing ``*`` marks a
stem that takes any ending (``переброш*``), which inflected languages need.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from geomap.model import GeomapError, Mode, Status

__all__ = [
    "RESOURCES_DIR",
    "FALLBACK",
    "LangResources",
    "DateWords",
    "DateTemplate",
    "RelativeExpr",
    "MovementCue",
    "NumberFormat",
    "load_resources",
    "load_resource_file",
    "available_languages",
    "has_resources",
    "compile_phrases",
    "phrase_set",
    "PhraseSet",
]

RESOURCES_DIR = Path(__file__).with_name("resources")
FALLBACK = "en"

UNITS = ("day", "week", "month", "year")
PARTS = ("beginning", "early", "mid", "late", "end")
DIRECTIONS = ("to", "at", "from", "via", "none")
WEEKDAY_DIRECTIONS = ("past", "last", "next")
PREPOSITION_ROLES = ("at", "to", "from", "near", "via")
ORG_POSITIONS = ("before", "after")


@dataclass(frozen=True)
class RelativeExpr:
    """A phrase such as 'last week': ``offset`` periods of ``unit`` from the publication date."""

    phrase: str
    unit: str
    offset: int
    part_only: bool = False  # only meaningful after a part of period: 'the month' in 'end of the month'
    exact_case: bool = False  # German 'morgen' (tomorrow) but not 'Morgen' (morning)


@dataclass(frozen=True)
class DateTemplate:
    """One pattern of the date grammar, e.g. ``{month} {day}[,] {year}`` (see dates.py for the syntax)."""

    pattern: str
    direction: str = "past"  # for weekdays: past = on or before publication, last = before, next = after
    unit: str | None = None  # for counted expressions ('{n} days ago'): the unit counted
    sign: int = -1  # and whether the count goes back (-1) or forward (+1)


@dataclass(frozen=True)
class DateWords:
    """The words and grammar that dates.py builds its regular expressions from."""

    months: Mapping[str, int]
    months_case_sensitive: bool
    weekdays: Mapping[str, int]  # Monday = 0
    weekdays_case_sensitive: bool
    ambiguous_weekdays: frozenset[str]  # never matched by a template that is a bare {weekday}
    day_suffixes: tuple[str, ...]
    year_suffixes: tuple[str, ...]
    numbers: Mapping[str, int]  # small number words for counted expressions
    relative: tuple[RelativeExpr, ...]
    parts: Mapping[str, tuple[str, ...]]  # part of period -> phrases
    words: Mapping[str, tuple[str, ...]]  # named phrase lists usable as {name} in templates
    templates: tuple[DateTemplate, ...]


@dataclass(frozen=True)
class MovementCue:
    """A verb or phrase that marks a movement, and which role the place after it plays.

    ``to``: the destination follows ('dikirim ke', 'deployed to', 'entered'); ``at``: where the actor
    now is follows ('dikerahkan di', 'arrived in'); ``from``: the origin follows ('withdrawn from');
    ``via``: a transit point follows; ``none``: the verb alone ('mengangkut', 'redeployed'), places
    come with their own prepositions.
    """

    phrase: str
    direction: str


@dataclass(frozen=True)
class NumberFormat:
    """How the language writes numbers: '1.500' is fifteen hundred in Indonesian, 1.5 in English."""

    thousands: tuple[str, ...]
    decimal: str
    words: Mapping[str, int]  # multipliers: 'ribu' 1000, 'thousand' 1000, 'тысяч*' 1000


@dataclass(frozen=True)
class LangResources:
    """Everything language-specific that extraction needs, for one language."""

    code: str
    name: str
    aliases: tuple[str, ...]
    path: Path
    quotes: tuple[tuple[str, str], ...]
    dates: DateWords
    location_prepositions: Mapping[str, tuple[str, ...]]
    movement_cues: tuple[MovementCue, ...]
    origin_markers: tuple[str, ...]
    transit_markers: tuple[str, ...]
    speech_cues: tuple[str, ...]
    meeting_cues: tuple[str, ...]
    status_cues: Mapping[Status, tuple[str, ...]]
    mode_cues: Mapping[Mode, tuple[str, ...]]
    troop_words: tuple[str, ...]
    quantity_nouns: tuple[str, ...]
    number_format: NumberFormat
    stop_words_places: frozenset[str]
    demonyms: Mapping[str, str]
    demonyms_case_sensitive: bool
    region_phrases: tuple[str, ...]
    organisation_words: Mapping[str, tuple[str, ...]]
    since_markers: tuple[str, ...] = ()  # 'since 1990': the date starts a span, it does not date an event
    inflections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # case ending -> dictionary endings

    @property
    def all_location_prepositions(self) -> tuple[str, ...]:
        """Every location preposition, whatever its role."""
        return tuple(dict.fromkeys(w for words in self.location_prepositions.values() for w in words))

    def is_stop_place(self, word: str) -> bool:
        """True for a word that is far more often a common word than a place ('Dia', 'March').

        Such a word should be taken as a place only when capitalised in mid-sentence after a
        location preposition.
        """
        return word.casefold() in self.stop_words_places

    def demonym_country(self, word: str) -> str | None:
        """The ISO country code a demonym stands for ('North Korean' -> 'KP'), or None."""
        key = " ".join(word.split())
        if self.demonyms_case_sensitive:
            if key in self.demonyms:
                return self.demonyms[key]
            return next((code for stem, code in self._demonym_stems_exact if key.startswith(stem)), None)
        key = key.casefold()
        if key in self._demonyms_folded:
            return self._demonyms_folded[key]
        for stem, code in self._demonym_stems:
            if key.startswith(stem):
                return code
        return None

    @functools.cached_property
    def _demonyms_folded(self) -> dict[str, str]:
        return {k.casefold(): v for k, v in self.demonyms.items() if not k.endswith("*")}

    @functools.cached_property
    def _demonym_stems_exact(self) -> tuple[tuple[str, str], ...]:
        stems = [(k[:-1], v) for k, v in self.demonyms.items() if k.endswith("*")]
        return tuple(sorted(stems, key=lambda kv: -len(kv[0])))

    @functools.cached_property
    def _demonym_stems(self) -> tuple[tuple[str, str], ...]:
        stems = [(k[:-1].casefold(), v) for k, v in self.demonyms.items() if k.endswith("*")]
        return tuple(sorted(stems, key=lambda kv: -len(kv[0])))

    def region_patterns(self) -> tuple[re.Pattern[str], ...]:
        """``region_phrases`` compiled: group ``name`` is the place the phrase makes a region of."""
        return _region_patterns(self.region_phrases)

    def pattern(self, phrases: Iterable[str]) -> re.Pattern[str]:
        """A compiled matcher for a list of this language's phrases (see compile_phrases)."""
        return compile_phrases(tuple(phrases))

    def parse_number(self, text: str) -> float | None:
        """Read a quantity as this language writes it: '1.500' (id) or '1,500' (en), '10 ribu', '2 тысячи'.

        Returns None when the text holds no number.
        """
        return _parse_number(text.strip(), self.number_format)

    # the fields hold mappings, which do not hash; the caches keyed on resources need a hash, and the
    # code is what tells languages apart (equality still compares every field)
    def __hash__(self) -> int:
        return hash(self.code)


# ---------------------------------------------------------------------------------------------------
# phrase matching


@functools.lru_cache(maxsize=512)
def compile_phrases(phrases: tuple[str, ...], case_sensitive: bool = False) -> re.Pattern[str]:
    """One regex matching any of the phrases as whole words, longest first.

    Spaces match any run of whitespace; a ``*`` at the end of a word lets it take any ending; the two
    apostrophes (' and ’) match each other.
    """
    return re.compile(phrase_alternation(phrases), 0 if case_sensitive else re.IGNORECASE)


class PhraseSet:
    """A phrase list matched through its first words.

    One regex of dozens of alternatives tries each of them at every position of a text. Here
    the phrases are grouped by first word (or by stem, for '*' words); a sentence's words select
    the few groups that can match, and only their small regexes run. Matches come back in
    reading order, the longer phrase winning where two overlap, as one alternation would.
    """

    __slots__ = ("by_head", "heads", "by_stem", "stem_rx")

    def __init__(self, phrases: tuple[str, ...]) -> None:
        heads: dict[str, list[str]] = {}
        stems: dict[str, list[str]] = {}
        for phrase in phrases:
            first = _HEAD_WORD.findall(phrase.casefold())
            if not first:
                continue
            if phrase.split()[0].endswith("*"):
                stems.setdefault(first[0], []).append(phrase)
            else:
                heads.setdefault(first[0], []).append(phrase)
        self.by_head = {h: compile_phrases(tuple(ps)) for h, ps in heads.items()}
        self.heads = frozenset(self.by_head)
        self.by_stem = tuple((st, compile_phrases(tuple(ps))) for st, ps in sorted(stems.items()))
        alts = "|".join(re.escape(st) for st in sorted(stems, key=len, reverse=True))
        self.stem_rx = re.compile(rf"(?<!\w)(?:{alts})") if alts else None

    def _patterns(self, text: str) -> list[re.Pattern[str]]:
        words = _word_set(text)
        out = [self.by_head[w] for w in words & self.heads]
        if self.stem_rx is not None:
            hits = {m.group(0) for m in self.stem_rx.finditer(text.casefold())}
            if hits:
                out += [p for stem, p in self.by_stem if any(h.startswith(stem) for h in hits)]
        return out

    def finditer(self, text: str) -> list[re.Match[str]]:
        patterns = self._patterns(text)
        if not patterns:
            return []
        found = [m for p in patterns for m in p.finditer(text)]
        if len(patterns) > 1:
            found.sort(key=lambda m: (m.start(), m.start() - m.end()))
            kept: list[re.Match[str]] = []
            for m in found:
                if not kept or m.start() >= kept[-1].end():
                    kept.append(m)
            found = kept
        return found

    def search(self, text: str) -> re.Match[str] | None:
        found = self.finditer(text)
        return found[0] if found else None


_HEAD_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=64)
def _word_set(text: str) -> frozenset[str]:
    """The words of a sentence, once for all the phrase lists that look at it."""
    return frozenset(_HEAD_WORD.findall(text.casefold()))


@functools.lru_cache(maxsize=512)
def phrase_set(phrases: tuple[str, ...]) -> PhraseSet:
    """A cached :class:`PhraseSet` of the phrases."""
    return PhraseSet(phrases)


def phrase_alternation(phrases: Iterable[str]) -> str:
    """The regex source of compile_phrases, without flags, for embedding in larger patterns."""
    alts = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        words = phrase.split()
        if not words:
            continue
        body = r"\s+".join(_word_source(w) for w in words)
        head = r"(?<!\w)" if words[0][0].isalnum() else ""
        last = words[-1]
        tail = r"(?!\w)" if last[-1].isalnum() or last.endswith("*") else ""
        alts.append(head + body + tail)
    if not alts:
        return "(?!)"
    return "(?:" + "|".join(alts) + ")"


def _word_source(word: str) -> str:
    """One word of a phrase: '*' at its end takes any ending, either apostrophe matches the other."""
    stem = word.endswith("*") and len(word) > 1
    src = re.sub("['’]", "['’]", re.escape(word[:-1] if stem else word))
    return src + (r"\w*" if stem else "")


_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ"
_NAME = rf"(?-i:[{_UPPER}])[\w'’.-]*(?:[ -](?-i:[{_UPPER}])[\w'’.-]*){{0,3}}"
_STEM = rf"(?-i:[{_UPPER}])\w+"


@functools.lru_cache(maxsize=64)
def _region_patterns(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    out = []
    for phrase in phrases:
        before, _, after = phrase.partition("{X}")
        glued = bool(after) and not after[0].isspace()  # '{X}ская область': the name is a stem
        name = _STEM if glued else _NAME
        src = (
            (
                r"(?<!\w)" + r"\s+".join(re.escape(w) for w in before.split()) + r"\s+"
                if before.strip()
                else ""
            )
            + f"(?P<name>{name})"
            + (r"\s+".join(re.escape(w) for w in after.split()) if glued else "")
            + (
                r"\s+" + r"\s+".join(re.escape(w) for w in after.split())
                if after.strip() and not glued
                else ""
            )
            + r"(?!\w)"
        )
        out.append(re.compile(src, re.IGNORECASE))
    return tuple(out)


# ---------------------------------------------------------------------------------------------------
# numbers


def _parse_number(text: str, fmt: NumberFormat) -> float | None:
    m = re.match(r"(\d[\d\s.,\u00a0\u202f']*)(?:\s*(.*))?$", text, re.S)
    if not m:
        mult = _multiplier(text, fmt)
        return float(mult) if mult else None
    digits = m.group(1).rstrip(" .,\u00a0\u202f'")
    value = _read_digits(digits, fmt)
    if value is None:
        return None
    rest = (m.group(2) or "").strip()
    if rest:
        mult = _multiplier(rest.split()[0] if rest.split() else rest, fmt)
        if mult:
            value *= mult
    return value


def _read_digits(digits: str, fmt: NumberFormat) -> float | None:
    """'1.500' -> 1500 where '.' groups thousands; '1.5' -> 1.5 when its group is not three digits."""
    s = digits
    for sep in fmt.thousands:
        if sep == fmt.decimal:
            continue
        parts = s.split(sep)
        if len(parts) > 1 and all(len(p) == 3 and p.isdigit() for p in parts[1:]) and parts[0][-3:].isdigit():
            s = "".join(parts)
    if fmt.decimal != "." and fmt.decimal in s:
        s = s.replace(fmt.decimal, ".")
    s = s.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "")
    if s.count(".") > 1:
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def _multiplier(word: str, fmt: NumberFormat) -> int | None:
    w = word.casefold().strip(".,;:")
    for key, mult in fmt.words.items():
        k = key.casefold()
        if k.endswith("*") and w.startswith(k[:-1]) or w == k or w == k.rstrip("."):
            return mult
    return None


# ---------------------------------------------------------------------------------------------------
# loading


class _WordLoader(yaml.SafeLoader):
    """YAML that reads only true/false as booleans: word lists hold 'no', 'on', 'off' and Norway's 'NO'."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def available_languages() -> tuple[str, ...]:
    """Codes that have a resource file, and the aliases those files declare ('ms' for 'id')."""
    return tuple(sorted(_alias_map()))


def has_resources(code: str) -> bool:
    return code.casefold() in _alias_map()


@functools.lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    """code or alias -> file stem."""
    out: dict[str, str] = {}
    for path in sorted(RESOURCES_DIR.glob("*.yaml")):
        out[path.stem] = path.stem
        with path.open(encoding="utf-8") as fh:
            head = yaml.load(fh, Loader=_WordLoader) or {}
        for alias in head.get("aliases") or []:
            out.setdefault(str(alias).casefold(), path.stem)
    return out


def load_resources(lang: str | None) -> LangResources:
    """The resources of ``lang`` (an ISO 639-1 code or an alias such as 'ms'), else English ones.

    Falling back is silent here; language.resource_language tells the caller when it happens.
    """
    stem = _alias_map().get((lang or "").casefold(), FALLBACK)
    return _load_file(RESOURCES_DIR / f"{stem}.yaml")


def load_resource_file(path: str | Path) -> LangResources:
    """Read and check one resource file (e.g. a new language's, before dropping it into RESOURCES_DIR).

    Raises GeomapError naming the file, line and field of the first problem.
    """
    return _load_file(Path(path).resolve())


@functools.lru_cache(maxsize=32)
def _load_file(path: Path) -> LangResources:
    try:
        return _Reader(path).build()
    except OSError as exc:
        raise GeomapError(f"{path}: cannot read the resource file: {exc.strerror or exc}") from None


class _Reader:
    """Reads one resource file, checking each field and naming file, line and field when one is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = path.read_text(encoding="utf-8")
        try:
            loader = _WordLoader(text)
            try:
                node = loader.get_single_node()
                self.data = loader.construct_document(node) if node is not None else {}
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise GeomapError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
        self.lines: dict[tuple[str, ...], int] = {}
        if node is not None:
            self._index(node, ())
        if not isinstance(self.data, dict):
            raise GeomapError(f"{path}:1: a resource file must be a mapping of fields")

    def _index(self, node: yaml.Node, key: tuple[str, ...]) -> None:
        self.lines[key] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                self._index(v, (*key, str(k.value)))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                self._index(v, (*key, str(i)))

    def fail(self, key: tuple[str, ...], message: str) -> GeomapError:
        probe = key
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        return GeomapError(f"{self.path}:{line}: [{'.'.join(key)}] {message}")

    def get(self, key: tuple[str, ...], default: Any = None) -> Any:
        cur: Any = self.data
        for k in key:
            if not isinstance(cur, dict) or k not in cur:
                return default
            cur = cur[k]
        return cur

    def strings(self, key: tuple[str, ...], required: bool = False, raw: bool = False) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return ()
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of phrases, not {type(value).__name__}")
        out = []
        for i, item in enumerate(value):
            if (
                not isinstance(item, str | int)
                or isinstance(item, bool)
                or not (str(item) if raw else str(item).strip())
            ):
                raise self.fail((*key, str(i)), f"must be a non-empty phrase, not {item!r}")
            out.append(str(item) if raw else str(item).strip())
        return tuple(out)

    def mapping(self, key: tuple[str, ...], required: bool = False) -> dict[str, Any]:
        value = self.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping, not {type(value).__name__}")
        return {str(k): v for k, v in value.items()}

    def int_map(self, key: tuple[str, ...], lo: int, hi: int, required: bool = False) -> dict[str, int]:
        out = {}
        for k, v in self.mapping(key, required).items():
            if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
                raise self.fail((*key, k), f"must be a whole number {lo}..{hi}, not {v!r}")
            out[k.casefold()] = v
        return out

    def roles(self, key: tuple[str, ...], allowed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        out = {}
        for k in self.mapping(key):
            if k not in allowed:
                raise self.fail((*key, k), f"unknown key; expected one of {', '.join(allowed)}")
            out[k] = self.strings((*key, k))
        return out

    def build(self) -> LangResources:
        code = self.get(("code",))
        if not isinstance(code, str) or code != self.path.stem:
            raise self.fail(
                ("code",), f"must be the file's name without .yaml ({self.path.stem!r}), not {code!r}"
            )
        quotes = []
        for i, pair in enumerate(self.get(("quotes",)) or []):
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(q, str) and q for q in pair)
            ):
                raise self.fail(("quotes", str(i)), "must be a pair [opening, closing]")
            quotes.append((pair[0], pair[1]))
        status = {}
        for k in self.mapping(("status_cues",)):
            try:
                status[Status(k)] = self.strings(("status_cues", k))
            except ValueError:
                raise self.fail(
                    ("status_cues", k), f"unknown status; expected one of {list(map(str, Status))}"
                ) from None
        modes = {}
        for k in self.mapping(("mode_cues",)):
            try:
                modes[Mode(k)] = self.strings(("mode_cues", k))
            except ValueError:
                raise self.fail(
                    ("mode_cues", k), f"unknown mode; expected one of {list(map(str, Mode))}"
                ) from None
        demonyms = {}
        for k, v in self.mapping(("demonyms",)).items():
            if not (isinstance(v, str) and re.fullmatch(r"[A-Z]{2}", v)):
                raise self.fail(("demonyms", k), f"must be an ISO 3166 alpha-2 code, not {v!r}")
            demonyms[k] = v
        regions = self.strings(("region_phrases",))
        for i, phrase in enumerate(regions):
            if phrase.count("{X}") != 1:
                raise self.fail(("region_phrases", str(i)), "must hold {X} once, where the place name goes")
        return LangResources(
            code=code,
            name=str(self.get(("name",)) or code),
            aliases=tuple(str(a).casefold() for a in self.strings(("aliases",))),
            path=self.path,
            quotes=tuple(quotes),
            dates=self._dates(),
            location_prepositions=MappingProxyType(self.roles(("location_prepositions",), PREPOSITION_ROLES)),
            movement_cues=self._movement_cues(),
            origin_markers=self.strings(("movement_cues", "origin_markers")),
            transit_markers=self.strings(("movement_cues", "transit_markers")),
            speech_cues=self.strings(("speech_cues",)),
            meeting_cues=self.strings(("meeting_cues",)),
            status_cues=MappingProxyType(status),
            mode_cues=MappingProxyType(modes),
            troop_words=self.strings(("troop_words",)),
            quantity_nouns=self.strings(("quantity_nouns",)),
            number_format=self._numbers(),
            stop_words_places=frozenset(w.casefold() for w in self.strings(("stop_words_places",))),
            demonyms=MappingProxyType(demonyms),
            demonyms_case_sensitive=bool(self.get(("demonyms_case_sensitive",), False)),
            region_phrases=regions,
            organisation_words=MappingProxyType(self.roles(("organisation_words",), ORG_POSITIONS)),
            since_markers=self.strings(("since_markers",)),
            inflections=MappingProxyType(self._inflections()),
        )

    def _inflections(self) -> dict[str, tuple[str, ...]]:
        """``inflections: {ending: [dictionary endings]}``: 'области' -> 'область' in Russian."""
        out = {}
        for k, v in self.mapping(("inflections",)).items():
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise self.fail(("inflections", k), "must be a list of endings (use '' for none)")
            out[k.casefold()] = tuple(x.casefold() for x in v)
        return out

    def _movement_cues(self) -> tuple[MovementCue, ...]:
        key = ("movement_cues", "verbs")
        out = []
        for i, item in enumerate(self.get(key) or []):
            k = (*key, str(i))
            if not isinstance(item, dict) or not isinstance(item.get("phrase"), str):
                raise self.fail(k, "must be {phrase: ..., direction: ...}")
            direction = item.get("direction", "none")
            if direction not in DIRECTIONS:
                raise self.fail(
                    (*k, "direction"), f"must be one of {', '.join(DIRECTIONS)}, not {direction!r}"
                )
            out.append(MovementCue(item["phrase"].strip(), direction))
        return tuple(out)

    def _numbers(self) -> NumberFormat:
        key = ("number_format",)
        fmt = self.mapping(key, required=True)
        decimal = fmt.get("decimal")
        if decimal not in (".", ","):
            raise self.fail((*key, "decimal"), f"must be '.' or ',', not {decimal!r}")
        thousands = self.strings((*key, "thousands"), required=True, raw=True)
        words = {}
        for k, v in self.mapping((*key, "words")).items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise self.fail((*key, "words", k), f"must be a positive whole number, not {v!r}")
            words[k] = v
        return NumberFormat(thousands, decimal, MappingProxyType(words))

    def _dates(self) -> DateWords:
        key = ("dates",)
        relative = []
        for i, item in enumerate(self.get((*key, "relative")) or []):
            k = (*key, "relative", str(i))
            if not isinstance(item, dict) or not isinstance(item.get("phrase"), str):
                raise self.fail(k, "must be {phrase: ..., unit: ..., offset: ...}")
            if item.get("unit") not in UNITS:
                raise self.fail((*k, "unit"), f"must be one of {', '.join(UNITS)}, not {item.get('unit')!r}")
            offset = item.get("offset", 0)
            if not isinstance(offset, int) or isinstance(offset, bool):
                raise self.fail((*k, "offset"), f"must be a whole number, not {offset!r}")
            relative.append(
                RelativeExpr(
                    item["phrase"].strip(),
                    item["unit"],
                    offset,
                    bool(item.get("part_only", False)),
                    bool(item.get("exact_case", False)),
                )
            )
        templates = []
        for i, item in enumerate(self.get((*key, "templates")) or []):
            k = (*key, "templates", str(i))
            if isinstance(item, str):
                item = {"pattern": item}
            if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
                raise self.fail(k, "must be a pattern string or {pattern: ..., direction: ...}")
            direction = item.get("direction", "past")
            if direction not in WEEKDAY_DIRECTIONS:
                raise self.fail((*k, "direction"), f"must be one of {', '.join(WEEKDAY_DIRECTIONS)}")
            unit = item.get("unit")
            if unit is not None and unit not in UNITS:
                raise self.fail((*k, "unit"), f"must be one of {', '.join(UNITS)}, not {unit!r}")
            sign = item.get("sign", -1)
            if sign not in (-1, 1):
                raise self.fail((*k, "sign"), f"must be -1 or 1, not {sign!r}")
            templates.append(DateTemplate(item["pattern"], direction, unit, sign))
        parts = self.roles((*key, "part_of_period"), PARTS)
        words = {k: self.strings((*key, "words", k)) for k in self.mapping((*key, "words"))}
        return DateWords(
            months=MappingProxyType(self.int_map((*key, "months"), 1, 12, required=True)),
            months_case_sensitive=bool(self.get((*key, "months_case_sensitive"), False)),
            weekdays=MappingProxyType(self.int_map((*key, "weekdays"), 0, 6, required=True)),
            weekdays_case_sensitive=bool(self.get((*key, "weekdays_case_sensitive"), False)),
            ambiguous_weekdays=frozenset(w.casefold() for w in self.strings((*key, "ambiguous_weekdays"))),
            day_suffixes=self.strings((*key, "day_suffixes")),
            year_suffixes=self.strings((*key, "year_suffixes")),
            numbers=MappingProxyType(self.int_map((*key, "numbers"), 1, 100)),
            relative=tuple(relative),
            parts=MappingProxyType(parts),
            words=MappingProxyType(words),
            templates=tuple(templates),
        )
