"""The report workspace read from a report window (windows.py).

The member-level tables a report's figures are computed from are a window's rows,
current to the ledger sequence the report states: `rx_member_groups` and
`rx_members` are temporary views of them, so nothing is copied. What isn't
stored is built as the other workspaces build it: `rx_people` (members' roles and
statuses at `to` are read at report time; balances at `to` come from the window),
and `rx_sums` from the month cells and the window's sums of its ragged edges. The largest contributor of
each protected cell is read from the window's tops, and the flow cells (the member rows
added up per member's group and partner group) from the window's cells, with those who
don't count as members at `to` taken out of the receivers counted now.
"""

from __future__ import annotations

import json

from . import sql
from .summary_workspace import SummaryWorkspace, sums_table
from .windows import CELLS, WindowLayout
from .workspace import BASE, drop_all, layout_for, people_template

VIEWS = ("rx_member_groups", "rx_members")
# PostgreSQL: the row count, and how many are members (inert_members leaves out those who
# took part by hashing them); no plan here rests on the other columns' statistics (every
# read joins the window's rows by account), and those of the text and date columns took
# most of the time.
ANALYZE_PEOPLE = "ANALYZE rx_people (account_id, base)"
WINDOW_BALANCE = ("\n    LEFT JOIN report_window_balances wb ON wb.window_id = :window_id "
                  "AND wb.account_id = a.id")


# The window's flow cells, with those who received but don't count as members at `to`
# taken out of the receivers counted now (the status at `to` is read at report time). Those
# who don't count are looked up one by one in the window's rows by their key: PostgreSQL,
# left to choose, would rather read every window's rows, so there each lookup is a
# subquery of its own (LATERAL, fenced by OFFSET 0); SQLite would rather read the window's
# rows and look each one's person up (24 ms against 4 on a bank of 20,000 members), so
# there CROSS JOIN keeps the people first.
NOT_COUNTED = {
    "postgresql": """rx_people pe CROSS JOIN LATERAL (
            SELECT w.pg FROM report_window_groups w WHERE w.window_id = :window_id
               AND w.account_id = pe.account_id AND w.received > 0 OFFSET 0) g""",
    "sqlite": "rx_people pe CROSS JOIN rx_member_groups g ON g.account_id = pe.account_id "
              "AND g.received > 0",
}
KEPT_CELLS = f"""
    SELECT c.mine AS mine, c.pg AS pg, {", ".join(f"c.{name} AS {name}" for name in CELLS)},
           c.top AS top, c.receivers - COALESCE(x.n, 0) AS receivers_now,
           c.receivers_key - COALESCE(x.k, 0) AS receivers_now_key
    FROM report_window_cells c
    LEFT JOIN (
        SELECT pe.grp AS mine, g.pg AS pg, COUNT(*) AS n, SUM(pe.rkey) AS k
        FROM {{not_counted}}
        WHERE NOT ({BASE})
        GROUP BY pe.grp, g.pg
    ) x ON x.mine = c.mine AND x.pg = c.pg
    WHERE c.window_id = :window_id"""


class WindowWorkspace(SummaryWorkspace):
    def __init__(self, scope, *, detail: bool, protected: bool = False, window_id: int,
                 layout: str):
        super().__init__(scope, detail=detail, protected=protected)
        self.window_id = int(window_id)
        self.stored_layout = json.loads(layout)
        self.binds["window_id"] = self.window_id
        self.tops = None

    def build(self):
        if self.dialect == "postgresql":
            self.run("SET LOCAL jit = off")
        self.layout = WindowLayout(layout_for(self.scope, self.run), self.stored_layout)
        balance = "COALESCE(wb.balance, 0)" if self.detail else "CAST(NULL AS BIGINT)"
        self.run(people_template(self.dialect).format(
            balance_at_to=balance, moved_since=WINDOW_BALANCE if self.detail else ""))
        self._index("rx_people")
        if self.dialect == "postgresql":
            self.run(ANALYZE_PEOPLE)
        for view, table in zip(VIEWS, ("report_window_groups", "report_window_members"),
                               strict=True):
            self.run(f"CREATE TEMP VIEW {view} AS SELECT * FROM {table} "
                     f"WHERE window_id = {self.window_id}")
        if self.detail:
            self.run(self._sums_sql())

    def _sums_sql(self) -> str:
        """rx_sums from the month cells and the sums the window keeps of its edges."""
        kept = ("SELECT s.d, NULLIF(s.c, 0), NULLIF(s.a, 0), NULLIF(s.pg, ''), s.minutes, s.n, "
                "s.k FROM report_window_sums s WHERE s.window_id = :window_id")
        return sums_table(f"{self._month_sums()} UNION ALL {kept}")

    def pair_sums_sql(self) -> str:
        return KEPT_CELLS.format(not_counted=NOT_COUNTED[self.dialect])

    def largest(self, kind: str, group_sql: str) -> dict:
        """The tops of one kind of cell ("month", "category", "level"), keyed as the
        workspace built from the transfers keys them."""
        prefix = {"month": "m:", "category": "c:", "level": "l:"}[kind]
        if self.tops is None:  # every kind's, read once
            self.tops = [(row.cell, row.minutes) for row in self.run(
                "SELECT cell, minutes FROM report_window_tops WHERE window_id = :window_id")]
        found = {}
        for cell, minutes in self.tops:
            if not cell.startswith(prefix):
                continue
            value = cell[len(prefix):]
            if kind == "month":
                key = int(value)
            elif kind == "category":
                key = int(value) or None
            else:
                key = value
            found[key] = sql.as_int(minutes)
        return found

    def drop(self):
        drop_all(self.run, "VIEW", VIEWS, self.dialect)
        super().drop()

