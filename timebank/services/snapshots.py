"""One consistent view of the database for all the queries of a report, on one connection
or, on PostgreSQL, on two.

A report reads many tables in many statements; they must all see the database as it
was at one moment, or a posting landing halfway would make its figures disagree with
each other. The report page works out two periods; on PostgreSQL the period before is
worked out on a second connection, in a thread, that imports the first connection's
snapshot (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`), so both periods are of
the same moment and the two take the time of the longer instead of the sum. SQLite
has no way to share a snapshot between connections, so there the work runs in turn on
the one connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import text

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
    """Start `work` (which reads through `db.session`) in the current snapshot and return
    a function that waits for its result. On PostgreSQL it runs now, in a thread, on a
    connection of its own that imports the snapshot; elsewhere, when the result is asked
    for, on this connection. Ask for the result before the snapshot ends."""
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        return work
    exported = session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    if not SNAPSHOT_ID.match(exported):  # it is written into the statement below
        raise RuntimeError("unexpected snapshot identifier")
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            other = db.session
            try:
                other.connection(execution_options=_isolation(other))
                other.execute(text(f"SET TRANSACTION SNAPSHOT '{exported}'"))
                return work()
            finally:
                other.rollback()
                db.session.remove()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
    future = pool.submit(run)
    pool.shutdown(wait=False)  # the thread ends with the work
    return future.result
