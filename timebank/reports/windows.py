"""Report windows: one period's member-level working tables, kept in the database.

A report's figures are computed from a few member-level tables (workspace.py):
each member's ties folded by partner group, each member's totals and masks, and,
for protected reports, each provider's minutes per cell. Built from the monthly
summaries they cost seconds on a bank of a million transfers; a window keeps them
for one bank and one `[date_from, date_to)` in `report_window_*` tables, so a
report reads them as they are.

A new entry changes only the rows of the two accounts of each of its transfers
(a tie is between two accounts, and every figure of a member depends on that
member's ties alone), so a window is brought up to date (when a report asks for it)
by working out those accounts' rows again, from the summaries of the period's whole months and from
the transfers of its ragged edges, exactly as when it was built. A reversal is an
entry too: it takes the accounts of the entry it reverses. Balances at the end of
the period move by the new transfers dated before it, added as they are.

The rows are those of the workspace built from the summaries, row for row:
the same SQL computes both (fold_ties, members_from_groups, the mask
expressions), so a window serves the golden figures unchanged.

What a window stores depends on the bank's categories and the activities'
participation levels (the bit positions of the masks, the cells of the largest
contributors) and on the members' groups (the partner groups): the window's
`layout` records the first two, and a change to any of them, or a member moving
group, retires the bank's windows (services/report_windows.py).
"""

from __future__ import annotations

import json

from ..models.report_window import MASK_WORDS
from . import sql, summaries
from .summary_workspace import (
    SUMMARY_SIDES,
    SummaryWorkspace,
    covers,
    edge_sides,
    edge_sums,
    tie_totals,
)
from .workspace import (
    BALANCE_AT_TO,
    FLOW_SUMS,
    MOVED_SINCE,
    WORD,
    Layout,
    fold_ties,
    members_from_groups,
)

TOUCHED = "SELECT account_id FROM rw_touched"
# The touched accounts first, then each one's rows by index: CROSS JOIN fixes that order
# on SQLite (its planner, without statistics, would rather range over the months), and is
# an inner join like any other on PostgreSQL.
BY_TOUCHED = "rw_touched tt CROSS JOIN"
MEMBER_SUMS = ("given", "received", "n_given", "n_received", "partners", "k_given")
GROUP_SUMS = ("pairs", "recip", "mutual", "ties", "pairs_key", "recip_key", "ties_key")
TEMP_TABLES = ("rw_ties", "rw_touched", "rw_cells", "rw_sides")
# A window's flow cell: FLOW_SUMS over the group rows g of its members, and the record keys
# of those who received (m: their members' rows); CELLS are the sums a fold moves.
CELL_SUMS = FLOW_SUMS + """,
    SUM(CASE WHEN g.received > 0 THEN m.record_key ELSE 0 END) AS receivers_key"""
CELLS = ("minutes", "n", "pairs", "recip", "mutual", "ties", "people", "k_n", "pairs_key",
         "recip_key", "ties_key", "providers", "receivers", "receivers_key")
# What the entries after the ledger sequence `:head` moved before `to`, per account.
LATE_MOVES = f"""
    LEFT JOIN ({summaries.balances_select(
        "t.entry_id IN (SELECT je.id FROM journal_entries je "
        "WHERE je.bank_id = :bank_id AND je.seq > :head) AND t.occurred_on < :date_to")}
    ) late ON late.account_id = a.id"""
# The provider's group as workspace.group_of gives it, from the members rather than rx_people.
PROVIDER_GROUP = ("COALESCE((SELECT mg.member_group FROM accounts ag "
                  "JOIN members mg ON mg.id = ag.member_id WHERE ag.id = t.credit_account_id "
                  "AND mg.member_group IN ('professional', 'organisation')), 'citizen')")

# The group of a level cell's provider g.acc: joined for every provider when a window is
# built, and looked up for each of the few rows of a fold. A fold's providers are touched
# accounts, never the pool, so each has a member. PostgreSQL, which expects several times
# the rows a fold has, would rather hash every account of every bank for the join (16 of
# the statement's 20 ms at 20,000 members) than look a few dozen up.
PROVIDERS = " JOIN accounts acc ON acc.id = g.acc JOIN members mem ON mem.id = acc.member_id"
PROVIDERS_GROUP = "mem.member_group"
TOUCHED_PROVIDER_GROUP = ("(SELECT mem.member_group FROM accounts acc JOIN members mem "
                          "ON mem.id = acc.member_id WHERE acc.id = g.acc)")


