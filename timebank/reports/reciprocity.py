"""Every metric of DESIGN.md §5, computed by SQL from the workspace's aggregate.

Each function reads the temporary tables of workspace.py and returns figures
with the number of people behind them; privacy.py decides what may be shown.
No Python loop here goes over transfers: the largest thing a query returns is
one row per month, category or band, except where noted.

Definitions beyond DESIGN.md's words (also shown on the report page):

- members: accounts whose member's latest status change before `to` is
  `active`, evaluators excluded; the pool is not a member;
- active: a member who gave or received at least once in the range (with the
  filters); hours and exchanges count every exchange, whoever took part;
- inert: a member with no exchange at all before `to` (with the filters);
  dormant: a member whose last exchange in the range is more than the bank's
  dormant_days before `to`;
- balance ratio, partners, two-way shares: over active members; Gini: over all
  members, zeros included; top 10 %: the ⌈10 %⌉ members who gave most, as a
  share of all hours members gave;
- direct reciprocity: over distinct (provider, receiver) pairs of everyone who
  exchanged in the range; N = the people in those pairs;
- cross-group ties: pairs counted once whichever way time went;
- balance: the account's balance at the end of the day before `to`, from every
  kind of entry (the filters don't apply to balances);
- time to first exchange and retention: over people who joined in the range and
  were active at some time before `to`; "within 30 days" counts only those who
  joined more than 30 days before `to`; a quarter's retention is the share of
  its joiners who exchanged in the quarter 1, 2 or 4 quarters later, and is not
  known until that quarter has ended;
- participation levels: people who gave time in activities at that level, and
  the hours they gave (taking part in co-production earns credits);
- pool: donations (to the pool) and grants (from it, group credits paid by the
  pool included), reversed ones left out; the other filters don't apply.
"""

from __future__ import annotations

import datetime as dt

from ..models import GROUPS, LEVELS
from . import sql
from .figures import Cell, Figures, RetentionRow, Table, count, share, stat, total
from .workspace import BASE, COHORT, DORMANT, GIVE_ONLY, RECEIVE_ONLY, TWO_WAY

RATIO_BANDS = ("0", "0-0.25", "0.25-0.5", "0.5-0.75", "0.75-1")
PARTNER_BANDS = ("1", "2", "3-5", "6-10", "11+")
BALANCE_BANDS = ("under -25", "-25 to -10", "-10 to 0", "0 to 10", "10 to 25", "over 25")
BEYOND_HOURS = 25

LO = "CASE WHEN m.given < m.received THEN m.given ELSE m.received END"
HI = "CASE WHEN m.given < m.received THEN m.received ELSE m.given END"
RATIO = f"CAST({LO} AS DOUBLE PRECISION) / ({HI})"
RATIO_BAND = (f"CASE WHEN {LO} = 0 THEN 0 WHEN 4 * {LO} < {HI} THEN 1 WHEN 2 * {LO} < {HI} THEN 2 "
              f"WHEN 4 * {LO} < 3 * {HI} THEN 3 ELSE 4 END")
PARTNER_BAND = ("CASE WHEN m.partners = 1 THEN 0 WHEN m.partners = 2 THEN 1 "
                "WHEN m.partners <= 5 THEN 2 WHEN m.partners <= 10 THEN 3 ELSE 4 END")
ACTIVE_MEMBERS = "rx_members m JOIN rx_people pe ON pe.account_id = m.account_id WHERE pe.base = 1"
ALL_MEMBERS = "rx_people pe LEFT JOIN rx_members m ON m.account_id = pe.account_id WHERE pe.base = 1"


def hours(minutes) -> float:
    return sql.as_int(minutes) / 60


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def _median(ws, values_sql: str) -> tuple[float | None, int]:
    """The median of a one-column query (≤ one row per member), by ROW_NUMBER and COUNT OVER."""
    row = ws.run(f"""
        WITH v AS ({values_sql}),
        o AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS i, COUNT(*) OVER () AS n FROM v)
        SELECT AVG(x) AS median, MAX(n) AS n FROM o WHERE i IN ((n + 1) / 2, (n + 2) / 2)
    """).one()
    return sql.as_float(row.median), sql.as_int(row.n)


