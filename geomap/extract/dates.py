"""Find date expressions in article text and resolve them against the publication date.

The grammar is data: each language's resource file lists templates such as ``{month} {day}[,] {year}``
or ``{part} {rel_any}`` ('akhir bulan ini'). Each is compiled once per language into a regular
expression and tried only where a word that can begin it stands; every match is kept, overlapping
ones included, and the longest mention wins. dateparser is not used: over a whole article it is 30 to
200 times slower (benchmarks/bench_dates.py), finds numbers that are not dates, and knows nothing of
publication dates or of 'early October'.

Year-less dates ('28 Oktober') take the year that puts them nearest before publication, allowing a
few days after it ('28 December' published on 3 January is the December before). Relative
expressions ('last week', 'Minggu lalu') inside direct quotes are left out: they are relative to
when the words were spoken, which the text does not say.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geomap.extract.resources import (
    DateTemplate,
    LangResources,
    RelativeExpr,
    load_resources,
    phrase_alternation,
)
from geomap.model import DatePrecision, GeomapError

__all__ = ["DateMention", "find_dates", "resolve_year", "FUTURE_DAYS"]

# A year-less date may fall this many days after publication and keep the publication's year:
# news announces plans ('troops will arrive on 20 February', 'the exercise in June'), so the year
# is the one that puts the date nearest the publication, with the window tilted towards the past
# (about five months ahead, seven back), since reports speak of what happened more than of plans.
FUTURE_DAYS = 150

_PRECISION = {
    "day": DatePrecision.DAY,
    "week": DatePrecision.WEEK,
    "month": DatePrecision.MONTH,
    "year": DatePrecision.YEAR,
}


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text: ``text[start:end] == mention``; ``value`` is the first day of the
    period meant, ``precision`` its length; ``assumed_year`` is True when the year was not written
    out and was guessed from the publication date (or today's, without one)."""

    mention: str
    start: int
    end: int
    value: dt.date
    precision: DatePrecision
    assumed_year: bool


def find_dates(
    text: str,
    published: dt.date | None,
    lang: str | LangResources,
    *,
    quoted_relative: bool = False,
    future_days: int = FUTURE_DAYS,
) -> list[DateMention]:
    """Every date expression in ``text``, in text order, resolved against ``published``.

    ``lang`` picks the resource file (unknown codes use English), or is the resources themselves.
    Without a publication date, dates are resolved against today and all marked assumed.
    ``quoted_relative=True`` keeps relative expressions found inside direct quotes, resolved against
    publication anyway.
    """
    if not text:
        return []
    grammar = _grammar(lang if isinstance(lang, LangResources) else load_resources(lang))
    anchor = published or dt.date.today()
    found: list[tuple[DateMention, bool]] = []
    starts, anywhere = grammar.starts, grammar.anywhere
    for token in _TOKEN.finditer(text):
        word = token.group()
        prefilter, candidates = starts.get(_DIGIT if word[0].isdigit() else word.casefold(), _NONE)
        if not candidates and not anywhere:
            continue
        here = token.start()
        if prefilter is not None and not anywhere and prefilter.match(text, here) is None:
            continue
        candidates += anywhere
        for tpl in candidates:  # every template that can start here, so a rejected one hides no other
            m = tpl.regex.match(text, here)
            if m is not None:
                resolved = tpl.resolve(m, text, anchor, published is None, future_days)
                if resolved is not None:
                    found.append((resolved, tpl.deictic))
    # longest mention first; among equals the earliest, then the template listed first
    chosen: list[tuple[DateMention, bool]] = []
    for mention, deictic in sorted(found, key=lambda f: (f[0].start - f[0].end, f[0].start)):
        if not any(mention.start < c.end and c.start < mention.end for c, _ in chosen):
            chosen.append((mention, deictic))
    quotes = [] if quoted_relative or not chosen else _quoted_spans(text, grammar.resources.quotes)
    return [
        mention
        for mention, deictic in sorted(chosen, key=lambda c: c[0].start)
        if not (deictic and any(s <= mention.start < e for s, e in quotes))
    ]


def resolve_year(
    month: int, day: int | None, reference: dt.date, future_days: int = FUTURE_DAYS
) -> int | None:
    """The year that puts ``day month`` (or the month's start) nearest ``reference``, tilted to the past.

    A date up to ``future_days`` after the reference keeps the reference's year. None only for a
    day that exists in no nearby year (30 February).
    """
    limit = reference + dt.timedelta(days=future_days)
    for year in range(reference.year + 1, reference.year - 9, -1):
        try:
            candidate = dt.date(year, month, day or 1)
        except ValueError:
            continue
        if candidate <= limit:
            return year
    return None


