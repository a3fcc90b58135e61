"""Work beside a snapshot: another connection, in a thread, at the same moment."""

import sqlite3
import threading

from sqlalchemy import text

from timebank.extensions import db
from timebank.services import snapshots


def _backend(session):
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return id(session.connection().connection.dbapi_connection)


def _moment(session):
    """PostgreSQL's name for what a transaction sees (None on SQLite, which has none)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT CAST(pg_current_snapshot() AS TEXT)")).scalar_one()
    return None


def test_the_work_runs_on_another_connection_that_sees_the_same_moment(app):
    with snapshots.snapshot() as session:
        seen = snapshots.beside(lambda: (_backend(db.session), _moment(db.session)))
        mine = (_backend(session), _moment(session))
        theirs = seen()
    assert theirs[0] != mine[0]
    assert theirs[1] == mine[1]


def test_on_sqlite_nobody_commits_while_both_connections_take_their_first_read(
        app, dialect, monkeypatch):
    """The two read transactions start under a write lock held by a third connection; a
    writer that won't wait is refused then, and gets in once both have read."""
    attempts = []
    real = snapshots._in_thread

    def try_to_write():
        if dialect != "sqlite":
            with db.engine.connect() as other, other.begin():
                other.execute(text("UPDATE banks SET name = name"))
            return "wrote"
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return "wrote"
        except sqlite3.OperationalError as error:
            return str(error)
        finally:
            other.close()

    def noting_the_lock(work, first_statement):
        attempts.append(try_to_write())
        return real(work, first_statement)

    monkeypatch.setattr(snapshots, "_in_thread", noting_the_lock)
    with snapshots.snapshot():
        result = snapshots.beside(lambda: "done")
        attempts.append(try_to_write())
        assert result() == "done"
    if dialect == "sqlite":
        assert attempts == ["database is locked", "wrote"]
    else:  # PostgreSQL hands the snapshot over and keeps no writer waiting
        assert attempts == ["wrote", "wrote"]


def test_a_long_write_holding_the_lock_leaves_the_work_to_run_in_turn(app, dialect, monkeypatch):
    """SQLite: when a writer keeps the write lock past LOCK_WAIT_MS, the work runs on this
    connection when asked for, instead of failing. PostgreSQL takes no lock for it."""
    monkeypatch.setattr(snapshots, "LOCK_WAIT_MS", 0)
    with snapshots.snapshot():  # the pool's connections open (and set WAL) before the writer
        snapshots.beside(lambda: None)()
    if dialect == "sqlite":
        writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
    else:
        writer = db.engine.connect()
        writer.execute(text("UPDATE banks SET name = name"))
    try:
        with snapshots.snapshot() as session:
            result = snapshots.beside(
                lambda: (threading.current_thread().name, _backend(db.session)))
            thread, backend = result()
            mine = _backend(session)
    finally:
        writer.rollback() if dialect != "sqlite" else writer.execute("ROLLBACK")
        writer.close()
    if dialect == "sqlite":
        assert (thread, backend) == (threading.current_thread().name, mine)
    else:
        assert thread.startswith("report") and backend != mine