def _gini(ws, column: str) -> tuple[float | None, int]:
    """G = 2·Σ(i·x_i)/(n·Σx) − (n+1)/n over all members, ascending, zeros included."""
    row = ws.run(f"""
        WITH v AS (SELECT COALESCE(m.{column}, 0) AS x FROM {ALL_MEMBERS}),
        o AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS i, COUNT(*) OVER () AS n FROM v)
        SELECT 2.0 * SUM(i * x) / (MAX(n) * NULLIF(SUM(x), 0)) - (MAX(n) + 1.0) / MAX(n) AS gini,
               COUNT(*) AS n
        FROM o
    """).one()
    return sql.as_float(row.gini), sql.as_int(row.n)


def _bands(ws, band_sql: str, source: str, labels) -> Table:
    rows = {sql.as_int(r.band): sql.as_int(r.members) for r in ws.run(
        f"SELECT {band_sql} AS band, COUNT(*) AS members FROM {source} GROUP BY 1")}
    cells = [Cell((label,), {"members": rows.get(i, 0)}, rows.get(i, 0))
             for i, label in enumerate(labels)]
    table = Table(("band",), cells)
    table.lines = [table.whole_line()]
    return table


# --- headline metrics ----------------------------------------------------------------------

def people_metrics(ws) -> tuple[dict, dict]:
    """members, active, two-way split, dormant, inert."""
    row = ws.run(f"""
        SELECT COUNT(*) AS members,
               SUM(CASE WHEN m.account_id IS NOT NULL THEN 1 ELSE 0 END) AS active,
               SUM(CASE WHEN {GIVE_ONLY} THEN 1 ELSE 0 END) AS give_only,
               SUM(CASE WHEN {RECEIVE_ONLY} THEN 1 ELSE 0 END) AS receive_only,
               SUM(CASE WHEN {TWO_WAY} THEN 1 ELSE 0 END) AS two_way,
               SUM(CASE WHEN {DORMANT} THEN 1 ELSE 0 END) AS dormant,
               SUM(CASE WHEN pe.grp = 'professional' THEN 1 ELSE 0 END) AS professionals
        FROM {ALL_MEMBERS}
    """).one()
    history = sql.where(sql.exchange_conditions(ws.scope, "t", dates=False))
    inert = sql.as_int(ws.run(f"""
        SELECT COUNT(*) FROM rx_people pe
        WHERE {BASE}
          AND NOT EXISTS (SELECT 1 FROM rx_members m WHERE m.account_id = pe.account_id)
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.credit_account_id = pe.account_id
                          AND t.occurred_on < :date_from AND {history})
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.debit_account_id = pe.account_id
                          AND t.occurred_on < :date_from AND {history})
    """).scalar())
    members, active = sql.as_int(row.members), sql.as_int(row.active)
    split = {name: sql.as_int(getattr(row, name)) for name in ("give_only", "receive_only", "two_way")}
    metrics = {
        "members": count(members),
        "active_members": count(active),
        "active_share": share(active, members),
        "inert_share": share(inert, members),
        "dormant_members": count(sql.as_int(row.dormant)),
        "give_only_share": share(split["give_only"], active),
        "receive_only_share": share(split["receive_only"], active),
        "two_way_share": share(split["two_way"], active),
    }
    extra = {"professionals": sql.as_int(row.professionals), "inert": inert, "split": split}
    return metrics, extra


def exchange_metrics(ws) -> dict:
    row = ws.run("""SELECT COUNT(*) AS people, SUM(given) AS minutes, SUM(n_given) AS exchanges
                    FROM rx_members""").one()
    people = sql.as_int(row.people)
    return {"hours": total(hours(row.minutes), people),
            "exchanges": total(sql.as_int(row.exchanges), people)}, people


