"""The per-request aggregate every report figure is derived from, in temporary tables.

The only large table a report reads is `transfers`; these tables hold what the
figures need from it, aggregated once per request:

- `rx_people`  one row per member account: group, role, joining date, record key, floor,
               balance now and at `to`, status at `to` (the latest status change before it),
               `base` = counted as a member (active at `to`, not an evaluator),
               `ever_active` = was active at some time before `to`;
- `rx_ties`    per pair of accounts that exchanged either way (lower id first):
               minutes, exchanges and the sum of the transfers' record keys each way,
               first and last day, both ends' record keys; both directions in one
               row, so reciprocity needs no self-join;
- `rx_member_groups` per account and partner group (at most three rows per
               member): the ties seen from that end — minutes and exchanges each
               way, partners, pairs, reciprocated pairs, mutual minutes, ties, and
               the record-key sums of the exchanges given, pairs and ties (the cell
               keys of protection.py); the flow matrix, reciprocity and cross-group
               figures sum these;
- `rx_members` per account that took part: minutes given and received,
               exchanges given and received, partners, first and last day, and
               bit masks of the months (`mm0`, `mm1`, …) and categories (`cm0`, …)
               they took part in and of the participation levels at which they
               gave time (`lm`);
- `rx_sums`    per (day, category, activity, and for activities the provider's
               group): minutes, exchanges and the sum of the transfers' record keys.
               Some tens of thousands of rows at most;
- `rx_givers`  (protected reports only) per (provider, month, category, activity):
               the minutes given, from which protection.py takes each cell's
               largest single contributor.

Why masks: a per-(provider, receiver, month, category, activity) aggregate is
about as large as the transfers themselves once people rarely exchange twice
in a month with the same partner (measured by bench/reports.py), so every
derived query would pay for another pass over a million rows. The sets of
months and categories a member took part in fit in a few 62-bit integers
instead, and "how many people were active in March" becomes a sum over one row
per member. Bit meanings are fixed per request by `Layout`.

Both engines get the masks in the same pass over the transfers as the ties: each
tie carries the bits its transfers set. They fold into the members by different
routes: PostgreSQL has BIT_OR, so the masks fold through rx_member_groups into
the members in SQL; SQLite has no BIT_OR, but within a tie every transfer sets
single bits, which SUM(DISTINCT) ORs; a member's ties then carry several bits
each, so Python ORs them, one row per tie (`rx_masks`, joined to `rx_folded`,
the members folded from the ties). That costs less than the second pass over
the transfers, both sides, that SQLite needed before. The golden tests check
both routes against the same hand-worked values.

A headline-only workspace (the previous period on the report page, and the
alerts) builds neither masks nor sums, nor balances at `to` (which read every
transfer since): `rx_people.balance_at_to` is NULL there.

Temporary tables belong to the database connection, which the session keeps
for the whole transaction; they are dropped when the work is done.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..models import LEVELS
from . import sql

TABLES = ("rx_givers", "rx_sums", "rx_members", "rx_masks", "rx_folded", "rx_member_groups", "rx_ties",
          "rx_people")
# SQLite: worker threads its sorter may use to sort a GROUP BY's rows (the default, 0, sorts
# in the connection's thread alone); a million rows sort about a tenth faster with one.
SORTER_THREADS = 1
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

PEOPLE_TEMPLATE = """
    CREATE TEMP TABLE rx_people AS
    SELECT a.id AS account_id, mem.id AS member_id, mem.member_group AS grp, mem.role AS role,
           mem.joined_on AS joined_on, a.floor_minutes AS floor_minutes, mem.record_key AS rkey,
           a.credits_posted - a.debits_posted AS balance_now,
           {{balance_at_to}} AS balance_at_to,
           st.status AS status_at_to,
           CASE WHEN mem.role <> 'evaluator' AND st.status = 'active' THEN 1 ELSE 0 END AS base,
           {ever_active} AS ever_active
    FROM accounts a
    JOIN members mem ON mem.id = a.member_id AND mem.bank_id = :bank_id
    {status}{{moved_since}}
    WHERE a.bank_id = :bank_id
