"""Posting journal entries: the only code that writes to the journal.

`record_posting` does the work inside the caller's transaction, so that an
exchange changes status and posts its entry atomically; `post` is the use case
that commits. Every posting:

1. moves each account's posted counters with one conditional UPDATE, in account
   id order, whose WHERE clause carries the floor and ceiling (I4); a row count
   of zero means the posting is refused and the transaction rolls back;
2. takes the bank's ledger head under a row lock, extends the hash chain (I6),
   keyed with the current ledger key (ledger_keys);
3. inserts the entry and its transfers (I1), which triggers make immutable (I5),
   and moves the head: on PostgreSQL in one statement, so the head is locked
   for as few round trips as possible.

The head is locked last and held until commit, so postings of one bank are
serialised for as short a time as possible; bench/ledger.py measures it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import BigInteger, bindparam, insert, or_, select, text, update
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
from ..models.record_keys import new_record_key
from ..models.statuses import ExchangeStatus
from .errors import InvalidTransition, NotFound
from .ledger_keys import keyring
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


# The hot path's statements are built once: SQLAlchemy then finds each in its
# compiled cache without rebuilding the expression and its cache key on every
# posting (that rebuilding was most of a posting's Python time).


def _counter_move():
    """Add `debits` and `credits` to one account, only if its limits still hold (I4)."""
    debits = bindparam("debits", type_=BigInteger)
    credits = bindparam("credits", type_=BigInteger)
    new_balance = (accounts.c.credits_posted + credits) - (accounts.c.debits_posted + debits)
    return (
        update(accounts)
        .where(
            accounts.c.id == bindparam("account_id"),
            accounts.c.bank_id == bindparam("bank"),
            new_balance >= accounts.c.floor_minutes,
            or_(accounts.c.ceiling_minutes.is_(None), new_balance <= accounts.c.ceiling_minutes),
        )
        .values(
            debits_posted=accounts.c.debits_posted + debits,
            credits_posted=accounts.c.credits_posted + credits,
        )
    )


MOVE_COUNTERS = _counter_move()
LOCK_HEAD = (
    select(heads.c.last_seq, heads.c.last_hash)
    .where(heads.c.bank_id == bindparam("bank"))
    .with_for_update()
)
INSERT_ENTRY = insert(entries).returning(entries.c.id)
INSERT_TRANSFERS = insert(transfers)
MOVE_HEAD = (
    update(heads)
    .where(heads.c.bank_id == bindparam("bank"))
    .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))
)

# PostgreSQL: the entry, its transfers and the new head in one statement, so that
# the head's row lock is held for two round trips (this and COMMIT) instead of
# four. Data-modifying CTEs all run, in one snapshot; the foreign keys are checked
# at the end of the statement, when the entry exists.
PG_WRITE_ENTRY = text(
    """
    WITH entry AS (
        INSERT INTO journal_entries (bank_id, seq, kind, occurred_on, posted_at, description,
                                     reverses_id, exchange_id, activity_id, category_id,
                                     created_by_id, hash, key_id)
        VALUES (:bank_id, :seq, :kind, :occurred_on, :posted_at, :description,
                :reverses_id, :exchange_id, :activity_id, :category_id, :created_by_id, :hash,
                :key_id)
        RETURNING id, bank_id, occurred_on, category_id, activity_id
    ), head AS (
        UPDATE ledger_heads SET last_seq = :seq, last_hash = :hash WHERE bank_id = :bank_id
    )
    INSERT INTO transfers (bank_id, entry_id, position, debit_account_id, credit_account_id,
                           minutes, occurred_on, category_id, activity_id, record_key)
    SELECT entry.bank_id, entry.id, t.position, t.debit, t.credit, t.minutes,
           entry.occurred_on, entry.category_id, entry.activity_id, t.record_key
    FROM entry, unnest(CAST(:debits AS integer[]), CAST(:credits AS integer[]),
                       CAST(:minutes AS integer[]), CAST(:record_keys AS integer[]))
         WITH ORDINALITY AS t(debit, credit, minutes, record_key, position)
    RETURNING entry_id
    """
)


def _move_counters(conn, bank_id: int, posting: Posting) -> None:
    """One conditional UPDATE per account, in account id order (no deadlocks)."""
    for account_id, (debits, credits) in net_changes(posting.transfers).items():
        result = conn.execute(
            MOVE_COUNTERS,
            {"debits": debits, "credits": credits, "account_id": account_id, "bank": bank_id},
        )
        if result.rowcount != 1:
            _explain_refusal(conn, bank_id, account_id, credits - debits)


def _explain_refusal(conn, bank_id: int, account_id: int, change: int):
    row = conn.execute(
        select(
            accounts.c.bank_id,
            accounts.c.debits_posted,
            accounts.c.credits_posted,
            accounts.c.floor_minutes,
            accounts.c.ceiling_minutes,
        ).where(accounts.c.id == account_id)
    ).first()
    if row is None or row.bank_id != bank_id:
        raise InvalidPosting(_("Account %(id)s is not an account of this bank.", id=account_id),
                             "account")
    raise CreditLimitExceeded(
        account_id,
        row.credits_posted - row.debits_posted,
        change,
        row.floor_minutes,
        row.ceiling_minutes,
    )


def _next_link(conn, bank_id: int, posting: Posting, posted_at: dt.datetime,
               key) -> tuple[int, str]:
    """Lock the bank's ledger head (I6): postings of one bank queue here until commit."""
    head = conn.execute(LOCK_HEAD, {"bank": bank_id}).first()
    if head is None:
        raise NotFound(_("No such time bank."))
    seq = head.last_seq + 1
    canonical = canonical_entry(
        bank_id=bank_id,
        seq=seq,
        kind=posting.kind,
        occurred_on=posting.occurred_on,
        posted_at=posted_at,
        reverses_id=posting.reverses_id,
        exchange_id=posting.exchange_id,
        activity_id=posting.activity_id,
        category_id=posting.category_id,
        transfers=[(t.debit, t.credit, t.minutes) for t in posting.transfers],
    )
    return seq, chain_hash(key, head.last_hash, canonical)