def network_metrics(ws, people: int) -> dict:
    """Direct reciprocity (r, ρ, weighted) and cross-group ties, over the pairs."""
    row = ws.run("""
        SELECT COUNT(*) AS pairs,
               SUM(CASE WHEN b.p IS NOT NULL THEN 1 ELSE 0 END) AS reciprocated,
               SUM(a.minutes) AS weight,
               SUM(CASE WHEN b.p IS NULL THEN 0 WHEN b.minutes < a.minutes THEN b.minutes
                        ELSE a.minutes END) AS mutual_weight,
               SUM(a.n) AS exchanges,
               SUM(CASE WHEN gp.grp <> gr.grp THEN a.n ELSE 0 END) AS cross_exchanges,
               SUM(CASE WHEN b.p IS NULL OR a.p < a.r THEN 1 ELSE 0 END) AS ties,
               SUM(CASE WHEN (b.p IS NULL OR a.p < a.r) AND gp.grp <> gr.grp THEN 1 ELSE 0 END)
                   AS cross_ties
        FROM rx_pairs a
        LEFT JOIN rx_pairs b ON b.p = a.r AND b.r = a.p
        JOIN rx_people gp ON gp.account_id = a.p
        JOIN rx_people gr ON gr.account_id = a.r
    """).one()
    pairs, reciprocated = sql.as_int(row.pairs), sql.as_int(row.reciprocated)
    r = reciprocated / pairs if pairs else None
    rho = None
    if r is not None and people > 1:
        density = pairs / (people * (people - 1))
        rho = (r - density) / (1 - density) if density < 1 else None
    weight = sql.as_int(row.weight)
    exchanges, ties = sql.as_int(row.exchanges), sql.as_int(row.ties)
    return {
        "direct_reciprocity": stat(r, people),
        "rho": stat(rho, people),
        "weighted_reciprocity": stat(sql.as_int(row.mutual_weight) / weight if weight else None,
                                     people),
        "cross_group_exchange_share": stat(
            sql.as_int(row.cross_exchanges) / exchanges if exchanges else None, people),
        "cross_group_pair_share": stat(sql.as_int(row.cross_ties) / ties if ties else None,
                                       people),
    }, {"pairs": pairs, "reciprocated": reciprocated}


def distribution_metrics(ws) -> dict:
    ratio_median, active = _median(ws, f"SELECT {RATIO} AS x FROM {ACTIVE_MEMBERS}")
    partners_median, _ = _median(ws, f"SELECT m.partners AS x FROM {ACTIVE_MEMBERS}")
    gini_given, members = _gini(ws, "given")
    gini_received, _ = _gini(ws, "received")
    top = ws.run(f"""
        WITH g AS (SELECT m.given AS x FROM {ACTIVE_MEMBERS} AND m.given > 0),
        o AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x DESC) AS i, COUNT(*) OVER () AS n FROM g)
        SELECT MAX(n) AS givers, (MAX(n) + 9) / 10 AS top,
               SUM(CASE WHEN i <= (n + 9) / 10 THEN x ELSE 0 END) AS top_minutes,
               SUM(x) AS minutes
        FROM o
    """).one()
    top_minutes, given = sql.as_int(top.top_minutes), sql.as_int(top.minutes)
    return {
        "balance_ratio_median": stat(ratio_median, active),
        "partners_median": stat(partners_median, active),
        "gini_given": stat(gini_given, members),
        "gini_received": stat(gini_received, members),
        # The share is the top group's own total in disguise: it needs k people in that group.
        "top10_given_share": stat(top_minutes / given if given else None, sql.as_int(top.top)),
    }


def citizen_professional(ws, flows: Table, professionals: int) -> dict:
    """Hours professionals and organisations gave citizens ÷ hours citizens gave them."""
    def minutes(cells):
        return sum(flows.cell(key).values["minutes"] for key in cells)

    back = minutes([("professional", "citizen"), ("organisation", "citizen")])
    given = minutes([("citizen", "professional"), ("citizen", "organisation")])
    people = sql.as_int(ws.run("""
        SELECT COUNT(*) FROM (
            SELECT a.p AS x FROM rx_pairs a JOIN rx_people gp ON gp.account_id = a.p
              JOIN rx_people gr ON gr.account_id = a.r
             WHERE (CASE WHEN gp.grp = 'citizen' THEN 1 ELSE 0 END)
                 + (CASE WHEN gr.grp = 'citizen' THEN 1 ELSE 0 END) = 1
            UNION
            SELECT a.r FROM rx_pairs a JOIN rx_people gp ON gp.account_id = a.p
              JOIN rx_people gr ON gr.account_id = a.r
             WHERE (CASE WHEN gp.grp = 'citizen' THEN 1 ELSE 0 END)
                 + (CASE WHEN gr.grp = 'citizen' THEN 1 ELSE 0 END) = 1
        ) u
    """).scalar())
    receiving = sql.as_int(ws.run(f"""
        SELECT COUNT(DISTINCT a.r) FROM rx_pairs a
          JOIN rx_people gp ON gp.account_id = a.p JOIN rx_people pe ON pe.account_id = a.r
         WHERE gp.grp = 'citizen' AND pe.grp = 'professional' AND {BASE}
    """).scalar())
    return {
        "citizen_professional_ratio": stat(back / given if given else None, people),
        "professionals_receiving_share": share(receiving, professionals),
    }


