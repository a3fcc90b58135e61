"""What a report publishes: exact figures for coordinators, protected ones for evaluators.

Coordinators run the bank and see every exchange: their report is exact and
withholds nothing. Evaluators (and coordinators who ask for `protected`) get
figures safe to publish, by the cell key method (ONS Census 2021, ABS
TableBuilder, Cantabular):

- counts of people and of exchanges are perturbed by the perturbation table
  (cellkey.py), looked up by the cell's true count and its cell key, the sum of
  its contributors' record keys modulo the table's size;
- hours are perturbed by noise scaled to the cell's largest single contributor
  (a fifth of it, at least an hour), times a factor of ±½ or ±1 chosen by the same cell key,
  and published to the nearest half hour;
- shares are worked out from their perturbed part and whole, ρ from the
  perturbed pairs and people, the citizen–professional ratio from the perturbed
  flows;
- medians, Gini coefficients, the top-10 % share, and the other figures computed
  from individual people (`stat`) are published only when k or more people are
  behind them, to 2 decimals, and are otherwise null and named in `suppressed`.

The same contributors always give the same cell key, so a cell gets the same
value in every report and download: asking again gains nothing. Nothing that
describes k or more people is withheld, and there is no secondary suppression:
differencing two reports gives a difference of noisy figures, not a person.
Totals are perturbed in their own right, so tables needn't add up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .cellkey import MAX_COUNT_NOISE, PerturbationTable
from .figures import Figure, Figures, RetentionRow, Table

HOURS_SCALE = 0.2  # noise: a fifth of the largest contributor's hours …
MIN_HOURS_NOISE = 1.0  # … or an hour, whichever is more, times HOUR_FACTORS
HOUR_FACTORS = (-1.0, -0.5, 0.5, 1.0)  # never zero: a perturbed total is never exact
STAT_DECIMALS = 2
# Worked out again from protected parts, so never withheld.
DERIVED = ("rho", "citizen_professional_ratio")


@dataclass
class Suppression:
    """The figures withheld: only statistics of fewer than k people, in protected reports."""

    k: int
    metrics: set = field(default_factory=set)
    pool: set = field(default_factory=set)
    cells: dict = field(default_factory=dict)
    retention: set = field(default_factory=set)

    def hidden(self, table: str, key) -> bool:
        return key in self.cells.get(table, ())


def description(k: int) -> dict:
    """The report's `protection` object."""
    return {"method": "cell-key", "threshold": k, "max_count_noise": MAX_COUNT_NOISE,
            "periods": "months"}


def exact(figures: Figures, k: int) -> tuple[Figures, Suppression]:
    return figures, Suppression(k=k)


def hour_factor(ckey: int) -> float:
    """±½ or ±1, a quarter of the cell keys each, in an order unlike the count noise's."""
    return HOUR_FACTORS[((ckey * 37 + 11) % 256) % len(HOUR_FACTORS)]


def round_half(hours: float) -> float:
    return math.floor(hours * 2 + 0.5) / 2


class Protector:
    def __init__(self, table: PerturbationTable, k: int):
        self.table = table
        self.k = k

    def count(self, n, key) -> int:
        return self.table.perturb(int(n or 0), int(key or 0))

    def hours(self, minutes: int, key: int, top: int) -> float:
        if minutes <= 0:
            return 0.0
        scale = max(HOURS_SCALE * top / 60, MIN_HOURS_NOISE)
        noise = scale * hour_factor(int(key) % self.table.size)
        return round_half(max(0.0, minutes / 60 + noise))

    def share(self, figure: Figure) -> float | None:
        whole = self.count(figure.people, figure.key)
        if not whole:
            return None
        return min(1.0, self.count(figure.part, figure.part_key) / whole)

    def figure(self, figure: Figure | None) -> tuple[Figure | None, bool]:
        """The published figure, and whether it is withheld."""
        if figure is None:
            return None, False
        if figure.rule == "count":
            return replace(figure, value=self.count(figure.value, figure.key)), False
        if figure.rule == "hours":
            minutes = round(figure.value * 60)
            return replace(figure, value=self.hours(minutes, figure.key, figure.top)), False
        if figure.rule == "share":
            return replace(figure, value=self.share(figure)), False
        if figure.value is None:
            return figure, False
        if figure.people < self.k:
            return replace(figure, value=None), True
        return replace(figure, value=round(figure.value, STAT_DECIMALS)), False

    def table_cells(self, table: Table) -> Table:
        cells = []
        for cell in table.cells:
            values = {}
            for name, value in cell.values.items():
                if name == "minutes":
                    continue
                if name == "hours":
                    values[name] = self.hours(round(value * 60), cell.keys.get(name, 0),
                                              cell.tops.get(name, 0))
                else:
                    values[name] = self.count(value, cell.keys.get(name, 0))
            cells.append(replace(cell, values=values))
        return replace(table, cells=cells)


def _rho(p: Protector, parts: dict) -> float | None:
    pairs = p.count(parts["pairs"].value, parts["pairs"].key)
    reciprocated = min(p.count(parts["reciprocated"].value, parts["reciprocated"].key), pairs)
    people = p.count(parts["people"].value, parts["people"].key)
    if not pairs or people < 2:
        return None
    r = reciprocated / pairs
    density = pairs / (people * (people - 1))
    return round((r - density) / (1 - density), STAT_DECIMALS) if density < 1 else None


CITIZEN_BACK = (("professional", "citizen"), ("organisation", "citizen"))
CITIZEN_GIVEN = (("citizen", "professional"), ("citizen", "organisation"))


def _citizen_professional(flows: Table) -> float | None:
    hours = {cell.key: cell.values["hours"] for cell in flows.cells}
    given = sum(hours[key] for key in CITIZEN_GIVEN)
    return sum(hours[key] for key in CITIZEN_BACK) / given if given else None


def protect(figures: Figures, k: int, table: PerturbationTable) -> tuple[Figures, Suppression]:
    """Every figure as an evaluator may see it (module docstring)."""
    p = Protector(table, k)
    withheld = Suppression(k=k)
    metrics = {}
    for name, figure in figures.metrics.items():
        if name in DERIVED:
            metrics[name] = figure
            continue
        metrics[name], hidden = p.figure(figure)
        if hidden:
            withheld.metrics.add(name)
    pool = {}
    for name, figure in figures.pool.items():
        pool[name], hidden = p.figure(figure)
        if hidden:
            withheld.pool.add(name)
    tables = {name: p.table_cells(t) for name, t in figures.tables.items()}
    if "rho" in metrics:
        metrics["rho"] = replace(metrics["rho"], value=_rho(p, figures.parts)
                                 if figures.parts else None)
    if "citizen_professional_ratio" in metrics:
        ratio = _citizen_professional(tables["flows"])
        metrics["citizen_professional_ratio"] = replace(
            metrics["citizen_professional_ratio"],
            value=None if ratio is None else round(ratio, STAT_DECIMALS))
    retention = [RetentionRow(row.cohort, row.size,
                              {name: p.figure(f)[0] for name, f in row.after.items()})
                 for row in figures.retention]
    return Figures(metrics=metrics, pool=pool, tables=tables, retention=retention,
                   parts={}), withheld
