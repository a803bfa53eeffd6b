"""What a user waits for: fresh `geomap` processes on the bundled example.

    python benchmarks/bench_cli.py [--repeat 5]

Prints the wall time (best and median of N runs) and peak memory (max RSS) of
`geomap geocode Kursk`, `geomap render` and `geomap export` (GeoPackage) on
examples/kursk/events.yaml, and of `geomap extract` on the seed article when ../shared exists.
The gazetteer index must already exist (`python -m geomap.geocode.index`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kursk" / "events.yaml"


def measure(args: list[str], repeat: int) -> tuple[float, float, float]:
    """(best s, median s, peak RSS MB) of running ``python -m geomap.cli ARGS`` afresh each time."""
    times, peak = [], 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", "geomap.cli", *args, "-q"]
            if args[0] != "geocode"
            else [sys.executable, "-m", "geomap.cli", *args],
            os.environ,
        )
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - t0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"geomap {' '.join(args)} failed")
        peak = max(peak, usage.ru_maxrss / 1024)
    return min(times), statistics.median(times), peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="geomap-bench-"))
    jobs = {
        "geocode Kursk": ["geocode", "Kursk"],
        "render example -> HTML": ["render", str(EXAMPLE), "-o", str(out / "k.html")],
        "export example -> GPKG": ["export", str(EXAMPLE), "-o", str(out / "k.gpkg")],
    }
    seed = args.shared / "seed" / "nk-troops-kursk.id.txt"
    if seed.exists():
        jobs["extract seed -> YAML"] = [
            "extract",
            str(seed),
            "--published",
            "2024-10-29",
            "-o",
            str(out / "e.yaml"),
        ]
    print(f"{'command':28s} {'best s':>8s} {'median s':>9s} {'max RSS MB':>11s}")
    for label, cmd in jobs.items():
        best, median, rss = measure(cmd, args.repeat)
        print(f"{label:28s} {best:8.3f} {median:9.3f} {rss:11.1f}")
    print(
        f"(html size {(out / 'k.html').stat().st_size / 1024:.0f} kB; self RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
