"""Sentences to events: movements (who went where, when, how many, how) and statements.

Rules, sentence by sentence, driven by the language's word lists (``resources/<lang>.yaml``):

* a **movement** is a movement cue ('dikirim ke', 'deployed to', 'entered') followed by a
  place; the destination is the first place after a 'to' word ('ke', 'to', 'into') or,
  for cues that take their destination as object ('entered', 'memasuki'), the first place
  after the cue. The origin is a place after a 'from' word, else the actor's own country
  when the destination lies elsewhere, else the actor's previous destination. Quantity is a
  number before a troop word ('1.500 tentara' is 1500), mode a transport word ('kapal' is
  sea), status a confirmation or denial word, the date the nearest date in the sentence.
* a **statement** is a speech cue ('kata', 'said') in a sentence with a date; it is placed
  at a place after a location word ('di Kazan', 'in Brussels').

Every event keeps its sentence as quote with its character offsets and a short reason for
the place it was given. Sentences are the unit: cross-sentence reasoning is limited to
carrying the actor and the last destination forward.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from geomap.extract.dates import DateMention
from geomap.extract.resources import LangResources, PhraseSet, load_resources, phrase_set
from geomap.extract.sentences import Span, sentences
from geomap.extract.toponyms import Mention, Toponym, calendar_words
from geomap.model import (
    Dataset,
    DatePrecision,
    Event,
    EventKind,
    Leg,
    Mode,
    Movement,
    Place,
    PlaceKind,
    Source,
    Status,
)

__all__ = ["build_events", "parse_quantity"]


@dataclass(frozen=True)
class _Found:
    mention: Mention
    toponym: Toponym

    @property
    def place(self) -> Place:
        return self.toponym.place


@dataclass(frozen=True)
class _Cues:
    """A language's word lists compiled for sentence matching."""

    res: LangResources
    to_words: frozenset[str]
    from_words: frozenset[str]
    via_words: frozenset[str]
    at_words: frozenset[str]
    speech: PhraseSet
    meeting: PhraseSet
    status: tuple[tuple[Status, PhraseSet], ...]
    mode: tuple[tuple[Mode, PhraseSet], ...]
    troops: PhraseSet
    roles: tuple[tuple[str, PhraseSet], ...]  # ('to', 'ke|menuju|...'), ('from', ...), ...
    since: PhraseSet
    movement: tuple[tuple[str, PhraseSet], ...]  # (direction, verbs) for to/at/none/from


def _folded(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.casefold() for w in words)


@lru_cache(maxsize=16)
def _cues(lang: str) -> _Cues:
    res = load_resources(lang)
    preps = res.location_prepositions
    return _Cues(
        res=res,
        to_words=_folded(preps.get("to", ())),
        from_words=_folded((*preps.get("from", ()), *res.origin_markers)),
        via_words=_folded((*preps.get("via", ()), *res.transit_markers)),
        at_words=_folded(preps.get("at", ())),
        speech=phrase_set(res.speech_cues),
        meeting=phrase_set(res.meeting_cues),
        status=tuple((k, phrase_set(v)) for k, v in res.status_cues.items() if v),
        mode=tuple((k, phrase_set(v)) for k, v in res.mode_cues.items() if v),
        troops=phrase_set(res.troop_words),
        roles=tuple(
            (role, phrase_set(tuple(words)))
            for role, words in (
                ("to", preps.get("to", ())),
                ("from", (*preps.get("from", ()), *res.origin_markers)),
                ("via", (*preps.get("via", ()), *res.transit_markers)),
                ("at", (*preps.get("at", ()), *preps.get("near", ()))),
            )
            if words
        ),
        since=phrase_set(res.since_markers),
        movement=tuple(
            (direction, phrase_set(tuple(c.phrase for c in res.movement_cues if c.direction == direction)))
            for direction in ("to", "at", "none", "from")
            if any(c.direction == direction for c in res.movement_cues)
        ),
    )


_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?"


def parse_quantity(number: str, lang: str = "en") -> int | None:
    """A quantity as the language writes it: '1.500' (id) and '1,500' (en) are 1500; '2,5 ribu' 2500."""
    value = load_resources(lang).parse_number(number)
    return int(round(value)) if value is not None and value >= 1 else None


