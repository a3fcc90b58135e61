"""The figures worked out in Python from the member rows (member_rows.py) are the floats the
window-function queries they replace gave on the engine: medians of integers and of
ratios, and Gini coefficients, ties, zeros, odd and even counts included."""

import types

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from tests.reports.test_against_reference import shared_app as shared_app  # noqa: F401
from timebank.extensions import db
from timebank.reports import member_rows, sql

SQL_MEDIAN = """
    WITH v AS ({values}),
    o AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS i, COUNT(*) OVER () AS n FROM v)
    SELECT AVG(x) AS median, MAX(n) AS n FROM o WHERE i IN ((n + 1) / 2, (n + 2) / 2)
"""
SQL_GINI = """
    WITH v AS ({values}),
    o AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS i, COUNT(*) OVER () AS n FROM v)
    SELECT 2.0 * SUM(i * x) / (MAX(n) * NULLIF(SUM(x), 0)) - (MAX(n) + 1.0) / MAX(n) AS gini,
           COUNT(*) AS n
    FROM o
"""
RATIO = ("CAST(CASE WHEN g < r THEN g ELSE r END AS DOUBLE PRECISION) / "
         "(CASE WHEN g < r THEN r ELSE g END)")
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def integers(values: list[int]) -> str:
    rows = " UNION ALL ".join(f"SELECT CAST({int(v)} AS BIGINT) AS x" for v in values)
    return rows or "SELECT CAST(NULL AS BIGINT) AS x WHERE 1 = 0"


def ratios(pairs: list[tuple[int, int]]) -> str:
    rows = " UNION ALL ".join(f"SELECT CAST({g} AS BIGINT) AS g, CAST({r} AS BIGINT) AS r"
                              for g, r in pairs)
    return f"SELECT {RATIO} AS x FROM ({rows}) p"


def one(statement: str):
    row = db.session.execute(sql.statement(statement)).one()
    return sql.as_float(row[0]), sql.as_int(row[1])


def workspace():
    return types.SimpleNamespace(run=lambda statement, **binds: sql.execute(statement, binds))


minutes = st.lists(st.one_of(st.just(0), st.integers(1, 50), st.integers(0, 10**7)),
                   max_size=40)


@SETTINGS
@given(values=minutes)
def test_median_of_integers_is_the_sql_median(shared_app, values):
    assert member_rows.median(values) == one(SQL_MEDIAN.format(values=integers(values)))


@SETTINGS
@given(pairs=st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 5000)), min_size=1,
                      max_size=40))
def test_median_of_ratios_is_the_sql_median(shared_app, pairs):
    found = member_rows.median([member_rows.ratio(g, r) for g, r in pairs])
    assert found == one(SQL_MEDIAN.format(values=ratios(pairs)))


@SETTINGS
@given(series=st.lists(minutes, min_size=1, max_size=3))
def test_gini_is_the_sql_gini(shared_app, series):
    found = member_rows.gini(workspace(), *series)
    assert found == [one(SQL_GINI.format(values=integers(values))) for values in series]


def test_bands_and_bits_count_rows_and_keys():
    assert member_rows.band_totals([2, 0, 2, 2], [5, 1, 7, 0]) == {2: (3, 12), 0: (1, 1)}
    assert member_rows.bit_totals([0b101, None, 0b100, 0], [3, 9, 4, 8]) == {0: (1, 3),
                                                                            2: (2, 7)}
    assert [member_rows.partner_band(p) for p in (1, 2, 3, 5, 6, 10, 11)] == [0, 1, 2, 2, 3, 3, 4]
    assert [member_rows.balance_band(b) for b in (-1501, -1500, -601, -600, -1, 0, 600, 601,
                                                  1500, 1501, None)] == [0, 1, 1, 2, 2, 3, 3, 4,
                                                                          4, 5, 5]
    assert [member_rows.ratio_band(g, r) for g, r in ((0, 9), (1, 5), (1, 4), (1, 2), (3, 4),
                                                      (2, 3), (4, 4))] == [0, 1, 2, 3, 4, 3, 4]
