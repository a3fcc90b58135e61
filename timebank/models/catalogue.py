"""What a bank sorts its time by: categories of help and co-production activities."""

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import one_of, utcnow

LEVELS = ("inform", "educate", "consult", "engage", "co-design", "co-produce")


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("bank_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Activity(db.Model):
    """A co-production activity with its level on the Spectrum of Participation."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("bank_id", "name"), one_of("level", LEVELS))

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
