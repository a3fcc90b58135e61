"""Suppression rules (timebank/reports/privacy.py) on hand-made figures and tables."""

import itertools

import pytest

from timebank.reports.figures import Cell, Table, count, share, stat, total
from timebank.reports.privacy import hides, protect, recoverable

K = 10


@pytest.mark.parametrize(("n", "hidden"), [(0, False), (K - 1, True), (K, False), (K + 1, False)])
def test_a_count_of_people_is_hidden_from_1_to_k_minus_1(n, hidden):
    assert hides(count(n), K) is hidden
    assert hides(count(1), K)


@pytest.mark.parametrize(("people", "hidden"), [(K - 1, True), (K, False), (K + 1, False)])
def test_a_figure_is_hidden_when_fewer_than_k_people_are_behind_it(people, hidden):
    assert hides(stat(0.42, people), K) is hidden
    assert hides(total(12.5, people), K) is hidden


def test_a_total_of_nobody_is_zero_and_shown():
    figure = total(0.0, 0)
    assert figure.value == 0.0 and not hides(figure, K)
    assert stat(None, 0).value is None and not hides(stat(None, 0), K)


@pytest.mark.parametrize(("part", "whole", "hidden"), [
    (K - 1, 100, True), (K, 100, False), (K + 1, 100, False),  # the part is people too
    (0, 100, False),                                           # nobody: shown as 0
    (K - 1, K - 1, True), (K, K, False), (5, K + 1, True),
    (100 - (K - 1), 100, False),  # complements are not protected (see privacy.py)
])
def test_a_share_is_hidden_when_its_part_or_its_whole_is_small(part, whole, hidden):
    assert hides(share(part, whole), K) is hidden


def line_table(*people, values=None):
    cells = [Cell((f"c{i}",), {"hours": float(n)}, n) for i, n in enumerate(people)]
    table = Table(("cell",), cells)
    table.lines = [table.whole_line()]
    return table


def test_one_small_cell_in_a_line_takes_the_smallest_safe_cell_with_it():
    table = line_table(3, 40, 12, 25, 0)
    # c0 is small; subtracting the others from the total would reveal it, so the smallest
    # cell with at least k people (c2, 12) is hidden too. The zero cell is not used.
    assert protect(table, K) == {("c0",), ("c2",)}


def test_two_small_cells_still_need_a_safe_partner():
    # c0 + c1 could be worked out together, and describe at most 7 people.
    assert protect(line_table(3, 4, 50, 20), K) == {("c0",), ("c1",), ("c3",)}


def test_nothing_is_hidden_when_every_cell_is_safe_or_empty():
    assert protect(line_table(10, 0, 11, 300), K) == set()


def test_zero_cells_are_hidden_only_when_nothing_else_is_left():
    # The only other cells are empty: hiding one of them is the only way to stop the
    # small cell being the line's whole total.
    assert protect(line_table(4, 0, 0), K) == {("c0",), ("c1",), ("c2",)}


def grid(people):
    """A 3×3 table with rows, columns and the whole as lines, like the flow matrix."""
    groups = ("a", "b", "c")
    cells = [Cell((r, c), {"hours": 1.0}, people[i][j])
             for i, r in enumerate(groups) for j, c in enumerate(groups)]
    table = Table(("row", "col"), cells)
    table.lines = ([[(r, c) for c in groups] for r in groups]
                   + [[(r, c) for r in groups] for c in groups] + [table.whole_line()])
    return table


def assert_safe(table, hidden, k=K):
    """Every line holds no hidden cell, or two or more with one of k people or more; and
    no hidden cell follows from the line sums."""
    people = {c.key: c.people for c in table.cells}
    for line in table.lines:
        inside = [key for key in line if key in hidden]
        if inside:
            assert len(inside) >= 2, line
            assert max(people[key] for key in inside) >= k, line
    assert recoverable(sorted(hidden), table.lines) == []


def test_secondary_suppression_in_a_two_way_table():
    table = grid([[50, 3, 20],
                  [30, 40, 15],
                  [12, 60, 25]])
    hidden = protect(table, K)
    assert ("a", "b") in hidden
    assert_safe(table, hidden)
    assert len(hidden) == 4  # a rectangle: the least that protects one cell in a grid


@pytest.mark.parametrize("small", list(itertools.product(range(3), range(3))))
def test_any_single_small_cell_of_a_grid_is_protected(small):
    people = [[20 + 3 * i + j for j in range(3)] for i in range(3)]
    people[small[0]][small[1]] = 2
    table = grid(people)
    hidden = protect(table, K)
    assert_safe(table, hidden)


def test_recoverable_finds_a_cell_that_the_sums_pin_down():
    lines = [[1, 2], [2, 3], [1, 3], [1, 2, 3]]
    # x1 + x2, x2 + x3 and x1 + x3 known: every one of them can be solved for.
    assert recoverable([1, 2, 3], lines) == [1, 2, 3]
    # With only x1 + x2 and x1 + x2 + x3 known, x3 is pinned down but x1 and x2 are not.
    assert recoverable([1, 2, 3], [[1, 2], [1, 2, 3]]) == [3]
    assert recoverable([1, 2], [[1, 2]]) == []
