"""Shared by the research extract tests: reading the CSV, the quasi-identifiers, a crafted bank."""

import csv
import datetime as dt
import io
from collections import Counter

from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.reports.generalise import QUASI_IDENTIFIERS, matches
from timebank.services import banks, ledger, members

NOW = dt.datetime(2026, 7, 2, 9, 0)
MONTHS = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 7, 1)}


def read_csv(lines) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def combinations(rows) -> Counter:
    return Counter(tuple(row[c] for c in QUASI_IDENTIFIERS) for row in rows)


def smallest_class(rows) -> int:
    return min(combinations(rows).values())


def candidates(rows, true_values: dict) -> list[dict]:
    """The rows a person with these true quasi-identifiers could be."""
    return [row for row in rows
            if all(matches(row[c], c, true_values[c]) for c in QUASI_IDENTIFIERS)]


def crafted_bank(*, slug="odd", threshold=5):
    """A bank of people who stand out: the one coordinator, a lone organisation, a lone
    professional of 80, and twelve citizens of different ages who joined in different quarters."""
    bank = banks.create_bank(slug=slug, name="Odd Time Bank", suppression_threshold=threshold,
                             now=dt.datetime(2024, 1, 1, 9))
    people = {}

    def add(key, group, role, joined, birth_year):
        member = members.create_member(bank, name=f"Person {key}", group=group, role=role,
                                       status="active", email=f"{key}@{slug}.example.org",
                                       now=joined)
        member.birth_year = birth_year
        people[key] = member

    add("coordinator", "professional", "coordinator", dt.datetime(2024, 2, 1, 9), 1970)
    add("organisation", "organisation", "member", dt.datetime(2024, 5, 1, 9), None)
    add("old", "professional", "member", dt.datetime(2025, 8, 1, 9), 1946)
    add("evaluator", "professional", "evaluator", dt.datetime(2024, 1, 1, 9), 1980)
    for i in range(12):
        add(f"c{i}", "citizen", "member", dt.datetime(2024 + i // 8, 1 + (i * 3) % 12, 1, 9),
            1950 + 5 * i)
    db.session.commit()
    for i in range(12):
        give(bank, people["organisation"], people[f"c{i}"], 60 + 15 * i,
             dt.date(2026, 1 + i % 6, 3 + i))
    give(bank, people["old"], people["c0"], 95, dt.date(2026, 2, 14))
    give(bank, people["coordinator"], people["c1"], 40, dt.date(2026, 3, 9))
    return bank, people


def give(bank, provider, receiver, minutes, day):
    ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=day, transfers=(
        Transfer(receiver.account.id, provider.account.id, minutes),)),
        now=dt.datetime.combine(day, dt.time(18, 0)))
