"""An exchange: a claim that a provider gave minutes to a receiver, on its way to the ledger."""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import one_of, utcnow
from .statuses import ExchangeStatus, values

EXCHANGE_STATUSES = values(ExchangeStatus)


class Exchange(db.Model):
    __tablename__ = "exchanges"
    __table_args__ = (
        one_of("status", EXCHANGE_STATUSES),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("provider_id <> receiver_id", name="two_members"),
        Index("ix_exchanges_bank_status", "bank_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    status: Mapped[str] = mapped_column(String(24), default=ExchangeStatus.AWAITING_CONFIRMATION.value)
    provider_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    minutes: Mapped[int]
    occurred_on: Mapped[dt.date]
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]

    provider = relationship("Member", foreign_keys=[provider_id])
    receiver = relationship("Member", foreign_keys=[receiver_id])
    logged_by = relationship("Member", foreign_keys=[logged_by_id])
    category = relationship("Category")
    activity = relationship("Activity")
    entry = relationship("JournalEntry", primaryjoin="JournalEntry.exchange_id == Exchange.id",
                         uselist=False, viewonly=True)
