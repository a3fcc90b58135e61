"""The mail outbox, single-use account links, and when an e-mail address was verified.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('reset', 'verify', 'invite')",
                           name=op.f("ck_account_links_purpose_allowed")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_account_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    op.create_index(op.f("ix_account_links_user_id"), "account_links", ["user_id"])
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"],
                                name=op.f("fk_outbox_messages_bank_id_banks")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_outbox_messages_member_id_members")),
        sa.ForeignKeyConstraint(["link_id"], ["account_links.id"],
                                name=op.f("fk_outbox_messages_link_id_account_links")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_bank_id"), "outbox_messages", ["bank_id"])
    op.create_index("ix_outbox_messages_due", "outbox_messages",
                    ["sent_at", "failed_at", "next_attempt_at"])


def downgrade():
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_bank_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_index(op.f("ix_account_links_user_id"), table_name="account_links")
    op.drop_table("account_links")
    op.drop_column("users", "email_verified_at")  # in place: SQLite 3.35+ drops columns
