"""Posting journal entries: the only code that writes to the journal.

`record_posting` does the work inside the caller's transaction, so that an
exchange changes status and posts its entry atomically; `post` is the use case
that commits. Every posting:

1. moves each account's posted counters with one conditional UPDATE, in account
   id order, whose WHERE clause carries the floor and ceiling (I4); a row count
   of zero means the posting is refused and the transaction rolls back;
2. takes the bank's ledger head under a row lock, extends the hash chain (I6);
3. inserts the entry and its transfers (I1), which triggers make immutable (I5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..ledger import (
    CreditLimitExceeded,
    EntryKind,
    InvalidPosting,
    Posting,
    canonical_entry,
    chain_hash,
    net_changes,
    reversal_transfers,
)
from ..ledger import Transfer as TransferSpec
from ..models import Account, Exchange, JournalEntry, LedgerHead, Transfer
from .errors import InvalidTransition, NotFound
from .transaction import is_unique_violation, unit_of_work

accounts = Account.__table__
entries = JournalEntry.__table__
transfers = Transfer.__table__
heads = LedgerHead.__table__


@dataclass(frozen=True)
class PostedEntry:
    id: int
    seq: int
    hash: str
    posted_at: dt.datetime


def _move_counters(bank_id: int, posting: Posting) -> None:
    for account_id, (debits, credits) in net_changes(posting.transfers).items():
        new_balance = (accounts.c.credits_posted + credits) - (accounts.c.debits_posted + debits)
        result = db.session.execute(
            update(accounts)
            .where(
                accounts.c.id == account_id,
                accounts.c.bank_id == bank_id,
                new_balance >= accounts.c.floor_minutes,
                or_(accounts.c.ceiling_minutes.is_(None), new_balance <= accounts.c.ceiling_minutes),
            )
            .values(
                debits_posted=accounts.c.debits_posted + debits,
                credits_posted=accounts.c.credits_posted + credits,
            )
        )
        if result.rowcount != 1:
            _explain_refusal(bank_id, account_id, credits - debits)


def _explain_refusal(bank_id: int, account_id: int, change: int):
    row = db.session.execute(
        select(
            accounts.c.bank_id,
            accounts.c.debits_posted,
            accounts.c.credits_posted,
            accounts.c.floor_minutes,
            accounts.c.ceiling_minutes,
        ).where(accounts.c.id == account_id)
    ).first()
    if row is None or row.bank_id != bank_id:
        raise InvalidPosting(f"Account {account_id} is not an account of this bank.", "account")
    raise CreditLimitExceeded(
        account_id,
        row.credits_posted - row.debits_posted,
        change,
        row.floor_minutes,
        row.ceiling_minutes,
    )


def _extend_chain(bank_id: int, posting: Posting, posted_at: dt.datetime) -> tuple[int, str]:
    head = db.session.execute(
        select(heads.c.last_seq, heads.c.last_hash)
        .where(heads.c.bank_id == bank_id)
        .with_for_update()
    ).first()
    if head is None:
        raise NotFound("No such time bank.")
    seq = head.last_seq + 1
    canonical = canonical_entry(
        bank_id=bank_id,
        seq=seq,
        kind=posting.kind,
        occurred_on=posting.occurred_on,
        posted_at=posted_at,
        description=posting.description,
        reverses_id=posting.reverses_id,
        exchange_id=posting.exchange_id,
        activity_id=posting.activity_id,
        category_id=posting.category_id,
        transfers=[(t.debit, t.credit, t.minutes) for t in posting.transfers],
    )
    digest = chain_hash(head.last_hash, canonical)
    db.session.execute(
        update(heads).where(heads.c.bank_id == bank_id).values(last_seq=seq, last_hash=digest)
    )
    return seq, digest


def record_posting(
    bank_id: int, posting: Posting, *, created_by_id: int | None, now: dt.datetime
) -> PostedEntry:
    """Write `posting` as one journal entry within the current transaction."""
    db.session.flush()
    posted_at = now.replace(tzinfo=None) if now.tzinfo else now
    _move_counters(bank_id, posting)
    seq, digest = _extend_chain(bank_id, posting, posted_at)
    entry_id = db.session.execute(
        insert(entries)
        .values(
            bank_id=bank_id,
            seq=seq,
            kind=str(posting.kind),
            occurred_on=posting.occurred_on,
            posted_at=posted_at,
            description=posting.description or "",
            reverses_id=posting.reverses_id,
            exchange_id=posting.exchange_id,
            activity_id=posting.activity_id,
            category_id=posting.category_id,
            created_by_id=created_by_id,
            hash=digest,
        )
        .returning(entries.c.id)
    ).scalar_one()
    db.session.execute(
        insert(transfers),
        [
            {
                "bank_id": bank_id,
                "entry_id": entry_id,
                "position": position,
                "debit_account_id": t.debit,
                "credit_account_id": t.credit,
                "minutes": t.minutes,
                "occurred_on": posting.occurred_on,
                "category_id": posting.category_id,
                "activity_id": posting.activity_id,
            }
            for position, t in enumerate(posting.transfers, start=1)
        ],
    )
    return PostedEntry(entry_id, seq, digest, posted_at)


def refused_twice(error: IntegrityError) -> InvalidTransition | None:
    """The database's own guard against posting an exchange or a reversal twice (I5, I8)."""
    if not is_unique_violation(error):
        return None
    text = str(error.orig)
    if "exchange_id" in text:
        return InvalidTransition("This exchange has already been posted.")
    if "reverses_id" in text:
        return InvalidTransition("This entry has already been reversed.")
    return None


