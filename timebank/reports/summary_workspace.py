"""The report workspace (workspace.py) built from the monthly summaries (summaries.py).

The whole calendar months inside the range are read from `report_pair_months` and
`report_account_months`; the ragged edges, the days before the first whole month and
after the last, from the transfers, in the same shape; the two are added together
per tie, per member and per cell. The temporary tables that result are the ones the
raw workspace builds, row for row, so every figure is computed by the same queries.

Only unfiltered reports are served this way: the filters select transfers by
category, activity and the groups at each end, which the pair grain doesn't keep
(see summaries.py). `covers` says whether a scope can be; filtered scopes, and
ranges without a whole month, use the raw workspace.

Balances at `to` are the balances now less what moved since: the balance months after
`to`, and the transfers of the days before the next month begins. Filters and whole
months don't come into it, so a raw workspace reads them so too when the summaries are
current (`BalanceMonthsWorkspace`): from the transfers, they are every transfer since
`to`, most of the ledger for a week a year back.

The members' masks come from the account months rather than the ties: each row is
one month, one category and (given) one activity, so each sets single bits, and
SUM(DISTINCT) of single bits is their OR (SQLite has no BIT_OR; PostgreSQL uses it).
"""

from __future__ import annotations

from . import sql, summaries
from .workspace import WORD, Workspace, fold_ties, group_of, members_from_groups, people_sql


def month_from(day) -> int:
    """The month index of the first calendar month that begins on or after `day`."""
    return summaries.month_index(day) + (day.day != 1)


def whole_months(scope) -> tuple[int, int]:
    """[first, end) month indexes of the calendar months wholly inside the range."""
    return month_from(scope.date_from), summaries.month_index(scope.date_to)


def covers(scope) -> bool:
    """Whether the summaries can serve this scope: no filter, at least one whole month."""
    first, end = whole_months(scope)
    return first < end and not any(value is not None for value in scope.filters.values())


def first_day(column: str, dialect: str) -> str:
    """The first day of the month whose month index is `column`, as the engine stores days."""
    if dialect == "postgresql":
        return f"make_date(CAST({column} / 12 AS INTEGER), CAST({column} % 12 + 1 AS INTEGER), 1)"
    return f"printf('%04d-%02d-01', {column} / 12, {column} % 12 + 1)"


# What moved on or after `to`, per account (as workspace.MOVED_SINCE gives it): the balance
# months from the first whole month after `to` (summed per account along the index by
# account, without a sort), and the transfers of the days between.
MOVED_SINCE_MONTHS = f"""
    LEFT JOIN (
        SELECT CAST(x.acc AS BIGINT) AS acc, CAST(SUM(x.delta) AS BIGINT) AS delta FROM (
            SELECT b.account_id AS acc, SUM(b.moved) AS delta FROM report_balance_months b
             WHERE b.bank_id = :bank_id AND b.ym >= :moved_from GROUP BY b.account_id
            UNION ALL
            SELECT e.account_id, e.moved FROM ({summaries.balances_select(
                "t.bank_id = :bank_id AND t.occurred_on >= :date_to "
                "AND t.occurred_on < :moved_edge_to")}) e
        ) x GROUP BY x.acc
    ) af ON af.acc = a.id"""


def moved_since_binds(date_to) -> dict:
    """The first whole month on or after `to` (month index), and its first day."""
    first = month_from(date_to)
    return {"moved_from": first, "moved_edge_to": summaries.month_start(first)}


SUMMARY_SIDES = ("SELECT s.account_id AS acc, s.ym AS ym, s.gave AS gave, s.category_id AS c, "
                 "s.activity_id AS a, s.minutes AS minutes, s.n AS n, s.k AS k")


def edge_sides(where: str, month: str, source: str = "transfers t") -> str:
    """The sides of the edge transfers `where` selects (from `source`, as in
    summaries.sides_stream), in SUMMARY_SIDES' columns."""
    return ("SELECT e.acc, e.ym, e.gave, e.c, e.a, e.minutes, 1, e.k FROM ("
            + summaries.sides_stream(where, month, source=source) + ") e")


def tie_totals(stream: str, kind: str) -> str:
    """The rows of `stream` (pair-month columns, from the summaries or the transfers) added
    up per tie: each direction's minutes and exchanges (as `kind`), first and last day, and
    record-key sums."""
    return f"""
        SELECT CAST(u.lo AS BIGINT) AS lo, CAST(u.hi AS BIGINT) AS hi,
               CAST(SUM(u.w_lh) AS {kind}) AS w_lh,
               CAST(SUM(u.w) - SUM(u.w_lh) AS {kind}) AS w_hl,
               CAST(SUM(u.n_lh) AS {kind}) AS n_lh,
               CAST(SUM(u.n) - SUM(u.n_lh) AS {kind}) AS n_hl,
               MIN(u.first_on) AS first_on, MAX(u.last_on) AS last_on,
               CAST(SUM(u.k_lh) AS BIGINT) AS k_lh,
               CAST(SUM(u.k_all) - SUM(u.k_lh) AS BIGINT) AS k_hl
        FROM ({stream}) u
        GROUP BY u.lo, u.hi
    """


