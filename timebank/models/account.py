"""Time accounts: one per member, one community pool per bank."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

# The pool index's own predicate, as a condition: both engines use a partial index only for
# a query holding its WHERE term as it is written, and SQLAlchemy writes a boolean column's
# test as `is_pool IS true` (PostgreSQL) or `is_pool IS 1` (SQLite), with which they read
# every account of the bank instead (about 3 ms at 20,000 members, against 0.03–0.3 ms).
POOL_PREDICATE = "is_pool"
IS_POOL = text(f"accounts.{POOL_PREDICATE}")


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
            sqlite_where=text(POOL_PREDICATE),
            postgresql_where=text(POOL_PREDICATE),
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
