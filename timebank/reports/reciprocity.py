"""Every metric of the report, computed by SQL from the workspace's aggregate.

Each function reads the temporary tables of workspace.py and returns figures
with the number of people behind them and the record keys of their
contributors; protection.py perturbs them for evaluators.
No Python loop here goes over transfers: the largest thing a query returns is
one row per month, category or band, except where noted.

Definitions beyond the README's words (also shown on the report page):

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

from ..models import GROUPS
from . import sql
from .figures import Figures, Table, count, hours_total, share, stat, tally
from .tables import (
    BALANCE_BANDS,
    HI,
    LO,
    PARTNER_BAND,
    PARTNER_BANDS,
    RATIO_BAND,
    RATIO_BANDS,
    balance_bands,
    bands,
    categories,
    flows,
    levels,
    monthly,
    retention,
    two_way,
)
from .workspace import BASE, COHORT, DORMANT, GIVE_ONLY, RECEIVE_ONLY, TWO_WAY

RATIO = f"CAST({LO} AS DOUBLE PRECISION) / ({HI})"
ACTIVE_MEMBERS = "rx_members m JOIN rx_people pe ON pe.account_id = m.account_id WHERE pe.base = 1"
ALL_MEMBERS = "rx_people pe LEFT JOIN rx_members m ON m.account_id = pe.account_id WHERE pe.base = 1"


def hours(minutes) -> float:
    return sql.as_int(minutes) / 60


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


# --- headline metrics ----------------------------------------------------------------------

def people_metrics(ws, *, inert: bool = True) -> tuple[dict, dict]:
    """members, active, two-way split, dormant and, with `inert`, inert (which reads the
    transfers before the range)."""
    row = ws.run(f"""
        SELECT COUNT(*) AS members,
               SUM(CASE WHEN m.account_id IS NOT NULL THEN 1 ELSE 0 END) AS active,
               SUM(CASE WHEN {GIVE_ONLY} THEN 1 ELSE 0 END) AS give_only,
               SUM(CASE WHEN {RECEIVE_ONLY} THEN 1 ELSE 0 END) AS receive_only,
               SUM(CASE WHEN {TWO_WAY} THEN 1 ELSE 0 END) AS two_way,
               SUM(CASE WHEN {DORMANT} THEN 1 ELSE 0 END) AS dormant,
               SUM(CASE WHEN pe.grp = 'professional' THEN 1 ELSE 0 END) AS professionals,
               SUM(pe.rkey) AS members_key,
               SUM(CASE WHEN m.account_id IS NOT NULL THEN pe.rkey ELSE 0 END) AS active_key,
               SUM(CASE WHEN {GIVE_ONLY} THEN pe.rkey ELSE 0 END) AS give_only_key,
               SUM(CASE WHEN {RECEIVE_ONLY} THEN pe.rkey ELSE 0 END) AS receive_only_key,
               SUM(CASE WHEN {TWO_WAY} THEN pe.rkey ELSE 0 END) AS two_way_key,
               SUM(CASE WHEN {DORMANT} THEN pe.rkey ELSE 0 END) AS dormant_key,
               SUM(CASE WHEN pe.grp = 'professional' THEN pe.rkey ELSE 0 END) AS professionals_key
        FROM {ALL_MEMBERS}
    """).one()
    members, active = sql.as_int(row.members), sql.as_int(row.active)
    members_key, active_key = sql.as_int(row.members_key), sql.as_int(row.active_key)
    names = ("give_only", "receive_only", "two_way")
    split = {name: sql.as_int(getattr(row, name)) for name in names}
    keys = {name: sql.as_int(getattr(row, f"{name}_key")) for name in names}
    metrics = {
        "members": count(members, members_key),
        "active_members": count(active, active_key),
        "active_share": share(active, members, active_key, members_key),
        "dormant_members": count(sql.as_int(row.dormant), row.dormant_key),
        **{f"{name}_share": share(split[name], active, keys[name], active_key) for name in names},
    }
    if inert:
        inert_count, inert_key = inert_members(ws)
        metrics["inert_share"] = share(inert_count, members, inert_key, members_key)
    return metrics, {"professionals": (sql.as_int(row.professionals),
                                       sql.as_int(row.professionals_key)),
                     "split": split, "split_keys": keys}


def inert_members(ws) -> tuple[int, int]:
    """How many members never exchanged before `to`, and the sum of their record keys."""
    history = sql.where(sql.exchange_conditions(ws.scope, "t", dates=False))
    row = ws.run(f"""
        SELECT COUNT(*) AS n, SUM(pe.rkey) AS k FROM rx_people pe
        WHERE {BASE}
          AND NOT EXISTS (SELECT 1 FROM rx_members m WHERE m.account_id = pe.account_id)
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.credit_account_id = pe.account_id
                          AND t.occurred_on < :date_from AND {history})
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.debit_account_id = pe.account_id
                          AND t.occurred_on < :date_from AND {history})
    """).one()
    return sql.as_int(row.n), sql.as_int(row.k)


def exchange_metrics(ws) -> tuple[dict, int, int]:
    """Hours and exchanges, and the people who exchanged (with their keys' sum)."""
    row = ws.run("""SELECT COUNT(*) AS people, SUM(m.given) AS minutes,
                           SUM(m.n_given) AS exchanges, SUM(m.k_given) AS k,
                           MAX(m.given) AS top, SUM(pe.rkey) AS people_key
                    FROM rx_members m JOIN rx_people pe ON pe.account_id = m.account_id""").one()
    people = sql.as_int(row.people)
    return {"hours": hours_total(sql.as_int(row.minutes), people, row.k, row.top),
            "exchanges": tally(sql.as_int(row.exchanges), people, row.k)}, \
        people, sql.as_int(row.people_key)


def pair_cells(ws) -> dict:
    """Per (provider group, receiver group): directed pairs, reciprocated pairs, minutes,
    exchanges, mutual minutes, ties (each counted once), distinct providers and receivers,
    and people in all (for a group with itself, everyone who exchanged within it); from
    the member-by-partner-group table (workspace.fold_ties)."""
    rows = {(r.mine, r.pg): r for r in ws.run("""
        SELECT pe.grp AS mine, g.pg AS pg, SUM(g.given) AS minutes, SUM(g.n_given) AS n,
               SUM(g.pairs) AS pairs, SUM(g.recip) AS reciprocated, SUM(g.mutual) AS mutual,
               SUM(g.ties) AS ties, COUNT(*) AS people_in,
               SUM(g.k_given) AS k_n, MAX(g.given) AS top, SUM(g.pairs_key) AS pairs_key,
               SUM(g.recip_key) AS recip_key, SUM(g.ties_key) AS ties_key,
               SUM(CASE WHEN g.received > 0 AND pe.base = 1 THEN pe.rkey ELSE 0 END)
                   AS receivers_now_key,
               SUM(CASE WHEN g.given > 0 THEN 1 ELSE 0 END) AS providers,
               SUM(CASE WHEN g.received > 0 THEN 1 ELSE 0 END) AS receivers,
               SUM(CASE WHEN g.received > 0 AND pe.base = 1 THEN 1 ELSE 0 END) AS receivers_now
        FROM rx_member_groups g JOIN rx_people pe ON pe.account_id = g.account_id
        GROUP BY pe.grp, g.pg""")}
    cells = {}
    for provider in GROUPS:
        for receiver in GROUPS:
            given = rows.get((provider, receiver))  # providers' rows, towards the receivers
            taken = rows.get((receiver, provider))  # receivers' rows, from the providers
            cell = {name: sql.as_int(getattr(given, name)) if given else 0 for name in (
                "minutes", "n", "pairs", "reciprocated", "mutual", "ties", "providers", "k_n",
                "top", "pairs_key", "recip_key", "ties_key")}
            cell["receivers"] = sql.as_int(taken.receivers) if taken else 0
            cell["receivers_now"] = sql.as_int(taken.receivers_now) if taken else 0
            cell["receivers_now_key"] = sql.as_int(taken.receivers_now_key) if taken else 0
            if provider == receiver:  # everyone with a tie inside the group
                cell["people"] = sql.as_int(given.people_in) if given else 0
            else:  # different people on each side
                cell["people"] = cell["providers"] + cell["receivers"]
            cells[(provider, receiver)] = cell
    return cells


def network_metrics(cells: dict, people: int, people_key: int = 0) -> tuple[dict, dict]:
    """Direct reciprocity (r, ρ, weighted) and cross-group ties, from the pair cells; and
    the counts ρ is made of, for protection.py to work it out again from protected ones."""
    def total(name, where=lambda key: True):
        return sum(c[name] for key, c in cells.items() if where(key))

    pairs, reciprocated = total("pairs"), total("reciprocated")
    r = reciprocated / pairs if pairs else None
    rho = None
    if r is not None and people > 1:
        density = pairs / (people * (people - 1))
        rho = (r - density) / (1 - density) if density < 1 else None
    weight = total("minutes")
    crossing = lambda key: key[0] != key[1]  # noqa: E731
    parts = {"pairs": count(pairs, total("pairs_key")),
             "reciprocated": count(reciprocated, total("recip_key")),
             "people": count(people, people_key)}
    return {
        "direct_reciprocity": share(reciprocated, pairs, total("recip_key"), total("pairs_key")),
        "rho": stat(rho, people),
        "weighted_reciprocity": stat(total("mutual") / weight if weight else None, people),
        "cross_group_exchange_share": share(total("n", crossing), total("n"),
                                            total("k_n", crossing), total("k_n")),
        "cross_group_pair_share": share(total("ties", crossing), total("ties"),
                                        total("ties_key", crossing), total("ties_key")),
    }, parts


def partners_median(ws) -> dict:
    median, active = _median(ws, f"SELECT m.partners AS x FROM {ACTIVE_MEMBERS}")
    return {"partners_median": stat(median, active)}


def distribution_metrics(ws) -> dict:
    ratio_median, active = _median(ws, f"SELECT {RATIO} AS x FROM {ACTIVE_MEMBERS}")
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
        **partners_median(ws),
        "gini_given": stat(gini_given, members),
        "gini_received": stat(gini_received, members),
        # The share is the top group's own total in disguise: it needs k people in that group.
        "top10_given_share": stat(top_minutes / given if given else None, sql.as_int(top.top)),
    }


