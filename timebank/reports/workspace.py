"""The per-request aggregate every report figure is derived from, in temporary tables.

The only large table a report reads is `transfers`; these tables hold what the
figures need from it, aggregated once per request:

- `rx_people`  one row per member account: group, role, joining date, floor,
               balance now and at `to`, status at `to` (the latest status change before it),
               `base` = counted as a member (active at `to`, not an evaluator),
               `ever_active` = was active at some time before `to`;
- `rx_ties`    per pair of accounts that exchanged either way (lower id first):
               minutes and exchanges each way, first and last day;
- `rx_members` per account that took part: minutes given and received,
               exchanges given and received, distinct partners, first and last
               day, and bit masks of the months (`mm0`, `mm1`, …) and categories
               (`cm0`, …) they took part in and of the participation levels at
               which they gave time (`lm`);
- `rx_sums`    per (month, category, activity, and for activities the provider's
               group): minutes and exchanges. A few thousand rows at most.

Why masks: a per-(provider, receiver, month, category, activity) aggregate is
about as large as the transfers themselves once people rarely exchange twice
in a month with the same partner (measured by bench/reports.py), so every
derived query would pay for another pass over a million rows. The sets of
months and categories a member took part in fit in a few 62-bit integers
instead, and "how many people were active in March" becomes a sum over one row
per member. Bit meanings are fixed per request by `Layout`.

The engines get the same tables by different routes, because their aggregation
differs: PostgreSQL hashes, so one GROUP BY over the ties with BIT_OR gives the
masks, and the member table is folded from the ties; SQLite sorts, has no
BIT_OR aggregate, and sums distinct single bits well, so it folds the member
table straight from the transfers, both sides at once. The golden tests check
both routes against the same hand-worked values.

Temporary tables belong to the database connection, which the session keeps
for the whole transaction; they are dropped when the work is done.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..models import LEVELS
from . import sql

TABLES = ("rx_sums", "rx_members", "rx_ties", "rx_people")
WORD = 62  # bits per mask word: sums of distinct bits 0..61 stay positive in 64 bits

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


@dataclass
class Layout:
    """What each bit of the masks means for this request."""

    first_month: int  # month index (year * 12 + month - 1) of bit 0 of mm0
    months: int
    categories: list = field(default_factory=list)  # category ids (None: no category)
    levels_of: dict = field(default_factory=dict)  # activity id -> level index

    @property
    def month_words(self) -> int:
        return max(1, -(-self.months // WORD))

    @property
    def category_words(self) -> int:
        return max(1, -(-len(self.categories) // WORD))

    def month_bit(self, index: int) -> tuple[int, int]:
        """(word, bit) of the month with this month index."""
        return divmod(index - self.first_month, WORD)

    def category_bit(self, category_id) -> tuple[int, int]:
        return divmod(self.categories.index(category_id), WORD)


def layout_for(scope, run) -> Layout:
    first = scope.date_from.year * 12 + scope.date_from.month - 1
    last_date = scope.date_to - dt.timedelta(days=1)
    last = last_date.year * 12 + last_date.month - 1
    categories_sql = "SELECT id FROM categories WHERE bank_id = :bank_id"
    if scope.category_id is not None:
        categories_sql += " AND id = :category_id"
    categories = [row.id for row in run(categories_sql + " ORDER BY name, id")]
    if scope.category_id is None:
        categories.append(None)
    levels_of = {row.id: LEVELS.index(row.level) for row in run(
        "SELECT id, level FROM activities WHERE bank_id = :bank_id ORDER BY id")}
    return Layout(first_month=first, months=last - first + 1, categories=categories,
                  levels_of=levels_of)


# --- bits of one transfer (alias t) --------------------------------------------------------

def _one(bit: int) -> str:
    return str(1 << bit)


def month_bits(layout: Layout, dialect: str) -> list[str]:
    """Per mask word, an expression giving the transfer's month as a single bit (or NULL)."""
    offset = f"({sql.month_index('t.occurred_on', dialect)} - {layout.first_month})"
    if layout.month_words == 1:
        return [f"(CAST(1 AS BIGINT) << {offset})"]
    return [f"CASE WHEN {offset} BETWEEN {w * WORD} AND {w * WORD + WORD - 1} "
            f"THEN CAST(1 AS BIGINT) << ({offset} - {w * WORD}) END"
            for w in range(layout.month_words)]


