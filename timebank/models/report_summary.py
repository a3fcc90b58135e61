"""Report summaries: the ledger's exchanges folded by month, finished reports, and the
reports asked for lately (which the reports worker keeps ready).

Derived data only (timebank/reports/summaries.py keeps them): they can be dropped
and rebuilt from the journal at any time. `category_id` and `activity_id` are 0
for none, so that they can be part of the key.
"""

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import one_of


class ReportWatermark(db.Model):
    """The ledger sequence of the bank the summaries are current to."""

    __tablename__ = "report_watermarks"

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    folded_at: Mapped[dt.datetime | None]
    # the state digest (services/report_cache.py) at which every group was found recorded
    groups_state: Mapped[str | None] = mapped_column(String(400))


class ReportPairMonth(db.Model):
    """Per month and pair of accounts (lower id first): minutes, exchanges and record-key
    sums each way (`_lh`: the lower id gave), first and last day."""

    __tablename__ = "report_pair_months"
    __table_args__ = (Index("ix_report_pair_months_lo", "bank_id", "lo", "ym"),
                      Index("ix_report_pair_months_hi", "bank_id", "hi", "ym"))

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    ym: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    lo: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    w_lh: Mapped[int] = mapped_column(BigInteger)
    w: Mapped[int] = mapped_column(BigInteger)
    n_lh: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)
    k_lh: Mapped[int] = mapped_column(BigInteger)
    k_all: Mapped[int] = mapped_column(BigInteger)
    first_on: Mapped[dt.date]
    last_on: Mapped[dt.date]


class ReportAccountMonth(db.Model):
    """Per month, account, side (`gave` 1: the account gave time), category and activity:
    minutes, exchanges and the sum of their record keys."""

    __tablename__ = "report_account_months"
    __table_args__ = (Index("ix_report_account_months_account", "bank_id", "account_id", "ym"),)

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    ym: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    gave: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    activity_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    minutes: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)
    k: Mapped[int] = mapped_column(BigInteger)


class ReportMonthCell(db.Model):
    """Per month, category, activity and the provider's group (only for exchanges with an
    activity; '' otherwise): minutes, exchanges and record-key sums."""

    __tablename__ = "report_month_cells"

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    ym: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    activity_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    pg: Mapped[str] = mapped_column(String(16), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)
    k: Mapped[int] = mapped_column(BigInteger)


class ReportBalanceMonth(db.Model):
    """Per month and account: how far the account's balance moved in that month (credits
    less debits, every transfer counted: exchanges, group credits, donations, grants,
    reversals), so that a balance at any date is the balance now less the moves since,
    read from a few rows per account instead of the transfers."""

    __tablename__ = "report_balance_months"
    # By account, covering the moves: the balances at a date sum each account's rows since.
    __table_args__ = (Index("ix_report_balance_months_account", "bank_id", "account_id", "ym",
                            "moved"),)

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    ym: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    moved: Mapped[int] = mapped_column(BigInteger)


class ReportAccountGroup(db.Model):
    """Each account's member group as `report_month_cells` counted it; when a member's
    group changes, the months in which they gave time are worked out again."""

    __tablename__ = "report_account_groups"

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    grp: Mapped[str] = mapped_column(String(16))


class ReportCache(db.Model):
    """A finished report document (JSON), by bank, query and the ledger sequence it was
    computed at. `query_key` is a digest of the query, its audience included."""

    __tablename__ = "report_cache"
    __table_args__ = (UniqueConstraint("bank_id", "query_key", "ledger_seq",
                                       name="uq_report_cache_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    query_key: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    document: Mapped[str] = mapped_column(Text)


REPORT_KINDS = ("report", "page")


class ReportAsked(db.Model):
    """A report someone opened lately, so that the reports worker keeps its answer ready:
    the kind of document, the audience and the period, when it was last asked for. No
    person and no filter: only unfiltered reports whose periods a window can serve are
    recorded (services/report_asked.py)."""

    __tablename__ = "report_asked"
    __table_args__ = (UniqueConstraint("bank_id", "kind", "protected", "date_from", "date_to",
                                       name="uq_report_asked_query"),
                      one_of("kind", REPORT_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    kind: Mapped[str] = mapped_column(String(8))
    protected: Mapped[bool]
    date_from: Mapped[dt.date]
    date_to: Mapped[dt.date]
    asked_at: Mapped[dt.datetime]
