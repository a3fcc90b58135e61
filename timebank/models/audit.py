"""The audit log: who did what, when and why. Append-only like the journal.

Each bank's events form a keyed hash chain like its journal (`seq`, `hash`,
`key_id`) over everything but the free text: `reason` and `details` may be
redacted later, and triggers let an UPDATE change those two columns and
nothing else. `facts` holds structured, non-personal values the chain
vouches for (e.g. an account's new credit limits).
"""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_bank_created", "bank_id", "created_at"),
        Index("uq_audit_events_bank_seq", "bank_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    seq: Mapped[int | None]
    hash: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(8))

    actor = relationship("Member")
