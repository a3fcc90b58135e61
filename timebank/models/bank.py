"""A time bank, its settings, and the head of its journal's hash chain."""

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..ledger import GENESIS_HASH
from ._types import one_of, utcnow

SETTINGS = (
    "name",
    "default_floor_minutes",
    "default_ceiling_minutes",
    "approval_threshold_minutes",
    "approval_required",
    "moderate_listings",
    "confirmation_days",
    "listing_days",
    "dormant_days",
    "suppression_threshold",
    "max_exchange_minutes",
    "erased_balance_to",
    "retention_days",
) + (
    # the bank's own look (services/bank_look.py checks them)
    "colour",
    "welcome_text_en",
    "welcome_text_cy",
    "contact_phone",
    "contact_email",
    "contact_address",
    "opening_hours",
)

ERASED_BALANCE_DESTINATIONS = ("pool", "keep")

MIN_SUPPRESSION_THRESHOLD = 5


class Bank(db.Model):
    __tablename__ = "banks"
    __table_args__ = (
        CheckConstraint("default_floor_minutes <= 0", name="floor_not_positive"),
        CheckConstraint(
            "default_ceiling_minutes IS NULL OR default_ceiling_minutes >= 0",
            name="ceiling_not_negative",
        ),
        CheckConstraint(
            "approval_threshold_minutes IS NULL OR approval_threshold_minutes > 0",
            name="threshold_positive",
        ),
        CheckConstraint("confirmation_days >= 1", name="confirmation_days_positive"),
        CheckConstraint("listing_days >= 1", name="listing_days_positive"),
        CheckConstraint("dormant_days >= 1", name="dormant_days_positive"),
        CheckConstraint(
            f"suppression_threshold >= {MIN_SUPPRESSION_THRESHOLD}", name="threshold_at_least_5"
        ),
        CheckConstraint("max_exchange_minutes > 0", name="max_exchange_positive"),
        one_of("erased_balance_to", ERASED_BALANCE_DESTINATIONS),
        CheckConstraint("retention_days IS NULL OR retention_days >= 0",
                        name="retention_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    default_floor_minutes: Mapped[int] = mapped_column(default=-600)
    default_ceiling_minutes: Mapped[int | None] = mapped_column(default=None)
    approval_threshold_minutes: Mapped[int | None] = mapped_column(default=480)
    approval_required: Mapped[bool] = mapped_column(default=False)
    moderate_listings: Mapped[bool] = mapped_column(default=True)
    confirmation_days: Mapped[int] = mapped_column(default=14)
    listing_days: Mapped[int] = mapped_column(default=90)
    dormant_days: Mapped[int] = mapped_column(default=90)
    suppression_threshold: Mapped[int] = mapped_column(default=10)
    max_exchange_minutes: Mapped[int] = mapped_column(default=720)
    erased_balance_to: Mapped[str] = mapped_column(String(8), default="pool")
    retention_days: Mapped[int | None] = mapped_column(default=None)
    pseudonym_key: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_hex(32)
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The bank's own perturbation table (CSV pcv,ckey,pvalue), or None for the default.
    perturbation_table: Mapped[str | None] = mapped_column(Text)
    # Its own look: a #rrggbb colour (dark enough for white text), welcome texts, contact
    # details, and the SHA-256 of its logo (the bytes are in BankLogo).
    colour: Mapped[str | None] = mapped_column(String(7))
    welcome_text_en: Mapped[str | None] = mapped_column(Text)
    welcome_text_cy: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_address: Mapped[str | None] = mapped_column(Text)
    opening_hours: Mapped[str | None] = mapped_column(Text)
    logo_sha256: Mapped[str | None] = mapped_column(String(64))

    head: Mapped["LedgerHead"] = relationship(back_populates="bank", uselist=False)

    def __repr__(self):
        return f"<Bank {self.slug}>"


class LedgerHead(db.Model):
    """The last sequence number and hash of a bank's journal.

    Every posting updates this row, so postings in one bank queue on its row
    lock just long enough to take the next number and extend the chain.
    `audit_seq` and `audit_hash` are the same for the bank's audit log.
    """

    __tablename__ = "ledger_heads"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="seq_not_negative"),)

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    audit_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    audit_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH,
                                            server_default=GENESIS_HASH)

    bank: Mapped[Bank] = relationship(back_populates="head")


class BankLogo(db.Model):
    """A bank's logo: PNG or JPEG bytes, kept apart so reading a bank doesn't read them."""

    __tablename__ = "bank_logos"

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