def _quantity(sentence: str, cues: _Cues) -> int | None:
    """The number glued to a troop word: '1.500 tentara', '2,000 troops', '10 ribu prajurit'."""
    for m in cues.troops.finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        q = re.search(rf"({_NUMBER})(\s+[^\W\d]+)?\s+(?:[^\W\d]+\s+)?$", before)
        if not q:
            continue
        raw = q.group(1) + (q.group(2) or "")
        value = cues.res.parse_number(raw)
        if value is None or value < 1:
            continue
        if re.fullmatch(r"(19|20)\d\d", q.group(1)) and not q.group(2):
            continue  # 'in 2023 troops ...': a year, not a head count
        return int(round(value))
    return None


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"(\w+)[\W_]{0,3}$", text[max(0, pos - 25) : pos])
    return m.group(1).casefold() if m else ""


def _first_match(pattern: PhraseSet, text: str) -> re.Match[str] | None:
    return pattern.search(text)


def _status(sentence: str, cues: _Cues) -> Status:
    for status in (Status.DENIED, Status.CONFIRMED, Status.CLAIMED):
        for s, p in cues.status:
            if s == status and p.search(sentence):
                return status
    return Status.REPORTED


def _mode(sentence: str, cues: _Cues) -> Mode:
    for mode, p in cues.mode:
        if p.search(sentence):
            return mode
    return Mode.UNKNOWN


def _actor(sentence: Span, text: str, places: Sequence[_Found], cues: _Cues, before: int) -> Place | None:
    """The country whose forces move: a place glued to a troop word ('pasukan Korea Utara', 'North Korean troops')."""
    s = sentence.of(text)
    best: Place | None = None
    for m in cues.troops.finditer(s):
        abs_start, abs_end = sentence.start + m.start(), sentence.start + m.end()
        if abs_start > before:
            break
        for f in places:
            gap_after = text[abs_end : f.mention.start]
            gap_before = text[f.mention.end : abs_start]
            if (
                f.mention.start >= abs_end
                and len(gap_after) <= 20
                and re.fullmatch(r"[\s\w-]{0,20}", gap_after)
                and len(gap_after.split()) <= 2
            ):
                best = f.place if f.place.kind == PlaceKind.COUNTRY else best
            elif f.mention.end <= abs_start and re.fullmatch(r"[\s-]{0,3}", gap_before):
                best = f.place if f.place.kind == PlaceKind.COUNTRY else best
    return best


def _subject_country(places: Sequence[_Found], cue_start: int) -> Place | None:
    """The last country named before the verb ('armada angkatan laut Rusia memasuki ...')."""
    before = [f for f in places if f.mention.end <= cue_start and f.place.kind == PlaceKind.COUNTRY]
    return before[-1].place if before else None


def _nearest_date(dates: Sequence[DateMention], pos: int) -> DateMention | None:
    return min(dates, key=lambda d: abs(d.start - pos), default=None)


def build_events(
    text: str,
    toponyms: Sequence[Toponym],
    dates: Sequence[DateMention],
    lang: str,
    published: dt.date | None,
    source: Source | None,
    where: str | None = None,
) -> tuple[Dataset, list[dict[str, Any]]]:
    """Movements and statements of a text, and the location phrases that matched no place."""
    cues = _cues(lang)
    found = sorted((_Found(m, t) for t in toponyms for m in t.mentions), key=lambda f: f.mention.start)
    dataset = Dataset(sources=[source] if source else [])
    unresolved: list[dict[str, Any]] = []
    state = _State()
    for sent in sentences(text):
        places = [f for f in found if sent.start <= f.mention.start and f.mention.end <= sent.end]
        s_dates = [d for d in dates if sent.start <= d.start and d.end <= sent.end]
        unresolved.extend(_unresolved_in(text, sent, places, cues, s_dates))
        if not places:
            continue
        roles = _roles(text, sent.start, places, cues)
        moves = list(_sentence_movements(text, sent, places, roles, cues))
        for cue_text, cue_start, origin, vias, dest in moves:
            movement = _movement(text, sent, places, s_dates, cues, state, cue_text, cue_start, origin, vias, dest, published, source, where)
            if movement is None:
                unresolved.append(
                    {"mention": None, "reason": f"movement to {dest.mention.text}: no origin found", "start": sent.start, "end": sent.end}
                )
                continue
            dataset.movements.append(movement)
        if moves:
            continue
        event = _statement(text, sent, places, s_dates, roles, cues, source, where, len(dataset.events) + 1)
        if event is not None:
            dataset.events.append(event)
    dataset.movements = _chain_origins(_merge_movements(dataset.movements))
    for i, m in enumerate(dataset.movements, 1):
        m.id = f"m{i}"
    return dataset, unresolved


