"""Extracting a whole corpus: streamed, batched, resumable, serial or on Dask.

``extract_corpus(corpus, output)`` reads articles one by one (:mod:`geomap.corpus.reader`),
extracts them in batches, and writes each batch as a part file in ``OUTPUT.parts/`` together
with a log of the articles done (``done.jsonl``: id, status, reason). An interrupted run loses
at most the batches in flight; a rerun skips every article already logged or already in a
part. At the end the parts are combined, ordered by the articles' place in the corpus, the
same event told by several articles is merged (:mod:`geomap.corpus.merge`), and OUTPUT is
written whole (GeoParquet), with ``OUTPUT.merges.json`` reporting the merges.

With ``workers`` > 0 the batches run on a dask.distributed LocalCluster (one process per
worker, one thread each); with ``scheduler`` on an existing Dask cluster. Each worker process
opens the gazetteer once and keeps it for all its batches (the recogniser is a per-process
singleton, never pickled). The result is the same as the serial run's.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from geomap.corpus.reader import Article, iter_articles
from geomap.corpus.store import records_of, records_to_frame, write_parquet
from geomap.extract.resources import FALLBACK, available_languages, has_resources
from geomap.files import OutputError, atomic_path, reason_of, write_text_atomic
from geomap.model import ArgumentError, GeomapError, Problem, Source

__all__ = ["CorpusSummary", "extract_corpus", "process_batch", "BatchResult"]


@dataclass
class BatchResult:
    """What one batch gave: its table part, already encoded as GeoParquet by the worker (so the
    process that collects results only writes bytes), and per article its status."""

    first_seq: int
    parquet: bytes | None
    done: list[dict[str, Any]]  # {id, status: ok|failed, reason, events, movements, unresolved}


@dataclass
class CorpusSummary:
    articles: int = 0
    skipped: int = 0  # done in an earlier run
    events: int = 0
    movements: int = 0
    unresolved: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_before_merge: int = 0
    rows: int = 0
    merges: int = 0
    seconds: float = 0.0
    extract_seconds: float = 0.0  # reading and extracting only (before combining and merging)
    output: Path | None = None

    def format(self) -> str:
        lines = [
            f"articles: {self.articles} extracted, {self.skipped} already done (skipped)",
            f"events: {self.events}, movements: {self.movements}, unresolved mentions: {self.unresolved}",
            f"rows: {self.rows_before_merge} before merging, {self.rows} after ({self.merges} merges)",
            f"failures: {len(self.failures)}; input problems: {len(self.problems)}",
        ]
        lines += [f"  failed {f['id']}: {f['reason']}" for f in self.failures[:20]]
        lines += [f"  {p}" for p in self.problems[:20]]
        rate = self.articles / self.extract_seconds if self.extract_seconds else 0.0
        lines.append(
            f"time: {self.seconds:.1f} s ({self.extract_seconds:.1f} s extracting, {rate:.1f} articles/s)"
            + (f"; wrote {self.output}" if self.output else "")
        )
        return "\n".join(lines)


def process_batch(articles: list[Article]) -> BatchResult:
    """Extract a batch of articles (runs in a worker; one failing article does not stop the batch)."""
    from geomap.extract import extract

    rows: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    for a in articles:
        try:
            source = Source(publisher=a.publisher, title=a.title, url=a.url, published=a.published)
            ex = extract(a.text, published=a.published, lang=a.language, source=source, where=a.where)
            provenance = {"article_id": a.id, "article_seq": a.seq, "url": a.url, "language": ex.language}
            got = records_of(ex.dataset, provenance)
            rows.extend(got)
            done.append(
                {
                    "id": a.id,
                    "status": "ok",
                    "events": len(ex.dataset.events),
                    "movements": len(ex.dataset.movements),
                    "unresolved": len(ex.unresolved),
                    "published_assumed": ex.published_assumed,
                }
            )
        except Exception as exc:  # record and go on: one bad article never loses the batch
            reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, GeomapError) else str(exc)
            done.append({"id": a.id, "status": "failed", "reason": reason[:500]})
    payload = None
    if rows:
        buffer = io.BytesIO()
        records_to_frame(rows).to_parquet(buffer, index=False)
        payload = buffer.getvalue()
    return BatchResult(articles[0].seq if articles else 0, payload, done)


def _unique_ids(items: Iterable[Article | Problem], problems: list[Problem]) -> Iterator[Article | Problem]:
    """Articles whose id repeats one before (an id or url given twice, 1 and "1") get a derived id,
    ``ID#SEQ`` (SEQ: the line or file number, stable across runs), with a warning: rows are
    keyed by article id, so a clash would otherwise drop one article's events silently."""
    seen: dict[str, str | None] = {}
    for item in items:
        if isinstance(item, Article):
            if item.id in seen:
                derived = f"{item.id}#{item.seq}"
                n = 2
                while derived in seen:
                    derived, n = f"{item.id}#{item.seq}.{n}", n + 1
                problems.append(Problem(
                    f"article id {item.id!r} is also the id of {seen[item.id]}; this one is kept as {derived!r}",
                    where=item.where, field="id", severity="warning",
                ))  # fmt: skip
                item = dataclasses.replace(item, id=derived)
            seen[item.id] = item.where
        yield item


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for a in items:
        batch.append(a)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Progress:
    """A one-line progress report on stderr (no dependency; silent when not a terminal unless forced)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.t0 = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, events: int) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.last < 0.5:
            return
        self.last = now
        rate = done / max(now - self.t0, 1e-9)
        sys.stderr.write(f"\r{done} articles, {events} events, {rate:.0f} articles/s ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


class _Parts:
    """The part files and the log of done articles beside the output: what makes a run resumable."""

    def __init__(self, output: Path) -> None:
        self.dir = output.with_name(output.name + ".parts")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(self.dir, reason_of(exc)) from None
        self.log = self.dir / "done.jsonl"

    def done_ids(self) -> set[str]:
        ids: set[str] = set()
        if self.log.exists():
            with self.log.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        ids.add(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a kill: that article is simply done again
        for part in self.dir.glob("part-*.parquet"):
            try:
                ids.update(pd.read_parquet(part, columns=["article_id"])["article_id"].astype(str))
            except Exception:
                part.unlink()  # torn by a kill before its rename: its articles are not logged either
        return ids

    def write(self, result: BatchResult) -> None:
        if result.parquet:
            path = self.dir / f"part-{result.first_seq:012d}.parquet"
            with atomic_path(path) as tmp:
                tmp.write_bytes(result.parquet)
        try:
            with self.log.open("a", encoding="utf-8") as fh:
                for d in result.done:
                    fh.write(json.dumps(d, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(self.log, reason_of(exc)) from None

    def combine(self) -> pd.DataFrame:
        import geopandas as gpd

        frames = [gpd.read_parquet(p) for p in sorted(self.dir.glob("part-*.parquet"))]
        frames = [f for f in frames if len(f)]
        if not frames:
            return records_to_frame([])
        table = pd.concat(frames, ignore_index=True)
        table = table.drop_duplicates(subset=["article_id", "item"], keep="last")
        return table.sort_values(["article_seq", "article_id", "item"], kind="stable").reset_index(drop=True)

    def failures(self) -> list[dict[str, Any]]:
        out = []
        if self.log.exists():
            with self.log.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    if d.get("status") == "failed":
                        out.append(d)
        return out


def extract_corpus(
    corpus: str | Path,
    output: str | Path,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    batch_size: int = 250,
    merge: bool = True,
    progress: bool | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> CorpusSummary:
    """Extract every article of ``corpus`` into the GeoParquet ``output`` (see the module docstring)."""
    t0 = time.perf_counter()
    output = Path(output)
    if output.suffix.lower() != ".parquet":
        raise GeomapError(f"{output}: a corpus is written as GeoParquet: name the output *.parquet")
    parts = _Parts(output)
    already = parts.done_ids()
    summary = CorpusSummary()
    problems: list[Problem] = []

    def todo() -> Iterator[Article]:
        for item in _unique_ids(iter_articles(Path(corpus)), problems):
            if isinstance(item, Problem):
                problems.append(item)
            elif item.id in already:
                summary.skipped += 1
            else:
                if item.language and not has_resources(item.language):
                    problems.append(Problem(
                        f"language {item.language!r} has no word lists (available: {', '.join(available_languages())}); "
                        f"the article is read with the {FALLBACK!r} ones", where=item.where, field="language",
                        severity="warning",
                    ))  # fmt: skip
                yield item

    bar = _Progress(sys.stderr.isatty() if progress is None else progress)

    def take(result: BatchResult) -> None:
        parts.write(result)
        for d in result.done:
            summary.articles += 1
            summary.events += d.get("events", 0)
            summary.movements += d.get("movements", 0)
            summary.unresolved += d.get("unresolved", 0)
        bar.update(summary.articles, summary.events)
        if on_batch is not None:
            on_batch(result)

    batches = _batches(todo(), max(1, batch_size))
    if workers or scheduler:
        _run_dask(batches, take, workers, scheduler)
    else:
        for batch in batches:
            take(process_batch(batch))
    bar.close()
    summary.extract_seconds = time.perf_counter() - t0

    table = parts.combine()
    summary.rows_before_merge = len(table)
    merges: list[dict[str, Any]] = []
    if merge and len(table):
        from geomap.corpus.merge import merge_rows

        table, merges = merge_rows(table)
    summary.rows = len(table)
    summary.merges = len(merges)
    write_parquet(table, output)
    report = output.with_name(output.stem + ".merges.json")
    write_text_atomic(report, json.dumps({"merges": merges}, ensure_ascii=False, indent=1, default=str))
    summary.failures = parts.failures()
    summary.problems = problems
    summary.seconds = time.perf_counter() - t0
    summary.output = output
    return summary


SCHEDULER_TIMEOUT = 10  # seconds to reach an existing Dask scheduler


def _run_dask(batches: Iterator[list[Article]], take: Callable[[BatchResult], None], workers: int, scheduler: str | None) -> None:
    """Run the batches on Dask, a bounded number in flight, writing each result as it arrives."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as exc:  # not an address, refused, timed out
            detail = " ".join(str(exc).split())[:200]
            raise ArgumentError("scheduler", f"cannot reach the Dask scheduler {scheduler!r}: {detail}") from None
    else:
        cluster = LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers or 1)
        window = 3 * n
        pending = as_completed()
        for _ in range(window):
            batch = next(batches, None)
            if batch is None:
                break
            pending.add(client.submit(process_batch, batch, pure=False))
        for future in pending:
            take(future.result())
            future.release()
            batch = next(batches, None)
            if batch is not None:
                pending.add(client.submit(process_batch, batch, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def worker_peak_memory_mb(client: Any) -> dict[str, float]:
    """Peak resident memory of each Dask worker process (for the benchmark)."""
    import resource

    return {
        k: v / 1024
        for k, v in client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).items()
    }

