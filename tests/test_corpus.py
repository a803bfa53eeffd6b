"""Corpus scale: streaming, serial vs Dask, interrupt and resume, bad lines, merging, reading back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geomap.corpus.reader import Article, iter_articles
from geomap.corpus.run import extract_corpus
from geomap.corpus.store import read_corpus_table
from geomap.corpus.synth import generate
from geomap.model import Problem


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "articles.jsonl", list(generate(240, seed=5)))


def _table(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    return df.drop(columns=["geometry"]).astype(str).reset_index(drop=True)


def test_generator_is_deterministic() -> None:
    a = [r["text"] for r in generate(20, seed=9)]
    b = [r["text"] for r in generate(20, seed=9)]
    assert a == b and len(set(a)) > 10
    assert {r["language"] for r in generate(50, seed=9)} == {"en", "id"}


def test_serial_and_dask_runs_give_identical_tables(corpus: Path, tmp_path: Path) -> None:
    serial = extract_corpus(corpus, tmp_path / "serial.parquet", batch_size=30, progress=False)
    parallel = extract_corpus(corpus, tmp_path / "dask.parquet", workers=2, batch_size=30, progress=False)
    assert serial.articles == parallel.articles == 240
    assert serial.rows == parallel.rows > 0
    pd.testing.assert_frame_equal(_table(tmp_path / "serial.parquet"), _table(tmp_path / "dask.parquet"))


def test_same_event_from_many_articles_is_merged_with_its_sources(corpus: Path, tmp_path: Path) -> None:
    summary = extract_corpus(corpus, tmp_path / "out.parquet", progress=False)
    assert summary.merges > 0 and summary.rows < summary.rows_before_merge
    df = pd.read_parquet(tmp_path / "out.parquet")
    merged = df[df["source_count"] > 1]
    assert len(merged) == summary.merges
    row = merged.iloc[0]
    assert len(json.loads(row["article_ids"])) == row["source_count"]
    report = json.loads((tmp_path / "out.merges.json").read_text(encoding="utf-8"))["merges"]
    assert len(report) == summary.merges and report[0]["merged"]


def test_unmerged_table_keeps_every_report(corpus: Path, tmp_path: Path) -> None:
    summary = extract_corpus(corpus, tmp_path / "raw.parquet", merge=False, progress=False)
    assert summary.rows == summary.rows_before_merge == summary.events + summary.movements


def test_corrupt_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    rows = list(generate(6, seed=2))
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, '{"text": "broken')  # torn JSON
    lines.insert(4, '["not", "an", "object"]')
    lines.insert(5, '{"title": "no text"}')
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_articles(path))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.line, p.field) for p in problems] == [(3, None), (5, None), (6, "text")]
    assert all(str(path) in str(p) for p in problems)
    summary = extract_corpus(path, tmp_path / "out.parquet", progress=False)
    assert summary.articles == 6 and len(summary.problems) == 3


def test_folder_of_text_and_html_files(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Russian troops were moved by rail from Kursk to Belgorod on 3 May, officials said.", encoding="utf-8")
    (root / "sub" / "b.html").write_text(
        '<html><head><meta property="article:published_time" content="2024-05-10"><title>T</title>'
        "<script>var x = 'Paris';</script></head><body><p>Troops arrived in Vilnius on 8 May.</p></body></html>",
        encoding="utf-8",
    )
    (root / "c.txt").write_bytes(b"\xff\xfe not utf-8")
    items = list(iter_articles(root))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in articles] == ["a.txt", "sub/b.html"]
    html = articles[1]
    assert "Paris" not in html.text and "Vilnius" in html.text and str(html.published) == "2024-05-10"
    assert [p.field for p in items if isinstance(p, Problem)] == ["text"]


def test_table_reads_back_for_render_and_export(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    extract_corpus(corpus, out, progress=False)
    ds = read_corpus_table(out)
    assert ds.events and ds.movements and not ds.errors
    assert all(m.legs[-1].destination_place is not None for m in ds.movements)
    r = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "export", str(out), "-o", str(tmp_path / "e.gpkg"), "-q"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr


def test_interrupted_run_resumes_without_loss_or_duplicates(corpus: Path, tmp_path: Path) -> None:
    reference = tmp_path / "ref.parquet"
    extract_corpus(corpus, reference, batch_size=10, progress=False)
    out = tmp_path / "run.parquet"
    cmd = [sys.executable, "-m", "geomap.cli", "extract", str(corpus), "-o", str(out), "--batch-size", "10", "-q"]
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out.with_name(out.name + ".parts") / "done.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if log.exists() and sum(1 for _ in log.open()) >= 40:
            break
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    done_before = sum(1 for _ in log.open())
    assert 40 <= done_before < 240, "the kill should land mid-run"
    summary = extract_corpus(corpus, out, batch_size=10, progress=False)
    assert summary.skipped >= 40 and summary.skipped + summary.articles == 240
    pd.testing.assert_frame_equal(_table(reference), _table(out))