"""
# A member's status at `to` (the latest change before it, the higher id first among
# changes at the same time), and whether it was ever active before `to`: PostgreSQL
# sorts the changes once and keeps each member's first (DISTINCT ON); SQLite looks up
# each member's latest change by the index on member_id, which costs less than a sort
# of them all. Both then look for an active change only where the status at `to`
# isn't one.
STATUS_BY_SORT = """LEFT JOIN (
        SELECT DISTINCT ON (member_id) member_id, status FROM member_status_changes
        WHERE bank_id = :bank_id AND changed_at < :to_at
        ORDER BY member_id, changed_at DESC, id DESC
    ) st ON st.member_id = mem.id"""
STATUS_BY_LOOKUP = """LEFT JOIN member_status_changes st ON st.id = (
        SELECT s.id FROM member_status_changes s
        WHERE s.member_id = mem.id AND s.bank_id = :bank_id AND s.changed_at < :to_at
        ORDER BY s.changed_at DESC, s.id DESC LIMIT 1)"""
EVER_ACTIVE_BY_LOOKUP = (  # active at `to` answers it for most, without a second look
    "CASE WHEN st.status = 'active' OR EXISTS (SELECT 1 FROM member_status_changes e "
    "WHERE e.member_id = mem.id AND e.bank_id = :bank_id AND e.changed_at < :to_at "
    "AND e.status = 'active') THEN 1 ELSE 0 END")


# PostgreSQL: statistics of the columns the joins, groupings and the cohort's filters read,
# which is what the plans need (less time than every column's).
ANALYZE_PEOPLE = "ANALYZE rx_people (account_id, grp, base, role, ever_active, joined_on)"


def people_template(dialect: str) -> str:
    """rx_people for this engine, with the slots `{balance_at_to}` and `{moved_since}`."""
    if dialect == "postgresql":
        return PEOPLE_TEMPLATE.format(status=STATUS_BY_SORT, ever_active=EVER_ACTIVE_BY_LOOKUP)
    return PEOPLE_TEMPLATE.format(status=STATUS_BY_LOOKUP, ever_active=EVER_ACTIVE_BY_LOOKUP)

BALANCE_AT_TO = "a.credits_posted - a.debits_posted - COALESCE(af.delta, 0)"
MOVED_SINCE = """
    LEFT JOIN (  -- what moved on or after `to`, to take the balances back to then
        SELECT CAST(x.acc AS BIGINT) AS acc, SUM(x.delta) AS delta FROM (
            SELECT t.credit_account_id AS acc, t.minutes AS delta FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
            UNION ALL
            SELECT t.debit_account_id, -t.minutes FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
        ) x GROUP BY x.acc
    ) af ON af.acc = a.id"""


def people_sql(dialect: str, *, balances_at_to: bool, moved_since: str = MOVED_SINCE) -> str:
    """rx_people; without `balances_at_to`, balance_at_to is NULL and nothing after `to`
    is read (a headline-only workspace shows no balances). `moved_since`: the join that
    gives what moved on or after `to` per account (`af`: acc, delta)."""
    if balances_at_to:
        return people_template(dialect).format(balance_at_to=BALANCE_AT_TO,
                                               moved_since=moved_since)
    return people_template(dialect).format(balance_at_to="CAST(NULL AS BIGINT)", moved_since="")


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


def tie_stream(scope, extra: str = "") -> str:
    """The transfers grouped by tie, light per transfer: each direction's minutes and
    exchanges are left to `ties_select` to work out per tie, as the total less the other
    direction's."""
    return f"""
    SELECT {LO} AS lo, {HI} AS hi,
           SUM(CASE WHEN {LO_GAVE} THEN t.minutes ELSE 0 END) AS w_lh, SUM(t.minutes) AS w,
           SUM(CASE WHEN {LO_GAVE} THEN 1 ELSE 0 END) AS n_lh, COUNT(*) AS n,
           MIN(t.occurred_on) AS first_on, MAX(t.occurred_on) AS last_on{extra}
    FROM transfers t
    WHERE {sql.where(sql.exchange_conditions(scope))}
    GROUP BY {LO}, {HI}
    """


def ties_select(scope, *, extra: str = "", carried: str = "", kind: str = "BIGINT") -> str:
    """Per pair of accounts that exchanged either way (a "tie", lower id first): minutes and
    exchanges each way (as `kind`), first and last day; `extra` aggregates more per tie and
    `carried` names them in the result. Both directions in one row, so reciprocity needs
    no self-join."""
    return f"""
    SELECT CAST(s.lo AS BIGINT) AS lo, CAST(s.hi AS BIGINT) AS hi,
           CAST(s.w_lh AS {kind}) AS w_lh, CAST(s.w - s.w_lh AS {kind}) AS w_hl,
           CAST(s.n_lh AS {kind}) AS n_lh, CAST(s.n - s.n_lh AS {kind}) AS n_hl,
           s.first_on, s.last_on{carried}
    FROM ({tie_stream(scope, extra)}) s
    """


