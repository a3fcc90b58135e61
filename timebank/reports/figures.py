"""Figures as computed, before suppression: each carries how many people it describes.

`Figure.rule` says how protection.py publishes it for evaluators:

- `count`  a count of people or of exchanges, perturbed by its cell key `key`;
- `hours`  a sum of minutes (as hours), perturbed by `key` with noise scaled to
           `top`, the minutes of its largest single contributor;
- `share`  `part` out of `whole` (= `people`): both counts perturbed (keys
           `part_key` and `key`), then divided;
- `stat`   a figure computed from `people` distinct people (a median, a Gini, a
           ratio): published when k or more people are behind it.

`key` is the sum of the contributors' record keys (members for people,
transfers for exchanges and hours); protection.py takes it modulo the
perturbation table's size. Tables are lists of cells, each with the people it
describes and the keys and largest contributors of its values.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Figure:
    value: float | int | None
    rule: str
    people: int = 0
    part: int | None = None
    key: int = 0
    part_key: int = 0
    top: int = 0


def count(n: int, key=0) -> Figure:
    return Figure(int(n), "count", people=int(n), key=int(key or 0))


def tally(n: int, people: int, key=0) -> Figure:
    """A count of exchanges (`key` sums the transfers' record keys)."""
    return Figure(int(n), "count", people=int(people), key=int(key or 0))


def hours_total(minutes: int, people: int, key=0, top=0) -> Figure:
    return Figure(int(minutes) / 60, "hours", people=int(people), key=int(key or 0),
                  top=int(top or 0))


def stat(value, people: int) -> Figure:
    """A statistic (median, Gini, ratio): undefined, so None, when nobody is behind it."""
    return Figure(value if people else None, "stat", people=int(people))


def total(value, people: int) -> Figure:
    """A sum or a count of exchanges: zero when nobody is behind it."""
    return Figure(value, "stat", people=int(people))


def share(part: int, whole: int, part_key=0, whole_key=0) -> Figure:
    return Figure(part / whole if whole else None, "share", people=int(whole), part=int(part),
                  key=int(whole_key or 0), part_key=int(part_key or 0))


@dataclass
class Cell:
    """`keys` holds the summed record keys of a value's contributors, by value name, and
    `tops` the minutes of the largest contributor to an hours value."""

    key: tuple
    values: dict
    people: int
    keys: dict = field(default_factory=dict)
    tops: dict = field(default_factory=dict)


@dataclass
class Table:
    """`dims` name the key's parts."""

    dims: tuple
    cells: list

    def cell(self, key) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)


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
    parts: dict = field(default_factory=dict)  # counts a derived figure is made of
