"""The report's tables, computed from the workspace: flows, months, categories,
participation levels, retention, and members by band.

Each cell carries the sums of its contributors' record keys (`keys`) and, for
protected reports, the minutes of its largest contributor (`tops`), which
protection.py perturbs by. Hours and exchanges come from SQL over rx_sums (a few
rows per month, category or level); people come from the member rows
(member_rows.py): their mask bits, bands and joining quarters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..models import GROUPS, LEVELS
from . import sql
from .figures import Cell, RetentionRow, Table, share
from .member_rows import (
    balance_band,
    band_totals,
    cohort_rows,
    expand_bits,
    member_rows,
    word_bits,
)

RATIO_BANDS = ("0", "0-0.25", "0.25-0.5", "0.5-0.75", "0.75-1")
PARTNER_BANDS = ("1", "2", "3-5", "6-10", "11+")
BALANCE_BANDS = ("under -25", "-25 to -10", "-10 to 0", "0 to 10", "10 to 25", "over 25")

def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def bands(totals: dict, labels) -> Table:
    """Members by band, from {band index: (members, sum of their record keys)}."""
    cells = []
    for i, label in enumerate(labels):
        members, key = totals.get(i, (0, 0))
        cells.append(Cell((label,), {"members": members}, members, keys={"members": key}))
    return Table(("band",), cells)


def balance_bands(ws) -> Table:
    """Members by their balance at the end of the day before `to`."""
    members = member_rows(ws).base
    return bands(band_totals(map(balance_band, members["balance_at_to"]), members["rkey"]),
                 BALANCE_BANDS)


def _largest(ws, group_sql: str, kind: str) -> dict:
    """The minutes of each cell's largest single provider (protected reports only; empty
    otherwise): cells of one `kind` ("month", "category", "level"), grouped by `group_sql`
    over the workspace's givers."""
    if not ws.protected or not ws.detail:
        return {}
    return ws.largest(kind, group_sql)


def sum_rows(ws) -> dict:
    """rx_sums totalled per month, per category and per (activity, provider group), the
    grouped value as `g`: one statement for the three tables (kept on the workspace)."""
    if "sums" not in ws.figure_rows:
        month = sql.month_index("d", ws.dialect)
        totals = "SUM(minutes) AS minutes, SUM(n) AS n, SUM(k) AS k"
        found = {"month": [], "category": [], "activity": []}
        for r in ws.run(f"""
            SELECT 'month' AS kind, {month} AS g, CAST(NULL AS VARCHAR(16)) AS pg, {totals}
            FROM rx_sums GROUP BY {month}
            UNION ALL
            SELECT 'category', c, NULL, {totals} FROM rx_sums GROUP BY c
            UNION ALL
            SELECT 'activity', a, pg, {totals} FROM rx_sums WHERE a IS NOT NULL GROUP BY a, pg
        """):
            found[r.kind].append(r)
        ws.figure_rows["sums"] = found
    return ws.figure_rows["sums"]


def flows(pairs: dict) -> tuple[Table, int]:
    """Hours and exchanges by provider group × receiver group; and how many professionals
    (members at `to`) received from a citizen."""
    cells = []
    for provider in GROUPS:
        for receiver in GROUPS:
            cell = pairs[(provider, receiver)]
            cells.append(Cell((provider, receiver),
                              {"minutes": cell["minutes"], "hours": cell["minutes"] / 60,
                               "exchanges": cell["n"]}, cell["people"],
                              keys={"hours": cell["k_n"], "exchanges": cell["k_n"]},
                              tops={"hours": cell["top"]}))
    table = Table(("provider_group", "receiver_group"), cells)
    receiving = pairs[("citizen", "professional")]
    return table, (receiving["receivers_now"], receiving["receivers_now_key"])


def monthly(ws) -> Table:
    layout = ws.layout
    sums = {sql.as_int(r.g): r for r in sum_rows(ws)["month"]}
    months = range(layout.first_month, layout.first_month + layout.months)
    active = word_bits(member_rows(ws), "mm", {index: layout.month_bit(index) for index in months})
    largest = _largest(ws, "g.ym", "month")
    cells = []
    for index in months:
        row = sums.get(index)
        minutes = sql.as_int(row.minutes) if row else 0
        people, people_key = active[index]
        key = sql.as_int(row.k) if row else 0
        cells.append(Cell((month_label(index),),
                          {"hours": minutes / 60, "exchanges": sql.as_int(row.n) if row else 0,
                           "active_members": people}, people,
                          keys={"hours": key, "exchanges": key, "active_members": people_key},
                          tops={"hours": largest.get(index, 0)}))
    return Table(("month",), cells)


