"""Time accounts: one per member, one community pool per bank."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Account(db.Model):
    """Posted counters only ever grow; the balance is credits minus debits.

    The CHECK constraints are the last line of invariant I4: even a bug in
    the service cannot commit a balance outside [floor, ceiling].
    """

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("bank_id", "id"),
        CheckConstraint("debits_posted >= 0", name="debits_not_negative"),
        CheckConstraint("credits_posted >= 0", name="credits_not_negative"),
        CheckConstraint("credits_posted - debits_posted >= floor_minutes", name="above_floor"),
        CheckConstraint(
            "ceiling_minutes IS NULL OR credits_posted - debits_posted <= ceiling_minutes",
            name="below_ceiling",
        ),
        CheckConstraint(
            "(is_pool AND member_id IS NULL) OR (NOT is_pool AND member_id IS NOT NULL)",
            name="pool_or_member",
        ),
        Index(
            "uq_accounts_one_pool_per_bank",
            "bank_id",
            unique=True,
            sqlite_where=text("is_pool"),
            postgresql_where=text("is_pool"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    is_pool: Mapped[bool] = mapped_column(default=False)
    floor_minutes: Mapped[int] = mapped_column(default=0)
    ceiling_minutes: Mapped[int | None]
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)

    member = relationship("Member", back_populates="account")

    @property
    def balance(self) -> int:
        return (self.credits_posted or 0) - (self.debits_posted or 0)

    def __repr__(self):
        return f"<Account {self.id} balance={self.balance}>"
