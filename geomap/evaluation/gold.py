"""Checking a gold annotation: every field of the format, and (given the text) every mention and quote."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from geomap.evaluation.schema import ISO2, MODES, PLACE_KINDS, PRECISIONS, SPLITS, STATUSES
from geomap.model import Problem


def _date_ok(value: Any, precision: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        if precision == "day":
            return dt.date.fromisoformat(value).isoformat() == value
        if precision in ("month", "week"):
            return re.fullmatch(r"\d{4}-\d{2}", value) is not None and 1 <= int(value[5:]) <= 12
        if precision == "year":
            return re.fullmatch(r"\d{4}", value) is not None
    except ValueError:
        return False
    return False


def _movement_date_ok(value: Any) -> bool:
    return value is None or any(_date_ok(value, p) for p in ("day", "month", "year"))


def _squash(text: str) -> str:
    """Runs of whitespace (no-break spaces too) as one space: quotes are compared this way."""
    return " ".join(text.split())


def check_gold(gold: Any, text: str | None = None, where: str = "gold") -> list[Problem]:
    """Everything wrong with a gold annotation, each naming its field (``places[3].lat``).

    With ``text``, every mention must occur in it verbatim, and every evidence quote up to
    whitespace.
    """
    out: list[Problem] = []

    def bad(message: str, field_: str, index: int | None = None) -> None:
        """``field_`` 'places.lat' with index 3 is reported as 'places[3].lat'."""
        if index is not None:
            head, _, tail = field_.partition(".")
            field_ = f"{head}[{index}]" + (f".{tail}" if tail else "")
        out.append(Problem(message, where, None, field_))

    flat = _squash(text) if text is not None else None

    if not isinstance(gold, dict):
        return [Problem("a gold file is a JSON object", where)]
    for key, kind in (("file", str), ("language", str), ("publisher", str), ("published", str)):
        if not isinstance(gold.get(key), kind):
            bad(f"'{key}' is missing or not a string", key)
    if isinstance(gold.get("published"), str) and not _date_ok(gold["published"], "day"):
        bad(f"'{gold['published']}' is not an ISO date", "published")
    for key in ("places", "dates", "movements", "statements"):
        if not isinstance(gold.get(key), list):
            bad("missing or not a list", key)
    if out:
        return out
    if "split" in gold and gold["split"] not in SPLITS:
        bad(f"split {gold['split']!r} is not one of {', '.join(SPLITS)}", "split")
    names: set[str] = set()
    for i, p in enumerate(gold["places"]):
        if not isinstance(p, dict):
            bad("not an object", "places", i)
            continue
        for key in ("mention", "name"):
            if not isinstance(p.get(key), str) or not p[key]:
                bad(f"'{key}' is missing", f"places.{key}", i)
        if p.get("kind") not in PLACE_KINDS:
            bad(f"kind {p.get('kind')!r} is not one of {', '.join(PLACE_KINDS)}", "places.kind", i)
        country = p.get("country")
        if country is not None and not (isinstance(country, str) and ISO2.match(country)):
            bad(f"country {country!r} is not an ISO alpha-2 code", "places.country", i)
        if p.get("kind") == "country" and country is None:
            bad("a country needs its ISO code", "places.country", i)
        lat, lon = p.get("lat"), p.get("lon")
        if not (isinstance(lat, (int, float)) and -90 <= lat <= 90):
            bad(f"lat {lat!r} is not in -90..90", "places.lat", i)
        if not (isinstance(lon, (int, float)) and -180 <= lon <= 180):
            bad(f"lon {lon!r} is not in -180..180", "places.lon", i)
        if text is not None and isinstance(p.get("mention"), str) and p["mention"] not in text:
            bad(f"mention {p['mention']!r} does not occur in the text", "places.mention", i)
        names.update(v for v in (p.get("name"), p.get("mention")) if isinstance(v, str))
    for i, d in enumerate(gold["dates"]):
        if not isinstance(d, dict):
            bad("not an object", "dates", i)
            continue
        if d.get("precision") not in PRECISIONS:
            bad(f"precision {d.get('precision')!r} is not one of {', '.join(PRECISIONS)}", "dates.precision", i)
        elif not _date_ok(d.get("date"), d["precision"]):
            bad(f"date {d.get('date')!r} does not parse at precision {d['precision']}", "dates.date", i)
        if not isinstance(d.get("mention"), str) or (text is not None and d["mention"] not in text):
            bad(f"mention {d.get('mention')!r} does not occur in the text", "dates.mention", i)
    for i, m in enumerate(gold["movements"]):
        if not isinstance(m, dict):
            bad("not an object", "movements", i)
            continue
        if m.get("to") not in names:
            bad(f"destination {m.get('to')!r} is not a gold place's name or mention", "movements.to", i)
        if m.get("from") is not None and m["from"] not in names:
            bad(f"origin {m['from']!r} is not a gold place's name or mention", "movements.from", i)
        for v in m.get("via") or []:
            if v not in names:
                bad(f"stop {v!r} is not a gold place's name or mention", "movements.via", i)
        if m.get("status") not in STATUSES:
            bad(f"status {m.get('status')!r} is not one of {', '.join(STATUSES)}", "movements.status", i)
        if "mode" in m and m["mode"] not in MODES:
            bad(f"mode {m['mode']!r} is not one of {', '.join(MODES)}", "movements.mode", i)
        if "quantity" in m and not (isinstance(m["quantity"], int) and m["quantity"] > 0):
            bad(f"quantity {m['quantity']!r} is not a positive whole number", "movements.quantity", i)
        if not _movement_date_ok(m.get("date")):
            bad(f"date {m.get('date')!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null", "movements.date", i)
        if not isinstance(m.get("evidence"), str) or (flat is not None and _squash(m["evidence"]) not in flat):
            bad("evidence does not occur in the text", "movements.evidence", i)
    for i, s in enumerate(gold["statements"]):
        if not isinstance(s, dict):
            bad("not an object", "statements", i)
            continue
        if not isinstance(s.get("who"), str):
            bad("'who' is missing", "statements.who", i)
        if s.get("where") is not None and s["where"] not in names:
            bad(f"place {s['where']!r} is not a gold place's name or mention", "statements.where", i)
        if not _movement_date_ok(s.get("date")):
            bad(f"date {s.get('date')!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null", "statements.date", i)
        if not isinstance(s.get("evidence"), str) or (flat is not None and _squash(s["evidence"]) not in flat):
            bad("evidence does not occur in the text", "statements.evidence", i)
    return out