def categories(ws) -> Table:
    layout = ws.layout
    sums = {r.g: r for r in sum_rows(ws)["category"]}
    people = word_bits(member_rows(ws), "cm", {c: layout.category_bit(c) for c in layout.categories})
    names = {r.id: r.name for r in ws.run("SELECT id, name FROM categories WHERE bank_id = :bank_id")}
    largest = _largest(ws, "g.c", "category")
    cells = []
    for category_id in layout.categories:
        row = sums.get(category_id)
        if category_id is None and row is None:
            continue  # no row for "no category" unless some exchange had none
        key = sql.as_int(row.k) if row else 0
        cells.append(Cell((names.get(category_id),),
                          {"hours": sql.as_int(row.minutes) / 60 if row else 0.0,
                           "exchanges": sql.as_int(row.n) if row else 0},
                          people[category_id][0],
                          keys={"hours": key, "exchanges": key},
                          tops={"hours": largest.get(category_id, 0)}))
    return Table(("category",), cells)


def levels(ws) -> Table:
    layout = ws.layout
    level_of = layout.levels_of
    hours, hour_keys = {}, {}
    for r in sum_rows(ws)["activity"]:
        key = (LEVELS[level_of[sql.as_int(r.g)]], r.pg)
        hours[key] = hours.get(key, 0) + sql.as_int(r.minutes)
        hour_keys[key] = hour_keys.get(key, 0) + sql.as_int(r.k)
    rows = member_rows(ws)
    counts = {group: defaultdict(int) for group in GROUPS}  # per group: rows per mask
    sums = {group: defaultdict(int) for group in GROUPS}  # and the sum of their keys
    for group, mask, key in zip(rows["grp"], rows["lm"], rows["rkey"], strict=True):
        if mask:
            counts[group][mask] += 1
            sums[group][mask] += key
    members, member_keys = {}, {}
    for group in GROUPS:
        by_mask = {mask: (n, sums[group][mask]) for mask, n in counts[group].items()}
        for i, (n, key) in expand_bits(by_mask).items():
            if i < len(LEVELS):
                members[(LEVELS[i], group)], member_keys[(LEVELS[i], group)] = n, key
    largest = {}
    activity_level = " ".join(f"WHEN {int(a)} THEN {i}" for a, i in level_of.items())
    if activity_level:
        for cell, top in _largest(ws, f"CASE g.a {activity_level} END || ':' || pe.grp",
                                   "level").items():
            if cell is not None:
                index, group = str(cell).split(":")
                largest[(LEVELS[int(index)], group)] = top
    cells = [Cell((level, group), {"hours": hours[(level, group)] / 60,
                                   "members": members.get((level, group), 0)},
                  members.get((level, group), 0),
                  keys={"hours": hour_keys[(level, group)],
                        "members": member_keys.get((level, group), 0)},
                  tops={"hours": largest.get((level, group), 0)})
             for level in LEVELS for group in GROUPS if hours.get((level, group))]
    return Table(("level", "group"), cells)


def two_way(split: dict, keys: dict) -> Table:
    cells = [Cell((name,), {"members": n}, n, keys={"members": keys[name]})
             for name, n in split.items()]
    return Table(("kind",), cells)


def retention(ws) -> list:
    """Per joining quarter: the share of its joiners who exchanged 1, 2 and 4 quarters on."""
    scope, layout = ws.scope, ws.layout
    cohort = cohort_rows(ws)
    quarters = [sql.as_int(q) for q in cohort["quarter"]]
    sizes = band_totals(quarters, cohort["rkey"])
    result = []
    for q in sorted(sizes):
        size, size_key = sizes[q]
        joiners = cohort.where([joined == q for joined in quarters])
        after = {}
        for n in (1, 2, 4):
            following = q + n + 1
            if dt.date(following // 4, (following % 4) * 3 + 1, 1) > scope.date_to:
                after[f"after_{n}q"] = None  # that quarter hasn't ended yet
                continue
            tests = {}
            for index in range(3 * (q + n), 3 * (q + n) + 3):
                word, bit = layout.month_bit(index)
                tests[f"mm{word}"] = tests.get(f"mm{word}", 0) | (1 << bit)
            active = [key for key, *masks in zip(joiners["rkey"], *(joiners[w] for w in tests),
                                                 strict=True)
                      if any((mask or 0) & test for mask, test in zip(masks, tests.values(),
                                                                      strict=True))]
            after[f"after_{n}q"] = share(len(active), size, sum(active), size_key)
        result.append(RetentionRow(quarter_label(q), size, after))
    return result
