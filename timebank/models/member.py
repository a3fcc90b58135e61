"""People and organisations: a login (user) and a membership of one bank."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import one_of, utcnow
from .record_keys import new_record_key
from .statuses import MemberStatus, values

GROUPS = ("citizen", "professional", "organisation")
ROLES = ("member", "coordinator", "evaluator")
STATUSES = values(MemberStatus)
ERASURE_REASONS = ("member_request", "consent_withdrawn", "no_longer_needed", "retention_period")


class User(db.Model):
    """A login. Members who are not online have no user at all."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    email_verified_at: Mapped[dt.datetime | None]

    member: Mapped["Member | None"] = relationship(back_populates="user", uselist=False)

    def __repr__(self):
        return f"<User {self.id}>"


class Member(db.Model):
    __tablename__ = "members"
    __table_args__ = (
        one_of("member_group", GROUPS, "group_allowed"),
        one_of("role", ROLES),
        one_of("status", STATUSES),
        UniqueConstraint("bank_id", "id"),
        Index("ix_members_bank_status", "bank_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column("member_group", String(16), default="citizen")
    role: Mapped[str] = mapped_column(String(16), default="member")
    status: Mapped[str] = mapped_column(String(16), default=MemberStatus.PENDING.value)
    skills: Mapped[str] = mapped_column(Text, default="")
    birth_year: Mapped[int | None]
    joined_on: Mapped[dt.date] = mapped_column(default=lambda: utcnow().date())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    record_key: Mapped[int] = mapped_column(default=new_record_key)
    erased_at: Mapped[dt.datetime | None]

    bank = relationship("Bank")
    user: Mapped[User | None] = relationship(back_populates="member")
    account: Mapped["Account"] = relationship(  # noqa: F821
        back_populates="member", uselist=False
    )

    @property
    def email(self):
        return self.user.email if self.user else None

    @property
    def is_active_member(self):
        return self.status == MemberStatus.ACTIVE

    def __repr__(self):
        return f"<Member {self.id} {self.role}>"


class MemberStatusChange(db.Model):
    """Every status a member has had, so reports can ask who was active on a date."""

    __tablename__ = "member_status_changes"
    __table_args__ = (
        one_of("status", STATUSES),
        # A bank's last change (the report cache's state) and a member's latest before a
        # date (the status at a report's end).
        Index("ix_member_status_changes_bank_id_id", "bank_id", "id"),
        Index("ix_member_status_changes_member_id_changed_at", "member_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
