"""Names of the database triggers that make the journal append-only (invariant I5).

The migrations create them with literal SQL; `ledger verify` checks they exist.
"""

APPEND_ONLY_TABLES = ("journal_entries", "transfers", "audit_events")


def trigger_names(dialect: str) -> set[str]:
    operations = ("update", "delete", "truncate") if dialect == "postgresql" else ("update", "delete")
    return {f"{table}_no_{op}" for table in APPEND_ONLY_TABLES for op in operations}
