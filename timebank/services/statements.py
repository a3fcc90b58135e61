"""A member's statement: every posting on their account with the balance after it."""

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from ..models import Account, JournalEntry, Transfer
from . import members, policy
from .paging import paginate


def statement_query(account_id, *, date_from=None, date_to=None):
    """Rows newest first; `balance_after` runs over the whole history, before any filter."""
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
            signed.label("minutes"),
            func.sum(signed).over(order_by=(JournalEntry.seq, Transfer.position))
            .label("balance_after"),
            JournalEntry.description.label("description"),
        )
        .join(JournalEntry, JournalEntry.id == Transfer.entry_id)
        .join(other, other.id == counterparty_account)
        .where(or_(Transfer.debit_account_id == account_id,
                   Transfer.credit_account_id == account_id))
        .subquery()
    )
    query = select(history.c.entry_id, history.c.occurred_on, history.c.posted_at,
                   history.c.kind, history.c.counterparty_id, history.c.minutes,
                   history.c.balance_after, history.c.description)
    if date_from is not None:
        query = query.where(history.c.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(history.c.occurred_on < date_to)
    return query.order_by(history.c.seq.desc(), history.c.position.desc())


def statement(actor, member_id, *, date_from=None, date_to=None, page=1, per_page=20):
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.statement", member)
    return paginate(statement_query(member.account.id, date_from=date_from, date_to=date_to),
                    page=page, per_page=per_page, scalars=False)
