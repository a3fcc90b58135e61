"""What an attacker with write access to the database can do: lift the append-only
triggers, change rows, and recompute the journal's hash chain with a hash of their choice."""

from contextlib import contextmanager

from sqlalchemy import select, text

from timebank.extensions import db
from timebank.ledger import GENESIS_HASH, canonical_entry
from timebank.models import JournalEntry

TABLES = ("journal_entries", "transfers", "audit_events")


def run_sql(sql, **params):
    with db.engine.connect() as conn:
        result = conn.execute(text(sql), params)
        conn.commit()
        return result


@contextmanager
def triggers_lifted():
    """No append-only triggers inside the block; the very same ones again after it."""
    postgresql = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as conn:
        if postgresql:
            for table in TABLES:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            saved = conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _sql in saved:
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.commit()
    try:
        yield
    finally:
        with db.engine.connect() as conn:
            if postgresql:
                for table in TABLES:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            else:
                for _name, sql in saved:
                    conn.execute(text(sql))
            conn.commit()


def rechain(bank_id, link):
    """Recompute every hash of a bank's journal as `link(previous, canonical, entry)` says,
    and move its head to match (with the triggers lifted)."""
    db.session.rollback()
    previous = GENESIS_HASH
    updates = []
    for entry in db.session.scalars(select(JournalEntry).where(JournalEntry.bank_id == bank_id)
                                    .order_by(JournalEntry.seq)):
        canonical = canonical_entry(
            bank_id=entry.bank_id, seq=entry.seq, kind=entry.kind, occurred_on=entry.occurred_on,
            posted_at=entry.posted_at,
            reverses_id=entry.reverses_id, exchange_id=entry.exchange_id,
            activity_id=entry.activity_id, category_id=entry.category_id,
            transfers=[(t.debit_account_id, t.credit_account_id, t.minutes)
                       for t in entry.transfers])
        previous, key_id = link(previous, canonical, entry)
        updates.append((entry.id, previous, key_id))
    db.session.rollback()
    for entry_id, digest, key_id in updates:
        run_sql("UPDATE journal_entries SET hash = :hash, key_id = :key_id WHERE id = :id",
                hash=digest, key_id=key_id, id=entry_id)
    run_sql("UPDATE ledger_heads SET last_hash = :hash WHERE bank_id = :bank",
            hash=previous, bank=bank_id)
    db.session.rollback()
