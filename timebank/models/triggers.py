"""Names of the database triggers that make the journal append-only (invariant I5).

The migrations create them with literal SQL; `ledger verify` checks they exist.
The UPDATE triggers let exactly one kind of change through: free text that may
name a person (an entry's description; an audit event's reason and details), so
that a member's data can be erased. Every id, date, figure and hash stays fixed.
"""

REDACTABLE_COLUMNS = {
    "journal_entries": ("description",),
    "transfers": (),
    "audit_events": ("reason", "details"),
}

APPEND_ONLY_TABLES = ("journal_entries", "transfers", "audit_events")


def trigger_names(dialect: str) -> set[str]:
    operations = ("update", "delete", "truncate") if dialect == "postgresql" else ("update", "delete")
    return {f"{table}_no_{op}" for table in APPEND_ONLY_TABLES for op in operations}