def first_exchange_metrics(ws) -> dict:
    days = sql.days_between("c.first_on", "c.joined_on", ws.dialect)
    cohort = f"""
        SELECT c.joined_on,
               CASE WHEN c.first_on IS NULL THEN NULL WHEN c.first_on < c.joined_on THEN 0
                    ELSE {days} END AS days
        FROM (SELECT pe.joined_on, m.first_on FROM rx_people pe
              LEFT JOIN rx_members m ON m.account_id = pe.account_id WHERE {COHORT}) c
    """
    scope = ws.scope
    marks = {"day30": scope.date_to - dt.timedelta(days=30),
             "day90": scope.date_to - dt.timedelta(days=90)}
    row = ws.run(f"""
        SELECT SUM(CASE WHEN d.joined_on < :day30 THEN 1 ELSE 0 END) AS cohort30,
               SUM(CASE WHEN d.joined_on < :day30 AND d.days <= 30 THEN 1 ELSE 0 END) AS within30,
               SUM(CASE WHEN d.joined_on < :day90 THEN 1 ELSE 0 END) AS cohort90,
               SUM(CASE WHEN d.joined_on < :day90 AND d.days <= 90 THEN 1 ELSE 0 END) AS within90
        FROM ({cohort}) d
    """, **marks).one()
    median, people = _median(ws, f"SELECT d.days AS x FROM ({cohort}) d WHERE d.days IS NOT NULL")
    return {
        "first_exchange_median_days": stat(median, people),
        "first_exchange_within_30_share": share(sql.as_int(row.within30), sql.as_int(row.cohort30)),
        "first_exchange_within_90_share": share(sql.as_int(row.within90), sql.as_int(row.cohort90)),
    }


def balance_bands(ws) -> Table:
    """Members by their balance at the end of the day before `to`."""
    after = """
        SELECT acc, SUM(delta) AS delta FROM (
            SELECT t.credit_account_id AS acc, t.minutes AS delta FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
            UNION ALL
            SELECT t.debit_account_id, -t.minutes FROM transfers t
             WHERE t.bank_id = :bank_id AND t.occurred_on >= :date_to
        ) x GROUP BY acc
    """
    balance = "pe.balance_now - COALESCE(af.delta, 0)"
    band = (f"CASE WHEN {balance} < -1500 THEN 0 WHEN {balance} < -600 THEN 1 "
            f"WHEN {balance} < 0 THEN 2 WHEN {balance} <= 600 THEN 3 "
            f"WHEN {balance} <= 1500 THEN 4 ELSE 5 END")
    source = f"rx_people pe LEFT JOIN ({after}) af ON af.acc = pe.account_id WHERE {BASE}"
    table = _bands(ws, band, source, BALANCE_BANDS)
    # beyond_25h_share publishes the sum of the two outer bands.
    table.lines.append([(BALANCE_BANDS[0],), (BALANCE_BANDS[-1],)])
    return table


# --- tables -------------------------------------------------------------------------------

def flows(ws) -> Table:
    join = ("FROM rx_pairs a JOIN rx_people gp ON gp.account_id = a.p "
            "JOIN rx_people gr ON gr.account_id = a.r")
    sums = {(r.pg, r.rg): r for r in ws.run(
        f"SELECT gp.grp AS pg, gr.grp AS rg, SUM(a.minutes) AS minutes, SUM(a.n) AS n {join} "
        "GROUP BY gp.grp, gr.grp")}
    people = {(r.pg, r.rg): sql.as_int(r.people) for r in ws.run(f"""
        SELECT u.pg, u.rg, COUNT(*) AS people FROM (
            SELECT gp.grp AS pg, gr.grp AS rg, a.p AS x {join}
            UNION
            SELECT gp.grp, gr.grp, a.r {join}
        ) u GROUP BY u.pg, u.rg""")}
    cells = []
    for provider in GROUPS:
        for receiver in GROUPS:
            row = sums.get((provider, receiver))
            minutes = sql.as_int(row.minutes) if row else 0
            cells.append(Cell((provider, receiver),
                              {"minutes": minutes, "hours": minutes / 60,
                               "exchanges": sql.as_int(row.n) if row else 0},
                              people.get((provider, receiver), 0)))
    table = Table(("provider_group", "receiver_group"), cells)
    others = [g for g in GROUPS if g != "citizen"]
    table.lines = (
        [[(p, r) for r in GROUPS] for p in GROUPS]
        + [[(p, r) for p in GROUPS] for r in GROUPS]
        + [table.whole_line(),
           [(p, r) for p in GROUPS for r in GROUPS if p != r],  # cross-group exchange share
           [("citizen", g) for g in others],  # the citizen–professional ratio's parts
           [(g, "citizen") for g in others]]
    )
    return table


