"""Engine settings that the ledger's guarantees depend on.

SQLite: WAL, foreign keys, a busy timeout, synchronous=FULL, and every write
transaction (a service's unit of work asks for one with the `WRITE` execution
option) opened with BEGIN IMMEDIATE, so that two writers can never both read a
balance and then act on it, as pysqlite's lazy, deferred BEGIN would allow.
Reads keep a deferred BEGIN: in WAL mode they never block a writer.
"""

from sqlalchemy import event

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = "timebank_write"


def configure_engine(engine):
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        write = connection.get_execution_options().get(WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
