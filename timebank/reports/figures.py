"""Figures as computed, before suppression: each carries how many people it describes.

`Figure.rule` says how the privacy rules read it (see privacy.py):

- `count`  a count of people; `people` is the count itself;
- `stat`   a figure computed from `people` distinct people (a total, a median, a Gini);
- `share`  `part` people out of `whole` (= `people`).

Tables are lists of cells, each with the people it describes, plus the "lines":
sets of cells whose sum a reader knows or can work out (rows, columns, the
whole table), which secondary suppression must respect.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Figure:
    value: float | int | None
    rule: str
    people: int = 0
    part: int | None = None


def count(n: int) -> Figure:
    return Figure(int(n), "count", people=int(n))


def stat(value, people: int) -> Figure:
    """A statistic (median, Gini, ratio): undefined, so None, when nobody is behind it."""
    return Figure(value if people else None, "stat", people=int(people))


def total(value, people: int) -> Figure:
    """A sum or a count of exchanges: zero when nobody is behind it."""
    return Figure(value, "stat", people=int(people))


def share(part: int, whole: int) -> Figure:
    return Figure(part / whole if whole else None, "share", people=int(whole), part=int(part))


@dataclass
class Cell:
    key: tuple
    values: dict
    people: int


@dataclass
class Table:
    """`dims` name the key's parts; `lines` list sets of keys whose sums may be known."""

    dims: tuple
    cells: list
    lines: list = field(default_factory=list)

    def cell(self, key) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)

    def whole_line(self) -> list:
        return [c.key for c in self.cells]


@dataclass
class RetentionRow:
    cohort: str
    size: int
    after: dict  # {"after_1q": Figure | None (not observable yet), ...}


@dataclass
class Figures:
    metrics: dict
    pool: dict
    tables: dict
    retention: list