# ---------------------------------------------------------------------------------------------------
# resolution helpers


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _relative(anchor: dt.date, unit: str, offset: int) -> dt.date:
    if unit == "day":
        return anchor + dt.timedelta(days=offset)
    if unit == "week":
        return anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
    if unit == "month":
        return _add_months(anchor.replace(day=1), offset)
    return dt.date(anchor.year + offset, 1, 1)


def _weekday(anchor: dt.date, weekday: int, direction: str) -> dt.date:
    if direction == "next":
        return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    back = (anchor.weekday() - weekday) % 7
    if direction == "last" and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


# ---------------------------------------------------------------------------------------------------
# the compiled grammar

_SEP = r"(?:(?<=-)|[^\S\n]+|[^\S\n]*\n[^\S\n]*)"  # spaces, one line break, or nothing after a '-'
_BUILTINS = ("day", "month", "mnum", "year", "weekday", "part", "rel", "rel_any", "n")
_NUMBER_GUARD = r"(?<![\w.,])"  # a day or year does not start inside a number such as '1.500'

_TOKEN = re.compile(r"\w+|[^\w\s]")  # how text and phrases are cut into words to find where templates start
_DIGIT = "#"  # the start key of templates that begin with a number
_ANY = "*"  # the start key of templates whose first word is a stem: tried at every word
_NONE: tuple[None, tuple[_Template, ...]] = (None, ())
_ISO_8601 = DateTemplate("{year}-{mnum}-{day}")  # the same in every language, so not in the files
Token = tuple[str, Any]


@dataclass
class _Grammar:
    """One language's date grammar: its templates, indexed by the words they can begin with."""

    resources: LangResources
    templates: list[_Template]
    # first word (casefolded) or _DIGIT -> a regex that matches where any of them does, and the templates
    starts: dict[str, tuple[re.Pattern[str] | None, tuple[_Template, ...]]]
    anywhere: tuple[_Template, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, RelativeExpr]
    numbers: dict[str, int]
    blockers: re.Pattern[str]  # words after a bare year that make it a quantity ('2000 troops')


class _Template:
    """One compiled template: its regex, the slots it fills, and how a match becomes a DateMention."""

    def __init__(
        self, index: int, spec: DateTemplate, source: str, slots: set[str], grammar: _Grammar
    ) -> None:
        self.index = index
        self.spec = spec
        self.regex = re.compile(source, re.IGNORECASE)
        self.slots = slots
        self.grammar = grammar
        # relative and weekday expressions mean something only relative to when they were said
        self.deictic = (
            spec.unit is not None
            or bool({"rel", "rel_any"} & slots)
            or ("weekday" in slots and "day" not in slots)
        )

    def group(self, m: re.Match[str], name: str) -> str | None:
        return m.group(f"{name}_{self.index}") if name in self.slots else None

    def resolve(
        self, m: re.Match[str], text: str, anchor: dt.date, no_reference: bool, future_days: int
    ) -> DateMention | None:
        g = self.grammar
        start, end = m.span(f"m_{self.index}")

        def made(value: dt.date, unit: str, assumed: bool) -> DateMention:
            return DateMention(text[start:end], start, end, value, _PRECISION[unit], assumed)

        weekday_word = self.group(m, "weekday")
        if weekday_word is not None and not self._weekday_allowed(m, weekday_word):
            return None
        rel = self.group(m, "rel") or self.group(m, "rel_any")
        if rel is not None:
            expr = g.relative[_key(rel)]
            return made(_relative(anchor, expr.unit, expr.offset), expr.unit, no_reference)
        if self.spec.unit is not None:
            n_word = self.group(m, "n")
            n = 1 if n_word is None else int(n_word) if n_word.isdigit() else g.numbers.get(_key(n_word))
            if not n:
                return None
            return made(_relative(anchor, self.spec.unit, self.spec.sign * n), self.spec.unit, no_reference)
        day_s, month_s, mnum_s, year_s = (self.group(m, k) for k in ("day", "month", "mnum", "year"))
        if weekday_word is not None and day_s is None:
            weekday = g.weekdays[_key(weekday_word)]
            return made(_weekday(anchor, weekday, self.spec.direction), "day", no_reference)
        month = g.months[_key(month_s)] if month_s else int(mnum_s) if mnum_s else None
        year = int(year_s) if year_s else None
        if month is None:
            if year is None or not 1900 <= year <= 2100 or self._quantity_follows(text, m.end()):
                return None
            return made(dt.date(year, 1, 1), "year", False)
        day = int(day_s) if day_s else None
        assumed = year is None
        if year is None:
            year = resolve_year(month, day, anchor, future_days)
            if year is None:
                return None
        try:
            value = dt.date(year, month, day or 1)
        except ValueError:  # 31 June
            return None
        return made(value, "day" if day else "month", assumed)

    def _weekday_allowed(self, m: re.Match[str], word: str) -> bool:
        """An ambiguous weekday name ('Minggu': Sunday, or week) counts only capitalised and after a word
        that marks it a day ('hari Minggu', 'pada Minggu')."""
        if word.casefold() not in self.grammar.resources.dates.ambiguous_weekdays:
            return True
        return word[:1].isupper() and m.start(f"weekday_{self.index}") > m.start()

    def _quantity_follows(self, text: str, end: int) -> bool:
        """'2000 troops', '1990-an' (the 1990s), '2024%' are not years."""
        after = text[end : end + 40]
        if after[:1] == "%" or (after[:1] in ("-", "–") and after[1:2].isalpha()):
            return True
        return self.grammar.blockers.match(after) is not None