@dataclass
class _State:
    """What carries over from one sentence to the next: the last actor and where it went."""

    last_actor: Place | None = None
    last_dest: dict[str, Place] = field(default_factory=dict)
    last_origin: dict[str, Place] = field(default_factory=dict)  # of the journey to last_dest
    n: int = 0


_Move = tuple[str, int, "_Found | None", list["_Found"], "_Found"]


def _sentence_movements(
    text: str, sent: Span, places: Sequence[_Found], roles: dict[int, frozenset[str]], cues: _Cues
) -> Iterable[_Move]:
    """(cue, cue offset, origin, via places, destination) of each movement the sentence reports.

    A verb cue ('dikirim ke', 'moved', 'переброшены') takes the place its direction says; a
    sentence with no verb cue but 'from X ... to Y' and a word for troops or transport is a
    movement as well ('the corvettes, from Sevastopol to Novorossiysk').
    """
    s_text = sent.of(text)
    used: set[int] = set()
    for direction, cue in _cue_matches(s_text, cues):
        cue_end = sent.start + cue.end()
        after = [f for f in places if f.mention.start >= cue_end and f.mention.start not in used]
        dest = _destination(text, after, roles, cue_end, direction)
        if dest is None:
            continue
        used.add(dest.mention.start)
        origin = _origin_in(places, roles, dest)
        vias = _vias(places, roles, origin, dest)
        yield cue.group(0), sent.start + cue.start(), origin, vias, dest
    if used:
        return
    to_places = [f for f in places if "to" in roles[f.mention.start]]
    from_places = [f for f in places if "from" in roles[f.mention.start]]
    if to_places and from_places and (cues.troops.search(s_text) or any(p.search(s_text) for _, p in cues.mode)):
        dest = next((f for f in to_places if f.mention.start > from_places[0].mention.start), None)
        if dest is not None:
            origin = _origin_in(places, roles, dest)
            yield "from … to", from_places[0].mention.start, origin, _vias(places, roles, origin, dest), dest


_NO_ROLE: frozenset[str] = frozenset()


def _cue_matches(s_text: str, cues: _Cues) -> list[tuple[str, re.Match[str]]]:
    """Movement cues of a sentence in reading order; where two overlap ('dikirim ke' and
    'dikirim') the longer one stands."""
    found = [(d, m) for d, pattern in cues.movement for m in pattern.finditer(s_text)]
    found.sort(key=lambda dm: (dm[1].start(), -(dm[1].end() - dm[1].start())))
    out: list[tuple[str, re.Match[str]]] = []
    for d, m in found:
        if out and m.start() < out[-1][1].end():
            continue
        out.append((d, m))
    return out


def _roles(text: str, floor: int, places: Sequence[_Found], cues: _Cues) -> dict[int, frozenset[str]]:
    """The role of each place of a sentence; a role word governs only the first place after it
    ('ke Rusia, dan unit militer Korea Utara': Korea Utara is not a destination)."""
    out: dict[int, frozenset[str]] = {}
    if not places:
        return out
    end_of_sentence = places[-1].mention.start
    sentence = text[floor:end_of_sentence]
    hits = sorted(
        (floor + m.end(), floor + m.start(), role) for role, pattern in cues.roles for m in pattern.finditer(sentence)
    )  # every role word of the sentence, found once
    previous_end = floor
    for f in places:
        roles, word_end = _role_before(text, f.mention.start, floor, hits)
        out[f.mention.start] = roles if word_end >= previous_end else _NO_ROLE
        previous_end = f.mention.end
    return out


def _role_before(text: str, pos: int, floor: int, sentence_hits: Sequence[tuple[int, int, str]]) -> tuple[frozenset[str], int]:
    """What the words before a place make of it: some of 'to', 'from', 'via', 'at' (or none).

    'ke markas besar UNIFIL di Naqoura' and 'from Hunter Army Airfield in Savannah': the
    nearest word is 'di'/'in', but a 'to'/'from' a few words earlier rules the phrase. A word
    with two roles keeps both (Russian 'в Киеве' is 'at', 'в Курскую область' is 'to').
    """
    base = max(floor, pos - 60)
    window = text[base:pos]
    hits = [(e - base, st - base, r) for e, st, r in sentence_hits if st >= base and e <= pos]
    if not hits:
        return _NO_ROLE, -1
    end = max(h[0] for h in hits)
    start = min(h[1] for h in hits if h[0] == end)
    last = frozenset(h[2] for h in hits if h[0] == end and h[1] == start)
    gap = window[end:]
    if len(gap.split()) > 4 or re.search(r"[.;:!?()\[\]\"“”]", gap):
        return _NO_ROLE, -1
    if last == {"at"}:
        for e2, _, r2 in sorted(hits, reverse=True):
            between = window[e2:]
            if e2 < end and r2 in ("to", "from") and len(between.split()) <= 6 and not re.search(r"[.;:!?()]", between):
                return frozenset({r2}), base + e2
    return last, base + end