def edge_sums(where: str, giver: str | None = None) -> str:
    """(day, category, activity, provider group for activities, minutes, 1, record key) of
    the edge transfers `where` selects; `giver`: the provider's group, by default from
    rx_people."""
    giver = giver or group_of("t.credit_account_id")
    return (f"SELECT t.occurred_on AS d, t.category_id AS c, t.activity_id AS a, "
            f"CASE WHEN t.activity_id IS NOT NULL THEN {giver} END AS pg, t.minutes AS minutes, "
            f"1 AS n, t.record_key AS k FROM transfers t WHERE {where}")


def sums_table(stream: str) -> str:
    """rx_sums: the rows of `stream` (edge_sums' columns) added up per day, category,
    activity and provider group."""
    return f"""
        CREATE TEMP TABLE rx_sums AS
        SELECT u.d AS d, u.c AS c, u.a AS a, u.pg AS pg,
               CAST(SUM(u.minutes) AS BIGINT) AS minutes, CAST(SUM(u.n) AS BIGINT) AS n,
               CAST(SUM(u.k) AS BIGINT) AS k
        FROM ({stream}) u
        GROUP BY u.d, u.c, u.a, u.pg
    """


class BalanceMonthsWorkspace(Workspace):
    """The workspace from the transfers, with rx_people's balances at `to` from the balance
    months (for a report whose snapshot sees the summaries current to its sequence)."""

    def __init__(self, scope, *, detail: bool, protected: bool = False):
        super().__init__(scope, detail=detail, protected=protected)
        self.binds.update(moved_since_binds(scope.date_to))

    def _people_sql(self) -> str:
        return people_sql(self.dialect, balances_at_to=self.detail,
                          moved_since=MOVED_SINCE_MONTHS)