def _key(word: str) -> str:
    return " ".join(word.replace("’", "'").split()).casefold().rstrip(".")


def _names(names: Iterable[str], case_sensitive: bool) -> str:
    """Alternation of month or weekday names, longest first; case-sensitive ones as written in text."""
    variants = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        variants += [name[:1].upper() + name[1:], name.upper()] if case_sensitive else [name]
    body = "|".join(re.sub("['’]", "['’]", re.escape(v)) for v in variants)
    return f"(?-i:{body})" if case_sensitive else f"(?:{body})"


def _abbreviations(names: Mapping[str, int]) -> list[str]:
    """Names that are the start of a longer name of the same month ('oct' of 'october')."""
    return [n for n in names if any(o != n and o.startswith(n) and names[o] == names[n] for o in names)]


class _Compiler:
    """Turns the template mini-language into regex source (the syntax is described at the top of en.yaml)."""

    def __init__(self, res: LangResources) -> None:
        self.res = res
        w = res.dates
        self.month = self._named(_names(w.months, w.months_case_sensitive), _abbreviations(w.months))
        self.weekday = self._named(_names(w.weekdays, w.weekdays_case_sensitive), _abbreviations(w.weekdays))
        suffixes = sorted(w.day_suffixes, key=len, reverse=True)
        self.day_suffix = f"(?:{'|'.join(re.escape(s) for s in suffixes)})?" if suffixes else ""
        self.year_suffix = f"(?:{_SEP}{phrase_alternation(w.year_suffixes)})?" if w.year_suffixes else ""
        self.part = phrase_alternation([p for phrases in w.parts.values() for p in phrases])
        self.rel = self._relative([r for r in w.relative if not r.part_only])
        self.rel_any = self._relative(list(w.relative))
        numbers = phrase_alternation(list(w.numbers)) if w.numbers else "(?!)"
        self.n = rf"(?:{_NUMBER_GUARD}\d{{1,3}}(?!\w)|{numbers})"

    @staticmethod
    def _named(alternation: str, abbreviations: list[str]) -> str:
        # a dot after an abbreviation ('Oct.') is part of the mention; after a full name it ends a sentence
        dot = ""
        if abbreviations:
            behind = "|".join(f"(?<={re.escape(a)})" for a in sorted(abbreviations, key=len, reverse=True))
            dot = rf"(?:(?:{behind})\.)?"
        return rf"(?<!\w)(?P<{{group}}>{alternation})(?!\w){dot}"

    def _relative(self, exprs: list[RelativeExpr]) -> str:
        loose = phrase_alternation([r.phrase for r in exprs if not r.exact_case])
        exact = [r.phrase for r in exprs if r.exact_case]
        return f"(?:{loose}|(?-i:{phrase_alternation(exact)}))" if exact else loose

    def slot(self, name: str, index: int, guard: bool, where: str) -> str:
        g = f"{name}_{index}"
        pre = _NUMBER_GUARD if guard else ""
        if name == "day":
            return rf"{pre}(?P<{g}>3[01]|[12]\d|0?[1-9]){self.day_suffix}(?!\w)"
        if name == "mnum":
            return rf"{pre}(?P<{g}>1[0-2]|0?[1-9])(?!\d)"
        if name == "year":
            return rf"{pre}(?P<{g}>1\d{{3}}|20\d{{2}}|2100)(?!\w|[.,]\d){self.year_suffix}"
        if name in ("month", "weekday"):
            return (self.month if name == "month" else self.weekday).replace("{group}", g)
        if name in ("part", "rel", "rel_any", "n"):
            return f"(?P<{g}>{getattr(self, name)})"
        words = self.res.dates.words.get(name)
        if words is None:
            raise GeomapError(f"{self.res.path}: [{where}] unknown slot {{{name}}}")
        return phrase_alternation(words)

    def compile(self, spec: DateTemplate, index: int, where: str) -> tuple[str, set[str], set[str]]:
        """Regex source of one template (its mention in group m_<index>), the slots it fills, and the words
        it can start with."""
        tokens = _parse(spec.pattern, where, self.res)
        lead = 0
        while lead < len(tokens) and tokens[lead][0] in ("ctx", "sp"):
            lead += 1
        trail = len(tokens)
        while trail > lead and tokens[trail - 1][0] in ("ctx", "sp"):
            trail -= 1
        if lead >= trail:
            raise GeomapError(f"{self.res.path}: [{where}] the pattern has nothing outside <context>")
        slots: set[str] = set()
        src = (
            self._emit(tokens[:lead], index, where, slots)
            + f"(?P<m_{index}>{self._emit(tokens[lead:trail], index, where, slots)})"
            + self._emit(tokens[trail:], index, where, slots)
        )
        if spec.unit is None and not slots & {"day", "month", "mnum", "year", "weekday", "rel", "rel_any"}:
            raise GeomapError(f"{self.res.path}: [{where}] the pattern holds no date slot")
        firsts, _ = self._firsts(tokens)
        return src, slots, firsts

    def _firsts(self, tokens: list[Token]) -> tuple[set[str], bool]:
        """The words a match of these tokens can begin with, and whether they can match nothing."""
        out: set[str] = set()
        for kind, value in tokens:
            if kind == "sp":
                continue
            if kind in ("opt", "ctx"):
                inner, empty = self._firsts(value)
                out |= inner
                if kind == "opt" or empty:
                    continue
                return out, False
            out |= {_first_word(value)} if kind == "lit" else self._slot_firsts(value)
            return out, False
        return out, True

    def _slot_firsts(self, name: str) -> set[str]:
        w = self.res.dates
        phrases: Iterable[str]
        if name in ("day", "mnum", "year"):
            return {_DIGIT}
        if name == "n":
            return {_DIGIT} | {_first_word(p) for p in w.numbers}
        if name == "month":
            phrases = w.months
        elif name == "weekday":
            phrases = w.weekdays
        elif name == "part":
            phrases = [p for ps in w.parts.values() for p in ps]
        elif name == "rel":
            phrases = [r.phrase for r in w.relative if not r.part_only]
        elif name == "rel_any":
            phrases = [r.phrase for r in w.relative]
        else:
            phrases = w.words.get(name, ())
        return {_first_word(p) for p in phrases}

    def _emit(self, tokens: list[Token], index: int, where: str, slots: set[str]) -> str:
        out = []
        previous = "sp"
        for kind, value in tokens:
            if kind == "sp":
                out.append(_SEP)
            elif kind == "lit":
                out.append(_literal(value))
            elif kind == "slot":
                if value in slots:
                    raise GeomapError(f"{self.res.path}: [{where}] slot {{{value}}} is used twice")
                if value in _BUILTINS:
                    slots.add(value)
                out.append(self.slot(value, index, previous != "lit", where))
            else:  # opt or ctx
                inner = self._emit(value, index, where, slots)
                out.append(f"(?:{inner})?" if kind == "opt" else inner)
            previous = kind
        return "".join(out)


