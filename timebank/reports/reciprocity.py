"""Every metric of the report, computed from the workspace's aggregate.

Each function reads the temporary tables of workspace.py and returns figures
with the number of people behind them and the record keys of their
contributors; protection.py perturbs them for evaluators.
No Python loop here goes over transfers: the per-member figures walk the
member rows (member_rows.py, one row per member, read once), the others read
a few rows per group, month or kind of pool entry from SQL.

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

from bisect import bisect_right
from itertools import compress

from ..models import GROUPS
from . import sql
from .figures import Figures, Table, count, hours_total, share, stat, tally
from .member_rows import (
    band_totals,
    cohort_rows,
    gini,
    median,
    member_rows,
    partner_band,
    ratio,
    ratio_band,
)
from .tables import (
    BALANCE_BANDS,
    PARTNER_BANDS,
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
from .workspace import BASE


def hours(minutes) -> float:
    return sql.as_int(minutes) / 60


# --- headline metrics ----------------------------------------------------------------------

def people_metrics(ws, *, inert: bool = True) -> tuple[dict, dict]:
    """members, active, two-way split, dormant and, with `inert`, inert (which reads the
    transfers before the range)."""
    rows = member_rows(ws)
    members, members_key = len(rows.base), sum(rows.base["rkey"])
    active = rows.active_base
    active_count, active_key = len(active), sum(active["rkey"])
    names = ("give_only", "receive_only", "two_way")
    kinds = band_totals(active["split"], active["rkey"])  # by the index in member_rows.SPLIT
    dormant = list(compress(active["rkey"], active["dormant"]))
    professionals = [key for group, key in zip(rows.base["grp"], rows.base["rkey"], strict=True)
                     if group == "professional"]
    split = {name: kinds.get(i, (0, 0))[0] for i, name in enumerate(names)}
    keys = {name: kinds.get(i, (0, 0))[1] for i, name in enumerate(names)}
    metrics = {
        "members": count(members, members_key),
        "active_members": count(active_count, active_key),
        "active_share": share(active_count, members, active_key, members_key),
        "dormant_members": count(len(dormant), sum(dormant)),
        **{f"{name}_share": share(split[name], active_count, keys[name], active_key)
           for name in names},
    }
    if inert:
        inert_count, inert_key = inert_members(ws)
        metrics["inert_share"] = share(inert_count, members, inert_key, members_key)
    return metrics, {"professionals": (len(professionals), sum(professionals)),
                     "split": split, "split_keys": keys}


def inert_members(ws) -> tuple[int, int]:
    """How many members never exchanged before `to`, and the sum of their record keys.

    Those who took part in the range are left out first (a few remain, or none), and only
    then is each one's history looked up, by the credit and the debit index: the subquery
    is fenced (OFFSET 0), as PostgreSQL, misjudging how many remain, would otherwise read
    every transfer before the range into a hash to anti-join them all."""
    history = sql.where(sql.exchange_conditions(ws.scope, "t", dates=False))
    before = f"t.occurred_on < :date_from AND {history} LIMIT 1) IS NULL"
    fence = "OFFSET 0" if ws.dialect == "postgresql" else "LIMIT -1 OFFSET 0"
    row = ws.run(f"""
        SELECT COUNT(*) AS n, SUM(i.rkey) AS k FROM (
            SELECT pe.account_id, pe.rkey FROM rx_people pe
            WHERE {BASE}
              AND NOT EXISTS (SELECT 1 FROM rx_members m WHERE m.account_id = pe.account_id)
            {fence}
        ) i
        WHERE (SELECT 1 FROM transfers t WHERE t.credit_account_id = i.account_id AND {before}
          AND (SELECT 1 FROM transfers t WHERE t.debit_account_id = i.account_id AND {before}
    """).one()
    return sql.as_int(row.n), sql.as_int(row.k)


def exchange_metrics(ws) -> tuple[dict, int, int]:
    """Hours and exchanges, and the people who exchanged (with their keys' sum)."""
    active = member_rows(ws).active
    people, key = len(active), sum(active["k_given"])
    return {"hours": hours_total(sum(active["given"]), people, key,
                                 max(active["given"], default=0)),
            "exchanges": tally(sum(active["n_given"]), people, key)}, \
        people, sum(active["rkey"])


def pair_cells(ws) -> dict:
    """Per (provider group, receiver group): directed pairs, reciprocated pairs, minutes,
    exchanges, mutual minutes, ties (each counted once), distinct providers and receivers,
    and people in all (for a group with itself, everyone who exchanged within it); from
    the member-by-partner-group table (workspace.fold_ties) added up per cell, or the
    cells a report window keeps (`ws.pair_sums_sql`)."""
    rows = {(r.mine, r.pg): r for r in ws.run(ws.pair_sums_sql())}
    cells = {}
    for provider in GROUPS:
        for receiver in GROUPS:
            given = rows.get((provider, receiver))  # providers' rows, towards the receivers
            taken = rows.get((receiver, provider))  # receivers' rows, from the providers
            cell = {name: sql.as_int(getattr(given, name)) if given else 0 for name in (
                "minutes", "n", "pairs", "mutual", "ties", "providers", "k_n", "top",
                "pairs_key", "recip_key", "ties_key")}
            cell["reciprocated"] = sql.as_int(given.recip) if given else 0
            cell["receivers"] = sql.as_int(taken.receivers) if taken else 0
            cell["receivers_now"] = sql.as_int(taken.receivers_now) if taken else 0
            cell["receivers_now_key"] = sql.as_int(taken.receivers_now_key) if taken else 0
            if provider == receiver:  # everyone with a tie inside the group
                cell["people"] = sql.as_int(given.people) if given else 0
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
    median_value, active = median(member_rows(ws).active_base["partners"])
    return {"partners_median": stat(median_value, active)}


def distribution_metrics(ws) -> dict:
    rows = member_rows(ws)
    active = rows.active_base
    ratio_median, people = median(list(map(ratio, active["given"], active["received"])))
    given_by_all = sorted(x or 0 for x in rows.base["given"])  # gini's order, already sorted
    (gini_given, members), (gini_received, _) = gini(
        ws, given_by_all, [x or 0 for x in rows.base["received"]])
    # Those who gave are the members with minutes given (the others count 0), the most last.
    givers = len(given_by_all) - bisect_right(given_by_all, 0)
    top = (givers + 9) // 10
    top_minutes, given = sum(given_by_all[len(given_by_all) - top:]), sum(given_by_all)
    return {
        "balance_ratio_median": stat(ratio_median, people),
        **partners_median(ws),
        "gini_given": stat(gini_given, members),
        "gini_received": stat(gini_received, members),
        # The share is the top group's own total in disguise: it needs k people in that group.
        "top10_given_share": stat(top_minutes / given if given else None, top),
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
    """Over the cohort (COHORT): the median days from joining to the first exchange (0
    if it came before the joining date), and the shares within 30 and 90 days of those
    who joined at least that long before `to`."""
    cohort = cohort_rows(ws)
    median_value, people = median([days for days in cohort["days"] if days is not None])
    figures = {"first_exchange_median_days": stat(median_value, people)}
    for limit in (30, 90):
        joined = cohort.where(cohort[f"before{limit}"])
        within = [key for days, key in zip(joined["days"], joined["rkey"], strict=True)
                  if days is not None and days <= limit]
        figures[f"first_exchange_within_{limit}_share"] = share(
            len(within), len(joined), sum(within), sum(joined["rkey"]))
    return figures


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
                   AND {sql.not_reversal_related()}
                UNION ALL
                SELECT 'grant', t.credit_account_id, t.minutes, t.record_key FROM transfers t
                 WHERE t.debit_account_id = :pool_id AND t.bank_id = :bank_id
                   AND t.occurred_on >= :date_from AND t.occurred_on < :date_to
                   AND {sql.not_reversal_related()}
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
    active = member_rows(ws).active_base
    tables = {
        "flows": flow_table, "two_way": two_way(extra["split"], extra["split_keys"]),
        "balance_bands": balances,
        "monthly": monthly(ws), "levels": levels(ws), "categories": categories(ws),
        "balance_ratio_bands": bands(band_totals(
            map(ratio_band, active["given"], active["received"]), active["rkey"]), RATIO_BANDS),
        "partners_distribution": bands(band_totals(
            map(partner_band, active["partners"]), active["rkey"]), PARTNER_BANDS),
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
