"""Merging the same event reported by several articles into one row with all its sources.

Two rows are the same event when they are the same kind of record (event or movement), of the
same kind, by the same actor (case and spacing aside), at the same resolved place (name and
country), for movements also from the same origin, with the same denial or not, and their
dates agree at their precision: their periods (a day, a week, a month, ...) overlap or lie
within ``days`` of each other. Undated rows merge only with undated rows. The merged row keeps
the most precise date, the strongest status (confirmed over reported over claimed), and lists
every source, article and quote; ``source_count`` counts the distinct articles. The merge
report says which rows went into which.

The work is a sort and one sweep per group (interval merging), so 100,000 rows take seconds.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

__all__ = ["merge_rows", "MERGE_DAYS"]

MERGE_DAYS = 1
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_STATUS_RANK = {"confirmed": 0, "reported": 1, "claimed": 2, "denied": 3}
_KEY_COLUMNS = ("record", "kind", "actor1", "country_code", "place_name", "from")


def _norm(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.split().str.join(" ").str.casefold()


def merge_rows(table: pd.DataFrame, days: int = MERGE_DAYS) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The table with duplicate reports merged, and the list of merges made."""
    if table.empty:
        return table, []
    work = pd.DataFrame(index=table.index)
    for col in _KEY_COLUMNS:
        values = table[col] if col in table.columns else pd.Series("", index=table.index)
        work[col] = _norm(values)
    work.loc[work["record"] != "movement", "from"] = ""
    work["denied"] = (table["status"].astype(str) == "denied") if "status" in table.columns else False
    work["start"] = pd.to_datetime(table.get("start"), errors="coerce")
    work["end"] = pd.to_datetime(table.get("end"), errors="coerce")
    work["undated"] = work["start"].isna() | work["end"].isna()
    keys = [*_KEY_COLUMNS, "denied", "undated"]
    work = work.sort_values([*keys, "start"], kind="stable")

    slack = pd.Timedelta(days=days)
    cluster_of: dict[Any, int] = {}
    clusters: list[list[Any]] = []
    for _, group in work.groupby(keys, sort=False):
        if bool(group["undated"].iloc[0]):
            clusters.append(list(group.index))
            continue
        current: list[Any] = []
        current_end = None
        for idx, start, end in zip(group.index, group["start"], group["end"], strict=True):
            if current and start <= current_end + slack:
                current.append(idx)
                current_end = max(current_end, end)
            else:
                if current:
                    clusters.append(current)
                current, current_end = [idx], end
        if current:
            clusters.append(current)
    for n, members in enumerate(clusters):
        for idx in members:
            cluster_of[idx] = n

    keep: list[Any] = []
    merged_into: dict[Any, dict[str, Any]] = {}
    report: list[dict[str, Any]] = []
    precision = table["date_precision"].astype(str).map(lambda p: _PRECISION_RANK.get(p, 4))
    status = table["status"].astype(str)
    for members in clusters:
        if len(members) == 1:
            keep.append(members[0])
            continue
        best = min(members, key=lambda i: (precision[i], _STATUS_RANK.get(status[i], 1), table.at[i, "article_seq"], i))
        keep.append(best)
        rows = table.loc[members]
        articles = list(dict.fromkeys(str(x) for x in rows["article_id"]))
        sources = sorted({str(x) for x in rows["source"].dropna()}) if "source" in rows else []
        urls = sorted({str(x) for x in rows["url"].dropna()}) if "url" in rows else []
        merged_into[best] = {
            "status": min((str(s) for s in rows["status"]), key=lambda s: _STATUS_RANK.get(s, 1)),
            "source_count": len(articles),
            "sources": json.dumps(sources, ensure_ascii=False) if sources else None,
            "source_urls": json.dumps(urls, ensure_ascii=False) if urls else None,
            "article_ids": json.dumps(articles, ensure_ascii=False),
            "quotes": json.dumps([q for q in rows["quote"].dropna().astype(str)], ensure_ascii=False),
        }
        report.append(
            {
                "kept": f"{table.at[best, 'article_id']}#{table.at[best, 'item']}",
                "merged": [f"{table.at[i, 'article_id']}#{table.at[i, 'item']}" for i in members if i != best],
                "record": table.at[best, "record"],
                "actor1": table.at[best, "actor1"],
                "place": table.at[best, "place_name"],
                "event_date": table.at[best, "event_date"],
                "articles": len(articles),
            }
        )
    out = table.loc[sorted(keep)].copy()
    out["source_count"] = pd.array([1] * len(out), dtype="Int64")
    out["article_ids"] = [json.dumps([str(a)]) for a in out["article_id"]]
    for col in ("sources", "source_urls", "quotes"):
        out[col] = pd.Series([None] * len(out), index=out.index, dtype=object)
    for i, values in merged_into.items():
        for col, value in values.items():
            out.at[i, col] = value
    report.sort(key=lambda r: r["kept"])
    return out.reset_index(drop=True), report