def _write_entry(conn, entry: dict, posting: Posting) -> int:
    """Insert the entry and its transfers (I1, made immutable by triggers: I5); move the head."""
    if conn.dialect.name == "postgresql":
        return conn.execute(
            PG_WRITE_ENTRY,
            {
                **entry,
                "debits": [t.debit for t in posting.transfers],
                "credits": [t.credit for t in posting.transfers],
                "minutes": [t.minutes for t in posting.transfers],
                "record_keys": [new_record_key() for _ in posting.transfers],
            },
        ).scalar()  # one row per transfer, all with the entry's id
    entry_id = conn.execute(INSERT_ENTRY, entry).scalar_one()
    conn.execute(
        INSERT_TRANSFERS,
        [
            {
                "bank_id": entry["bank_id"],
                "entry_id": entry_id,
                "position": position,
                "debit_account_id": t.debit,
                "credit_account_id": t.credit,
                "minutes": t.minutes,
                "occurred_on": entry["occurred_on"],
                "category_id": entry["category_id"],
                "activity_id": entry["activity_id"],
            }
            for position, t in enumerate(posting.transfers, start=1)
        ],
    )
    conn.execute(
        MOVE_HEAD, {"bank": entry["bank_id"], "new_seq": entry["seq"], "new_hash": entry["hash"]}
    )
    return entry_id


def record_posting(
    bank_id: int, posting: Posting, *, created_by_id: int | None, now: dt.datetime
) -> PostedEntry:
    """Write `posting` as one journal entry within the current transaction.

    Statements go straight to the session's connection (Core, no ORM), after
    flushing whatever the caller's ORM changes left pending.
    """
    db.session.flush()  # returns at once when nothing is pending
    conn = db.session.connection()
    posted_at = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now
    _move_counters(conn, bank_id, posting)
    key = keyring().current
    seq, digest = _next_link(conn, bank_id, posting, posted_at, key)
    entry = {
        "bank_id": bank_id,
        "seq": seq,
        "kind": str(posting.kind),
        "occurred_on": posting.occurred_on,
        "posted_at": posted_at,
        "description": posting.description or "",
        "reverses_id": posting.reverses_id,
        "exchange_id": posting.exchange_id,
        "activity_id": posting.activity_id,
        "category_id": posting.category_id,
        "created_by_id": created_by_id,
        "hash": digest,
        "key_id": key.id,
    }
    entry_id = _write_entry(conn, entry, posting)
    return PostedEntry(entry_id, seq, digest, posted_at)


def refused_twice(error: IntegrityError) -> InvalidTransition | None:
    """The database's own guard against posting an exchange or a reversal twice (I5, I8)."""
    if not is_unique_violation(error):
        return None
    text = str(error.orig)
    if "exchange_id" in text:
        return InvalidTransition(_("This exchange has already been posted."))
    if "reverses_id" in text:
        return InvalidTransition(_("This entry has already been reversed."))
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
        raise InvalidTransition(
            _("A reversal cannot itself be reversed; post a new entry instead."))
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
        raise NotFound(_("No such journal entry."))
    already = db.session.execute(
        select(entries.c.id).where(entries.c.reverses_id == entry_id)
    ).first()
    if already is not None:
        raise InvalidTransition(_("This entry has already been reversed."))
    posting = reversal_posting(entry, reason=reason, occurred_on=entry.occurred_on)
    posted = record_posting(bank_id, posting, created_by_id=created_by_id, now=now)
    if entry.exchange_id is not None:
        db.session.execute(
            update(Exchange.__table__)
            .where(Exchange.__table__.c.id == entry.exchange_id)
            .values(status=ExchangeStatus.REVERSED, updated_at=posted.posted_at)
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
