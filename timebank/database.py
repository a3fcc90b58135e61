"""Engine settings that the ledger's guarantees depend on.

SQLite: WAL, foreign keys, a busy timeout, synchronous=FULL, and every write
transaction (a service's unit of work asks for one with the `WRITE` execution
option) opened with BEGIN IMMEDIATE, so that two writers can never both read a
balance and then act on it, as pysqlite's lazy, deferred BEGIN would allow.
Reads keep a deferred BEGIN: in WAL mode they never block a writer.

Derived data (the report summaries, windows and cached answers, which can always be
worked out again from the journal) is written in transactions marked `DERIVED`: on
SQLite they commit with synchronous=NORMAL, which in WAL mode skips the sync at
commit. A power cut may then lose the last of them, never half of one, and the next
report folds the same entries again; the journal's own transactions keep FULL.
"""

from sqlalchemy import event

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE = "timebank_write"
DERIVED = "timebank_derived"
SYNCHRONOUS = "timebank_synchronous"


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
        _record.info[SYNCHRONOUS] = "FULL"

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        synchronous = "NORMAL" if options.get(DERIVED) else "FULL"
        if connection.info.get(SYNCHRONOUS) != synchronous:
            connection.exec_driver_sql(f"PRAGMA synchronous = {synchronous}")
            connection.info[SYNCHRONOUS] = synchronous
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE) else "BEGIN")
