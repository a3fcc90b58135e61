"""The statements a piece of code sends to the database, and the plan the engine chooses for
one of them: for tests that a query is served by the index meant for it."""

from contextlib import contextmanager

from sqlalchemy import event

from timebank.extensions import db


@contextmanager
def statements_sent(containing: str):
    """Yields a list that gets (statement, parameters) of each statement sent meanwhile
    whose text contains `containing`, as the driver received them."""
    seen = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if containing in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)


def plan_of(statement: str, parameters) -> str:
    """The engine's plan for a statement as the driver received it, as one line. The test
    tables are small, so on PostgreSQL sequential and bitmap scans are made dear, leaving
    the choice among indexes (SQLite, without statistics, plans as it would at any size)."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            for way in ("seqscan", "bitmapscan"):
                conn.exec_driver_sql(f"SET enable_{way} = off")
            return " ".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement,
                                                                    parameters))
        return " ".join(row[-1] for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))


def rows_read(statement: str, parameters, table: str) -> int:
    """PostgreSQL: the rows the plan's scans of `table` yielded when the statement ran
    (EXPLAIN ANALYZE, over all their loops), in a transaction rolled back after. The
    driver (psycopg) hands the JSON plan over parsed."""
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
                                    parameters).scalar_one()
        conn.rollback()

    def walk(node):
        here = (node["Actual Rows"] * node["Actual Loops"]
                if node.get("Relation Name") == table else 0)
        return here + sum(walk(child) for child in node.get("Plans", ()))
    return walk(plan[0]["Plan"])