def fold_ties(masks: list[str], *, level: bool) -> str:
    """Per member and partner group, from the ties seen from either end: minutes and
    exchanges each way, partners, first and last day, pairs in which the member gave
    (`pairs`), of them the reciprocated (`recip`), the smaller of the two directions'
    minutes over those (`mutual`), and ties counted once, at their lower id (`ties`).
    With `masks` (PostgreSQL), the masks ORed together."""
    carried = "".join(f", x.{m}" for m in masks)
    folded = "".join(f", BIT_OR(u.{m}) AS {m}" for m in masks)
    level_lh = ", x.lm_lh AS lm" if level else ""
    level_hl = ", x.lm_hl" if level else ""
    level_folded = ", BIT_OR(u.lm) AS lm" if level else ""
    return f"""
        SELECT CAST(u.x AS BIGINT) AS account_id, u.pg AS pg,
               CAST(SUM(u.g) AS BIGINT) AS given, CAST(SUM(u.rc) AS BIGINT) AS received,
               CAST(SUM(u.ng) AS BIGINT) AS n_given, CAST(SUM(u.nr) AS BIGINT) AS n_received,
               CAST(COUNT(*) AS BIGINT) AS partners,
               MIN(u.first_on) AS first_on, MAX(u.last_on) AS last_on,
               SUM(CASE WHEN u.g > 0 THEN 1 ELSE 0 END) AS pairs,
               SUM(CASE WHEN u.g > 0 AND u.rc > 0 THEN 1 ELSE 0 END) AS recip,
               CAST(SUM(CASE WHEN u.g = 0 THEN 0 WHEN u.rc < u.g THEN u.rc ELSE u.g END)
                    AS BIGINT) AS mutual,
               SUM(u.is_lo) AS ties,
               CAST(SUM(u.kg) AS BIGINT) AS k_given,
               CAST(SUM(CASE WHEN u.g > 0 THEN u.rk ELSE 0 END) AS BIGINT) AS pairs_key,
               CAST(SUM(CASE WHEN u.g > 0 AND u.rc > 0 THEN u.rk ELSE 0 END) AS BIGINT)
                   AS recip_key,
               CAST(SUM(u.is_lo * u.rk) AS BIGINT) AS ties_key{level_folded}{folded}
        FROM (
            SELECT x.lo AS x, x.w_lh AS g, x.w_hl AS rc, x.n_lh AS ng, x.n_hl AS nr,
                   x.first_on, x.last_on, 1 AS is_lo, x.g_hi AS pg, x.k_lh AS kg,
                   x.r_lo + x.r_hi AS rk{level_lh}{carried}
            FROM rx_ties x
            UNION ALL
            SELECT x.hi, x.w_hl, x.w_lh, x.n_hl, x.n_lh, x.first_on, x.last_on, 0, x.g_lo,
                   x.k_hl, x.r_lo + x.r_hi{level_hl}{carried}
            FROM rx_ties x
        ) u
        GROUP BY u.x, u.pg
    """


def members_from_groups(masks: list[str], *, level: bool) -> str:
    """The member table: rx_member_groups summed over the partner groups."""
    folded = "".join(f", BIT_OR({m}) AS {m}" for m in masks)
    level_folded = ", BIT_OR(lm) AS lm" if level else ", CAST(NULL AS BIGINT) AS lm"
    return f"""
        SELECT account_id, CAST(SUM(given) AS BIGINT) AS given,
               CAST(SUM(received) AS BIGINT) AS received,
               CAST(SUM(n_given) AS BIGINT) AS n_given,
               CAST(SUM(n_received) AS BIGINT) AS n_received,
               CAST(SUM(partners) AS BIGINT) AS partners,
               CAST(SUM(k_given) AS BIGINT) AS k_given,
               MIN(first_on) AS first_on, MAX(last_on) AS last_on{level_folded}{folded}
        FROM rx_member_groups GROUP BY account_id
    """


LEVEL_HL_SHIFT = len(LEVELS)  # SQLite: the higher end's level bits, above the lower end's


