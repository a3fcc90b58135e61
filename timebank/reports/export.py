"""The pseudonymised member-level export (members.csv), streamed row by row.

Per member of the bank who joined before `to` (evaluators left out): a keyed
hash instead of any id, group, role, status at `to`, the month they joined, an
age band, and what they did in the range with the report's filters — minutes
given and received, exchanges, distinct partners, first and last exchange.
No names, contacts, skills or free text.

The pseudonym is HMAC-SHA256 of the member's id under the bank's own
`pseudonym_key`, truncated to 16 hex digits: stable within a bank (files of two
periods can be joined), meaningless outside it, and not reversible without the
key. Rows are ordered by a keyed scramble of the id, so that the order does not
give away who joined first.

One SQL statement computes everything (the same pair and member aggregates as
the report); the rows are fetched in batches with `yield_per` and written one at
a time, so memory doesn't grow with the number of members.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from . import sql
from .workspace import MEMBERS_FROM_TIES, ties_select

COLUMNS = ("pseudonym", "group", "role", "status", "joined_month", "age_band",
           "minutes_given", "minutes_received", "exchanges", "partners",
           "first_exchange", "last_exchange")
AGE_BANDS = ((25, "under 25"), (45, "25-44"), (65, "45-64"), (75, "65-74"))
ORDER_MODULUS = 2**31 - 1  # a prime
BATCH = 1000


def pseudonym(key: str, member_id: int) -> str:
    return hmac.new(key.encode(), f"member:{member_id}".encode(), hashlib.sha256).hexdigest()[:16]


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


def _order_coefficients(key: str) -> dict:
    """Five numbers below the modulus, from the bank's key, for the row order."""
    digest = hmac.new(key.encode(), b"order", hashlib.sha256).digest()
    return {f"order_{name}": int.from_bytes(digest[4 * i:4 * i + 4], "big") % ORDER_MODULUS
            for i, name in enumerate("abcde")}


# A keyed quadratic of the id, modulo a prime: consecutive ids land far apart. Every
# product stays below 2**62, so both engines compute it in 64-bit integers.
ORDER = ("((((CAST(mem.id AS BIGINT) * :order_a + :order_b) % :order_m) "
         "* ((CAST(mem.id AS BIGINT) * :order_c + :order_d) % :order_m) + :order_e) % :order_m)")


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
    JOIN members mem ON mem.id = a.member_id
    LEFT JOIN m ON m.account_id = a.id
    WHERE a.bank_id = :bank_id AND mem.role <> 'evaluator' AND mem.joined_on < :date_to
    ORDER BY {ORDER}, mem.id
    """


def member_rows(scope, key: str):
    """Yield one tuple per member, in COLUMNS order."""
    binds = {**scope.binds(), **_order_coefficients(key), "order_m": ORDER_MODULUS}
    result = sql.execute(members_sql(scope), binds, yield_per=BATCH)
    try:
        for row in result:
            first_on, last_on = sql.as_date(row.first_on), sql.as_date(row.last_on)
            joined = sql.as_date(row.joined_on)
            yield (
                pseudonym(key, row.member_id), row.grp, row.role, row.status or "",
                joined.strftime("%Y-%m"), age_band(row.birth_year, scope.date_to),
                sql.as_int(row.given), sql.as_int(row.received), sql.as_int(row.exchanges),
                sql.as_int(row.partners),
                first_on.isoformat() if first_on else "", last_on.isoformat() if last_on else "",
            )
    finally:
        result.close()