class SummaryWorkspace(BalanceMonthsWorkspace):
    def __init__(self, scope, *, detail: bool, protected: bool = False):
        super().__init__(scope, detail=detail, protected=protected)
        first, end = whole_months(scope)
        if first >= end:  # no whole month: the range is all edge
            first = end = summaries.month_index(scope.date_to) + 1
        head_to = max(scope.date_from, min(summaries.month_start(first), scope.date_to))
        tail_from = max(head_to, summaries.month_start(end))
        self.binds.update(sum_from=first, sum_to=end,
                          head_from=scope.date_from, head_to=head_to,
                          tail_from=tail_from, tail_to=scope.date_to)
        self.edges = [edge for edge, (start, stop) in
                      (("head", (scope.date_from, head_to)), ("tail", (tail_from, scope.date_to)))
                      if start < stop]

    # --- where the rows come from ----------------------------------------------------------

    def _summary_where(self, alias: str) -> str:
        return (f"{alias}.bank_id = :bank_id AND {alias}.ym >= :sum_from "
                f"AND {alias}.ym < :sum_to")

    def _edge_where(self, edge: str, *, by_entry: bool = False) -> str:
        """The exchanges of one ragged edge ("head" or "tail"); `by_entry` as in
        sql.exchange_conditions."""
        return sql.where([*sql.exchange_conditions(self.scope, dates=False, by_entry=by_entry),
                          f"t.occurred_on >= :{edge}_from", f"t.occurred_on < :{edge}_to"])

    def _with_edges(self, summary_sql: str, edge_sql) -> str:
        return " UNION ALL ".join([summary_sql, *(edge_sql(self._edge_where(e))
                                                  for e in self.edges)])

    # --- the tables ------------------------------------------------------------------------

    def _members_by_hashing(self):
        self._members_from_summaries()

    def _members_by_sorting(self):
        self._members_from_summaries()

    def _members_from_summaries(self):
        self._ties_from_summaries()
        self.run("CREATE TEMP TABLE rx_member_groups AS " + fold_ties([], level=False))
        if not self.detail:
            self.run("CREATE TEMP TABLE rx_members AS " + members_from_groups([], level=False))
            return
        self.run("CREATE TEMP TABLE rx_folded AS " + members_from_groups([], level=False)
                 .replace(", CAST(NULL AS BIGINT) AS lm", ""))
        self.run(self._masks_sql())
        names = self._mask_names()
        self.run("CREATE TEMP TABLE rx_members AS SELECT f.*, k.lm, "
                 + ", ".join(f"k.{n}" for n in names)
                 + " FROM rx_folded f JOIN rx_masks k ON k.account_id = f.account_id")

    def _ties_from_summaries(self):
        kind = self._tie_sum_type()
        columns = ", ".join(f"p.{c}" for c in ("lo", "hi", *summaries.PAIR_COLUMNS))
        stream = self._with_edges(
            f"SELECT {columns} FROM report_pair_months p WHERE {self._summary_where('p')}",
            summaries.pairs_select)
        self.run(f"""
            CREATE TEMP TABLE rx_ties AS
            SELECT x.*, pl.grp AS g_lo, ph.grp AS g_hi, pl.rkey AS r_lo, ph.rkey AS r_hi
            FROM ({tie_totals(stream, kind)}) x
            JOIN rx_people pl ON pl.account_id = x.lo
            JOIN rx_people ph ON ph.account_id = x.hi
        """)

    def _sides(self) -> str:
        """(acc, ym, gave, c, a, minutes, n, k) of the summary months and the edges; c and a
        are 0 for none."""
        month = sql.month_index("t.occurred_on", self.dialect)
        return self._with_edges(
            f"{SUMMARY_SIDES} FROM report_account_months s WHERE {self._summary_where('s')}",
            lambda where: edge_sides(where, month))

    def _or(self, bits: str) -> str:
        """The OR of single bits over a group: BIT_OR on PostgreSQL (a hash aggregate,
        where SUM(DISTINCT) sorts every group's values), SUM(DISTINCT) on SQLite."""
        return f"BIT_OR({bits})" if self.dialect == "postgresql" else f"SUM(DISTINCT {bits})"

    def _masks_sql(self) -> str:
        layout = self.layout
        offset = f"(s.ym - {layout.first_month})"
        columns = []
        levels = " ".join(f"WHEN {int(a)} THEN {1 << level}"
                          for a, level in layout.levels_of.items())
        level = (f"CASE WHEN s.gave = 1 THEN CASE s.a {levels} END END" if levels
                 else "CAST(NULL AS BIGINT)")
        columns.append(f"CAST({self._or(level)} AS BIGINT) AS lm")
        for w in range(layout.month_words):
            bit = (f"CASE WHEN {offset} BETWEEN {w * WORD} AND {w * WORD + WORD - 1} "
                   f"THEN CAST(1 AS BIGINT) << ({offset} - {w * WORD}) END")
            columns.append(f"CAST({self._or(bit)} AS BIGINT) AS mm{w}")
        for w in range(layout.category_words):
            branches = []
            for category_id in layout.categories:
                word, bit = layout.category_bit(category_id)
                if word == w:
                    branches.append(f"WHEN {int(category_id or 0)} THEN {1 << bit}")
            bits = (f"CASE s.c {' '.join(branches)} END" if branches
                    else "CAST(NULL AS BIGINT)")
            columns.append(f"CAST({self._or(bits)} AS BIGINT) AS cm{w}")
        return (f"CREATE TEMP TABLE rx_masks AS SELECT CAST(s.acc AS BIGINT) AS account_id, "
                f"{', '.join(columns)} FROM ({self._sides()}) s GROUP BY s.acc")

    def _sums_sql(self) -> str:
        """rx_sums from report_month_cells (one row per month, category, activity and
        provider group, dated the first of the month: the tables read months from it) and
        the transfers of the edges."""
        return sums_table(self._with_edges(self._month_sums(), edge_sums))

    def _month_sums(self) -> str:
        day = first_day("s.ym", self.dialect)
        return (f"SELECT {day} AS d, NULLIF(s.category_id, 0) AS c, "
                f"NULLIF(s.activity_id, 0) AS a, NULLIF(s.pg, '') AS pg, "
                f"s.minutes AS minutes, s.n AS n, s.k AS k FROM report_month_cells s "
                f"WHERE {self._summary_where('s')}")

    def _givers_sql(self) -> str:
        """rx_givers: the givers' account months, and the edges' transfers, added up per
        provider, month, category and activity. Without edges (protected periods are whole
        months) the account months are those rows already, one per key."""
        month = sql.month_index("t.occurred_on", self.dialect)
        summary = ("SELECT s.account_id AS acc, s.ym AS ym, NULLIF(s.category_id, 0) AS c, "
                   "NULLIF(s.activity_id, 0) AS a, s.minutes AS minutes "
                   f"FROM report_account_months s WHERE {self._summary_where('s')} AND s.gave = 1")
        if not self.edges:
            return f"CREATE TEMP TABLE rx_givers AS {summary}"
        stream = self._with_edges(summary, lambda where: (
            f"SELECT t.credit_account_id, {month}, t.category_id, t.activity_id, t.minutes "
            f"FROM transfers t WHERE {where}"))
        return f"""
            CREATE TEMP TABLE rx_givers AS
            SELECT u.acc AS acc, u.ym AS ym, u.c AS c, u.a AS a,
                   CAST(SUM(u.minutes) AS BIGINT) AS minutes
            FROM ({stream}) u
            GROUP BY u.acc, u.ym, u.c, u.a
        """

