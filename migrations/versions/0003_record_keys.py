"""Record keys for the cell key method, and a bank's own perturbation table.

Members and transfers get a random record key in [0, 256); existing rows are
given random keys here. Transfers are append-only (I5), so their UPDATE trigger
is lifted for the fill and put back in the same transaction.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RANDOM_KEY = {"postgresql": "CAST(floor(random() * 256) AS INTEGER)",
              "sqlite": "(abs(random()) % 256)"}
TRANSFER_UPDATE_TRIGGER = {
    "postgresql": ("DROP TRIGGER transfers_no_update ON transfers",
                   "CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers FOR EACH ROW "
                   "EXECUTE FUNCTION timebank_refuse_change()"),
    "sqlite": ("DROP TRIGGER transfers_no_update",
               "CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers BEGIN "
               "SELECT RAISE(ABORT, 'transfers is append-only: UPDATE refused'); END"),
}


def _add_key(table: str, dialect: str):
    """NOT NULL with a placeholder default, as SQLite can add a column no other way
    without copying the table (which would lose its triggers); the rows then get
    random keys. PostgreSQL drops the placeholder; new rows always bring a key."""
    op.add_column(table, sa.Column("record_key", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.execute(f"UPDATE {table} SET record_key = {RANDOM_KEY[dialect]}")
    if dialect == "postgresql":
        op.alter_column(table, "record_key", server_default=None)


def upgrade():
    dialect = op.get_bind().dialect.name
    _add_key("members", dialect)
    lift, restore = TRANSFER_UPDATE_TRIGGER[dialect]
    op.execute(lift)
    _add_key("transfers", dialect)
    op.execute(restore)
    op.add_column("banks", sa.Column("perturbation_table", sa.Text(), nullable=True))


def downgrade():
    """ALTER TABLE … DROP COLUMN on both engines (SQLite 3.35 or newer), so that SQLite
    keeps the transfers' triggers, which copying the table would lose."""
    for table, column in (("banks", "perturbation_table"), ("transfers", "record_key"),
                          ("members", "record_key")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
