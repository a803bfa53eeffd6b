"""Merging the same event reported by several articles into one row with all its sources.

Two rows are the same event when they are the same kind of record (event or movement), of the
same kind, by the same actor (case and spacing aside), at the same resolved place (name and
country; two places of one name are told apart when their points lie more than ``km`` apart),
for movements also from the same origin, and their dates
agree at their precision: their periods (a day, a week, a month, ...) overlap or lie within
``days`` of each other. The merged row keeps the most precise date, the strongest status
(confirmed over reported over claimed; a denial stays separate), and lists every source,
article and quote; ``source_count`` counts the distinct articles. The merge report says which
rows went into which.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd

__all__ = ["merge_rows", "MERGE_KM", "MERGE_DAYS"]

MERGE_KM = 25.0
MERGE_DAYS = 1
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_STATUS_RANK = {"confirmed": 0, "reported": 1, "claimed": 2, "denied": 3}


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value and not pd.isna(value) else None
    except ValueError:
        return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value is not None and not pd.isna(value) else ""


def _key(row: pd.Series) -> tuple[str, ...]:
    return (
        _norm(row.get("record")),
        _norm(row.get("kind")),
        _norm(row.get("actor1")),
        _norm(row.get("country_code")),
        _norm(row.get("place_name")),
        _norm(row.get("from")) if row.get("record") == "movement" else "",
        "denied" if row.get("status") == "denied" else "",
    )


def _same(a: pd.Series, b: pd.Series, km: float, days: int) -> bool:
    pa = (a.get("latitude"), a.get("longitude"))
    pb = (b.get("latitude"), b.get("longitude"))
    if not any(x is None or pd.isna(x) for x in (*pa, *pb)) and _km(pa, pb) > km:
        return False  # two places of one name
    sa, ea, sb, eb = _day(a.get("start")), _day(a.get("end")), _day(b.get("start")), _day(b.get("end"))
    if None in (sa, ea, sb, eb):
        return sa is None and sb is None  # both undated: same only if both are
    slack = dt.timedelta(days=days)
    return sa <= eb + slack and sb <= ea + slack  # type: ignore[operator]


def merge_rows(table: pd.DataFrame, km: float = MERGE_KM, days: int = MERGE_DAYS) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The table with duplicate reports merged, and the list of merges made."""
    if table.empty:
        return table, []
    groups: dict[tuple[str, ...], list[list[int]]] = {}
    for i, row in table.iterrows():
        clusters = groups.setdefault(_key(row), [])
        for cluster in clusters:
            if _same(table.loc[cluster[0]], row, km, days):
                cluster.append(i)
                break
        else:
            clusters.append([i])
    keep: list[int] = []
    merged_into: dict[int, dict[str, Any]] = {}
    report: list[dict[str, Any]] = []
    for clusters in groups.values():
        for cluster in clusters:
            if len(cluster) == 1:
                keep.append(cluster[0])
                continue
            rows = table.loc[cluster]
            best = min(
                cluster,
                key=lambda i: (
                    _PRECISION_RANK.get(str(table.at[i, "date_precision"]), 4),
                    _STATUS_RANK.get(str(table.at[i, "status"]), 1),
                    i,
                ),
            )
            keep.append(best)
            strongest = min((str(s) for s in rows["status"]), key=lambda s: _STATUS_RANK.get(s, 1))
            sources = sorted({str(x) for x in rows.get("source", pd.Series(dtype=object)).dropna()})
            urls = sorted({str(x) for x in rows.get("url", pd.Series(dtype=object)).dropna()})
            articles = list(dict.fromkeys(str(x) for x in rows["article_id"]))
            merged_into[best] = {
                "status": strongest,
                "source_count": len(articles),
                "sources": json.dumps(sources, ensure_ascii=False) if sources else None,
                "source_urls": json.dumps(urls, ensure_ascii=False) if urls else None,
                "article_ids": json.dumps(articles, ensure_ascii=False),
                "quotes": json.dumps([q for q in rows["quote"].dropna().astype(str)], ensure_ascii=False),
            }
            report.append(
                {
                    "kept": f"{table.at[best, 'article_id']}#{table.at[best, 'item']}",
                    "merged": [f"{table.at[i, 'article_id']}#{table.at[i, 'item']}" for i in cluster if i != best],
                    "record": table.at[best, "record"],
                    "actor1": table.at[best, "actor1"],
                    "place": table.at[best, "place_name"],
                    "event_date": table.at[best, "event_date"],
                    "articles": len(articles),
                }
            )
    out = table.loc[sorted(keep)].copy()
    out["source_count"] = pd.array([1] * len(out), dtype="Int64")
    for col in ("sources", "source_urls", "article_ids", "quotes"):
        out[col] = pd.Series([None] * len(out), index=out.index, dtype=object)
    for i, values in merged_into.items():
        for col, value in values.items():
            out.at[i, col] = value
    for i in out.index:
        if i not in merged_into:
            out.at[i, "article_ids"] = json.dumps([str(out.at[i, "article_id"])])
    return out.reset_index(drop=True), report
