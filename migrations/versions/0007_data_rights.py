"""Members' data rights: privacy notices and consents, erasure and retention settings.

The journal's hash no longer covers an entry's description (free text may name a
person), so existing chains are hashed again in the new form; the UPDATE triggers
on journal_entries and audit_events now let through a change to free text only.

Revision ID: 0007
Revises: 0006
"""

import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
REDACTABLE = {"journal_entries": ("description",), "audit_events": ("reason", "details")}
FIXED = {
    "journal_entries": ("id", "bank_id", "seq", "kind", "occurred_on", "posted_at",
                        "reverses_id", "exchange_id", "activity_id", "category_id",
                        "created_by_id", "hash"),
    "audit_events": ("id", "bank_id", "actor_id", "action", "target_type", "target_id",
                     "created_at"),
}
DEFAULT_NOTICE_EN = (
    "This time bank keeps your name, email address, what you can bring, the offers and "
    "requests you post, and the time you give and receive, so that members can find each "
    "other and your hours are counted. Coordinators can see all of it; other members see "
    "your name, what you can bring and your listings. You can download everything we hold "
    "about you from your profile, and ask a coordinator to erase it."
)
DEFAULT_NOTICE_CY = (
    "Mae'r banc amser hwn yn cadw eich enw, eich cyfeiriad e-bost, yr hyn y gallwch ei "
    "gynnig, y cynigion a'r ceisiadau rydych yn eu postio, a'r amser rydych yn ei roi ac yn ei "
    "dderbyn, fel bod aelodau'n gallu dod o hyd i'w gilydd a bod eich oriau'n cael eu cyfrif. "
    "Gall cydlynwyr weld y cyfan; mae aelodau eraill yn gweld eich enw, yr hyn y gallwch ei "
    "gynnig a'ch hysbysebion. Gallwch lawrlwytho popeth sydd gennym amdanoch o'ch proffil, a "
    "gofyn i gydlynydd ei ddileu."
)

entries = sa.table(
    "journal_entries", sa.column("id", sa.Integer), sa.column("bank_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("kind", sa.String), sa.column("occurred_on", sa.Date),
    sa.column("posted_at", sa.DateTime), sa.column("description", sa.Text),
    sa.column("reverses_id", sa.Integer), sa.column("exchange_id", sa.Integer),
    sa.column("activity_id", sa.Integer), sa.column("category_id", sa.Integer),
    sa.column("hash", sa.String),
)
transfers = sa.table(
    "transfers", sa.column("entry_id", sa.Integer), sa.column("position", sa.Integer),
    sa.column("debit_account_id", sa.Integer), sa.column("credit_account_id", sa.Integer),
    sa.column("minutes", sa.Integer),
)
heads = sa.table("ledger_heads", sa.column("bank_id", sa.Integer),
                 sa.column("last_hash", sa.String))
banks = sa.table("banks", sa.column("id", sa.Integer))
notices = sa.table(
    "privacy_notices", sa.column("bank_id", sa.Integer), sa.column("version", sa.Integer),
    sa.column("text_en", sa.Text), sa.column("text_cy", sa.Text),
    sa.column("published_at", sa.DateTime),
)


def _canonical(entry, legs, *, with_description):
    """The canonical form of this revision (with_description=False) or of the one before,
    written out here so that later changes to the code can't change what this step did."""
    def iso(value):
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="microseconds")
        return value.isoformat() if isinstance(value, dt.date) else value

    document = {
        "bank": entry.bank_id, "seq": entry.seq, "kind": str(entry.kind),
        "occurred_on": iso(entry.occurred_on), "posted_at": iso(entry.posted_at),
        "reverses": entry.reverses_id, "exchange": entry.exchange_id,
        "activity": entry.activity_id, "category": entry.category_id,
        "transfers": [[int(d), int(c), int(m)] for d, c, m in legs],
    }
    if with_description:
        document["description"] = entry.description or ""
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def _link(previous, canonical):
    return hashlib.sha256(bytes.fromhex(previous) + canonical).hexdigest()


def _rehash(conn, *, from_description, to_description):
    """Walk each bank's chain; while the stored hashes match the old form, write the new.

    A chain that was already broken is rewritten only up to the break, so that the
    tampering stays visible to `ledger verify`.
    """
    legs = {}
    for row in conn.execute(sa.select(transfers).order_by(transfers.c.entry_id,
                                                          transfers.c.position)):
        legs.setdefault(row.entry_id, []).append(
            (row.debit_account_id, row.credit_account_id, row.minutes))
    rows = conn.execute(sa.select(entries).order_by(entries.c.bank_id, entries.c.seq)).all()
    state = {}
    for entry in rows:
        old_prev, new_prev, intact = state.get(entry.bank_id, (GENESIS_HASH, GENESIS_HASH, True))
        if not intact:
            continue
        old = _link(old_prev, _canonical(entry, legs.get(entry.id, []),
                                         with_description=from_description))
        if old != entry.hash:
            state[entry.bank_id] = (old_prev, new_prev, False)
            continue
        new = _link(new_prev, _canonical(entry, legs.get(entry.id, []),
                                         with_description=to_description))
        conn.execute(entries.update().where(entries.c.id == entry.id).values(hash=new))
        state[entry.bank_id] = (old, new, True)
    for bank_id, (old, new, intact) in state.items():
        conn.execute(heads.update().where(heads.c.bank_id == bank_id,
                                          heads.c.last_hash == old).values(last_hash=new))