def _destination(
    text: str, after: Sequence[_Found], roles: dict[int, frozenset[str]], cue_end: int, direction: str
) -> _Found | None:
    """The place a movement cue points at, by the cue's direction and the places' roles."""
    near = [f for f in after if len(text[cue_end : f.mention.start].split()) <= 4 and not re.search(r"[.;:!?]", text[cue_end : f.mention.start])]
    to = [f for f in after if "to" in roles[f.mention.start]]
    if direction in ("to", "at"):
        for f in near:
            if not roles[f.mention.start] & {"from", "via"}:
                return f
        return to[0] if to else None
    if direction == "none":
        if to:
            return to[0]
        at = [f for f in after if "at" in roles[f.mention.start]]
        return at[0] if at else None
    # direction 'from': the place after the cue is the origin; the destination needs its own 'to'
    return to[0] if to else None


def _origin_in(places: Sequence[_Found], roles: dict[int, frozenset[str]], dest: _Found) -> _Found | None:
    """The place after a 'from' word ('dari', 'из', 'von'), preferring one before the destination."""
    froms = [f for f in places if "from" in roles[f.mention.start] and f.place != dest.place]
    before = [f for f in froms if f.mention.start < dest.mention.start]
    return (before or froms or [None])[0]


def _vias(places: Sequence[_Found], roles: dict[int, frozenset[str]], origin: _Found | None, dest: _Found) -> list[_Found]:
    lo = origin.mention.start if origin else -1
    return [
        f
        for f in places
        if "via" in roles[f.mention.start] and lo < f.mention.start < dest.mention.start and f.place != dest.place
    ]


def _movement(
    text: str,
    sent: Span,
    places: Sequence[_Found],
    s_dates: Sequence[DateMention],
    cues: _Cues,
    state: _State,
    cue_text: str,
    cue_start: int,
    origin_found: _Found | None,
    vias: Sequence[_Found],
    dest: _Found,
    published: dt.date | None,
    source: Source | None,
    where: str | None,
) -> Movement | None:
    s_text = sent.of(text)
    actor = _actor(sent, text, places, cues, before=dest.mention.start) or _subject_country(places, cue_start) or state.last_actor
    actor_name = _actor_name(actor)
    origin: _Found | Place | None = origin_found
    if origin is None:
        key = actor_name or ""
        origin = _assumed_origin(actor, dest, state.last_dest.get(key), state.last_origin.get(key))
    if origin is None:
        return None
    dated = [d for d in s_dates if not _after_since(text, d.start, sent.start, cues)]
    date_m = _nearest_date(dated, cue_start)
    if date_m is not None:
        day, precision, date_reason = date_m.value, date_m.precision, f"date '{date_m.mention}' in the sentence"
    elif published is not None:
        day, precision = published.replace(day=1), DatePrecision.MONTH
        date_reason = "no date in the sentence: month of publication"
    else:
        day, precision, date_reason = None, DatePrecision.UNKNOWN, "no date"
    mode = _mode(s_text, cues)
    stops: list[tuple[str, Place]] = [
        (origin.mention.text, origin.place) if isinstance(origin, _Found) else (origin.name, origin)
    ]
    stops += [(v.mention.text, v.place) for v in vias]
    stops.append((dest.mention.text, dest.place))
    legs = [
        Leg(
            origin=a[0],
            destination=b[0],
            origin_place=a[1],
            destination_place=b[1],
            date=day if i == len(stops) - 2 else None,
            date_precision=precision if i == len(stops) - 2 else DatePrecision.UNKNOWN,
            mode=mode,
        )
        for i, (a, b) in enumerate(zip(stops, stops[1:], strict=False))
        if a[1] != b[1]
    ]
    if not legs:
        return None
    origin_assumed = not isinstance(origin, _Found)
    reason = f"cue '{cue_text}' then '{dest.mention.text}' ({dest.toponym.reason}); {date_reason}"
    if origin_assumed:
        reason += "; origin: not stated, the actor's own country or previous stop"
    state.n += 1
    if actor is not None:
        state.last_actor = actor
    state.last_dest[actor_name or ""] = dest.place
    state.last_origin[actor_name or ""] = legs[0].origin_place  # type: ignore[assignment]
    return Movement(
        id=f"m{state.n}",
        actor=actor_name,
        legs=legs,
        status=_status(s_text, cues),
        quantity=_quantity(s_text, cues),
        description=f"{cue_text} {dest.mention.text}",
        source=source,
        quote=s_text,
        extra={"quote_start": sent.start, "quote_end": sent.end, "reason": reason, "origin_assumed": origin_assumed},
        where=where,
    )


