"""Report windows: one report period's member-level working tables, kept current.

Derived data only (timebank/reports/windows.py keeps them, services/report_windows.py
decides when): they can be dropped at any time and are built again by the next report
of their period.
"""

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

MASK_WORDS = 4  # 62-bit words: 248 months (over twenty years) and 248 categories


class ReportWindow(db.Model):
    """One bank's report period `[date_from, date_to)`, the ledger sequence its rows are
    current to, and the layout of its masks (JSON: the category ids in bit order and the
    level of each activity when it was built)."""

    __tablename__ = "report_windows"
    __table_args__ = (UniqueConstraint("bank_id", "date_from", "date_to",
                                       name="uq_report_windows_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    date_from: Mapped[dt.date]
    date_to: Mapped[dt.date]
    layout: Mapped[str] = mapped_column(Text)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    asked_at: Mapped[dt.datetime | None]  # when a report last asked for it


class _MemberFigures:
    given: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger)
    n_given: Mapped[int] = mapped_column(BigInteger)
    n_received: Mapped[int] = mapped_column(BigInteger)
    partners: Mapped[int] = mapped_column(BigInteger)
    k_given: Mapped[int] = mapped_column(BigInteger)
    first_on: Mapped[dt.date | None]
    last_on: Mapped[dt.date | None]


class ReportWindowGroup(_MemberFigures, db.Model):
    """Per account and partner group: the ties seen from that end (workspace.fold_ties)."""

    __tablename__ = "report_window_groups"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pg: Mapped[str] = mapped_column(String(16), primary_key=True)
    pairs: Mapped[int] = mapped_column(BigInteger)
    recip: Mapped[int] = mapped_column(BigInteger)
    mutual: Mapped[int] = mapped_column(BigInteger)
    ties: Mapped[int] = mapped_column(BigInteger)
    pairs_key: Mapped[int] = mapped_column(BigInteger)
    recip_key: Mapped[int] = mapped_column(BigInteger)
    ties_key: Mapped[int] = mapped_column(BigInteger)


class ReportWindowCell(db.Model):
    """Per (member's group, partner group): the window's group rows of the members of that
    group with that partner group added up, as the flow matrix and the reciprocity figures
    read them (reciprocity.pair_cells), so that a report reads nine rows instead of adding
    up every member's. `receivers_key` sums the record keys of the members who received;
    who of them counts as a member at the end of the period is left to the report, as
    statuses change without a fold. `top` is the most one member gave."""

    __tablename__ = "report_window_cells"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    mine: Mapped[str] = mapped_column(String(16), primary_key=True)
    pg: Mapped[str] = mapped_column(String(16), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)
    pairs: Mapped[int] = mapped_column(BigInteger)
    recip: Mapped[int] = mapped_column(BigInteger)
    mutual: Mapped[int] = mapped_column(BigInteger)
    ties: Mapped[int] = mapped_column(BigInteger)
    people: Mapped[int] = mapped_column(BigInteger)
    k_n: Mapped[int] = mapped_column(BigInteger)
    top: Mapped[int] = mapped_column(BigInteger)
    pairs_key: Mapped[int] = mapped_column(BigInteger)
    recip_key: Mapped[int] = mapped_column(BigInteger)
    ties_key: Mapped[int] = mapped_column(BigInteger)
    providers: Mapped[int] = mapped_column(BigInteger)
    receivers: Mapped[int] = mapped_column(BigInteger)
    receivers_key: Mapped[int] = mapped_column(BigInteger)


class ReportWindowMember(_MemberFigures, db.Model):
    """Per account that took part: totals, and the masks of the months, categories and
    levels it took part in (bit positions: the window's layout)."""

    __tablename__ = "report_window_members"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    lm: Mapped[int | None] = mapped_column(BigInteger)
    mm0: Mapped[int | None] = mapped_column(BigInteger)
    mm1: Mapped[int | None] = mapped_column(BigInteger)
    mm2: Mapped[int | None] = mapped_column(BigInteger)
    mm3: Mapped[int | None] = mapped_column(BigInteger)
    cm0: Mapped[int | None] = mapped_column(BigInteger)
    cm1: Mapped[int | None] = mapped_column(BigInteger)
    cm2: Mapped[int | None] = mapped_column(BigInteger)
    cm3: Mapped[int | None] = mapped_column(BigInteger)


class ReportWindowGiver(db.Model):
    """The minutes one provider gave in one protected cell ("m:<month>", "c:<category>",
    "l:<level>:<group>"), for the cell's largest contributor."""

    __tablename__ = "report_window_givers"
    __table_args__ = (Index("ix_report_window_givers_top", "window_id", "cell", "minutes"),)

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    cell: Mapped[str] = mapped_column(String(32), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)


class ReportWindowTop(db.Model):
    """The minutes of each protected cell's largest single provider."""

    __tablename__ = "report_window_tops"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    cell: Mapped[str] = mapped_column(String(32), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)


class ReportWindowBalance(db.Model):
    """Each account's balance at the end of the window's last day."""

    __tablename__ = "report_window_balances"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    balance: Mapped[int] = mapped_column(BigInteger)


class ReportWindowSum(db.Model):
    """Hours, exchanges and record keys of one day of the window's ragged edges, per
    category and activity (0 for none) and, for activities, the provider's group ('' for
    none)."""

    __tablename__ = "report_window_sums"

    window_id: Mapped[int] = mapped_column(ForeignKey("report_windows.id"), primary_key=True)
    d: Mapped[dt.date] = mapped_column(primary_key=True)
    c: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    a: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    pg: Mapped[str] = mapped_column(String(16), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)
    k: Mapped[int] = mapped_column(BigInteger)
