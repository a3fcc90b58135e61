"""Members writing to each other about a listing: conversations and their messages.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("starter_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.Column("starter_read_id", sa.Integer(), nullable=False),
        sa.Column("owner_read_id", sa.Integer(), nullable=False),
        sa.Column("suspended_at", sa.DateTime(), nullable=True),
        sa.Column("suspended_by_id", sa.Integer(), nullable=True),
        _fk("conversations", "bank_id", "banks"),
        _fk("conversations", "listing_id", "listings"),
        _fk("conversations", "starter_id", "members"),
        _fk("conversations", "owner_id", "members"),
        _fk("conversations", "suspended_by_id", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("listing_id", "starter_id",
                            name=op.f("uq_conversations_listing_id_starter_id")),
    )
    for column in ("bank_id", "starter_id", "owner_id"):
        op.create_index(op.f(f"ix_conversations_{column}"), "conversations", [column])
    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("report_state", sa.String(length=12), nullable=True),
        sa.Column("report_reason", sa.Text(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("report_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("report_decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("report_state IN ('open', 'dismissed', 'upheld')",
                           name=op.f("ck_conversation_messages_report_state_allowed")),
        _fk("conversation_messages", "bank_id", "banks"),
        _fk("conversation_messages", "conversation_id", "conversations"),
        _fk("conversation_messages", "sender_id", "members"),
        _fk("conversation_messages", "reported_by_id", "members"),
        _fk("conversation_messages", "report_decided_by_id", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_messages")),
    )
    for column in ("conversation_id", "sender_id"):
        op.create_index(op.f(f"ix_conversation_messages_{column}"), "conversation_messages",
                        [column])
    op.create_index("ix_conversation_messages_report", "conversation_messages",
                    ["bank_id", "report_state"])


def downgrade():
    op.drop_table("conversation_messages")
    op.drop_table("conversations")
