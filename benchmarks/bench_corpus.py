"""Corpus scale: N synthetic articles, serial vs a 2-worker Dask LocalCluster, then the map.

    python benchmarks/bench_corpus.py [--n 10000] [--workers 2]

Prints serial articles/s, the Dask run's articles/s and its speed-up (target >= 1.7x on a
2-core machine), each worker's peak memory, the rows before and after merging, and the time
and size of rendering and exporting the merged result.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.corpus.run import extract_corpus, worker_peak_memory_mb  # noqa: E402
from geomap.corpus.synth import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=250)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="geomap-corpus-"))
    corpus = tmp / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for row in generate(args.n, seed=7):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.n} synthetic articles, {corpus.stat().st_size / 1e6:.1f} MB JSONL")

    serial = extract_corpus(corpus, tmp / "serial.parquet", batch_size=args.batch_size, progress=False)
    rate_serial = serial.articles / serial.extract_seconds
    print(f"serial:        {serial.extract_seconds:7.1f} s  {rate_serial:7.1f} articles/s  "
          f"(peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")  # fmt: skip

    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    parallel = extract_corpus(corpus, tmp / "dask.parquet", scheduler=cluster.scheduler_address,
                              batch_size=args.batch_size, progress=False)  # fmt: skip
    rate_dask = parallel.articles / parallel.extract_seconds
    memory = worker_peak_memory_mb(client)
    client.close()
    cluster.close()
    print(f"dask x{args.workers}:       {parallel.extract_seconds:7.1f} s  {rate_dask:7.1f} articles/s  "
          f"speed-up {rate_dask / rate_serial:.2f}x (cluster already up; start-up not counted)")  # fmt: skip
    print("worker peak RSS: " + ", ".join(f"{v:.0f} MB" for v in memory.values()))
    print(f"combine + merge + write: {serial.seconds - serial.extract_seconds:.1f} s")
    print(f"rows: {serial.rows_before_merge} before merging, {serial.rows} after ({serial.merges} merges); "
          f"events {serial.events}, movements {serial.movements}, failures {len(serial.failures)}")  # fmt: skip

    from geomap.io import export, read_events
    from geomap.render import build_map

    t0 = time.perf_counter()
    ds = read_events(tmp / "serial.parquet")
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    build_map(ds).save(tmp / "map.html")
    t_map = time.perf_counter() - t0
    t0 = time.perf_counter()
    export(ds, tmp / "events.gpkg")
    t_gpkg = time.perf_counter() - t0
    print(f"read merged table {t_read:.1f} s; map {t_map:.1f} s, {(tmp / 'map.html').stat().st_size / 1e6:.1f} MB; "
          f"GeoPackage {t_gpkg:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