CITIZEN_PROFESSIONAL_BACK = (("professional", "citizen"), ("organisation", "citizen"))
CITIZEN_PROFESSIONAL_GIVEN = (("citizen", "professional"), ("citizen", "organisation"))


def citizen_professional(flows: Table, professionals: tuple, receiving: tuple) -> dict:
    """Hours professionals and organisations gave citizens ÷ hours citizens gave them.

    The ratio is computed from the four flows it adds up (protection.py works it out
    again from their protected hours); it carries the fewest people of those that
    have any. `professionals` and `receiving` are (count, record keys' sum).
    """
    cells = [flows.cell(key) for key in CITIZEN_PROFESSIONAL_BACK + CITIZEN_PROFESSIONAL_GIVEN]
    back = sum(c.values["minutes"] for c in cells[:2])
    given = sum(c.values["minutes"] for c in cells[2:])
    people = min((c.people for c in cells if c.people), default=0)
    return {
        "citizen_professional_ratio": stat(back / given if given else None, people),
        "professionals_receiving_share": share(receiving[0], professionals[0], receiving[1],
                                               professionals[1]),
    }


def first_exchange_metrics(ws) -> dict:
    days = sql.days_between("c.first_on", "c.joined_on", ws.dialect)
    cohort = f"""
        SELECT c.joined_on, c.rkey,
               CASE WHEN c.first_on IS NULL THEN NULL WHEN c.first_on < c.joined_on THEN 0
                    ELSE {days} END AS days
        FROM (SELECT pe.joined_on, pe.rkey, m.first_on FROM rx_people pe
              LEFT JOIN rx_members m ON m.account_id = pe.account_id WHERE {COHORT}) c
    """
    scope = ws.scope
    marks = {"day30": scope.date_to - dt.timedelta(days=30),
             "day90": scope.date_to - dt.timedelta(days=90)}
    row = ws.run(f"""
        SELECT SUM(CASE WHEN d.joined_on < :day30 THEN 1 ELSE 0 END) AS cohort30,
               SUM(CASE WHEN d.joined_on < :day30 AND d.days <= 30 THEN 1 ELSE 0 END) AS within30,
               SUM(CASE WHEN d.joined_on < :day90 THEN 1 ELSE 0 END) AS cohort90,
               SUM(CASE WHEN d.joined_on < :day90 AND d.days <= 90 THEN 1 ELSE 0 END) AS within90,
               SUM(CASE WHEN d.joined_on < :day30 THEN d.rkey ELSE 0 END) AS cohort30_key,
               SUM(CASE WHEN d.joined_on < :day30 AND d.days <= 30 THEN d.rkey ELSE 0 END)
                   AS within30_key,
               SUM(CASE WHEN d.joined_on < :day90 THEN d.rkey ELSE 0 END) AS cohort90_key,
               SUM(CASE WHEN d.joined_on < :day90 AND d.days <= 90 THEN d.rkey ELSE 0 END)
                   AS within90_key
        FROM ({cohort}) d
    """, **marks).one()
    median, people = _median(ws, f"SELECT d.days AS x FROM ({cohort}) d WHERE d.days IS NOT NULL")
    return {
        "first_exchange_median_days": stat(median, people),
        **{f"first_exchange_within_{days}_share": share(
            sql.as_int(getattr(row, f"within{days}")), sql.as_int(getattr(row, f"cohort{days}")),
            getattr(row, f"within{days}_key"), getattr(row, f"cohort{days}_key"))
           for days in (30, 90)},
    }


