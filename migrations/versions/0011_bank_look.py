"""A bank's own look: colour, welcome text in English and Welsh, contact details, and a logo.

The logo's bytes live in their own table, so that reading a bank (on every page) does not
read its picture; the bank keeps the logo's SHA-256, which names the version pages link to.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("colour", sa.String(7)),
    ("welcome_text_en", sa.Text()),
    ("welcome_text_cy", sa.Text()),
    ("contact_phone", sa.String(40)),
    ("contact_email", sa.String(254)),
    ("contact_address", sa.Text()),
    ("opening_hours", sa.Text()),
    ("logo_sha256", sa.String(64)),
)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("banks", sa.Column(name, kind, nullable=True))
    op.create_table(
        "bank_logos",
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"],
                                name=op.f("fk_bank_logos_bank_id_banks")),
        sa.PrimaryKeyConstraint("bank_id", name=op.f("pk_bank_logos")),
    )


def downgrade():
    op.drop_table("bank_logos")
    for name, _kind in reversed(COLUMNS):
        op.drop_column("banks", name)