def _first_word(phrase: str) -> str:
    """The first token of a phrase as _TOKEN cuts text, casefolded; _ANY for a stem ('дн*')."""
    phrase = phrase.strip().replace("’", "'")
    m = _TOKEN.match(phrase)
    if m is None:
        return _ANY
    word = m.group()
    if word[0].isdigit():
        return _DIGIT
    return _ANY if phrase[m.end() : m.end() + 1] == "*" else word.casefold()


def _literal(word: str) -> str:
    """A literal piece of a template; a '*' at the end of a word takes any ending ('дн*')."""
    src = "".join(r"\w*" if p == "*" else re.escape(p) for p in re.split(r"(\*)", word) if p)
    head = r"(?<!\w)" if word[:1].isalnum() else ""
    tail = r"(?!\w)" if word[-1:].isalnum() or word.endswith("*") else ""
    return head + src + tail


def _parse(pattern: str, where: str, res: LangResources) -> list[Token]:
    """Template text -> tokens: ('sp', None), ('lit', text), ('slot', name), ('opt', tokens), ('ctx', tokens)."""
    pos = 0

    def fail(msg: str) -> GeomapError:
        return GeomapError(f"{res.path}: [{where}] pattern {pattern!r}: {msg} at character {pos + 1}")

    def seq(close: str | None) -> list[Token]:
        nonlocal pos
        out: list[Token] = []
        lit = ""
        while pos < len(pattern):
            ch = pattern[pos]
            pos += 1
            if ch == close or ch in "[<{ ":
                if lit:
                    out.append(("lit", lit))
                    lit = ""
                if ch == close:
                    return out
                if ch == " ":
                    if not out or out[-1][0] != "sp":
                        out.append(("sp", None))
                elif ch == "[":
                    out.append(("opt", seq("]")))
                elif ch == "<":
                    out.append(("ctx", seq(">")))
                else:
                    stop = pattern.find("}", pos)
                    if stop < 0:
                        raise fail("unclosed '{'")
                    out.append(("slot", pattern[pos:stop]))
                    pos = stop + 1
            elif ch in "]>}":
                raise fail(f"unexpected {ch!r}")
            else:
                lit += ch
        if close is not None:
            raise fail(f"missing {close!r}")
        if lit:
            out.append(("lit", lit))
        return out

    tokens = seq(None)
    kinds = [k for k, _ in tokens if k != "sp"]
    inner = [k for k in kinds if k != "ctx"]
    if inner and "ctx" in kinds[kinds.index(inner[0]) : len(kinds) - kinds[::-1].index(inner[-1])]:
        raise fail("<context> may only stand at the start or the end")
    return tokens


