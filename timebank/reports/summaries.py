"""Summaries by month, kept up to the ledger head: what a report reads instead of the transfers.

Two tables hold a bank's exchanges (the report definitions: sql.exchange_conditions,
reversed entries and reversals left out) folded by calendar month:

- `report_pair_months` per month and pair of accounts (lower id first): minutes,
  exchanges and record-key sums each way, first and last day. No category or
  activity: a pair rarely exchanges twice in a month, so splitting it further would
  make it as large as the transfers (workspace.py's docstring);
- `report_account_months` per month, account, side (gave or received), category and
  activity: minutes, exchanges, record-key sums. The givers' side feeds the
  largest-contributor table of protected reports and the levels members gave at; both
  sides the months and categories they took part in;
- `report_month_cells` per month, category, activity and, for exchanges with an
  activity, the provider's group: minutes, exchanges, record-key sums. A few hundred
  rows a month, for the monthly, category and level tables. The group is the one
  `report_account_groups` recorded for the account: a fold first records the groups
  of accounts new to it or whose member changed group since, and works out again the
  cells of the months in which those gave time (pair and account rows carry no
  group), so the cells always count members in their current group.

A fourth, `report_balance_months`, holds per month and account how far the balance
moved (credits less debits of every transfer, not only exchanges): a report's balances
at its end date are the balances now less the moves since, a few rows per account
instead of every transfer after that date.

`report_watermarks` holds, per bank, the ledger sequence (journal_entries.seq) the
summaries are current to. Folding (`fold`) reads the entries after it up to the ledger
head and, for a reversal, the entry it reverses (both leave the reports), and collects
the keys of all their transfers: pair-months and the account-months of both ends (the
balance months too). It
deletes exactly those rows and works them out again from those pairs' and accounts'
transfers of the month, read through the credit and debit indexes; then the cells of
each month touched, from its givers' account-month rows (a few tens of thousands of
small rows, not the month's transfers); then it moves the watermark, all in one
transaction. A key is a fixed set of rows, so working it out again, rather than adding
deltas, keeps the summaries exact whatever order entries arrive in (back-dated entries
land in their own month; a key whose exchanges were all reversed ends with no row) and
lets `verify` compare them with the same query as `recompute_month`. The cost follows
the new entries, except where they touch so many accounts of a month that reading
their transfers would cost more than reading the month's: such a month is worked out
in full (`whole_months`). `rebuild` works out every month in full.

Members' roles and statuses, the activities' levels and the categories' names are
read at report time, never stored here: a change to any of them needs no fold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import sql
from .workspace import HI, LO, LO_GAVE

SUMMARY_TABLES = ("report_pair_months", "report_account_months", "report_month_cells",
                  "report_balance_months")
PAIR_COLUMNS = ("w_lh", "w", "n_lh", "n", "k_lh", "k_all", "first_on", "last_on")
ACCOUNT_COLUMNS = ("minutes", "n", "k")
CELL_COLUMNS = ("minutes", "n", "k")
RECORDED_GROUP = ("(SELECT rg.grp FROM report_account_groups rg WHERE rg.bank_id = t.bank_id "
                  "AND rg.account_id = t.credit_account_id)")


@dataclass(frozen=True)
class MonthScope:
    """The unfiltered exchanges of one bank in one calendar month (a Scope's shape, for
    sql.exchange_conditions)."""

    bank_id: int
    pool_id: int
    ym: int
    provider_group = None
    receiver_group = None
    category_id = None
    activity_id = None
    level = None

    def binds(self) -> dict:
        return {"bank_id": self.bank_id, "pool_id": self.pool_id, "ym": self.ym,
                "date_from": month_start(self.ym), "date_to": month_start(self.ym + 1)}


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(ym: int) -> dt.date:
    return dt.date(ym // 12, ym % 12 + 1, 1)


IN_KEY_MONTH = "t.occurred_on >= k.date_from AND t.occurred_on < k.date_to"


def pairs_select(where: str, keys: str = "", source: str = "transfers t") -> str:
    """Per pair, over the transfers (aliased t) that `where` selects: the pair-month columns.
    With `keys`, a table of (ym, lo, hi, date_from, date_to): per key (its month first),
    over the pair's transfers of that month, read through the credit index each way.
    `source`: where the transfers come from (a subquery aliased t, say)."""
    month, by = "", ""
    if keys:
        way = (f"SELECT k.ym AS ym, t.credit_account_id AS credit_account_id, "
               f"t.debit_account_id AS debit_account_id, t.minutes AS minutes, "
               f"t.record_key AS record_key, t.occurred_on AS occurred_on "
               f"FROM {keys} k CROSS JOIN transfers t "
               f"WHERE t.credit_account_id = k.{{giver}} AND t.debit_account_id = k.{{taker}} "
               f"AND {IN_KEY_MONTH} AND {where}")
        source = (f"({way.format(giver='lo', taker='hi')} UNION ALL "
                  f"{way.format(giver='hi', taker='lo')}) t")
        where, month, by = "1 = 1", "t.ym AS ym, ", "t.ym, "
    return f"""
        SELECT {month}{LO} AS lo, {HI} AS hi,
               CAST(SUM(CASE WHEN {LO_GAVE} THEN t.minutes ELSE 0 END) AS BIGINT) AS w_lh,
               CAST(SUM(t.minutes) AS BIGINT) AS w,
               CAST(SUM(CASE WHEN {LO_GAVE} THEN 1 ELSE 0 END) AS BIGINT) AS n_lh,
               CAST(COUNT(*) AS BIGINT) AS n,
               CAST(SUM(CASE WHEN {LO_GAVE} THEN t.record_key ELSE 0 END) AS BIGINT) AS k_lh,
               CAST(SUM(t.record_key) AS BIGINT) AS k_all,
               MIN(t.occurred_on) AS first_on, MAX(t.occurred_on) AS last_on
        FROM {source}
        WHERE {where}
        GROUP BY {by}{LO}, {HI}
    """


def sides_stream(where: str, month: str, keys: str = "", source: str = "transfers t") -> str:
    """Both ends of each transfer that `where` selects: (acc, ym, gave, c, a, minutes, k),
    the receiver's row without the activity (nothing reads it there); `month` is the month
    index of the transfer (an expression or a bind). With `keys`, a table of (ym,
    account_id, date_from, date_to): only those accounts' ends in those months, read
    through the credit and the debit index (`month` is then k.ym). `source`: as in
    pairs_select."""
    given, received = where, where
    if keys:
        source = f"{keys} k CROSS JOIN transfers t"
        given = f"t.credit_account_id = k.account_id AND {IN_KEY_MONTH} AND {where}"
        received = f"t.debit_account_id = k.account_id AND {IN_KEY_MONTH} AND {where}"
    return f"""
        SELECT t.credit_account_id AS acc, {month} AS ym, 1 AS gave,
               COALESCE(t.category_id, 0) AS c, COALESCE(t.activity_id, 0) AS a,
               t.minutes AS minutes, t.record_key AS k
        FROM {source} WHERE {given}
        UNION ALL
        SELECT t.debit_account_id, {month}, 0, COALESCE(t.category_id, 0), 0,
               t.minutes, t.record_key
        FROM {source} WHERE {received}
    """


def accounts_select(where: str, month: str, keys: str = "") -> str:
    """Per account, side, category and activity: the account-month columns (with `keys`,
    see sides_stream, per month too, the month first)."""
    by = "x.ym, " if keys else ""
    return f"""
        SELECT {by}x.acc AS account_id, x.gave AS gave, x.c AS category_id, x.a AS activity_id,
               CAST(SUM(x.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n,
               CAST(SUM(x.k) AS BIGINT) AS k
        FROM ({sides_stream(where, month, keys)}) x
        GROUP BY {by}x.acc, x.gave, x.c, x.a
    """


def balances_select(where: str, keys: str = "") -> str:
    """Per account (with `keys`, a table of (ym, account_id, date_from, date_to): per key,
    its month first, read through the credit and debit indexes): how far the balance
    moved over the transfers `where` selects, every kind of transfer counted."""
    source, given, received, month, by = "transfers t", where, where, "", ""
    if keys:
        source = f"{keys} k CROSS JOIN transfers t"
        given = f"t.credit_account_id = k.account_id AND {IN_KEY_MONTH} AND {where}"
        received = f"t.debit_account_id = k.account_id AND {IN_KEY_MONTH} AND {where}"
        month, by = "k.ym AS ym, ", "x.ym, "
    return f"""
        SELECT {by}x.acc AS account_id, CAST(SUM(x.moved) AS BIGINT) AS moved FROM (
            SELECT {month}t.credit_account_id AS acc, t.minutes AS moved
            FROM {source} WHERE {given}
            UNION ALL
            SELECT {month}t.debit_account_id, -t.minutes FROM {source} WHERE {received}
        ) x
        GROUP BY {by}x.acc
    """


IN_MONTH = "t.bank_id = :bank_id AND t.occurred_on >= :date_from AND t.occurred_on < :date_to"


def cells_select(where: str) -> str:
    return f"""
        SELECT COALESCE(t.category_id, 0) AS category_id, COALESCE(t.activity_id, 0) AS activity_id,
               CASE WHEN t.activity_id IS NULL THEN '' ELSE {RECORDED_GROUP} END AS pg,
               CAST(SUM(t.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n,
               CAST(SUM(t.record_key) AS BIGINT) AS k
        FROM transfers t WHERE {where}
        GROUP BY COALESCE(t.category_id, 0), COALESCE(t.activity_id, 0),
                 CASE WHEN t.activity_id IS NULL THEN '' ELSE {RECORDED_GROUP} END
    """


MOVED_GROUP = """
    SELECT a.id AS account_id, m.member_group AS grp, rg.grp AS recorded
    FROM accounts a JOIN members m ON m.id = a.member_id AND m.bank_id = :bank_id
    LEFT JOIN report_account_groups rg ON rg.bank_id = a.bank_id AND rg.account_id = a.id
    WHERE a.bank_id = :bank_id AND (rg.grp IS NULL OR rg.grp <> m.member_group)
"""


def groups_moved(bank_id: int) -> list:
    """(account, group now, group recorded or None) of the accounts whose recorded group is
    missing or out of date."""
    return list(sql.execute(MOVED_GROUP, {"bank_id": bank_id}))


def record_groups(bank_id: int, moved) -> list[int]:
    """Record the groups of `moved` (groups_moved); the months in which those that changed
    group gave time with an activity, which are to be worked out again."""
    changed = [row.account_id for row in moved if row.recorded is not None]
    for row in moved:
        binds = {"bank_id": bank_id, "account_id": row.account_id, "grp": row.grp}
        if row.recorded is None:
            sql.execute("INSERT INTO report_account_groups (bank_id, account_id, grp) "
                        "VALUES (:bank_id, :account_id, :grp)", binds)
        else:
            sql.execute("UPDATE report_account_groups SET grp = :grp "
                        "WHERE bank_id = :bank_id AND account_id = :account_id", binds)
    if not changed:
        return []
    months = set()
    for start in range(0, len(changed), 500):
        chunk = ", ".join(str(int(a)) for a in changed[start:start + 500])
        months |= {sql.as_int(r.ym) for r in sql.execute(
            "SELECT DISTINCT ym FROM report_account_months WHERE bank_id = :bank_id "
            f"AND gave = 1 AND activity_id <> 0 AND account_id IN ({chunk})",
            {"bank_id": bank_id})}
    return sorted(months)


def recompute_month(bank_id: int, pool_id: int, ym: int) -> None:
    """Work one month of one bank out again from the transfers (inside the caller's
    transaction)."""
    scope = MonthScope(bank_id, pool_id, ym)
    binds = scope.binds()
    where = sql.where(sql.exchange_conditions(scope))
    for table in SUMMARY_TABLES:
        sql.execute(f"DELETE FROM {table} WHERE bank_id = :bank_id AND ym = :ym", binds)
    pairs = ", ".join(PAIR_COLUMNS)
    sql.execute(f"""
        INSERT INTO report_pair_months (bank_id, ym, lo, hi, {pairs})
        SELECT :bank_id, :ym, p.lo, p.hi, {", ".join(f"p.{c}" for c in PAIR_COLUMNS)}
        FROM ({pairs_select(where)}) p
    """, binds)
    accounts = ", ".join(ACCOUNT_COLUMNS)
    sql.execute(f"""
        INSERT INTO report_account_months (bank_id, ym, account_id, gave, category_id,
                                           activity_id, {accounts})
        SELECT :bank_id, :ym, s.account_id, s.gave, s.category_id, s.activity_id,
               {", ".join(f"s.{c}" for c in ACCOUNT_COLUMNS)}
        FROM ({accounts_select(where, "CAST(:ym AS INTEGER)")}) s
    """, binds)
    cells = ", ".join(CELL_COLUMNS)
    sql.execute(f"""
        INSERT INTO report_month_cells (bank_id, ym, category_id, activity_id, pg, {cells})
        SELECT :bank_id, :ym, c.category_id, c.activity_id, c.pg,
               {", ".join(f"c.{col}" for col in CELL_COLUMNS)}
        FROM ({cells_select(where)}) c
    """, binds)
    sql.execute(f"""
        INSERT INTO report_balance_months (bank_id, ym, account_id, moved)
        SELECT :bank_id, :ym, b.account_id, b.moved FROM ({balances_select(IN_MONTH)}) b
    """, binds)


FOLD_TABLES = ("rf_pairs", "rf_accounts", "rf_ends", "rf_givers", "rf_delta")
# A month is worked out in full when (affected accounts) x (months of the bank) exceeds
# this many times the bank's accounts (bench/reports.py: the two cost about the same at 8).
WHOLE_MONTH_FACTOR = 8

ENTRIES_AFTER = """
    SELECT je.id FROM journal_entries je
    WHERE je.bank_id = :bank_id AND je.seq > :after_seq AND je.seq <= :up_to_seq
    UNION ALL
    SELECT je.reverses_id FROM journal_entries je
    WHERE je.bank_id = :bank_id AND je.seq > :after_seq AND je.seq <= :up_to_seq
      AND je.reverses_id IS NOT NULL
"""


def fold(bank_id: int, pool_id: int, after_seq: int, up_to_seq: int,
         regrouped=()) -> list[int]:
    """Work out again, inside the caller's transaction, the summary rows that the entries
    in (after_seq, up_to_seq] change, and the entries those that are reversals reverse:
    the pair-months and account-months of all their transfers, then the cells of their
    months (moved by the difference) and of the months `regrouped` (record_groups: worked
    out in full). The months whose cells were worked out in full from their account rows."""
    binds = {"bank_id": bank_id, "pool_id": pool_id, "after_seq": after_seq,
             "up_to_seq": up_to_seq}
    months = set(regrouped)
    drop_fold_tables()
    if up_to_seq > after_seq:
        collect_keys(binds)
        keyed = {sql.as_int(r.ym): sql.as_int(r.n) for r in sql.execute(
            "SELECT ym, COUNT(*) AS n FROM rf_accounts GROUP BY ym", binds)}
        whole = whole_months(binds, keyed)
        if whole:
            listed = ", ".join(str(ym) for ym in whole)
            for table in ("rf_pairs", "rf_accounts"):
                sql.execute(f"DELETE FROM {table} WHERE ym IN ({listed})", binds)
        analyze_keys()
        recompute_pairs(binds)
        keep_givers(binds, sign=-1)
        recompute_accounts(binds)
        recompute_balances(binds)
        keep_givers(binds, sign=1)
        for ym in whole:
            recompute_month(bank_id, pool_id, ym)
        move_cells(binds, skip=months)
        months = months - set(whole)
    for ym in sorted(months):
        recompute_cells(bank_id, ym)
    drop_fold_tables()
    return sorted(months)


def keep_givers(binds: dict, *, sign: int) -> None:
    """The givers' report_account_months rows of the keys in rf_accounts into rf_givers,
    with their sums negated (`sign` -1: the rows before they are worked out again) or not
    (1: after), so that the cells can move by the difference."""
    columns = "am.ym, am.account_id, am.category_id, am.activity_id"
    select = (f"SELECT {columns}, {sign} * am.minutes AS minutes, {sign} * am.n AS n, "
              f"{sign} * am.k AS k FROM rf_accounts r CROSS JOIN report_account_months am "
              "WHERE am.bank_id = :bank_id AND am.ym = r.ym AND am.account_id = r.account_id "
              "AND am.gave = 1")  # CROSS JOIN: SQLite loops over the few keys, as PostgreSQL
    if sign < 0:
        sql.execute(f"CREATE TEMP TABLE rf_givers AS {select}", binds)
    else:
        sql.execute(f"INSERT INTO rf_givers {select}", binds)


def move_cells(binds: dict, *, skip) -> None:
    """Move report_month_cells by what the rows in rf_givers add up to per cell, in every
    month but those in `skip` (worked out in full instead: a member of theirs changed
    group, so their cells aren't a difference away). Cells are sums only, so the
    difference is exact; a cell left with no exchange goes."""
    group = "CASE WHEN g.activity_id = 0 THEN '' ELSE rg.grp END"
    skipped = f" AND g.ym NOT IN ({', '.join(str(int(ym)) for ym in skip)})" if skip else ""
    analyze_small("rf_givers")
    sql.execute(f"""
        CREATE TEMP TABLE rf_delta AS
        SELECT g.ym AS ym, g.category_id AS category_id, g.activity_id AS activity_id,
               {group} AS pg, CAST(SUM(g.minutes) AS BIGINT) AS minutes,
               CAST(SUM(g.n) AS BIGINT) AS n, CAST(SUM(g.k) AS BIGINT) AS k
        FROM rf_givers g
        LEFT JOIN report_account_groups rg
               ON rg.bank_id = :bank_id AND rg.account_id = g.account_id
        WHERE 1 = 1{skipped}
        GROUP BY g.ym, g.category_id, g.activity_id, {group}
    """, binds)
    analyze_small("rf_delta")
    same = ("c.bank_id = :bank_id AND c.ym = d.ym AND c.category_id = d.category_id "
            "AND c.activity_id = d.activity_id AND c.pg = d.pg")
    sql.execute(f"""
        INSERT INTO report_month_cells (bank_id, ym, category_id, activity_id, pg,
                                        {", ".join(CELL_COLUMNS)})
        SELECT :bank_id, d.ym, d.category_id, d.activity_id, d.pg, 0, 0, 0 FROM rf_delta d
        WHERE NOT EXISTS (SELECT 1 FROM report_month_cells c WHERE {same})
    """, binds)
    moved = ", ".join(f"{column} = c.{column} + (SELECT d.{column} FROM rf_delta d WHERE {same})"
                      for column in CELL_COLUMNS)
    sql.execute(f"""
        UPDATE report_month_cells AS c SET {moved}
        WHERE c.bank_id = :bank_id AND EXISTS (SELECT 1 FROM rf_delta d WHERE {same})
    """, binds)
    sql.execute("DELETE FROM report_month_cells WHERE bank_id = :bank_id AND n = 0 "
                "AND ym IN (SELECT ym FROM rf_delta)", binds)


def whole_months(binds: dict, keyed: dict) -> list[int]:
    """The months in which so many accounts are affected that reading their transfers
    through the indexes would cost more than reading the month: an account's transfers
    of every month are read to find one month's, so the work per affected account grows
    with the months the bank has been running, the month's own with its share of the
    accounts."""
    if not keyed:
        return []
    span = sql.execute(  # one subquery each: both engines then read one end of the index
        "SELECT (SELECT MIN(t.occurred_on) FROM transfers t WHERE t.bank_id = :bank_id) AS first_on, "
        "(SELECT MAX(t.occurred_on) FROM transfers t WHERE t.bank_id = :bank_id) AS last_on",
        binds).one()
    months = month_index(sql.as_date(span.last_on)) - month_index(sql.as_date(span.first_on)) + 1
    accounts = sql.as_int(sql.execute("SELECT COUNT(*) FROM accounts WHERE bank_id = :bank_id",
                                      binds).scalar())
    return sorted(ym for ym, n in keyed.items() if n * months > WHOLE_MONTH_FACTOR * accounts)


def collect_keys(binds: dict) -> None:
    """rf_pairs (ym, lo, hi) and rf_accounts (ym, account_id), each with its month's first
    day and the next month's: the keys of the transfers of the entries to fold."""
    name = sql.dialect()
    month = sql.month_index("t.occurred_on", name)
    date_from, date_to = sql.month_bounds("t.occurred_on", name)
    sql.execute(f"""
        CREATE TEMP TABLE rf_ends AS
        SELECT t.credit_account_id AS credit, t.debit_account_id AS debit, {month} AS ym,
               {date_from} AS date_from, {date_to} AS date_to
        FROM transfers t
        WHERE t.bank_id = :bank_id AND t.entry_id IN ({ENTRIES_AFTER})
    """, binds)
    sql.execute("""
        CREATE TEMP TABLE rf_pairs AS
        SELECT DISTINCT e.ym AS ym,
               CASE WHEN e.credit < e.debit THEN e.credit ELSE e.debit END AS lo,
               CASE WHEN e.credit < e.debit THEN e.debit ELSE e.credit END AS hi,
               e.date_from AS date_from, e.date_to AS date_to
        FROM rf_ends e
    """, binds)
    sql.execute("""
        CREATE TEMP TABLE rf_accounts AS
        SELECT e.ym AS ym, e.credit AS account_id, e.date_from AS date_from, e.date_to AS date_to
        FROM rf_ends e
        UNION
        SELECT e.ym, e.debit, e.date_from, e.date_to FROM rf_ends e
    """, binds)


def analyze_keys() -> None:
    """Their sizes known, both engines loop over the keys into the indexes; unknown,
    SQLite first builds a Bloom filter over all the transfers and PostgreSQL may hash them."""
    sql.execute("ANALYZE rf_pairs", {})
    sql.execute("ANALYZE rf_accounts", {})


def analyze_small(table: str) -> None:
    """PostgreSQL: the size of a fold's temporary table of a few rows, which it otherwise
    takes for about a thousand: it then hashed every account group of the bank for the
    join of the givers (9 of 11 ms at 20,000 members) and read every cell of the bank for
    the cells' update, instead of looking the few up by their keys. (SQLite's plans over
    them are already lookups.)"""
    if sql.dialect() == "postgresql":
        sql.execute(f"ANALYZE {table}", {})


def delete_keys(table: str, keys: str, columns: tuple, binds: dict) -> None:
    """Delete the bank's rows of `table` whose `columns` are a row of the key table `keys`."""
    sql.execute(f"""
        DELETE FROM {table}
        WHERE bank_id = :bank_id AND ({", ".join(columns)})
              IN (SELECT {", ".join(f"k.{c}" for c in columns)} FROM {keys} k)
    """, binds)


def recompute_pairs(binds: dict) -> None:
    """The report_pair_months rows of the keys in rf_pairs, from their transfers."""
    where = sql.where(sql.exchange_conditions(MonthScope(binds["bank_id"], binds["pool_id"], 0),
                                              dates=False, by_entry=True))
    delete_keys("report_pair_months", "rf_pairs", ("ym", "lo", "hi"), binds)
    pairs = ", ".join(PAIR_COLUMNS)
    sql.execute(f"""
        INSERT INTO report_pair_months (bank_id, ym, lo, hi, {pairs})
        SELECT :bank_id, p.ym, p.lo, p.hi, {", ".join(f"p.{c}" for c in PAIR_COLUMNS)}
        FROM ({pairs_select(where, keys="rf_pairs")}) p
    """, binds)


def recompute_accounts(binds: dict) -> None:
    """The report_account_months rows (every side, category and activity) of the keys in
    rf_accounts, from their transfers."""
    where = sql.where(sql.exchange_conditions(MonthScope(binds["bank_id"], binds["pool_id"], 0),
                                              dates=False, by_entry=True))
    delete_keys("report_account_months", "rf_accounts", ("ym", "account_id"), binds)
    accounts = ", ".join(ACCOUNT_COLUMNS)
    sql.execute(f"""
        INSERT INTO report_account_months (bank_id, ym, account_id, gave, category_id,
                                           activity_id, {accounts})
        SELECT :bank_id, s.ym, s.account_id, s.gave, s.category_id, s.activity_id,
               {", ".join(f"s.{c}" for c in ACCOUNT_COLUMNS)}
        FROM ({accounts_select(where, "k.ym", keys="rf_accounts")}) s
    """, binds)


def recompute_balances(binds: dict) -> None:
    """The report_balance_months rows of the keys in rf_accounts, from their transfers."""
    delete_keys("report_balance_months", "rf_accounts", ("ym", "account_id"), binds)
    sql.execute(f"""
        INSERT INTO report_balance_months (bank_id, ym, account_id, moved)
        SELECT :bank_id, b.ym, b.account_id, b.moved
        FROM ({balances_select("t.bank_id = :bank_id", keys="rf_accounts")}) b
    """, binds)


def recompute_cells(bank_id: int, ym: int) -> None:
    """One month's report_month_cells from its givers' report_account_months rows (which
    must be current): what cells_select gives over the month's transfers, from a few tens
    of thousands of small rows."""
    binds = {"bank_id": bank_id, "ym": ym}
    sql.execute("DELETE FROM report_month_cells WHERE bank_id = :bank_id AND ym = :ym", binds)
    group = "CASE WHEN am.activity_id = 0 THEN '' ELSE rg.grp END"
    sql.execute(f"""
        INSERT INTO report_month_cells (bank_id, ym, category_id, activity_id, pg,
                                        {", ".join(CELL_COLUMNS)})
        SELECT :bank_id, :ym, am.category_id, am.activity_id, {group},
               CAST(SUM(am.minutes) AS BIGINT), CAST(SUM(am.n) AS BIGINT),
               CAST(SUM(am.k) AS BIGINT)
        FROM report_account_months am
        LEFT JOIN report_account_groups rg
               ON rg.bank_id = am.bank_id AND rg.account_id = am.account_id
        WHERE am.bank_id = :bank_id AND am.ym = :ym AND am.gave = 1
        GROUP BY am.category_id, am.activity_id, {group}
    """, binds)


def drop_fold_tables() -> None:
    for table in FOLD_TABLES:
        sql.execute(f"DROP TABLE IF EXISTS {table}", {})


def months_touched(bank_id: int, after_seq: int, up_to_seq: int) -> list[int]:
    """The months of the transfers of the entries in (after_seq, up_to_seq], and of the
    entries those that are reversals reverse."""
    month = sql.month_index("t.occurred_on", sql.dialect())
    rows = sql.execute(f"""
        SELECT DISTINCT {month} AS ym FROM transfers t
        WHERE t.entry_id IN (SELECT je.id FROM journal_entries je
                             WHERE je.bank_id = :bank_id AND je.seq > :after_seq
                               AND je.seq <= :up_to_seq)
           OR t.entry_id IN (SELECT je.reverses_id FROM journal_entries je
                             WHERE je.bank_id = :bank_id AND je.seq > :after_seq
                               AND je.seq <= :up_to_seq AND je.reverses_id IS NOT NULL)
    """, {"bank_id": bank_id, "after_seq": after_seq, "up_to_seq": up_to_seq})
    return sorted(sql.as_int(r.ym) for r in rows)


def all_months(bank_id: int) -> list[int]:
    """Every month with a transfer in the bank, or with a summary row."""
    month = sql.month_index("t.occurred_on", sql.dialect())
    found = {sql.as_int(r.ym) for r in sql.execute(
        f"SELECT DISTINCT {month} AS ym FROM transfers t WHERE t.bank_id = :bank_id",
        {"bank_id": bank_id})}
    for table in SUMMARY_TABLES:
        found |= {sql.as_int(r.ym) for r in sql.execute(
            f"SELECT DISTINCT ym FROM {table} WHERE bank_id = :bank_id", {"bank_id": bank_id})}
    return sorted(found)


def _rows(statement: str, binds: dict, key_columns: int) -> dict | list:
    """The rows keyed by their first `key_columns` integers (0: a sorted list of the rows,
    whose text columns stay text)."""
    if not key_columns:
        return sorted(tuple(v if isinstance(v, str) else sql.as_int(v) for v in row)
                      for row in sql.execute(statement, binds))
    out = {}
    for row in sql.execute(statement, binds):
        values = tuple(sql.as_date(v) if isinstance(v, str) else v for v in row)
        out[tuple(sql.as_int(v) for v in values[:key_columns])] = tuple(
            v if isinstance(v, dt.date) else sql.as_int(v) for v in values[key_columns:])
    return out


def differences(bank_id: int, pool_id: int, ym: int) -> list[str]:
    """What the stored summaries of one month say that the transfers don't: the names of
    the tables that differ (empty: they match)."""
    scope = MonthScope(bank_id, pool_id, ym)
    binds = scope.binds()
    where = sql.where(sql.exchange_conditions(scope))
    found = []
    stored = _rows(f"SELECT lo, hi, {', '.join(PAIR_COLUMNS)} FROM report_pair_months "
                   "WHERE bank_id = :bank_id AND ym = :ym", binds, 2)
    if stored != _rows(f"SELECT p.lo, p.hi, {', '.join(f'p.{c}' for c in PAIR_COLUMNS)} "
                       f"FROM ({pairs_select(where)}) p", binds, 2):
        found.append("report_pair_months")
    stored = _rows(f"SELECT account_id, gave, category_id, activity_id, "
                   f"{', '.join(ACCOUNT_COLUMNS)} FROM report_account_months "
                   "WHERE bank_id = :bank_id AND ym = :ym", binds, 4)
    if stored != _rows(accounts_select(where, "CAST(:ym AS INTEGER)"), binds, 4):
        found.append("report_account_months")
    stored = _rows(f"SELECT category_id, activity_id, pg, {', '.join(CELL_COLUMNS)} "
                   "FROM report_month_cells WHERE bank_id = :bank_id AND ym = :ym", binds, 0)
    if stored != _rows(cells_select(where), binds, 0):
        found.append("report_month_cells")
    stored = _rows("SELECT account_id, moved FROM report_balance_months "
                   "WHERE bank_id = :bank_id AND ym = :ym", binds, 1)
    if stored != _rows(balances_select(IN_MONTH), binds, 1):
        found.append("report_balance_months")
    return found
