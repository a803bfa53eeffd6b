"""How long building and saving an HTML map takes, and how much memory, for N synthetic events.

    python benchmarks/bench_render.py              # N = 100, 1000, 10000
    python benchmarks/bench_render.py 500 50000    # other sizes

Events get seeded random places (so runs are comparable) and one movement per 20 events.
Time is measured without tracemalloc (it slows Python down); peak memory is tracemalloc's
peak of a second, identical build; ru_maxrss is the process's high-water mark so far.
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from geomap.model import (
    Dataset,
    DatePrecision,
    Event,
    EventKind,
    Leg,
    Mode,
    Movement,
    Place,
    Source,
    Status,
)
from geomap.render import build_map


def synthetic(n: int, seed: int = 1) -> Dataset:
    """n events at n // 4 + 1 places, and n // 20 two-leg movements between them."""
    rng = random.Random(seed)
    places = [Place(f"Place {i}", rng.uniform(35, 60), rng.uniform(20, 140), "RU") for i in range(n // 4 + 1)]
    sources = [Source(f"Outlet {i}", f"Report {i}", f"https://example.org/{i}") for i in range(20)]
    kinds, statuses = list(EventKind), list(Status)
    day0 = dt.date(2024, 1, 1)
    events = [
        Event(
            id=f"e{i}",
            location=f"near place {i % len(places)}",
            date=day0 + dt.timedelta(days=rng.randrange(365)),
            date_precision=DatePrecision.DAY,
            place=rng.choice(places),
            actor=f"Unit {rng.randrange(12)}",
            kind=rng.choice(kinds),
            quantity=rng.randrange(10, 5000),
            status=rng.choice(statuses),
            description="Synthetic event for the render benchmark.",
            source=rng.choice(sources),
            quote="A quoted sentence from the report, as it was written.",
        )
        for i in range(n)
    ]
    movements = []
    for i in range(n // 20):
        a, b, c = rng.sample(places, 3)
        legs = [
            Leg(a.name, b.name, a, b, day0, mode=Mode.RAIL),
            Leg(b.name, c.name, b, c, day0, mode=Mode.ROAD),
        ]
        movements.append(Movement(f"m{i}", f"Unit {rng.randrange(12)}", legs, rng.choice(statuses)))
    return Dataset(events=events, movements=movements, title=f"{n} synthetic events")


def build_and_save(dataset: Dataset, out: Path) -> int:
    build_map(dataset).save(out)
    return out.stat().st_size


def main(sizes: list[int]) -> None:
    print(
        f"{'events':>8} {'moves':>6} {'build+save s':>13} {'HTML MB':>8} {'py peak MB':>11} {'maxrss MB':>10}"
    )
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        out = Path(tmp) / "map.html"
        for n in sizes:
            dataset = synthetic(n)
            start = time.perf_counter()
            size = build_and_save(dataset, out)
            seconds = time.perf_counter() - start
            tracemalloc.start()
            build_and_save(synthetic(n), out)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
            print(
                f"{n:>8} {len(dataset.movements):>6} {seconds:>13.2f} {size / 1e6:>8.1f} "
                f"{peak / 1e6:>11.1f} {rss:>10.0f}"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
