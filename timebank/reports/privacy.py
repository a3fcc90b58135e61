"""Small-cell suppression: what a report may show without exposing anyone.

k is the bank's suppression threshold, never below 5.

Primary suppression
- a count of people from 1 to k − 1 is hidden (zero describes nobody and is shown);
- a figure computed from 1 to k − 1 people is hidden (a total, a median, a Gini,
  a ratio); the top-10 % share needs k people in the top group itself, since it
  is that group's total in disguise;
- a share of people is hidden when its whole is 1 to k − 1 people or its part is
  1 to k − 1 people: with the whole published, a share is a count in disguise.

Secondary suppression in tables (flows, monthly, categories, levels, the bands
and the two-way split). Every table lists its "lines": sets of cells whose sum a
reader knows or could work out (the whole table against the headline totals,
rows and columns of two-way tables, and sums other figures publish, such as the
cross-group share or the citizen–professional ratio). Until nothing changes:

1. in every line that holds a hidden cell, at least two cells are hidden and at
   least one of them describes k or more people; otherwise the line's smallest
   visible cell (fewest people, then first in order) is hidden too — so the sum
   of a line's hidden cells, which subtraction reveals, always covers k people;
2. no hidden cell may be worked out exactly from the line sums: for each hidden
   cell we check, with exact arithmetic, whether it is a linear combination of
   the lines' equations over the hidden cells; if it is, the smallest visible
   cell of a line through it is hidden too.

Zero cells are hidden only as a last resort. Bounds that non-negativity gives
(a hidden cell is at most its line's remainder) are not audited, and neither are
differences between two reports with different filters or dates: evaluators are
trusted with pseudonymised data already; suppression keeps what they carry into
a meeting safe to show.

A figure derived from hidden cells is hidden with them: the two-way shares with
the two-way cells, the citizen–professional ratio with any of its four flows,
and the cross-group exchange share (which publishes the sum of the flows between
different groups) when that sum would let a hidden flow be worked out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .figures import Figure


def small(n, k) -> bool:
    return n is not None and 0 < n < k


def hides(figure: Figure, k: int) -> bool:
    if figure.rule == "count":
        return small(figure.value, k)
    if figure.rule == "share":
        return small(figure.people, k) or small(figure.part, k)
    return small(figure.people, k)


# --- tables -------------------------------------------------------------------------------

def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination with exact fractions (the matrices are tiny)."""
    matrix = [row[:] for row in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for col in range(columns):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col] / matrix[rank][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def recoverable(hidden: list, lines: list) -> list:
    """Hidden cells whose value follows exactly from the sums of the lines."""
    index = {key: i for i, key in enumerate(hidden)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(hidden)
        for key in line:
            if key in index:
                row[index[key]] = Fraction(1)
        if any(row):
            rows.append(row)
    if not rows:
        return []
    base = _rank(rows)
    found = []
    for key, i in index.items():
        unit = [Fraction(1 if j == i else 0) for j in range(len(hidden))]
        if _rank([*rows, unit]) == base:
            found.append(key)
    return found


def protect(table, k: int) -> set:
    """The keys of the cells to hide: primary, then secondary until the lines are safe."""
    order = {cell.key: i for i, cell in enumerate(table.cells)}
    people = {cell.key: cell.people for cell in table.cells}
    hidden = {key for key, n in people.items() if small(n, k)}

    def next_to_hide(line):
        visible = [key for key in line if key not in hidden]
        pool = [key for key in visible if people[key] > 0] or visible
        return min(pool, key=lambda key: (people[key], order[key])) if pool else None

    changed = bool(hidden)
    while changed:
        changed = False
        for line in table.lines:
            inside = [key for key in line if key in hidden]
            if not inside or (len(inside) >= 2 and max(people[key] for key in inside) >= k):
                continue
            choice = next_to_hide(line)
            if choice is not None:
                hidden.add(choice)
                changed = True
        if changed:
            continue
        ordered = sorted(hidden, key=order.get)
        for key in recoverable(ordered, table.lines):
            for line in table.lines:
                if key in line and (choice := next_to_hide(line)) is not None:
                    hidden.add(choice)
                    changed = True
                    break
            if changed:
                break
    return hidden


# --- a whole report -----------------------------------------------------------------------

TWO_WAY_METRICS = {"give_only": "give_only_share", "receive_only": "receive_only_share",
                   "two_way": "two_way_share"}
RATIO_FLOWS = (("professional", "citizen"), ("organisation", "citizen"),
               ("citizen", "professional"), ("citizen", "organisation"))


@dataclass
class Suppression:
    k: int
    metrics: set = field(default_factory=set)
    pool: set = field(default_factory=set)
    cells: dict = field(default_factory=dict)  # table name -> hidden keys
    retention: set = field(default_factory=set)  # (cohort, field)

    def hidden(self, table: str, key) -> bool:
        return key in self.cells.get(table, ())


def apply(figures, k: int) -> Suppression:
    result = Suppression(k=k)
    for name, figure in figures.metrics.items():
        if hides(figure, k):
            result.metrics.add(name)
    for name, figure in figures.pool.items():
        if hides(figure, k):
            result.pool.add(name)
    for name, table in figures.tables.items():
        result.cells[name] = protect(table, k)
    for kind, metric in TWO_WAY_METRICS.items():
        if result.hidden("two_way", (kind,)):
            result.metrics.add(metric)
    flows = figures.tables["flows"]
    if any(result.hidden("flows", key) and flows.cell(key).people > 0 for key in RATIO_FLOWS):
        result.metrics.add("citizen_professional_ratio")
    hidden_flows = sorted(result.cells["flows"])
    crossing = [cell.key for cell in flows.cells if cell.key[0] != cell.key[1]]
    if hidden_flows and recoverable(hidden_flows, [*flows.lines, crossing]):
        # The cross-group share publishes the sum of the off-diagonal flows.
        result.metrics.add("cross_group_exchange_share")
    for row in figures.retention:
        for name, figure in row.after.items():
            if figure is not None and hides(figure, k):
                result.retention.add((row.cohort, name))
    return result
