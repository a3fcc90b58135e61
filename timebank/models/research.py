"""Research grants: a coordinator's permission for one evaluator to take the member-level extract.

Each grant carries its own random `pseudonym_secret`, so the pseudonyms of one
grant's extracts can't be matched with another grant's. The secret never leaves
the server.
"""

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import utcnow


class ResearchGrant(db.Model):
    __tablename__ = "research_grants"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_research_grants_bank_evaluator", "bank_id", "evaluator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    purpose: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    pseudonym_secret: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_hex(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    evaluator = relationship("Member", foreign_keys=[evaluator_id])

    def is_live(self, today: dt.date) -> bool:
        """Not revoked, and `today` lies between the first and the last day, both included."""
        return self.revoked_at is None and self.starts_on <= today <= self.ends_on

    def __repr__(self):
        return f"<ResearchGrant {self.id}>"