def monthly(ws) -> Table:
    scope = ws.scope
    sums = {sql.as_int(r.ym): r for r in ws.run(
        "SELECT ym, SUM(minutes) AS minutes, SUM(n) AS n FROM rx_fine GROUP BY ym")}
    active = {sql.as_int(r.ym): sql.as_int(r.people) for r in ws.run(
        "SELECT ym, COUNT(*) AS people FROM rx_member_months GROUP BY ym")}
    first = scope.date_from.year * 12 + scope.date_from.month - 1
    last_day = scope.date_to - dt.timedelta(days=1)
    last = last_day.year * 12 + last_day.month - 1
    cells = []
    for index in range(first, last + 1):
        row = sums.get(index)
        minutes = sql.as_int(row.minutes) if row else 0
        people = active.get(index, 0)
        cells.append(Cell((month_label(index),),
                          {"hours": minutes / 60, "exchanges": sql.as_int(row.n) if row else 0,
                           "active_members": people}, people))
    table = Table(("month",), cells)
    table.lines = [table.whole_line()]
    return table


def categories(ws) -> Table:
    sums = {r.c: r for r in ws.run(
        "SELECT c, SUM(minutes) AS minutes, SUM(n) AS n FROM rx_fine GROUP BY c")}
    people = {r.c: sql.as_int(r.people) for r in ws.run("""
        SELECT u.c, COUNT(*) AS people FROM (
            SELECT c, p AS x FROM rx_fine UNION SELECT c, r FROM rx_fine
        ) u GROUP BY u.c""")}
    scope = ws.scope
    names_sql = "SELECT id, name FROM categories WHERE bank_id = :bank_id"
    if scope.category_id is not None:
        names_sql += " AND id = :category_id"
    names = {r.id: r.name for r in ws.run(names_sql + " ORDER BY name")}
    keys = list(names)
    if None in sums:
        keys.append(None)
    cells = []
    for category_id in keys:
        row = sums.get(category_id)
        cells.append(Cell((names.get(category_id),),
                          {"hours": sql.as_int(row.minutes) / 60 if row else 0.0,
                           "exchanges": sql.as_int(row.n) if row else 0},
                          people.get(category_id, 0)))
    table = Table(("category",), cells)
    table.lines = [table.whole_line()]
    return table


def levels(ws) -> Table:
    rows = {(r.level, r.grp): r for r in ws.run("""
        SELECT act.level AS level, pe.grp AS grp, SUM(f.minutes) AS minutes,
               COUNT(DISTINCT f.p) AS members
        FROM rx_fine f JOIN activities act ON act.id = f.a
        JOIN rx_people pe ON pe.account_id = f.p
        GROUP BY act.level, pe.grp""")}
    cells = [Cell((level, group), {"hours": sql.as_int(rows[(level, group)].minutes) / 60,
                                   "members": sql.as_int(rows[(level, group)].members)},
                  sql.as_int(rows[(level, group)].members))
             for level in LEVELS for group in GROUPS if (level, group) in rows]
    table = Table(("level", "group"), cells)
    keys = [c.key for c in cells]
    table.lines = ([[k for k in keys if k[0] == level] for level in LEVELS]
                   + [[k for k in keys if k[1] == group] for group in GROUPS]
                   + [keys])
    table.lines = [line for line in table.lines if line]
    return table


def two_way(split: dict) -> Table:
    cells = [Cell((name,), {"members": n}, n) for name, n in split.items()]
    table = Table(("kind",), cells)
    table.lines = [table.whole_line()]
    return table