def pool(ws) -> dict:
    """Donations and grants, each per member first (for the largest contributor and the
    member's record key), then summed."""
    rows = {r.kind: r for r in ws.run(f"""
        SELECT y.kind, SUM(y.minutes) AS minutes, SUM(y.n) AS n, COUNT(*) AS people,
               SUM(y.k) AS k, MAX(y.minutes) AS top, SUM(pe.rkey) AS people_key
        FROM (
            SELECT x.kind, x.member, SUM(x.minutes) AS minutes, COUNT(*) AS n,
                   SUM(x.record_key) AS k
            FROM (
                SELECT 'donation' AS kind, t.debit_account_id AS member, t.minutes,
                       t.record_key FROM transfers t
                 WHERE t.credit_account_id = :pool_id AND t.bank_id = :bank_id
                   AND t.occurred_on >= :date_from AND t.occurred_on < :date_to
                   AND t.entry_id NOT IN ({sql.REVERSAL_RELATED})
                UNION ALL
                SELECT 'grant', t.credit_account_id, t.minutes, t.record_key FROM transfers t
                 WHERE t.debit_account_id = :pool_id AND t.bank_id = :bank_id
                   AND t.occurred_on >= :date_from AND t.occurred_on < :date_to
                   AND t.entry_id NOT IN ({sql.REVERSAL_RELATED})
            ) x GROUP BY x.kind, x.member
        ) y LEFT JOIN rx_people pe ON pe.account_id = y.member
        GROUP BY y.kind
    """)}
    figures = {}
    for kind, hours_name, count_name, people_name in (
            ("donation", "donated_hours", "donations", "donors"),
            ("grant", "granted_hours", "grants", "recipients")):
        row = rows.get(kind)
        people = sql.as_int(row.people) if row else 0
        minutes, n = (sql.as_int(row.minutes), sql.as_int(row.n)) if row else (0, 0)
        key, top = (sql.as_int(row.k), sql.as_int(row.top)) if row else (0, 0)
        figures[hours_name] = hours_total(minutes, people, key, top)
        figures[count_name] = tally(n, people, key)
        figures[people_name] = count(people, sql.as_int(row.people_key) if row else 0)
    return {name: figures[name] for name in (
        "donated_hours", "donations", "donors", "granted_hours", "grants", "recipients")}


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
    """Every figure for the workspace's scope (a workspace with detail)."""
    people_figures, extra = people_metrics(ws)
    exchange_figures, people, people_key = exchange_metrics(ws)
    pairs = pair_cells(ws)
    network, parts = network_metrics(pairs, people, people_key)
    flow_table, receiving = flows(pairs)
    balances = balance_bands(ws)
    outer = [c for c in balances.cells if c.key[0] in (BALANCE_BANDS[0], BALANCE_BANDS[-1])]
    beyond = sum(c.values["members"] for c in outer)
    beyond_key = sum(c.keys["members"] for c in outer)
    metrics = {
        **exchange_figures, **people_figures, **network, **distribution_metrics(ws),
        **citizen_professional(flow_table, extra["professionals"], receiving),
        **first_exchange_metrics(ws),
        "beyond_25h_share": share(beyond, people_figures["members"].people, beyond_key,
                                  people_figures["members"].key),
    }
    metrics = {name: metrics[name] for name in METRIC_ORDER}
    tables = {
        "flows": flow_table, "two_way": two_way(extra["split"], extra["split_keys"]),
        "balance_bands": balances,
        "monthly": monthly(ws), "levels": levels(ws), "categories": categories(ws),
        "balance_ratio_bands": bands(ws, RATIO_BAND, ACTIVE_MEMBERS, RATIO_BANDS),
        "partners_distribution": bands(ws, PARTNER_BAND, ACTIVE_MEMBERS, PARTNER_BANDS),
    }
    return Figures(metrics=metrics, pool=pool(ws), tables=tables, retention=retention(ws),
                   parts=parts)


# The figures the report page sets against the period before (web/evaluate/reports.py TILES).
COMPARED = ("hours", "exchanges", "active_members", "active_share", "two_way_share",
            "direct_reciprocity", "citizen_professional_ratio", "partners_median")


def compare(ws) -> Figures:
    """The figures of COMPARED, from a headline-only workspace, with the flows and two-way
    tables whose suppression they follow. Nothing else: the balances, Gini, cohorts,
    inert members and pool of the period before are not shown, and cost reads of the
    transfers outside it."""
    people_figures, extra = people_metrics(ws, inert=False)
    exchange_figures, people, people_key = exchange_metrics(ws)
    pairs = pair_cells(ws)
    flow_table, receiving = flows(pairs)
    network, parts = network_metrics(pairs, people, people_key)
    metrics = {
        **exchange_figures, **people_figures, **partners_median(ws), **network,
        **citizen_professional(flow_table, extra["professionals"], receiving),
    }
    return Figures(metrics={name: metrics[name] for name in COMPARED}, pool={},
                   tables={"flows": flow_table,
                           "two_way": two_way(extra["split"], extra["split_keys"])},
                   retention=[], parts=parts)
