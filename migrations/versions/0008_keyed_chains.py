"""Keyed hash chains: the journal re-hashed with the ledger key; the audit log chained.

The journal's SHA-256 chain is checked, then every link is re-hashed with
HMAC-SHA-256 and the ledger key (TIMEBANK_LEDGER_KEY, or the development key
when it is unset outside production). Upgrading a production database needs
the production key set, as the application itself does. A journal whose old
chain does not verify is refused: re-hashing it would hide the change.

Every account's current limits are recorded in the audit log, and each bank's
audit events are chained; afterwards the audit log accepts an UPDATE only of
its free-text columns (reason, details).

Revision ID: 0008
Revises: 0007
"""

import datetime as dt
import hashlib
import os

import sqlalchemy as sa
from alembic import op

from timebank.ledger import (
    DEVELOPMENT_KEY,
    GENESIS_HASH,
    Keyring,
    canonical_audit_event,
    canonical_entry,
    chain_hash,
)

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

entries = sa.table(
    "journal_entries", sa.column("id", sa.Integer), sa.column("bank_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("kind", sa.String),
    sa.column("occurred_on", sa.Date), sa.column("posted_at", sa.DateTime),
    sa.column("description", sa.Text), sa.column("reverses_id", sa.Integer),
    sa.column("exchange_id", sa.Integer), sa.column("activity_id", sa.Integer),
    sa.column("category_id", sa.Integer), sa.column("hash", sa.String),
    sa.column("key_id", sa.String),
)
transfers = sa.table(
    "transfers", sa.column("entry_id", sa.Integer), sa.column("position", sa.Integer),
    sa.column("debit_account_id", sa.Integer), sa.column("credit_account_id", sa.Integer),
    sa.column("minutes", sa.Integer),
)
heads = sa.table(
    "ledger_heads", sa.column("bank_id", sa.Integer), sa.column("last_seq", sa.Integer),
    sa.column("last_hash", sa.String), sa.column("audit_seq", sa.Integer),
    sa.column("audit_hash", sa.String),
)
accounts = sa.table(
    "accounts", sa.column("id", sa.Integer), sa.column("bank_id", sa.Integer),
    sa.column("floor_minutes", sa.Integer), sa.column("ceiling_minutes", sa.Integer),
)
audit = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("bank_id", sa.Integer),
    sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("target_type", sa.String), sa.column("target_id", sa.Integer),
    sa.column("reason", sa.Text), sa.column("details", sa.JSON),
    sa.column("created_at", sa.DateTime), sa.column("facts", sa.JSON),
    sa.column("seq", sa.Integer), sa.column("hash", sa.String), sa.column("key_id", sa.String),
)

OLD_AUDIT_TRIGGER = {
    "postgresql": "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                  "FOR EACH ROW EXECUTE FUNCTION timebank_refuse_change()",
    "sqlite": "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN "
              "SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END",
}
CHAINED_AUDIT_COLUMNS = ("id", "bank_id", "actor_id", "action", "target_type", "target_id",
                         "created_at", "facts", "seq", "hash", "key_id")


def _keyring():
    """The application's key when run by `flask db upgrade`, else the environment's."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("LEDGER_KEY"):
        return Keyring.from_strings(current_app.config["LEDGER_KEY"])
    return Keyring.from_strings(os.environ.get("TIMEBANK_LEDGER_KEY") or DEVELOPMENT_KEY)


def upgrade():
    conn = op.get_bind()
    op.add_column("journal_entries",
                  sa.Column("key_id", sa.String(8), nullable=False, server_default=""))
    op.add_column("audit_events", sa.Column("facts", sa.JSON(), nullable=False,
                                            server_default="{}"))
    op.add_column("audit_events", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("key_id", sa.String(8), nullable=True))
    op.create_index("uq_audit_events_bank_seq", "audit_events", ["bank_id", "seq"], unique=True)
    op.add_column("ledger_heads", sa.Column("audit_seq", sa.Integer(), nullable=False,
                                            server_default="0"))
    op.add_column("ledger_heads", sa.Column("audit_hash", sa.String(64), nullable=False,
                                            server_default=GENESIS_HASH))
    if conn.dialect.name == "postgresql":
        op.alter_column("journal_entries", "key_id", server_default=None)
        op.alter_column("audit_events", "facts", server_default=None)
    key = _keyring().current
    with _updates_allowed(conn, "journal_entries"):
        _rehash_journal(conn, old=_plain_hash, new=lambda prev, canonical:
                        chain_hash(key, prev, canonical), key_id=key.id)
    _record_current_limits(conn)
    op.execute("DROP TRIGGER audit_events_no_update" + _on(conn, "audit_events"))
    _chain_audit_log(conn, key)
    _create_free_text_trigger(conn)


def downgrade():
    conn = op.get_bind()
    op.execute("DROP TRIGGER audit_events_no_update" + _on(conn, "audit_events"))
    if conn.dialect.name == "postgresql":
        op.execute("DROP FUNCTION timebank_audit_free_text_only()")
    op.execute(OLD_AUDIT_TRIGGER[conn.dialect.name])
    keyring = _keyring()

    def keyed(prev, canonical, key_id):
        key = keyring.find(key_id)
        return chain_hash(key, prev, canonical) if key else None

    with _updates_allowed(conn, "journal_entries"):
        _rehash_journal(conn, old=keyed, new=_plain_hash, key_id=None)
    op.drop_column("ledger_heads", "audit_hash")
    op.drop_column("ledger_heads", "audit_seq")
    op.drop_index("uq_audit_events_bank_seq", table_name="audit_events")
    for column in ("key_id", "hash", "seq", "facts"):
        op.drop_column("audit_events", column)
    op.drop_column("journal_entries", "key_id")


def _on(conn, table):
    return f" ON {table}" if conn.dialect.name == "postgresql" else ""


def _plain_hash(prev, canonical, _key_id=None):
    return hashlib.sha256(bytes.fromhex(prev) + canonical).hexdigest()


class _updates_allowed:
    """Lift the journal's UPDATE trigger for this migration only, and put back the same one."""

    def __init__(self, conn, table):
        self.conn, self.trigger = conn, f"{table}_no_update"
        self.table = table

    def __enter__(self):
        if self.conn.dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {self.table} DISABLE TRIGGER {self.trigger}")
        else:
            self.sql = self.conn.scalar(sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                {"name": self.trigger})
            op.execute(f"DROP TRIGGER {self.trigger}")

    def __exit__(self, *exc):
        if self.conn.dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {self.table} ENABLE TRIGGER {self.trigger}")
        else:
            op.execute(self.sql)