def _assumed_origin(
    actor: Place | None, dest: _Found, previous: Place | None, previous_origin: Place | None
) -> Place | None:
    """No 'from' in the text: the actor's own country when the destination is abroad, else its
    last stop; a second report of the same arrival ('the units arrived in Grodno') continues the
    journey already told (from Baranovichi)."""
    if actor is not None and actor.country_code and actor.country_code != dest.place.country_code:
        return actor
    if previous is not None and previous != dest.place:
        return previous
    if previous is not None and previous == dest.place and previous_origin is not None:
        return previous_origin
    return actor if actor is not None and actor != dest.place else None


def _after_since(text: str, pos: int, floor: int, cues: _Cues) -> bool:
    """True for 'sejak 1990', 'since January': the start of a span, not the date of the event."""
    m = re.search(r"(\w+(?:\s+\w+)?)\s+$", text[max(floor, pos - 25) : pos])
    return bool(m and cues.since.search(m.group(1)) and cues.since.search(m.group(1)).end() == len(m.group(1)))


def _statement(
    text: str,
    sent: Span,
    places: Sequence[_Found],
    s_dates: Sequence[DateMention],
    roles: dict[int, frozenset[str]],
    cues: _Cues,
    source: Source | None,
    where: str | None,
    number: int,
) -> Event | None:
    """A dated statement at a named place: 'Zelenskyy said at a press conference in Brussels on 17 October'."""
    s_text = sent.of(text)
    speech = _first_match(cues.speech, s_text)
    if speech is None or not s_dates:
        return None
    at = _statement_place(places, roles)
    if at is None:
        return None
    d = _nearest_date(s_dates, sent.start + speech.start())
    assert d is not None
    meeting = _first_match(cues.meeting, s_text)
    status = _status(s_text, cues)
    return Event(
        id=f"s{number}",
        location=at.mention.text,
        date=d.value,
        date_precision=d.precision,
        place=at.place,
        actor=_speaker(s_text, speech, places, s_dates, sent.start),
        kind=EventKind.STATEMENT,
        status=Status.DENIED if status == Status.DENIED else Status.REPORTED,
        description=f"statement ({speech.group(0)}) at {at.mention.text}" + (f", {meeting.group(0)}" if meeting else ""),
        source=source,
        quote=s_text,
        extra={
            "quote_start": sent.start,
            "quote_end": sent.end,
            "reason": f"speech cue '{speech.group(0)}'; '{at.mention.text}' after a location word",
        },
        where=where,
    )


def _chain_origins(movements: list[Movement]) -> list[Movement]:
    """Continue a route: a move whose origin was only the actor's home country starts where the
    actor's previous move ended, when both destinations are in the same country
    (North Korea -> Vladivostok, then Vladivostok -> Kursk region)."""
    by_date = sorted(movements, key=lambda m: (m.legs[0].date is None, m.legs[0].date or dt.date.min))
    for m in by_date:
        leg = m.legs[0]
        dest = leg.destination_place
        if not m.extra.get("origin_assumed") or dest is None or dest.kind == PlaceKind.COUNTRY:
            continue
        earlier = [
            p
            for p in by_date
            if p is not m
            and p.actor == m.actor
            and p.legs[-1].destination_place is not None
            and p.legs[-1].destination_place.kind != PlaceKind.COUNTRY
            and p.legs[-1].destination_place.country_code == dest.country_code
            and p.legs[-1].destination_place != dest
            and (p.legs[-1].date or dt.date.min) <= (leg.date or dt.date.max)
        ]
        if earlier:
            prev = earlier[-1].legs[-1]
            leg.origin, leg.origin_place = prev.destination, prev.destination_place
            m.extra["reason"] += (
                f"; origin: continues from {prev.destination}, the actor's previous destination"
            )
    return movements


