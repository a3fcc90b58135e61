"""SQL shared by every report: which transfers are exchanges, the filters, dialect details.

In reports an *exchange* is one transfer between two member accounts from an
entry of kind `exchange` or `group_credit`, neither reversed nor a reversal
(the report definitions). The scan expresses this without joining `journal_entries`
for each transfer, which would double the cost of the one pass over
`transfers` that every report makes:

- the community pool is excluded by account id; donations (member → pool) and
  grants (pool → member) always involve the pool, as do group credits paid
  from it, so excluding the pool excludes every donation and grant;
- reversal entries are exactly those with `reverses_id` set (a CHECK constraint
  says so), and the entries they reverse are the values of `reverses_id`: both
  come from the unique index on `reverses_id`, a short list read once per
  statement, and the scan leaves out transfers whose entry is in it.

The provider is the credit account's member (they gave time), the receiver the
debit account's member.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import Date, DateTime, bindparam, text

from ..extensions import db

# The entries that take no part in reports: reversals and the entries they reverse.
# `reverses_id > 0` reads the short unique index on reverses_id (ids are positive);
# other banks' ids in the list are harmless, as a transfer's entry is of its own bank.
REVERSAL_RELATED = (
    "SELECT je.id FROM journal_entries je WHERE je.reverses_id > 0 "
    "UNION ALL "
    "SELECT je.reverses_id FROM journal_entries je WHERE je.reverses_id > 0"
)


def not_reversal_related(t: str = "t") -> str:
    """The same test, entry by entry through the two indexes on journal_entries: for the
    few transfers of one account (the pool's), where the list of every reversal, read
    whole for each side, cost more than the transfers themselves."""
    return (f"NOT EXISTS (SELECT 1 FROM journal_entries je WHERE je.reverses_id = {t}.entry_id) "
            f"AND NOT EXISTS (SELECT 1 FROM journal_entries je WHERE je.id = {t}.entry_id "
            "AND je.reverses_id > 0)")


# Accounts of the bank whose member is in a group (for the provider and receiver filters).
GROUP_ACCOUNTS = (
    "SELECT ga.id FROM accounts ga JOIN members gm ON gm.id = ga.member_id "
    "AND gm.bank_id = :bank_id WHERE ga.bank_id = :bank_id AND gm.member_group = :{param}"
)

# A member's status as it was just before `to` (members aliased `mem`).
STATUS_AT_TO = (
    "(SELECT s.status FROM member_status_changes s "
    "WHERE s.member_id = mem.id AND s.changed_at < :to_at "
    "ORDER BY s.changed_at DESC, s.id DESC LIMIT 1)"
)

LEVEL_ACTIVITIES = "SELECT la.id FROM activities la WHERE la.bank_id = :bank_id AND la.level = :level"

TYPES = {
    "date_from": Date(),
    "date_to": Date(),
    "dormant_from": Date(),
    "day30": Date(),
    "day90": Date(),
    "to_at": DateTime(),
    "head_from": Date(),
    "head_to": Date(),
    "tail_from": Date(),
    "tail_to": Date(),
}
BIND = re.compile(r"(?<![:\w]):(\w+)")


def dialect() -> str:
    return db.session.get_bind().dialect.name


def month_index(column: str, name: str) -> str:
    """Months since year 0 (year * 12 + month - 1) as an integer: month arithmetic in SQL."""
    if name == "postgresql":  # date_part is a float: cheaper than EXTRACT's numeric
        return (f"(CAST(date_part('year', {column}) AS INTEGER) * 12 "
                f"+ CAST(date_part('month', {column}) AS INTEGER) - 1)")
    return (f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12 "
            f"+ CAST(substr({column}, 6, 2) AS INTEGER) - 1)")


def month_bounds(column: str, name: str) -> tuple[str, str]:
    """The first day of the month of a date column and of the month after, as dates that
    compare with the column (SQLite keeps dates as ISO text)."""
    if name == "postgresql":
        start = f"date_trunc('month', {column})"
        return f"CAST({start} AS DATE)", f"CAST({start} + INTERVAL '1 month' AS DATE)"
    return f"date({column}, 'start of month')", f"date({column}, 'start of month', '+1 month')"


def days_between(later: str, earlier: str, name: str) -> str:
    if name == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def exchange_conditions(scope, t: str = "t", *, dates: bool = True,
                        by_entry: bool = False) -> list[str]:
    """WHERE conditions that make the rows of `transfers` aliased `t` the report's exchanges.
    `by_entry`: reversals looked up entry by entry (not_reversal_related), for reads of a
    few accounts' transfers through their indexes."""
    conditions = [
        f"{t}.bank_id = :bank_id",
        f"{t}.credit_account_id <> :pool_id",
        f"{t}.debit_account_id <> :pool_id",
        not_reversal_related(t) if by_entry else f"{t}.entry_id NOT IN ({REVERSAL_RELATED})",
    ]
    if dates:
        conditions += [f"{t}.occurred_on >= :date_from", f"{t}.occurred_on < :date_to"]
    conditions += filter_conditions(scope, t)
    return conditions


def filter_conditions(scope, t: str = "t") -> list[str]:
    conditions = []
    if scope.provider_group:
        conditions.append(
            f"{t}.credit_account_id IN ({GROUP_ACCOUNTS.format(param='provider_group')})")
    if scope.receiver_group:
        conditions.append(
            f"{t}.debit_account_id IN ({GROUP_ACCOUNTS.format(param='receiver_group')})")
    if scope.category_id is not None:
        conditions.append(f"{t}.category_id = :category_id")
    if scope.activity_id is not None:
        conditions.append(f"{t}.activity_id = :activity_id")
    if scope.level:
        conditions.append(f"{t}.activity_id IN ({LEVEL_ACTIVITIES})")
    return conditions


def where(conditions) -> str:
    return " AND ".join(conditions)


def statement(sql: str):
    """A text() statement whose date parameters are typed, so that each engine gets its form."""
    names = set(BIND.findall(sql))
    clause = text(sql)
    typed = [bindparam(n, type_=TYPES[n]) for n in sorted(names) if n in TYPES]
    return clause.bindparams(*typed) if typed else clause


def execute(sql: str, binds: dict, **options):
    names = set(BIND.findall(sql))
    params = {n: binds[n] for n in names}
    if options:
        return db.session.execute(statement(sql), params, execution_options=options)
    return db.session.execute(statement(sql), params)


# --- values as they come back from either engine -------------------------------------------

def as_int(value) -> int:
    return 0 if value is None else int(value)


def as_float(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else float(value)


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def raw_rows(statement: str, binds: dict | None = None, *, binary: bool = False) -> list[tuple]:
    """The rows of a statement as the driver gives them: plain tuples, for the few places
    that read many thousand rows (workspace.or_tie_masks, member_rows). With `binds`, the
    statement is executed as `execute` does (typed dates) and its rows read from the
    driver's cursor. With `binary` too, PostgreSQL sends the rows in its binary format,
    which the driver reads faster than text (the same Python values)."""
    if binary and binds is not None and dialect() == "postgresql":
        return _binary_rows(statement, binds)
    if binds is not None:
        result = execute(statement, binds)
        try:
            return result.cursor.fetchall()
        finally:
            result.close()
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(statement)
        return cursor.fetchall()
    finally:
        cursor.close()


def _binary_rows(statement: str, binds: dict) -> list[tuple]:
    """PostgreSQL: the statement's :name parameters as the driver's %(name)s, the dates as
    they are (psycopg adapts them as SQLAlchemy's Date does), on a binary cursor of the
    session's connection (its transaction, its temporary tables)."""
    params = {name: binds[name] for name in set(BIND.findall(statement))}
    cursor = db.session.connection().connection.cursor(binary=True)
    try:
        cursor.execute(BIND.sub(r"%(\1)s", statement.replace("%", "%%")), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def insert_many(statement: str, rows: list[tuple]) -> None:
    """One statement for many rows, in the driver's own parameter style (executemany)."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()