def retention(ws) -> list:
    scope = ws.scope
    quarter = sql.month_index("pe.joined_on", ws.dialect) + " / 3"
    rows = ws.run(f"""
        SELECT c.q AS q, COUNT(DISTINCT c.account_id) AS size,
               COUNT(DISTINCT CASE WHEN mm.ym / 3 = c.q + 1 THEN c.account_id END) AS a1,
               COUNT(DISTINCT CASE WHEN mm.ym / 3 = c.q + 2 THEN c.account_id END) AS a2,
               COUNT(DISTINCT CASE WHEN mm.ym / 3 = c.q + 4 THEN c.account_id END) AS a4
        FROM (SELECT pe.account_id, {quarter} AS q FROM rx_people pe WHERE {COHORT}) c
        LEFT JOIN rx_member_months mm ON mm.account_id = c.account_id
        GROUP BY c.q ORDER BY c.q
    """).all()
    result = []
    for row in rows:
        q, size = sql.as_int(row.q), sql.as_int(row.size)
        after = {}
        for n, active in ((1, row.a1), (2, row.a2), (4, row.a4)):
            following = q + n + 1
            ended = dt.date(following // 4, (following % 4) * 3 + 1, 1) <= scope.date_to
            after[f"after_{n}q"] = share(sql.as_int(active), size) if ended else None
        result.append(RetentionRow(quarter_label(q), size, after))
    return result


def pool(ws) -> dict:
    row = ws.run(f"""
        SELECT SUM(CASE WHEN x.kind = 'donation' THEN x.minutes ELSE 0 END) AS donated,
               SUM(CASE WHEN x.kind = 'donation' THEN 1 ELSE 0 END) AS donations,
               COUNT(DISTINCT CASE WHEN x.kind = 'donation' THEN x.member END) AS donors,
               SUM(CASE WHEN x.kind = 'grant' THEN x.minutes ELSE 0 END) AS granted,
               SUM(CASE WHEN x.kind = 'grant' THEN 1 ELSE 0 END) AS grants,
               COUNT(DISTINCT CASE WHEN x.kind = 'grant' THEN x.member END) AS recipients
        FROM (
            SELECT 'donation' AS kind, t.debit_account_id AS member, t.minutes FROM transfers t
             WHERE t.credit_account_id = :pool_id AND t.bank_id = :bank_id
               AND t.occurred_on >= :date_from AND t.occurred_on < :date_to
               AND t.entry_id NOT IN ({sql.REVERSAL_RELATED})
            UNION ALL
            SELECT 'grant', t.credit_account_id, t.minutes FROM transfers t
             WHERE t.debit_account_id = :pool_id AND t.bank_id = :bank_id
               AND t.occurred_on >= :date_from AND t.occurred_on < :date_to
               AND t.entry_id NOT IN ({sql.REVERSAL_RELATED})
        ) x
    """).one()
    donors, recipients = sql.as_int(row.donors), sql.as_int(row.recipients)
    return {
        "donated_hours": total(hours(row.donated), donors),
        "donations": total(sql.as_int(row.donations), donors),
        "donors": count(donors),
        "granted_hours": total(hours(row.granted), recipients),
        "grants": total(sql.as_int(row.grants), recipients),
        "recipients": count(recipients),
    }


# --- all of it ----------------------------------------------------------------------------

METRIC_ORDER = (
    "hours", "exchanges", "members", "active_members", "active_share", "inert_share",
    "dormant_members", "give_only_share", "receive_only_share", "two_way_share",
    "balance_ratio_median", "direct_reciprocity", "rho", "weighted_reciprocity",
    "partners_median", "cross_group_exchange_share", "cross_group_pair_share", "gini_given",
    "gini_received", "top10_given_share", "citizen_professional_ratio",
    "professionals_receiving_share", "first_exchange_median_days",
    "first_exchange_within_30_share", "beyond_25h_share", "first_exchange_within_90_share",
)


def compute(ws) -> Figures:
    """Every figure for the workspace's scope; with a headline-only workspace, no tables."""
    people_figures, extra = people_metrics(ws)
    exchange_figures, people = exchange_metrics(ws)
    network, _ = network_metrics(ws, people)
    flow_table = flows(ws)
    bands = balance_bands(ws)
    beyond = sum(c.values["members"] for c in bands.cells
                 if c.key[0] in (BALANCE_BANDS[0], BALANCE_BANDS[-1]))
    metrics = {
        **exchange_figures, **people_figures, **network, **distribution_metrics(ws),
        **citizen_professional(ws, flow_table, extra["professionals"]),
        **first_exchange_metrics(ws),
        "beyond_25h_share": share(beyond, people_figures["members"].people),
    }
    metrics = {name: metrics[name] for name in METRIC_ORDER}
    tables = {"flows": flow_table, "two_way": two_way(extra["split"]), "balance_bands": bands}
    cohorts = []
    if ws.detail:
        tables.update(
            monthly=monthly(ws), levels=levels(ws), categories=categories(ws),
            balance_ratio_bands=_bands(ws, RATIO_BAND, ACTIVE_MEMBERS, RATIO_BANDS),
            partners_distribution=_bands(ws, PARTNER_BAND, ACTIVE_MEMBERS, PARTNER_BANDS),
        )
        cohorts = retention(ws)
    return Figures(metrics=metrics, pool=pool(ws), tables=tables, retention=cohorts,
                   headline_only=not ws.detail)