def _statement_place(places: Sequence[_Found], roles: dict[int, frozenset[str]]) -> _Found | None:
    """Where a statement was made: a city or region after a location word ('di Kazan', 'in Brussels')."""
    at = [f for f in places if "at" in roles[f.mention.start] and f.place.kind != PlaceKind.COUNTRY]
    cities = [f for f in at if f.place.kind == PlaceKind.CITY]
    return (cities or at or [None])[0]


def _actor_name(actor: Place | None) -> str | None:
    return f"{actor.name} forces" if actor is not None else None


_NAME_RUN = re.compile(r"(?:[A-ZА-ЯІЇЄҐ][\w'’-]+(?:\s+|$)){1,4}")


def _speaker(
    s_text: str, speech: re.Match[str], places: Sequence[_Found], dates: Sequence[DateMention], offset: int
) -> str | None:
    """The capitalised name nearest the speech verb ('kata Putin', 'Zelenskyy said'), not a place or date."""
    place_spans = [(f.mention.start - offset, f.mention.end - offset) for f in places]
    place_spans += [(d.start - offset, d.end - offset) for d in dates]
    best: tuple[int, str] | None = None
    for m in _NAME_RUN.finditer(s_text):
        name = m.group(0).strip()
        if any(s < m.start() + len(name) and m.start() < e for s, e in place_spans) or len(name) < 3:
            continue
        dist = min(abs(m.start() - speech.end()), abs(m.end() - speech.start()))
        if best is None or dist < best[0]:
            best = (dist, name)
    return best[1] if best else None


def _is_date_at(dates: Sequence[DateMention], pos: int) -> bool:
    return any(d.start <= pos < d.end for d in dates)


def _unresolved_in(
    text: str, sent: Span, places: Sequence[_Found], cues: _Cues, dates: Sequence[DateMention] = ()
) -> list[dict[str, Any]]:
    """Capitalised words after a location word that the gazetteer did not know ('di Sudzha')."""
    out = []
    spans = [(f.mention.start, f.mention.end) for f in places]
    for m in re.finditer(r"(?<!\w)(\w+)\s+([A-ZА-ЯІЇЄҐ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄҐ][\w'’-]+)?)", sent.of(text)):
        if m.group(1).casefold() not in (cues.at_words | cues.to_words | cues.from_words):
            continue
        start = sent.start + m.start(2)
        end = sent.start + m.end(2)
        if any(s < end and start < e for s, e in spans):
            continue
        first = m.group(2).split()[0]
        if first.casefold() in calendar_words(cues.res) or cues.res.is_stop_place(first) or _is_date_at(dates, start):
            continue  # 'in October', 'on Monday', 'in The ...': not a place name at all
        out.append(
            {
                "mention": text[start:end],
                "start": start,
                "end": end,
                "reason": f"after '{m.group(1)}', not in the gazetteer",
            }
        )
    return out


_STATUS_RANK = {Status.CONFIRMED: 3, Status.REPORTED: 2, Status.CLAIMED: 1, Status.DENIED: 0}
_PRECISION_RANK = {
    DatePrecision.DAY: 4,
    DatePrecision.WEEK: 3,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR: 1,
    DatePrecision.UNKNOWN: 0,
}


def _merge_movements(movements: list[Movement]) -> list[Movement]:
    """One movement per actor, origin and destination: the same move told twice is one move."""
    merged: dict[tuple[str, str, str], Movement] = {}
    for m in movements:
        leg = m.legs[0]
        key = (m.actor or "", _place_key(leg.origin_place), _place_key(leg.destination_place))
        if key not in merged:
            merged[key] = m
            continue
        keep = merged[key]
        kleg = keep.legs[0]
        if _PRECISION_RANK[leg.date_precision] > _PRECISION_RANK[kleg.date_precision]:
            kleg.date, kleg.date_precision = leg.date, leg.date_precision
        if kleg.mode == Mode.UNKNOWN:
            kleg.mode = leg.mode
        if _STATUS_RANK[m.status] > _STATUS_RANK[keep.status]:
            keep.status = m.status
        keep.quantity = keep.quantity or m.quantity
        keep.extra.setdefault("also_quoted", []).append(
            {"start": m.extra.get("quote_start"), "end": m.extra.get("quote_end")}
        )
    return list(merged.values())


def _place_key(p: Place | None) -> str:
    return "" if p is None else f"{p.name}|{p.country_code}|{p.lat:.2f}|{p.lon:.2f}"
