"""A member's statement: every posting on their account with the balance after it.

Rows are in the order of the day the exchange took place (`occurred_on`), then of posting
(journal sequence, then transfer position), newest first: an exchange recorded late sits
on its own date, not at the top. `balance_after` runs in that same order over the whole
history, so each row's balance is the one before it (the row below) plus its minutes, and
the newest row's is the balance now. For a late-recorded exchange it is therefore the
balance as of that date, which may differ from what the account showed when later-dated
postings were made before it.
"""

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Account, JournalEntry, Member, Transfer
from . import members, policy
from .paging import paginate


def statement_query(account_id, *, date_from=None, date_to=None):
    """Rows newest first by date of the exchange, then posting order; `balance_after` runs in
    that order over the whole history, before any filter."""
    other = aliased(Account)
    signed = case((Transfer.credit_account_id == account_id, Transfer.minutes),
                  else_=-Transfer.minutes)
    counterparty_account = case((Transfer.credit_account_id == account_id,
                                 Transfer.debit_account_id), else_=Transfer.credit_account_id)
    history = (
        select(
            JournalEntry.id.label("entry_id"),
            JournalEntry.seq.label("seq"),
            Transfer.position.label("position"),
            JournalEntry.occurred_on.label("occurred_on"),
            JournalEntry.posted_at.label("posted_at"),
            JournalEntry.kind.label("kind"),
            other.member_id.label("counterparty_id"),
            Member.name.label("counterparty_name"),
            signed.label("minutes"),
            func.sum(signed).over(order_by=(JournalEntry.occurred_on, JournalEntry.seq,
                                            Transfer.position))
            .label("balance_after"),
            JournalEntry.description.label("description"),
        )
        .join(JournalEntry, JournalEntry.id == Transfer.entry_id)
        .join(other, other.id == counterparty_account)
        .outerjoin(Member, Member.id == other.member_id)
        .where(or_(Transfer.debit_account_id == account_id,
                   Transfer.credit_account_id == account_id))
        .subquery()
    )
    query = select(history.c.entry_id, history.c.occurred_on, history.c.posted_at,
                   history.c.kind, history.c.counterparty_id, history.c.counterparty_name,
                   history.c.minutes,
                   history.c.balance_after, history.c.description)
    if date_from is not None:
        query = query.where(history.c.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(history.c.occurred_on < date_to)
    return query.order_by(history.c.occurred_on.desc(), history.c.seq.desc(),
                          history.c.position.desc())


def statement(actor, member_id, *, date_from=None, date_to=None, page=1, per_page=20):
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.statement", member)
    return paginate(statement_query(member.account.id, date_from=date_from, date_to=date_to),
                    page=page, per_page=per_page, scalars=False)


def given_and_received(actor, member_id) -> dict:
    """Minutes the member gave and received in exchanges and group sessions.

    Entries that were reversed, and the reversals themselves, don't count; nor do
    gifts to and grants from the community pool. Pages use it to nudge towards
    reciprocity ("you have given 12 hours: is there something you would like help with?").
    """
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.statement", member)
    account_id = member.account.id
    reversed_ids = select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None),
                                                          JournalEntry.bank_id == member.bank_id)
    counted = (select(func.coalesce(func.sum(Transfer.minutes), 0))
               .join(JournalEntry, JournalEntry.id == Transfer.entry_id)
               .where(JournalEntry.kind.in_(("exchange", "group_credit")),
                      JournalEntry.id.not_in(reversed_ids)))
    given = db.session.scalar(counted.where(Transfer.credit_account_id == account_id))
    received = db.session.scalar(counted.where(Transfer.debit_account_id == account_id))
    return {"given_minutes": int(given or 0), "received_minutes": int(received or 0)}
