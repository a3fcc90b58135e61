"""Offers ("I can help with …") and requests ("I need …")."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import one_of, utcnow
from .statuses import ListingStatus, values

LISTING_KINDS = ("offer", "request")
LISTING_STATUSES = values(ListingStatus)


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        one_of("kind", LISTING_KINDS),
        one_of("status", LISTING_STATUSES),
        Index("ix_listings_bank_status", "bank_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    status: Mapped[str] = mapped_column(String(12), default=ListingStatus.PENDING.value)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]

    member = relationship("Member", foreign_keys=[member_id])
    category = relationship("Category")
