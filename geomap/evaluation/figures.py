"""The figures of a comparison (counts, per-file scores, pooled scores) and their table."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from geomap.model import Problem


@dataclass
class Counts:
    """True positives, false positives and false negatives of one comparison."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


_LISTS = (
    "missed_places",
    "spurious_places",
    "missed_dates",
    "spurious_dates",
    "missed_movements",
    "wrong_moves",
    "wrong_inferred",
)


@dataclass
class FileScores:
    """The figures for one article (or, summed, for many), and what was missed, for debugging.

    * ``movements``: gold movements found with origin AND destination right (tp) or not (fn);
      a gold movement without a stated origin (``from: null``) needs its destination only,
      reached by any route or by a deployment event there.
    * ``destinations``: the same with destinations alone (a diagnostic: is it the origin?).
    * ``drawn``: routes drawn from a stated origin: right (tp) when origin and destination
      both match one gold movement with a stated origin, wrong (fp); fn = such gold moves not drawn.
    * ``inferred``: routes whose origin the tool inferred (``origin_inferred``), counted apart:
      right when they end at a gold movement's destination and, if the gold states an
      origin, start there.
    """

    name: str
    language: str | None = None
    split: str | None = None
    places: Counts = field(default_factory=Counts)
    dates: Counts = field(default_factory=Counts)
    movements: Counts = field(default_factory=Counts)
    destinations: Counts = field(default_factory=Counts)
    drawn: Counts = field(default_factory=Counts)
    inferred: Counts = field(default_factory=Counts)
    missed_places: list[str] = field(default_factory=list)
    spurious_places: list[str] = field(default_factory=list)
    missed_dates: list[str] = field(default_factory=list)
    spurious_dates: list[str] = field(default_factory=list)
    missed_movements: list[str] = field(default_factory=list)
    wrong_moves: list[str] = field(default_factory=list)
    wrong_inferred: list[str] = field(default_factory=list)

    @property
    def movement_recall(self) -> float | None:
        """Gold movements found with origin and destination right."""
        return self.movements.recall

    @property
    def drawn_precision(self) -> float | None:
        """Share of the routes drawn from a stated origin that match a gold movement at both ends."""
        return self.drawn.precision

    def __add__(self, other: FileScores) -> FileScores:
        return FileScores(
            name="pooled",
            places=self.places + other.places,
            dates=self.dates + other.dates,
            movements=self.movements + other.movements,
            destinations=self.destinations + other.destinations,
            drawn=self.drawn + other.drawn,
            inferred=self.inferred + other.inferred,
        )

    def figures(self) -> dict[str, float | int | None]:
        """The headline figures as a flat dict (for JSON and for comparing runs)."""
        return {
            "places_p": self.places.precision,
            "places_r": self.places.recall,
            "places_f1": self.places.f1,
            "dates_p": self.dates.precision,
            "dates_r": self.dates.recall,
            "dates_f1": self.dates.f1,
            "movement_recall": self.movement_recall,
            "movements_found": self.movements.tp,
            "movements_gold": self.movements.tp + self.movements.fn,
            "destination_recall": self.destinations.recall,
            "drawn_precision": self.drawn_precision,
            "drawn_right": self.drawn.tp,
            "drawn": self.drawn.tp + self.drawn.fp,
            "inferred_right": self.inferred.tp,
            "inferred": self.inferred.tp + self.inferred.fp,
        }

    def to_dict(self) -> dict[str, object]:
        """Figures, counts and misses: what ``--json`` prints."""
        out: dict[str, object] = {"name": self.name, "language": self.language, "split": self.split}
        out.update(self.figures())
        for f in fields(self):
            if isinstance(getattr(self, f.name), Counts):
                c = getattr(self, f.name)
                out[f"{f.name}_counts"] = {"tp": c.tp, "fp": c.fp, "fn": c.fn}
        for name in _LISTS:
            out[name] = list(getattr(self, name))
        return out


def pool(files: list[FileScores], name: str = "pooled") -> FileScores:
    """Micro-averaged sum of many files' figures."""
    total = FileScores(name=name)
    for f in files:
        total = total + f
    total.name = name
    return total


HEAD = (
    f"{'file':<30} {'places P':>8} {'R':>4} {'F1':>4}  {'dates P':>7} {'R':>4} {'F1':>4}"
    f"  {'moves R':>7} {'found':>7}  {'dest R':>6}  {'drawn P':>7} {'right':>7}  {'inferred':>8}"
)


def row(f: FileScores, width: int = 30) -> str:
    """One line of the table."""
    return (
        f"{f.name[:width]:<{width}} {_pct(f.places.precision):>8} {_pct(f.places.recall):>4}"
        f" {_pct(f.places.f1):>4}  {_pct(f.dates.precision):>7} {_pct(f.dates.recall):>4}"
        f" {_pct(f.dates.f1):>4}  {_pct(f.movement_recall):>7}"
        f" {f'{f.movements.tp}/{f.movements.tp + f.movements.fn}':>7}"
        f"  {_pct(f.destinations.recall):>6}"
        f"  {_pct(f.drawn_precision):>7} {f'{f.drawn.tp}/{f.drawn.tp + f.drawn.fp}':>7}"
        f"  {f'{f.inferred.tp}/{f.inferred.tp + f.inferred.fp}':>8}"
    )


def details(f: FileScores) -> list[str]:
    """What one file missed and what it found wrongly, one line per kind."""
    out = []
    for label in _LISTS:
        items = getattr(f, label)
        if items:
            out.append(f"{f.name}: {label.replace('_', ' ')}: " + "; ".join(items))
    return out


@dataclass
class Scores:
    """Per-file figures and their pooled (micro-averaged) sum; problems met while reading."""

    files: list[FileScores]
    problems: list[Problem] = field(default_factory=list)

    @property
    def pooled(self) -> FileScores:
        return pool(self.files)

    def format(self, details: bool = False) -> str:
        """A fixed-width table, one row per file and a pooled row; with ``details``, the misses.

        Columns: places and dates P/R/F1; movements found with origin and destination right
        (recall, found/gold); destinations alone (recall); the routes drawn from a stated
        origin that match a gold movement at both ends (precision, right/drawn); routes
        with an inferred origin (right/drawn), counted apart.
        """
        rows = [HEAD, "-" * len(HEAD)]
        for f in self.files:
            rows.append(row(f))
        if len(self.files) != 1:
            rows.append("-" * len(HEAD))
            rows.append(row(self.pooled))
        if details:
            for f in self.files:
                rows.extend(_details(f))
        rows.extend(str(p) for p in self.problems)
        return "\n".join(rows)


_details = details


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}"
