"""The report's tables, computed by SQL from the workspace: flows, months, categories,
participation levels, retention, and members by band.

Each cell carries the sums of its contributors' record keys (`keys`) and, for
protected reports, the minutes of its largest contributor (`tops`), which
protection.py perturbs by. Python here only walks the rows a query returns: a
few per group, month, category, level or band.
"""

from __future__ import annotations

import datetime as dt

from ..models import GROUPS, LEVELS
from . import sql
from .figures import Cell, RetentionRow, Table, share
from .workspace import COHORT

RATIO_BANDS = ("0", "0-0.25", "0.25-0.5", "0.5-0.75", "0.75-1")
PARTNER_BANDS = ("1", "2", "3-5", "6-10", "11+")
BALANCE_BANDS = ("under -25", "-25 to -10", "-10 to 0", "0 to 10", "10 to 25", "over 25")

LO = "CASE WHEN m.given < m.received THEN m.given ELSE m.received END"
HI = "CASE WHEN m.given < m.received THEN m.received ELSE m.given END"
RATIO_BAND = (f"CASE WHEN {LO} = 0 THEN 0 WHEN 4 * {LO} < {HI} THEN 1 WHEN 2 * {LO} < {HI} THEN 2 "
              f"WHEN 4 * {LO} < 3 * {HI} THEN 3 ELSE 4 END")
PARTNER_BAND = ("CASE WHEN m.partners = 1 THEN 0 WHEN m.partners = 2 THEN 1 "
                "WHEN m.partners <= 5 THEN 2 WHEN m.partners <= 10 THEN 3 ELSE 4 END")


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def bands(ws, band_sql: str, source: str, labels) -> Table:
    rows = {sql.as_int(r.band): (sql.as_int(r.members), sql.as_int(r.k)) for r in ws.run(
        f"SELECT {band_sql} AS band, COUNT(*) AS members, SUM(pe.rkey) AS k "
        f"FROM {source} GROUP BY 1")}
    cells = []
    for i, label in enumerate(labels):
        members, key = rows.get(i, (0, 0))
        cells.append(Cell((label,), {"members": members}, members, keys={"members": key}))
    return Table(("band",), cells)


def balance_bands(ws) -> Table:
    """Members by their balance at the end of the day before `to`."""
    balance = "pe.balance_at_to"
    band = (f"CASE WHEN {balance} < -1500 THEN 0 WHEN {balance} < -600 THEN 1 "
            f"WHEN {balance} < 0 THEN 2 WHEN {balance} <= 600 THEN 3 "
            f"WHEN {balance} <= 1500 THEN 4 ELSE 5 END")
    return bands(ws, band, "rx_people pe WHERE pe.base = 1", BALANCE_BANDS)


def _mask_count(column: str, bit: int) -> str:
    return f"SUM((COALESCE({column}, 0) >> {bit}) & 1)"


def _mask_key(column: str, bit: int) -> str:
    """The sum of the record keys of the members whose mask has the bit."""
    return f"SUM(((COALESCE({column}, 0) >> {bit}) & 1) * pe.rkey)"


def _largest(ws, group_sql: str, kind: str) -> dict:
    """The minutes of each cell's largest single provider (protected reports only; empty
    otherwise): cells of one `kind` ("month", "category", "level"), grouped by `group_sql`
    over the workspace's givers."""
    if not ws.protected or not ws.detail:
        return {}
    return ws.largest(kind, group_sql)


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
    month = sql.month_index("d", ws.dialect)
    sums = {sql.as_int(r.ym): r for r in ws.run(
        f"SELECT {month} AS ym, SUM(minutes) AS minutes, SUM(n) AS n, SUM(k) AS k "
        f"FROM rx_sums GROUP BY 1")}
    months = range(layout.first_month, layout.first_month + layout.months)
    counts = []
    for index in months:
        word, bit = layout.month_bit(index)
        counts += [_mask_count(f"m.mm{word}", bit), _mask_key(f"m.mm{word}", bit)]
    found = list(ws.run(f"SELECT {', '.join(counts)} FROM rx_members m "
                        "JOIN rx_people pe ON pe.account_id = m.account_id").one())
    largest = _largest(ws, "g.ym", "month")
    cells = []
    for i, index in enumerate(months):
        row = sums.get(index)
        minutes = sql.as_int(row.minutes) if row else 0
        people, people_key = sql.as_int(found[2 * i]), sql.as_int(found[2 * i + 1])
        key = sql.as_int(row.k) if row else 0
        cells.append(Cell((month_label(index),),
                          {"hours": minutes / 60, "exchanges": sql.as_int(row.n) if row else 0,
                           "active_members": people}, people,
                          keys={"hours": key, "exchanges": key, "active_members": people_key},
                          tops={"hours": largest.get(index, 0)}))
    return Table(("month",), cells)


