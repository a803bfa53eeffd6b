"""Corpus robustness (issue 14): repeated ids never drop articles, unknown languages and
deeply nested lines are reported, and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from geomap.cli import main
from geomap.corpus.run import extract_corpus

TEXTS = [
    "On 3 October 2024 troops moved from Vladivostok to Kursk.",
    "On 5 October 2024 troops moved from Kazan to Belgorod.",
    "On 7 October 2024 ships moved from Sevastopol to Novorossiysk.",
    "On 9 October 2024 troops moved from Moscow to Smolensk.",
    "On 11 October 2024 troops moved from Omsk to Voronezh.",
    "On 13 October 2024 troops moved from Perm to Bryansk.",
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_repeated_ids_and_urls_keep_every_article(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "text": TEXTS[0]},
        {"id": "1", "text": TEXTS[1]},  # 1 and "1"
        {"id": "a", "text": TEXTS[2]},
        {"id": "a", "text": TEXTS[3]},
        {"url": "http://x/1", "text": TEXTS[4]},
        {"url": "http://x/1", "text": TEXTS[5]},
    ]
    corpus = _write(tmp_path / "dup.jsonl", rows)
    alone = 0
    for i, row in enumerate(rows):
        one = _write(tmp_path / f"one{i}.jsonl", [row])
        alone += extract_corpus(one, tmp_path / f"one{i}.parquet", merge=False).rows
    summary = extract_corpus(corpus, tmp_path / "dup.parquet", merge=False)
    assert summary.articles == 6
    assert summary.rows == alone >= 6  # a clash used to keep one row per id: 3
    table = pd.read_parquet(tmp_path / "dup.parquet")
    assert sorted(table["article_id"].unique()) == sorted(["1", "1#2", "a", "a#4", "http://x/1", "http://x/1#6"])
    clashes = [p for p in summary.problems if p.field == "id"]
    assert len(clashes) == 3 and all(p.severity == "warning" for p in clashes)
    assert "'1' is also the id of" in clashes[0].message and "kept as '1#2'" in clashes[0].message
    # a rerun skips all six (the derived ids are stable) and writes the same rows
    again = extract_corpus(corpus, tmp_path / "dup.parquet", merge=False)
    assert again.skipped == 6 and again.rows == summary.rows


def test_unknown_language_is_reported(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl", [{"id": "x", "language": "xx", "text": TEXTS[0]}])
    summary = extract_corpus(corpus, tmp_path / "c.parquet")
    (problem,) = [p for p in summary.problems if p.field == "language"]
    assert "'xx' has no word lists" in problem.message and problem.where.endswith("c.jsonl:1")
    assert summary.movements == 1  # still read, with the fallback word lists


def test_deeply_nested_line_does_not_abort_the_run(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "a", "text": TEXTS[0]}) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n"
        + json.dumps({"id": "b", "text": TEXTS[1]}) + "\n",
        encoding="utf-8",
    )
    assert main(["extract", str(corpus), "-o", str(tmp_path / "c.parquet")]) == 0
    err = capsys.readouterr().err
    assert "c.jsonl:2" in err and "nested too deeply" in err and "Traceback" not in err
    assert set(pd.read_parquet(tmp_path / "c.parquet")["article_id"]) == {"a", "b"}


def test_lang_given_is_reported_as_given(tmp_path: Path, capsys) -> None:
    art = tmp_path / "a.txt"
    art.write_text(TEXTS[0], encoding="utf-8")
    assert main(["extract", str(art), "--lang", "xx", "-o", str(tmp_path / "a.yaml")]) == 0
    err = capsys.readouterr().err
    assert "the language given, 'xx', has no word lists" in err and "looks like" not in err
