"""The member-level research extract (members.csv): one row per member, protected.

Per member of the bank who joined before `to` (evaluators left out): a
pseudonym, the quasi-identifiers (group, role, status at `to`, joining quarter,
age band), and what they did in the range with the report's filters — whole
hours given and received, exchanges, distinct partners, and the months of their
first and last exchange. No names, contacts, skills, free text or ids.

Protections (docs/research-extract.md):
- The pseudonym is HMAC-SHA256 of the member's id under a key of the extract's
  scope (one research grant, or the bank's coordinators), cut to 16 hex digits:
  stable within the scope, unrelated between scopes, not reversible without the key.
- Rows are sorted by pseudonym, so their order is as unrelated between scopes as
  the pseudonyms are, and says nothing about who joined first.
- Dates are months (exchanges) and quarters (joining); ages are bands.
- Minutes are rounded to whole hours (half an hour rounds up).
- The quasi-identifiers are generalised (generalise.py) until every combination
  occurs at least k times.

One SQL statement computes the facts (the same pair and member aggregates as the
report); protection needs every row before the first is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import NamedTuple

from . import sql
from .generalise import QUASI_IDENTIFIERS, generalise
from .workspace import MEMBERS_FROM_TIES, ties_select

COLUMNS = ("pseudonym", *QUASI_IDENTIFIERS, "hours_given", "hours_received", "exchanges",
           "partners", "first_exchange_month", "last_exchange_month")
AGE_BANDS = ((25, "under 25"), (45, "25-44"), (65, "45-64"), (75, "65-74"))


class MemberFacts(NamedTuple):
    """One member's exact figures, before any protection (never published as they are)."""

    member_id: int
    group: str
    role: str
    status: str
    joined_on: dt.date
    birth_year: int | None
    given: int
    received: int
    exchanges: int
    partners: int
    first_on: dt.date | None
    last_on: dt.date | None


def pseudonym(key: str, member_id: int) -> str:
    return hmac.new(key.encode(), f"member:{member_id}".encode(), hashlib.sha256).hexdigest()[:16]


def scoped_key(secret: str, scope: str) -> str:
    """A pseudonym key of its own for one scope, from a secret that is never shown."""
    return hmac.new(secret.encode(), f"extract:{scope}".encode(), hashlib.sha256).hexdigest()


def age_band(birth_year, on: dt.date) -> str:
    if birth_year is None:
        return "unknown"
    age = on.year - int(birth_year)
    if age < 0 or age > 130:
        return "unknown"
    for limit, label in AGE_BANDS:
        if age < limit:
            return label
    return "75 and over"


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month(day: dt.date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def whole_hours(minutes: int) -> int:
    """Minutes as whole hours, half an hour rounding up."""
    return (minutes + 30) // 60


def members_sql(scope) -> str:
    return f"""
    WITH x AS ({ties_select(scope)}),
    m AS ({MEMBERS_FROM_TIES.format(ties="x")})
    SELECT mem.id AS member_id, mem.member_group AS grp, mem.role AS role,
           {sql.STATUS_AT_TO} AS status, mem.joined_on AS joined_on, mem.birth_year AS birth_year,
           COALESCE(m.given, 0) AS given, COALESCE(m.received, 0) AS received,
           COALESCE(m.n_given, 0) + COALESCE(m.n_received, 0) AS exchanges,
           COALESCE(m.partners, 0) AS partners, m.first_on AS first_on, m.last_on AS last_on
    FROM accounts a
    JOIN members mem ON mem.id = a.member_id AND mem.bank_id = :bank_id
    LEFT JOIN m ON m.account_id = a.id
    WHERE a.bank_id = :bank_id AND mem.role <> 'evaluator' AND mem.joined_on < :date_to
    ORDER BY mem.id
    """


def member_facts(scope) -> list[MemberFacts]:
    """Every member's exact figures for the scope, by id."""
    return [MemberFacts(row.member_id, row.grp, row.role, row.status or "",
                        sql.as_date(row.joined_on),
                        None if row.birth_year is None else int(row.birth_year),
                        sql.as_int(row.given), sql.as_int(row.received), sql.as_int(row.exchanges),
                        sql.as_int(row.partners), sql.as_date(row.first_on),
                        sql.as_date(row.last_on))
            for row in sql.execute(members_sql(scope), scope.binds())]


def protected_rows(facts: list[MemberFacts], *, key: str, k: int, on: dt.date) -> list[tuple]:
    """The published rows, in COLUMNS order, sorted by pseudonym; none below k people."""
    named = sorted(((pseudonym(key, f.member_id), f) for f in facts), key=lambda pair: pair[0])
    combinations = generalise([(f.group, f.role, f.status, quarter(f.joined_on),
                                age_band(f.birth_year, on)) for _name, f in named], k)
    if combinations is None:
        return []
    return [(name, *combination, whole_hours(f.given), whole_hours(f.received), f.exchanges,
             f.partners, month(f.first_on), month(f.last_on))
            for (name, f), combination in zip(named, combinations, strict=True)]