def or_tie_masks(rows) -> dict:
    """SQLite: per account, the OR of the masks of its ties, as [lm, mm0, mm1, …, cm0, …].
    Rows: lo, hi, the levels of both ends (the higher end's shifted by LEVEL_HL_SHIFT),
    then the month and category words. A mask is NULL only where every tie has NULL,
    as with BIT_OR."""
    low = (1 << LEVEL_HL_SHIFT) - 1
    out = {}
    for lo, hi, levels, *words in rows:
        ends = ((lo, None if levels is None else (levels & low) or None),
                (hi, None if levels is None else (levels >> LEVEL_HL_SHIFT) or None))
        for account, level in ends:
            seen = out.get(account)
            if seen is None:
                out[account] = [level, *words]
                continue
            if level is not None:
                seen[0] = level if seen[0] is None else seen[0] | level
            for w, bits in enumerate(words, 1):
                if bits is not None:
                    seen[w] = bits if seen[w] is None else seen[w] | bits
    return out


# A flow cell's sums over the member group rows g in it (reciprocity.pair_cells); a report
# window keeps them (windows.CELL_SUMS).
FLOW_SUMS = """
    SUM(g.given) AS minutes, SUM(g.n_given) AS n, SUM(g.pairs) AS pairs,
    SUM(g.recip) AS recip, SUM(g.mutual) AS mutual, SUM(g.ties) AS ties,
    COUNT(*) AS people, SUM(g.k_given) AS k_n, MAX(g.given) AS top,
    SUM(g.pairs_key) AS pairs_key, SUM(g.recip_key) AS recip_key, SUM(g.ties_key) AS ties_key,
    SUM(CASE WHEN g.given > 0 THEN 1 ELSE 0 END) AS providers,
    SUM(CASE WHEN g.received > 0 THEN 1 ELSE 0 END) AS receivers"""
# …and those who received and count as members at `to` (pe: rx_people).
PAIR_SUMS = FLOW_SUMS + """,
    SUM(CASE WHEN g.received > 0 AND pe.base = 1 THEN pe.rkey ELSE 0 END) AS receivers_now_key,
    SUM(CASE WHEN g.received > 0 AND pe.base = 1 THEN 1 ELSE 0 END) AS receivers_now"""


