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

    # Column values as plain lists: row-wise access to Arrow-backed columns is slow.
    pos = {idx: n for n, idx in enumerate(table.index)}
    col = {c: (table[c].tolist() if c in table.columns else [None] * len(table))
           for c in ("article_id", "item", "article_seq", "status", "date_precision", "source", "url", "quote",
                     "record", "actor1", "place_name", "event_date")}  # fmt: skip

    def text(c: str, i: int) -> str | None:
        v = col[c][i]
        return None if v is None or (isinstance(v, float) and v != v) else str(v)

    keep: list[int] = []
    extra: dict[int, dict[str, Any]] = {}
    report: list[dict[str, Any]] = []
    for members_idx in clusters:
        members = [pos[i] for i in members_idx]
        if len(members) == 1:
            keep.append(members[0])
            continue
        best = min(
            members,
            key=lambda i: (
                _PRECISION_RANK.get(text("date_precision", i) or "", 4),
                _STATUS_RANK.get(text("status", i) or "", 1),
                col["article_seq"][i],
                i,
            ),
        )
        keep.append(best)
        articles = list(dict.fromkeys(text("article_id", i) for i in members))
        sources = sorted({t for i in members if (t := text("source", i))})
        urls = sorted({t for i in members if (t := text("url", i))})
        extra[best] = {
            "status": min((text("status", i) or "reported" for i in members), key=lambda st: _STATUS_RANK.get(st, 1)),
            "source_count": len(articles),
            "sources": json.dumps(sources, ensure_ascii=False) if sources else None,
            "source_urls": json.dumps(urls, ensure_ascii=False) if urls else None,
            "article_ids": json.dumps(articles, ensure_ascii=False),
            "quotes": json.dumps([t for i in members if (t := text("quote", i))], ensure_ascii=False),
        }
        report.append(
            {
                "kept": f"{text('article_id', best)}#{col['item'][best]}",
                "merged": [f"{text('article_id', i)}#{col['item'][i]}" for i in members if i != best],
                "record": text("record", best),
                "actor1": text("actor1", best),
                "place": text("place_name", best),
                "event_date": text("event_date", best),
                "articles": len(articles),
            }
        )
    keep.sort()
    out = table.iloc[keep].copy()
    out["status"] = [extra[i]["status"] if i in extra else col["status"][i] for i in keep]
    out["source_count"] = pd.array([extra[i]["source_count"] if i in extra else 1 for i in keep], dtype="Int64")
    out["article_ids"] = [extra[i]["article_ids"] if i in extra else json.dumps([text("article_id", i)]) for i in keep]
    for c in ("sources", "source_urls", "quotes"):
        out[c] = pd.Series([extra[i][c] if i in extra else None for i in keep], index=out.index, dtype=object)
    report.sort(key=lambda r: r["kept"])
    return out.reset_index(drop=True), report