def _rehash_journal(conn, *, old, new, key_id):
    """Check each link with `old`, then replace it with `new` (refusing a broken chain)."""
    for bank_id, last_seq, last_hash in conn.execute(
        sa.select(heads.c.bank_id, heads.c.last_seq, heads.c.last_hash).order_by(heads.c.bank_id)
    ).all():
        old_prev = new_prev = GENESIS_HASH
        seq = 0
        rows = conn.execute(
            sa.select(entries).where(entries.c.bank_id == bank_id).order_by(entries.c.seq)
        ).all()
        for row in rows:
            legs = conn.execute(
                sa.select(transfers.c.debit_account_id, transfers.c.credit_account_id,
                          transfers.c.minutes)
                .where(transfers.c.entry_id == row.id).order_by(transfers.c.position)
            ).all()
            canonical = canonical_entry(
                bank_id=row.bank_id, seq=row.seq, kind=row.kind, occurred_on=row.occurred_on,
                posted_at=row.posted_at,
                reverses_id=row.reverses_id, exchange_id=row.exchange_id,
                activity_id=row.activity_id, category_id=row.category_id,
                transfers=[tuple(leg) for leg in legs],
            )
            if row.seq != seq + 1 or old(old_prev, canonical, row.key_id) != row.hash:
                raise RuntimeError(
                    f"Bank {bank_id} journal entry #{row.seq} does not match its hash: the "
                    "journal was changed after posting. Run `flask ledger verify` and "
                    "investigate before upgrading; re-hashing it would hide the change.")
            old_prev, seq = row.hash, row.seq
            new_prev = new(new_prev, canonical)
            conn.execute(entries.update().where(entries.c.id == row.id)
                         .values(hash=new_prev, key_id=key_id or ""))
        if (seq, old_prev) != (last_seq, last_hash):
            raise RuntimeError(f"Bank {bank_id}: the journal ends at entry #{seq} but its head "
                               f"records entry #{last_seq}; upgrade refused.")
        conn.execute(heads.update().where(heads.c.bank_id == bank_id).values(last_hash=new_prev))


def _record_current_limits(conn):
    """The audit chain vouches for every account's limits from now on: record today's."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for account in conn.execute(sa.select(accounts).order_by(accounts.c.id)).all():
        conn.execute(audit.insert().values(
            bank_id=account.bank_id, actor_id=None, action="account.limits_recorded",
            target_type="account", target_id=account.id, reason="", details={},
            created_at=now,
            facts={"account_id": account.id, "floor_minutes": account.floor_minutes,
                   "ceiling_minutes": account.ceiling_minutes},
        ))


def _chain_audit_log(conn, key):
    for (bank_id,) in conn.execute(sa.select(heads.c.bank_id).order_by(heads.c.bank_id)).all():
        prev, seq = GENESIS_HASH, 0
        for event in conn.execute(
            sa.select(audit).where(audit.c.bank_id == bank_id).order_by(audit.c.id)
        ).all():
            seq += 1
            prev = chain_hash(key, prev, canonical_audit_event(
                bank_id=bank_id, seq=seq, action=event.action, actor_id=event.actor_id,
                target_type=event.target_type, target_id=event.target_id,
                created_at=event.created_at, facts=event.facts))
            conn.execute(audit.update().where(audit.c.id == event.id)
                         .values(seq=seq, hash=prev, key_id=key.id))
        conn.execute(heads.update().where(heads.c.bank_id == bank_id)
                     .values(audit_seq=seq, audit_hash=prev))


def _create_free_text_trigger(conn):
    message = "audit_events is append-only: UPDATE refused (only reason and details may change)"
    if conn.dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION timebank_audit_free_text_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (to_jsonb(NEW) - 'reason' - 'details') = (to_jsonb(OLD) - 'reason' - 'details')
                THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
            END;
            $$
        """)
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION timebank_audit_free_text_only()")
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CHAINED_AUDIT_COLUMNS)
        op.execute(f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{message}'); END")
