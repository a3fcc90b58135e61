"""Messages waiting to be sent, and the single-use links that some of them carry."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import one_of, utcnow

LINK_PURPOSES = ("reset", "verify", "invite")


class AccountLink(db.Model):
    """A single-use link for a user: reset a password, confirm an e-mail address, accept an
    invitation. Only the SHA-256 of its token is kept; a link sent by e-mail gets its token
    when the message leaves (see OutboxMessage.link_id), so no readable token waits in the
    database."""

    __tablename__ = "account_links"
    __table_args__ = (one_of("purpose", LINK_PURPOSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user = relationship("User")


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change it announces and sent after
    commit, with retries; `failed_at` marks one that failed for good."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("account_links.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
