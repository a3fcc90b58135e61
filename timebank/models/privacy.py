"""A bank's privacy notice, in versions, and which version each member accepted."""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import utcnow


class PrivacyNotice(db.Model):
    """One published version; a new text is a new version, so that what a member accepted
    stays readable."""

    __tablename__ = "privacy_notices"
    __table_args__ = (
        UniqueConstraint("bank_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    version: Mapped[int]
    text_en: Mapped[str] = mapped_column(Text)
    text_cy: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Consent(db.Model):
    """A member accepted one version of their bank's privacy notice."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("member_id", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id"))
    accepted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
