"""Synthetic news articles about troop movements, for benchmarks and tests: deterministic, seeded.

Each article is a JSON-ready dict (``id``, ``text``, ``published``, ``url``, ``language``,
``publisher``) in English or Indonesian, about 2-4 kB: a movement of an actor's troops from one
city to another (by rail, sea, air or road) on a date, a statement in a third city, and filler
sentences. Events repeat across articles on purpose (several outlets report the same move),
so the merge step has work to do.

    python -m geomap.corpus.synth 10000 --seed 7 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["generate"]

CITIES = [
    ("Kursk", "RU"), ("Belgorod", "RU"), ("Rostov-on-Don", "RU"), ("Novosibirsk", "RU"), ("Vladivostok", "RU"),
    ("Kharkiv", "UA"), ("Odesa", "UA"), ("Dnipro", "UA"), ("Lviv", "UA"), ("Zaporizhzhia", "UA"),
    ("Warsaw", "PL"), ("Rzeszów", "PL"), ("Vilnius", "LT"), ("Riga", "LV"), ("Tallinn", "EE"),
    ("Bucharest", "RO"), ("Constanța", "RO"), ("Minsk", "BY"), ("Pyongyang", "KP"), ("Tartus", "SY"),
]  # fmt: skip
ACTORS = {"en": ["Russian", "Ukrainian", "Polish", "North Korean", "Belarusian"],
          "id": ["Rusia", "Ukraina", "Polandia", "Korea Utara", "Belarus"]}  # fmt: skip
SPEAKERS = ["the defence ministry", "a military spokesman", "officials", "the general staff"]
MODES = {
    "en": [("by rail", "rail"), ("by sea", "sea"), ("by air", "air"), ("in road convoys", "road")],
    "id": [("dengan kereta api", "rail"), ("dengan kapal", "sea"), ("dengan pesawat", "air"), ("dengan konvoi truk", "road")],
}
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"]  # fmt: skip
FILLER = {
    "en": [
        "Analysts said the move fitted a pattern seen over the past months.",
        "The claim could not be independently verified.",
        "Satellite images published by commercial providers showed increased activity at several depots.",
        "Observers expect further rotations before the winter.",
        "The report did not say how many vehicles were involved.",
    ],
    "id": [
        "Para analis mengatakan langkah itu sesuai dengan pola beberapa bulan terakhir.",
        "Klaim tersebut belum dapat diverifikasi secara independen.",
        "Citra satelit menunjukkan peningkatan aktivitas di beberapa gudang.",
        "Pengamat memperkirakan rotasi lebih lanjut sebelum musim dingin.",
        "Laporan itu tidak menyebutkan jumlah kendaraan yang terlibat.",
    ],
}


def _date_text(day: dt.date, lang: str) -> str:
    return f"{day.day} {day.strftime('%B')}" if lang == "en" else f"{day.day} {MONTHS_ID[day.month - 1]}"


def _article(rng: random.Random, i: int, story: tuple[Any, ...], lang: str, base: dt.date) -> dict[str, Any]:
    actor_i, origin, dest, day, mode_i, qty, speaker_city = story
    actor = ACTORS[lang][actor_i]
    mode_text = MODES[lang][mode_i][0]
    published = day + dt.timedelta(days=rng.randint(1, 5))
    filler = rng.sample(FILLER[lang], 3)
    if lang == "en":
        qty_text = f"{qty:,}"
        lead = (
            f"About {qty_text} {actor} troops were moved {mode_text} from {origin[0]} to {dest[0]} on "
            f"{_date_text(day, lang)}, {rng.choice(SPEAKERS)} said."
        )
        statement = f"On {_date_text(published, lang)}, officials said in {speaker_city[0]} that the transfer was complete."
        title = f"{actor} troops moved to {dest[0]}"
    else:
        qty_text = f"{qty:,}".replace(",", ".")
        lead = (
            f"Sekitar {qty_text} tentara {actor} dipindahkan {mode_text} dari {origin[0]} ke {dest[0]} pada "
            f"{_date_text(day, lang)}, kata pejabat militer."
        )
        statement = f"Pada {_date_text(published, lang)}, pejabat mengatakan di {speaker_city[0]} bahwa pemindahan telah selesai."
        title = f"Tentara {actor} dipindahkan ke {dest[0]}"
    paragraphs = [title, lead, filler[0], statement, filler[1], filler[2]]
    text = "\n\n".join(paragraphs)
    while len(text) < 2000:
        text += "\n\n" + " ".join(rng.sample(FILLER[lang], 2))
    return {
        "id": f"synth-{i:06d}",
        "text": text,
        "published": published.isoformat(),
        "url": f"https://news.example/{lang}/{i:06d}",
        "language": lang,
        "publisher": f"Outlet {rng.randint(1, 40)}",
        "title": title,
    }


def generate(n: int, seed: int = 1, languages: tuple[str, ...] = ("en", "id"), stories: int | None = None) -> Iterator[dict[str, Any]]:
    """``n`` articles; about ``stories`` distinct events (default n/3), each told by several outlets."""
    rng = random.Random(seed)
    base = dt.date(2024, 1, 1)
    n_stories = max(1, stories if stories is not None else n // 3)
    pool = []
    for _ in range(n_stories):
        origin, dest, speaker = rng.sample(CITIES, 3)
        pool.append(
            (
                rng.randrange(len(ACTORS["en"])),
                origin,
                dest,
                base + dt.timedelta(days=rng.randrange(600)),
                rng.randrange(4),
                rng.choice([300, 500, 1200, 1500, 2000, 3500, 10000]),
                speaker,
            )
        )
    for i in range(n):
        yield _article(rng, i, rng.choice(pool), rng.choice(languages), base)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write N synthetic articles as JSONL on standard output.")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--languages", default="en,id")
    args = ap.parse_args(argv)
    for row in generate(args.n, args.seed, tuple(args.languages.split(","))):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