@functools.lru_cache(maxsize=16)
def _grammar(res: LangResources) -> _Grammar:
    w = res.dates
    compiler = _Compiler(res)
    specs = (*w.templates, _ISO_8601)
    compiled = [compiler.compile(spec, i, f"dates.templates.{i}") for i, spec in enumerate(specs)]
    blockers = phrase_alternation([*res.troop_words, *res.quantity_nouns])
    grammar = _Grammar(
        resources=res,
        templates=[],
        starts={},
        anywhere=(),
        months={_key(k): v for k, v in w.months.items()},
        weekdays={_key(k): v for k, v in w.weekdays.items()},
        relative={_key(r.phrase): r for r in w.relative},
        numbers={_key(k): v for k, v in w.numbers.items()},
        blockers=re.compile(rf"[^\S\n]*{blockers}", re.IGNORECASE),
    )
    starts: dict[str, list[_Template]] = {}
    for i, (spec, (src, slots, firsts)) in enumerate(zip(specs, compiled, strict=True)):
        tpl = _Template(i, spec, src, slots, grammar)
        grammar.templates.append(tpl)
        for word in firsts:
            starts.setdefault(word, []).append(tpl)
    grammar.anywhere = tuple(starts.pop(_ANY, ()))
    prefilters: dict[tuple[int, ...], re.Pattern[str] | None] = {}
    for word, tpls in starts.items():
        key = tuple(t.index for t in tpls)
        if key not in prefilters:  # month names share one, weekday names another
            sources = "|".join(f"(?:{t.regex.pattern})" for t in tpls)
            prefilters[key] = re.compile(sources, re.IGNORECASE) if len(tpls) > 1 else None
        grammar.starts[word] = (prefilters[key], tuple(tpls))
    return grammar


def _quoted_spans(text: str, pairs: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
    """Spans of direct speech. A quote left open runs to the end of its paragraph, as news style has it."""
    if not pairs:
        return []
    closers = dict(pairs)
    opener = re.compile("|".join(re.escape(o) for o in sorted(closers, key=len, reverse=True)))
    spans = []
    pos = 0
    while (m := opener.search(text, pos)) is not None:
        para_end = text.find("\n\n", m.end())
        para_end = len(text) if para_end < 0 else para_end
        close = text.find(closers[m.group()], m.end(), para_end)
        end = para_end if close < 0 else close + len(closers[m.group()])
        spans.append((m.start(), end))
        pos = max(end, m.end())
    return spans
