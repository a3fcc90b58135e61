"""Members writing to each other about an offer or a request, on the site.

A conversation belongs to one listing and one pair of members: the one who
started it and the listing's owner. Each side keeps the id of the last message
it has read, so unread messages are derived rather than stored one by one.
"""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import one_of, utcnow

REPORT_STATES = ("open", "dismissed", "upheld")


class Conversation(db.Model):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("listing_id", "starter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    starter_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    starter_read_id: Mapped[int] = mapped_column(default=0)
    owner_read_id: Mapped[int] = mapped_column(default=0)
    suspended_at: Mapped[dt.datetime | None]
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    listing = relationship("Listing")
    starter = relationship("Member", foreign_keys=[starter_id])
    owner = relationship("Member", foreign_keys=[owner_id])
    messages: Mapped[list["ConversationMessage"]] = relationship(
        back_populates="conversation", order_by="ConversationMessage.id")

    def other(self, member_id):
        return self.owner if member_id == self.starter_id else self.starter


class ConversationMessage(db.Model):
    """One message; `report_state` is set when the other member reports it to coordinators."""

    __tablename__ = "conversation_messages"
    __table_args__ = (
        one_of("report_state", REPORT_STATES),
        Index("ix_conversation_messages_report", "bank_id", "report_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    report_state: Mapped[str | None] = mapped_column(String(12))
    report_reason: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    reported_at: Mapped[dt.datetime | None]
    report_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    report_decided_at: Mapped[dt.datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    sender = relationship("Member", foreign_keys=[sender_id])
