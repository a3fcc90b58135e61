"""Keeping the report summaries up to the ledger head, and rebuilding or checking them.

A report first calls `bring_up_to_date`: in its own short write transaction it locks
the bank's watermark row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the transaction is
BEGIN IMMEDIATE, so it is the only writer), works out again the summary rows that the
entries after the watermark touch (timebank/reports/summaries.py, `fold`), and moves
the watermark to the ledger head it read. Fold and watermark commit together: a process
killed halfway leaves the summaries and the watermark as they were, and the next
report folds the same entries again. The posting transaction is left alone.

The report then opens its snapshot and reads the ledger head there: if the summaries
are current to it they serve the report, which states that sequence; if an entry
landed in between, the report is computed from the transfers at the head it sees
(`at_head`), so a figure is never a mix of two moments.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Bank, LedgerHead, ReportWatermark
from ..models._types import utcnow
from ..reports import summaries
from . import banks, report_cache, report_windows
from .transaction import unit_of_work

FOLD_ATTEMPTS = 2


def ledger_head(bank_id: int) -> int:
    return db.session.scalar(select(LedgerHead.last_seq).where(LedgerHead.bank_id == bank_id)) or 0


def watermark(bank_id: int) -> int:
    return db.session.scalar(select(ReportWatermark.last_seq)
                             .where(ReportWatermark.bank_id == bank_id)) or 0


def groups_current(bank_id: int, state: str | None = None) -> bool:
    """Whether the summaries count every member in the group they are in now. `state`: the
    bank's state digest now (report_cache.state); when the groups were found recorded at
    that very digest there is nothing to look at, as a group change is audited and a new
    member counted, and either changes the digest."""
    return _groups_known(bank_id, state) or not summaries.groups_moved(bank_id)


def _groups_known(bank_id: int, state: str | None) -> bool:
    return state is not None and state == db.session.scalar(
        select(ReportWatermark.groups_state).where(ReportWatermark.bank_id == bank_id))


def _record_groups_state(bank_id: int, state: str | None) -> None:
    db.session.execute(ReportWatermark.__table__.update()
                       .where(ReportWatermark.bank_id == bank_id)
                       .values(groups_state=state))


def _locked_watermark(bank_id: int) -> int:
    """The bank's watermark, its row created if need be and locked until the commit."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(ReportWatermark).values(bank_id=bank_id, last_seq=0)
                       .on_conflict_do_nothing(index_elements=["bank_id"]))
    query = select(ReportWatermark.last_seq).where(ReportWatermark.bank_id == bank_id)
    if dialect == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query)


def _move_watermark(bank_id: int, seq: int) -> None:
    db.session.execute(ReportWatermark.__table__.update()
                       .where(ReportWatermark.bank_id == bank_id)
                       .values(last_seq=seq, folded_at=utcnow()))


def bring_up_to_date(bank_id: int, periods=(), state: str | None = None) -> int:
    """Fold the entries after the bank's watermark into its summaries and its report
    windows, and build the windows of `periods` (report scopes) that are missing; the new
    watermark. `state`: the bank's state digest read before (report_cache.state), recorded
    as the one at which the groups were found current (groups_current), as they were at
    some moment after it was read; read here when not given, so that every fold (the
    worker's too) records it and the reports after it need not look at the groups again.
    Nothing is written when all of it is current already (but that digest, once)."""
    if state is None:
        state = report_cache.state(bank_id)[1]
    done = watermark(bank_id)
    known = _groups_known(bank_id, state)
    if (done == ledger_head(bank_id) and (known or not summaries.groups_moved(bank_id))
            and report_windows.current_for(periods, done)):
        if state is not None and not known:
            with unit_of_work(derived=True):
                _record_groups_state(bank_id, state)
        db.session.rollback()
        return done
    pool_id = banks.pool_account(bank_id).id
    with unit_of_work(derived=True):
        done = _locked_watermark(bank_id)
        head = ledger_head(bank_id)
        moved = [] if known else summaries.groups_moved(bank_id)
        if any(row.recorded is not None for row in moved):
            report_windows.retire_bank(bank_id)
        regrouped = summaries.record_groups(bank_id, moved)
        summaries.fold(bank_id, pool_id, done, head, regrouped)
        report_windows.bring_up(bank_id, pool_id, head, periods)
        _move_watermark(bank_id, head)
        _record_groups_state(bank_id, state)
    return head


def rebuild(bank_id: int) -> int:
    """Work every month of the bank out again from the transfers; the new watermark."""
    pool_id = banks.pool_account(bank_id).id
    with unit_of_work(derived=True):
        _locked_watermark(bank_id)
        head = ledger_head(bank_id)
        report_windows.retire_bank(bank_id)
        summaries.record_groups(bank_id, summaries.groups_moved(bank_id))
        for ym in summaries.all_months(bank_id):
            summaries.recompute_month(bank_id, pool_id, ym)
        _move_watermark(bank_id, head)
    return head


def bank_ids(slug: str | None = None) -> list[tuple[int, str]]:
    """(id, slug) of every bank, or of the one called `slug` (none if there is none)."""
    query = select(Bank.id, Bank.slug).order_by(Bank.id)
    if slug is not None:
        query = query.where(Bank.slug == slug)
    found = [(row.id, row.slug) for row in db.session.execute(query)]
    db.session.rollback()
    return found