def category_bits(layout: Layout) -> list[str]:
    words = []
    for w in range(layout.category_words):
        branches = []
        for position, category_id in enumerate(layout.categories):
            word, bit = divmod(position, WORD)
            if word != w:
                continue
            test = "t.category_id IS NULL" if category_id is None else \
                f"t.category_id = {int(category_id)}"
            branches.append(f"WHEN {test} THEN {_one(bit)}")
        words.append(f"CASE {' '.join(branches)} END" if branches else "NULL")
    return words


def level_bit(layout: Layout) -> str:
    if not layout.levels_of:
        return "CAST(NULL AS BIGINT)"
    branches = " ".join(f"WHEN {int(a)} THEN {_one(level)}" for a, level in layout.levels_of.items())
    return f"CASE t.activity_id {branches} END"


def group_of(column: str) -> str:
    """The group of the member whose account is `column` (citizens are the default)."""
    return (f"CASE WHEN {column} IN (SELECT account_id FROM rx_people WHERE grp = 'professional') "
            f"THEN 'professional' WHEN {column} IN (SELECT account_id FROM rx_people "
            f"WHERE grp = 'organisation') THEN 'organisation' ELSE 'citizen' END")


def mask_columns(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{w}" for w in range(count)]


# --- the tables ----------------------------------------------------------------------------

PEOPLE = """
    CREATE TEMP TABLE rx_people AS
    SELECT a.id AS account_id, mem.id AS member_id, mem.member_group AS grp, mem.role AS role,
           mem.joined_on AS joined_on, a.floor_minutes AS floor_minutes,
           a.credits_posted - a.debits_posted AS balance_now,
           a.credits_posted - a.debits_posted - COALESCE(af.delta, 0) AS balance_at_to,
           st.status AS status_at_to,
           CASE WHEN mem.role <> 'evaluator' AND st.status = 'active' THEN 1 ELSE 0 END AS base,
           COALESCE(st.ever_active, 0) AS ever_active
    FROM accounts a
    JOIN members mem ON mem.id = a.member_id
    LEFT JOIN (
        SELECT s.member_id, MAX(CASE WHEN s.rn = 1 THEN s.status END) AS status,
               MAX(CASE WHEN s.status = 'active' THEN 1 ELSE 0 END) AS ever_active
        FROM (SELECT member_id, status,
                     ROW_NUMBER() OVER (PARTITION BY member_id
                                        ORDER BY changed_at DESC, id DESC) AS rn
              FROM member_status_changes
              WHERE bank_id = :bank_id AND changed_at < :to_at) s
        GROUP BY s.member_id
    ) st ON st.member_id = mem.id
    LEFT JOIN (  -- what moved on or after `to`, to take the balances back to then
        SELECT CAST(x.acc AS BIGINT) AS acc, SUM(x.delta) AS delta FROM (
            SELECT t.credit_account_id AS acc, t.minutes AS delta FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
            UNION ALL
            SELECT t.debit_account_id, -t.minutes FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
        ) x GROUP BY x.acc
    ) af ON af.acc = a.id
    WHERE a.bank_id = :bank_id
"""


# Per member, from the ties: each tie once from either end (the members.csv export uses
# this; the report's member table adds masks, see Workspace).
MEMBERS_FROM_TIES = """
    SELECT CAST(u.x AS BIGINT) AS account_id,
           CAST(SUM(u.g) AS BIGINT) AS given, CAST(SUM(u.rc) AS BIGINT) AS received,
           CAST(SUM(u.ng) AS BIGINT) AS n_given, CAST(SUM(u.nr) AS BIGINT) AS n_received,
           COUNT(*) AS partners, MIN(u.first_on) AS first_on, MAX(u.last_on) AS last_on
    FROM (
        SELECT lo AS x, w_lh AS g, w_hl AS rc, n_lh AS ng, n_hl AS nr, first_on, last_on
          FROM {ties}
        UNION ALL
        SELECT hi, w_hl, w_lh, n_hl, n_lh, first_on, last_on FROM {ties}
    ) u
    GROUP BY u.x
"""


LO = "CASE WHEN t.credit_account_id < t.debit_account_id THEN t.credit_account_id " \
     "ELSE t.debit_account_id END"
HI = "CASE WHEN t.credit_account_id < t.debit_account_id THEN t.debit_account_id " \
     "ELSE t.credit_account_id END"
LO_GAVE = "t.credit_account_id < t.debit_account_id"  # the provider is the lower account id


def ties_select(scope, extra: str = "") -> str:
    """Per pair of accounts that exchanged either way (a "tie", lower id first): minutes and
    exchanges each way, first and last day. Both directions in one row, so reciprocity needs
    no self-join."""
    return f"""
    SELECT CAST({LO} AS BIGINT) AS lo, CAST({HI} AS BIGINT) AS hi,
           CAST(SUM(CASE WHEN {LO_GAVE} THEN t.minutes ELSE 0 END) AS BIGINT) AS w_lh,
           CAST(SUM(CASE WHEN {LO_GAVE} THEN 0 ELSE t.minutes END) AS BIGINT) AS w_hl,
           CAST(SUM(CASE WHEN {LO_GAVE} THEN 1 ELSE 0 END) AS BIGINT) AS n_lh,
           CAST(SUM(CASE WHEN {LO_GAVE} THEN 0 ELSE 1 END) AS BIGINT) AS n_hl,
           MIN(t.occurred_on) AS first_on, MAX(t.occurred_on) AS last_on{extra}
    FROM transfers t
    WHERE {sql.where(sql.exchange_conditions(scope))}
    GROUP BY 1, 2
    """


class Workspace:
    def __init__(self, scope, *, detail: bool):
        self.scope = scope
        self.detail = detail
        self.dialect = sql.dialect()
        self.binds = scope.binds()
        self.layout = None

    def run(self, statement: str, **extra):
        return sql.execute(statement, {**self.binds, **extra})

    def build(self):
        if self.dialect == "postgresql":
            self.run("SET LOCAL work_mem = '256MB'")
            self.run("SET LOCAL jit = off")
        self.layout = layout_for(self.scope, self.run)
        self.run(PEOPLE)
        self.run("CREATE UNIQUE INDEX rx_people_account ON rx_people (account_id)")
        if self.dialect == "postgresql":
            self._ties_and_members_by_hashing()
        elif self.detail:
            self._ties_and_members_by_sorting()
        else:  # no masks wanted: the members fold from the ties, a quarter of the rows
            self.run("CREATE TEMP TABLE rx_ties AS " + ties_select(self.scope))
            self.run("CREATE TEMP TABLE rx_members AS SELECT f.*, CAST(NULL AS BIGINT) AS lm "
                     f"FROM ({MEMBERS_FROM_TIES.format(ties='rx_ties')}) f")
        self.run("CREATE UNIQUE INDEX rx_members_account ON rx_members (account_id)")
        if self.detail:  # only the monthly, category and level tables read the sums
            self.run(self._sums_sql())

    def _masks(self) -> tuple[list[str], list[str], str]:
        if not self.detail:
            return [], [], "CAST(NULL AS BIGINT)"
        return month_bits(self.layout, self.dialect), category_bits(self.layout), \
            level_bit(self.layout)

    def _ties_and_members_by_hashing(self):
        """PostgreSQL: the ties with BIT_OR masks, then the members folded from the ties."""
        months, categories, level = self._masks()
        masks = "".join(
            [f", BIT_OR({e}) AS mm{w}" for w, e in enumerate(months)]
            + [f", BIT_OR({e}) AS cm{w}" for w, e in enumerate(categories)]
            + [f", BIT_OR(CASE WHEN {LO_GAVE} THEN {level} END) AS lm_lh",
               f", BIT_OR(CASE WHEN {LO_GAVE} THEN NULL ELSE {level} END) AS lm_hl"])
        self.run("CREATE TEMP TABLE rx_ties AS " + ties_select(self.scope, masks))
        shared = [f"mm{w}" for w in range(len(months))] + [f"cm{w}" for w in range(len(categories))]
        carried = "".join(f", {c}" for c in shared)
        folded = "".join(f", BIT_OR(u.{c}) AS {c}" for c in shared)
        self.run(f"""
            CREATE TEMP TABLE rx_members AS
            SELECT CAST(u.x AS BIGINT) AS account_id,
                   CAST(SUM(u.g) AS BIGINT) AS given, CAST(SUM(u.rc) AS BIGINT) AS received,
                   CAST(SUM(u.ng) AS BIGINT) AS n_given, CAST(SUM(u.nr) AS BIGINT) AS n_received,
                   CAST(COUNT(*) AS BIGINT) AS partners,
                   MIN(u.first_on) AS first_on, MAX(u.last_on) AS last_on,
                   BIT_OR(u.lm) AS lm{folded}
            FROM (
                SELECT lo AS x, w_lh AS g, w_hl AS rc, n_lh AS ng, n_hl AS nr,
                       first_on, last_on, lm_lh AS lm{carried}
                FROM rx_ties
                UNION ALL
                SELECT hi, w_hl, w_lh, n_hl, n_lh, first_on, last_on, lm_hl{carried}
                FROM rx_ties
            ) u
            GROUP BY u.x
        """)

    def _ties_and_members_by_sorting(self):
        """SQLite: the ties, and the members folded from the transfers with distinct bits."""
        self.run("CREATE TEMP TABLE rx_ties AS " + ties_select(self.scope))
        months, categories, level = self._masks()
        bits = [*months, *categories]
        names = [f"mm{w}" for w in range(len(months))] + [f"cm{w}" for w in range(len(categories))]
        given_bits = "".join(f", {e} AS {n}" for e, n in zip(bits, names, strict=True))
        received_bits = "".join(f", {e}" for e in bits)
        folded = "".join(f", SUM(DISTINCT u.{n}) AS {n}" for n in names)
        where = sql.where(sql.exchange_conditions(self.scope))
        self.run(f"""
            CREATE TEMP TABLE rx_members AS
            SELECT CAST(u.x AS BIGINT) AS account_id,
                   CAST(SUM(u.g) AS BIGINT) AS given, CAST(SUM(u.rc) AS BIGINT) AS received,
                   CAST(SUM(u.ng) AS BIGINT) AS n_given, CAST(SUM(u.nr) AS BIGINT) AS n_received,
                   COUNT(DISTINCT u.y) AS partners,
                   MIN(u.d) AS first_on, MAX(u.d) AS last_on,
                   SUM(DISTINCT u.lm) AS lm{folded}
            FROM (
                SELECT t.credit_account_id AS x, t.debit_account_id AS y, t.minutes AS g, 0 AS rc,
                       1 AS ng, 0 AS nr, t.occurred_on AS d, {level} AS lm{given_bits}
                FROM transfers t WHERE {where}
                UNION ALL
                SELECT t.debit_account_id, t.credit_account_id, 0, t.minutes, 0, 1,
                       t.occurred_on, NULL{received_bits}
                FROM transfers t WHERE {where}
            ) u
            GROUP BY u.x
        """)

    def _sums_sql(self) -> str:
        """Sums per month, category and activity; for activities, per provider group too."""
        month = sql.month_index("t.occurred_on", self.dialect)
        giver = f"CASE WHEN t.activity_id IS NOT NULL THEN {group_of('t.credit_account_id')} END"
        return f"""
            CREATE TEMP TABLE rx_sums AS
            SELECT {month} AS ym, t.category_id AS c, t.activity_id AS a, {giver} AS pg,
                   CAST(SUM(t.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n
            FROM transfers t
            WHERE {sql.where(sql.exchange_conditions(self.scope))}
            GROUP BY 1, 2, 3, 4
        """

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