class Workspace:

    def __init__(self, scope, *, detail: bool, protected: bool = False):
        self.scope = scope
        self.detail = detail
        self.protected = protected
        self.dialect = sql.dialect()
        self.binds = scope.binds()
        self.layout = None
        self.figure_rows = {}  # rows the figures share, fetched once (member_rows.py)

    def run(self, statement: str, **extra):
        return sql.execute(statement, {**self.binds, **extra})

    def build(self):
        postgres = self.dialect == "postgresql"
        if postgres:
            self.run("SET LOCAL work_mem = '256MB'")
            self.run("SET LOCAL jit = off")
        else:  # a helper thread for the sorter of each GROUP BY (reset in `drop`)
            self.run(f"PRAGMA threads = {SORTER_THREADS}")
        self.layout = layout_for(self.scope, self.run)
        self.run(self._people_sql())
        self._index("rx_people")
        if postgres:
            self.run(ANALYZE_PEOPLE)  # ~20,000 rows: hash joins, not sorts, against it
            self._members_by_hashing()
        else:
            self._members_by_sorting()
        self._index("rx_members")
        if postgres:
            self.run("ANALYZE rx_members")
        if self.detail:  # only the monthly, category and level tables read the sums
            self.run(self._sums_sql())
            if self.protected:
                self.run(self._givers_sql())

    def _people_sql(self) -> str:
        return people_sql(self.dialect, balances_at_to=self.detail)

    def _index(self, table: str):
        """SQLite joins by index lookups; PostgreSQL hashes these small tables anyway."""
        if self.dialect != "postgresql":
            self.run(f"CREATE UNIQUE INDEX {table}_account ON {table} (account_id)")

    def _masks(self) -> tuple[list[str], list[str], str]:
        return month_bits(self.layout, self.dialect), category_bits(self.layout), \
            level_bit(self.layout)

    def _mask_names(self) -> list[str]:
        return ([f"mm{w}" for w in range(self.layout.month_words)]
                + [f"cm{w}" for w in range(self.layout.category_words)])

    def _ties(self, extra: str = "", carried: str = ""):
        """rx_ties: the ties with both ends' groups and record keys (from rx_people), so that
        folding them needs no join; and the sums of the record keys of the transfers each
        way (`k_lh`, `k_hl`), the cell keys of exchanges and hours."""
        extra = (f", SUM(CASE WHEN {LO_GAVE} THEN t.record_key ELSE 0 END) AS k_lh"
                 f", SUM(t.record_key) AS k_all{extra}")
        carried = f", CAST(s.k_lh AS BIGINT) AS k_lh, CAST(s.k_all - s.k_lh AS BIGINT) AS k_hl{carried}"
        ties = ties_select(self.scope, extra=extra, carried=carried, kind=self._tie_sum_type())
        self.run(f"""
            CREATE TEMP TABLE rx_ties AS
            SELECT x.*, pl.grp AS g_lo, ph.grp AS g_hi, pl.rkey AS r_lo, ph.rkey AS r_hi
            FROM ({ties}) x
            JOIN rx_people pl ON pl.account_id = x.lo
            JOIN rx_people ph ON ph.account_id = x.hi
        """)

    def _tie_sum_type(self) -> str:
        """INTEGER for a tie's minutes and exchanges when no tie can reach 2**31 − 1, else
        BIGINT. PostgreSQL sums INTEGER into BIGINT, but BIGINT into NUMERIC, which made
        the fold of the ties a third slower. A tie's minutes are at most what its accounts
        ever moved: the largest account's total bounds them all (and their exchanges)."""
        moved = self.run("SELECT MAX(credits_posted + debits_posted) FROM accounts "
                         "WHERE bank_id = :bank_id").scalar()
        return "INTEGER" if sql.as_int(moved) < 2**31 - 1 else "BIGINT"

    def _members_by_hashing(self):
        """PostgreSQL: the ties with BIT_OR masks; the members folded from them, masks too."""
        self._ties(*(self._tie_masks() if self.detail else ("", "")))
        masks = self._mask_names() if self.detail else []
        self.run("CREATE TEMP TABLE rx_member_groups AS "
                 + fold_ties(masks, level=self.detail))
        self.run("CREATE TEMP TABLE rx_members AS "
                 + members_from_groups(masks, level=self.detail))

    def _tie_masks(self) -> tuple[str, str]:
        """Masks per tie, for `_ties`: the months and categories of its transfers, and the
        levels at which each end gave time. PostgreSQL ORs them with BIT_OR. SQLite, which
        has no BIT_OR, sums the distinct single bits each transfer sets, and keeps both
        ends' levels in one mask (a transfer has one provider), as each SUM(DISTINCT)
        costs a temporary b-tree per tie."""
        months, categories, level = self._masks()
        carried = [*self._mask_names()]
        if self.dialect == "postgresql":
            extra = ([f", BIT_OR({e}) AS mm{w}" for w, e in enumerate(months)]
                     + [f", BIT_OR({e}) AS cm{w}" for w, e in enumerate(categories)]
                     + [f", BIT_OR(CASE WHEN {LO_GAVE} THEN {level} END) AS lm_lh",
                        f", BIT_OR(CASE WHEN {LO_GAVE} THEN NULL ELSE {level} END) AS lm_hl"])
            carried += ["lm_lh", "lm_hl"]
        else:
            extra = ([f", SUM(DISTINCT {e}) AS mm{w}" for w, e in enumerate(months)]
                     + [f", SUM(DISTINCT {e}) AS cm{w}" for w, e in enumerate(categories)]
                     + [f", SUM(DISTINCT CASE WHEN {LO_GAVE} THEN {level} "
                        f"ELSE ({level}) << {LEVEL_HL_SHIFT} END) AS lm_ends"])
            carried += ["lm_ends"]
        return "".join(extra), "".join(f", s.{m}" for m in carried)

    def _members_by_sorting(self):
        """SQLite: the ties, with masks; the members folded from them; the masks of the
        ties ORed per member by Python (or_tie_masks), for want of BIT_OR. That reads one
        row per tie, which costs less than the second pass over the transfers, both sides,
        that summing each member's distinct bits took before."""
        self._ties(*(self._tie_masks() if self.detail else ("", "")))
        self.run("CREATE TEMP TABLE rx_member_groups AS " + fold_ties([], level=False))
        if not self.detail:
            self.run("CREATE TEMP TABLE rx_members AS "
                     + members_from_groups([], level=False))
            return
        self.run("CREATE TEMP TABLE rx_folded AS " + members_from_groups([], level=False)
                 .replace(", CAST(NULL AS BIGINT) AS lm", ""))
        names = self._mask_names()
        self.run("CREATE TEMP TABLE rx_masks (account_id BIGINT PRIMARY KEY, lm BIGINT"
                 + "".join(f", {n} BIGINT" for n in names) + ")")
        masks = or_tie_masks(sql.raw_rows(f"SELECT lo, hi, lm_ends, {', '.join(names)} FROM rx_ties"))
        columns = ["account_id", "lm", *names]
        sql.insert_many(f"INSERT INTO rx_masks ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' for _ in columns)})",  # SQLite's paramstyle
                        [(account, *bits) for account, bits in masks.items()])
        self.run("CREATE TEMP TABLE rx_members AS SELECT f.*, k.lm, "
                 + ", ".join(f"k.{n}" for n in names)
                 + " FROM rx_folded f JOIN rx_masks k ON k.account_id = f.account_id")

    def _sums_sql(self) -> str:
        """Sums per day, category and activity; for activities, per provider group too.
        Grouped by the day as stored (the tables take months from these few rows)."""
        giver = f"CASE WHEN t.activity_id IS NOT NULL THEN {group_of('t.credit_account_id')} END"
        return f"""
            CREATE TEMP TABLE rx_sums AS
            SELECT t.occurred_on AS d, t.category_id AS c, t.activity_id AS a, {giver} AS pg,
                   CAST(SUM(t.minutes) AS BIGINT) AS minutes, CAST(COUNT(*) AS BIGINT) AS n,
                   CAST(SUM(t.record_key) AS BIGINT) AS k
            FROM transfers t
            WHERE {sql.where(sql.exchange_conditions(self.scope))}
            GROUP BY t.occurred_on, t.category_id, t.activity_id, {giver}
        """

    def _givers_sql(self) -> str:
        month = sql.month_index("t.occurred_on", self.dialect)
        return f"""
            CREATE TEMP TABLE rx_givers AS
            SELECT t.credit_account_id AS acc, {month} AS ym, t.category_id AS c,
                   t.activity_id AS a, CAST(SUM(t.minutes) AS BIGINT) AS minutes
            FROM transfers t
            WHERE {sql.where(sql.exchange_conditions(self.scope))}
            GROUP BY t.credit_account_id, {month}, t.category_id, t.activity_id
        """

    def pair_sums_sql(self) -> str:
        """The flow cells (reciprocity.pair_cells): rx_member_groups summed per member's
        group and partner group."""
        return (f"SELECT pe.grp AS mine, g.pg AS pg, {PAIR_SUMS} FROM rx_member_groups g "
                "JOIN rx_people pe ON pe.account_id = g.account_id GROUP BY pe.grp, g.pg")

    def largest(self, kind: str, group_sql: str) -> dict:
        """Per cell (`group_sql` over rx_givers g, joined to rx_people pe where it reads
        them), the minutes of its largest single provider; `kind` names the cells for
        workspaces that keep them. Every giver is a member (rx_people): exchanges leave the
        pool out."""
        people = " JOIN rx_people pe ON pe.account_id = g.acc" if "pe." in group_sql else ""
        rows = self.run(f"""
            SELECT x.cell, MAX(x.minutes) AS top FROM (
                SELECT {group_sql} AS cell, g.acc, SUM(g.minutes) AS minutes
                FROM rx_givers g{people}
                GROUP BY {group_sql}, g.acc
            ) x GROUP BY x.cell""")
        return {r.cell: sql.as_int(r.top) for r in rows}

    def drop(self):
        drop_all(self.run, "TABLE", TABLES, self.dialect)
        if self.dialect != "postgresql":
            self.run("PRAGMA threads = 0")


def drop_all(run, kind: str, names, dialect: str) -> None:
    """DROP … IF EXISTS each of `names`: in one statement on PostgreSQL, which takes a
    list (a statement is a round trip there), one each on SQLite, which doesn't."""
    if dialect == "postgresql":
        run(f"DROP {kind} IF EXISTS {', '.join(names)}")
        return
    for name in names:
        run(f"DROP {kind} IF EXISTS {name}")


@contextmanager
def workspace(scope, *, detail: bool = True, protected: bool = False, kind=Workspace):
    """Build the aggregate for `scope`, yield it, and drop it whatever happens. `kind` is
    the class that builds it: Workspace from the transfers, or summary_workspace's
    SummaryWorkspace from the monthly summaries."""
    space = kind(scope, detail=detail, protected=protected)
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
