"""Addresses known for each user's successful sign-ins (as keyed hashes), so that sign-in
throttling per account doesn't lock the owner out of their own address.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "known_sign_in_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_known_sign_in_addresses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_sign_in_addresses")),
        sa.UniqueConstraint("user_id", "address_hash",
                            name=op.f("uq_known_sign_in_addresses_user_id_address_hash")),
    )


def downgrade():
    op.drop_table("known_sign_in_addresses")