def post(
    bank_id: int, posting: Posting, *, created_by_id: int | None = None, now: dt.datetime
) -> PostedEntry:
    """Post one journal entry in its own transaction: all of it, or nothing."""
    try:
        with unit_of_work():
            return record_posting(bank_id, posting, created_by_id=created_by_id, now=now)
    except IntegrityError as error:
        raise (refused_twice(error) or error) from error


def reversal_posting(entry: JournalEntry, *, reason: str, occurred_on: dt.date) -> Posting:
    if entry.kind == EntryKind.REVERSAL:
        raise InvalidTransition("A reversal cannot itself be reversed; post a new entry instead.")
    return Posting(
        kind=EntryKind.REVERSAL,
        occurred_on=occurred_on,
        transfers=reversal_transfers(
            TransferSpec(t.debit_account_id, t.credit_account_id, t.minutes)
            for t in entry.transfers
        ),
        description=reason,
        reverses_id=entry.id,
        activity_id=entry.activity_id,
        category_id=entry.category_id,
    )


def record_reversal(
    bank_id: int, entry_id: int, *, reason: str, created_by_id: int | None, now: dt.datetime
) -> PostedEntry:
    """Reverse a posted entry within the current transaction (invariant I5)."""
    entry = db.session.get(JournalEntry, entry_id)
    if entry is None or entry.bank_id != bank_id:
        raise NotFound("No such journal entry.")
    already = db.session.execute(
        select(entries.c.id).where(entries.c.reverses_id == entry_id)
    ).first()
    if already is not None:
        raise InvalidTransition("This entry has already been reversed.")
    posting = reversal_posting(entry, reason=reason, occurred_on=entry.occurred_on)
    posted = record_posting(bank_id, posting, created_by_id=created_by_id, now=now)
    if entry.exchange_id is not None:
        db.session.execute(
            update(Exchange.__table__)
            .where(Exchange.__table__.c.id == entry.exchange_id)
            .values(status="reversed", updated_at=posted.posted_at)
        )
    return posted


def reverse(
    bank_id: int, entry_id: int, *, reason: str, created_by_id: int | None = None, now
) -> PostedEntry:
    try:
        with unit_of_work():
            return record_reversal(
                bank_id, entry_id, reason=reason, created_by_id=created_by_id, now=now
            )
    except IntegrityError as error:
        raise (refused_twice(error) or error) from error
