"""Simple alerts a coordinator sees beside each member: who may need a word.

- near_floor: the balance is within an hour (or a fifth of the way) of the lowest allowed;
- only_gives / only_receives: has exchanged, but only in one direction;
- dormant: has exchanged before, but not in the bank's dormant period.

Counted over exchanges and group credits that still stand (reversed entries
and their reversals left out; gifts to and grants from the pool too). This is
one small function on purpose, so that a richer source (the reciprocity
reports) can take its place without touching the pages.
"""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..ledger import EntryKind
from ..models import Bank, JournalEntry, Transfer
from . import policy

ALERTS = ("near_floor", "only_gives", "only_receives", "dormant")
COUNTED = (EntryKind.EXCHANGE.value, EntryKind.GROUP_CREDIT.value)


def _near_floor(account) -> bool:
    margin = max(60, abs(account.floor_minutes) // 5)
    return account.balance - account.floor_minutes <= margin


def _sums(bank_id, account_ids, side):
    """{account id: (minutes, last date)} on one side (credit = gave, debit = received)."""
    reversal = aliased(JournalEntry)
    column = getattr(Transfer, side)
    rows = db.session.execute(
        select(column, func.sum(Transfer.minutes), func.max(Transfer.occurred_on))
        .join(JournalEntry, JournalEntry.id == Transfer.entry_id)
        .outerjoin(reversal, reversal.reverses_id == JournalEntry.id)
        .where(Transfer.bank_id == bank_id, column.in_(account_ids),
               JournalEntry.kind.in_(COUNTED), reversal.id.is_(None))
        .group_by(column))
    return {account_id: (minutes or 0, last) for account_id, minutes, last in rows}


def member_alerts(actor, members, *, now) -> dict[int, list[str]]:
    """{member id: [alert, …]} for the given members of the actor's bank."""
    policy.authorize(actor, "member.manage")
    accounts = {m.account.id: m for m in members
                if m.bank_id == actor.bank_id and m.account is not None}
    if not accounts:
        return {}
    bank = db.session.get(Bank, actor.bank_id)
    gave = _sums(bank.id, list(accounts), "credit_account_id")
    received = _sums(bank.id, list(accounts), "debit_account_id")
    quiet_since = now.date() - dt.timedelta(days=bank.dormant_days)
    found = {}
    for account_id, member in accounts.items():
        given_minutes, last_given = gave.get(account_id, (0, None))
        received_minutes, last_received = received.get(account_id, (0, None))
        alerts = []
        if _near_floor(member.account):
            alerts.append("near_floor")
        if given_minutes and not received_minutes:
            alerts.append("only_gives")
        if received_minutes and not given_minutes:
            alerts.append("only_receives")
        last = max(d for d in (last_given, last_received, dt.date.min) if d is not None)
        if (given_minutes or received_minutes) and last < quiet_since:
            alerts.append("dormant")
        found[member.id] = alerts
    return found