def categories(ws) -> Table:
    layout = ws.layout
    sums = {r.c: r for r in ws.run(
        "SELECT c, SUM(minutes) AS minutes, SUM(n) AS n, SUM(k) AS k FROM rx_sums GROUP BY c")}
    counts = [_mask_count(f"cm{word}", bit)
              for word, bit in (layout.category_bit(c) for c in layout.categories)]
    people = dict(zip(layout.categories, ws.run(f"SELECT {', '.join(counts)} FROM rx_members").one(),
                      strict=True))
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
                          sql.as_int(people[category_id]),
                          keys={"hours": key, "exchanges": key},
                          tops={"hours": largest.get(category_id, 0)}))
    return Table(("category",), cells)


def levels(ws) -> Table:
    layout = ws.layout
    level_of = layout.levels_of
    hours, hour_keys = {}, {}
    for r in ws.run("SELECT a, pg, SUM(minutes) AS minutes, SUM(k) AS k FROM rx_sums "
                    "WHERE a IS NOT NULL GROUP BY a, pg"):
        key = (LEVELS[level_of[sql.as_int(r.a)]], r.pg)
        hours[key] = hours.get(key, 0) + sql.as_int(r.minutes)
        hour_keys[key] = hour_keys.get(key, 0) + sql.as_int(r.k)
    counts = [f"{_mask_count('m.lm', i)}, {_mask_key('m.lm', i)}" for i in range(len(LEVELS))]
    members, member_keys = {}, {}
    for r in ws.run(f"SELECT pe.grp AS grp, {', '.join(counts)} FROM rx_members m "
                    "JOIN rx_people pe ON pe.account_id = m.account_id GROUP BY pe.grp"):
        for i, level in enumerate(LEVELS):
            members[(level, r.grp)] = sql.as_int(r[2 * i + 1])
            member_keys[(level, r.grp)] = sql.as_int(r[2 * i + 2])
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
    quarter = sql.month_index("pe.joined_on", ws.dialect) + " / 3"
    cohorts = [sql.as_int(r.q) for r in ws.run(
        f"SELECT DISTINCT {quarter} AS q FROM rx_people pe WHERE {COHORT} ORDER BY 1")]
    columns, wanted = [], []
    for q in cohorts:
        for n in (1, 2, 4):
            following = q + n + 1
            if dt.date(following // 4, (following % 4) * 3 + 1, 1) > scope.date_to:
                continue  # that quarter hasn't ended yet
            tests = {}
            for index in range(3 * (q + n), 3 * (q + n) + 3):
                word, bit = layout.month_bit(index)
                tests[word] = tests.get(word, 0) | (1 << bit)
            active = " OR ".join(f"(COALESCE(m.mm{w}, 0) & {mask}) <> 0" for w, mask in tests.items())
            columns.append(f"SUM(CASE WHEN c.q = {q} AND ({active}) THEN 1 ELSE 0 END)")
            columns.append(f"SUM(CASE WHEN c.q = {q} AND ({active}) THEN c.rkey ELSE 0 END)")
            wanted.append((q, n))
    sizes = {sql.as_int(r.q): (sql.as_int(r.size), sql.as_int(r.k)) for r in ws.run(
        f"SELECT {quarter} AS q, COUNT(*) AS size, SUM(pe.rkey) AS k FROM rx_people pe "
        f"WHERE {COHORT} GROUP BY 1")}
    found = {}
    if columns:
        row = ws.run(f"""
            SELECT {', '.join(columns)}
            FROM (SELECT pe.account_id, pe.rkey, {quarter} AS q FROM rx_people pe
                  WHERE {COHORT}) c
            LEFT JOIN rx_members m ON m.account_id = c.account_id
        """).one()
        values = [sql.as_int(v) for v in row]
        found = {want: (values[2 * i], values[2 * i + 1]) for i, want in enumerate(wanted)}
    result = []
    for q in cohorts:
        size, size_key = sizes[q]
        after = {f"after_{n}q": share(found[(q, n)][0], size, found[(q, n)][1], size_key)
                 if (q, n) in found else None for n in (1, 2, 4)}
        result.append(RetentionRow(quarter_label(q), size, after))
    return result


