"""The journal: append-only entries and their transfers (invariants I1, I5, I6).

Triggers created by the migrations refuse UPDATE and DELETE on both tables.
`hash` is keyed with the ledger key named by `key_id` (timebank.ledger.keys).
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..ledger import EntryKind
from ._types import one_of, utcnow
from .record_keys import new_record_key

ENTRY_KINDS = tuple(k.value for k in EntryKind)


class JournalEntry(db.Model):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("bank_id", "seq"),
        UniqueConstraint("bank_id", "id"),
        one_of("kind", ENTRY_KINDS),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint(
            "(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal_names_entry"
        ),
        ForeignKeyConstraint(
            ["bank_id", "reverses_id"],
            ["journal_entries.bank_id", "journal_entries.id"],
            name="fk_journal_entries_reverses_same_bank",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[dt.date]
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(unique=True)
    exchange_id: Mapped[int | None] = mapped_column(ForeignKey("exchanges.id"), unique=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(8))

    transfers: Mapped[list["Transfer"]] = relationship(
        back_populates="entry",
        order_by="Transfer.position",
        primaryjoin="JournalEntry.id == Transfer.entry_id",
        foreign_keys="Transfer.entry_id",
    )
    reverses: Mapped["JournalEntry | None"] = relationship(
        primaryjoin="JournalEntry.reverses_id == remote(JournalEntry.id)",
        foreign_keys=[reverses_id],
        viewonly=True,
    )

    def __repr__(self):
        return f"<JournalEntry {self.bank_id}#{self.seq} {self.kind}>"


class Transfer(db.Model):
    """Minutes from a debit account (who received time) to a credit account (who gave it).

    `occurred_on`, `category_id` and `activity_id` repeat the entry's so that
    reports read one table; they are written once and never change.
    """

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
        UniqueConstraint("entry_id", "position"),
        ForeignKeyConstraint(
            ["bank_id", "entry_id"],
            ["journal_entries.bank_id", "journal_entries.id"],
            name="fk_transfers_entry_same_bank",
        ),
        ForeignKeyConstraint(
            ["bank_id", "debit_account_id"],
            ["accounts.bank_id", "accounts.id"],
            name="fk_transfers_debit_same_bank",
        ),
        ForeignKeyConstraint(
            ["bank_id", "credit_account_id"],
            ["accounts.bank_id", "accounts.id"],
            name="fk_transfers_credit_same_bank",
        ),
        Index("ix_transfers_bank_occurred", "bank_id", "occurred_on"),
        Index("ix_transfers_debit_day", "debit_account_id", "occurred_on"),
        Index("ix_transfers_credit_day", "credit_account_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    position: Mapped[int]
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    minutes: Mapped[int]
    occurred_on: Mapped[dt.date]
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    record_key: Mapped[int] = mapped_column(default=new_record_key)

    entry: Mapped[JournalEntry] = relationship(
        back_populates="transfers",
        primaryjoin="JournalEntry.id == Transfer.entry_id",
        foreign_keys=[entry_id],
    )
