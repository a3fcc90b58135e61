"""A second, plain-Python reading of the report definitions, to check the SQL against on random banks.

It works from the bank as it was generated (who joined when, which entries were
posted and which reversed), not from the database, and follows the definitions
in the words of timebank/reports/reciprocity.py's docstring, one loop at a time:
slow and obvious, where the SQL is fast and folded. Only tests use it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

GROUPS = ("citizen", "professional", "organisation")


@dataclass
class Person:
    group: str
    role: str
    joined: dt.datetime
    statuses: list  # [(changed_at, status)], the first at joining
    floor: int = -10**9  # minutes


@dataclass
class Entry:
    kind: str  # exchange, group_credit, donation, grant
    day: dt.date
    transfers: list  # [(provider, receiver, minutes)]: credit, debit; "pool" for the pool,
    #                  which "gives" a donation (it is credited) and "receives" a grant
    category: str | None = None
    activity: str | None = None
    reversed: bool = False


@dataclass
class Bank:
    people: dict  # key -> Person
    entries: list
    levels: dict = field(default_factory=dict)  # activity name -> level
    categories: tuple = ()


@dataclass
class Query:
    date_from: dt.date
    date_to: dt.date
    dormant_days: int = 90
    provider_group: str | None = None
    receiver_group: str | None = None
    category: str | None = None
    activity: str | None = None
    level: str | None = None


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    return (values[(n - 1) // 2] + values[n // 2]) / 2


def gini(values):
    values = sorted(values)
    n, whole = len(values), sum(values)
    if not n or not whole:
        return None
    return 2 * sum(i * x for i, x in enumerate(values, 1)) / (n * whole) - (n + 1) / n


def ratio(part, whole):
    return part / whole if whole else None


def balance(bank, key, *, before=None):
    """Minutes given less minutes received, over entries not reversed (before a day)."""
    total = 0
    for entry in bank.entries:
        if entry.reversed or (before is not None and entry.day >= before):
            continue
        for provider, receiver, minutes in entry.transfers:
            total += minutes if provider == key else -minutes if receiver == key else 0
    return total


def month_of(day):
    return day.year * 12 + day.month - 1


class Reading:
    """Every figure for one bank and query, worked out from the generated entries."""

    def __init__(self, bank: Bank, query: Query):
        self.bank, self.q = bank, query
        self.to_at = dt.datetime.combine(query.date_to, dt.time.min)
        self.exchanges = [x for x in self._exchanges() if query.date_from <= x[3] < query.date_to]
        self.base = {k for k, p in bank.people.items()
                     if p.role != "evaluator" and self.status_at_to(p) == "active"}

    # --- who and what counts ------------------------------------------------------------

    def status_at_to(self, person):
        before = [(at, status) for at, status in person.statuses if at < self.to_at]
        return max(before, key=lambda change: change[0])[1] if before else None

    def ever_active(self, person):
        return any(at < self.to_at and status == "active" for at, status in person.statuses)

    def group(self, key):
        return self.bank.people[key].group

    def _exchanges(self):
        """(provider, receiver, minutes, day, category, activity) of every transfer between
        members, neither reversed nor a reversal, that passes the filters; any date."""
        q = self.q
        for entry in self.bank.entries:
            if entry.reversed or entry.kind not in ("exchange", "group_credit"):
                continue
            level = self.bank.levels.get(entry.activity)
            for provider, receiver, minutes in entry.transfers:
                if q.provider_group and self.group(provider) != q.provider_group:
                    continue
                if q.receiver_group and self.group(receiver) != q.receiver_group:
                    continue
                if q.category and entry.category != q.category:
                    continue
                if q.activity and entry.activity != q.activity:
                    continue
                if q.level and level != q.level:
                    continue
                yield provider, receiver, minutes, entry.day, entry.category, entry.activity

    @cached_property
    def took_part(self) -> dict:
        """Per person who exchanged in the range: minutes given and received, partners, days."""
        people = {}
        for provider, receiver, minutes, day, *_ in self.exchanges:
            for key, gave, got, partner in ((provider, minutes, 0, receiver),
                                            (receiver, 0, minutes, provider)):
                p = people.setdefault(key, {"given": 0, "received": 0, "partners": set(),
                                            "days": []})
                p["given"] += gave
                p["received"] += got
                p["partners"].add(partner)
                p["days"].append(day)
        return people

    def balance_at_to(self, key, *, now=False):
        """The balance at the end of the day before `to` or, with `now`, after every entry."""
        return balance(self.bank, key, before=None if now else self.q.date_to)

    # --- the figures --------------------------------------------------------------------

    def metrics(self) -> dict:
        q, people, base = self.q, self.took_part, self.base
        active = {k: people[k] for k in base if k in people}
        split = self.two_way()
        pairs = {}
        for provider, receiver, minutes, *_ in self.exchanges:
            pairs[(provider, receiver)] = pairs.get((provider, receiver), 0) + minutes
        reciprocated = sum(1 for (u, v) in pairs if (v, u) in pairs)
        r = ratio(reciprocated, len(pairs))
        n = len(people)
        rho = None
        if r is not None and n > 1:
            density = len(pairs) / (n * (n - 1))
            rho = (r - density) / (1 - density) if density < 1 else None
        ties = {tuple(sorted(pair)) for pair in pairs}
        minutes = sum(x[2] for x in self.exchanges)
        givers = sorted((p["given"] for p in active.values() if p["given"] > 0), reverse=True)
        top = math.ceil(len(givers) / 10)
        flows = self.flows()
        back = sum(flows[key]["minutes"] for key in (("professional", "citizen"),
                                                      ("organisation", "citizen")))
        given = sum(flows[key]["minutes"] for key in (("citizen", "professional"),
                                                       ("citizen", "organisation")))
        professionals = {k for k in base if self.group(k) == "professional"}
        receiving = {r for p, r, *_ in self.exchanges
                     if self.group(p) == "citizen" and r in professionals}
        before_to = {key for x in self._exchanges() if x[3] < q.date_to for key in x[:2]}
        dormant_from = q.date_to - dt.timedelta(days=q.dormant_days)
        days, cohort = self.first_exchange_days()
        within = {}
        for limit in (30, 90):
            mark = q.date_to - dt.timedelta(days=limit)
            joined = [k for k in cohort if cohort[k][0] < mark]
            within[limit] = ratio(
                sum(1 for k in joined if cohort[k][1] is not None and cohort[k][1] <= limit),
                len(joined))
        beyond = sum(1 for k in base if abs(self.balance_at_to(k)) > 1500)
        return {
            "hours": minutes / 60,
            "exchanges": len(self.exchanges),
            "members": len(base),
            "active_members": len(active),
            "active_share": ratio(len(active), len(base)),
            "inert_share": ratio(len(base - before_to), len(base)),
            "dormant_members": sum(1 for p in active.values() if max(p["days"]) < dormant_from),
            "give_only_share": ratio(split["give_only"], len(active)),
            "receive_only_share": ratio(split["receive_only"], len(active)),
            "two_way_share": ratio(split["two_way"], len(active)),
            "balance_ratio_median": median(
                min(p["given"], p["received"]) / max(p["given"], p["received"])
                for p in active.values()),
            "direct_reciprocity": r,
            "rho": rho,
            "weighted_reciprocity": ratio(
                sum(min(w, pairs.get((v, u), 0)) for (u, v), w in pairs.items()), minutes),
            "partners_median": median(len(p["partners"]) for p in active.values()),
            "cross_group_exchange_share": ratio(
                sum(1 for p, r, *_ in self.exchanges if self.group(p) != self.group(r)),
                len(self.exchanges)),
            "cross_group_pair_share": ratio(
                sum(1 for u, v in ties if self.group(u) != self.group(v)), len(ties)),
            "gini_given": gini(people.get(k, {"given": 0})["given"] for k in base),
            "gini_received": gini(people.get(k, {"received": 0})["received"] for k in base),
            "top10_given_share": ratio(sum(givers[:top]), sum(givers)) if top else None,
            "citizen_professional_ratio": ratio(back, given),
            "professionals_receiving_share": ratio(len(receiving), len(professionals)),
            "first_exchange_median_days": median(days),
            "first_exchange_within_30_share": within[30],
            "first_exchange_within_90_share": within[90],
            "beyond_25h_share": ratio(beyond, len(base)),
        }

    def alerts(self) -> dict:
        """Members (their keys) who only give, only receive, are near their floor (within a
        tenth of it, or an hour, whichever is more) or are dormant."""
        people, dormant_from = self.took_part, self.q.date_to - dt.timedelta(
            days=self.q.dormant_days)
        found = {"give_only": set(), "receive_only": set(), "near_floor": set(), "dormant": set()}
        for key in self.base:
            p = people.get(key)
            floor = self.bank.people[key].floor
            if self.balance_at_to(key, now=True) - floor <= max(-floor // 10, 60):
                found["near_floor"].add(key)
            if p is None:
                continue
            if p["given"] and not p["received"]:
                found["give_only"].add(key)
            if p["received"] and not p["given"]:
                found["receive_only"].add(key)
            if max(p["days"]) < dormant_from:
                found["dormant"].add(key)
        return found

    def two_way(self) -> dict:
        people = self.took_part
        active = [people[k] for k in self.base if k in people]
        return {"give_only": sum(1 for p in active if p["given"] and not p["received"]),
                "receive_only": sum(1 for p in active if p["received"] and not p["given"]),
                "two_way": sum(1 for p in active if p["given"] and p["received"])}

    def bands(self) -> dict:
        """Members by band: active members by balance ratio and by partners, members by
        their balance at `to` (hours)."""
        people = self.took_part
        active = [people[k] for k in self.base if k in people]

        def ratio_band(p):
            low, high = sorted((p["given"], p["received"]))
            share = low / high
            return ("0" if share == 0 else "0-0.25" if share < 0.25 else "0.25-0.5"
                    if share < 0.5 else "0.5-0.75" if share < 0.75 else "0.75-1")

        def partner_band(p):
            n = len(p["partners"])
            return "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else \
                "6-10" if n <= 10 else "11+"

        def balance_band(key):
            hours = self.balance_at_to(key) / 60
            return ("under -25" if hours < -25 else "-25 to -10" if hours < -10 else
                    "-10 to 0" if hours < 0 else "0 to 10" if hours <= 10 else
                    "10 to 25" if hours <= 25 else "over 25")

        counted = {"balance_ratio_bands": [ratio_band(p) for p in active],
                   "partners_distribution": [partner_band(p) for p in active],
                   "balance_bands": [balance_band(k) for k in self.base]}
        return {table: {band: found.count(band) for band in set(found)}
                for table, found in counted.items()}

    def first_exchange_days(self):
        """Days from joining to the first exchange in the range, per person of the cohort
        (joined in the range, active at some time before `to`, not an evaluator)."""
        people, q = self.took_part, self.q
        cohort = {}
        for key, person in self.bank.people.items():
            joined = person.joined.date()
            if (person.role == "evaluator" or not self.ever_active(person)
                    or not q.date_from <= joined < q.date_to):
                continue
            first = min(people[key]["days"]) if key in people else None
            cohort[key] = (joined, None if first is None else max(0, (first - joined).days))
        return [d for _, d in cohort.values() if d is not None], cohort

    def flows(self) -> dict:
        cells = {(p, r): {"minutes": 0, "exchanges": 0, "providers": set(), "receivers": set()}
                 for p in GROUPS for r in GROUPS}
        for provider, receiver, minutes, *_ in self.exchanges:
            cell = cells[(self.group(provider), self.group(receiver))]
            cell["minutes"] += minutes
            cell["exchanges"] += 1
            cell["providers"].add(provider)
            cell["receivers"].add(receiver)
        for (p, r), cell in cells.items():
            both = cell.pop("providers"), cell.pop("receivers")
            cell["people"] = len(both[0] | both[1]) if p == r else len(both[0]) + len(both[1])
        return cells

    def monthly(self) -> dict:
        q = self.q
        months = range(month_of(q.date_from), month_of(q.date_to - dt.timedelta(days=1)) + 1)
        rows = {m: {"minutes": 0, "exchanges": 0, "people": set()} for m in months}
        for provider, receiver, minutes, day, *_ in self.exchanges:
            row = rows[month_of(day)]
            row["minutes"] += minutes
            row["exchanges"] += 1
            row["people"] |= {provider, receiver}
        return {f"{m // 12:04d}-{m % 12 + 1:02d}": (r["minutes"] / 60, r["exchanges"],
                                                    len(r["people"]))
                for m, r in rows.items()}

    def categories(self) -> dict:
        names = [self.q.category] if self.q.category else list(self.bank.categories)
        if not self.q.category and any(x[4] is None for x in self.exchanges):
            names.append(None)
        rows = {}
        for name in names:
            found = [x for x in self.exchanges if x[4] == name]
            rows[name] = (sum(x[2] for x in found) / 60, len(found),
                          len({k for x in found for k in x[:2]}))
        return rows

    def levels(self) -> dict:
        rows = {}
        for provider, _receiver, minutes, _day, _category, activity in self.exchanges:
            if activity is None:
                continue
            row = rows.setdefault((self.bank.levels[activity], self.group(provider)),
                                  [0, set()])
            row[0] += minutes
            row[1].add(provider)
        return {key: (minutes / 60, len(givers)) for key, (minutes, givers) in rows.items()}

    def retention(self) -> dict:
        q, people = self.q, self.took_part
        _days, cohort = self.first_exchange_days()
        quarters = {}
        for key, (joined, _) in cohort.items():
            quarters.setdefault(month_of(joined) // 3, []).append(key)
        rows = {}
        for quarter, keys in sorted(quarters.items()):
            after = {}
            for n in (1, 2, 4):
                following = quarter + n + 1
                if dt.date(following // 4, following % 4 * 3 + 1, 1) > q.date_to:
                    after[n] = None
                    continue
                months = range(3 * (quarter + n), 3 * (quarter + n) + 3)
                kept = sum(1 for k in keys if k in people
                           and any(month_of(d) in months for d in people[k]["days"]))
                after[n] = kept / len(keys)
            rows[f"{quarter // 4}-Q{quarter % 4 + 1}"] = (len(keys), after)
        return rows

    def pool(self) -> dict:
        q = self.q
        donations, grants = [], []
        for entry in self.bank.entries:
            if entry.reversed or not q.date_from <= entry.day < q.date_to:
                continue
            for provider, receiver, minutes in entry.transfers:
                if provider == "pool":
                    donations.append((receiver, minutes))
                elif receiver == "pool":
                    grants.append((provider, minutes))
        return {"donated_hours": sum(m for _, m in donations) / 60,
                "donations": len(donations), "donors": len({k for k, _ in donations}),
                "granted_hours": sum(m for _, m in grants) / 60, "grants": len(grants),
                "recipients": len({k for k, _ in grants})}
