"""One consistent view of the database for all the queries of a report, on one connection
or on two.

A report reads many tables in many statements; they must all see the database as it
was at one moment, or a posting landing halfway would make its figures disagree with
each other. The report page works out two periods: the period before is worked out on a
second connection, in a thread, that sees the same moment as the first, so the two
take the time of the longer instead of the sum.

- PostgreSQL: the second connection imports the first one's snapshot
  (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`).
- SQLite has no way to hand a snapshot over, but in WAL mode a read transaction sees
  the database as of its first read, so two that take their first read while nobody
  can commit see the same database: a third connection holds the write lock (BEGIN
  IMMEDIATE) for those two reads only, a millisecond in which a posting waits. If a
  writer keeps the lock for longer than LOCK_WAIT_MS, the work runs in turn instead.
- An in-memory SQLite database is one connection's own: the work runs there, in turn.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ..database import SQLITE_BUSY_TIMEOUT_MS, WRITE
from ..extensions import db

SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


@contextmanager
def snapshot():
    """Open a read-only view for the caller's queries; roll it back at the end.

    The caller's read transaction is ended first; on PostgreSQL the view is a
    REPEATABLE READ transaction, on SQLite a read transaction is a snapshot already.
    """
    session = db.session
    if session().in_transaction():
        session.commit()
    session.connection(execution_options=_isolation(session))
    try:
        yield session
    finally:
        session.rollback()


def _isolation(session) -> dict:
    if session.get_bind().dialect.name == "postgresql":
        return {"isolation_level": "REPEATABLE READ"}
    return {}


def beside(work: Callable[[], object]) -> Callable[[], object]:
    """Start `work` (which reads through `db.session`) in the current snapshot, on a
    connection of its own in a thread, and return a function that waits for its result.
    Call it before the snapshot's first query (SQLite takes the snapshot then), and ask
    for the result before the snapshot ends."""
    session = db.session
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        exported = session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        if not SNAPSHOT_ID.match(exported):  # it is written into the statement below
            raise RuntimeError("unexpected snapshot identifier")
        result, _started = _in_thread(work, f"SET TRANSACTION SNAPSHOT '{exported}'")
        return result
    if engine.url.database in (None, "", ":memory:"):
        return work
    with engine.connect().execution_options(**{WRITE: True}) as lock:
        raw = lock.connection.dbapi_connection  # a PRAGMA through `lock` would BEGIN first
        raw.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            try:
                lock.begin()
            except OperationalError:  # a long write holds on: work in turn, in this snapshot
                return work
            session.execute(text(FIRST_READ))
            result, started = _in_thread(work, FIRST_READ)
            started.wait()
            lock.rollback()
        finally:
            raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return result


FIRST_READ = "SELECT id FROM banks LIMIT 1"  # any table: SQLite's snapshot starts at a read
LOCK_WAIT_MS = 2000  # postings hold the write lock for milliseconds


def _in_thread(work, first_statement: str):
    """Run `work` in a thread, in a read transaction whose first statement is
    `first_statement`; return the function that waits for its result, and an event set
    once that statement has run (or failed)."""
    app = current_app._get_current_object()
    started = threading.Event()

    def run():
        try:
            with app.app_context():
                other = db.session
                try:
                    other.connection(execution_options=_isolation(other))
                    other.execute(text(first_statement))
                    started.set()
                    return work()
                finally:
                    other.rollback()
                    db.session.remove()
        finally:
            started.set()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
    future = pool.submit(run)
    pool.shutdown(wait=False)  # the thread ends with the work
    return future.result, started