def _pg_guard(table):
    return (f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION timebank_refuse_change_but_text("
            f"{', '.join(repr(c) for c in REDACTABLE[table])})")


def _sqlite_guard(table):
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED[table])
    return (f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN NOT ({same}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END")


def _sqlite_refuse(table):
    return (f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END")


def _drop_update_triggers(postgresql):
    for table in REDACTABLE:
        op.execute(f"DROP TRIGGER {table}_no_update" + (f" ON {table}" if postgresql else ""))


def upgrade():
    conn = op.get_bind()
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        op.add_column("banks", sa.Column("erased_balance_to", sa.String(8), nullable=False,
                                         server_default="pool"))
        op.add_column("banks", sa.Column("retention_days", sa.Integer(), nullable=True))
        op.create_check_constraint(op.f("ck_banks_erased_balance_to_allowed"), "banks",
                                   "erased_balance_to IN ('pool', 'keep')")
        op.create_check_constraint(op.f("ck_banks_retention_days_not_negative"), "banks",
                                   "retention_days IS NULL OR retention_days >= 0")
    else:
        op.execute("ALTER TABLE banks ADD COLUMN erased_balance_to VARCHAR(8) NOT NULL "
                   "DEFAULT 'pool' CONSTRAINT ck_banks_erased_balance_to_allowed "
                   "CHECK (erased_balance_to IN ('pool', 'keep'))")
        op.execute("ALTER TABLE banks ADD COLUMN retention_days INTEGER "
                   "CONSTRAINT ck_banks_retention_days_not_negative "
                   "CHECK (retention_days IS NULL OR retention_days >= 0)")
    op.add_column("members", sa.Column("erased_at", sa.DateTime(), nullable=True))
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_cy", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_privacy_notices_version_positive")),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"],
                                name=op.f("fk_privacy_notices_bank_id_banks")),
        sa.ForeignKeyConstraint(["published_by_id"], ["members.id"],
                                name=op.f("fk_privacy_notices_published_by_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("bank_id", "version", name=op.f("uq_privacy_notices_bank_id_version")),
    )
    op.create_index(op.f("ix_privacy_notices_bank_id"), "privacy_notices", ["bank_id"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"], name=op.f("fk_consents_bank_id_banks")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_consents_member_id_members")),
        sa.ForeignKeyConstraint(["notice_id"], ["privacy_notices.id"],
                                name=op.f("fk_consents_notice_id_privacy_notices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.UniqueConstraint("member_id", "notice_id", name=op.f("uq_consents_member_id_notice_id")),
    )
    op.create_index(op.f("ix_consents_member_id"), "consents", ["member_id"])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bank_ids = [row.id for row in conn.execute(sa.select(banks.c.id))]
    if bank_ids:
        conn.execute(notices.insert(), [
            {"bank_id": b, "version": 1, "text_en": DEFAULT_NOTICE_EN,
             "text_cy": DEFAULT_NOTICE_CY, "published_at": now} for b in bank_ids])

    _drop_update_triggers(postgresql)
    _rehash(conn, from_description=True, to_description=False)
    if postgresql:
        op.execute(
            """
            CREATE FUNCTION timebank_refuse_change_but_text() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
                    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END;
            $$
            """
        )
    for table in REDACTABLE:
        op.execute(_pg_guard(table) if postgresql else _sqlite_guard(table))


def downgrade():
    conn = op.get_bind()
    postgresql = conn.dialect.name == "postgresql"
    _drop_update_triggers(postgresql)
    if postgresql:
        op.execute("DROP FUNCTION timebank_refuse_change_but_text()")
    _rehash(conn, from_description=False, to_description=True)
    for table in REDACTABLE:
        if postgresql:
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION timebank_refuse_change()")
        else:
            op.execute(_sqlite_refuse(table))
    op.drop_index(op.f("ix_consents_member_id"), table_name="consents")
    op.drop_table("consents")
    op.drop_index(op.f("ix_privacy_notices_bank_id"), table_name="privacy_notices")
    op.drop_table("privacy_notices")
    op.drop_column("members", "erased_at")
    if postgresql:
        op.drop_constraint(op.f("ck_banks_retention_days_not_negative"), "banks", type_="check")
        op.drop_constraint(op.f("ck_banks_erased_balance_to_allowed"), "banks", type_="check")
    for column in ("retention_days", "erased_balance_to"):
        op.execute(f"ALTER TABLE banks DROP COLUMN {column}")