def fits(scope) -> bool:
    """Whether a window can serve this scope: what the summaries can, within the masks'
    width (MASK_WORDS words of months; categories are checked when it is built)."""
    first = summaries.month_index(scope.date_from)
    last = summaries.month_index(scope.date_to)
    return covers(scope) and last - first + 1 <= MASK_WORDS * WORD


# --- the layout a window's masks were built with ---------------------------------------------

def layout_json(layout: Layout) -> str:
    return json.dumps({"categories": layout.categories,
                       "levels": {str(a): level for a, level in sorted(layout.levels_of.items())}},
                      sort_keys=True)


def layout_fits(layout: Layout) -> bool:
    return len(layout.categories) <= MASK_WORDS * WORD


class WindowLayout(Layout):
    """The request's layout (categories in the order the tables show them) with the bit
    positions the window's category masks were built with."""

    def __init__(self, current: Layout, stored: dict):
        super().__init__(first_month=current.first_month, months=current.months,
                         categories=current.categories, levels_of=current.levels_of)
        self.positions = {category: i for i, category in enumerate(stored["categories"])}
        self.stored_words = max(1, -(-len(stored["categories"]) // WORD))

    @property
    def category_words(self) -> int:
        return self.stored_words

    def category_bit(self, category_id) -> tuple[int, int]:
        return divmod(self.positions[category_id], WORD)


def same_layout(current: Layout, stored_json: str) -> bool:
    """Whether masks built with `stored_json` can be read with the bank's layout now: the
    same categories (in any order) and every activity at the same level."""
    stored = json.loads(stored_json)
    levels = {int(a): level for a, level in stored["levels"].items()}
    return (sorted(stored["categories"], key=str) == sorted(current.categories, key=str)
            and levels == current.levels_of)


# --- building and refreshing the rows ----------------------------------------------------------

class WindowRows(SummaryWorkspace):
    """The SQL that works out a window's rows, for every account (`everyone`) or for the
    accounts listed in the temporary table `rw_touched`. Built on the summary workspace
    for its binds and its streams of summary rows and ragged edges."""

    def __init__(self, scope, window_id: int, layout: Layout, *, everyone: bool):
        super().__init__(scope, detail=True, protected=True)
        self.layout = layout
        self.everyone = everyone
        self.binds["window_id"] = window_id

    def _by_account(self, alias: str) -> str:
        """The summary months of the period, for lookups by account: on SQLite the unary
        plus keeps it from ranging over the months by the primary key rather than using the
        (bank, account, month) index; PostgreSQL uses that index, months included, as it is."""
        plus = "+" if self.dialect == "sqlite" else ""
        return (f"{alias}.bank_id = :bank_id AND {plus}{alias}.ym >= :sum_from "
                f"AND {plus}{alias}.ym < :sum_to")

    def _only(self, column: str) -> str:
        return "" if self.everyone else f" AND {column} IN ({TOUCHED})"

    def _touched_in(self, edge: str, *, gave: bool = False) -> str:
        """The exchanges of an edge in which a touched account takes part, each once, as a
        subquery aliased t: those a touched account gave in, then (unless `gave`) those one
        received in from an untouched giver. Read account by account through the
        transfers' (account, day) indexes, with reversals looked up entry by entry, rather
        than by scanning the edge's days and the list of every reversal."""
        way = (f"SELECT t.* FROM {BY_TOUCHED} transfers t WHERE t.{{end}}_account_id = "
               f"tt.account_id AND {self._edge_where(edge, by_entry=True)}")
        parts = [way.format(end="credit")]
        if not gave:
            parts.append(way.format(end="debit") + f" AND t.credit_account_id NOT IN ({TOUCHED})")
        return f"({' UNION ALL '.join(parts)}) t"

    # the ties of the accounts concerned, both ends' groups and record keys
    def ties(self) -> str:
        kind = self._tie_sum_type()
        columns = ", ".join(f"p.{c}" for c in ("lo", "hi", *summaries.PAIR_COLUMNS))
        summary = f"SELECT {columns} FROM report_pair_months p WHERE {self._summary_where('p')}"
        if self.everyone:
            stream = self._with_edges(summary, summaries.pairs_select)
        else:
            parts = [f"{summary} AND p.lo IN ({TOUCHED})",
                     f"{summary} AND p.hi IN ({TOUCHED}) AND p.lo NOT IN ({TOUCHED})"]
            parts += [summaries.pairs_select("1 = 1", source=self._touched_in(e))
                      for e in self.edges]
            stream = " UNION ALL ".join(parts)
        return f"""
            CREATE TEMP TABLE rw_ties AS
            SELECT x.*, ml.member_group AS g_lo, mh.member_group AS g_hi,
                   ml.record_key AS r_lo, mh.record_key AS r_hi
            FROM ({tie_totals(stream, kind)}) x
            JOIN accounts al ON al.id = x.lo JOIN members ml ON ml.id = al.member_id
            JOIN accounts ah ON ah.id = x.hi JOIN members mh ON mh.id = ah.member_id
        """

    def groups(self) -> str:
        columns = ("account_id", "pg", *MEMBER_SUMS, "first_on", "last_on", *GROUP_SUMS)
        folded = fold_ties([], level=False).replace("FROM rx_ties x", "FROM rw_ties x")
        return (f"INSERT INTO report_window_groups (window_id, {', '.join(columns)}) "
                f"SELECT :window_id, {', '.join(f'f.{c}' for c in columns)} FROM ({folded}) f "
                f"WHERE 1 = 1{self._only('f.account_id')}")

    def cell_sums(self) -> str:
        """The window's group rows (of the touched accounts, unless `everyone`) added up per
        member's group and partner group (CELL_SUMS)."""
        return (f"SELECT m.member_group AS mine, g.pg AS pg, {CELL_SUMS} "
                "FROM report_window_groups g "
                "JOIN accounts a ON a.id = g.account_id "
                "JOIN members m ON m.id = a.member_id AND m.bank_id = :bank_id "
                f"WHERE g.window_id = :window_id{self._only('g.account_id')} "
                "GROUP BY m.member_group, g.pg")

    def cells(self) -> str:
        """Every cell of the window, from its group rows just written."""
        return (f"INSERT INTO report_window_cells (window_id, mine, pg, {', '.join(CELLS)}, top) "
                f"SELECT :window_id, c.mine, c.pg, {', '.join(f'c.{n}' for n in CELLS)}, c.top "
                f"FROM ({self.cell_sums()}) c")

    def members(self) -> str:
        """The member rows from the window's group rows just written, with their masks."""
        mine = (f"(SELECT * FROM report_window_groups WHERE window_id = :window_id"
                f"{self._only('account_id')})")
        totals = (members_from_groups([], level=False)
                  .replace(", CAST(NULL AS BIGINT) AS lm", "")
                  .replace("FROM rx_member_groups", f"FROM {mine} g"))
        month_words, category_words = self.layout.month_words, self.layout.category_words
        padded = ["lm", *(f"mm{w}" if w < month_words else "NULL" for w in range(MASK_WORDS)),
                  *(f"cm{w}" if w < category_words else "NULL" for w in range(MASK_WORDS))]
        names = ["lm", *(f"mm{w}" for w in range(MASK_WORDS)),
                 *(f"cm{w}" for w in range(MASK_WORDS))]
        columns = ("account_id", *MEMBER_SUMS, "first_on", "last_on")
        return f"""
            INSERT INTO report_window_members (window_id, {', '.join(columns)}, {', '.join(names)})
            SELECT :window_id, {', '.join(f't.{c}' for c in columns)},
                   {', '.join(p if p == 'NULL' else f'k.{p}' for p in padded)}
            FROM ({totals}) t
            LEFT JOIN ({self._mask_select()}) k ON k.account_id = t.account_id
        """

    def _mask_select(self) -> str:
        """The summary workspace's masks per account (its rx_masks), as a query."""
        created = self._masks_sql()
        return created[created.index("SELECT"):]

    def _sides(self) -> str:
        return super()._sides() if self.everyone else "SELECT * FROM rw_sides"

    def touched_sides(self) -> str:
        """The touched accounts' summary months and edge transfers (summary_workspace's
        `_sides`), in a table of their own: inside the masks' GROUP BY, SQLite would rather
        range over the months than look the accounts up."""
        month = sql.month_index("t.occurred_on", self.dialect)
        parts = [f"{SUMMARY_SIDES} FROM {BY_TOUCHED} report_account_months s "
                 f"WHERE s.account_id = tt.account_id AND {self._by_account('s')}"]
        parts += [edge_sides("1 = 1", month, source=self._touched_in(edge))
                  + f" WHERE e.acc IN ({TOUCHED})" for edge in self.edges]
        return "CREATE TEMP TABLE rw_sides AS " + " UNION ALL ".join(parts)

    def givers(self) -> list[str]:
        """The minutes each provider gave per protected cell: by month, by category (0 for
        none) and by participation level and the provider's group (looked up once per
        provider and level, after the grouping)."""
        month = sql.month_index("t.occurred_on", self.dialect)
        source, joined = (("report_account_months s", "") if self.everyone else
                          (f"{BY_TOUCHED} report_account_months s",
                           " AND s.account_id = tt.account_id"))
        where = self._summary_where("s") if self.everyone else self._by_account("s")
        summary = ("SELECT s.account_id AS acc, s.ym AS ym, s.category_id AS c, "
                   "s.activity_id AS a, s.minutes AS minutes "
                   f"FROM {source} WHERE {where} AND s.gave = 1{joined}")
        def given(where: str, source: str = "transfers t") -> str:
            return (f"SELECT t.credit_account_id, {month}, COALESCE(t.category_id, 0), "
                    f"COALESCE(t.activity_id, 0), t.minutes FROM {source} WHERE {where}")

        stream = (self._with_edges(summary, given) if self.everyone else " UNION ALL ".join(
            [summary, *(given("1 = 1", self._touched_in(e, gave=True)) for e in self.edges)]))
        levels = " ".join(f"WHEN {int(a)} THEN {level}"
                          for a, level in self.layout.levels_of.items())
        cells = [("'m:' || CAST(g.key AS VARCHAR(12))", "u.ym", "", ""),
                 ("'c:' || CAST(g.key AS VARCHAR(12))", "u.c", "", "")]
        if levels:
            level = f"CASE u.a {levels} END"
            group, provider = ((PROVIDERS_GROUP, PROVIDERS) if self.everyone
                               else (TOUCHED_PROVIDER_GROUP, ""))
            cells.append((f"'l:' || CAST(g.key AS VARCHAR(2)) || ':' || {group}", level,
                          f" WHERE {level} IS NOT NULL", provider))
        return [f"""
            INSERT INTO report_window_givers (window_id, cell, account_id, minutes)
            SELECT :window_id, {cell}, g.acc, g.minutes FROM (
                SELECT u.acc AS acc, {key} AS key, CAST(SUM(u.minutes) AS BIGINT) AS minutes
                FROM ({stream}) u{condition}
                GROUP BY u.acc, {key}
            ) g{provider}
        """ for cell, key, condition, provider in cells]

    def sums(self, day=None) -> list[str]:
        """The edges' hours, exchanges and record keys per day, category, activity and
        provider group (the rows summary_workspace's rx_sums reads from the transfers);
        with `day`, of that day only (bound as :day)."""
        edges = [edge for edge in self.edges if day is None
                 or self.binds[f"{edge}_from"] <= day < self.binds[f"{edge}_to"]]
        only = " AND t.occurred_on = :day" if day is not None else ""
        return [f"""
            INSERT INTO report_window_sums (window_id, d, c, a, pg, minutes, n, k)
            SELECT :window_id, u.d, COALESCE(u.c, 0), COALESCE(u.a, 0), COALESCE(u.pg, ''),
                   CAST(SUM(u.minutes) AS BIGINT), CAST(SUM(u.n) AS BIGINT),
                   CAST(SUM(u.k) AS BIGINT)
            FROM ({edge_sums(self._edge_where(edge) + only, PROVIDER_GROUP)}) u
            GROUP BY u.d, u.c, u.a, u.pg
        """ for edge in edges]

    def balances(self) -> str:
        """Every account's balance at the end of the period's last day, at the window's
        ledger sequence (`:head`). On PostgreSQL each statement of a fold sees what
        committed before it began, so entries after the head the fold read may be in the
        accounts' totals already: their moves before `to` are taken out here, as the next
        fold adds them (report_windows._move_balances)."""
        return ("INSERT INTO report_window_balances (window_id, account_id, balance) "
                f"SELECT :window_id, a.id, {BALANCE_AT_TO} - COALESCE(late.moved, 0) "
                f"FROM accounts a{MOVED_SINCE}{LATE_MOVES} WHERE a.bank_id = :bank_id")


def clear_temp(run) -> None:
    for table in TEMP_TABLES:
        run(f"DROP TABLE IF EXISTS {table}")
