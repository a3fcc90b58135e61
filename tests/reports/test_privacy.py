"""Protection rules (timebank/reports/protection.py, cellkey.py) on hand-made figures.

Small-cell and secondary suppression are gone: counts and hours are perturbed by
the cell key method, and only statistics of fewer than k people are withheld.
"""

import pytest

from timebank.reports.cellkey import TableError, default_table, parse, to_csv
from timebank.reports.figures import Cell, Figures, Table, count, hours_total, share, stat
from timebank.reports.protection import Protector, protect

K = 10
TABLE = default_table(K)


def published(n, key):
    return TABLE.perturb(n, key)


@pytest.mark.parametrize("k", [5, 10, 25])
def test_the_default_table_never_publishes_1_to_k_minus_1_and_moves_k_or_more_by_2(k):
    table = default_table(k)
    for n in range(0, 3 * k):
        values = [table.perturb(n, key) for key in range(256)]
        assert not [v for v in values if 0 < v < k], n
        if n >= k:
            assert max(abs(v - n) for v in values) <= 2
            assert min(values) >= k
            assert sum(values) == 256 * n  # zero-mean over the cell keys
        elif n:
            assert set(values) == {0, k}  # small counts become 0 or k …
            assert abs(sum(values) / 256 - n) < 0.1  # … in proportion, about n on average
    assert all(table.perturb(0, key) == 0 for key in range(256))


def test_the_default_table_is_in_the_standard_csv_form_and_reads_back():
    text = to_csv(TABLE)
    assert text.splitlines()[0] == "pcv,ckey,pvalue"
    assert parse(text, K).pvalues == TABLE.pvalues


def test_counts_of_k_or_more_are_noisy_for_most_cell_keys():
    noisy = sum(published(50, key) != 50 for key in range(256))
    assert noisy > 128


def test_the_same_contributors_always_give_the_same_value():
    p = Protector(TABLE, K)
    assert {p.count(37, 1234) for _ in range(20)} == {p.count(37, 1234 + 256)}
    assert {p.hours(600, 99, 120) for _ in range(20)} == {p.hours(600, 99 + 256, 120)}


def test_hours_move_by_at_least_half_an_hour_and_land_on_half_hours():
    p = Protector(TABLE, K)
    for key in range(256):
        value = p.hours(600, key, top=60)
        assert value != 10.0 and float(value * 2).is_integer()
        assert abs(value - 10.0) <= 1.0


def test_hour_noise_grows_with_the_largest_contributor():
    p = Protector(TABLE, K)
    small = max(abs(p.hours(60 * 100, key, top=60) - 100) for key in range(256))
    large = max(abs(p.hours(60 * 100, key, top=60 * 80) - 100) for key in range(256))
    assert large > small and large >= 0.2 * 80 * 0.5


def figures(metrics, tables=None):
    return Figures(metrics=metrics, pool={}, tables=tables or {}, retention=[])


@pytest.mark.parametrize(("people", "withheld"), [(K - 1, True), (K, False), (K + 1, False)])
def test_a_statistic_of_fewer_than_k_people_is_withheld_and_others_rounded(people, withheld):
    shown, hidden = protect(figures({"gini_given": stat(0.42857, people)}), K, TABLE)
    assert ("gini_given" in hidden.metrics) is withheld
    assert shown.metrics["gini_given"].value == (None if withheld else 0.43)


def test_counts_and_shares_of_few_people_are_never_withheld():
    metrics = {"members": count(3, key=7), "active_share": share(3, 40, 11, 500),
               "hours": hours_total(90, 1, key=5, top=90)}
    shown, hidden = protect(figures(metrics), K, TABLE)
    assert hidden.metrics == set()
    assert shown.metrics["members"].value in (0, K)
    assert shown.metrics["active_share"].value == published(3, 11) / published(40, 500)
    assert shown.metrics["hours"].value is not None


def test_a_table_is_perturbed_cell_by_cell_with_no_secondary_suppression():
    cells = [Cell((f"c{i}",), {"hours": float(n), "exchanges": n}, n,
                  keys={"hours": 13 * i, "exchanges": 13 * i}, tops={"hours": 60})
             for i, n in enumerate((3, 40, 12, 0))]
    shown, hidden = protect(figures({}, {"monthly": Table(("month",), cells)}), K, TABLE)
    assert hidden.cells == {}
    values = [c.values["exchanges"] for c in shown.tables["monthly"].cells]
    assert values[0] in (0, K) and values[3] == 0
    assert abs(values[1] - 40) <= 2 and abs(values[2] - 12) <= 2


def rows(*lines):
    return "pcv,ckey,pvalue\n" + "\n".join(lines)


def full(pcv_values):
    """A table with pvalue `pcv_values[pcv]` for every cell key of each pcv."""
    return rows(*(f"{pcv},{key},{value}" for pcv, value in enumerate(pcv_values)
                  for key in range(256)))


def test_a_banks_own_table_is_read_when_it_is_sound():
    table = parse(full([0, -1, -2, -3, -4, 0, 0, 1]), 5)
    assert table.perturb(3, 0) == 0 and table.perturb(100, 9) == 101


@pytest.mark.parametrize(("text", "message"), [
    ("pcv,ckey\n0,0", "header"),
    (rows("0,0,x"), "whole numbers"),
    (rows("0,300,0"), "ckey must be from 0 to 255"),
    (rows("0,0,0", "0,0,0"), "appear twice"),
    (full([0, 0, 0, 0, 0, 0]), "published count 1"),
    (full([1, 0, 0, 0, 0, 0]), "a count of 0 must stay 0"),
    (full([0, -1, -2]), "up to at least 5"),
    (full([0, -1, -2, -3, -4, -6]), "below 0"),
    (rows(*(f"{pcv},{key},0" for pcv in range(6) for key in range(255))), "no row for ckey 255"),
])
def test_a_banks_own_table_is_refused_with_the_reason(text, message):
    with pytest.raises(TableError, match=message):
        parse(text, 5)
