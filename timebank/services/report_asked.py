"""The reports asked for lately, so that the reports worker keeps their answers ready.

A coordinator's own dates or an evaluator's other twelve months are otherwise computed
on read again after every new entry. `reports._cached` records each unfiltered report
or page whose periods a window can serve (`record`): its kind, audience and dates, never
who asked and never a filter (a filtered report is computed from the transfers, which
the worker must not spend seconds on). A query's row is written when it is new or was
last written over an hour ago, so that a repeated view stays a read. The worker takes
the most recent (`recent`) and drops those not asked for in KEEP_DAYS (`prune`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ReportAsked
from .report_cache import KEEP_DAYS
from .transaction import unit_of_work

MAX = 8  # asked queries the worker computes per bank and round, most recent first
AGAIN_AFTER = dt.timedelta(hours=1)  # a query's asked_at is written at most this often


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None)


def _same(bank_id: int, kind: str, protected: bool, scope):
    return (ReportAsked.bank_id == bank_id, ReportAsked.kind == kind,
            ReportAsked.protected == protected, ReportAsked.date_from == scope.date_from,
            ReportAsked.date_to == scope.date_to)


def record(bank_id: int, kind: str, protected: bool, scope, *, now: dt.datetime) -> None:
    """Note that someone asked for this query now: one indexed read, and a short write of
    its own only when the query is new or was last noted over AGAIN_AFTER ago."""
    now = _naive(now)
    last = db.session.scalar(select(ReportAsked.asked_at).where(
        *_same(bank_id, kind, protected, scope)))
    if last is not None and now - last < AGAIN_AFTER:
        return
    try:
        with unit_of_work(derived=True) as session:
            if last is None:
                session.add(ReportAsked(bank_id=bank_id, kind=kind, protected=protected,
                                        date_from=scope.date_from, date_to=scope.date_to,
                                        asked_at=now))
            else:
                session.execute(update(ReportAsked).where(
                    *_same(bank_id, kind, protected, scope), ReportAsked.asked_at < now)
                    .values(asked_at=now))
    except IntegrityError:
        pass  # another request noted it first


def asked_before(bank_id: int, scope) -> bool:
    """Whether anyone asked for a report or page over these dates (any audience)."""
    return db.session.scalar(select(ReportAsked.id).where(
        ReportAsked.bank_id == bank_id, ReportAsked.date_from == scope.date_from,
        ReportAsked.date_to == scope.date_to).limit(1)) is not None


def newest(bank_id: int) -> int | None:
    """The id of the query the bank's people asked for last that nobody had asked before."""
    return db.session.scalar(select(func.max(ReportAsked.id)).where(ReportAsked.bank_id == bank_id))


def recent(bank_id: int, *, now: dt.datetime, limit: int) -> list:
    """The bank's `limit` queries asked for most recently in the last KEEP_DAYS, most
    recent first, as rows of (id, kind, protected, date_from, date_to)."""
    since = _naive(now) - dt.timedelta(days=KEEP_DAYS)
    return list(db.session.execute(
        select(ReportAsked.id, ReportAsked.kind, ReportAsked.protected, ReportAsked.date_from,
               ReportAsked.date_to)
        .where(ReportAsked.bank_id == bank_id, ReportAsked.asked_at >= since)
        .order_by(ReportAsked.asked_at.desc(), ReportAsked.id.desc()).limit(limit)))


def prune(bank_id: int, *, now: dt.datetime) -> None:
    """Drop the bank's queries not asked for in KEEP_DAYS (a read when there are none)."""
    stale = (ReportAsked.bank_id == bank_id,
             ReportAsked.asked_at < _naive(now) - dt.timedelta(days=KEEP_DAYS))
    if db.session.scalar(select(ReportAsked.id).where(*stale).limit(1)) is None:
        return
    with unit_of_work(derived=True) as session:
        session.execute(delete(ReportAsked).where(*stale))


def drop(asked_id: int) -> None:
    """Forget a query that no longer resolves."""
    with unit_of_work(derived=True) as session:
        session.execute(delete(ReportAsked).where(ReportAsked.id == asked_id))
