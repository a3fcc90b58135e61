"""The per-request aggregate every report figure is derived from, in temporary tables.

One pass over `transfers` (the only large table a report reads) groups the
scope's exchanges into sums per provider, receiver, month, category and
activity (`rx_fine`); everything else is derived from that small aggregate, in
SQL:

- `rx_people`  one row per member account: group, role, joining date, floor,
               balance now, status at `to` (the latest status change before it),
               `base` = counted as a member (active at `to`, not an evaluator),
               `ever_active` = was active at some time before `to`;
- `rx_fine`    per (provider, receiver, month, category, activity): minutes,
               exchanges, first and last day;
- `rx_pairs`   per (provider, receiver): the same sums;
- `rx_members` per account that took part: minutes given and received,
               exchanges given and received, distinct partners, first and last day;
- `rx_member_months` the months in which each account took part.

A headline-only workspace (for the previous period on the report page) builds
`rx_pairs` straight from `transfers` and skips the monthly detail.

Temporary tables belong to the database connection, which the session keeps
for the whole transaction; they are dropped when the work is done.
"""

from __future__ import annotations

from contextlib import contextmanager

from . import sql

TABLES = ("rx_member_months", "rx_members", "rx_pairs", "rx_fine", "rx_people")

# Who counts where. Written once; the figures and the coordinator alerts both use them.
BASE = "pe.base = 1"
GIVE_ONLY = "m.given > 0 AND m.received = 0"
RECEIVE_ONLY = "m.received > 0 AND m.given = 0"
TWO_WAY = "m.given > 0 AND m.received > 0"
DORMANT = "m.last_on < :dormant_from"
NEAR_FLOOR_MINUTES = 60  # or a tenth of the floor, whichever is more
NEAR_FLOOR = (
    "pe.balance_now - pe.floor_minutes <= CASE WHEN -pe.floor_minutes / 10 > "
    f"{NEAR_FLOOR_MINUTES} THEN -pe.floor_minutes / 10 ELSE {NEAR_FLOOR_MINUTES} END"
)
# Joined within the range and active at some time before its end: the cohorts of
# "time to first exchange" and retention.
COHORT = ("pe.role <> 'evaluator' AND pe.ever_active = 1 "
          "AND pe.joined_on >= :date_from AND pe.joined_on < :date_to")


def _people_sql() -> str:
    return f"""
    CREATE TEMP TABLE rx_people AS
    SELECT x.*,
           CASE WHEN x.role <> 'evaluator' AND x.status_at_to = 'active' THEN 1 ELSE 0 END AS base
    FROM (
        SELECT a.id AS account_id, mem.id AS member_id, mem.member_group AS grp,
               mem.role AS role, mem.joined_on AS joined_on, a.floor_minutes AS floor_minutes,
               a.credits_posted - a.debits_posted AS balance_now,
               {sql.STATUS_AT_TO} AS status_at_to,
               CASE WHEN EXISTS (SELECT 1 FROM member_status_changes s
                                  WHERE s.member_id = mem.id AND s.status = 'active'
                                    AND s.changed_at < :to_at) THEN 1 ELSE 0 END AS ever_active
        FROM accounts a JOIN members mem ON mem.id = a.member_id
        WHERE a.bank_id = :bank_id
    ) x
    """


def _fine_sql(scope, dialect: str) -> str:
    month = sql.month_index("t.occurred_on", dialect)
    return f"""
    CREATE TEMP TABLE rx_fine AS
    SELECT t.credit_account_id AS p, t.debit_account_id AS r, {month} AS ym,
           t.category_id AS c, t.activity_id AS a,
           CAST(SUM(t.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n,
           MIN(t.occurred_on) AS first_on, MAX(t.occurred_on) AS last_on
    FROM transfers t
    WHERE {sql.where(sql.exchange_conditions(scope))}
    GROUP BY 1, 2, 3, 4, 5
    """


def pairs_select(scope) -> str:
    """Per (provider, receiver) account pair: minutes, exchanges, first and last day."""
    return f"""
    SELECT t.credit_account_id AS p, t.debit_account_id AS r,
           CAST(SUM(t.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n,
           MIN(t.occurred_on) AS first_on, MAX(t.occurred_on) AS last_on
    FROM transfers t
    WHERE {sql.where(sql.exchange_conditions(scope))}
    GROUP BY 1, 2
    """


PAIRS_FROM_FINE = """
    CREATE TEMP TABLE rx_pairs AS
    SELECT p, r, CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(n) AS BIGINT) AS n,
           MIN(first_on) AS first_on, MAX(last_on) AS last_on
    FROM rx_fine GROUP BY p, r
"""

# Per member, from the pairs: both directions of each pair, summed per account.
MEMBERS_FROM_PAIRS = """
    SELECT u.x AS account_id,
           CAST(SUM(u.g) AS BIGINT) AS given, CAST(SUM(u.rc) AS BIGINT) AS received,
           CAST(SUM(u.ng) AS BIGINT) AS n_given, CAST(SUM(u.nr) AS BIGINT) AS n_received,
           COUNT(DISTINCT u.y) AS partners, MIN(u.first_on) AS first_on, MAX(u.last_on) AS last_on
    FROM (
        SELECT p AS x, r AS y, minutes AS g, 0 AS rc, n AS ng, 0 AS nr, first_on, last_on
          FROM {pairs}
        UNION ALL
        SELECT r, p, 0, minutes, 0, n, first_on, last_on FROM {pairs}
    ) u
    GROUP BY u.x
"""

MEMBER_MONTHS = """
    CREATE TEMP TABLE rx_member_months AS
    SELECT p AS account_id, ym FROM rx_fine
    UNION
    SELECT r, ym FROM rx_fine
"""


class Workspace:
    def __init__(self, scope, *, detail: bool):
        self.scope = scope
        self.detail = detail
        self.dialect = sql.dialect()
        self.binds = scope.binds()

    def run(self, statement: str, **extra):
        return sql.execute(statement, {**self.binds, **extra})

    def build(self):
        self.run(_people_sql())
        self.run("CREATE UNIQUE INDEX rx_people_account ON rx_people (account_id)")
        if self.detail:
            self.run(_fine_sql(self.scope, self.dialect))
            self.run(PAIRS_FROM_FINE)
            self.run(MEMBER_MONTHS)
        else:
            self.run("CREATE TEMP TABLE rx_pairs AS " + pairs_select(self.scope))
        self.run("CREATE UNIQUE INDEX rx_pairs_pair ON rx_pairs (p, r)")
        self.run("CREATE TEMP TABLE rx_members AS " + MEMBERS_FROM_PAIRS.format(pairs="rx_pairs"))
        self.run("CREATE UNIQUE INDEX rx_members_account ON rx_members (account_id)")
        if self.dialect == "postgresql":
            # Temporary tables get no statistics from autovacuum; the planner needs them.
            for table in ("rx_people", "rx_pairs", "rx_members"):
                self.run(f"ANALYZE {table}")

    def drop(self):
        for table in TABLES:
            self.run(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def workspace(scope, *, detail: bool = True):
    """Build the aggregate for `scope`, yield it, and drop it whatever happens."""
    space = Workspace(scope, detail=detail)
    space.drop()
    try:
        space.build()
        yield space
    except BaseException:
        # PostgreSQL refuses every statement after an error until the transaction
        # ends; rolling it back drops the tables it created.
        if space.dialect == "postgresql":
            from ..extensions import db

            db.session.rollback()
        else:
            space.drop()
        raise
    else:
        space.drop()
